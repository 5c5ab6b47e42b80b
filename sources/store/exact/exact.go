// Package exact counts whole-millisecond latencies one by one, so that a
// percentile is the nearest-rank value itself, a value some sample had,
// where the sketch (store/sketch) can only promise 1%: a gate on
// `p95<8ms` must fail on a true 8 ms, which the sketch reports as 7.92.
//
// Load tests that write whole milliseconds (JMeter, Gatling) hold few
// distinct values, mostly small, so a dense array of counts indexed by the
// value covers nearly every sample with one increment, and a map holds the
// rare long ones. The package owns only this arithmetic; it must not know
// what a sample, a label or a window is.
package exact

import (
	"maps"
	"math"
	"math/bits"
	"slices"
)

// DenseMax is one past the largest value counted in the dense array; larger
// values (over 8 s) go to a map. At 8 bytes a count (which cannot overflow,
// so the increment needs no check and inlines) a histogram's array grows
// to at most 64 KiB, only as far as its largest value needs.
const DenseMax = 1 << 13

// Histogram counts non-negative whole numbers exactly. Its zero value is
// empty and ready to use.
type Histogram struct {
	dense []uint64         // dense[v] counts v, for v < DenseMax
	big   map[int64]uint64 // values of DenseMax and more
}

// Add counts v once (a negative v counts as 0, as in the sketch). Its
// common case, a value inside the array, is an increment small enough to
// be inlined.
func (h *Histogram) Add(v int64) {
	if uint64(v) < uint64(len(h.dense)) {
		h.dense[v]++
		return
	}
	h.addSlow(v)
}

// addSlow counts a value past the array (which grows to the next power of
// two, so a run's values settle it in a few steps), past DenseMax (the
// map), or a negative one.
//
//go:noinline
func (h *Histogram) addSlow(v int64) {
	switch {
	case v < 0:
		h.Add(0)
	case v < DenseMax:
		size := max(64, 1<<bits.Len64(uint64(v)))
		h.dense = append(h.dense, make([]uint64, size-len(h.dense))...)
		h.dense[v]++
	default:
		if h.big == nil {
			h.big = map[int64]uint64{}
		}
		h.big[v]++
	}
}

// Count returns how many values were added.
func (h *Histogram) Count() uint64 {
	var n uint64
	for _, c := range h.dense {
		n += c
	}
	for _, c := range h.big {
		n += c
	}
	return n
}

// Counts returns the distribution as it stands, which later adds do not
// change.
func (h *Histogram) Counts() *Counts {
	c := &Counts{}
	var cum uint64
	for v, n := range h.dense {
		if n != 0 {
			cum += n
			c.values = append(c.values, int64(v))
			c.cum = append(c.cum, cum)
		}
	}
	// The map holds only values past the array.
	for _, v := range slices.Sorted(maps.Keys(h.big)) {
		cum += h.big[v]
		c.values = append(c.values, v)
		c.cum = append(c.cum, cum)
	}
	return c
}

// Counts is a frozen distribution: its distinct values in increasing order
// and how many values are at most each.
type Counts struct {
	values []int64
	cum    []uint64
}

// Count returns how many values the distribution holds.
func (c *Counts) Count() uint64 {
	if c == nil || len(c.cum) == 0 {
		return 0
	}
	return c.cum[len(c.cum)-1]
}

// Quantile returns the nearest-rank q-quantile: the smallest value v such
// that at least ceil(q*n) of the n values are at most v (the minimum for
// q <= 0, the maximum for q >= 1); NaN when empty.
func (c *Counts) Quantile(q float64) float64 {
	n := c.Count()
	if n == 0 || math.IsNaN(q) {
		return math.NaN()
	}
	r := Rank(q, n)
	i, _ := slices.BinarySearch(c.cum, r)
	return float64(c.values[i])
}

// rankScale is the resolution at which Rank reads q: 1e-9 keeps p99.9999
// and loses nothing a percentile is written with.
const rankScale = 1_000_000_000

// Rank is the nearest rank of the q-quantile among n values, ceil(q*n)
// clamped to [1, n], computed in integers: in floating point 0.07*100 is
// 7.000000000000001 and its ceiling one rank too far.
func Rank(q float64, n uint64) uint64 {
	if n == 0 {
		return 0
	}
	if q <= 0 || math.IsNaN(q) {
		return 1
	}
	if q >= 1 {
		return n
	}
	scaled := uint64(math.Round(q * rankScale))
	hi, lo := bits.Mul64(scaled, n)
	r, rem := bits.Div64(hi, lo, rankScale) // hi < rankScale: no overflow
	if rem != 0 {
		r++
	}
	return min(max(r, 1), n)
}
