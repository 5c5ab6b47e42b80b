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
	side := func(s *sketch.Sketch, errors int64) Side {
		return Side{Latency: s, Samples: int64(s.Count()), Errors: errors}
	}
	base := gen(2000, 100)
	cases := []struct {
		name       string
		baseErrors int64 // of base's 2000 samples
		cur        Side
		want       Verdict
		text       string
	}{
		{"same", 0, side(gen(2000, 100), 0), NoChange, "ok"},
		{"30% slower", 0, side(gen(2000, 130), 0), Regression, "regression (p95)"},
		{"30% faster", 0, side(gen(2000, 70), 0), Improvement, "improvement (p95)"},
		{"2% slower: significant but small", 0, side(gen(200000, 102), 0), NoChange, "ok"},
		{"too few samples", 0, side(gen(10, 300), 0), NotEnough, "not enough data"},
		// Failures that return at once make the p95 fall: the errors
		// decide (6.22% -> 14.41%, p95 -88.7% in the run that showed it).
		{"faster because failing", 124, side(gen(2000, 11), 288), Regression, "regression (errors)"},
		{"slower and failing", 124, side(gen(2000, 130), 288), Regression, "regression (errors, p95)"},
		{"fewer errors", 124, side(gen(2000, 100), 20), Improvement, "improvement (errors)"},
		{"fewer errors and faster", 124, side(gen(2000, 70), 20), Improvement, "improvement (errors, p95)"},
		// Slower with fewer errors is still slower.
		{"slower with fewer errors", 124, side(gen(2000, 130), 20), Regression, "regression (p95)"},
		// A few more errors, within chance: no verdict from them.
		{"errors within chance", 124, side(gen(2000, 100), 140), NoChange, "ok"},
		{"first errors", 0, side(gen(2000, 100), 30), Regression, "regression (errors)"},
		// Too few samples with errors to say: 0 of 20 against 3 of 20.
		{"three errors of twenty", 0, side(gen(20, 100), 3), NoChange, "ok"},
	}
	for _, c := range cases {
		b := base
		if c.cur.Samples == 20 {
			b = gen(20, 100)
		}
		r := Compare(side(b, c.baseErrors), c.cur)
		if r.Verdict != c.want || r.Text() != c.text {
			t.Errorf("%s: verdict %q (p95 %+.1f%%, p=%.3g; errors %.2f%% -> %.2f%%, p=%.3g), want %q",
				c.name, r.Text(), 100*r.DeltaP95, r.P, 100*r.BaseErrorRate, 100*r.CurErrorRate, r.ErrorsP, c.text)
		}
	}
}

// TestTwoProportions checks the test against values computed by hand.
func TestTwoProportions(t *testing.T) {
	tests := []struct {
		x1, n1, x2, n2 int64
		want           float64 // NaN: not computed
	}{
		// pooled 0.1, se = sqrt(0.09*(2/1000)) = 0.013416; z = (0.04 -
		// 0.001) / 0.013416 = 2.9069.
		{80, 1000, 120, 1000, math.Erfc(2.906888 / math.Sqrt2)},
		// The same either way round.
		{120, 1000, 80, 1000, math.Erfc(2.906888 / math.Sqrt2)},
		// Equal rates: the correction leaves no evidence at all.
		{10, 100, 10, 100, 1},
		{0, 100, 0, 100, math.NaN()},
		{100, 100, 50, 50, math.NaN()},
		{0, 0, 1, 10, math.NaN()},
	}
	for _, tt := range tests {
		got := TwoProportions(tt.x1, tt.n1, tt.x2, tt.n2)
		if math.IsNaN(tt.want) != math.IsNaN(got) || !math.IsNaN(got) && math.Abs(got-tt.want) > 1e-6 {
			t.Errorf("TwoProportions(%d/%d, %d/%d) = %v, want %v", tt.x1, tt.n1, tt.x2, tt.n2, got, tt.want)
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
