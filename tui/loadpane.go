package tui

import (
	"math"
	"sort"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/store"
	"github.com/sobang/sobang/tui/chart"
)

// loadPane shows load-test results: throughput, errors and latency over
// time, and a per-label table for the selected window (or the whole run).
type loadPane struct {
	keymap   KeyMap
	selected int    // selected table row
	labelSel string // label opened with enter: the charts show it alone
	filter   string // / filter on labels
	offset   int    // first table row shown
	sortCol  int    // 0 = label, else 1 + index into loadCols; descending

	cacheKey   loadKey
	cache      string
	areas      []chartArea
	cols, ccol []store.Column
	th, er     []float64
	p50, p95   []float64
	p99, vu    []float64
	c1, c2, c3 chart.Chart
}

type loadKey struct {
	frame         frameKey
	version       uint64
	note          string
	w, h          int
	focused       bool
	selected, off int
	sortCol       int
	label, filter string
	theme         *Styles
}

func newLoadPane(k KeyMap) *loadPane { return &loadPane{keymap: k} }

func (p *loadPane) title() string      { return "Load test" }
func (p *loadPane) kind() sources.Kind { return sources.KindLoadTest }
func (p *loadPane) hint() string {
	return "no load test: add one with --jtl FILE"
}

func (p *loadPane) keys() []key.Binding {
	return []key.Binding{
		key.NewBinding(key.WithKeys("up", "down"), key.WithHelp("↑/↓ j/k", "select a label")),
		key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "chart the selected label alone (again: all)")),
		key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "filter labels")),
		key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "sort the table by the next column")),
		key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear label, filter or window")),
	}
}

func (p *loadPane) charts() []chartArea { return p.areas }

func (p *loadPane) scroll(n int) { p.selected = max(p.selected+n, 0) }

func (p *loadPane) handleKey(msg tea.KeyPressMsg, m *Model) bool {
	switch {
	case key.Matches(msg, p.keymap.Up):
		p.scroll(-1)
	case key.Matches(msg, p.keymap.Down):
		p.scroll(1)
	case key.Matches(msg, p.keymap.PageUp):
		p.scroll(-10)
	case key.Matches(msg, p.keymap.PageDown):
		p.scroll(10)
	case msg.String() == "s":
		p.sortCol = (p.sortCol + 1) % (len(loadCols) + 1)
	default:
		return false
	}
	return true
}

// sortLabels orders the table: requests before transactions, each by the
// sort column (descending; labels ascending).
func (p *loadPane) sortLabels(ls []store.LabelSummary) {
	if p.sortCol == 0 {
		return // Summarize already sorts by label
	}
	value := func(l *store.LabelSummary) float64 {
		st := &l.Stats
		switch p.sortCol {
		case 1:
			return float64(st.Count)
		case 2:
			return float64(st.Errors)
		case 3:
			return st.ErrorPct()
		case 4:
			return st.Latency.Quantile(0.5)
		case 5:
			return st.Latency.Quantile(0.95)
		case 6:
			return st.Latency.Quantile(0.99)
		default:
			return st.Throughput()
		}
	}
	sort.SliceStable(ls, func(i, j int) bool {
		if ls[i].Transaction != ls[j].Transaction {
			return !ls[i].Transaction
		}
		return value(&ls[i]) > value(&ls[j])
	})
}

func (p *loadPane) search(text string) bool {
	p.filter = text
	p.selected = 0
	return true
}

func (p *loadPane) clear() bool {
	switch {
	case p.labelSel != "":
		p.labelSel = ""
	case p.filter != "":
		p.filter = ""
	default:
		return false
	}
	return true
}

func (p *loadPane) open(m *Model) string {
	sum := m.store.Load.Summarize(m.windowFrom(), m.windowTo(), p.filter)
	p.sortLabels(sum.Labels)
	if p.selected < len(sum.Labels) {
		l := sum.Labels[p.selected].Label
		if p.labelSel == l {
			p.labelSel = ""
		} else {
			p.labelSel = l
		}
	}
	return ""
}

func (p *loadPane) render(f *frame, w, h int, focused bool) string {
	note, noteSt := paneHealth(f, sources.KindLoadTest)
	k := loadKey{f.key(), f.store.Load.Version, note, w, h, focused, p.selected, p.offset, p.sortCol, p.labelSel, p.filter, f.st}
	if k == p.cacheKey && p.cache != "" {
		return p.cache
	}
	inner, ih := w-2, h-2
	lt := f.store.Load
	var lines []string
	p.areas = p.areas[:0]
	if lt.Empty() && lt.HasAggregates() {
		lines = p.renderAggregates(f, lines, inner, ih)
		p.cache = box(f.st, p.title(), note, noteSt, lines, w, h, focused)
		p.cacheKey = k
		return p.cache
	}
	if lt.Empty() {
		lines = append(lines, wrap(f.st.Muted, "no samples yet"))
		p.cache = box(f.st, p.title(), note, noteSt, lines, w, h, focused)
		p.cacheKey = k
		return p.cache
	}

	sum := lt.Summarize(f.winFrom, f.winTo, p.filter)
	p.sortLabels(sum.Labels)
	scope := "whole run"
	if f.winTo != 0 {
		scope = "window " + f.clock(f.winFrom) + "–" + f.clock(f.winTo)
	}
	if p.labelSel != "" {
		scope += " · label " + p.labelSel
		if f.path != "" {
			scope += " → " + f.path + " (from its URLs; other panes follow)"
		} else {
			scope += " (no URL: no path for other panes)"
		}
	}
	req := &sum.Requests
	lines = append(lines, wrap(f.st.Bold, scope)+"  "+
		"samples "+count(req.Count)+"  errors "+count(req.Errors)+" ("+pct(req.ErrorPct())+")  "+
		"p95 "+ms(req.Latency.Quantile(0.95))+"  "+rate(req.Throughput())+"/s  "+codesLine(f, sum.Codes))

	// The cursor's second.
	cur := lt.Columns(f.cursorMS, f.cursorMS+1000, 1, p.labelSel, p.ccol[:0])
	p.ccol = cur
	cc := cur[0]

	n := 2 * max(inner-chart.LabelWidth-1, 1)
	p.cols = lt.Columns(f.fromMS, f.toMS, n, p.labelSel, p.cols[:0])
	p.th, p.er = p.th[:0], p.er[:0]
	p.p50, p.p95, p.p99 = p.p50[:0], p.p95[:0], p.p99[:0]
	for _, c := range p.cols {
		if c.Samples == 0 {
			p.th = append(p.th, 0)
			p.er = append(p.er, 0)
		} else {
			p.th = append(p.th, c.Throughput)
			p.er = append(p.er, c.Throughput*c.ErrorPct/100)
		}
		p.p50 = append(p.p50, c.P50)
		p.p95 = append(p.p95, c.P95)
		p.p99 = append(p.p99, c.P99)
	}
	// Share the height: two charts and a table, the table at least 3 rows;
	// a tall pane also charts the active threads (VUs) in 4 rows.
	tableRows := min(len(sum.Labels)+1, max(ih/3, 3))
	threadRows := 0
	if ih >= 30 {
		for _, c := range p.cols {
			if !math.IsNaN(c.Threads) {
				threadRows = 4
				break
			}
		}
	}
	chartH := max((ih-1-2-1-tableRows-threadRows)/2, 1)
	if ih < 12 {
		chartH = max((ih-1-2-tableRows)/2, 1)
	}

	// Columns after now have no data yet: leave them empty.
	for i := range p.cols {
		if f.fromMS+int64(i)*(f.toMS-f.fromMS)/int64(n) > f.nowMS {
			p.th[i], p.er[i] = math.NaN(), math.NaN()
		}
	}

	at := "at " + f.clock(f.cursorMS) + "  "
	vus := ""
	if !math.IsNaN(cc.Threads) {
		vus = "  threads " + itoa(int(cc.Threads))
	}
	legend1 := wrap(f.st.Muted, at) + wrap(f.st.Series[0], "■ throughput "+rate(cc.Throughput)+"/s") + "  " +
		wrap(f.st.Levels[sources.LevelError], "■ errors "+rate(cc.Throughput*cc.ErrorPct/100)+"/s ("+pct(cc.ErrorPct)+")") + vus
	p.c1 = chart.Chart{Height: chartH, AutoScale: true, Fill: true, Max: headroom(p.th),
		Series:   []chart.Series{{Values: p.th, Style: f.st.Series[0]}, {Values: p.er, Style: f.st.Levels[sources.LevelError]}},
		MarkCols: p.c1.MarkCols}
	var area chartArea
	lines, area = chartBlock(f, lines, legend1, &p.c1, "/s", inner)
	p.areas = append(p.areas, area)

	legend2 := wrap(f.st.Muted, at+"latency ") + wrap(f.st.Series[1], "■ p50 "+ms(cc.P50)) + "  " +
		wrap(f.st.Series[2], "■ p95 "+ms(cc.P95)) + "  " + wrap(f.st.Series[3], "■ p99 "+ms(cc.P99))
	p.c2 = chart.Chart{Height: chartH, AutoScale: true, Max: 10,
		Series:   []chart.Series{{Values: p.p99, Style: f.st.Series[3]}, {Values: p.p95, Style: f.st.Series[2]}, {Values: p.p50, Style: f.st.Series[1]}},
		MarkCols: p.c2.MarkCols}
	lines, area = chartBlock(f, lines, legend2, &p.c2, "ms", inner)
	p.areas = append(p.areas, area)
	if threadRows > 0 {
		p.vu = p.vu[:0]
		for _, c := range p.cols {
			p.vu = append(p.vu, c.Threads)
		}
		threads := "–"
		if !math.IsNaN(cc.Threads) {
			threads = itoa(int(cc.Threads))
		}
		legend3 := wrap(f.st.Muted, at) + wrap(f.st.Series[4], "■ active threads "+threads)
		p.c3 = chart.Chart{Height: threadRows - 1, AutoScale: true, Series: []chart.Series{{Values: p.vu, Style: f.st.Series[4]}},
			MarkCols: p.c3.MarkCols}
		lines, area = chartBlock(f, lines, legend3, &p.c3, "", inner)
		p.areas = append(p.areas, area)
	}
	if ih >= 12 {
		lines = append(lines, timeAxis(f, inner))
	}

	// The table.
	lines = append(lines, p.tableHeader(f, inner))
	rows := max(ih-len(lines), 0)
	if p.selected >= len(sum.Labels) {
		p.selected = max(len(sum.Labels)-1, 0)
	}
	if p.selected < p.offset {
		p.offset = p.selected
	}
	if rows > 0 && p.selected >= p.offset+rows {
		p.offset = p.selected - rows + 1
	}
	for i := p.offset; i < len(sum.Labels) && len(lines) < ih; i++ {
		lines = append(lines, p.tableRow(f, &sum.Labels[i], inner, focused && i == p.selected))
	}
	if len(sum.Labels) == 0 && p.filter != "" {
		lines = append(lines, wrap(f.st.Muted, "no label matches “"+p.filter+"”"))
	}
	p.cache = box(f.st, p.title(), note, noteSt, lines, w, h, focused)
	p.cacheKey = k
	return p.cache
}

// Table columns after the label: samples, errors, error %, p50, p95, p99, thr/s.
var loadCols = []struct {
	name  string
	width int
}{{"samples", 8}, {"errors", 7}, {"err%", 6}, {"p50", 7}, {"p95", 7}, {"p99", 7}, {"thr/s", 7}}

func (p *loadPane) labelWidth(w int) int {
	n := 0
	for _, c := range loadCols {
		n += c.width
	}
	return max(w-n-2, 8)
}

func (p *loadPane) tableHeader(f *frame, w int) string {
	var b strings.Builder
	b.WriteString("  ")
	name := "label"
	if p.sortCol == 0 {
		name += " ▲"
	}
	b.WriteString(fitPlain(name, 0, p.labelWidth(w)))
	for i, c := range loadCols {
		title := c.name
		if p.sortCol == i+1 {
			title = "▼" + title
		}
		b.WriteString(padLeft(title, c.width))
	}
	return wrap(f.st.Bold, b.String())
}

func (p *loadPane) tableRow(f *frame, l *store.LabelSummary, w int, selected bool) string {
	st := &l.Stats
	var b strings.Builder
	switch {
	case l.Label == p.labelSel:
		b.WriteString("▶ ")
	case selected:
		b.WriteString("› ")
	default:
		b.WriteString("  ")
	}
	name := l.Label
	if l.Transaction {
		name = "⊕ " + name
	}
	b.WriteString(fitPlain(name, 0, p.labelWidth(w)))
	cells := []string{count(st.Count), count(st.Errors), pct(st.ErrorPct()),
		ms(st.Latency.Quantile(0.5)), ms(st.Latency.Quantile(0.95)), ms(st.Latency.Quantile(0.99)), rate(st.Throughput())}
	for i, c := range loadCols {
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

// headroom is a y-axis top a little above the highest value, so a steady
// throughput does not fill its chart to the brim.
func headroom(v []float64) float64 {
	top := 1.0
	for _, x := range v {
		if !math.IsNaN(x) && x > top {
			top = x
		}
	}
	return top * 1.25
}

// codesLine lists the response codes of requests, most frequent first, with
// failures (4xx, 5xx, non-HTTP) in the error colour.
func codesLine(f *frame, codes map[string]int64) string {
	if len(codes) == 0 {
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
		if c == "" || c[0] < '1' || c[0] > '3' {
			text = wrap(f.st.Levels[sources.LevelError], text)
		}
		b.WriteString(text)
	}
	return b.String()
}
