// Package sketch is a mergeable latency sketch with bounded relative error,
// so that the percentile of any window is computed by merging per-second
// sketches instead of keeping raw samples.
//
// It follows DDSketch (Masson, Rim, Lee, VLDB 2019): a value v > 0 falls in
// bucket ceil(log_gamma(v)) with gamma = (1+a)/(1-a), and every value in a
// bucket is within relative error a of the bucket's representative. Counts,
// sum, min and max are kept exactly beside the buckets. The package owns only
// this arithmetic; it must not know what a sample or a second is.
package sketch

import (
	"math"
)

// RelativeAccuracy is the sketch's relative error bound.
const RelativeAccuracy = 0.01

var (
	gamma       = (1 + RelativeAccuracy) / (1 - RelativeAccuracy)
	invLogGamma = 1 / math.Log(gamma)
	// minValue is the smallest value given its own bucket; smaller positive
	// values share the zero bucket (latencies are milliseconds: 1 µs is far
	// below anything measured).
	minValue = 1e-3
)

// Sketch summarises a set of non-negative values.
type Sketch struct {
	count  uint64
	zero   uint64 // values below minValue
	sum    float64
	min    float64
	max    float64
	offset int      // bucket index of counts[0]
	counts []uint32 // dense buckets from offset
}

// New returns an empty sketch.
func New() *Sketch { return &Sketch{} }

func index(v float64) int { return int(math.Ceil(math.Log(v) * invLogGamma)) }

// value returns the representative of bucket i, the point that minimises the
// relative error over the bucket (gamma^(i-1), gamma^i].
func value(i int) float64 { return 2 * math.Pow(gamma, float64(i)) / (gamma + 1) }

// Add records v (negative values count as zero).
func (s *Sketch) Add(v float64) { s.AddN(v, 1) }

// AddN records n copies of v.
func (s *Sketch) AddN(v float64, n uint32) {
	if n == 0 || math.IsNaN(v) {
		return
	}
	if v < 0 {
		v = 0
	}
	if s.count == 0 || v < s.min {
		s.min = v
	}
	if s.count == 0 || v > s.max {
		s.max = v
	}
	s.count += uint64(n)
	s.sum += v * float64(n)
	if v < minValue {
		s.zero += uint64(n)
		return
	}
	s.bump(index(v), n)
}

func (s *Sketch) bump(i int, n uint32) {
	if len(s.counts) == 0 {
		s.offset = i
		s.counts = append(s.counts[:0], 0)
	}
	if i < s.offset {
		// Grow the front with headroom (half the current length again), so
		// values arriving in falling order do not copy the buckets each time.
		grow := s.offset - i + len(s.counts)/2 + 4
		counts := make([]uint32, len(s.counts)+grow, len(s.counts)+grow+8)
		copy(counts[grow:], s.counts)
		s.counts = counts
		s.offset -= grow
	}
	j := i - s.offset
	for j >= len(s.counts) {
		s.counts = append(s.counts, 0)
	}
	s.counts[j] += n
}

// Merge adds every value of o to s.
func (s *Sketch) Merge(o *Sketch) {
	if o == nil || o.count == 0 {
		return
	}
	if s.count == 0 || o.min < s.min {
		s.min = o.min
	}
	if s.count == 0 || o.max > s.max {
		s.max = o.max
	}
	s.count += o.count
	s.zero += o.zero
	s.sum += o.sum
	if len(o.counts) == 0 {
		return
	}
	if len(s.counts) == 0 {
		s.offset = o.offset
		s.counts = append(s.counts[:0], o.counts...)
		return
	}
	// Make room at both ends once, then add.
	lo, hi := min(s.offset, o.offset), max(s.offset+len(s.counts), o.offset+len(o.counts))
	if lo < s.offset || hi > s.offset+len(s.counts) {
		counts := make([]uint32, hi-lo)
		copy(counts[s.offset-lo:], s.counts)
		s.counts, s.offset = counts, lo
	}
	dst := s.counts[o.offset-s.offset:]
	for k, c := range o.counts {
		dst[k] += c
	}
}

// Reset empties the sketch, keeping its memory.
func (s *Sketch) Reset() {
	clear(s.counts)
	*s = Sketch{counts: s.counts[:0]}
}

// Count returns how many values were added.
func (s *Sketch) Count() uint64 { return s.count }

// Sum returns the exact sum of the values.
func (s *Sketch) Sum() float64 { return s.sum }

// Min returns the exact smallest value (0 when empty).
func (s *Sketch) Min() float64 { return s.min }

// Max returns the exact largest value (0 when empty).
func (s *Sketch) Max() float64 { return s.max }

// Mean returns the exact mean (NaN when empty).
func (s *Sketch) Mean() float64 {
	if s.count == 0 {
		return math.NaN()
	}
	return s.sum / float64(s.count)
}

// Quantile returns the nearest-rank q-quantile (the ceil(q*n)-th smallest
// value), within the relative accuracy; NaN when empty. q=0 is the minimum
// and q=1 the maximum, both exact.
func (s *Sketch) Quantile(q float64) float64 {
	if s.count == 0 || math.IsNaN(q) {
		return math.NaN()
	}
	if q <= 0 {
		return s.min
	}
	if q >= 1 {
		return s.max
	}
	rank := uint64(math.Ceil(q * float64(s.count)))
	if rank < 1 {
		rank = 1
	}
	if rank <= s.zero {
		return s.min
	}
	seen := s.zero
	for j, c := range s.counts {
		seen += uint64(c)
		if seen >= rank {
			v := value(j + s.offset)
			// The representative can overshoot the exact extremes.
			return math.Min(math.Max(v, s.min), s.max)
		}
	}
	return s.max
}

// Bins calls f for every non-empty bucket in increasing order with the
// bucket's representative value and count (the zero bucket first), so that
// callers can run rank tests on two sketches.
func (s *Sketch) Bins(f func(value float64, count uint64)) {
	if s.zero > 0 {
		f(0, s.zero)
	}
	for j, c := range s.counts {
		if c > 0 {
			f(value(j+s.offset), uint64(c))
		}
	}
}

// Bytes estimates the memory the sketch holds, for the store's budget.
func (s *Sketch) Bytes() int { return 64 + 4*cap(s.counts) }
