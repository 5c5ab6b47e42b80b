package compare

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/sobang/sobang/sources/store/sketch"
)

func fill(vals ...float64) *sketch.Sketch {
	s := sketch.New()
	for _, v := range vals {
		s.Add(v)
	}
	return s
}

// TestMannWhitneyKnownValue checks U and p against a textbook case computed
// by hand: with no ties, U of the second sample counts the pairs in which
// it is larger.
func TestMannWhitneyKnownValue(t *testing.T) {
	a := fill(1, 2, 3, 4, 5, 6, 7, 8, 9, 10)
	b := fill(11, 12, 13, 14, 15, 16, 17, 18, 19, 20)
	u, p := MannWhitney(a, b)
	if u != 100 {
		t.Fatalf("U = %v, want 100 (every pair)", u)
	}
	// z = (|100-50| - 0.5) / sqrt(10*10*21/12) = 49.5/13.2288 = 3.7418
	if want := math.Erfc(3.741794 / math.Sqrt2); math.Abs(p-want) > 1e-6 {
		t.Fatalf("p = %v, want %v", p, want)
	}
	// Same distribution: no evidence.
	_, p = MannWhitney(a, fill(1, 2, 3, 4, 5, 6, 7, 8, 9, 10))
	if p < 0.9 {
		t.Fatalf("identical samples: p = %v, want ~1", p)
	}
	// Every value tied: the test cannot say anything.
	if _, p := MannWhitney(fill(5, 5, 5), fill(5, 5)); !math.IsNaN(p) {
		t.Fatalf("all ties: p = %v, want NaN", p)
	}
}

func TestVerdicts(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	gen := func(n int, scale float64) *sketch.Sketch {
		s := sketch.New()
		for range n {
			s.Add(math.Exp(rng.NormFloat64()*0.3) * scale)
		}
		return s
	}
	base := gen(2000, 100)
	cases := []struct {
		name string
		cur  *sketch.Sketch
		want Verdict
	}{
		{"same", gen(2000, 100), NoChange},
		{"30% slower", gen(2000, 130), Regression},
		{"30% faster", gen(2000, 70), Improvement},
		{"2% slower: significant but small", gen(200000, 102), NoChange},
		{"too few samples", gen(10, 300), NotEnough},
	}
	for _, c := range cases {
		r := Latency(base, c.cur)
		if r.Verdict != c.want {
			t.Errorf("%s: verdict %q (p95 %+.1f%%, p=%.3g), want %q", c.name, r.Verdict, 100*r.DeltaP95, r.P, c.want)
		}
	}
}

// BenchmarkMannWhitney must hold at most 100 µs per label for sketches of
// 10k samples: a comparison over 500 labels then costs at most 50 ms, and it
// is recomputed only when a run or the window changes, never per frame.
func BenchmarkMannWhitney(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	x, y := sketch.New(), sketch.New()
	for range 10000 {
		x.Add(rng.ExpFloat64() * 100)
		y.Add(rng.ExpFloat64() * 110)
	}
	for b.Loop() {
		MannWhitney(x, y)
	}
}
