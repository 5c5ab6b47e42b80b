package tui

import (
	"math"
	"strconv"
	"strings"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/analysis/compare"
	"github.com/sobang/sobang/sources/store"
)

// detailTopErrors is how many error keys the detail lists, as JMeter's
// "Top 5 errors by sampler".
const detailTopErrors = 5

// renderDetail draws the label opened with enter: every statistic of the
// window (with the baseline's beside it when shown), the request path the
// other panes filter by and where it came from, the label's charts over the
// visible range, its response codes and its top errors. Like the table, it
// follows the shared cursor and window.
func (p *loadPane) renderDetail(f *frame, lines []string, inner, ih int) []string {
	lt := f.store.Load
	label := f.label
	txn := isTransaction(lt, label)
	filter := label // a request needs only its own figures
	if txn {
		filter = "" // a transaction lists its members' too
	}
	sum := lt.Summarize(f.winFrom, f.winTo, filter)
	ls := &store.LabelSummary{Label: label, Transaction: txn}
	for i := range sum.Labels {
		if sum.Labels[i].Label == label {
			ls = &sum.Labels[i]
			break
		}
	}
	var row *baselineRow
	if p.baseShown() {
		p.base.at(lt, f.winFrom, f.winTo)
		r := p.base.compare(ls)
		row = &r
	}

	kind := "request"
	if ls.Transaction {
		kind = "transaction"
	}
	scope := "whole run"
	if f.winTo != 0 {
		scope = "window " + f.clock(f.winFrom) + "–" + f.clock(f.winTo)
	}
	lines = append(lines, wrap(f.st.Bold, "▸ "+label)+
		wrap(f.st.Muted, "  "+kind+" · "+scope+" · enter/esc: all labels · ↑/↓: previous/next label"))
	lines = append(lines, pathLine(f, label))
	lines = append(lines, planDetailLines(f, label, inner)...)
	if ls.Stats.Count == 0 {
		lines = append(lines, wrap(f.st.Warn, "no samples of this label in the "+scope))
	}
	lines = p.statsGrid(f, lines, &ls.Stats, row, inner)
	if row != nil {
		lines = append(lines, p.baselineLine(f, row))
	}

	tail := []string{labelCodes(f, ls)}
	// A list under the codes: a request's top errors, a transaction's
	// member requests; its header and rows go last, the rows cut first.
	var listHead string
	var list []string
	switch {
	case ls.Transaction:
		listHead, list, tail = p.memberList(f, lt, label, sum, tail, inner)
	case len(ls.Errors) == 0:
		tail = append(tail, wrap(f.st.Muted, "no errors in the "+scope))
	default:
		listHead = wrap(f.st.Bold, padLeft("errors", 9)+padLeft("% errors", 10)+padLeft("% all", 8)+"  top errors (JMeter's keys)")
		st := &ls.Stats
		for _, e := range ls.Errors {
			list = append(list, padLeft(count(e.Count), 9)+
				padLeft(pct(100*float64(e.Count)/float64(max(st.Errors, 1))), 10)+
				padLeft(pct(100*float64(e.Count)/float64(max(st.Count, 1))), 8)+"  "+e.Key)
		}
	}
	// The charts take what is left, at least a row each with its legend; a
	// short pane lists fewer rows first, then leaves the charts out, and
	// leaves the list out when not even its header and one row fit.
	avail := ih - len(lines) - len(tail)
	listRows := min(len(list), detailTopErrors, avail-1)
	if listRows > 0 {
		avail-- // the list's header
		for listRows > 1 && avail-listRows < 4 {
			listRows--
		}
		avail -= listRows
	}
	switch {
	case avail >= loadChartRows+2:
		axis := 0
		if avail >= loadChartRows+5 {
			axis = 1
		}
		chartH := (avail - loadChartRows - axis) / 2
		cc := p.chartColumns(f, inner, label)
		lines = p.drawCharts(f, lines, cc, inner, chartH)
		if axis == 1 {
			lines = append(lines, timeAxis(f, inner, p.onsets.get(f.store.Load)))
		}
	case avail > 0:
		lines = append(lines, wrap(f.st.Muted, "no room for its charts: z zooms the pane"))
	}
	lines = append(lines, tail...)
	if listRows > 0 {
		lines = append(lines, listHead)
		lines = append(lines, list[:listRows]...)
		if n := len(list) - listRows; n > 0 && len(lines) < ih {
			lines = append(lines, wrap(f.st.Muted, "  and "+itoa(n)+" more"))
		}
	}
	return lines
}

// memberList lists a transaction's member requests in the order they run,
// each with how often a transaction runs it and its figures in the window
// (sum, which must hold every label). A transaction whose requests cannot be
// linked to it (no thread names) gets a note in tail instead.
func (p *loadPane) memberList(f *frame, lt *store.LoadTest, label string, sum store.Summary, tail []string, w int) (string, []string, []string) {
	members := lt.TransactionMembers(label)
	switch {
	case members == nil:
		return "", nil, append(tail, wrap(f.st.Muted, "its member requests are not known: the results name no threads to link them by, and no label names it as its group"))
	case len(members) == 0:
		return "", nil, append(tail, wrap(f.st.Muted, "its member requests: none ran within its transactions"))
	}
	byLabel := make(map[string]*store.LabelSummary, len(sum.Labels))
	for i := range sum.Labels {
		byLabel[sum.Labels[i].Label] = &sum.Labels[i]
	}
	const numW = 9 + 9 + 8 + 8
	lw := max(w-numW, 12)
	head := wrap(f.st.Bold, fitPlain("member requests, in run order (per txn: over the whole run)", 0, lw)+
		padLeft("per txn", 9)+padLeft("samples", 9)+padLeft("errors", 8)+padLeft("p95", 8))
	var rows []string
	for _, mb := range members {
		samples, errs, p95 := "–", "–", "–"
		if l := byLabel[mb.Label]; l != nil {
			samples, errs, p95 = count(l.Stats.Count), count(l.Stats.Errors), ms(l.Stats.Latency.Quantile(0.95))
		}
		rows = append(rows, fitPlain("  "+mb.Label, 0, lw)+padLeft(strconv.FormatFloat(mb.PerTransaction, 'f', 1, 64), 9)+
			padLeft(samples, 9)+padLeft(errs, 8)+padLeft(p95, 8))
	}
	return head, rows, tail
}

// isTransaction reports whether label names a transaction.
func isTransaction(lt *store.LoadTest, label string) bool {
	for i, l := range lt.Labels() {
		if l == label {
			return lt.IsTransaction(i)
		}
	}
	return false
}

// pathLine says which request path the other panes filter by, and where it
// came from.
func pathLine(f *frame, label string) string {
	path, origin := f.store.LabelPath(label)
	switch origin {
	case store.PathFromURL:
		return "path " + wrap(f.st.Bold, path) + wrap(f.st.Muted, " from the URL column · the metrics and logs panes follow it")
	case store.PathFromConfig:
		return "path " + wrap(f.st.Bold, path) + wrap(f.st.Muted, " from config ([loadtest.paths]) · the metrics and logs panes follow it")
	}
	return wrap(f.st.Muted, "no path: its samples have no URL and the config's [loadtest.paths] names none, so the other panes show everything")
}

// statKind says how a statistic is formatted and how its change reads.
type statKind uint8

const (
	statCount statKind = iota
	statPct
	statMS
	statRate
	statKB
	statApdex
)

// detailStat is one statistic of the detail.
type detailStat struct {
	name string
	kind statKind
	get  func(*store.Stats) float64
}

// latency returns a latency statistic, NaN without samples.
func latency(f func(*store.Stats) float64) func(*store.Stats) float64 {
	return func(st *store.Stats) float64 {
		if st.Count == 0 {
			return math.NaN()
		}
		return f(st)
	}
}

func quantile(q float64) func(*store.Stats) float64 {
	return latency(func(st *store.Stats) float64 { return st.Latency.Quantile(q) })
}

// detailStats are the statistics of the detail, as JMeter's statistics
// table has them.
var detailStats = []detailStat{
	{"samples", statCount, func(st *store.Stats) float64 { return float64(st.Count) }},
	{"errors", statCount, func(st *store.Stats) float64 { return float64(st.Errors) }},
	{"error %", statPct, func(st *store.Stats) float64 { return st.ErrorPct() }},
	{"mean", statMS, latency(func(st *store.Stats) float64 { return st.Latency.Mean() })},
	{"min", statMS, latency(func(st *store.Stats) float64 { return st.Latency.Min() })},
	{"max", statMS, latency(func(st *store.Stats) float64 { return st.Latency.Max() })},
	{"p50", statMS, quantile(0.50)},
	{"p90", statMS, quantile(0.90)},
	{"p95", statMS, quantile(0.95)},
	{"p99", statMS, quantile(0.99)},
	{"thr/s", statRate, func(st *store.Stats) float64 { return st.Throughput() }},
	{"KB/s in", statKB, func(st *store.Stats) float64 { return st.ReceivedKBPerSec() }},
	{"KB/s out", statKB, func(st *store.Stats) float64 { return st.SentKBPerSec() }},
	{"apdex", statApdex, func(st *store.Stats) float64 { return st.Apdex() }},
}

func (k statKind) format(v float64) string {
	if math.IsNaN(v) {
		return "–"
	}
	switch k {
	case statCount:
		return count(int64(v))
	case statPct:
		return pct(v)
	case statMS:
		return ms(v)
	case statRate:
		return rate(v)
	case statKB:
		return strconv.FormatFloat(v, 'f', 1, 64)
	}
	return strconv.FormatFloat(v, 'f', 3, 64)
}

// delta formats the change from base to cur: relative for amounts,
// percentage points for the error share, absolute for APDEX.
func (k statKind) delta(cur, base float64) string {
	if math.IsNaN(cur) || math.IsNaN(base) {
		return "–"
	}
	switch k {
	case statPct:
		return signed(cur-base, 1) + "pp"
	case statApdex:
		return signed(cur-base, 3)
	}
	return deltaPct(cur, base)
}

// Widths of a statistic's cell: its name, its value, the baseline's value
// and the change, and the gap between cells.
const (
	statNameW, statValueW, statBaseW, statDeltaW, statGap = 8, 9, 9, 9, 3
)

// statsGrid appends the statistics, as many to a line as fit, each with the
// baseline's value and the change beside it when row is not nil.
func (p *loadPane) statsGrid(f *frame, lines []string, st *store.Stats, row *baselineRow, w int) []string {
	cellW := statNameW + statValueW
	if row != nil {
		cellW += statBaseW + statDeltaW
	}
	perLine := max((w+statGap)/(cellW+statGap), 1)
	gap := strings.Repeat(" ", statGap)
	if row != nil {
		var b strings.Builder
		for i := 0; i < min(perLine, len(detailStats)); i++ {
			if i > 0 {
				b.WriteString(gap)
			}
			b.WriteString(strings.Repeat(" ", statNameW) + padLeft("now", statValueW) + padLeft("baseline", statBaseW) + padLeft("change", statDeltaW))
		}
		lines = append(lines, wrap(f.st.Muted, b.String()))
	}
	var base *store.Stats
	if row != nil && row.base != nil {
		base = &row.base.Stats
	}
	var b strings.Builder
	for i, s := range detailStats {
		if i%perLine != 0 {
			b.WriteString(gap)
		}
		cur := s.get(st)
		b.WriteString(wrap(f.st.Muted, fitPlain(s.name, 0, statNameW)))
		b.WriteString(wrap(f.st.Bold, padLeft(s.kind.format(cur), statValueW)))
		if row != nil {
			then, change := "–", "–"
			if base != nil {
				old := s.get(base)
				then, change = s.kind.format(old), s.kind.delta(cur, old)
			}
			b.WriteString(wrap(f.st.Muted, padLeft(then, statBaseW)))
			b.WriteString(padLeft(change, statDeltaW))
		}
		if i%perLine == perLine-1 || i == len(detailStats)-1 {
			lines = append(lines, b.String())
			b.Reset()
		}
	}
	return lines
}

// baselineLine is the label's verdict against the baseline, then the
// figures behind it: the verdict comes first, so a narrow pane that cuts
// the line still shows it.
func (p *loadPane) baselineLine(f *frame, row *baselineRow) string {
	head := "baseline " + p.base.name + " (" + p.base.scope() + "): "
	if row.base == nil {
		return wrap(f.st.Muted, head+"no samples of this label")
	}
	r := &row.res
	verdict := r.Text()
	if r.Verdict == compare.NotEnough {
		verdict += " (under " + itoa(compare.MinSamples) + " samples in a run)"
	}
	text := " · p95 " + ms(r.BaseP95) + " → " + ms(r.CurP95) + " (" + deltaPct(r.CurP95, r.BaseP95) + ")"
	if !math.IsNaN(r.P) {
		text += " Mann-Whitney p " + pValue(r.P)
	}
	text += " · errors " + pct(100*r.BaseErrorRate) + " → " + pct(100*r.CurErrorRate)
	if !math.IsNaN(r.ErrorsP) {
		text += " two-proportion p " + pValue(r.ErrorsP)
	}
	return head + wrap(p.verdictStyle(f, row), verdict) + text
}

// labelCodes lists a label's responses: its successful samples as ok, its
// failures by response code (from their JMeter error keys, which start with
// the code; the store keeps codes per label only for failures).
func labelCodes(f *frame, ls *store.LabelSummary) string {
	st := &ls.Stats
	var b strings.Builder
	b.WriteString(wrap(f.st.Muted, "codes ") + "ok " + count(st.Count-st.Errors))
	if st.Errors == 0 {
		return b.String()
	}
	if len(ls.Errors) == 0 {
		b.WriteString(wrap(f.st.Muted, " · ") + wrap(f.st.Levels[sources.LevelError], "failed "+count(st.Errors)))
		return b.String()
	}
	var codes []string
	byCode := map[string]int64{}
	for _, e := range ls.Errors {
		c := errorCode(e.Key)
		if byCode[c] == 0 {
			codes = append(codes, c)
		}
		byCode[c] += e.Count
	}
	for _, c := range codes {
		b.WriteString(wrap(f.st.Muted, " · ") + wrap(f.st.Levels[sources.LevelError], c+" "+count(byCode[c])))
	}
	return b.String()
}

// errorCode is the response code an error key starts with ("503" of
// "503/Service Unavailable"), "non-HTTP" for JMeter's non-HTTP failures and
// "other" for keys without a code (assertion and tool messages).
func errorCode(key string) string {
	code, _, _ := strings.Cut(key, "/")
	switch {
	case strings.HasPrefix(code, "Non HTTP response code"):
		return "non-HTTP"
	case code != "" && strings.Trim(code, "0123456789") == "":
		return code
	}
	return "other"
}
