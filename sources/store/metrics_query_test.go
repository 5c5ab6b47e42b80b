package store

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/store/calc"
)

var nan = math.NaN()

// sameFloats compares value lists, NaN equal to NaN, to 1e-12 relative.
func sameFloats(got, want []float64) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		g, w := got[i], want[i]
		switch {
		case math.IsNaN(w):
			if !math.IsNaN(g) {
				return false
			}
		case math.IsNaN(g) || math.Abs(g-w) > 1e-12*math.Abs(w):
			return false
		}
	}
	return true
}

func series(typ sources.MetricType, points ...calc.Point) *Series {
	s := &Series{Name: "m", Type: typ}
	for _, p := range points {
		s.appendPoint(p.T, p.V)
	}
	return s
}

func TestSteps(t *testing.T) {
	r := Steps{FromMS: 1000, ToMS: 2000, N: 3}
	var got [][2]int64
	for i := 0; i < r.N; i++ {
		t0, t1 := r.Step(i)
		got = append(got, [2]int64{t0, t1})
	}
	if want := [][2]int64{{1000, 1333}, {1333, 1666}, {1666, 2000}}; !slices.Equal(got, want) {
		t.Errorf("steps %v, want %v", got, want)
	}
	if in := Instant(5000); in != (Steps{5000, 6000, 1}) {
		t.Errorf("Instant(5000) = %+v", in)
	}
}

func TestSeriesValues(t *testing.T) {
	// StaleAfter is 5 s: a gauge scraped last at 12 s is drawn while
	// 12 s >= step start - 5 s - step width.
	gauge := series(sources.MetricGauge, calc.Point{T: 10000, V: 1}, calc.Point{T: 11000, V: 2}, calc.Point{T: 12000, V: 3}, calc.Point{T: 30000, V: 4})
	// A counter reset between 2 s and 3 s: the new value is the increase.
	counter := series(sources.MetricCounter, calc.Point{T: 0, V: 0}, calc.Point{T: 1000, V: 10}, calc.Point{T: 2000, V: 20}, calc.Point{T: 3000, V: 5}, calc.Point{T: 4000, V: 15})
	tests := []struct {
		name string
		s    *Series
		r    Steps
		want []float64
	}{
		{"gauge: last value, then a stale gap, then the next scrape", gauge, Steps{10000, 34000, 12},
			[]float64{2, 3, 3, 3, 3, nan, nan, nan, nan, nan, 4, 4}},
		{"gauge: range before the first scrape", gauge, Steps{0, 10000, 2}, []float64{nan, nan}},
		{"untyped as a gauge", series(sources.MetricUntyped, calc.Point{T: 0, V: 7}), Steps{0, 1000, 2}, []float64{7, 7}},
		{"counter: the first step rates from the scrape before the range; a reset counts its new value", counter, Steps{1000, 5000, 4},
			[]float64{10, 10, 5, 10}},
		{"counter: one wide step sums the increases across the reset", counter, Steps{1000, 5000, 1}, []float64{35.0 / 4}},
		{"counter: steps narrower than the scrape interval rate the last two scrapes", counter, Steps{2000, 3000, 4},
			[]float64{10, 10, 10, 10}},
		{"counter: one scrape has no rate", series(sources.MetricCounter, calc.Point{T: 0, V: 3}), Steps{0, 2000, 2}, []float64{nan, nan}},
		{"counter: stale", counter, Steps{20000, 22000, 1}, []float64{nan}},
		{"summary count is a counter", series(sources.MetricSummary, calc.Point{T: 0, V: 0}, calc.Point{T: 2000, V: 8}), Steps{2000, 3000, 1}, []float64{4}},
		{"histogram count is a counter", series(sources.MetricHistogram, calc.Point{T: 0, V: 0}, calc.Point{T: 2000, V: 8}), Steps{2000, 3000, 1}, []float64{4}},
		{"no steps", counter, Steps{0, 5000, 0}, []float64{}},
		{"no points", series(sources.MetricGauge), Steps{0, 5000, 2}, []float64{nan, nan}},
		{"empty range", gauge, Steps{12000, 12000, 2}, []float64{2, 2}},
	}
	for _, tc := range tests {
		got := tc.s.Values(tc.r, nil)
		if !sameFloats(got, tc.want) {
			t.Errorf("%s: Values(%+v) = %v, want %v", tc.name, tc.r, got, tc.want)
		}
	}
}

func TestSeriesValuesReusesOut(t *testing.T) {
	s := series(sources.MetricGauge, calc.Point{T: 0, V: 1})
	out := make([]float64, 0, 8)
	got := s.Values(Steps{0, 1000, 4}, out)
	if &got[0] != &out[:1][0] {
		t.Error("Values allocated although out had room")
	}
	if n := testing.AllocsPerRun(100, func() { got = s.Values(Steps{0, 1000, 4}, got) }); n != 0 {
		t.Errorf("Values allocates %v times into a slice with room", n)
	}
}

func TestSeriesValueAt(t *testing.T) {
	gauge := series(sources.MetricGauge, calc.Point{T: 10000, V: 1}, calc.Point{T: 12000, V: 3})
	counter := series(sources.MetricCounter, calc.Point{T: 0, V: 0}, calc.Point{T: 1000, V: 10}, calc.Point{T: 2000, V: 20})
	tests := []struct {
		name string
		s    *Series
		ms   int64
		want float64
	}{
		{"gauge: the last scrape of the cursor's second", gauge, 11500, 3},
		{"gauge: before any scrape", gauge, 9000, nan},
		{"gauge: stale", gauge, 19000, nan},
		{"counter: the rate into the cursor's second", counter, 1500, 10},
	}
	for _, tc := range tests {
		got := tc.s.ValueAt(tc.ms)
		if !sameFloats([]float64{got}, []float64{tc.want}) {
			t.Errorf("%s: ValueAt(%d) = %v, want %v", tc.name, tc.ms, got, tc.want)
		}
		if all := tc.s.Values(Instant(tc.ms), nil); !sameFloats(all, []float64{got}) {
			t.Errorf("%s: ValueAt %v differs from Values over Instant %v", tc.name, got, all)
		}
	}
}

func TestSeriesRates(t *testing.T) {
	// 10/s, one scrape a second from 0 to 4 s.
	steady := series(sources.MetricCounter, calc.Point{T: 0, V: 0}, calc.Point{T: 1000, V: 10}, calc.Point{T: 2000, V: 20},
		calc.Point{T: 3000, V: 30}, calc.Point{T: 4000, V: 40})
	reset := series(sources.MetricCounter, calc.Point{T: 0, V: 0}, calc.Point{T: 1000, V: 10}, calc.Point{T: 2000, V: 20},
		calc.Point{T: 3000, V: 5}, calc.Point{T: 4000, V: 15})
	tests := []struct {
		name   string
		s      *Series
		r      Steps
		window int64
		want   []float64
	}{
		// Window (500, 3500]: scrapes 1..3 s, half a second to each edge,
		// within 1.1 intervals: extrapolated to both edges.
		{"inside: extrapolated to both edges", steady, Steps{2501, 3501, 1}, 3000, []float64{10}},
		// Window (-2500, 2500]: the counter starts at 0 inside it, so the
		// start is not extrapolated below zero: (2 + 0 + 0.5) s / 2 s.
		{"series starts inside the window: clamped at zero", steady, Steps{1501, 2501, 1}, 5000, []float64{25.0 / 5}},
		// Window (2000, 7000]: scrapes at 3 and 4 s; the end is 3 s past
		// the last scrape, beyond 1.1 intervals: half an interval.
		{"series ends inside the window: half an interval", steady, Steps{6001, 7001, 1}, 5000, []float64{10 * 2.5 / 5}},
		// Window (0, 4000]: 10, 20, 5 (reset), 15: increase 25, start
		// extrapolated 1 s, over 4 s.
		{"reset", reset, Steps{3001, 4001, 1}, 4000, []float64{25 * 4.0 / 3 / 4}},
		// The first steps' windows reach back before the range.
		{"range edges read before the range", steady, Steps{1001, 4001, 3}, 2000, []float64{10, 10, 10}},
		{"fewer than two scrapes in the window", steady, Steps{9001, 10001, 1}, 3000, []float64{nan}},
		{"gauge: per-second change, no resets", series(sources.MetricGauge, calc.Point{T: 1000, V: 10}, calc.Point{T: 2000, V: 4}),
			Steps{1001, 2001, 1}, 2000, []float64{-6}},
		{"no steps", steady, Steps{0, 4000, 0}, 1000, []float64{}},
	}
	for _, tc := range tests {
		got := tc.s.Rates(tc.r, tc.window, nil)
		if !sameFloats(got, tc.want) {
			t.Errorf("%s: Rates(%+v, %d) = %v, want %v", tc.name, tc.r, tc.window, got, tc.want)
		}
	}
}

// le parses bucket bounds as the scraper does, so that "1" and "1.0" are
// one number.
func le(pairs ...any) []sources.Bucket {
	var out []sources.Bucket
	for i := 0; i+1 < len(pairs); i += 2 {
		ub, err := strconv.ParseFloat(pairs[i].(string), 64)
		if err != nil {
			panic(err)
		}
		out = append(out, sources.Bucket{UpperBound: ub, Count: float64(pairs[i+1].(int))})
	}
	return out
}

// histogramStore scrapes one histogram family with two series, one written
// with le="1" and one with le="1.0", at 0, 1 and 2 s after base; series a
// resets between 1 and 2 s.
func histogramStore() *Store {
	st := New([]sources.Info{{Name: "http://x/metrics", Kind: sources.KindScrape}})
	a := [][]sources.Bucket{le("0.5", 0, "1", 0, "+Inf", 0), le("0.5", 2, "1", 4, "+Inf", 4), le("0.5", 1, "1", 1, "+Inf", 2)}
	b := [][]sources.Bucket{le("0.5", 0, "1.0", 0, "+Inf", 0), le("0.5", 0, "1.0", 2, "+Inf", 4), le("0.5", 0, "1.0", 2, "+Inf", 4)}
	for i := range a {
		st.Apply(sources.Batch{Source: 0, Scrapes: []sources.Scrape{{Time: time.UnixMilli(base + int64(i)*1000), Up: true, Samples: []sources.MetricSample{
			{Name: "h", Labels: `uri="/a"`, Type: sources.MetricHistogram, Value: a[i][2].Count, Buckets: a[i]},
			{Name: "h", Labels: `uri="/b"`, Type: sources.MetricHistogram, Value: b[i][2].Count, Buckets: b[i]},
		}}}})
	}
	return st
}

func TestHistogramQuantiles(t *testing.T) {
	st := histogramStore()
	both := st.Metrics.Family("h").Series
	onlyB := st.Metrics.Family("h").Where("uri", "/b")
	tests := []struct {
		name     string
		ss       []*Series
		r        Steps
		p50, p99 []float64
	}{
		// Step 1: a adds 2, 4, 4 and b 0, 2, 4: le 0.5: 2, le 1: 6, +Inf: 8.
		// p50's rank 4 falls in (0.5, 1]: 0.5 + 0.5 * 2/4. p99's falls in
		// +Inf: the highest finite bound. Step 2: a was reset, its counts
		// are the increase: 1, 1, 2; b did not move.
		{"le 1 and 1.0 summed; a reset", both, Steps{base + 1000, base + 3000, 2}, []float64{0.75, 0.5}, []float64{1, 1}},
		{"no observations", onlyB, Steps{base + 2000, base + 3000, 1}, []float64{nan}, []float64{nan}},
		{"one scrape is no increase", both, Steps{base - 1000, base + 1, 1}, []float64{nan}, []float64{nan}},
		{"stale", both, Steps{base + 20000, base + 21000, 1}, []float64{nan}, []float64{nan}},
		{"no series", nil, Steps{base, base + 3000, 3}, []float64{nan, nan, nan}, []float64{nan, nan, nan}},
		{"no steps", both, Steps{base, base + 3000, 0}, []float64{}, []float64{}},
	}
	for _, tc := range tests {
		got := HistogramQuantiles(tc.ss, tc.r, 0.5, 0.99)
		if len(got) != 2 || !sameFloats(got[0], tc.p50) || !sameFloats(got[1], tc.p99) {
			t.Errorf("%s: p50, p99 = %v, want %v and %v", tc.name, got, tc.p50, tc.p99)
		}
	}
}

func TestLabelQueries(t *testing.T) {
	labels := `"http.route"="/x",method="GET",uri="/a \"b\"\\c"`
	if got := SplitLabels(labels); fmt.Sprint(got) != fmt.Sprint([]string{`"http.route"="/x"`, `method="GET"`, `uri="/a \"b\"\\c"`}) {
		t.Errorf("SplitLabels = %q", got)
	}
	if got := SplitLabels(`a="x,y"`); len(got) != 1 {
		t.Errorf("a comma inside a value splits it: %q", got)
	}
	if got := SplitLabels(""); len(got) != 0 {
		t.Errorf("SplitLabels of no labels = %q", got)
	}
	for _, tc := range []struct {
		name, want string
		ok         bool
	}{
		{"method", "GET", true},
		{"http.route", "/x", true},
		{"uri", `/a "b"\c`, true},
		{"status", "", false},
	} {
		if v, ok := LabelValue(labels, tc.name); v != tc.want || ok != tc.ok {
			t.Errorf("LabelValue(%s) = %q, %v; want %q, %v", tc.name, v, ok, tc.want, tc.ok)
		}
	}

	st := histogramStore()
	fam := st.Metrics.Family("h")
	if got := fam.Where("uri", "/b"); len(got) != 1 || got[0].Labels != `uri="/b"` {
		t.Errorf("Where(uri, /b) = %v", got)
	}
	if got := fam.Where("uri", "/c"); got != nil {
		t.Errorf("Where(uri, /c) = %v, want none", got)
	}
	if got := fam.Where("uri", ""); got != nil {
		t.Errorf("an empty value selects %v, want none", got)
	}

	ss := []*Series{{Labels: `a="1",b="2"`}, {Labels: `a="1",b="3"`}, {Labels: `a="1"`}}
	if got := CommonLabels(ss); len(got) != 1 || !got[`a="1"`] {
		t.Errorf("CommonLabels = %v, want a=1 alone", got)
	}
	if got := CommonLabels(ss[:1]); len(got) != 0 {
		t.Errorf("CommonLabels of one series = %v, want none", got)
	}
}

// TestSeriesKeepTimeOrder: a second answer holding a series already held
// over the same range (a query added from the dashboard) keeps its points
// in time order, the first answer's values kept, and a new series of the
// same source takes the whole range; the query of the first answer stays.
func TestSeriesKeepTimeOrder(t *testing.T) {
	st := New([]sources.Info{{Name: "http://prom", Kind: sources.KindPrometheus}})
	at := func(sec int) time.Time { return time.Unix(1_700_000_000+int64(sec), 0) }
	smp := func(name, q string, v float64) sources.MetricSample {
		return sources.MetricSample{Name: name, Type: sources.MetricGauge, Value: v, Query: q}
	}
	for sec := 0; sec <= 30; sec += 15 {
		st.Apply(sources.Batch{Scrapes: []sources.Scrape{{Time: at(sec), Up: true, Samples: []sources.MetricSample{smp("up", "up", 1)}}}})
	}
	// The added query's answer, from the range's start.
	for sec := 0; sec <= 30; sec += 15 {
		st.Apply(sources.Batch{Scrapes: []sources.Scrape{{Time: at(sec), Up: true, Samples: []sources.MetricSample{smp("up", "up or x", 9), smp("x", "up or x", float64(sec))}}}})
	}
	up := st.Metrics.Family("up").Series[0]
	var got []string
	for _, p := range up.Points(nil) {
		got = append(got, fmt.Sprintf("%d=%g", p.T/1000-1_700_000_000, p.V))
	}
	if fmt.Sprint(got) != "[0=1 15=1 30=1]" || up.Query != "up" {
		t.Errorf("up: %v (query %q), want its three first points in order, query up", got, up.Query)
	}
	if x := st.Metrics.Family("x").Series[0]; x.Len() != 3 || x.Query != "up or x" {
		t.Errorf("x: %v %q, want the whole range of the added query", x.Points(nil), x.Query)
	}
}

// TestStalenessFollowsTheSpacing: a series asked of a server at a 15 s
// step holds each value until the next step (and half a step more), while
// a series scraped every second still goes stale after StaleAfter.
func TestStalenessFollowsTheSpacing(t *testing.T) {
	base := time.Unix(1_700_000_000, 0)
	cases := []struct {
		every time.Duration
		after time.Duration // past the last point
		gap   bool
	}{
		{15 * time.Second, 10 * time.Second, false},
		{15 * time.Second, 22 * time.Second, false},
		{15 * time.Second, 24 * time.Second, true},
		{time.Second, 4 * time.Second, false},
		{time.Second, 7 * time.Second, true},
	}
	for _, c := range cases {
		st := New([]sources.Info{{Name: "m", Kind: sources.KindPrometheus}})
		var last time.Time
		for i := range 5 {
			last = base.Add(time.Duration(i) * c.every)
			st.Apply(sources.Batch{Scrapes: []sources.Scrape{{Time: last, Up: true, Samples: []sources.MetricSample{
				{Name: "g", Type: sources.MetricGauge, Value: 7}, {Name: "c_total", Type: sources.MetricCounter, Value: float64(i * 30)}}}}})
		}
		at := last.Add(c.after).UnixMilli()
		g := st.Metrics.Family("g").Series[0].ValueAt(at)
		r := st.Metrics.Family("c_total").Series[0].ValueAt(at)
		if math.IsNaN(g) != c.gap || math.IsNaN(r) != c.gap {
			t.Errorf("every %v, %v after the last point: gauge %v, rate %v; want a gap: %v", c.every, c.after, g, r, c.gap)
		}
	}
}
