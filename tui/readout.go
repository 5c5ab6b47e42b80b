package tui

import (
	"math"
	"strings"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/store"
	"github.com/sobang/sobang/tui/chart"
)

// readout is the line above the status line: one reading across the panes
// at the cursor's second, short enough to read aloud ("at 18:59:40: 47/s,
// errors 7.3%, p95 1.0s; hikaricp_connections_active 10; logs 3 errors").
// Each pane contributes the figure it puts first; a pane without a source
// contributes nothing, and a figure the data does not hold reads "–".
func (m *Model) readout(f *frame) string {
	st := f.st
	parts := make([]string, 0, 3)
	// A load test without a timeline (a k6 summary) has nothing at a second.
	if _, _, timed := m.store.Load.Range(); timed && m.store.KindCount(sources.KindLoadTest) > 0 {
		parts = append(parts, loadReadout(f))
	}
	if m.store.KindCount(sources.KindMetrics) > 0 {
		if s := m.metrics.readout(f); s != "" {
			parts = append(parts, s)
		}
	}
	if m.store.KindCount(sources.KindLog) > 0 {
		parts = append(parts, logsReadout(f))
	}
	note := m.noteAt(f.cursorMS)
	if len(parts) == 0 && note == "" {
		return ""
	}
	if note != "" {
		// The words two people agreed on come before the figures.
		parts = append([]string{wrap(st.Bold, "“"+note+"”")}, parts...)
	}
	at := "at " + f.clock(f.cursorMS) + "  "
	if f.settling() {
		// Requests of this second may still be running: its figures are
		// not final, and say so.
		at = "at " + f.clock(f.cursorMS) + " settling  "
	}
	return " " + wrap(st.Muted, at) + strings.Join(parts, wrap(st.Muted, "  │  "))
}

// loadReadout reads the load test at the cursor's second: requests per
// second, the error percentage and p95, of the open label when one is open.
func loadReadout(f *frame) string {
	sec := floorSec(f.cursorMS)
	name := "requests"
	if f.label != "" {
		name = f.label
	}
	if f.store.Load.Empty() {
		return aggregateReadout(f, name)
	}
	sum := f.store.Load.Summarize(sec*1000, sec*1000+1000, f.label)
	s := &sum.Requests
	if f.label != "" {
		s = &store.Stats{}
		for i := range sum.Labels {
			if sum.Labels[i].Label == f.label {
				s = &sum.Labels[i].Stats
			}
		}
	}
	if s.Count == 0 {
		// No sample: no error rate and no percentile to read.
		return readoutFigures(f, name, 0, math.NaN(), math.NaN())
	}
	p95, _ := s.Percentile(0.95)
	return readoutFigures(f, name, float64(s.Count), s.ErrorPct(), p95)
}

// aggregateReadout reads a tool's own history rows (Locust, a k6 summary)
// at the cursor, as the pane's legend does.
func aggregateReadout(f *frame, name string) string {
	var row *sources.Aggregate
	for _, set := range f.store.Load.AggregateSets() {
		if r := historyAt(aggregatedHistory(set), f.cursorMS+999, staleMS); r != nil {
			row = r
			break
		}
	}
	if row == nil {
		return readoutFigures(f, name, math.NaN(), math.NaN(), math.NaN())
	}
	errPct := math.NaN()
	if row.RequestsPerSec > 0 && row.FailuresPerSec >= 0 {
		errPct = 100 * row.FailuresPerSec / row.RequestsPerSec
	}
	return readoutFigures(f, name, row.RequestsPerSec, errPct, row.Percentile(0.95))
}

func readoutFigures(f *frame, name string, perSec, errPct, p95 float64) string {
	errs := "errors " + pct(errPct)
	errSt := f.st.Muted
	if errPct > 0 {
		errSt = f.st.Errors.Style
	}
	if math.IsNaN(errPct) {
		errs = "errors –"
	}
	perSecond := rate(perSec) + "/s"
	if math.IsNaN(perSec) {
		perSecond = "–"
	}
	return wrap(f.st.Throughput.Style, name+" "+perSecond) + "  " + wrap(errSt, errs) + "  " +
		wrap(f.st.P95.Style, "p95 "+ms(p95))
}

// logsReadout counts the log entries at error level or worse in the
// cursor's second.
func logsReadout(f *frame) string {
	sec := floorSec(f.cursorMS)
	if first, last, ok := f.store.Span(sources.KindLog); !ok || f.cursorMS < first-1000 || f.cursorMS > last+1000 {
		// The logs hold nothing near this second: no count to read.
		return wrap(f.st.Muted, "logs –")
	}
	c := f.store.Logs.LevelCounts(sec*1000, sec*1000+1000)
	n := c[sources.LevelError] + c[sources.LevelFatal]
	if n == 0 {
		return wrap(f.st.Muted, "logs no errors")
	}
	word := " errors"
	if n == 1 {
		word = " error"
	}
	return wrap(f.st.Errors.Style, "logs "+itoa(n)+word)
}

// readout reads the family the metrics pane puts first at the cursor: a
// histogram's p99, a counter's rate, a gauge's value (the first series of
// it, with how many more there are).
func (p *metricsPane) readout(f *frame) string {
	fams := p.families(f)
	if len(fams) == 0 {
		return ""
	}
	fam := fams[0]
	ss := fam.Series
	if sel := fam.Where("uri", f.path); len(sel) > 0 {
		ss = sel
	}
	if len(ss) == 0 {
		return ""
	}
	at := store.Instant(floorSec(f.cursorMS) * 1000)
	var text string
	switch fam.Type {
	case sources.MetricHistogram:
		unit, k := unitOf(fam.Name)
		text = fam.Name + " p99 " + chart.FormatValue(k*store.HistogramQuantiles(ss, at, 0.99)[0][0], unit)
	case sources.MetricCounter, sources.MetricSummary:
		text = fam.Name + " " + chart.FormatValue(ss[0].Values(at, nil)[0], "/s")
	default:
		v := ss[0].Values(at, nil)[0]
		if iv, ok := f.instant[ss[0].ID()]; ok {
			v = iv // the server's value at the cursor, finer than the step
		}
		unit, k := unitOf(fam.Name)
		text = fam.Name + " " + chart.FormatValue(k*v, unit)
	}
	if len(ss) > 1 && fam.Type != sources.MetricHistogram {
		text += wrap(f.st.Muted, " (1 of "+itoa(len(ss))+")")
	}
	return wrap(f.st.Series[1], text)
}

// floorSec is the epoch second holding ms.
func floorSec(ms int64) int64 {
	if ms < 0 && ms%1000 != 0 {
		return ms/1000 - 1
	}
	return ms / 1000
}

// noteAt returns the note (M) of a mark in the cursor's second, "" for
// none.
func (m *Model) noteAt(cursorMS int64) string {
	sec := floorSec(cursorMS)
	for ms, text := range m.notes {
		if floorSec(ms) == sec {
			return text
		}
	}
	return ""
}
