package sketch

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// exactRank is the nearest-rank q-quantile of sorted values.
func exactRank(sorted []float64, q float64) float64 {
	if q <= 0 {
		return sorted[0]
	}
	r := int(math.Ceil(q * float64(len(sorted))))
	if r < 1 {
		r = 1
	}
	return sorted[r-1]
}

func TestQuantileWithinRelativeError(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	cases := []struct {
		name string
		gen  func() float64
		n    int
	}{
		{"uniform ms", func() float64 { return float64(rng.IntN(2000)) }, 10000},
		{"lognormal", func() float64 { return math.Exp(rng.NormFloat64()*1.5 + 4) }, 50000},
		{"with zeros", func() float64 {
			if rng.IntN(10) == 0 {
				return 0
			}
			return float64(1 + rng.IntN(50))
		}, 5000},
		{"single", func() float64 { return 42 }, 1},
		{"two", func() float64 { return float64(1 + rng.IntN(2)*999) }, 2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := New()
			vals := make([]float64, c.n)
			for i := range vals {
				vals[i] = c.gen()
				s.Add(vals[i])
			}
			slices.Sort(vals)
			for _, q := range []float64{0, 0.01, 0.5, 0.9, 0.95, 0.99, 0.999, 1} {
				want := exactRank(vals, q)
				got := s.Quantile(q)
				if math.Abs(got-want) > RelativeAccuracy*want+1e-9 {
					t.Errorf("q=%v: got %v, want %v (±1%%)", q, got, want)
				}
			}
			if s.Count() != uint64(c.n) || s.Min() != vals[0] || s.Max() != vals[len(vals)-1] {
				t.Errorf("count/min/max = %d/%v/%v, want %d/%v/%v", s.Count(), s.Min(), s.Max(), c.n, vals[0], vals[len(vals)-1])
			}
		})
	}
}

func TestMergeEqualsAddingAll(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	all := New()
	parts := make([]*Sketch, 7)
	for i := range parts {
		parts[i] = New()
		// Different ranges per part so that merging must grow both ends.
		for range 1000 {
			v := float64(rng.IntN(100*(i+1))) + float64(i*i*50)
			parts[i].Add(v)
			all.Add(v)
		}
	}
	merged := New()
	for _, p := range []int{3, 0, 6, 1, 5, 2, 4} {
		merged.Merge(parts[p])
	}
	for _, q := range []float64{0.5, 0.9, 0.99} {
		if a, b := merged.Quantile(q), all.Quantile(q); a != b {
			t.Errorf("q=%v: merged %v != direct %v", q, a, b)
		}
	}
	if merged.Count() != all.Count() || merged.Sum() != all.Sum() {
		t.Errorf("merged count/sum %d/%v != %d/%v", merged.Count(), merged.Sum(), all.Count(), all.Sum())
	}
}

func TestEmptyAndReset(t *testing.T) {
	s := New()
	if !math.IsNaN(s.Quantile(0.5)) || !math.IsNaN(s.Mean()) {
		t.Fatal("empty sketch must answer NaN")
	}
	s.Add(10)
	s.Reset()
	if s.Count() != 0 || !math.IsNaN(s.Quantile(0.5)) {
		t.Fatal("reset sketch must be empty")
	}
	s.Add(5)
	if got := s.Quantile(0.5); got != 5 {
		t.Fatalf("after reset: %v", got)
	}
}

// BenchmarkAdd must hold at least 20M adds/s (50 ns per add): the store adds
// every sample of a 1 GB JTL (11 M rows) to two sketches.
func BenchmarkAdd(b *testing.B) {
	s := New()
	for i := 0; b.Loop(); i++ {
		s.Add(float64(i%3000 + 1))
	}
}

// BenchmarkMerge must hold at most 2 µs per merge of two one-second sketches:
// a 5-minute window over 10 labels merges 3000 of them per frame at most.
func BenchmarkMerge(b *testing.B) {
	a, c := New(), New()
	for i := range 300 {
		a.Add(float64(i*7%900 + 5))
	}
	for b.Loop() {
		c.Merge(a)
	}
}
