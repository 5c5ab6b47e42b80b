package tui

import (
	"cmp"
	"math"
	"slices"
	"sort"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/store"
	"github.com/sobang/sobang/tui/chart"
)

// maxSeriesPerChart is how many series one metric chart draws; the legend
// says how many more there are.
const maxSeriesPerChart = 6

// metricColumnCells is the least width of a chart in the grid of a wide
// pane, and maxMetricColumns the most charts side by side.
const (
	metricColumnCells = 90
	maxMetricColumns  = 3
)

// beside writes the lines of block into rows at cell x, each fitted to w
// cells, rows already there padded to x first.
func beside(rows, block []string, x, w int) []string {
	for len(rows) < len(block) {
		rows = append(rows, "")
	}
	for i, l := range block {
		if x > 0 {
			rows[i] = fit(rows[i], x-1) + " "
		}
		rows[i] += fit(l, w)
	}
	return rows
}

// minMetricRows is the least height of a metric chart: more charts than
// fit at this height scroll.
const minMetricRows = 3

// metricsPane shows one chart per metric family: gauges as they are,
// counters as per-second rates, histograms as p50/p99 over all their series.
type metricsPane struct {
	keymap metricsKeys
	offset int // first panel shown

	cacheKey metricsKey
	cache    string
	areas    []chartArea
	shown    []*store.Family
	c        chart.Chart
	onsets   onsetCache
	// hidden are the families removed with d, until added again.
	hidden map[string]bool
	// large draws one chart at a time with the pane's whole height (c),
	// j/k stepping through them.
	large bool
	// cols is how many charts the last render drew side by side: j/k
	// scroll a row of them.
	cols int
}

// metricsKeys are the metrics pane's keys: the first three are its help, in
// order (Scroll standing for Up and Down); enter and / are the shared keys,
// described for this pane.
type metricsKeys struct {
	Scroll, Filter, Open       key.Binding
	Add, Remove                key.Binding // a series from the server's names, the top chart
	Large                      key.Binding // one large chart, or all that fit
	Up, Down, PageUp, PageDown key.Binding
}

func newMetricsKeys(k KeyMap) metricsKeys {
	return metricsKeys{
		Scroll: anyOf("↑/↓ j/k", "scroll charts", k.Up, k.Down),
		Filter: describe(k.Search, "filter metrics by name"),
		Open:   describe(k.Open, "list the top chart's series at the cursor"),
		Add:    key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "add a series (--prom)")),
		Remove: key.NewBinding(key.WithKeys("d"), key.WithHelp("d", "remove the top chart")),
		Large:  key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "one large chart / all charts")),
		Up:     k.Up, Down: k.Down, PageUp: k.PageUp, PageDown: k.PageDown,
	}
}

func (k metricsKeys) help() []key.Binding {
	return []key.Binding{k.Scroll, k.Filter, k.Open, k.Large, k.Add, k.Remove}
}

type metricsKey struct {
	frame     frameKey
	version   uint64
	load      uint64 // the load test's version: its error onsets mark the axis
	note      string
	w, h      int
	focused   bool
	offset    int
	large     bool
	filter    string
	hidden    int
	instant   int // the server's values at the cursor, when known
	exemplars int // the histograms with exemplars, when known
	theme     *Styles
}

func newMetricsPane(k KeyMap) *metricsPane { return &metricsPane{keymap: newMetricsKeys(k)} }

func (p *metricsPane) title() string      { return "Metrics" }
func (p *metricsPane) kind() sources.Kind { return sources.KindMetrics }
func (p *metricsPane) hint() string {
	return "no metrics: --prom URL or --scrape URL"
}
func (p *metricsPane) charts() []chartArea { return p.areas }

func (p *metricsPane) keys() []key.Binding { return p.keymap.help() }

func (p *metricsPane) scroll(_ *frame, n int) tea.Msg {
	p.offset = max(p.offset+n*max(p.cols, 1), 0)
	return nil
}

func (p *metricsPane) handleKey(msg tea.KeyPressMsg, f *frame) tea.Msg {
	switch {
	case key.Matches(msg, p.keymap.Up):
		return p.scroll(f, -1)
	case key.Matches(msg, p.keymap.Down):
		return p.scroll(f, 1)
	case key.Matches(msg, p.keymap.PageUp):
		return p.scroll(f, -5)
	case key.Matches(msg, p.keymap.PageDown):
		return p.scroll(f, 5)
	case key.Matches(msg, p.keymap.Large):
		p.large = !p.large
		return nil
	}
	return nil
}

func (p *metricsPane) filterChanged() { p.offset = 0 }

// hide leaves the family name out of the pane (d).
func (p *metricsPane) hide(name string) {
	if p.hidden == nil {
		p.hidden = map[string]bool{}
	}
	p.hidden[name] = true
	p.cache = ""
}

// unhide shows again what a query added names: the family of its name,
// or of the expression itself.
func (p *metricsPane) unhide(query string) {
	for _, n := range []string{query, leadingName(query)} {
		if p.hidden[n] {
			delete(p.hidden, n)
			p.cache = ""
		}
	}
}

func (p *metricsPane) clear(f *frame) tea.Msg {
	if f.filters[paneMetrics] == "" {
		return nil
	}
	return setFilterMsg{pane: paneMetrics}
}

func (p *metricsPane) open(f *frame) tea.Msg {
	if len(p.shown) == 0 {
		return nil
	}
	return showOverlayMsg{seriesList(f, p.shown[0])}
}

// seriesList is the text enter opens on a metric family: each series'
// value at the cursor's second, named as the chart reads it (a gauge's
// value, a counter's rate per second, a histogram's p50 and p99) with its
// unit, highest first; series without a value there come last, with "–".
func seriesList(f *frame, fam *store.Family) string {
	at := store.Instant(floorSec(f.cursorMS) * 1000)
	unit, k := unitOf(fam.Name)
	type row struct {
		v    float64
		text string
	}
	rows := make([]row, 0, len(fam.Series))
	stat := "value"
	for _, s := range fam.Series {
		var r row
		switch fam.Type {
		case sources.MetricHistogram:
			stat = "p99 (p50)"
			q := store.HistogramQuantiles([]*store.Series{s}, at, 0.99, 0.5)
			r.v = k * q[0][0]
			r.text = padLeft(chart.FormatValue(r.v, unit), 8) + padLeft("("+chart.FormatValue(k*q[1][0], unit)+")", 10)
		case sources.MetricCounter, sources.MetricSummary:
			stat = "rate"
			r.v = s.Values(at, nil)[0]
			r.text = padLeft(chart.FormatValue(r.v, "/s"), 8)
		default:
			r.v = s.ValueAt(at.FromMS)
			if iv, ok := f.instant[s.ID()]; ok {
				r.v = iv // the server's value at the cursor, finer than the step
			}
			r.v *= k
			r.text = padLeft(chart.FormatValue(r.v, unit), 8)
		}
		r.text += "  " + s.ID()
		if _, long := sourceOf(f, s); long != "" {
			r.text += wrap(f.st.Muted, "  "+long)
		}
		rows = append(rows, r)
	}
	sort.SliceStable(rows, func(i, j int) bool {
		a, b := rows[i].v, rows[j].v
		if math.IsNaN(b) {
			return !math.IsNaN(a)
		}
		return a > b
	})
	unitName := unitNames[unit]
	if stat == "rate" {
		unitName = unitNames["/s"]
	}
	var b strings.Builder
	b.WriteString(fam.Name + " at " + f.clock(f.cursorMS) + ": " + stat + " of each of " + itoa(len(rows)) +
		" series (" + unitName + "), highest first\n\n")
	for _, r := range rows {
		b.WriteString(r.text + "\n")
	}
	if th, ok := threshold(f, fam); ok {
		b.WriteString("\nthreshold " + chart.FormatValue(k*th, unit) + " ([metrics.thresholds])\n")
	}
	if fam.Type == sources.MetricHistogram {
		b.WriteString(exemplarList(f, fam, unit, k))
	}
	return b.String()
}

// familyOrder puts the families that tell a pool or latency story first.
var familyOrder = map[string]int{
	"http_server_requests_seconds":       0,
	"hikaricp_connections_active":        1,
	"hikaricp_connections_pending":       2,
	"hikaricp_connections_timeout_total": 3,
}

// familyRank orders families: the ones above, then the application's own,
// then the runtime's (go_, process_, promhttp_).
func familyRank(f *store.Family) int {
	if r, ok := familyOrder[f.Name]; ok {
		return r
	}
	n := f.Name
	switch {
	case strings.HasPrefix(n, "hikaricp_"):
		return 10
	case strings.HasPrefix(n, "go_"), strings.HasPrefix(n, "process_"), strings.HasPrefix(n, "promhttp_"):
		return 30
	}
	return 20
}

func (p *metricsPane) families(f *frame) []*store.Family {
	var out []*store.Family
	filter := f.filters[paneMetrics]
	for _, fam := range f.store.Metrics.Families() {
		if filter != "" && !strings.Contains(strings.ToLower(fam.Name), strings.ToLower(filter)) {
			continue
		}
		if p.hidden[fam.Name] {
			continue
		}
		out = append(out, fam)
	}
	sort.SliceStable(out, func(i, j int) bool { return familyRank(out[i]) < familyRank(out[j]) })
	return out
}

func (p *metricsPane) render(f *frame, w, h int, focused bool) string {
	note, noteSt := paneHealth(f, sources.KindMetrics)
	filter := f.filters[paneMetrics]
	k := metricsKey{f.key(), f.store.Metrics.Version, f.store.Load.Version, note, w, h, focused, p.offset, p.large, filter, len(p.hidden), len(f.instant), len(f.exemplars), f.st}
	if k == p.cacheKey && p.cache != "" {
		return p.cache
	}
	if filter != "" {
		note = "filter “" + filter + "” · " + note
	}
	inner, ih := w-2, h-2
	p.areas = p.areas[:0]
	var lines []string
	fams := p.families(f)
	if len(fams) == 0 {
		msg := "no metrics yet"
		if filter != "" {
			msg = "no metric matches “" + filter + "”"
		}
		lines = append(lines, wrap(f.st.Muted, msg))
		p.cache, p.cacheKey = box(f.st, numbered(paneMetrics, p.title()), note, noteSt, lines, w, h, focused), k
		return p.cache
	}
	// The charts share the height, the time axis under them: as many as
	// fit at minMetricRows each, every one as tall as the room allows, so
	// a zoomed pane draws large charts.
	body := ih
	if ih >= minMetricRows+2 {
		body-- // the time axis
	}
	// A wide pane lays the charts out in a grid, metricColumnCells or
	// more each, filled row by row; c draws one chart with everything.
	cols := 1
	if !p.large {
		cols = max(min(inner/metricColumnCells, maxMetricColumns), 1)
	}
	cw := (inner - (cols - 1)) / cols // a blank cell between columns
	p.cols = cols
	fitRows := max(body/(minMetricRows+1), 1)
	if p.large {
		fitRows = 1
	}
	fits := fitRows * cols
	shown := min(fits, len(fams))
	p.offset = min(p.offset, max(len(fams)-fits, 0))
	more := len(fams)-p.offset > shown
	room := body
	if more {
		room-- // the "more charts" line
	}
	gridRows := (shown + cols - 1) / cols
	chartH := max(room/max(gridRows, 1)-1, 1)
	extra := max(room-gridRows*(chartH+1), 0) // rows the division left over, one each to the first charts
	per := chartH + 1
	p.shown = p.shown[:0]
	n := 2 * max(cw-chart.LabelWidth-1, 1)
	for r := 0; r < gridRows && len(lines)+per <= room; r++ {
		rows := chartH
		if r < extra {
			rows++
		}
		var row []string
		for c := 0; c < cols; c++ {
			i := p.offset + r*cols + c
			if i >= len(fams) {
				break
			}
			fam := fams[i]
			p.shown = append(p.shown, fam)
			legend, series, unit := p.panel(f, fam, n)
			p.c = chart.Chart{Height: rows, AutoScale: true, Series: series, MarkCols: p.c.MarkCols}
			if fam.Type == sources.MetricGauge {
				p.c.Tight = false
			}
			block, area := chartBlock(f, nil, legend, &p.c, unit, cw)
			x := c * (cw + 1)
			area.x += x
			area.y += len(lines)
			p.areas = append(p.areas, area)
			row = beside(row, block, x, cw)
		}
		lines = append(lines, row...)
	}
	if body < ih {
		axis := ""
		for c := 0; c < min(cols, max(len(p.shown), 1)); c++ {
			if c > 0 {
				axis += " "
			}
			axis += fit(timeAxis(f, cw, p.onsets.get(f.store.Load)), cw)
		}
		lines = append(lines, axis)
	}
	if more := len(fams) - p.offset - len(p.shown); more > 0 && len(lines) < ih {
		hint := " more charts (j/k or the wheel, c for all)"
		if !p.large {
			hint = " more charts (j/k or the wheel, c for one large)"
		}
		lines = append(lines, wrap(f.st.Muted, "↓ "+itoa(more)+hint))
	}
	p.cache, p.cacheKey = box(f.st, numbered(paneMetrics, p.title()), note, noteSt, lines, w, h, focused), k
	return p.cache
}

// panel asks the store for one family's points, n per chart, and writes
// the legend with the values under the cursor.
func (p *metricsPane) panel(f *frame, fam *store.Family, n int) (string, []chart.Series, string) {
	// The legend reads the right-hand dot of the cell the cursor is in: a
	// cell holds two of the n points.
	cursorCol := 2*f.col(f.cursorMS, n/2) + 1
	valueAt := func(v []float64) float64 {
		if cursorCol >= 0 && cursorCol < len(v) {
			return v[cursorCol]
		}
		return math.NaN()
	}
	steps := store.Steps{FromMS: f.fromMS, ToMS: f.toMS, N: n}
	var legend strings.Builder
	var series []chart.Series
	unit := ""
	// The shared filter: only the series of the chosen label's path, where
	// the family has a uri label (Micrometer's http_server_requests).
	ss := fam.Series
	name := wrap(f.st.Bold, fam.Name)
	if sel := fam.Where("uri", f.path); len(sel) > 0 {
		ss = sel
		name += wrap(f.st.Muted, " uri="+f.path)
	}
	k := 1.0
	// The configured threshold, drawn under the series and keyed first,
	// so that a narrow legend cuts a series rather than it.
	th, hasTh := threshold(f, fam)
	thresholdLine := func() {
		if !hasTh {
			return
		}
		v := make([]float64, n)
		for i := range v {
			v[i] = k * th
		}
		st := Stat{Style: f.st.Warn, Pattern: chart.Sparse}
		series = append(series, st.series(v))
		legend.WriteString(st.key("threshold "+chart.FormatValue(k*th, unit)) + " ")
	}
	switch fam.Type {
	case sources.MetricHistogram:
		unit, k = unitOf(fam.Name)
		q := store.HistogramQuantiles(ss, steps, 0.5, 0.99)
		p50, p99 := scaled(q[0], k), scaled(q[1], k)
		legend.WriteString(name + wrap(f.st.Muted, " p50/p99 of "+itoa(len(ss))+" series "))
		thresholdLine()
		legend.WriteString(f.st.P50.key("p50 "+chart.FormatValue(valueAt(p50), unit)) + " ")
		legend.WriteString(f.st.P99.key("p99 " + chart.FormatValue(valueAt(p99), unit)))
		series = append(series, f.st.P99.series(p99), f.st.P50.series(p50))
		if ex := f.exemplars[fam.Name]; len(ex) > 0 {
			// Each exemplar a dot at its time and value, over the lines.
			v := make([]float64, n)
			for i := range v {
				v[i] = math.NaN()
			}
			for _, e := range ex {
				if c := f.col(e.TimeMS, n/2); c >= 0 {
					v[2*c+1] = math.Max(k*e.Value, nanToInf(v[2*c+1]))
				}
			}
			st := Stat{Style: f.st.Mark, Pattern: chart.Solid}
			series = append(series, st.series(v))
			// Keyed with a dot, as drawn, not a line.
			legend.WriteString(" " + wrap(st.Style, "⠁ "+itoa(len(ex))+" exemplars (enter)"))
		}
		return legend.String(), series, unit
	case sources.MetricCounter, sources.MetricSummary:
		legend.WriteString(name + wrap(f.st.Muted, " rate/s "))
		unit = "/s"
	default:
		legend.WriteString(name + " ")
		unit, k = unitOf(fam.Name)
	}
	thresholdLine()
	common := store.CommonLabels(ss)
	mixed := mixedSources(ss)
	for i, s := range ss {
		if i == maxSeriesPerChart {
			legend.WriteString(wrap(f.st.Muted, " +"+itoa(len(ss)-i)+" more"))
			break
		}
		v := scaled(s.Values(steps, nil), k)
		st := Stat{Style: f.st.Series[i%len(f.st.Series)], Pattern: seriesPattern(i)}
		series = append(series, st.series(v))
		name := shortLabels(s.Labels, common)
		if short, _ := sourceOf(f, s); mixed && short != "" {
			name = strings.TrimSpace(short + " " + name)
		}
		cur := valueAt(v)
		if iv, ok := f.instant[s.ID()]; ok && fam.Type != sources.MetricCounter && fam.Type != sources.MetricSummary {
			cur = k * iv // the server's value at the cursor, finer than the step
		}
		val := chart.FormatValue(cur, unit)
		if name != "" {
			val = name + " " + val
		}
		legend.WriteString(st.key(val) + " ")
	}
	return legend.String(), series, unit
}

// unitOf guesses a display unit from a metric name's suffix, and the
// factor from the metric's values to it: seconds shown as ms or s, bytes
// in binary multiples (MiB), a ratio as a percentage.
func unitOf(name string) (string, float64) {
	switch {
	case strings.HasSuffix(name, "_seconds"), strings.HasSuffix(name, "_seconds_total"):
		return "s", 1
	case strings.HasSuffix(name, "_bytes"):
		return chart.BinaryBytes, 1
	case strings.HasSuffix(name, "_ratio"):
		return "%", 100
	case strings.HasSuffix(name, "_percent"):
		return "%", 1
	}
	return "", 1
}

// nanToInf is v, or -Inf for NaN, for a running maximum.
func nanToInf(v float64) float64 {
	if math.IsNaN(v) {
		return math.Inf(-1)
	}
	return v
}

// maxListedExemplars is how many exemplars enter's list gives, nearest
// the cursor first.
const maxListedExemplars = 10

// exemplarList is enter's list of a histogram's exemplars over the range
// shown, nearest the cursor first: when, the value, the trace id, the
// series.
func exemplarList(f *frame, fam *store.Family, unit string, k float64) string {
	ex := slices.Clone(f.exemplars[fam.Name])
	if len(ex) == 0 {
		return ""
	}
	dist := func(e sources.Exemplar) int64 {
		d := e.TimeMS - f.cursorMS
		return max(d, -d)
	}
	slices.SortStableFunc(ex, func(a, b sources.Exemplar) int { return cmp.Compare(dist(a), dist(b)) })
	var b strings.Builder
	b.WriteString("\n" + itoa(len(ex)) + " exemplars over the range shown, nearest the cursor first (time, value, trace id, series):\n")
	for _, e := range ex[:min(len(ex), maxListedExemplars)] {
		b.WriteString(f.clock(e.TimeMS) + padLeft(chart.FormatValue(k*e.Value, unit), 8) + "  " + e.TraceID + wrap(f.st.Muted, "  "+e.Series) + "\n")
	}
	return b.String()
}

// unitNames say a unit in words, for enter's list.
var unitNames = map[string]string{"s": "seconds", chart.BinaryBytes: "bytes", "%": "percent", "/s": "per second", "": "no unit"}

// scaled multiplies v by k in place and returns it.
func scaled(v []float64, k float64) []float64 {
	if k != 1 {
		for i := range v {
			v[i] *= k
		}
	}
	return v
}

// threshold is the configured line across a family's chart (Options.
// Thresholds), by its name or by the query that charted it.
func threshold(f *frame, fam *store.Family) (float64, bool) {
	if v, ok := f.thresholds[fam.Name]; ok {
		return v, true
	}
	for _, s := range fam.Series {
		if v, ok := f.thresholds[s.Query]; ok && s.Query != "" {
			return v, true
		}
	}
	return 0, false
}

// sourceOf says where a series came from: scraped, asked of a server, or
// read from a file, with the source's name.
func sourceOf(f *frame, s *store.Series) (short, long string) {
	if s.Source < 0 || s.Source >= len(f.store.Sources) {
		return "", ""
	}
	src := f.store.Sources[s.Source]
	switch src.Info.Kind {
	case sources.KindScrape:
		return "scraped", "scraped from " + src.Name
	case sources.KindPrometheus:
		return "queried", "queried from " + src.Name
	}
	return "file", "read from " + src.Name
}

// mixedSources reports whether the series of ss come from more than one
// source, when each legend entry says which.
func mixedSources(ss []*store.Series) bool {
	for _, s := range ss[min(1, len(ss)):] {
		if s.Source != ss[0].Source {
			return true
		}
	}
	return false
}

func shortLabels(ls string, common map[string]bool) string {
	var parts []string
	for _, kv := range store.SplitLabels(ls) {
		if !common[kv] {
			parts = append(parts, strings.Replace(kv, `="`, "=", 1))
		}
	}
	s := strings.Join(parts, ",")
	s = strings.ReplaceAll(s, `"`, "")
	if len(s) > 40 {
		s = s[:39] + "…"
	}
	return s
}
