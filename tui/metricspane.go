package tui

import (
	"math"
	"sort"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/store"
	"github.com/sobang/sobang/sources/store/calc"
	"github.com/sobang/sobang/tui/chart"
)

// maxSeriesPerChart is how many series one metric chart draws; the legend
// says how many more there are.
const maxSeriesPerChart = 6

// metricsPane shows one chart per metric family: gauges as they are,
// counters as per-second rates, histograms as p50/p99 over all their series.
type metricsPane struct {
	keymap KeyMap
	offset int // first panel shown
	filter string

	cacheKey metricsKey
	cache    string
	areas    []chartArea
	shown    []*store.Family
	c        chart.Chart
}

type metricsKey struct {
	frame   frameKey
	version uint64
	note    string
	w, h    int
	focused bool
	offset  int
	filter  string
	theme   *Styles
}

func newMetricsPane(k KeyMap) *metricsPane { return &metricsPane{keymap: k} }

func (p *metricsPane) title() string      { return "Metrics" }
func (p *metricsPane) kind() sources.Kind { return sources.KindScrape }
func (p *metricsPane) hint() string {
	return "no metrics: add one with --scrape URL"
}
func (p *metricsPane) charts() []chartArea { return p.areas }

func (p *metricsPane) keys() []key.Binding {
	return []key.Binding{
		key.NewBinding(key.WithKeys("up", "down"), key.WithHelp("↑/↓ j/k", "scroll charts")),
		key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "filter metrics by name")),
		key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "list the top chart's series at the cursor")),
	}
}

func (p *metricsPane) scroll(n int) { p.offset = max(p.offset+n, 0) }

func (p *metricsPane) handleKey(msg tea.KeyPressMsg, m *Model) bool {
	switch {
	case key.Matches(msg, p.keymap.Up):
		p.scroll(-1)
	case key.Matches(msg, p.keymap.Down):
		p.scroll(1)
	case key.Matches(msg, p.keymap.PageUp):
		p.scroll(-5)
	case key.Matches(msg, p.keymap.PageDown):
		p.scroll(5)
	default:
		return false
	}
	return true
}

func (p *metricsPane) search(text string) bool {
	p.filter = text
	p.offset = 0
	return true
}

func (p *metricsPane) clear() bool {
	if p.filter == "" {
		return false
	}
	p.filter = ""
	return true
}

func (p *metricsPane) open(m *Model) string {
	if len(p.shown) == 0 {
		return ""
	}
	fam := p.shown[0]
	f := m.frame()
	var b strings.Builder
	b.WriteString(fam.Name + " at " + f.clock(f.cursorMS) + "\n\n")
	for _, s := range fam.Series {
		v := seriesValues(s, f.cursorMS, f.cursorMS+1000, 1, nil)
		b.WriteString(padLeft(num(v[0]), 10) + "  " + s.ID() + "\n")
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
	for _, fam := range f.store.Metrics.Families() {
		if p.filter != "" && !strings.Contains(strings.ToLower(fam.Name), strings.ToLower(p.filter)) {
			continue
		}
		out = append(out, fam)
	}
	sort.SliceStable(out, func(i, j int) bool { return familyRank(out[i]) < familyRank(out[j]) })
	return out
}

func (p *metricsPane) render(f *frame, w, h int, focused bool) string {
	note, noteSt := paneHealth(f, sources.KindScrape)
	k := metricsKey{f.key(), f.store.Metrics.Version, note, w, h, focused, p.offset, p.filter, f.st}
	if k == p.cacheKey && p.cache != "" {
		return p.cache
	}
	if p.filter != "" {
		note = "filter “" + p.filter + "” · " + note
	}
	inner, ih := w-2, h-2
	p.areas = p.areas[:0]
	var lines []string
	fams := p.families(f)
	if len(fams) == 0 {
		msg := "no metrics yet"
		if p.filter != "" {
			msg = "no metric matches “" + p.filter + "”"
		}
		lines = append(lines, wrap(f.st.Muted, msg))
		p.cache, p.cacheKey = box(f.st, p.title(), note, noteSt, lines, w, h, focused), k
		return p.cache
	}
	chartH := 3
	if ih >= 30 {
		chartH = 4
	}
	per := chartH + 1
	fit := max(ih/per, 1)
	p.offset = min(p.offset, max(len(fams)-fit, 0))
	p.shown = p.shown[:0]
	n := 2 * max(inner-chart.LabelWidth-1, 1)
	for i := p.offset; i < len(fams) && len(lines)+per <= ih; i++ {
		fam := fams[i]
		p.shown = append(p.shown, fam)
		legend, series, unit := p.panel(f, fam, n)
		p.c = chart.Chart{Height: chartH, AutoScale: true, Series: series, MarkCols: p.c.MarkCols}
		if fam.Type == sources.MetricGauge {
			p.c.Tight = false
		}
		var area chartArea
		lines, area = chartBlock(f, lines, legend, &p.c, unit, inner)
		p.areas = append(p.areas, area)
	}
	if more := len(fams) - p.offset - len(p.shown); more > 0 && len(lines) < ih {
		lines = append(lines, wrap(f.st.Muted, "↓ "+itoa(more)+" more charts (j/k or the wheel)"))
	}
	p.cache, p.cacheKey = box(f.st, p.title(), note, noteSt, lines, w, h, focused), k
	return p.cache
}

// panel computes one family's chart series and legend.
func (p *metricsPane) panel(f *frame, fam *store.Family, n int) (string, []chart.Series, string) {
	cursorCol := 2*f.col(f.cursorMS, n/2) + 1
	valueAt := func(v []float64) float64 {
		if cursorCol >= 0 && cursorCol < len(v) {
			return v[cursorCol]
		}
		return math.NaN()
	}
	var legend strings.Builder
	var series []chart.Series
	unit := ""
	// The shared filter: only the series of the chosen label's path, where
	// the family has a uri label (Micrometer's http_server_requests).
	ss := fam.Series
	name := wrap(f.st.Bold, fam.Name)
	if sel := withURI(fam.Series, f.path); len(sel) > 0 {
		ss = sel
		name += wrap(f.st.Muted, " uri="+f.path)
	}
	switch fam.Type {
	case sources.MetricHistogram:
		unit = unitOf(fam.Name)
		p50, p99 := histogramQuantiles(ss, f.fromMS, f.toMS, n)
		legend.WriteString(name + wrap(f.st.Muted, " p50/p99 of "+itoa(len(ss))+" series "))
		legend.WriteString(wrap(f.st.Series[0], "■ p50 "+chart.FormatValue(valueAt(p50), unit)) + " ")
		legend.WriteString(wrap(f.st.Series[1], "■ p99 "+chart.FormatValue(valueAt(p99), unit)))
		series = []chart.Series{{Values: p99, Style: f.st.Series[1]}, {Values: p50, Style: f.st.Series[0]}}
		return legend.String(), series, unit
	case sources.MetricCounter, sources.MetricSummary:
		legend.WriteString(name + wrap(f.st.Muted, " rate/s "))
		unit = "/s"
	default:
		legend.WriteString(name + " ")
		unit = unitOf(fam.Name)
	}
	common := commonLabels(ss)
	for i, s := range ss {
		if i == maxSeriesPerChart {
			legend.WriteString(wrap(f.st.Muted, " +"+itoa(len(ss)-i)+" more"))
			break
		}
		v := seriesValues(s, f.fromMS, f.toMS, n, nil)
		st := f.st.Series[i%len(f.st.Series)]
		series = append(series, chart.Series{Values: v, Style: st})
		name := shortLabels(s.Labels, common)
		val := chart.FormatValue(valueAt(v), unit)
		if name != "" {
			val = name + " " + val
		}
		legend.WriteString(wrap(st, "■ "+val) + " ")
	}
	return legend.String(), series, unit
}

// unitOf guesses a display unit from a metric name's suffix.
func unitOf(name string) string {
	switch {
	case strings.HasSuffix(name, "_seconds"), strings.HasSuffix(name, "_seconds_total"):
		return "s"
	case strings.HasSuffix(name, "_bytes"):
		return "B"
	}
	return ""
}

// commonLabels returns the label pairs every series shares.
func commonLabels(ss []*store.Series) map[string]bool {
	if len(ss) < 2 {
		return map[string]bool{}
	}
	counts := map[string]int{}
	for _, s := range ss {
		for _, kv := range splitLabels(s.Labels) {
			counts[kv]++
		}
	}
	out := map[string]bool{}
	for kv, n := range counts {
		if n == len(ss) {
			out[kv] = true
		}
	}
	return out
}

// splitLabels splits a canonical label string at the commas between pairs.
func splitLabels(ls string) []string {
	var out []string
	inQuote := false
	start := 0
	for i := 0; i < len(ls); i++ {
		switch ls[i] {
		case '\\':
			i++
		case '"':
			inQuote = !inQuote
		case ',':
			if !inQuote {
				out = append(out, ls[start:i])
				start = i + 1
			}
		}
	}
	if start < len(ls) {
		out = append(out, ls[start:])
	}
	return out
}

func shortLabels(ls string, common map[string]bool) string {
	var parts []string
	for _, kv := range splitLabels(ls) {
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

// staleMS is how long a gauge value stays drawn after its scrape.
var staleMS = sources.StaleAfter.Milliseconds()

// seriesValues computes n columns of a series over [from, to): gauges as
// their last value, counters as per-second rates.
func seriesValues(s *store.Series, fromMS, toMS int64, n int, out []float64) []float64 {
	out = out[:0]
	counter := s.Type == sources.MetricCounter || s.Type == sources.MetricSummary || s.Type == sources.MetricHistogram
	span := toMS - fromMS
	for c := 0; c < n; c++ {
		t0 := fromMS + int64(c)*span/int64(n)
		t1 := fromMS + int64(c+1)*span/int64(n)
		j1 := s.At(t1 - 1)
		if j1 < 0 || s.Points[j1].T < t0-staleMS-(t1-t0) {
			out = append(out, math.NaN())
			continue
		}
		if !counter {
			out = append(out, s.Points[j1].V)
			continue
		}
		j0 := s.At(t0 - 1)
		if j0 >= j1 || j0 < 0 {
			j0 = j1 - 1
		}
		if j0 < 0 {
			out = append(out, math.NaN())
			continue
		}
		out = append(out, calc.RateBetween(s.Points[j0:j1+1]))
	}
	return out
}

// histogramQuantiles computes p50 and p99 per column over the bucket
// increases of every series of a histogram family, summed by bucket.
func histogramQuantiles(ss []*store.Series, fromMS, toMS int64, n int) (p50, p99 []float64) {
	p50, p99 = make([]float64, n), make([]float64, n)
	span := toMS - fromMS
	var acc []sources.Bucket
	for c := 0; c < n; c++ {
		t0 := fromMS + int64(c)*span/int64(n)
		t1 := fromMS + int64(c+1)*span/int64(n)
		acc = acc[:0]
		for _, s := range ss {
			j1 := histAt(s.Hist, t1-1)
			if j1 < 1 || s.Hist[j1].TimeMS < t0-staleMS-(t1-t0) {
				continue
			}
			j0 := histAt(s.Hist, t0-1)
			if j0 >= j1 || j0 < 0 {
				j0 = j1 - 1
			}
			acc = addBuckets(acc, calc.BucketDelta(s.Hist[j0].Buckets, s.Hist[j1].Buckets))
		}
		p50[c], p99[c] = math.NaN(), math.NaN()
		if len(acc) > 0 && acc[len(acc)-1].Count > 0 {
			p50[c] = calc.HistogramQuantile(0.5, acc)
			p99[c] = calc.HistogramQuantile(0.99, acc)
		}
	}
	return p50, p99
}

func histAt(h []store.HistPoint, ms int64) int {
	return sort.Search(len(h), func(i int) bool { return h[i].TimeMS > ms }) - 1
}

// addBuckets adds b into acc by upper bound (both sorted).
func addBuckets(acc, b []sources.Bucket) []sources.Bucket {
	if len(acc) == 0 {
		return append(acc, b...)
	}
	if len(acc) == len(b) {
		same := true
		for i := range b {
			if acc[i].UpperBound != b[i].UpperBound {
				same = false
				break
			}
		}
		if same {
			for i := range b {
				acc[i].Count += b[i].Count
			}
			return acc
		}
	}
	merged := make([]sources.Bucket, 0, len(acc)+len(b))
	i, j := 0, 0
	for i < len(acc) || j < len(b) {
		switch {
		case j == len(b) || (i < len(acc) && acc[i].UpperBound < b[j].UpperBound):
			merged = append(merged, acc[i])
			i++
		case i == len(acc) || b[j].UpperBound < acc[i].UpperBound:
			merged = append(merged, b[j])
			j++
		default:
			merged = append(merged, sources.Bucket{UpperBound: acc[i].UpperBound, Count: acc[i].Count + b[j].Count})
			i++
			j++
		}
	}
	return merged
}

// withURI returns the series whose uri label is path (none when path is "").
func withURI(ss []*store.Series, path string) []*store.Series {
	if path == "" {
		return nil
	}
	want := `uri="` + path + `"`
	var out []*store.Series
	for _, s := range ss {
		for _, kv := range splitLabels(s.Labels) {
			if kv == want {
				out = append(out, s)
				break
			}
		}
	}
	return out
}
