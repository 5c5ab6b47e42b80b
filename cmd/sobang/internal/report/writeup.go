package report

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/analysis/drain"
	"github.com/sobang/sobang/sources/analysis/incident"
	"github.com/sobang/sobang/sources/store"
)

// writeup is what the text and Markdown reports add to an incident for a
// postmortem: when each of its facets began, peaked and ended, the failures
// and log templates that dominate it, and text charts around it. JSON
// keeps to the incident's fields.
type writeup struct {
	facets    []string // one line per facet
	notes     []string // the notes written in or around it
	errors    []store.ErrorCount
	templates []drain.Count // ERROR and WARN templates in the incident
	chart     []string      // the text chart's lines
}

// Bounds of the write-up.
const (
	writeupErrors    = 3
	writeupTemplates = 3
	// chartColumns is the most columns of the write-up's chart; a column
	// holds one second or more.
	chartColumns = 60
)

// newWriteup writes up in from the store.
func newWriteup(st *store.Store, in incident.Incident, loc *time.Location) *writeup {
	clock := func(ms int64) string { return time.UnixMilli(ms).In(loc).Format("15:04:05") }
	w := &writeup{}
	for _, f := range in.Facets {
		var before, worst string
		switch f.Kind {
		case incident.KindErrors:
			before, worst = fmt.Sprintf("%.1f%%", 100*f.Before), fmt.Sprintf("%.1f%%", 100*f.Worst)
		case incident.KindLatency:
			before, worst = "p95 "+incident.Millis(f.Before), "p95 "+incident.Millis(f.Worst)
		case incident.KindThroughput:
			before, worst = fmt.Sprintf("%.3g requests/s per thread", f.Before), fmt.Sprintf("%.3g", f.Worst)
		}
		w.facets = append(w.facets, fmt.Sprintf("%s: from %s (%s before), worst %s at %s, until %s",
			f.Kind, clock(f.StartMS), before, worst, clock(f.WorstMS), clock(f.EndMS)))
	}
	sum := st.Load.Summarize(in.StartMS, in.EndMS, "")
	w.errors = sum.Errors[:min(len(sum.Errors), writeupErrors)]
	if st.Logs.Len() > 0 {
		t := drain.Templates(st.Logs, in.StartMS, in.EndMS, store.Filter{MinLevel: sources.LevelWarn})
		w.templates = t[:min(len(t), writeupTemplates)]
	}
	w.chart = incidentChart(st.Load, in, loc)
	return w
}

// incidentChart draws the requests, error share and p95 from as long
// before the incident as it lasted (at least 30 s) to half that after it,
// one row each in eighth blocks, and the incident's span under them.
func incidentChart(lt *store.LoadTest, in incident.Incident, loc *time.Location) []string {
	first, last, ok := lt.Range()
	if !ok {
		return nil
	}
	span := max((in.EndMS-in.StartMS)/1000, 30)
	from := max(in.StartMS/1000-span, first)
	to := min((in.EndMS+999)/1000+span/2, last+1) // exclusive
	step := max((to-from+chartColumns-1)/chartColumns, 1)
	n := int((to - from + step - 1) / step)
	rate, errs, p95 := make([]float64, n), make([]float64, n), make([]float64, n)
	for i := range n {
		var col store.Stats
		for sec := from + int64(i)*step; sec < min(from+int64(i+1)*step, to); sec++ {
			if b := lt.Second(sec); b != nil {
				col.Merge(&b.Requests)
			}
		}
		rate[i], errs[i], p95[i] = math.NaN(), math.NaN(), math.NaN()
		if col.Count > 0 {
			rate[i] = float64(col.Count) / float64(step)
			errs[i] = float64(col.Errors) / float64(col.Count)
			p95[i], _ = col.Percentile(0.95)
		}
	}
	clock := func(sec int64) string { return time.Unix(sec, 0).In(loc).Format("15:04:05") }
	const name = 9 // the rows' name column
	head := clock(from)
	if tail := clock(to); n > 2*len(tail) {
		head += strings.Repeat(" ", n-len(head)-len(tail)) + tail
	}
	band := make([]rune, n)
	for i := range band {
		band[i] = ' '
		if sec := from + int64(i)*step; sec*1000 < in.EndMS && (sec+step)*1000 > in.StartMS {
			band[i] = '━'
		}
	}
	maxRate, maxP95 := peak(rate), peak(p95)
	each := "second"
	if step > 1 {
		each = fmt.Sprintf("%d seconds", step)
	}
	return []string{
		strings.Repeat(" ", name) + head,
		pad("req/s", name) + blocks(rate, maxRate) + fmt.Sprintf("  0-%.3g", maxRate),
		pad("errors", name) + blocks(errs, 1) + "  0-100%",
		pad("p95", name) + blocks(p95, maxP95) + "  0-" + incident.Millis(maxP95),
		pad("incident", name) + strings.TrimRight(string(band), " "),
		fmt.Sprintf("(a column per %s)", each),
	}
}

// peak is the largest value, 0 when none.
func peak(v []float64) float64 {
	m := 0.0
	for _, x := range v {
		if !math.IsNaN(x) {
			m = max(m, x)
		}
	}
	return m
}

// blocks draws v in eighth blocks on 0..top; a missing value is a blank, a
// zero the lowest block's floor ("_" so that it reads as "nothing" and not
// as "no data").
func blocks(v []float64, top float64) string {
	const eighths = "▁▂▃▄▅▆▇█"
	runes := []rune(eighths)
	var b strings.Builder
	for _, x := range v {
		switch {
		case math.IsNaN(x):
			b.WriteByte(' ')
		case x <= 0 || top <= 0:
			b.WriteByte('_')
		default:
			k := int(math.Ceil(x/top*8)) - 1
			b.WriteRune(runes[min(max(k, 0), 7)])
		}
	}
	return b.String()
}

// pad writes s left-aligned in w cells.
func pad(s string, w int) string { return s + strings.Repeat(" ", max(w-len(s), 1)) }

// noteMargin is how far before and after an incident a note is its own.
const noteMargin = time.Minute

// addNotes lists the notes written within noteMargin of the incident.
func (w *writeup) addNotes(notes map[int64]string, in incident.Incident, loc *time.Location) {
	for _, ms := range slices.Sorted(maps.Keys(notes)) {
		if ms >= in.StartMS-noteMargin.Milliseconds() && ms < in.EndMS+noteMargin.Milliseconds() {
			w.notes = append(w.notes, time.UnixMilli(ms).In(loc).Format("15:04:05")+" "+notes[ms])
		}
	}
}
