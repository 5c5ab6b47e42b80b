package calc

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/prometheus/common/model"
)

const minute = int64(60_000)

// load expands a promqltest "load <step>" line: values at 0, step, 2*step...
// (nil-free: every value is present).
func load(stepMS int64, values ...float64) []Point {
	points := make([]Point, len(values))
	for i, v := range values {
		points[i] = Point{T: int64(i) * stepMS, V: v}
	}
	return points
}

// seq expands promqltest's "a+bxN" notation: a, a+b, ..., a+N*b.
func seq(a, b float64, n int) []float64 {
	out := make([]float64, n+1)
	for i := range out {
		out[i] = a + float64(i)*b
	}
	return out
}

func closeTo(got, want, rel float64) bool {
	if math.IsNaN(want) {
		return math.IsNaN(got)
	}
	if math.IsInf(want, 0) || want == 0 {
		return got == want
	}
	return math.Abs(got-want) <= rel*math.Abs(want)
}

// TestExtrapolatedRatePromQL replays the rate/increase/delta cases of
// prometheus/prometheus promql/promqltest/testdata/functions.test (Prometheus 3
// semantics: left-open windows). "at T [R] offset O" becomes the window
// (T-O-R, T-O].
func TestExtrapolatedRatePromQL(t *testing.T) {
	barValues := append(seq(0, 18, 5), seq(0, 18, 5)...)
	resetMiddle := append(seq(0, 27, 4), seq(0, 27, 5)...)
	resetEnd := append(seq(0, 10, 9), 0, 10)
	tests := []struct {
		name      string
		points    []Point
		at, rng   int64 // evaluation time and range, ms
		counter   bool
		rate      bool
		want      float64
		wantEmpty bool
	}{
		// increase(http_requests_total[50m]) at 50m
		{"increase foo 50m", load(5*minute, seq(0, 10, 10)...), 50 * minute, 50 * minute, true, false, 100, false},
		{"increase bar 50m", load(5*minute, barValues...), 50 * minute, 50 * minute, true, false, 160, false},
		{"increase dings 50m", load(5*minute, seq(10, 10, 10)...), 50 * minute, 50 * minute, true, false, 100, false},
		{"increase bumms 50m", load(5*minute, seq(1, 10, 10)...), 50 * minute, 50 * minute, true, false, 100, false},
		// increase(http_requests_total[100m]) at 50m: extrapolation limited
		// by the counter's zero point or by half an interval.
		{"increase foo 100m", load(5*minute, seq(0, 10, 10)...), 50 * minute, 100 * minute, true, false, 100, false},
		{"increase bar 100m", load(5*minute, barValues...), 50 * minute, 100 * minute, true, false, 162, false},
		{"increase dings 100m", load(5*minute, seq(10, 10, 10)...), 50 * minute, 100 * minute, true, false, 105, false},
		{"increase bumms 100m", load(5*minute, seq(1, 10, 10)...), 50 * minute, 100 * minute, true, false, 101, false},
		// 0 1 2 3 2 3 4: the drop 3 -> 2 is a reset, read as 3 0 1 2.
		{"increase with reset", load(5*minute, 0, 1, 2, 3, 2, 3, 4), 30 * minute, 30 * minute, true, false, 7, false},
		{"rate reset in the middle", load(5*minute, resetMiddle...), 50 * minute, 50 * minute, true, true, 0.08, false},
		{"rate one sample", load(5*minute, resetEnd...), 50 * minute, 5 * minute, true, true, 0, true},
		{"rate reset at the end", load(5*minute, resetEnd...), 50 * minute, 6 * minute, true, true, 0, false},
		{"rate window", load(5*minute, seq(0, 80, 10)...), 50 * minute, 50 * minute, true, true, 0.26666666666666666, false},
		{"rate offset a", load(5*minute, seq(0, 10, 10)...), 45 * minute, 10 * minute, true, true, 0.03333333333333333, false},
		{"rate offset b", load(5*minute, seq(0, 20, 10)...), 45 * minute, 10 * minute, true, true, 0.06666666666666667, false},
		// Zero cutoff for left-side extrapolation happens until half a
		// sampling interval (2m); beyond it only half an interval.
		{"zero cutoff 0m", load(4*minute, seq(0, 240, 10)...), 10 * minute, 20 * minute, true, true, 0.5, false},
		{"zero cutoff 1m", load(4*minute, seq(60, 240, 10)...), 10 * minute, 20 * minute, true, true, 0.55, false},
		{"zero cutoff 2m", load(4*minute, seq(120, 240, 10)...), 10 * minute, 20 * minute, true, true, 0.6, false},
		{"zero cutoff 3m", load(4*minute, seq(180, 240, 10)...), 10 * minute, 20 * minute, true, true, 0.6, false},
		{"zero cutoff 4m", load(4*minute, seq(240, 240, 10)...), 10 * minute, 20 * minute, true, true, 0.6, false},
		{"zero cutoff 5m", load(4*minute, seq(300, 240, 10)...), 10 * minute, 20 * minute, true, true, 0.6, false},
		{"half interval 0m", load(4*minute, seq(0, 240, 10)...), 50 * minute, 20 * minute, true, true, 0.6, false},
		{"half interval 5m", load(4*minute, seq(300, 240, 10)...), 50 * minute, 20 * minute, true, true, 0.6, false},
		// delta(http_requests[20m]) at 20m: a gauge, no reset handling.
		{"delta up", load(5*minute, 0, 50, 100, 150, 200), 20 * minute, 20 * minute, false, false, 200, false},
		{"delta down", load(5*minute, 200, 150, 100, 50, 0), 20 * minute, 20 * minute, false, false, -200, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fn := Increase
			if tc.rate {
				fn = Rate
			}
			got, ok := fn(tc.points, tc.at-tc.rng, tc.at, tc.counter)
			if tc.wantEmpty {
				if ok {
					t.Fatalf("got %v, want no value (fewer than two samples)", got)
				}
				return
			}
			if !ok {
				t.Fatalf("got no value, want %v", tc.want)
			}
			if !closeTo(got, tc.want, 1e-12) {
				t.Fatalf("got %.17g, want %.17g", got, tc.want)
			}
		})
	}
}

func TestRateEdgeCases(t *testing.T) {
	if _, ok := Rate(nil, 0, 1000, true); ok {
		t.Error("Rate of no points has a value")
	}
	same := []Point{{T: 1000, V: 1}, {T: 1000, V: 2}}
	if v, ok := Rate(same, 0, 2000, true); ok {
		t.Errorf("Rate of two points with one timestamp = %v, want no value", v)
	}
	// The window is left-open: a sample on its start is outside.
	pts := []Point{{T: 0, V: 0}, {T: 1000, V: 10}, {T: 2000, V: 20}}
	if v, ok := Increase(pts, 0, 2000, true); !ok || v != 20 {
		t.Errorf("Increase over (0,2000] = %v, %v; want 20 from the samples at 1000 and 2000", v, ok)
	}
}

func TestRateBetween(t *testing.T) {
	tests := []struct {
		name   string
		points []Point
		want   float64
	}{
		{"pair", []Point{{0, 10}, {1000, 15}}, 5},
		{"flat", []Point{{0, 10}, {2000, 10}}, 0},
		{"half a second", []Point{{0, 10}, {500, 12}}, 4},
		{"reset", []Point{{0, 100}, {1000, 7}}, 7}, // restarted from 0
		{"one instant", []Point{{1000, 1}, {1000, 2}}, math.NaN()},
		{"backwards", []Point{{2000, 1}, {1000, 2}}, math.NaN()},
		{"several", []Point{{0, 0}, {1000, 4}, {2000, 10}, {4000, 12}}, 3},
		{"reset inside", []Point{{0, 10}, {1000, 20}, {2000, 5}, {3000, 9}}, 19.0 / 3}, // 10, then 5 since the reset, then 4
		{"one point", []Point{{0, 1}}, math.NaN()},
		{"none", nil, math.NaN()},
	}
	for _, tc := range tests {
		if got := RateBetween(tc.points); !closeTo(got, tc.want, 1e-15) {
			t.Errorf("%s: RateBetween(%v) = %v, want %v", tc.name, tc.points, got, tc.want)
		}
	}
}

// promStream is one series of a query_range response.
type promStream struct {
	metric model.Metric
	points []Point
}

// promSeries reads a query_range response body from the corpus.
func promSeries(t *testing.T, path string) []promStream {
	t.Helper()
	body, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var resp struct {
		Status string
		Data   struct {
			ResultType string
			Result     model.Matrix
		}
	}
	if err := json.Unmarshal(body, &resp); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if resp.Status != "success" || resp.Data.ResultType != "matrix" {
		t.Fatalf("%s: status %q, resultType %q; want success, matrix", path, resp.Status, resp.Data.ResultType)
	}
	var out []promStream
	for _, stream := range resp.Data.Result {
		s := promStream{metric: stream.Metric}
		for _, p := range stream.Values {
			s.points = append(s.points, Point{T: int64(p.Timestamp), V: float64(p.Value)})
		}
		out = append(out, s)
	}
	return out
}

// promMatrix is promSeries keyed by each series' labels without its name.
func promMatrix(t *testing.T, path string) map[string][]Point {
	t.Helper()
	out := make(map[string][]Point)
	for _, s := range promSeries(t, path) {
		m := s.metric.Clone()
		delete(m, model.MetricNameLabel)
		out[m.String()] = s.points
	}
	return out
}

// TestRateAgainstPrometheus recomputes rate(demo_http_requests_total[30s])
// from the raw counter that the same Prometheus (2.42, corpus promapi/)
// returned for the same window, and compares every step with its answer.
//
// The raw counter was fetched with query_range at step 5s, which stamps each
// value with the step time, not the scrape time. The scrape times are
// recovered from query_instant_matrix_selector.json, which holds the real
// timestamps of the last six scrapes: each scrape happened 1.385 s before the
// step that shows it. Two scrapes came a few milliseconds late (Prometheus
// 2.42 aligns timestamps only within 2 ms); they were found from the only
// windows whose result depends on them (the windows where they are the
// first or last sample: steps +0 s and +25 s): the scrape shown at
// ...293 s came 7 ms late, the one at ...423 s 4 ms late.
//
// Prometheus 2.42 applied a counter's zero point before the extrapolation
// threshold; Prometheus >= 2.51 (PR #13725) applies it after, which is what
// Rate does. So the 2.42 numbers are reproduced with the old order to 1e-9
// at every step, and Rate itself must differ exactly where a 503 series
// starts inside the window, and only there.
func TestRateAgainstPrometheus(t *testing.T) {
	dir := filepath.Join(corpusDir(t), "promapi")
	counters := promMatrix(t, filepath.Join(dir, "query_range_counter_with_reset.json"))
	rates := promMatrix(t, filepath.Join(dir, "query_range_rate.json"))
	raw := promMatrix(t, filepath.Join(dir, "query_instant_matrix_selector.json"))

	const key = `{code="200", instance="127.0.0.1:29101", job="demo", method="GET"}`
	lastRaw := raw[key][len(raw[key])-1]
	lastStep := counters[key][len(counters[key])-1]
	if lastRaw.V != lastStep.V {
		t.Fatalf("last raw sample %v does not match last step value %v", lastRaw, lastStep)
	}
	scrapeBeforeStep := lastStep.T - lastRaw.T
	if scrapeBeforeStep != 1385 {
		t.Fatalf("scrapes happen %d ms before their step, want 1385", scrapeBeforeStep)
	}
	late := map[int64]int64{1795610293000: 7, 1795610423000: 4}

	const rangeMS = 30_000
	first, last := int64(math.MaxInt64), int64(0)
	for key, pts := range counters {
		for i := range pts {
			first, last = min(first, pts[i].T), max(last, pts[i].T)
			pts[i].T += late[pts[i].T] - scrapeBeforeStep
		}
		counters[key] = pts
	}
	if len(rates) != 4 || len(counters) != 4 {
		t.Fatalf("got %d rate and %d counter series, want 4 and 4", len(rates), len(counters))
	}

	type stepKey struct {
		series string
		t      int64
	}
	var differs []stepKey
	compared := 0
	for key, pts := range counters {
		want := make(map[int64]float64)
		for _, p := range rates[key] {
			want[p.T] = p.V
		}
		for step := first; step <= last; step += 5000 {
			old, ok := extrapolatedRate(pts, step-rangeMS, step, true, true, true)
			wantV, wantOK := want[step]
			if ok != wantOK {
				t.Errorf("%s at %d: have a value %v, Prometheus has one %v", key, step, ok, wantOK)
				continue
			}
			if !ok {
				continue
			}
			compared++
			if !closeTo(old, wantV, 1e-9) {
				t.Errorf("%s at %d: 2.42 order gives %.17g, Prometheus %.17g", key, step, old, wantV)
			}
			now, _ := Rate(pts, step-rangeMS, step, true)
			if now != old {
				differs = append(differs, stepKey{key, step})
				if now > old {
					t.Errorf("%s at %d: Rate %v above the 2.42 value %v; the new order only extrapolates less", key, step, now, old)
				}
			}
		}
	}
	if compared != 153 {
		t.Errorf("compared %d steps, want 153 (49+49+28+27 values in query_range_rate.json)", compared)
	}
	const get503 = `{code="503", instance="127.0.0.1:29101", job="demo", method="GET"}`
	const post503 = `{code="503", instance="127.0.0.1:29101", job="demo", method="POST"}`
	wantDiffers := []stepKey{
		{get503, 1795610293000}, {get503, 1795610298000}, {get503, 1795610303000}, {get503, 1795610308000},
		{post503, 1795610293000}, {post503, 1795610308000},
	}
	cmp := func(a, b stepKey) int {
		if a.series != b.series {
			if a.series < b.series {
				return -1
			}
			return 1
		}
		return int(a.t - b.t)
	}
	slices.SortFunc(differs, cmp)
	slices.SortFunc(wantDiffers, cmp)
	if !slices.Equal(differs, wantDiffers) {
		t.Errorf("Rate differs from the 2.42 order at %v, want exactly at the 503 series' starts %v", differs, wantDiffers)
	}
}
