package store

import (
	"math"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/store/calc"
)

// The queries a view asks of metric series: values, rates and histogram
// quantiles over a range cut into as many steps as it draws points, and the
// value at an instant. Views draw what these return and compute nothing.

// Steps cuts the range [FromMS, ToMS) into N equal steps, one per point a
// chart draws: step i covers [FromMS + i*span/N, FromMS + (i+1)*span/N),
// span = ToMS - FromMS, the same cut as LoadTest.Columns.
type Steps struct {
	FromMS, ToMS int64
	N            int
}

// Step returns the bounds [t0, t1) of step i.
func (r Steps) Step(i int) (t0, t1 int64) {
	span := r.ToMS - r.FromMS
	return r.FromMS + int64(i)*span/int64(r.N), r.FromMS + int64(i+1)*span/int64(r.N)
}

// Instant is the one step a cursor at ms reads: the second that starts at
// ms, as the load-test side reads the cursor's second.
func Instant(ms int64) Steps { return Steps{FromMS: ms, ToMS: ms + 1000, N: 1} }

// staleMS is how long a scrape's value stays drawn after its time.
var staleMS = sources.StaleAfter.Milliseconds()

// stale reports whether a scrape at ms is too old to draw in the step
// [t0, t1): older than StaleAfter (or one and a half of the series' own
// spacing, when longer) before the step, plus one step's width, so that a
// wide step still reaches the scrape that ended just before it.
func (s *Series) stale(ms, t0, t1 int64) bool {
	return ms < t0-max(staleMS, s.gapMS+s.gapMS/2)-(t1-t0)
}

// counts reports whether the series' values only grow until a reset: a
// counter, or the sample count of a summary or histogram.
func (s *Series) counts() bool {
	return s.Type == sources.MetricCounter || s.Type == sources.MetricSummary || s.Type == sources.MetricHistogram
}

// Values appends to out[:0] one value per step of r and returns it. A gauge
// (or untyped series) gives its last value at or before the step's end; a
// counter, summary or histogram gives its per-second increase
// (calc.RateBetween, resets counted) from the last scrape before the step to
// the last one in it, or over the last two scrapes when no scrape falls
// before the step. A step whose last scrape is stale (see StaleAfter), or
// that has no two scrapes to rate, is NaN: a gap.
func (s *Series) Values(r Steps, out []float64) []float64 {
	out = out[:0]
	buf := getPoints()
	pts := s.pointsAround(*buf, r.FromMS-1, r.ToMS-1, 2)
	for i := 0; i < r.N; i++ {
		t0, t1 := r.Step(i)
		out = append(out, s.value(pts, t0, t1))
	}
	putPoints(buf, pts)
	return out
}

// ValueAt is the value at an instant, the cursor's: Values over Instant(ms).
func (s *Series) ValueAt(ms int64) float64 {
	r := Instant(ms)
	buf := getPoints()
	pts := s.pointsAround(*buf, r.FromMS-1, r.ToMS-1, 2)
	v := s.value(pts, r.FromMS, r.ToMS)
	putPoints(buf, pts)
	return v
}

// pointPool holds the scratch slices queries decode points into, so that a
// chart redrawn 20 times a second does not allocate them each time.
var pointPool = sync.Pool{New: func() any { return new([]calc.Point) }}

func getPoints() *[]calc.Point { return pointPool.Get().(*[]calc.Point) }

func putPoints(buf *[]calc.Point, used []calc.Point) {
	*buf = used[:0]
	pointPool.Put(buf)
}

// at returns the index of the last of pts at or before ms, -1 when none.
func at(pts []calc.Point, ms int64) int {
	return sort.Search(len(pts), func(i int) bool { return pts[i].T > ms }) - 1
}

// value is the value of step [t0, t1) from pts, which hold the series'
// points from the last two before t0 to t1 - 1 at least.
func (s *Series) value(pts []calc.Point, t0, t1 int64) float64 {
	j1 := at(pts, t1-1)
	if j1 < 0 || s.stale(pts[j1].T, t0, t1) {
		return math.NaN()
	}
	if !s.counts() {
		return pts[j1].V
	}
	j0 := at(pts, t0-1)
	if j0 >= j1 || j0 < 0 {
		j0 = j1 - 1
	}
	if j0 < 0 {
		return math.NaN()
	}
	return calc.RateBetween(pts[j0 : j1+1])
}

// Rates appends to out[:0] Prometheus' rate(series[window]) evaluated at the
// end of each step of r and returns it: over the scrapes in
// (end - windowMS, end], end = the step's last millisecond, with counter
// resets and Prometheus' extrapolation to the window's edges (calc.Rate).
// The window reaches back before the range, so the first steps have their
// value. A gauge gives its per-second change without reset handling
// (Prometheus' delta over the window, per second). Fewer than two scrapes in
// a window give NaN.
func (s *Series) Rates(r Steps, windowMS int64, out []float64) []float64 {
	out = out[:0]
	buf := getPoints()
	pts := s.PointsAround(*buf, r.FromMS-windowMS, r.ToMS-1)
	for i := 0; i < r.N; i++ {
		_, t1 := r.Step(i)
		end := t1 - 1
		v, ok := calc.Rate(pts, end-windowMS, end, s.counts())
		if !ok {
			v = math.NaN()
		}
		out = append(out, v)
	}
	putPoints(buf, pts)
	return out
}

// HistogramQuantiles returns, for each q of qs, one value per step of r:
// the q-quantile (calc.HistogramQuantile) of the observations made in the
// step by every series of ss, the series of one histogram family summed by
// bucket (PromQL's sum by (le)). A series adds the increase of each bucket
// from its last scrape before the step to its last one in it (or its last
// two scrapes when none falls before the step), a reset counted as in
// calc.BucketDelta. A step with no fresh scrape pair, or no observation, is
// NaN.
func HistogramQuantiles(ss []*Series, r Steps, qs ...float64) [][]float64 {
	out := make([][]float64, len(qs))
	for k := range qs {
		out[k] = make([]float64, r.N)
	}
	var acc, delta []sources.Bucket
	for i := 0; i < r.N; i++ {
		t0, t1 := r.Step(i)
		acc = acc[:0]
		for _, s := range ss {
			j1 := histAt(s.Hist, t1-1)
			if j1 < 1 || s.stale(s.Hist[j1].TimeMS, t0, t1) {
				continue
			}
			j0 := histAt(s.Hist, t0-1)
			if j0 >= j1 || j0 < 0 {
				j0 = j1 - 1
			}
			delta = calc.AppendBucketDelta(delta[:0], s.Hist[j0].Buckets, s.Hist[j1].Buckets)
			acc = calc.SumBuckets(acc, delta)
		}
		observed := len(acc) > 0 && acc[len(acc)-1].Count > 0
		for k, q := range qs {
			out[k][i] = math.NaN()
			if observed {
				out[k][i] = calc.HistogramQuantile(q, acc)
			}
		}
	}
	return out
}

func histAt(h []HistPoint, ms int64) int {
	return sort.Search(len(h), func(i int) bool { return h[i].TimeMS > ms }) - 1
}

// Where returns the series of f that carry the label name with the value
// value, nil when none does. Stored label sets leave out empty values, as
// Prometheus does, so an empty value selects nothing.
func (f *Family) Where(name, value string) []*Series {
	if value == "" {
		return nil
	}
	var out []*Series
	for _, s := range f.Series {
		if v, ok := LabelValue(s.Labels, name); ok && v == value {
			out = append(out, s)
		}
	}
	return out
}

// LabelValue returns the value of the label name in the canonical label set
// ls (`a="x",b="y"`, as sources.MetricSample.Labels), unescaped.
func LabelValue(ls, name string) (string, bool) {
	for _, pair := range SplitLabels(ls) {
		n, v, ok := splitPair(pair)
		if ok && n == name {
			return v, true
		}
	}
	return "", false
}

// LabelMap returns the canonical label set ls as a map, values unescaped;
// empty, not nil, for no labels.
func LabelMap(ls string) map[string]string {
	out := map[string]string{}
	for _, pair := range SplitLabels(ls) {
		if n, v, ok := splitPair(pair); ok {
			out[n] = v
		}
	}
	return out
}

// splitPair splits one `name="value"` pair, the name possibly quoted
// (`"http.route"="/"`), and unescapes both.
func splitPair(pair string) (name, value string, ok bool) {
	eq := strings.IndexByte(pair, '=')
	if strings.HasPrefix(pair, `"`) {
		eq = quotedEnd(pair) + 1
	}
	if eq <= 0 || eq >= len(pair) || pair[eq] != '=' {
		return "", "", false
	}
	name = pair[:eq]
	if strings.HasPrefix(name, `"`) {
		var err error
		if name, err = strconv.Unquote(name); err != nil {
			return "", "", false
		}
	}
	value, err := strconv.Unquote(pair[eq+1:])
	return name, value, err == nil
}

// quotedEnd returns the index of the quote that closes the quoted string s
// starts with, -1 when it is not closed.
func quotedEnd(s string) int {
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '"':
			return i
		}
	}
	return -1
}

// SplitLabels splits a canonical label set at the commas between its
// `name="value"` pairs, which stay as written (quoted and escaped).
func SplitLabels(ls string) []string {
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

// CommonLabels returns the label pairs, as SplitLabels writes them, that
// every series of ss carries; none for fewer than two series, where there is
// nothing to tell apart.
func CommonLabels(ss []*Series) map[string]bool {
	if len(ss) < 2 {
		return map[string]bool{}
	}
	counts := map[string]int{}
	for _, s := range ss {
		for _, kv := range SplitLabels(s.Labels) {
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
