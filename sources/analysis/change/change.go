// Package change ranks what changed in a window of the store against a
// baseline before it, across the three kinds of data: metric series, log
// templates and load-test labels and response codes. It is the "what
// changed" list a person reads first when the error rate jumps: a pool's
// pending connections going from 0 to dozens ranks above the request rate
// that fell because of it.
//
// Every candidate is scored the same robust way: the distance between the
// medians of its per-second values after and before, divided by the larger
// of its baseline noise (1.4826 x the median absolute deviation, which
// estimates a standard deviation without being moved by a few outliers)
// and its resolution (its smallest non-zero step), so that a baseline flat
// at zero still gives a finite score that grows with the jump. Each metric
// name contributes one change: its most-changed series. A series or
// template that appears counts as a change of its own.
package change

import (
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/analysis/drain"
	"github.com/sobang/sobang/sources/store"
)

// Kinds of change.
const (
	KindMetric = "metric"
	KindLog    = "log"
	KindLabel  = "label"
	KindCode   = "code"
)

// Change is one entry of the ranked list.
type Change struct {
	Kind   string  // KindMetric, KindLog, KindLabel or KindCode
	Name   string  // the metric with its distinguishing labels, the template, the label, the code
	What   string  // the statistic compared: "value", "rate/s", "p99 s", "entries/s", "errors/s", "p95 ms"
	Before float64 // the baseline's median
	After  float64 // the window's median
	Score  float64
	// FirstMS is the first second of the window whose value left the
	// baseline's range, for the cursor to jump to; the window's start when
	// none did on its own.
	FirstMS int64
	// Symptom marks a metric that describes the requests themselves (its
	// series carry a uri, path, route or status label): it tells the story
	// the load test tells, so it is listed after the other metrics.
	Symptom bool // Proportional marks a metric whose change follows the request rate:
	// its ratio to the load test's requests per second stayed within the
	// range it had in the baseline (bytes sent, allocations, a per-request
	// counter). It is listed after the metrics that changed on their own.
	Proportional bool

	// before and after are the compared per-second values, kept for the
	// comparison with the request rate.
	before, after []float64
}

// minSeconds is how many seconds a window and its baseline need for a
// median to mean something.
const minSeconds = 3

// Rank compares [fromMS, toMS) with the same length just before it (or
// what the data holds of it, from the data's start) and returns the
// changes, the highest score first (ties: the earlier first occurrence).
// It returns nil when the window or its baseline is shorter than a few
// seconds: before the data began nothing can be said to have changed.
func Rank(st *store.Store, fromMS, toMS int64) []Change {
	n := int((toMS - fromMS) / 1000)
	first, _, ok := st.DataRange()
	if !ok || n < minSeconds {
		return nil
	}
	nb := min(n, int((fromMS-first)/1000))
	if nb < minSeconds {
		return nil
	}
	w := span{baseFrom: fromMS - int64(nb)*1000, fromMS: fromMS, toMS: toMS, nb: nb, na: n}
	var out []Change
	out = append(out, metricChanges(st, w)...)
	out = append(out, logChanges(st, w)...)
	out = append(out, loadChanges(st, w)...)
	markProportional(st, w, out)
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Score != out[j].Score {
			return out[i].Score > out[j].Score
		}
		return out[i].FirstMS < out[j].FirstMS
	})
	out = demote(out, func(c Change) bool { return !c.Symptom && c.Proportional }, func(c Change) bool { return !c.Symptom && !c.Proportional })
	return leadWithEachKind(symptomsLast(out))
}

// symptomsLast moves the metrics that describe the requests after the
// last of the other metrics, keeping every other change where it was.
func symptomsLast(sorted []Change) []Change {
	return demote(sorted, func(c Change) bool { return c.Symptom }, func(c Change) bool { return !c.Symptom })
}

// demote moves the metrics that are low (a symptom, a change that follows
// the request rate) after the last of the metrics that are high, keeping
// every other change where it was.
func demote(sorted []Change, low, high func(Change) bool) []Change {
	last := -1
	for i, c := range sorted {
		if c.Kind == KindMetric && high(c) {
			last = i
		}
	}
	if last < 0 {
		return sorted
	}
	out := make([]Change, 0, len(sorted))
	var held []Change
	for i, c := range sorted {
		if c.Kind == KindMetric && low(c) && i < last {
			held = append(held, c)
			continue
		}
		out = append(out, c)
		if i == last {
			out = append(out, held...)
		}
	}
	return out
}

// describesRequests reports whether a family's series carry a label that
// names a request (uri, path, route) or its outcome (status).
func describesRequests(fam *store.Family) bool {
	for _, s := range fam.Series {
		for _, name := range []string{"uri", "path", "route", "status"} {
			if _, ok := store.LabelValue(s.Labels, name); ok {
				return true
			}
		}
	}
	return false
}

// span is a window and its baseline: [baseFrom, fromMS) of nb seconds
// before [fromMS, toMS) of na.
type span struct {
	baseFrom, fromMS, toMS int64
	nb, na                 int
}

// headLen is how many changes a person reads first.
const headLen = 6

// leadWithEachKind makes the first headLen changes hold the best change of
// each kind that has one (a metric, a log template, a label), so that a
// symptom of huge score (a latency that rose a thousandfold) cannot push
// the cause out of sight; the order is otherwise kept.
func leadWithEachKind(sorted []Change) []Change {
	best := map[string]int{}
	for i, c := range sorted {
		if _, ok := best[c.Kind]; !ok && c.Kind != KindCode {
			best[c.Kind] = i
		}
	}
	out := make([]Change, 0, len(sorted))
	taken := make([]bool, len(sorted))
	for i := range sorted {
		if len(out) == headLen {
			break
		}
		// Room left in the head for the kinds still to come.
		owed := 0
		for _, j := range best {
			if j > i && !taken[j] {
				owed++
			}
		}
		isBest := best[sorted[i].Kind] == i && sorted[i].Kind != KindCode
		if !isBest && len(out)+owed >= headLen {
			continue
		}
		out, taken[i] = append(out, sorted[i]), true
	}
	for i, c := range sorted {
		if !taken[i] {
			out = append(out, c)
		}
	}
	return out
}

// score compares two runs of per-second values (NaN: no value) and
// returns the change, ok false when either side has too few values, or
// nothing moved.
func score(before, after []float64, fromMS int64, res float64) (c Change, ok bool) {
	b, a := finite(before), finite(after)
	if len(a) < minSeconds || len(b) < minSeconds {
		return c, false
	}
	mb, ma := median(b), median(a)
	spread := 1.4826 * mad(b, mb)
	if spread <= roundingShare*magnitude(b, a) {
		spread = 0 // the arithmetic's rounding, not the series' noise
	}
	if res == 0 {
		res = resolution(b, a)
	}
	noise := math.Max(spread, res)
	if noise == 0 || ma == mb {
		return c, false
	}
	c.Before, c.After = mb, ma
	c.Score = math.Abs(ma-mb) / noise
	c.FirstMS = fromMS
	lo, hi := mb-3*noise, mb+3*noise
	for i, v := range after {
		if !math.IsNaN(v) && (v < lo || v > hi) {
			c.FirstMS = fromMS + int64(i)*1000
			break
		}
	}
	return c, true
}

// appeared scores a series or template that has values after and none
// before: its median after, over its resolution (0: from the values).
func appeared(after []float64, fromMS int64, res float64) (Change, bool) {
	a := finite(after)
	if len(a) == 0 {
		return Change{}, false
	}
	ma := median(a)
	if res == 0 {
		res = resolution(nil, a)
	}
	if res == 0 {
		res = 1
	}
	first := fromMS
	for i, v := range after {
		if !math.IsNaN(v) {
			first = fromMS + int64(i)*1000
			break
		}
	}
	return Change{Before: 0, After: ma, Score: math.Abs(ma) / res, FirstMS: first}, ma != 0 || len(a) > 0
}

func finite(v []float64) []float64 {
	out := make([]float64, 0, len(v))
	for _, x := range v {
		if !math.IsNaN(x) && !math.IsInf(x, 0) {
			out = append(out, x)
		}
	}
	return out
}

func median(v []float64) float64 {
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

func mad(v []float64, m float64) float64 {
	d := make([]float64, len(v))
	for i, x := range v {
		d[i] = math.Abs(x - m)
	}
	return median(d)
}

// roundingShare is the share of a series' magnitude below which a step or
// a spread is the arithmetic's own rounding (a rate computed from a
// counter), not a change of the series.
const roundingShare = 1e-9

// magnitude is the largest absolute value of the parts.
func magnitude(parts ...[]float64) float64 {
	size := 0.0
	for _, p := range parts {
		for _, x := range p {
			size = math.Max(size, math.Abs(x))
		}
	}
	return size
}

// resolution is the series' smallest non-zero step from one value to the
// next, the parts taken one after the other as they follow in time: below
// it no change can be told from rounding.
func resolution(parts ...[]float64) float64 {
	floor := roundingShare * magnitude(parts...)
	res := 0.0
	prev, have := 0.0, false
	for _, p := range parts {
		for _, x := range p {
			if d := math.Abs(x - prev); have && d > floor && (res == 0 || d < res) {
				res = d
			}
			prev, have = x, true
		}
	}
	return res
}

// metricChanges compares every series the store holds, one change per
// metric name (its most-changed series): gauges as values, counters as
// per-second rates, histograms as their p99.
func metricChanges(st *store.Store, w span) []Change {
	fromMS := w.fromMS
	before := store.Steps{FromMS: w.baseFrom, ToMS: w.fromMS, N: w.nb}
	after := store.Steps{FromMS: w.fromMS, ToMS: w.toMS, N: w.na}
	var out []Change
	for _, fam := range st.Metrics.Families() {
		var best Change
		found := false
		consider := func(c Change, ok bool, name, what string, b, a []float64) {
			if ok && (!found || c.Score > best.Score) {
				c.Kind, c.Name, c.What, c.before, c.after = KindMetric, name, what, b, a
				best, found = c, true
			}
		}
		if fam.Type == sources.MetricHistogram {
			b := store.HistogramQuantiles(fam.Series, before, 0.99)[0]
			a := store.HistogramQuantiles(fam.Series, after, 0.99)[0]
			c, ok := score(b, a, fromMS, 0)
			consider(c, ok, fam.Name, "p99", b, a)
		} else {
			common := store.CommonLabels(fam.Series)
			what := "value"
			if fam.Type == sources.MetricCounter || fam.Type == sources.MetricSummary {
				what = "rate/s"
			}
			for _, s := range fam.Series {
				b, a := s.Values(before, nil), s.Values(after, nil)
				name := seriesName(fam.Name, s.Labels, common)
				c, ok := score(b, a, fromMS, 0)
				if !ok && len(finite(b)) == 0 {
					c, ok = appeared(a, fromMS, 0)
				}
				consider(c, ok, name, what, b, a)
			}
		}
		if found {
			best.Symptom = describesRequests(fam)
			out = append(out, best)
		}
	}
	return out
}

// markProportional marks the metric changes that follow the request rate:
// the median of their ratio to the requests per second in the window lies
// within the range of that ratio in the baseline. Without a load test, or
// with too few seconds of requests, nothing is marked.
func markProportional(st *store.Store, w span, changes []Change) {
	lt := st.Load
	if lt.Empty() {
		return
	}
	rate := func(from, to int64, n int) []float64 {
		cols := lt.Columns(from, to, n, "", nil)
		v := make([]float64, len(cols))
		for i, c := range cols {
			v[i] = float64(c.Samples)
		}
		return v
	}
	rb, ra := rate(w.baseFrom, w.fromMS, w.nb), rate(w.fromMS, w.toMS, w.na)
	for i, c := range changes {
		if c.Kind == KindMetric {
			changes[i].Proportional = proportional(c.before, c.after, rb, ra)
		}
	}
}

// proportional reports whether values follow rates: the median of their
// ratio after lies within the range of their ratio before.
func proportional(before, after, rb, ra []float64) bool {
	ratios := func(v, r []float64) []float64 {
		var out []float64
		for i := range min(len(v), len(r)) {
			if !math.IsNaN(v[i]) && !math.IsInf(v[i], 0) && r[i] > 0 {
				out = append(out, v[i]/r[i])
			}
		}
		return out
	}
	b, a := ratios(before, rb), ratios(after, ra)
	if len(b) < minSeconds || len(a) < minSeconds {
		return false
	}
	m := median(a)
	return m >= slices.Min(b) && m <= slices.Max(b)
}

// seriesName names a series by its metric and the labels that tell it from
// the family's others.
func seriesName(metric, labels string, common map[string]bool) string {
	var parts []string
	for _, kv := range store.SplitLabels(labels) {
		if !common[kv] {
			parts = append(parts, kv)
		}
	}
	if len(parts) == 0 {
		return metric
	}
	return metric + "{" + strings.Join(parts, ",") + "}"
}

// logChanges compares the templates' entries per second: a template new
// to the window, or much more frequent in it; not one that became rarer.
func logChanges(st *store.Store, w span) []Change {
	baseFrom, fromMS, toMS := w.baseFrom, w.fromMS, w.toMS
	logs := st.Logs
	if logs.Len() == 0 {
		return nil
	}
	// Templates are mined over both halves together, so that the same
	// message gets the same template on both sides.
	all := drain.Templates(logs, baseFrom, toMS)
	counts := map[string][]float64{} // template -> per-second counts over both halves
	for _, c := range all {
		counts[c.Template] = make([]float64, w.nb+w.na)
	}
	perEntry := drain.Assign(logs, baseFrom, toMS)
	for _, a := range perEntry {
		i := int((a.TimeMS - baseFrom) / 1000)
		if v := counts[a.Template]; v != nil && i >= 0 && i < len(v) {
			v[i]++
		}
	}
	var out []Change
	for _, c := range all {
		v := counts[c.Template]
		b, a := v[:w.nb], v[w.nb:]
		// Counts per second: one entry is the resolution.
		ch, ok := score(b, a, fromMS, 1)
		if !ok && sum(b) == 0 && sum(a) > 0 {
			// New to the window: its entries per second over the whole
			// window, so that a template that goes on every second
			// outranks one seen once (the median of either may be 0).
			ch, ok = appeared(nonZero(a), fromMS, 1)
			ch.After = sum(a) / float64(len(a))
			ch.Score = ch.After
		}
		// A template that became rarer is no likely cause: it is the
		// service doing less of its ordinary work.
		if ok && ch.After > ch.Before {
			ch.Kind, ch.Name, ch.What = KindLog, c.Template, "entries/s"
			if c.Level >= sources.LevelError {
				ch.Score *= 1.5 // an ERROR template is a likelier cause than an INFO one
			}
			out = append(out, ch)
		}
	}
	return out
}

func sum(v []float64) float64 {
	s := 0.0
	for _, x := range v {
		s += x
	}
	return s
}

// nonZero keeps the seconds with entries, NaN elsewhere.
func nonZero(v []float64) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = x
		if x == 0 {
			out[i] = math.NaN()
		}
	}
	return out
}

// loadChanges compares each label's errors per second and p95, and each
// response code's count per second.
func loadChanges(st *store.Store, w span) []Change {
	baseFrom, fromMS, toMS, n := w.baseFrom, w.fromMS, w.toMS, w.nb
	lt := st.Load
	if lt.Empty() {
		return nil
	}
	var out []Change
	for _, label := range lt.Labels() {
		cb := lt.Columns(baseFrom, fromMS, n, label, nil)
		ca := lt.Columns(fromMS, toMS, w.na, label, nil)
		errs := func(cs []store.Column) []float64 {
			v := make([]float64, len(cs))
			for i, c := range cs {
				v[i] = float64(c.Errors)
			}
			return v
		}
		p95 := func(cs []store.Column) []float64 {
			v := make([]float64, len(cs))
			for i, c := range cs {
				v[i] = c.P95
			}
			return v
		}
		if c, ok := score(errs(cb), errs(ca), fromMS, 1); ok && c.After > c.Before {
			c.Kind, c.Name, c.What = KindLabel, label, "errors/s"
			out = append(out, c)
		}
		if c, ok := score(p95(cb), p95(ca), fromMS, 1); ok && c.After > c.Before {
			c.Kind, c.Name, c.What = KindLabel, label, "p95 ms"
			out = append(out, c)
		}
	}
	// Response codes, per second.
	codes := map[string][]float64{}
	for sec := 0; sec < w.nb+w.na; sec++ {
		s := baseFrom/1000 + int64(sec)
		sum := lt.Summarize(s*1000, s*1000+1000, "")
		for code, k := range sum.Codes {
			if codes[code] == nil {
				codes[code] = make([]float64, w.nb+w.na)
			}
			codes[code][sec] = float64(k)
		}
	}
	for code, v := range codes {
		if c, ok := score(v[:n], v[n:], fromMS, 1); ok && c.After > c.Before {
			c.Kind, c.Name, c.What = KindCode, code, "responses/s"
			out = append(out, c)
		} else if sum(v[:n]) == 0 && sum(v[n:]) > 0 {
			c, _ := appeared(nonZero(v[n:]), fromMS, 1)
			c.Kind, c.Name, c.What = KindCode, code, "responses/s"
			out = append(out, c)
		}
	}
	return out
}
