package calc

import (
	"math"
	"slices"
	"sort"

	"github.com/sobang/sobang/sources"
)

// smallDeltaTolerance is the relative difference between neighbouring bucket
// counts that HistogramQuantile treats as floating-point noise, as Prometheus
// does (promql/quantile.go smallDeltaTolerance).
const smallDeltaTolerance = 1e-12

// HistogramQuantile is PromQL's histogram_quantile(q, ...) over one classic
// histogram, following Prometheus' BucketQuantile exactly.
//
// buckets are cumulative in the upper bound, as the le series are, and hold
// increases or rates over some window, not the raw counters since process
// start: take BucketDelta of two scrapes, or Increase of each le series.
// Their order does not matter and the input is not modified. Buckets with the
// same upper bound are merged (le="1" and le="1.0" are one bucket), counts are
// made monotonic, and the quantile is interpolated linearly inside its
// bucket. Special cases, as in Prometheus:
//
//   - q is NaN, or there is no +Inf bucket, or fewer than two buckets, or no
//     observations: NaN.
//   - q < 0: -Inf; q > 1: +Inf.
//   - the rank falls into the +Inf bucket: the highest finite upper bound.
//   - the rank falls into the lowest bucket and its upper bound is <= 0: that
//     upper bound (otherwise the lowest bucket starts at 0).
func HistogramQuantile(q float64, buckets []sources.Bucket) float64 {
	if math.IsNaN(q) {
		return math.NaN()
	}
	if q < 0 {
		return math.Inf(-1)
	}
	if q > 1 {
		return math.Inf(+1)
	}
	if len(buckets) == 0 {
		return math.NaN()
	}
	// A small histogram fits on the stack; Prometheus sorts its input in
	// place, we must not.
	var stack [32]sources.Bucket
	b := append(stack[:0], buckets...)
	if !slices.IsSortedFunc(b, compareUpperBound) {
		slices.SortFunc(b, compareUpperBound)
	}
	if !math.IsInf(b[len(b)-1].UpperBound, +1) {
		return math.NaN()
	}
	b = coalesceBuckets(b)
	ensureMonotonicAndIgnoreSmallDeltas(b, smallDeltaTolerance)
	if len(b) < 2 {
		return math.NaN()
	}
	observations := b[len(b)-1].Count
	if observations == 0 {
		return math.NaN()
	}
	rank := q * observations
	i := sort.Search(len(b)-1, func(i int) bool { return b[i].Count >= rank })
	if i == len(b)-1 {
		return b[len(b)-2].UpperBound
	}
	if i == 0 && b[0].UpperBound <= 0 {
		return b[0].UpperBound
	}
	var (
		bucketStart float64
		bucketEnd   = b[i].UpperBound
		count       = b[i].Count
	)
	if i > 0 {
		bucketStart = b[i-1].UpperBound
		count -= b[i-1].Count
		rank -= b[i-1].Count
	}
	return bucketStart + (bucketEnd-bucketStart)*(rank/count)
}

func compareUpperBound(a, b sources.Bucket) int {
	switch {
	case a.UpperBound < b.UpperBound:
		return -1
	case a.UpperBound > b.UpperBound:
		return +1
	}
	return 0
}

// coalesceBuckets merges neighbours with the same upper bound; b is sorted.
func coalesceBuckets(b []sources.Bucket) []sources.Bucket {
	last := b[0]
	i := 0
	for _, bucket := range b[1:] {
		if bucket.UpperBound == last.UpperBound {
			last.Count += bucket.Count
		} else {
			b[i] = last
			last = bucket
			i++
		}
	}
	b[i] = last
	return b[:i+1]
}

// ensureMonotonicAndIgnoreSmallDeltas first absorbs differences between
// neighbouring counts small enough to be floating-point noise, in either
// direction, then removes any remaining decrease by carrying the last
// accepted count forward (Prometheus' function of the same name).
func ensureMonotonicAndIgnoreSmallDeltas(b []sources.Bucket, tolerance float64) {
	prev := b[0].Count
	for i := 1; i < len(b); i++ {
		curr := b[i].Count
		switch {
		case curr == prev:
		case almostEqual(prev, curr, tolerance), curr < prev:
			// prev stays: the difference is ignored.
			b[i].Count = prev
		default:
			prev = curr
		}
	}
}

// minNormal is the smallest positive normal float64.
var minNormal = math.Float64frombits(0x0010000000000000)

// almostEqual reports whether a and b differ by less than epsilon times their
// sum (prometheus/prometheus util/almost.Equal).
func almostEqual(a, b, epsilon float64) bool {
	if math.IsNaN(a) && math.IsNaN(b) {
		return true
	}
	if a == b {
		return true
	}
	absSum := math.Abs(a) + math.Abs(b)
	diff := math.Abs(a - b)
	if a == 0 || b == 0 || absSum < minNormal {
		return diff < epsilon*minNormal
	}
	return diff/math.Min(absSum, math.MaxFloat64) < epsilon
}

// BucketDelta returns the increase of each bucket of cur since prev, both
// cumulative bucket lists of one histogram series from two scrapes, sorted
// by upper bound. Each bucket is its own counter, as each le series is in
// Prometheus: when a bucket went down it was reset and its cur count is the
// increase. Buckets of cur that prev lacks (the bucket layout changed) are
// left out, as Prometheus has no rate for a series with one sample. The
// result is in cur's order and can go straight to HistogramQuantile.
func BucketDelta(prev, cur []sources.Bucket) []sources.Bucket {
	return AppendBucketDelta(make([]sources.Bucket, 0, len(cur)), prev, cur)
}

// AppendBucketDelta is BucketDelta appending to dst, for a caller that
// reuses one slice from column to column.
func AppendBucketDelta(dst, prev, cur []sources.Bucket) []sources.Bucket {
	j := 0
	for _, c := range cur {
		for j < len(prev) && prev[j].UpperBound < c.UpperBound {
			j++
		}
		if j == len(prev) || prev[j].UpperBound != c.UpperBound {
			continue
		}
		inc := c.Count - prev[j].Count
		if c.Count < prev[j].Count {
			inc = c.Count
		}
		dst = append(dst, sources.Bucket{UpperBound: c.UpperBound, Count: inc})
	}
	return dst
}

// SumBuckets adds the buckets b into acc by upper bound, as PromQL's
// sum by (le) does for the series of one histogram; both are sorted by upper
// bound and the sum is too. acc is added to in place when both have one
// layout (the common case: one client library, one set of buckets), else a
// new slice is returned. Bounds are numbers, so le="1" of one series and
// le="1.0" of another are one bucket.
func SumBuckets(acc, b []sources.Bucket) []sources.Bucket {
	if len(acc) == 0 {
		return append(acc, b...)
	}
	if len(acc) == len(b) {
		same := true
		for i := range b {
			if acc[i].UpperBound != b[i].UpperBound {
				same = false
				break
			}
		}
		if same {
			for i := range b {
				acc[i].Count += b[i].Count
			}
			return acc
		}
	}
	merged := make([]sources.Bucket, 0, len(acc)+len(b))
	i, j := 0, 0
	for i < len(acc) || j < len(b) {
		switch {
		case j == len(b) || (i < len(acc) && acc[i].UpperBound < b[j].UpperBound):
			merged = append(merged, acc[i])
			i++
		case i == len(acc) || b[j].UpperBound < acc[i].UpperBound:
			merged = append(merged, b[j])
			j++
		default:
			merged = append(merged, sources.Bucket{UpperBound: acc[i].UpperBound, Count: acc[i].Count + b[j].Count})
			i++
			j++
		}
	}
	return merged
}
