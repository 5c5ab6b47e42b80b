// Package compare decides whether a label's latency got worse between two
// runs: the change of its p95 and a Mann-Whitney U test computed from the
// two runs' latency sketches, bucket by bucket, so no raw samples are kept.
//
// It owns only the statistics; it must not read runs or render anything.
// The rule (issue: comparing runs): a label is a regression only when its
// p95 moves up by more than RegressionP95 and the test gives p < Alpha; with
// fewer than MinSamples samples on either side the verdict is "not enough
// data", never "ok".
package compare

import (
	"math"

	"github.com/sobang/sobang/sources/store/sketch"
)

// Thresholds of the verdict.
const (
	// RegressionP95 is the relative p95 increase that can make a regression.
	RegressionP95 = 0.05
	// Alpha is the significance level of the rank test.
	Alpha = 0.01
	// MinSamples is the fewest samples per side for a verdict; below it the
	// normal approximation of U is not trustworthy.
	MinSamples = 20
)

// Verdict is the outcome for one label.
type Verdict string

// Verdicts.
const (
	Regression  Verdict = "regression"
	Improvement Verdict = "improvement"
	NoChange    Verdict = "ok"
	NotEnough   Verdict = "not enough data"
)

// Result compares one label's latency in two runs.
type Result struct {
	BaseCount, CurCount uint64
	BaseP95, CurP95     float64
	DeltaP95            float64 // relative change of p95: (cur-base)/base
	U                   float64 // Mann-Whitney U of the current run
	P                   float64 // two-sided p-value; NaN when not computed
	Verdict             Verdict
}

// Latency compares the latency sketches of a label in the baseline and the
// current run.
func Latency(base, cur *sketch.Sketch) Result {
	r := Result{BaseCount: base.Count(), CurCount: cur.Count(), P: math.NaN()}
	r.BaseP95, r.CurP95 = base.Quantile(0.95), cur.Quantile(0.95)
	if r.BaseP95 > 0 {
		r.DeltaP95 = (r.CurP95 - r.BaseP95) / r.BaseP95
	}
	if r.BaseCount < MinSamples || r.CurCount < MinSamples {
		r.Verdict = NotEnough
		return r
	}
	r.U, r.P = MannWhitney(base, cur)
	switch {
	case r.P < Alpha && r.DeltaP95 > RegressionP95:
		r.Verdict = Regression
	case r.P < Alpha && r.DeltaP95 < -RegressionP95:
		r.Verdict = Improvement
	default:
		r.Verdict = NoChange
	}
	return r
}

// MannWhitney runs the two-sided Mann-Whitney U test on the values of two
// sketches, treating values in the same bucket as ties (their ranks are
// averaged, and the variance is corrected for ties). It returns U of the
// second sample and the p-value of the normal approximation with continuity
// correction; p is NaN when either side is empty or every value ties.
func MannWhitney(a, b *sketch.Sketch) (u, p float64) {
	n1, n2 := float64(a.Count()), float64(b.Count())
	if n1 == 0 || n2 == 0 {
		return math.NaN(), math.NaN()
	}
	type bin struct {
		v    float64
		x, y uint64
	}
	var bins []bin
	a.Bins(func(v float64, c uint64) { bins = append(bins, bin{v: v, x: c}) })
	// Merge b's bins into a's, both ascending by value.
	merged := make([]bin, 0, len(bins))
	i := 0
	b.Bins(func(v float64, c uint64) {
		for i < len(bins) && bins[i].v < v {
			merged = append(merged, bins[i])
			i++
		}
		if i < len(bins) && bins[i].v == v {
			bins[i].y += c
			merged = append(merged, bins[i])
			i++
			return
		}
		merged = append(merged, bin{v: v, y: c})
	})
	merged = append(merged, bins[i:]...)

	n := n1 + n2
	var rank, r2, ties float64
	for _, bn := range merged {
		t := float64(bn.x + bn.y)
		avg := rank + (t+1)/2
		r2 += float64(bn.y) * avg
		ties += t*t*t - t
		rank += t
	}
	u = r2 - n2*(n2+1)/2
	mu := n1 * n2 / 2
	sigma2 := n1 * n2 / 12 * ((n + 1) - ties/(n*(n-1)))
	if sigma2 <= 0 {
		return u, math.NaN()
	}
	z := (math.Abs(u-mu) - 0.5) / math.Sqrt(sigma2)
	if z < 0 {
		z = 0
	}
	return u, math.Erfc(z / math.Sqrt2)
}
