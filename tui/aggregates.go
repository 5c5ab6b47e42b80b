package tui

import (
	"math"
	"sort"
	"strings"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/store"
	"github.com/sobang/sobang/tui/chart"
)

// staleMS is how long a history row stays drawn after its time.
var staleMS = sources.StaleAfter.Milliseconds()

// renderAggregates draws the load-test pane for a tool that writes only
// aggregates (Locust, a k6 summary): its own figures, never recomputed, with
// the charts drawn from its history rows.
func (p *loadPane) renderAggregates(f *frame, lines []string, inner, ih int) []string {
	sets := f.store.Load.AggregateSets()
	title := aggregatesTitle(f.store, sets[0].Source)
	if len(sets) > 1 {
		// Several sets: counts and rates add; percentiles, which cannot be
		// merged from aggregates, are shown only where one set has them.
		title = "tools' own aggregates of " + itoa(len(sets)) + " sets"
	}
	if total, n := store.MergeFinal(sets, store.IsTotal); n > 0 {
		lines = append(lines, wrap(f.st.Bold, title)+"  "+
			"requests "+count(total.Requests)+"  failures "+failures(&total)+" ("+failurePct(&total)+")  "+
			"p95 "+ms(total.Percentile(0.95))+"  "+rate(total.RequestsPerSec)+"/s")
	} else {
		lines = append(lines, wrap(f.st.Bold, title)+wrap(f.st.Muted, "  (no final figures yet)"))
	}
	hists := make([][]sources.Aggregate, len(sets))
	history := false
	for i, set := range sets {
		hists[i] = aggregatedHistory(set)
		history = history || len(hists[i]) > 0
	}
	if tool := toolSummaryOf(sets); tool != nil && !history {
		// A summary without a timeline (k6's): its own page, not two
		// empty charts.
		return p.summaryPage(f, lines, tool, sets, inner, ih)
	}
	n := 2 * max(inner-chart.LabelWidth-1, 1)
	rps, fps := make([]float64, n), make([]float64, n)
	p50, p95, p99 := make([]float64, n), make([]float64, n), make([]float64, n)
	span := f.toMS - f.fromMS
	for c := 0; c < n; c++ {
		t1 := f.fromMS + int64(c+1)*span/int64(n)
		rps[c], fps[c], p50[c], p95[c], p99[c] = math.NaN(), math.NaN(), math.NaN(), math.NaN(), math.NaN()
		for _, hist := range hists {
			row := historyAt(hist, t1-1, staleMS+span/int64(n))
			if row == nil {
				continue
			}
			rps[c], fps[c] = addKnown(rps[c], row.RequestsPerSec), addKnown(fps[c], row.FailuresPerSec)
			if len(hists) == 1 {
				p50[c], p95[c], p99[c] = row.Percentile(0.5), row.Percentile(0.95), row.Percentile(0.99)
			}
		}
	}
	at := "at " + f.clock(f.cursorMS) + "  "
	var cur *sources.Aggregate
	for _, hist := range hists {
		row := historyAt(hist, f.cursorMS+999, staleMS)
		switch {
		case row == nil:
		case cur == nil:
			c := *row
			cur = &c
		default:
			cur.RequestsPerSec = addKnown(cur.RequestsPerSec, row.RequestsPerSec)
			cur.FailuresPerSec = addKnown(cur.FailuresPerSec, row.FailuresPerSec)
			if row.Users >= 0 {
				cur.Users = max(cur.Users, 0) + row.Users
			}
			cur.Percentiles = nil
		}
	}
	var legend1, legend2 string
	if cur != nil {
		users := ""
		if cur.Users >= 0 {
			users = "  users " + itoa(int(cur.Users))
		}
		failures := "failures " + rate(cur.FailuresPerSec) + "/s"
		if cur.FailuresPerSec > 0 {
			failures = f.st.Errors.key(failures)
		} else {
			failures = wrap(f.st.Muted, failures)
		}
		legend1 = wrap(f.st.Muted, at) + f.st.Throughput.key("requests "+rate(cur.RequestsPerSec)+"/s") + "  " + failures + users
		legend2 = wrap(f.st.Muted, at+"response time ") + f.st.P50.key("p50 "+ms(cur.Percentile(0.5))) + "  " +
			f.st.P95.key("p95 "+ms(cur.Percentile(0.95))) + "  " + f.st.P99.key("p99 "+ms(cur.Percentile(0.99)))
	} else {
		legend1 = wrap(f.st.Muted, at+"no history row here")
		legend2 = wrap(f.st.Muted, at+"response time")
	}
	tableRows := min(len(aggregateRows(sets))+1, max(ih/3, 3))
	chartH := max((ih-1-2-1-tableRows)/2, 1)
	// The tools' failures are part of their requests: stacked on the rest.
	okRate := make([]float64, len(rps))
	for i := range rps {
		okRate[i] = rps[i]
		if i < len(fps) && !math.IsNaN(fps[i]) {
			okRate[i] = max(rps[i]-fps[i], 0)
		}
	}
	failed := f.st.Errors.series(rps)
	failed.Base = okRate
	c1 := chart.Chart{Height: chartH, AutoScale: true,
		Series: []chart.Series{f.st.Throughput.series(okRate), failed}}
	var area chartArea
	lines, area = chartBlock(f, lines, legend1, &c1, "/s", inner)
	p.areas = append(p.areas, area)
	c2 := chart.Chart{Height: chartH, AutoScale: true, Max: 10,
		Series: []chart.Series{f.st.P99.series(p99), f.st.P95.series(p95), f.st.P50.series(p50)}}
	lines, area = chartBlock(f, lines, legend2, &c2, "ms", inner)
	p.areas = append(p.areas, area)
	if ih >= 12 {
		lines = append(lines, timeAxis(f, inner, nil))
	}
	return p.aggregateTable(f, lines, sets, inner, ih)
}

// aggregateTable appends the table of the sets' final rows, as many as fit
// in ih lines.
func (p *loadPane) aggregateTable(f *frame, lines []string, sets []*store.AggregateSet, inner, ih int) []string {
	rows := aggregateRows(sets)
	names := make([]string, len(rows))
	cells := make([][]string, len(rows))
	for i := range rows {
		names[i], cells[i] = rows[i].Name(), aggregateCells(&rows[i])
	}
	var cols []tableCol
	cols, p.labelW = fitTable(loadCols, names, cells, inner)
	lines = append(lines, p.tableHeader(f, cols, inner))
	var shown []int
	filter := strings.ToLower(f.filters[paneLoad])
	for i := range rows {
		if filter == "" || strings.Contains(strings.ToLower(rows[i].Label), filter) {
			shown = append(shown, i)
		}
	}
	// The rows scroll (↑/↓, the wheel) with the selection as the top row;
	// where they do not all fit, the last line says how many are below.
	room := max(ih-len(lines), 0)
	p.selected = min(p.selected, max(len(shown)-room+1, 0))
	start := p.selected
	if len(shown) <= room {
		start, p.selected = 0, 0
	}
	end := min(len(shown), start+room)
	if end < len(shown) && room > 1 {
		end--
	}
	for _, i := range shown[start:end] {
		lines = append(lines, p.aggregateRow(&rows[i], cols, cells[i]))
	}
	if below := len(shown) - end; below > 0 && room > 1 {
		lines = append(lines, wrap(f.st.Muted, fitPlain("  ↓ "+itoa(below)+" more labels (↑/↓ or the wheel)", 0, inner)))
	}
	return lines
}

// aggregateRows returns one row per label of the sets' final figures, in
// the order the sets list them, the same label of several sets merged as
// store.MergeFinal merges (no totals row).
func aggregateRows(sets []*store.AggregateSet) []sources.Aggregate {
	type key struct{ method, label string }
	var keys []key
	seen := map[key]bool{}
	for _, set := range sets {
		for i := range set.Final {
			a := &set.Final[i]
			k := key{a.Method, a.Label}
			if store.IsTotal(a) || seen[k] {
				continue
			}
			seen[k] = true
			keys = append(keys, k)
		}
	}
	rows := make([]sources.Aggregate, 0, len(keys))
	for _, k := range keys {
		row, _ := store.MergeFinal(sets, func(a *sources.Aggregate) bool {
			return a.Method == k.method && a.Label == k.label && !store.IsTotal(a)
		})
		rows = append(rows, row)
	}
	return rows
}

// addKnown adds v to sum, NaN standing for unknown on either side.
func addKnown(sum, v float64) float64 {
	switch {
	case math.IsNaN(v):
		return sum
	case math.IsNaN(sum):
		return v
	}
	return sum + v
}

// failures shows a row's failure count, "?" when the tool wrote none.
func failures(a *sources.Aggregate) string {
	if a.FailuresUnknown {
		return "?"
	}
	return count(a.Failures)
}

// failurePct shows a row's failure percentage, "?" when unknown.
func failurePct(a *sources.Aggregate) string {
	if a.FailuresUnknown {
		return "?"
	}
	return pct(100 * ratio(a.Failures, a.Requests))
}

func ratio(a, b int64) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// aggregatedHistory returns the history rows of the totals, in time order.
func aggregatedHistory(set *store.AggregateSet) []sources.Aggregate {
	var out []sources.Aggregate
	for _, a := range set.History {
		if a.Label == sources.AggregatedLabel && a.Method == "" {
			out = append(out, a)
		}
	}
	return out
}

// historyAt returns the last row at or before ms, if it is at most stale ms
// old.
func historyAt(rows []sources.Aggregate, ms, stale int64) *sources.Aggregate {
	i := sort.Search(len(rows), func(i int) bool { return rows[i].TimeMS > ms }) - 1
	if i < 0 || rows[i].TimeMS < ms-stale {
		return nil
	}
	return &rows[i]
}

// aggregateRow is one label of the tool's final figures in the table's
// columns (samples, errors, err%, p50, p95, p99, thr/s).
func (p *loadPane) aggregateRow(a *sources.Aggregate, cols []tableCol, cells []string) string {
	var b strings.Builder
	b.WriteString("  ")
	b.WriteString(fitPlain(a.Name(), 0, p.labelW))
	for i, c := range cols {
		b.WriteString(padLeft(cells[i], c.width))
	}
	return b.String()
}

// aggregateCells are a row's figures in loadCols' order, "–" where the tool
// wrote none.
func aggregateCells(a *sources.Aggregate) []string {
	return []string{count(a.Requests), failures(a), failurePct(a),
		ms(a.Percentile(0.5)), ms(a.Percentile(0.95)), ms(a.Percentile(0.99)), rate(a.RequestsPerSec)}
}

// aggregatesTitle names the tool whose own figures the pane shows.
func aggregatesTitle(st *store.Store, source int) string {
	if source >= 0 && source < len(st.Sources) && st.Sources[source].Info.Kind == sources.KindK6 {
		return "k6's own summary (no timeline)"
	}
	return "Locust's own aggregates"
}
