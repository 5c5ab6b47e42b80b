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
	"slices"
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
//
// Its buckets start sparse: while a sketch holds values in at most
// sparseMax distinct buckets, each of at most 65535 values, counts holds one
// packed entry per bucket (the index biased by 1<<15 in the high half, the
// count in the low half, sorted), which keeps the many small per-label,
// per-second sketches of a long run at a few dozen bytes. Past that the
// buckets turn dense: counts[j] is bucket offset+j.
type Sketch struct {
	count  uint64
	zero   uint64 // values below minValue
	sum    float64
	min    float64
	max    float64
	offset int32    // dense: bucket index of counts[0]
	sparse bool     // counts holds packed entries
	counts []uint32 // dense buckets from offset, or sparse entries
}

const (
	// sparseMax is the most entries a sparse sketch holds (128 bytes).
	sparseMax = 32
	// sparseBias maps a bucket index into the entry's unsigned high half.
	sparseBias = 1 << 15
	// sparseCountMax is the largest count an entry holds.
	sparseCountMax = 1<<16 - 1
)

func pack(i int, c uint32) uint32 { return uint32(i+sparseBias)<<16 | c }

func unpack(e uint32) (int, uint32) { return int(e>>16) - sparseBias, e & sparseCountMax }

// New returns an empty sketch.
func New() *Sketch { return &Sketch{} }

// intIndex holds the bucket index of every whole millisecond below
// len(intIndex), the values load tests write, so that most adds skip the
// logarithm.
var intIndex = func() []int16 {
	t := make([]int16, 1<<14)
	for v := 1; v < len(t); v++ {
		t[v] = int16(logIndex(float64(v)))
	}
	return t
}()

func logIndex(v float64) int { return int(math.Ceil(math.Log(v) * invLogGamma)) }

func index(v float64) int {
	if v >= 1 && v < float64(len(intIndex)) {
		if i := int(v); float64(i) == v {
			return int(intIndex[i])
		}
	}
	return logIndex(v)
}

// value returns the representative of bucket i, the point that minimises the
// relative error over the bucket (gamma^(i-1), gamma^i].
func value(i int) float64 { return 2 * math.Pow(gamma, float64(i)) / (gamma + 1) }

// Add records v (negative values count as zero).
func (s *Sketch) Add(v float64) { s.AddN(v, 1) }

// AddInt records the whole value v, as Add(float64(v)) does. It is the
// per-sample path of load tests (whole milliseconds): a value whose bucket a
// dense sketch already spans is one table look-up and one increment, with
// no logarithm, NaN test or search of sparse entries.
func (s *Sketch) AddInt(v int64) {
	if v < 1 || v >= int64(len(intIndex)) || s.count == 0 {
		s.AddN(float64(v), 1)
		return
	}
	f := float64(v)
	if f < s.min {
		s.min = f
	}
	if f > s.max {
		s.max = f
	}
	s.count++
	s.sum += f
	i := int(intIndex[v])
	if s.sparse {
		// Indices of whole values below len(intIndex) fit an entry's half.
		key := uint32(i+sparseBias) << 16
		for k, e := range s.counts {
			if e >= key {
				if e&^sparseCountMax == key && e&sparseCountMax < sparseCountMax {
					s.counts[k]++
					return
				}
				break
			}
		}
	} else if j := i - int(s.offset); uint(j) < uint(len(s.counts)) {
		s.counts[j]++
		return
	}
	s.bump(i, 1)
}

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

// bump adds n to bucket i.
func (s *Sketch) bump(i int, n uint32) {
	if len(s.counts) == 0 {
		if n <= sparseCountMax && i > -sparseBias && i < sparseBias {
			s.sparse = true
			if cap(s.counts) == 0 {
				// Room for a few buckets at once: a second of one label
				// often has several, and growing one entry at a time
				// allocates at 1, 2 and 4.
				s.counts = make([]uint32, 0, 4)
			}
			s.counts = append(s.counts[:0], pack(i, n))
			return
		}
		s.sparse = false
		s.offset = int32(i)
		s.counts = append(s.counts[:0], 0)
	}
	if s.sparse && s.bumpSparse(i, n) {
		return
	}
	if i < int(s.offset) {
		// Grow the front with headroom (half the current length again), so
		// values arriving in falling order do not copy the buckets each time.
		grow := int(s.offset) - i + len(s.counts)/2 + 4
		counts := make([]uint32, len(s.counts)+grow, len(s.counts)+grow+8)
		copy(counts[grow:], s.counts)
		s.counts = counts
		s.offset -= int32(grow)
	}
	j := i - int(s.offset)
	for j >= len(s.counts) {
		s.counts = append(s.counts, 0)
	}
	s.counts[j] += n
}

// bumpSparse adds n to bucket i of a sparse sketch and reports whether it
// could; when it could not, the sketch has turned dense.
func (s *Sketch) bumpSparse(i int, n uint32) bool {
	if i > -sparseBias && i < sparseBias {
		key := uint32(i+sparseBias) << 16
		k := 0
		for k < len(s.counts) && s.counts[k] < key {
			k++
		}
		if k < len(s.counts) && s.counts[k]&^sparseCountMax == key {
			if s.counts[k]&sparseCountMax+n <= sparseCountMax {
				s.counts[k] += n
				return true
			}
		} else if len(s.counts) < sparseMax && n <= sparseCountMax {
			s.counts = slices.Insert(s.counts, k, key|n)
			return true
		}
	}
	s.densify()
	return false
}

// densify turns a sparse sketch dense.
func (s *Sketch) densify() {
	if !s.sparse {
		return
	}
	s.sparse = false
	if len(s.counts) == 0 {
		return
	}
	lo, _ := unpack(s.counts[0])
	hi, _ := unpack(s.counts[len(s.counts)-1])
	dense := make([]uint32, hi-lo+1)
	for _, e := range s.counts {
		i, c := unpack(e)
		dense[i-lo] = c
	}
	s.counts, s.offset = dense, int32(lo)
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
		s.offset, s.sparse = o.offset, o.sparse
		s.counts = append(s.counts[:0], o.counts...)
		return
	}
	if o.sparse {
		for _, e := range o.counts {
			i, c := unpack(e)
			s.bump(i, c)
		}
		return
	}
	s.densify()
	// Make room at both ends once, then add.
	off, ooff := int(s.offset), int(o.offset)
	lo, hi := min(off, ooff), max(off+len(s.counts), ooff+len(o.counts))
	if lo < off || hi > off+len(s.counts) {
		counts := make([]uint32, hi-lo)
		copy(counts[off-lo:], s.counts)
		s.counts, s.offset = counts, int32(lo)
	}
	dst := s.counts[ooff-int(s.offset):]
	for k, c := range o.counts {
		dst[k] += c
	}
}

// bins calls f for every non-empty bucket in increasing order with its index
// and count, until f returns false.
func (s *Sketch) bins(f func(i int, c uint32) bool) {
	if s.sparse {
		for _, e := range s.counts {
			if !f(unpack(e)) {
				return
			}
		}
		return
	}
	for j, c := range s.counts {
		if c > 0 && !f(j+int(s.offset), c) {
			return
		}
	}
}

// Compact gives back the memory a sketch holds beyond its buckets, for a
// sketch that is rarely added to any more (a second long past): a dense
// sketch keeps headroom at both ends and every empty bucket between its
// values (a second's requests from 5 ms to a minute span some 500 buckets,
// 2 KB, of which a hundred hold a value), so it becomes sparse entries, one
// per non-empty bucket, or a dense range trimmed to its values when that is
// smaller or an entry's count would overflow. A sparse sketch holds then
// more than sparseMax entries; the next add of a value in a new bucket
// turns it dense again. Quantiles, bins and merges are unchanged.
func (s *Sketch) Compact() {
	if s.sparse {
		if cap(s.counts)-len(s.counts) >= 4 {
			s.counts = slices.Clip(append([]uint32(nil), s.counts...))
		}
		return
	}
	lo, hi, nonzero, fits := -1, -1, 0, true
	for j, c := range s.counts {
		if c == 0 {
			continue
		}
		if lo < 0 {
			lo = j
		}
		hi, nonzero = j, nonzero+1
		fits = fits && c <= sparseCountMax
	}
	if nonzero == 0 {
		s.counts, s.offset = nil, 0
		return
	}
	first, last := lo+int(s.offset), hi+int(s.offset)
	if fits && nonzero < hi-lo+1 && first > -sparseBias && last < sparseBias {
		entries := make([]uint32, 0, nonzero)
		for j, c := range s.counts[lo : hi+1] {
			if c > 0 {
				entries = append(entries, pack(first+j, c))
			}
		}
		s.counts, s.offset, s.sparse = entries, 0, true
		return
	}
	if lo > 0 || hi+1 < cap(s.counts) {
		s.counts = slices.Clip(append([]uint32(nil), s.counts[lo:hi+1]...))
		s.offset = int32(first)
	}
}

// BucketBytes returns the memory the sketch's buckets take, room included.
func (s *Sketch) BucketBytes() int { return cap(s.counts) * 4 }

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
	v := s.max
	s.bins(func(i int, c uint32) bool {
		seen += uint64(c)
		if seen >= rank {
			// The representative can overshoot the exact extremes.
			v = math.Min(math.Max(value(i), s.min), s.max)
			return false
		}
		return true
	})
	return v
}

// Bins calls f for every non-empty bucket in increasing order with the
// bucket's representative value and count (the zero bucket first), so that
// callers can run rank tests on two sketches.
func (s *Sketch) Bins(f func(value float64, count uint64)) {
	if s.zero > 0 {
		f(0, s.zero)
	}
	s.bins(func(i int, c uint32) bool {
		f(value(i), uint64(c))
		return true
	})
}
