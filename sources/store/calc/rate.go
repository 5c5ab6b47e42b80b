// Package calc is the client-side PromQL math sobang needs to draw what a
// Prometheus server would show, from points it scraped or fetched itself:
// rate and increase with Prometheus' counter-reset and extrapolation rules,
// and histogram_quantile over classic buckets.
//
// The functions follow prometheus/prometheus promql/functions.go
// (extrapolatedRate) and promql/quantile.go (BucketQuantile) and are tested
// against Prometheus' own test cases and against values a real Prometheus
// computed (the shared corpus, metrics/promapi). Rate, Increase, RateBetween
// and HistogramQuantile (up to 32 buckets) allocate nothing.
package calc

import (
	"math"
	"sort"
)

// Point is one sample of a series.
type Point struct {
	T int64   // timestamp, epoch milliseconds
	V float64 // value
}

// Increase is PromQL's increase(series[range]) (isCounter true) or
// delta(series[range]) (isCounter false) evaluated at rangeEndMS, where
// range = rangeEndMS - rangeStartMS.
//
// points must be sorted by time; only those in the left-open window
// (rangeStartMS, rangeEndMS] are used, as in Prometheus 3 (Prometheus 2 used
// a closed window; the results differ only when a sample sits exactly on the
// window's start). The second result is false when fewer than two points
// fall in the window: Prometheus returns no value then.
func Increase(points []Point, rangeStartMS, rangeEndMS int64, isCounter bool) (float64, bool) {
	return extrapolatedRate(points, rangeStartMS, rangeEndMS, isCounter, false, false)
}

// Rate is PromQL's rate(series[range]) (isCounter true) or the per-second
// delta (isCounter false): Increase divided by the range in seconds.
func Rate(points []Point, rangeStartMS, rangeEndMS int64, isCounter bool) (float64, bool) {
	return extrapolatedRate(points, rangeStartMS, rangeEndMS, isCounter, true, false)
}

// RateBetween is the per-second increase of a counter from the first to the
// last of points, taken as they are, without Prometheus' extrapolation: the
// rate a chart draws from the scrape before a column to the last one in it.
// Every drop between neighbours is a reset, after which the new value is the
// whole increase since the reset (irate's rule for one pair, applied to each
// pair). It returns NaN for fewer than two points or when the last is not
// later than the first (no interval to divide by), which a chart draws as a
// gap.
func RateBetween(points []Point) float64 {
	if len(points) < 2 {
		return math.NaN()
	}
	inc := 0.0
	for j := 1; j < len(points); j++ {
		d := points[j].V - points[j-1].V
		if d < 0 {
			d = points[j].V
		}
		inc += d
	}
	dt := float64(points[len(points)-1].T-points[0].T) / 1000
	if dt <= 0 {
		return math.NaN()
	}
	return inc / dt
}

// window returns the points with rangeStart < T <= rangeEnd.
func window(points []Point, rangeStart, rangeEnd int64) []Point {
	lo := sort.Search(len(points), func(i int) bool { return points[i].T > rangeStart })
	hi := sort.Search(len(points), func(i int) bool { return points[i].T > rangeEnd })
	if hi < lo {
		return nil
	}
	return points[lo:hi]
}

// extrapolatedRate follows Prometheus' extrapolatedRate for float samples
// (prometheus/prometheus promql/functions.go, v2.51 and later).
//
// zeroClampFirst selects the order Prometheus used before v2.51 (PR #13725,
// "Fix limiting of extrapolation to negative values"): the zero point of a
// counter was applied before the extrapolation threshold instead of after it.
// It exists only so that values recorded from an older Prometheus (the
// corpus' 2.42) can be reproduced exactly in tests; the exported functions
// always pass false.
func extrapolatedRate(points []Point, rangeStart, rangeEnd int64, isCounter, isRate, zeroClampFirst bool) (float64, bool) {
	samples := window(points, rangeStart, rangeEnd)
	if len(samples) < 2 {
		return 0, false
	}
	first, last := samples[0], samples[len(samples)-1]
	result := last.V - first.V
	if isCounter {
		// A drop is a counter reset: the counter restarted from zero, so
		// the value before the drop was gained too.
		prev := first.V
		for _, p := range samples[1:] {
			if p.V < prev {
				result += prev
			}
			prev = p.V
		}
	}

	if last.T == first.T {
		// Two samples with one timestamp: no interval to extrapolate from
		// (Prometheus' storage never returns this; a client-side ring can).
		return 0, false
	}

	durationToStart := float64(first.T-rangeStart) / 1000
	durationToEnd := float64(rangeEnd-last.T) / 1000
	sampledInterval := float64(last.T-first.T) / 1000
	averageDurationBetweenSamples := sampledInterval / float64(len(samples)-1)
	// A sample further than 110% of the average spacing from an edge of
	// the window means the series starts or ends inside it: extrapolate
	// only half an interval there.
	extrapolationThreshold := averageDurationBetweenSamples * 1.1

	clampToZero := func() {
		// Counters cannot be negative: never extrapolate to before the
		// point where the counter would have been zero.
		if isCounter && result > 0 && first.V >= 0 {
			durationToZero := sampledInterval * (first.V / result)
			if durationToZero < durationToStart {
				durationToStart = durationToZero
			}
		}
	}
	if zeroClampFirst {
		clampToZero()
	}
	if durationToStart >= extrapolationThreshold {
		durationToStart = averageDurationBetweenSamples / 2
	}
	if !zeroClampFirst {
		clampToZero()
	}
	if durationToEnd >= extrapolationThreshold {
		durationToEnd = averageDurationBetweenSamples / 2
	}

	factor := (sampledInterval + durationToStart + durationToEnd) / sampledInterval
	if isRate {
		factor /= float64(rangeEnd-rangeStart) / 1000
	}
	return result * factor, true
}
