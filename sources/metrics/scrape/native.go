package scrape

import (
	"math"

	dto "github.com/prometheus/client_model/go"

	"github.com/sobang/sobang/sources"
)

// nativeBuckets turns the exponential buckets of a native histogram into
// cumulative classic buckets, so that a histogram exposed only natively (in
// protobuf, client_golang with NativeHistogramBucketFactor and no Buckets)
// still gets quantiles from calc.HistogramQuantile. It returns nil for
// schemas outside -4..8 and when there is nothing native in h.
//
// Where populated buckets are not adjacent, an extra bucket marks the lower
// edge of the next one, so that interpolation stays inside the real bucket.
// The result differs from Prometheus' native histogram_quantile only in the
// interpolation inside a bucket: linear here, exponential there (at most one
// bucket width apart, about 9% at client_golang's usual factor 1.1).
func (c *converter) nativeBuckets(h *dto.Histogram, count float64) []sources.Bucket {
	schema := h.GetSchema()
	if schema < -4 || schema > 8 {
		return nil
	}
	if len(h.GetPositiveSpan()) == 0 && len(h.GetNegativeSpan()) == 0 && h.GetZeroThreshold() == 0 {
		return nil
	}
	var out []sources.Bucket
	cum := 0.0
	add := func(lower, upper, n float64) {
		if math.IsInf(upper, +1) {
			return // ±Inf observations: counted by the final +Inf bucket
		}
		if len(out) > 0 && out[len(out)-1].UpperBound < lower {
			out = append(out, sources.Bucket{UpperBound: lower, Count: cum})
		} else if len(out) == 0 && lower > 0 {
			// The first bucket would otherwise be taken to start at 0.
			out = append(out, sources.Bucket{UpperBound: lower, Count: 0})
		}
		cum += n
		out = append(out, sources.Bucket{UpperBound: upper, Count: cum})
	}

	// Negative buckets: index i holds [-bound(i), -bound(i-1)); the most
	// negative (highest index) comes first.
	neg := c.expandSpans(h.GetNegativeSpan(), h.GetNegativeDelta(), h.GetNegativeCount())
	for i := len(neg) - 1; i >= 0; i-- {
		add(-nativeBound(neg[i].index, schema), -nativeBound(neg[i].index-1, schema), neg[i].count)
	}
	zeroCount := h.GetZeroCountFloat()
	if zeroCount <= 0 {
		zeroCount = float64(h.GetZeroCount())
	}
	zt := h.GetZeroThreshold()
	if zeroCount > 0 {
		lower := -zt
		if len(neg) == 0 {
			lower = 0 // as Prometheus: only positive buckets, the zero bucket starts at 0
		}
		add(lower, zt, zeroCount)
	}
	// Positive buckets: index i holds (bound(i-1), bound(i)].
	for _, b := range c.expandSpans(h.GetPositiveSpan(), h.GetPositiveDelta(), h.GetPositiveCount()) {
		add(nativeBound(b.index-1, schema), nativeBound(b.index, schema), b.count)
	}
	return append(out, sources.Bucket{UpperBound: math.Inf(+1), Count: count})
}

// expandSpans decodes spans and their delta-encoded integer counts (or
// absolute float counts) into (index, count) pairs in ascending index order,
// in scratch space that the next call reuses.
func (c *converter) expandSpans(spans []*dto.BucketSpan, deltas []int64, counts []float64) []nativeBucket {
	out := c.native[:0]
	var index int32
	var running int64
	pos := 0
	for i, span := range spans {
		if i == 0 {
			index = span.GetOffset()
		} else {
			index += span.GetOffset()
		}
		for j := uint32(0); j < span.GetLength(); j++ {
			var n float64
			switch {
			case len(counts) > 0:
				if pos >= len(counts) {
					c.native = out
					return out
				}
				n = counts[pos]
			default:
				if pos >= len(deltas) {
					c.native = out
					return out
				}
				running += deltas[pos]
				n = float64(running)
			}
			if n != 0 {
				out = append(out, nativeBucket{index, n})
			}
			index++
			pos++
		}
	}
	c.native = out
	return out
}

// nativeFractions[s][k] is 2^(k/2^s - 1), the mantissa of the k-th bucket
// boundary within a power of two at schema s. It is computed the way
// client_golang's nativeHistogramBounds table was generated (each schema
// multiplies by 2^(2^-s) and reuses the coarser schema's values for every
// other bound), because math.Exp2(k/2^s - 1) is off by an ulp or two for
// some k, and a bound must equal the target's bit for bit.
var nativeFractions = func() [9][]float64 {
	var f [9][]float64
	numBuckets := 1
	for s := range f {
		bounds := []float64{0.5}
		factor := math.Exp2(math.Exp2(float64(-s)))
		for j := 0; j < numBuckets-1; j++ {
			if (j+1)%2 == 0 {
				bounds = append(bounds, f[s-1][j/2+1])
			} else {
				bounds = append(bounds, bounds[j]*factor)
			}
		}
		numBuckets *= 2
		f[s] = bounds
	}
	return f
}()

// nativeBound is the upper bound of bucket index at schema: 2^(index*2^-schema),
// computed as client_golang's getLe does, so that the last finite bucket ends
// at math.MaxFloat64 rather than +Inf.
func nativeBound(index, schema int32) float64 {
	if schema < 0 {
		exp := int(index) << -schema
		if exp == 1024 {
			return math.MaxFloat64
		}
		return math.Ldexp(1, exp)
	}
	frac := nativeFractions[schema][int(index)&(1<<schema-1)]
	exp := (int(index) >> schema) + 1
	if frac == 0.5 && exp == 1025 {
		return math.MaxFloat64
	}
	return math.Ldexp(frac, exp)
}
