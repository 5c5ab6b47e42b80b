package tui

import (
	"math"
	"sort"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/analysis/compare"
	"github.com/sobang/sobang/sources/loadtest/labels"
	"github.com/sobang/sobang/sources/store"
	"github.com/sobang/sobang/tui/chart"
)

// loadPane shows load-test results: throughput, errors and latency over
// time, and a per-label table for the selected window (or the whole run).
// enter drills into one label (loaddetail.go): every statistic of it, its
// charts and errors; the label's request path becomes the shared filter of
// the other panes. With --baseline, b shows the earlier run beside each
// label (baseline.go).
type loadPane struct {
	keymap   loadKeys
	selected int // selected table row
	offset   int // first table row shown
	sortCol  int // 0 = label, else 1 + index into the table's columns; descending

	base     *baselineView          // the --baseline run, nil without one
	showBase bool                   // b: the baseline beside the labels
	rows     map[string]baselineRow // per label: its comparison, for this render
	tableW   int                    // the table's width at the last render
	plan     []float64              // the plan's threads per chart column
	planRate []float64              // the plan's throughput per chart column
	chartFor string                 // the label the charts are of, "" for all requests
	labelW   int                    // the label column's width at the last render

	cacheKey   loadKey
	cache      string
	areas      []chartArea
	cols, ccol []store.Column
	ok, tot    []float64 // successes and all requests per second
	epct       []float64 // error %, NaN where there is no request
	p50, p95   []float64
	p99, vu    []float64
	c1, c2, c3 chart.Chart
	strip      chart.Chart
	onsets     onsetCache
}

// loadKeys are the load-test pane's keys: the first six are its help, in
// order (Select standing for Up and Down); enter, / and esc are the shared
// keys, described for this pane.
type loadKeys struct {
	Select                     key.Binding // Up and Down, for help
	Open, Baseline, Filter     key.Binding
	Sort, Back                 key.Binding
	Up, Down, PageUp, PageDown key.Binding
}

func newLoadKeys(k KeyMap) loadKeys {
	return loadKeys{
		Select:   anyOf("↑/↓ j/k", "select a label (open: the previous or next one)", k.Up, k.Down),
		Open:     describe(k.Open, "open the selected label: every statistic, charts, errors, path (again: back)"),
		Baseline: key.NewBinding(key.WithKeys("b"), key.WithHelp("b", "show or hide the --baseline run beside the labels")),
		Filter:   describe(k.Search, "filter labels"),
		Sort:     key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "sort the table by the next column")),
		Back:     describe(k.Clear, "back from a label, clear the filter or window"),
		Up:       k.Up, Down: k.Down, PageUp: k.PageUp, PageDown: k.PageDown,
	}
}

func (k loadKeys) help() []key.Binding {
	return []key.Binding{k.Select, k.Open, k.Baseline, k.Filter, k.Sort, k.Back}
}

// openLabelMsg asks the root to open a label in the load-test pane, the
// shared filter of the others; "" goes back to the table.
type openLabelMsg struct{ label string }

type loadKey struct {
	frame         frameKey
	version       uint64
	note          string
	w, h          int
	focused       bool
	selected, off int
	sortCol       int
	label, filter string
	showBase      bool
	theme         *Styles
}

func newLoadPane(k KeyMap, base *store.Store) *loadPane {
	p := &loadPane{keymap: newLoadKeys(k), base: newBaselineView(base)}
	p.showBase = p.base != nil
	return p
}

func (p *loadPane) title() string      { return "Load test" }
func (p *loadPane) kind() sources.Kind { return sources.KindLoadTest }
func (p *loadPane) hint() string {
	return "no load test: add one with --jtl FILE"
}

func (p *loadPane) keys() []key.Binding { return p.keymap.help() }

func (p *loadPane) charts() []chartArea { return p.areas }

func (p *loadPane) scroll(f *frame, n int) tea.Msg {
	if f.label != "" {
		return nil // the detail of one label does not scroll
	}
	p.selected = max(p.selected+n, 0)
	return nil
}

// baseShown reports whether the table and the detail show the baseline.
func (p *loadPane) baseShown() bool { return p.showBase && p.base != nil }

func (p *loadPane) handleKey(msg tea.KeyPressMsg, f *frame) tea.Msg {
	step := 0
	switch {
	case key.Matches(msg, p.keymap.Up):
		step = -1
	case key.Matches(msg, p.keymap.Down):
		step = 1
	case key.Matches(msg, p.keymap.PageUp):
		step = -10
	case key.Matches(msg, p.keymap.PageDown):
		step = 10
	case key.Matches(msg, p.keymap.Sort):
		p.sortCol = (p.sortCol + 1) % (len(p.columns()) + 1)
	case key.Matches(msg, p.keymap.Baseline):
		p.showBase = !p.showBase
		p.sortCol = 0
	}
	switch {
	case step == 0:
		return nil
	case f.label == "":
		return p.scroll(f, step)
	}
	return p.stepLabel(f, step)
}

// stepLabel opens the label n rows away from the open one, in table order.
func (p *loadPane) stepLabel(f *frame, n int) tea.Msg {
	ls := p.orderedLabels(f)
	for i := range ls {
		if ls[i].Label == f.label {
			j := min(max(i+n, 0), len(ls)-1)
			p.selected = j
			return openLabelMsg{ls[j].Label}
		}
	}
	return nil
}

// columns are the table's columns after the label; beside the baseline, a
// narrow table keeps only the comparison.
func (p *loadPane) columns() []tableCol {
	switch {
	case !p.baseShown():
		return loadCols
	case p.tableW-colsWidth(baseCols)-2 >= minBaseLabel:
		return baseCols
	}
	return baseColsNarrow
}

// orderedLabels summarises the window for the pane's filter and orders the
// labels as the table shows them; with the baseline shown it also compares
// each label (rows).
func (p *loadPane) orderedLabels(f *frame) []store.LabelSummary {
	lt := f.store.Load
	sum := lt.Summarize(f.winFrom, f.winTo, f.filters[paneLoad])
	p.compareLabels(lt, sum.Labels, f.winFrom, f.winTo)
	p.sortLabels(sum.Labels)
	return sum.Labels
}

// compareLabels fills rows with each label's comparison with the baseline,
// when it is shown.
func (p *loadPane) compareLabels(lt *store.LoadTest, ls []store.LabelSummary, winFrom, winTo int64) {
	clear(p.rows)
	if !p.baseShown() {
		return
	}
	if p.rows == nil {
		p.rows = map[string]baselineRow{}
	}
	p.base.at(lt, winFrom, winTo)
	for i := range ls {
		p.rows[ls[i].Label] = p.base.compare(&ls[i])
	}
}

// sortLabels orders the table: requests before transactions, each by the
// sort column (descending, the most telling first; labels ascending).
func (p *loadPane) sortLabels(ls []store.LabelSummary) {
	cols := p.columns()
	if p.sortCol > len(cols) {
		p.sortCol = 0 // the columns changed with the width
	}
	if p.sortCol == 0 {
		return // Summarize already sorts by label
	}
	col := cols[p.sortCol-1].name
	value := func(l *store.LabelSummary) float64 {
		st := &l.Stats
		row := p.rows[l.Label]
		switch col {
		case "samples":
			return float64(st.Count)
		case "errors":
			return float64(st.Errors)
		case "err%":
			return st.ErrorPct()
		case "p50":
			return st.Latency.Quantile(0.5)
		case "p95":
			return st.Latency.Quantile(0.95)
		case "p99":
			return st.Latency.Quantile(0.99)
		case "base p95":
			return row.res.BaseP95
		case "Δp95":
			if row.base == nil {
				return math.Inf(-1)
			}
			return row.res.DeltaP95
		case "p":
			return -row.res.P
		case "verdict":
			return verdictRank(&row)
		default:
			return st.Throughput()
		}
	}
	sort.SliceStable(ls, func(i, j int) bool {
		if ls[i].Transaction != ls[j].Transaction {
			return !ls[i].Transaction
		}
		a, b := value(&ls[i]), value(&ls[j])
		if math.IsNaN(b) {
			return !math.IsNaN(a)
		}
		return a > b
	})
}

// verdictRank orders verdicts, the most alarming first.
func verdictRank(r *baselineRow) float64 {
	switch {
	case r.base == nil:
		return -2
	case r.res.Verdict == compare.Regression:
		return 3
	case r.res.Verdict == compare.Improvement:
		return 1
	case r.res.Verdict == compare.NoChange:
		return 0
	}
	return -1
}

func (p *loadPane) filterChanged() { p.selected = 0 }

func (p *loadPane) clear(f *frame) tea.Msg {
	switch {
	case f.label != "":
		return openLabelMsg{}
	case f.filters[paneLoad] != "":
		return setFilterMsg{pane: paneLoad}
	}
	return nil
}

// open drills into the selected label, or back out of the open one.
func (p *loadPane) open(f *frame) tea.Msg {
	if f.label != "" {
		return openLabelMsg{}
	}
	ls := p.orderedLabels(f)
	if p.selected < len(ls) {
		return openLabelMsg{ls[p.selected].Label}
	}
	return nil
}

func (p *loadPane) render(f *frame, w, h int, focused bool) string {
	note, noteSt := paneHealth(f, sources.KindLoadTest)
	k := loadKey{f.key(), f.store.Load.Version, note, w, h, focused, p.selected, p.offset, p.sortCol, f.label, f.filters[paneLoad], p.showBase, f.st}
	if k == p.cacheKey && p.cache != "" {
		return p.cache
	}
	inner, ih := w-2, h-2
	lt := f.store.Load
	title := numbered(paneLoad, p.title())
	if f.planName != "" {
		title += " · plan " + f.planName
	}
	var lines []string
	p.areas = p.areas[:0]
	switch {
	case lt.Empty() && lt.HasAggregates():
		lines = p.renderAggregates(f, lines, inner, ih)
	case lt.Empty():
		lines = append(lines, wrap(f.st.Muted, "no samples yet"))
	case f.label != "":
		title += " · " + f.label
		lines = p.renderDetail(f, lines, inner, ih)
	default:
		// Tool-written aggregates beside the samples: said on the last line,
		// not merged.
		also := ""
		if sets := lt.AggregateSets(); len(sets) > 0 && ih > 8 {
			if total, n := store.MergeFinal(sets, store.IsTotal); n > 0 {
				also = wrap(f.st.Muted, "also "+aggregatesTitle(f.store, sets[0].Source)+
					" (not merged with the samples): requests "+count(total.Requests)+"  failures "+failures(&total)+
					"  p95 "+ms(total.Percentile(0.95))+"; sobang report lists them")
			}
		}
		if also == "" {
			lines = p.renderTable(f, lines, inner, ih, focused)
		} else {
			lines = append(p.renderTable(f, lines, inner, ih-1, focused), also)
		}
	}
	p.cache = box(f.st, title, note, noteSt, lines, w, h, focused)
	p.cacheKey = k
	return p.cache
}

// renderTable draws the run's charts and the per-label table.
func (p *loadPane) renderTable(f *frame, lines []string, inner, ih int, focused bool) []string {
	p.tableW = inner // before sorting: the width decides the columns
	sum := f.store.Load.Summarize(f.winFrom, f.winTo, f.filters[paneLoad])
	p.compareLabels(f.store.Load, sum.Labels, f.winFrom, f.winTo)
	p.sortLabels(sum.Labels)
	scope := "whole run"
	if f.winTo != 0 {
		scope = "window " + f.clock(f.winFrom) + "–" + f.clock(f.winTo)
	}
	req := &sum.Requests
	head := wrap(f.st.Bold, scope) + "  " +
		"samples " + count(req.Count) + "  errors " + count(req.Errors) + " (" + pct(req.ErrorPct()) + ")  " +
		"p95 " + ms(req.Latency.Quantile(0.95)) + "  " + rate(req.Throughput()) + "/s"
	lines = append(lines, head+"  "+codesLine(f, sum.Codes))
	baseLine := 0
	switch {
	case p.baseShown():
		baseLine = 1
		lines = append(lines, p.baselineSummary(f))
	case p.showBase:
		baseLine = 1
		lines = append(lines, wrap(f.st.Muted, "no baseline: start sobang with --baseline FILE to compare with an earlier run (b hides this)"))
	}

	// What a filter that matches no label has to say, below the table.
	var notes []string
	if filter := f.filters[paneLoad]; filter != "" {
		notes = noMatch(f, sum.Labels, filter, inner)
	}

	cc := p.chartColumns(f, inner, "")
	// Share the height: two charts and a table, the table at least 3 rows;
	// a tall pane also charts the active threads (VUs) in 4 rows.
	planLine := 0
	if f.plan != nil && len(sum.Labels) > 0 {
		planLine = 1 // what the selected label is in the plan
	}
	tableRows := min(len(sum.Labels)+1+len(notes)+planLine, max(ih/3, 3+planLine))
	threadRows := 0
	if ih >= 30 {
		for _, c := range p.cols {
			if !math.IsNaN(c.Threads) || f.planned != nil {
				threadRows = 4
				break
			}
		}
	}
	axis := 0
	if ih >= 10 {
		axis = 1
	}
	chartH := max((ih-1-baseLine-loadChartRows-axis-tableRows-threadRows)/2, 1)
	lines = p.drawCharts(f, lines, cc, inner, chartH)
	if threadRows > 0 {
		p.vu = p.vu[:0]
		for _, c := range p.cols {
			p.vu = append(p.vu, c.Threads)
		}
		threads := "–"
		if !math.IsNaN(cc.Threads) {
			threads = itoa(int(cc.Threads))
		}
		legend3 := wrap(f.st.Muted, "at "+f.clock(f.cursorMS)+"  ") + f.st.Threads.key("active threads "+threads)
		series := []chart.Series{f.st.Threads.series(p.vu)}
		if planned, now, ok := p.plannedThreads(f); ok {
			// The plan's threads over the measured ones: a ramp that never
			// reached its plateau, or threads that died early, shows at once.
			series = append(series, f.st.Planned.series(planned))
			by := ""
			if f.planName != "" {
				by = " (" + f.planName + ")"
			}
			legend3 += "  " + f.st.Planned.key("planned "+now+by)
		}
		p.c3 = chart.Chart{Height: threadRows - 1, AutoScale: true, Series: series, MarkCols: p.c3.MarkCols}
		var area chartArea
		lines, area = chartBlock(f, lines, legend3, &p.c3, "", inner)
		p.areas = append(p.areas, area)
	}
	if axis == 1 {
		lines = append(lines, timeAxis(f, inner, p.onsets.get(f.store.Load)))
	}

	// The table: without the baseline, each column as wide as its widest
	// cell, so that the figures sit beside their label at any width.
	cols := p.columns()
	p.labelW = labelWidth(cols, inner)
	var cells [][]string
	if !p.baseShown() {
		names := make([]string, len(sum.Labels))
		cells = make([][]string, len(sum.Labels))
		for i := range sum.Labels {
			names[i] = labelName(&sum.Labels[i])
			cells[i] = labelCells(&sum.Labels[i].Stats)
		}
		cols, p.labelW = fitTable(cols, names, cells, inner)
	}
	if p.selected >= len(sum.Labels) {
		p.selected = max(len(sum.Labels)-1, 0)
	}
	if planLine > 0 {
		lines = append(lines, planSamplerLine(f, sum.Labels[p.selected].Label, inner))
	}
	lines = append(lines, p.tableHeader(f, cols, inner))
	rows := max(ih-len(lines), 0)
	if p.selected < p.offset {
		p.offset = p.selected
	}
	if rows > 0 && p.selected >= p.offset+rows {
		p.offset = p.selected - rows + 1
	}
	// Where the labels do not all fit, the last row says how many are
	// below, so that a cut table does not look complete.
	below := len(sum.Labels) - p.offset - rows
	if below > 0 && rows > 1 {
		if p.selected >= p.offset+rows-1 {
			p.offset++
		}
		rows--
		below = len(sum.Labels) - p.offset - rows
	}
	for i := p.offset; i < len(sum.Labels) && i < p.offset+rows && len(lines) < ih; i++ {
		var row []string
		if cells != nil {
			row = cells[i]
		}
		lines = append(lines, p.tableRow(f, &sum.Labels[i], cols, row, focused && i == p.selected))
	}
	if below > 0 && rows > 0 && len(lines) < ih {
		lines = append(lines, wrap(f.st.Muted, fitPlain("  ↓ "+itoa(below)+" more labels (↑/↓ or the wheel)", 0, inner)))
	}
	return append(lines, notes...)
}

// noMatch says, in lines of width cells, that filter matches no label;
// when labels past a source's cap were folded into labels.Other the label
// searched for may be one of them, which it says too (with how many samples
// were folded), also when filter matched only the folded rows themselves.
// It returns nil when filter matches a label of its own.
func noMatch(f *frame, ls []store.LabelSummary, filter string, width int) []string {
	for i := range ls {
		if !isFolded(ls[i].Label) {
			return nil
		}
	}
	text := ""
	if len(ls) == 0 {
		text = "no label matches “" + clean(filter) + "”"
	}
	into, samples := foldedSamples(f.store.Load)
	switch {
	case samples == 0 && text == "":
		return nil
	case samples == 0:
		return []string{wrap(f.st.Muted, text)}
	}
	if text == "" {
		text = "no label of its own matches “" + clean(filter) + "”"
	}
	text += "; labels past the first " + itoa(labels.DefaultMax) + " were folded into " + into + " (" + count(samples) + " samples)"
	var out []string
	for _, l := range wrapWords(text, max(width, 8)) {
		out = append(out, wrap(f.st.Warn, l))
	}
	return out
}

// isFolded reports whether label is where the labels past a source's cap
// were counted.
func isFolded(label string) bool { return label == labels.Other || label == labels.OtherTransactions }

// foldedSamples returns the names of the rows labels were folded into and
// how many samples they hold over the whole run; 0 when no label was
// folded.
func foldedSamples(lt *store.LoadTest) (into string, samples int64) {
	folded := false
	for _, l := range lt.Labels() {
		folded = folded || isFolded(l)
	}
	if !folded {
		return "", 0
	}
	var names []string
	for _, l := range lt.Summarize(0, 0, "(other ").Labels {
		if isFolded(l.Label) {
			names = append(names, l.Label)
			samples += l.Stats.Count
		}
	}
	return strings.Join(names, " and "), samples
}

// chartColumns fills the pane's series over the visible range for label
// ("" for all requests) and returns the cursor's second.
func (p *loadPane) chartColumns(f *frame, inner int, label string) store.Column {
	lt := f.store.Load
	p.chartFor = label
	p.ccol = lt.Columns(f.cursorMS, f.cursorMS+1000, 1, label, p.ccol[:0])
	n := 2 * max(inner-chart.LabelWidth-1, 1)
	p.cols = lt.Columns(f.fromMS, f.toMS, n, label, p.cols[:0])
	p.ok, p.tot, p.epct = p.ok[:0], p.tot[:0], p.epct[:0]
	p.p50, p.p95, p.p99 = p.p50[:0], p.p95[:0], p.p99[:0]
	for i, c := range p.cols {
		switch {
		case f.fromMS+int64(i)*(f.toMS-f.fromMS)/int64(n) > f.nowMS, c.Samples == 0:
			// No data (not yet, or none in this column): nothing is drawn,
			// least of all an error rate.
			p.ok = append(p.ok, math.NaN())
			p.tot = append(p.tot, math.NaN())
			p.epct = append(p.epct, math.NaN())
		default:
			// From the counts, so that no request failing is exactly no
			// error and all of them failing exactly no success.
			ok := c.Throughput
			switch {
			case c.Errors >= c.Samples:
				ok = 0
			case c.Errors > 0:
				ok = c.Throughput * float64(c.Samples-c.Errors) / float64(c.Samples)
			}
			p.ok = append(p.ok, ok)
			p.tot = append(p.tot, c.Throughput)
			p.epct = append(p.epct, c.ErrorPct)
		}
		p.p50 = append(p.p50, c.P50)
		p.p95 = append(p.p95, c.P95)
		p.p99 = append(p.p99, c.P99)
	}
	return p.ccol[0]
}

// loadChartRows is how many rows drawCharts takes beside its two charts:
// two legends and the error strip.
const loadChartRows = 3

// drawCharts appends the throughput and latency charts of the series
// chartColumns filled, chartH rows each, with their legends at the cursor:
// throughput is a stacked area, successes with the errors on top in the
// error colour, and under it a strip of the error percentage on a fixed
// 0-100% scale.
func (p *loadPane) drawCharts(f *frame, lines []string, cc store.Column, inner, chartH int) []string {
	at := "at " + f.clock(f.cursorMS) + "  "
	if f.settling() {
		// Requests of this second may still be running: its figures are
		// not final, and say so.
		at = "at " + f.clock(f.cursorMS) + " settling  "
	}
	vus := ""
	if !math.IsNaN(cc.Threads) {
		vus = "  threads " + itoa(int(cc.Threads))
	}
	errs := 0.0
	if cc.Samples > 0 {
		errs = cc.Throughput * float64(cc.Errors) / float64(cc.Samples)
	}
	errText := "errors " + rate(errs) + "/s (" + pct(cc.ErrorPct) + ")"
	if cc.Samples == 0 || !(errs > 0) {
		// No error mark where there is no error: the key is for errors.
		errText = wrap(f.st.Muted, errText)
	} else {
		errText = f.st.Errors.key(errText)
	}
	legend1 := wrap(f.st.Muted, at+rate(cc.Throughput)+"/s: ") + f.st.Throughput.key("ok "+rate(cc.Throughput-errs)+"/s") + "  " + errText + vus
	if cc.Samples == 0 {
		// A second without a request has no rate of errors to read, not 0%.
		legend1 = wrap(f.st.Muted, at+"no request in this second")
	}
	errSeries := f.st.Errors.series(p.tot)
	errSeries.Base = p.ok
	series := []chart.Series{f.st.Throughput.series(p.ok), errSeries}
	if p.chartFor == "" {
		// The plan's throughput beside the measured one: all requests
		// only, since a throughput timer paces every sampler in its scope.
		if planned, now, ok := p.planAt(f, f.plannedRate, &p.planRate); ok {
			line := f.st.Planned.series(planned)
			line.Cut = true // through the measured area, without colour too
			series = append(series, line)
			txt := "–"
			if !math.IsNaN(now) {
				txt = rate(now) + "/s"
			}
			legend1 += "  " + f.st.Planned.key("planned "+txt)
		}
	}
	p.c1 = chart.Chart{Height: chartH, AutoScale: true, Series: series, MarkCols: p.c1.MarkCols}
	var area chartArea
	lines, area = chartBlock(f, lines, legend1, &p.c1, "/s", inner)
	p.areas = append(p.areas, area)

	p.strip = chart.Chart{Height: 1, Min: 0, Max: 100, Blocks: true,
		Series:   []chart.Series{{Values: p.epct, Fill: true, Style: f.st.Errors.Style}},
		MarkCols: p.strip.MarkCols}
	lines, area = stripBlock(f, lines, &p.strip, "err%", inner)
	p.areas = append(p.areas, area)

	legend2 := wrap(f.st.Muted, at+"latency ") + f.st.P50.key("p50 "+ms(cc.P50)) + "  " +
		f.st.P95.key("p95 "+ms(cc.P95)) + "  " + f.st.P99.key("p99 "+ms(cc.P99))
	p.c2 = chart.Chart{Height: chartH, AutoScale: true, Max: 10,
		Series:   []chart.Series{f.st.P99.series(p.p99), f.st.P95.series(p.p95), f.st.P50.series(p.p50)},
		MarkCols: p.c2.MarkCols}
	lines, area = chartBlock(f, lines, legend2, &p.c2, "ms", inner)
	p.areas = append(p.areas, area)
	return lines
}

// tableCol is one column of the label table after the label.
type tableCol struct {
	name  string
	width int
}

// loadCols are the table's columns: samples, errors, error %, p50, p95,
// p99, thr/s.
var loadCols = []tableCol{{"samples", 8}, {"errors", 7}, {"err%", 6}, {"p50", 7}, {"p95", 7}, {"p99", 7}, {"thr/s", 7}}

// baseCols are the table's columns with the baseline shown: the p95 of both
// runs, its change, the rank test's p-value and the verdict with what moved
// (the longest, "improvement (errors, p95)", takes 25 cells);
// baseColsNarrow keep the comparison alone, with short verdicts (the
// longest, "err+p95 better", 14).
var (
	baseCols       = []tableCol{{"samples", 8}, {"err%", 6}, {"p95", 7}, {"base p95", 9}, {"Δp95", 10}, {"p", 8}, {"verdict", 26}}
	baseColsNarrow = []tableCol{{"p95", 7}, {"base p95", 9}, {"Δp95", 10}, {"verdict", 15}}
)

// minBaseLabel is the narrowest label column beside every baseline column.
const minBaseLabel = 16

func colsWidth(cols []tableCol) int {
	n := 0
	for _, c := range cols {
		n += c.width
	}
	return n
}

func labelWidth(cols []tableCol, w int) int {
	return max(w-colsWidth(cols)-2, 8)
}

// fitTable sizes each column to its widest cell or title (one more for the
// sort arrow) with two cells before it, and the label column to its widest
// label, within w cells.
func fitTable(cols []tableCol, labels []string, cells [][]string, w int) ([]tableCol, int) {
	out := make([]tableCol, len(cols))
	for i, c := range cols {
		width := ansi.StringWidth(c.name) + 1
		for _, row := range cells {
			width = max(width, ansi.StringWidth(row[i]))
		}
		out[i] = tableCol{c.name, width + 2}
	}
	lw := ansi.StringWidth("label ▲")
	for _, l := range labels {
		lw = max(lw, ansi.StringWidth(l))
	}
	return out, min(lw, labelWidth(out, w))
}

// labelName is a label as its table row names it: a transaction marked.
func labelName(l *store.LabelSummary) string {
	if l.Transaction {
		return "⊕ " + l.Label
	}
	return l.Label
}

// labelCells are a label's figures in loadCols' order.
func labelCells(st *store.Stats) []string {
	return []string{count(st.Count), count(st.Errors), cellPct(st.ErrorPct()),
		ms(st.Latency.Quantile(0.5)), ms(st.Latency.Quantile(0.95)), ms(st.Latency.Quantile(0.99)), rate(st.Throughput())}
}

func (p *loadPane) tableHeader(f *frame, cols []tableCol, w int) string {
	var b strings.Builder
	b.WriteString("  ")
	name := "label"
	if p.sortCol == 0 {
		name += " ▲"
	}
	b.WriteString(fitPlain(name, 0, p.labelW))
	for i, c := range cols {
		title := c.name
		if p.sortCol == i+1 {
			title = "▼" + title
		}
		b.WriteString(padLeft(title, c.width))
	}
	return wrap(f.st.Bold, b.String())
}

// tableRow draws a label's row; cells are its figures (labelCells), nil
// beside the baseline.
func (p *loadPane) tableRow(f *frame, l *store.LabelSummary, cols []tableCol, cells []string, selected bool) string {
	st := &l.Stats
	var b strings.Builder
	if selected {
		b.WriteString("› ")
	} else {
		b.WriteString("  ")
	}
	b.WriteString(fitPlain(labelName(l), 0, p.labelW))
	if p.baseShown() {
		row := p.rows[l.Label]
		verdict := ""
		for _, c := range cols {
			switch c.name {
			case "samples":
				b.WriteString(padLeft(count(st.Count), c.width))
			case "err%":
				b.WriteString(padLeft(cellPct(st.ErrorPct()), c.width))
			case "p95":
				b.WriteString(padLeft(ms(row.res.CurP95), c.width))
			case "base p95":
				b.WriteString(padLeft(ms(row.res.BaseP95), c.width))
			case "Δp95":
				b.WriteString(padLeft(deltaPct(row.res.CurP95, row.res.BaseP95), c.width))
			case "p":
				b.WriteString(padLeft(pValue(row.res.P), c.width))
			case "verdict":
				verdict = padLeft(row.verdictText(c.width), c.width)
			}
		}
		if selected {
			return wrap(f.st.Selected, b.String()+verdict)
		}
		return b.String() + wrap(p.verdictStyle(f, &row), verdict)
	}
	for i, c := range cols {
		b.WriteString(padLeft(cells[i], c.width))
	}
	row := b.String()
	switch {
	case selected:
		return wrap(f.st.Selected, row)
	case st.Errors > 0:
		return wrap(f.st.Levels[sources.LevelWarn], row)
	}
	return row
}

// baselineSummary is the line above the table that names the baseline, its
// window and how many labels regressed.
func (p *loadPane) baselineSummary(f *frame) string {
	if p.base.store.Load.Empty() {
		return wrap(f.st.Warn, "baseline "+p.base.name+" holds the tool's own aggregates only, no samples: nothing to compare by window")
	}
	regressions := 0
	for _, r := range p.rows {
		if r.base != nil && r.res.Verdict == compare.Regression {
			regressions++
		}
	}
	text := "baseline " + p.base.name + " (" + p.base.scope() + "): "
	rule := wrap(f.st.Muted, " · a regression is errors or p95 up more than 5% with p < 0.01 (two-proportion test, Mann-Whitney U)")
	switch regressions {
	case 0:
		return wrap(f.st.Muted, text+"no regression") + rule
	case 1:
		return wrap(f.st.Levels[sources.LevelError], text+"1 regression") + rule
	}
	return wrap(f.st.Levels[sources.LevelError], text+itoa(regressions)+" regressions") + rule
}

// verdictStyle colours a verdict: a regression as an error, an improvement
// as information, too little data muted.
func (p *loadPane) verdictStyle(f *frame, r *baselineRow) chart.Style {
	switch {
	case r.base == nil:
		return f.st.Muted
	case r.res.Verdict == compare.Regression:
		return f.st.Levels[sources.LevelError]
	case r.res.Verdict == compare.Improvement:
		return f.st.Levels[sources.LevelInfo]
	case r.res.Verdict == compare.NotEnough:
		return f.st.Muted
	}
	return f.st.Text
}

// codesLine lists the response codes of requests, most frequent first, with
// failures (4xx, 5xx, non-HTTP) in the error colour.
func codesLine(f *frame, codes map[string]int64) string {
	if _, none := codes[""]; len(codes) == 0 || (none && len(codes) == 1) {
		// No code at all (Gatling writes none): nothing to show, least of
		// all in the error colour.
		return ""
	}
	keys := make([]string, 0, len(codes))
	for c := range codes {
		keys = append(keys, c)
	}
	sort.Slice(keys, func(i, j int) bool {
		if codes[keys[i]] != codes[keys[j]] {
			return codes[keys[i]] > codes[keys[j]]
		}
		return keys[i] < keys[j]
	})
	var b strings.Builder
	b.WriteString(wrap(f.st.Muted, "codes "))
	for i, c := range keys {
		if i > 0 {
			b.WriteString(wrap(f.st.Muted, " · "))
		}
		name := c
		if name == "" {
			name = "(none)"
		} else if len(name) > 24 {
			name = name[:23] + "…"
		}
		text := name + " " + count(codes[c])
		switch {
		case c == "":
			// A sample without a code says nothing of success.
			text = wrap(f.st.Muted, text)
		case c[0] < '1' || c[0] > '3':
			text = wrap(f.st.Levels[sources.LevelError], text)
		}
		b.WriteString(text)
	}
	return b.String()
}

// plannedThreads is the plan's threads at each of the chart's columns,
// counted from the load test's first second, and the figure at the cursor;
// ok is false without a plan or a load test.
func (p *loadPane) plannedThreads(f *frame) ([]float64, string, bool) {
	vals, v, ok := p.planAt(f, f.planned, &p.plan)
	now := "–"
	if !math.IsNaN(v) {
		now = itoa(int(math.Round(v)))
	}
	return vals, now, ok
}

// planAt is a figure of the plan (planned, since the test's start) at
// each of the chart's columns, counted from the load test's first second,
// kept in buf, and at the cursor (NaN where the plan does not say); ok is
// false without that figure or a load test.
func (p *loadPane) planAt(f *frame, planned func(time.Duration) (float64, bool), buf *[]float64) ([]float64, float64, bool) {
	first, _, ok := f.store.Load.Range()
	if planned == nil || !ok || len(p.cols) == 0 {
		return nil, math.NaN(), false
	}
	at := func(ms int64) float64 {
		if ms < first*1000 {
			return math.NaN()
		}
		v, ok := planned(time.Duration(ms-first*1000) * time.Millisecond)
		if !ok {
			return math.NaN()
		}
		return v
	}
	n := int64(len(p.cols))
	*buf = (*buf)[:0]
	for i := range p.cols {
		*buf = append(*buf, at(f.fromMS+(int64(i)*2+1)*(f.toMS-f.fromMS)/(2*n)))
	}
	return *buf, at(f.cursorMS), true
}
