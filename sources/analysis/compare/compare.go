// Package compare decides whether a label got worse between two runs: the
// change of its p95 with a Mann-Whitney U test computed from the two runs'
// latency sketches, bucket by bucket, so no raw samples are kept; and the
// change of its error rate with a two-proportion test.
//
// It owns only the statistics; it must not read runs or render anything.
// The rule: a label is a regression when its error rate or its p95 moves
// up by more than RegressionRise (relative) with p < Alpha in its test; an
// error rate that rose makes a regression whatever the latency did, since a
// failure that returns fast is no gain. It is an improvement when neither
// moved up and one moved down by as much. With fewer than MinSamples
// samples on either side the verdict is "not enough data", never "ok".
package compare

import (
	"math"
	"strings"

	"github.com/sobang/sobang/sources/store/sketch"
)

// Thresholds of the verdict.
const (
	// RegressionP95 is the relative p95 change that can make a regression
	// (or an improvement).
	RegressionP95 = 0.05
	// RegressionErrors is the relative error-rate change that can make a
	// regression (or an improvement); from no error at all, any rise is.
	RegressionErrors = 0.05
	// Alpha is the significance level of both tests.
	Alpha = 0.01
	// MinSamples is the fewest samples per side for a verdict; below it the
	// normal approximations of both tests are not trustworthy.
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

// What a verdict can name as having moved, in Result.Moved.
const (
	MovedErrors = "errors"
	MovedP95    = "p95"
)

// Side is one run of a label: its latencies and how many of its samples
// there are and failed.
type Side struct {
	Latency         *sketch.Sketch
	Samples, Errors int64
}

// Result compares one label in two runs.
type Result struct {
	BaseCount, CurCount uint64
	BaseP95, CurP95     float64
	DeltaP95            float64 // relative change of p95: (cur-base)/base
	U                   float64 // Mann-Whitney U of the current run
	P                   float64 // two-sided p-value of U; NaN when not computed
	// BaseErrorRate and CurErrorRate are the failed share of each run's
	// samples, from 0 to 1.
	BaseErrorRate, CurErrorRate float64
	// ErrorsP is the two-sided p-value of the two-proportion test on the
	// error rates; NaN when not computed (too few samples, or no run has
	// an error, or every sample failed in both).
	ErrorsP float64
	Verdict Verdict
	// Moved names what made the verdict, in the verdict's direction:
	// MovedErrors, MovedP95 or both in that order; empty for ok and not
	// enough data.
	Moved []string
}

// Text is the verdict with what moved: "regression (errors)",
// "improvement (p95)", "regression (errors, p95)", "ok".
func (r *Result) Text() string {
	if len(r.Moved) == 0 {
		return string(r.Verdict)
	}
	return string(r.Verdict) + " (" + strings.Join(r.Moved, ", ") + ")"
}

// Latency compares the latency sketches of a label in the baseline and the
// current run, as Compare does for runs without errors.
func Latency(base, cur *sketch.Sketch) Result {
	return Compare(Side{Latency: base, Samples: int64(base.Count())}, Side{Latency: cur, Samples: int64(cur.Count())})
}

// Compare compares a label in the baseline and the current run by the
// package's rule.
func Compare(base, cur Side) Result {
	r := Result{BaseCount: base.Latency.Count(), CurCount: cur.Latency.Count(), P: math.NaN(), ErrorsP: math.NaN()}
	r.BaseP95, r.CurP95 = base.Latency.Quantile(0.95), cur.Latency.Quantile(0.95)
	if r.BaseP95 > 0 {
		r.DeltaP95 = (r.CurP95 - r.BaseP95) / r.BaseP95
	}
	r.BaseErrorRate, r.CurErrorRate = rate(base), rate(cur)
	if r.BaseCount < MinSamples || r.CurCount < MinSamples || base.Samples < MinSamples || cur.Samples < MinSamples {
		r.Verdict = NotEnough
		return r
	}
	r.U, r.P = MannWhitney(base.Latency, cur.Latency)
	r.ErrorsP = TwoProportions(base.Errors, base.Samples, cur.Errors, cur.Samples)
	errUp := r.ErrorsP < Alpha && r.CurErrorRate > r.BaseErrorRate*(1+RegressionErrors)
	errDown := r.ErrorsP < Alpha && r.CurErrorRate < r.BaseErrorRate*(1-RegressionErrors)
	p95Up := r.P < Alpha && r.DeltaP95 > RegressionP95
	p95Down := r.P < Alpha && r.DeltaP95 < -RegressionP95
	switch {
	case errUp || p95Up:
		r.Verdict = Regression
		r.Moved = moved(errUp, p95Up)
	case errDown || p95Down:
		r.Verdict = Improvement
		r.Moved = moved(errDown, p95Down)
	default:
		r.Verdict = NoChange
	}
	return r
}

func rate(s Side) float64 {
	if s.Samples <= 0 {
		return 0
	}
	return float64(s.Errors) / float64(s.Samples)
}

func moved(errors, p95 bool) []string {
	var m []string
	if errors {
		m = append(m, MovedErrors)
	}
	if p95 {
		m = append(m, MovedP95)
	}
	return m
}

// TwoProportions runs the two-sided two-proportion z-test of x1 failures
// in n1 samples against x2 in n2, with the pooled variance and the
// continuity correction (conservative for the small counts a gate meets).
// It returns NaN when either side is empty or the pooled proportion is 0
// or 1 (nothing to compare).
func TwoProportions(x1, n1, x2, n2 int64) float64 {
	if n1 <= 0 || n2 <= 0 {
		return math.NaN()
	}
	a, b := float64(n1), float64(n2)
	pooled := float64(x1+x2) / (a + b)
	if pooled <= 0 || pooled >= 1 {
		return math.NaN()
	}
	se := math.Sqrt(pooled * (1 - pooled) * (1/a + 1/b))
	z := (math.Abs(float64(x2)/b-float64(x1)/a) - (1/a+1/b)/2) / se
	if z < 0 {
		z = 0
	}
	return math.Erfc(z / math.Sqrt2)
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
