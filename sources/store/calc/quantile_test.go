package calc

import (
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"testing"

	"github.com/sobang/sobang/sources"
)

var inf = math.Inf(+1)

// bk builds buckets from upper bound, count pairs.
func bk(pairs ...float64) []sources.Bucket {
	out := make([]sources.Bucket, 0, len(pairs)/2)
	for i := 0; i+1 < len(pairs); i += 2 {
		out = append(out, sources.Bucket{UpperBound: pairs[i], Count: pairs[i+1]})
	}
	return out
}

// TestHistogramQuantileForcedMonotonicity is prometheus/prometheus
// promql/quantile_test.go TestBucketQuantile_ForcedMonotonicity (real
// examples with float noise and non-monotonic counts), same tolerance.
func TestHistogramQuantileForcedMonotonicity(t *testing.T) {
	real1 := bk(1, 6454661.3014166197, 5, 8339611.2001912938, 10, 14118319.2444762159, 25, 14130031.5272856522,
		50, 46001270.3030008152, 64, 46008473.8585563600, 80, 46008473.8585563600, 100, 46008473.8585563600,
		250, 46008473.8585563600, 1000, 46008473.8585563600, inf, 46008473.8585563600)
	real1NonMono := bk(1, 6454661.3014166225, 5, 8339611.2001912957, 10, 14118319.2444762159, 25, 14130031.5272856504,
		50, 46001270.3030008227, 64, 46008473.8585563824, 80, 46008473.8585563898, 100, 46008473.8585563824,
		250, 46008473.8585563824, 1000, 46008473.8585563898, inf, 46008473.8585563824)
	real2 := bk(0.005, 9.6, 0.01, 9.688888889, 0.025, 9.755555556, 0.05, 9.844444444, 0.1, 9.888888889,
		0.25, 9.888888889, 0.5, 9.888888889, 1, 9.888888889, 2.5, 9.888888889, 5, 9.888888889,
		10, 9.888888889, 25, 9.888888889, 50, 9.888888889, 100, 9.888888889, inf, 9.888888889)
	real2NonMono := bk(0.005, 9.6, 0.01, 9.688888889, 0.025, 9.755555556, 0.05, 9.844444444, 0.1, 9.888888889,
		0.25, 9.888888889, 0.5, 9.888888889, 1, 9.888888889, 2.5, 9.888888889, 5, 9.888888889,
		10, 9.888888889001, 25, 9.888888889, 50, 9.888888888999, 100, 9.888888889, inf, 9.888888889)
	tests := []struct {
		name    string
		buckets []sources.Bucket
		want    map[float64]float64
	}{
		{"simple - monotonic", bk(10, 10, 15, 15, 20, 15, 30, 15, inf, 15),
			map[float64]float64{1: 15, 0.99: 14.85, 0.9: 13.5, 0.5: 7.5}},
		{"simple - non-monotonic middle", bk(10, 10, 15, 15, 20, 15.00000000001, 30, 15, inf, 15),
			map[float64]float64{1: 15, 0.99: 14.85, 0.9: 13.5, 0.5: 7.5}},
		{"real example - monotonic", real1,
			map[float64]float64{1: 64, 0.99: 49.64475715376406, 0.9: 46.39671690938454, 0.5: 31.96098248992002}},
		{"real example - non-monotonic", real1NonMono,
			map[float64]float64{1: 64, 0.99: 49.64475715376406, 0.9: 46.39671690938454, 0.5: 31.96098248992002}},
		{"real example 2 - monotonic", real2,
			map[float64]float64{1: 0.1, 0.99: 0.03468750000281261, 0.9: 0.00463541666671875, 0.5: 0.0025752314815104174}},
		{"real example 2 - non-monotonic", real2NonMono,
			map[float64]float64{1: 0.1, 0.99: 0.03468750000281261, 0.9: 0.00463541666671875, 0.5: 0.0025752314815104174}},
	}
	for _, tc := range tests {
		for q, want := range tc.want {
			if got := HistogramQuantile(q, tc.buckets); !closeTo(got, want, 1e-12) {
				t.Errorf("%s: q=%v: got %.17g, want %.17g", tc.name, q, got, want)
			}
		}
	}
}

// TestHistogramQuantilePromQL replays the classic-histogram cases of
// prometheus/prometheus promql/promqltest/testdata/histograms.test. Its
// series grow linearly (0+5x10 and so on), so the bucket values at 50m, and
// their rates, are ten times the per-step increments used here; the quantile
// does not depend on that scale. Expected values are copied as written there
// (some with 10-16 digits), hence the 1e-9 tolerance.
func TestHistogramQuantilePromQL(t *testing.T) {
	positive := bk(0.1, 50, .2, 70, 1e0, 110, inf, 120)
	negative := bk(-.2, 10, -0.1, 20, 0.3, 20, inf, 30)
	h2 := bk(0, 0, 2, 1, 4, 2, 6, 3, inf, 3)
	h3pos := bk(0, 0, 0.1, 50, .2, 70, 1e0, 110, inf, 110)
	h3neg := bk(-.25, 0, -.2, 10, -0.1, 20, 0.3, 20, inf, 20)
	nonmonotonic := bk(0.1, 20, 1, 10, 10, 50, 100, 40, 1000, 90, inf, 80)
	// request_duration_seconds_bucket per job/instance: le 0.1, 0.2, +Inf.
	j1i1 := bk(0.1, 1, 0.2, 3, inf, 4)
	j1i2 := bk(0.1, 2, 0.2, 5, inf, 6)
	j2i1 := bk(0.1, 3, 0.2, 4, inf, 6)
	j2i2 := bk(0.1, 4, 0.2, 7, inf, 9)
	sum := func(hs ...[]sources.Bucket) []sources.Bucket {
		var out []sources.Bucket
		for _, h := range hs {
			out = append(out, h...) // equal upper bounds are coalesced
		}
		return out
	}
	tests := []struct {
		name    string
		q       float64
		buckets []sources.Bucket
		want    float64
	}{
		{"too low", -0.1, positive, math.Inf(-1)},
		{"too high", 1.01, positive, math.Inf(+1)},
		{"NaN", math.NaN(), positive, math.NaN()},
		{"lowest bucket positive", 0, positive, 0},
		{"lowest bucket negative", 0, negative, -0.2},
		{"highest bucket positive", 1, positive, 1},
		{"highest bucket negative", 1, negative, 0.3},
		{"0.2 positive", 0.2, positive, 0.048},
		{"0.2 negative", 0.2, negative, -0.2},
		{"0.5 positive", 0.5, positive, 0.15},
		{"0.5 negative", 0.5, negative, -0.15},
		{"0.8 positive", 0.8, positive, 0.72},
		{"0.8 negative", 0.8, negative, 0.3},
		{"middle of bucket 1/6", 1. / 6., h2, 1},
		{"middle of bucket 1/2", 0.5, h2, 3},
		{"middle of bucket 5/6", 5. / 6., h2, 5},
		{"h3 0 positive", 0, h3pos, 0},
		{"h3 0 negative", 0, h3neg, -0.25},
		{"h3 0.25 positive", 0.25, h3pos, 0.055},
		{"h3 0.25 negative", 0.25, h3neg, -0.225},
		{"h3 0.5 positive", 0.5, h3pos, 0.125},
		{"h3 0.5 negative", 0.5, h3neg, -0.2},
		{"h3 0.75 positive", 0.75, h3pos, 0.45},
		{"h3 0.75 negative", 0.75, h3neg, -0.15},
		{"h3 1 positive", 1, h3pos, 1},
		{"h3 1 negative", 1, h3neg, -0.1},
		{"sum by le 0.3", 0.3, sum(j1i1, j1i2, j2i1, j2i2), 0.075},
		{"sum by le 0.5", 0.5, sum(j1i1, j1i2, j2i1, j2i2), 0.1277777777777778},
		{"job1 0.3", 0.3, sum(j1i1, j1i2), 0.1},
		{"job2 0.3", 0.3, sum(j2i1, j2i2), 0.0642857142857143},
		{"job1 0.5", 0.5, sum(j1i1, j1i2), 0.14},
		{"job2 0.5", 0.5, sum(j2i1, j2i2), 0.1125},
		{"j1i1 0.3", 0.3, j1i1, 0.11},
		{"j1i2 0.3", 0.3, j1i2, 0.09},
		{"j2i1 0.3", 0.3, j2i1, 0.06},
		{"j2i2 0.3", 0.3, j2i2, 0.0675},
		{"j1i1 0.5", 0.5, j1i1, 0.15},
		{"j1i2 0.5", 0.5, j1i2, 0.13333333333333333},
		{"j2i1 0.5", 0.5, j2i1, 0.1},
		{"j2i2 0.5", 0.5, j2i2, 0.11666666666666667},
		{"nonmonotonic 0.01", 0.01, nonmonotonic, 0.0045},
		{"nonmonotonic 0.5", 0.5, nonmonotonic, 8.5},
		{"nonmonotonic 0.99", 0.99, nonmonotonic, 979.75},
		{"mixed le 0.5", 0.5, bkLE("0.1", 10, "0.2", 10, "2e-1", 10, "2.0e-1", 10, "+Inf", 40), 0.15},
		{"mixed le 0.75", 0.75, bkLE("0.1", 10, "0.2", 10, "2e-1", 10, "2.0e-1", 10, "+Inf", 40), 0.2},
		{"mixed le 1", 1, bkLE("0.1", 10, "0.2", 10, "2e-1", 10, "2.0e-1", 10, "+Inf", 40), 0.2},
		{"mixed le no observations", 0.5, bkLE("+inf", 0, "+Inf", 0), math.NaN()},
		{"empty buckets", 0.2, bk(0.1, 0, 0.2, 0, inf, 0), math.NaN()},
		{"constant histogram rate", 1, bk(0, 0, 1, 0, 2, 0, inf, 0), math.NaN()},
		// Not from Prometheus' files: the other special cases of BucketQuantile.
		{"no +Inf bucket", 0.5, bk(0.1, 1, 0.2, 2), math.NaN()},
		{"only +Inf", 0.5, bk(inf, 5), math.NaN()},
		{"no buckets", 0.5, nil, math.NaN()},
		{"in +Inf bucket", 0.99, bk(0.1, 1, 0.2, 2, inf, 10), 0.2},
		{"unsorted input", 0.5, bk(inf, 120, 1, 110, 0.1, 50, 0.2, 70), 0.15},
		{`le="1" and le="1.0" coalesce`, 0.5, bkLE("0.5", 2, "1", 3, "1.0", 3, "+Inf", 10), 0.875}, // one (0.5,1] bucket of 6-2=4; rank 5 lies 3/4 into it
	}
	for _, tc := range tests {
		input := append([]sources.Bucket(nil), tc.buckets...)
		if got := HistogramQuantile(tc.q, tc.buckets); !closeTo(got, tc.want, 1e-9) {
			t.Errorf("%s: got %.17g, want %.17g", tc.name, got, tc.want)
		}
		for i := range input {
			if input[i] != tc.buckets[i] {
				t.Fatalf("%s: HistogramQuantile modified its input: %v became %v", tc.name, input, tc.buckets)
			}
		}
	}
}

// bkLE builds buckets from le strings as they appear in an exposition, parsed
// the way the scraper and Prometheus parse them.
func bkLE(pairs ...any) []sources.Bucket {
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

func TestBucketDelta(t *testing.T) {
	tests := []struct {
		name      string
		prev, cur []sources.Bucket
		want      []sources.Bucket
	}{
		{"growth", bk(0.1, 1, 1, 3, inf, 4), bk(0.1, 3, 1, 7, inf, 10), bk(0.1, 2, 1, 4, inf, 6)},
		{"no change", bk(0.1, 1, inf, 4), bk(0.1, 1, inf, 4), bk(0.1, 0, inf, 0)},
		{"reset", bk(0.1, 10, 1, 30, inf, 40), bk(0.1, 1, 1, 2, inf, 5), bk(0.1, 1, 1, 2, inf, 5)},
		{"one bucket reset", bk(0.1, 10, inf, 40), bk(0.1, 3, inf, 45), bk(0.1, 3, inf, 5)},
		{"new bucket left out", bk(0.1, 1, inf, 4), bk(0.1, 2, 0.5, 3, inf, 6), bk(0.1, 1, inf, 2)},
		{"bucket gone", bk(0.1, 1, 0.5, 2, inf, 4), bk(0.1, 2, inf, 6), bk(0.1, 1, inf, 2)},
		{"no prev", nil, bk(0.1, 2, inf, 6), bk()},
	}
	for _, tc := range tests {
		got := BucketDelta(tc.prev, tc.cur)
		if fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("%s: BucketDelta(%v, %v) = %v, want %v", tc.name, tc.prev, tc.cur, got, tc.want)
		}
	}
}

func TestSumBuckets(t *testing.T) {
	tests := []struct {
		name    string
		acc, b  []sources.Bucket
		want    []sources.Bucket
		inPlace bool
	}{
		{"into nothing", nil, bk(0.1, 1, inf, 2), bk(0.1, 1, inf, 2), false},
		{"same layout", bk(0.1, 1, 1, 3, inf, 4), bk(0.1, 2, 1, 2, inf, 5), bk(0.1, 3, 1, 5, inf, 9), true},
		{"other layouts", bk(0.1, 1, inf, 4), bk(0.5, 2, inf, 3), bk(0.1, 1, 0.5, 2, inf, 7), false},
		{"one more bucket", bk(0.1, 1, 1, 3, inf, 4), bk(1, 2, inf, 3), bk(0.1, 1, 1, 5, inf, 7), false},
		{"nothing added", bk(0.1, 1, inf, 4), nil, bk(0.1, 1, inf, 4), false},
	}
	for _, tc := range tests {
		acc := slices.Clone(tc.acc)
		got := SumBuckets(acc, tc.b)
		if fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("%s: SumBuckets(%v, %v) = %v, want %v", tc.name, tc.acc, tc.b, got, tc.want)
		}
		if tc.inPlace && &got[0] != &acc[0] {
			t.Errorf("%s: one layout must be summed in place", tc.name)
		}
	}
	// le="1" of one series and le="1.0" of another parse to one bound.
	got := SumBuckets(bkLE("1", 2, "+Inf", 3), bkLE("1.0", 5, "+Inf", 5))
	if q := HistogramQuantile(0.5, got); q != 0.5714285714285714 {
		t.Errorf("p50 of le=1 and le=1.0 summed = %v, want 4/7", q)
	}
}

func TestAppendBucketDeltaReusesDst(t *testing.T) {
	dst := make([]sources.Bucket, 0, 8)
	got := AppendBucketDelta(dst, bk(0.1, 1, inf, 4), bk(0.1, 3, inf, 10))
	if fmt.Sprint(got) != fmt.Sprint(bk(0.1, 2, inf, 6)) || &got[:1][0] != &dst[:1][0] {
		t.Errorf("AppendBucketDelta = %v, want the deltas in dst", got)
	}
}

// TestHistogramQuantileAgainstPrometheus recomputes
// histogram_quantile(0.99, sum by (le, method) (rate(demo_http_request_duration_seconds_bucket[30s])))
// for method="POST" from the raw cumulative bucket series the same
// Prometheus 2.42 returned (corpus promapi/run2_*), and compares all 45 steps.
// The raw series mix le="1.0" (OpenMetrics formatting) with le="+Inf".
//
// As in TestRateAgainstPrometheus the raw values carry step times. For most
// windows the scrape phase cancels out (every bucket gets the same
// extrapolation factor), but right after the target's restart each bucket is
// clamped at its own zero point and the result depends on it. Only one phase
// reproduces all 45 values: scrapes 4.386 s before the step shown, i.e. at
// ...1.614 s and ...6.614 s, the same phase (to 1 ms) as run 1's ...x.615 s
// scrapes of the same target. It was found by trying every millisecond of the
// 5 s interval once; it is a constant here. Rates use the 2.42 order of
// zero clamp and threshold (see TestRateAgainstPrometheus).
func TestHistogramQuantileAgainstPrometheus(t *testing.T) {
	dir := filepath.Join(corpusDir(t), "promapi")
	raw := promSeries(t, filepath.Join(dir, "run2_query_range_classic_buckets_raw.json"))
	quantiles := promMatrix(t, filepath.Join(dir, "run2_query_range_classic_histogram_quantile.json"))
	want := quantiles[`{method="POST"}`]
	if len(want) != 45 {
		t.Fatalf("got %d POST quantile values, want 45", len(want))
	}
	const scrapeBeforeStep = 4386
	type leSeries struct {
		le     float64
		points []Point
	}
	var series []leSeries
	sawOneDotZero := false
	for _, stream := range raw {
		pts := stream.points
		leText := string(stream.metric["le"])
		sawOneDotZero = sawOneDotZero || leText == "1.0"
		le, err := strconv.ParseFloat(leText, 64)
		if err != nil {
			t.Fatal(err)
		}
		for i := range pts {
			pts[i].T -= scrapeBeforeStep
		}
		series = append(series, leSeries{le, pts})
	}
	if len(series) != 10 || !sawOneDotZero {
		t.Fatalf("got %d bucket series (le=\"1.0\" among them: %v), want 10 including le=\"1.0\"", len(series), sawOneDotZero)
	}
	sort.Slice(series, func(i, j int) bool { return series[i].le < series[j].le })
	for _, w := range want {
		var buckets []sources.Bucket
		for _, s := range series {
			if r, ok := extrapolatedRate(s.points, w.T-30_000, w.T, true, true, true); ok {
				buckets = append(buckets, sources.Bucket{UpperBound: s.le, Count: r})
			}
		}
		if got := HistogramQuantile(0.99, buckets); !closeTo(got, w.V, 1e-9) {
			t.Errorf("at %d: got %.17g, Prometheus %.17g", w.T, got, w.V)
		}
	}
}
