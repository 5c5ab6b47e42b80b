package exact

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// nearestRank is the nearest-rank q-quantile of sorted values, by the
// definition: the ceil(q*n)-th smallest.
func nearestRank(sorted []int64, q float64) int64 {
	if q <= 0 {
		return sorted[0]
	}
	r := int(math.Ceil(q * float64(len(sorted))))
	return sorted[min(max(r, 1), len(sorted))-1]
}

func TestQuantileIsTheNearestRankValue(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	cases := []struct {
		name string
		gen  func() int64
		n    int
	}{
		{"small ms", func() int64 { return 1 + rng.Int64N(20) }, 1000},
		{"jmeter-like", func() int64 { return 40 + rng.Int64N(260) }, 20000},
		{"long tail past the array", func() int64 {
			if rng.IntN(50) == 0 {
				return DenseMax + rng.Int64N(60_000)
			}
			return rng.Int64N(500)
		}, 10000},
		{"only long", func() int64 { return 30_000 + rng.Int64N(3) }, 100},
		{"zeros", func() int64 { return rng.Int64N(2) }, 101},
		{"single", func() int64 { return 8 }, 1},
	}
	qs := []float64{0, 0.01, 0.07, 0.5, 0.9, 0.95, 0.99, 0.999, 1}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var h Histogram
			vals := make([]int64, c.n)
			for i := range vals {
				vals[i] = c.gen()
				h.Add(vals[i])
			}
			slices.Sort(vals)
			counts := h.Counts()
			if h.Count() != uint64(c.n) || counts.Count() != uint64(c.n) {
				t.Fatalf("counts %d and %d, want %d", h.Count(), counts.Count(), c.n)
			}
			for _, q := range qs {
				if got, want := counts.Quantile(q), float64(nearestRank(vals, q)); got != want {
					t.Errorf("q=%v: got %v, want %v", q, got, want)
				}
			}
		})
	}
}

// TestBoundaryFigures are the issue's: 95 of 100 samples at 8 ms or less and
// 5 above make p95 8 ms exactly, where the sketch says 7.92; 99 at 465.
func TestBoundaryFigures(t *testing.T) {
	cases := []struct {
		name string
		vals map[int64]int // value -> how many
		q    float64
		want float64
	}{
		{"p95 is 8", map[int64]int{5: 50, 8: 45, 12: 5}, 0.95, 8},
		{"p95 is 9", map[int64]int{9: 95, 10: 5}, 0.95, 9},
		{"p99 is 465", map[int64]int{100: 90, 465: 9, 900: 1}, 0.99, 465},
		{"rank 96 is past 8", map[int64]int{8: 95, 9: 5}, 0.951, 9},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var h Histogram
			for v, n := range c.vals {
				for range n {
					h.Add(v)
				}
			}
			if got := h.Counts().Quantile(c.q); got != c.want {
				t.Errorf("got %v, want %v", got, c.want)
			}
		})
	}
}

func TestRank(t *testing.T) {
	cases := []struct {
		q    float64
		n    uint64
		want uint64
	}{
		{0.95, 100, 95},
		{0.07, 100, 7}, // 0.07*100 is 7.000000000000001 in floating point
		{0.95, 20, 19},
		{0.99, 1000, 990},
		{0.99, 1001, 991},
		{0.5, 1, 1},
		{0.001, 10, 1},
		{0, 10, 1},
		{-1, 10, 1},
		{1, 10, 10},
		{2, 10, 10},
		{0.5, 0, 0},
		{0.999999, 1 << 62, 4611681406741369477}, // 2^62 - 2^62/1e6, rounded up
	}
	for _, c := range cases {
		if got := Rank(c.q, c.n); got != c.want {
			t.Errorf("Rank(%v, %d) = %d, want %d", c.q, c.n, got, c.want)
		}
	}
}

func TestEmptyAndFrozen(t *testing.T) {
	var h Histogram
	if v := h.Counts().Quantile(0.5); !math.IsNaN(v) {
		t.Errorf("empty: %v, want NaN", v)
	}
	var nilCounts *Counts
	if nilCounts.Count() != 0 {
		t.Error("a nil Counts holds values")
	}
	h.Add(3)
	c := h.Counts()
	h.Add(1)
	h.Add(1)
	if c.Count() != 1 || c.Quantile(0.5) != 3 {
		t.Errorf("the frozen counts changed: %d values, median %v", c.Count(), c.Quantile(0.5))
	}
	if h.Counts().Quantile(0.5) != 1 {
		t.Errorf("median %v, want 1", h.Counts().Quantile(0.5))
	}
}

func TestNegativeCountsAsZero(t *testing.T) {
	var h Histogram
	h.Add(-4)
	h.Add(2)
	if got := h.Counts().Quantile(0); got != 0 {
		t.Errorf("min %v, want 0", got)
	}
}

// BenchmarkAdd is the per-sample cost report and check pay: target a few
// nanoseconds (an array increment) for values inside the array.
func BenchmarkAdd(b *testing.B) {
	vals := make([]int64, 4096)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range vals {
		vals[i] = 20 + rng.Int64N(400)
	}
	var h Histogram
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		h.Add(vals[i&4095])
	}
}
