package store

import (
	"math"
	"math/bits"

	"github.com/sobang/sobang/sources/store/calc"
)

// A series' points are kept as Prometheus' TSDB keeps them (the "XOR"
// chunk of Gorilla, Pelkonen et al. 2015): chunks of chunkPoints points,
// each timestamp written as the change of its distance from the one before
// (one bit when a target is scraped on time) and each value as the XOR
// with the one before (one bit when it did not move). A scrape a second of
// counters and gauges costs one to three bytes a point instead of the 16
// of a calc.Point, which is what lets hours of a 50,000-series target stay
// in memory. Points are decoded back into calc.Points for the queries, only
// over the range a query reads.

// chunkPoints is how many points a chunk holds before it is sealed: as in
// Prometheus, 120 (two minutes of one-second scrapes), short enough that
// reading around one instant decodes little, long enough that the chunk's
// own fields cost well under a byte a point.
const chunkPoints = 120

// chunk is a sealed run of points.
type chunk struct {
	minT, maxT int64
	b          []byte
	n          int32
}

// bitWriter appends bits to b, most significant first.
type bitWriter struct {
	b    []byte
	free uint8 // unused low bits of the last byte
}

func (w *bitWriter) writeBit(bit bool) {
	if w.free == 0 {
		w.b = append(w.b, 0)
		w.free = 8
	}
	w.free--
	if bit {
		w.b[len(w.b)-1] |= 1 << w.free
	}
}

// writeBits writes the low n bits of u.
func (w *bitWriter) writeBits(u uint64, n int) {
	for n > 0 {
		if w.free == 0 {
			w.b = append(w.b, 0)
			w.free = 8
		}
		take := min(n, int(w.free))
		part := byte(u>>(n-take)) & (1<<take - 1)
		w.free -= uint8(take)
		w.b[len(w.b)-1] |= part << w.free
		n -= take
	}
}

// bitReader reads what a bitWriter wrote, through a 64-bit window so that
// most reads are a shift.
type bitReader struct {
	b     []byte
	next  int    // next byte of b to load
	buf   uint64 // the loaded bits, left-aligned
	valid int    // how many bits of buf are loaded
}

func (r *bitReader) refill() {
	for r.valid <= 56 && r.next < len(r.b) {
		r.buf |= uint64(r.b[r.next]) << (56 - r.valid)
		r.next++
		r.valid += 8
	}
}

func (r *bitReader) readBit() bool {
	if r.valid == 0 {
		r.refill()
	}
	bit := r.buf>>63 != 0
	r.buf <<= 1
	r.valid--
	return bit
}

func (r *bitReader) readBits(n int) uint64 {
	if n > 32 {
		hi := r.readBits(n - 32)
		return hi<<32 | r.readBits(32)
	}
	if n <= r.valid {
		u := r.buf >> (64 - n)
		r.buf <<= n
		r.valid -= n
		return u
	}
	// The window holds the first part: take it, load, take the rest
	// (at most 32 bits, which a refill always loads when written).
	have := r.valid
	u := r.buf >> (64 - have)
	r.buf, r.valid = 0, 0
	r.refill()
	rest := n - have
	u = u<<rest | r.buf>>(64-rest)
	r.buf <<= rest
	r.valid -= rest
	return u
}

// pointAppender is the open chunk of a series and the state its next point
// is encoded against.
type pointAppender struct {
	w                 bitWriter
	n                 int32
	minT, t, delta    int64
	v                 float64
	leading, trailing uint8
}

// The timestamp classes of Prometheus' XOR chunk: a change of delta that
// fits in 14, 17 or 20 bits takes a 2-, 3- or 4-bit prefix, any other the
// whole 64 bits.
var dodClasses = [...]struct {
	prefix uint64
	plen   int
	size   int
}{{0b10, 2, 14}, {0b110, 3, 17}, {0b1110, 4, 20}}

func fitsBits(x int64, n int) bool {
	return -(int64(1)<<(n-1)-1) <= x && x <= int64(1)<<(n-1)
}

// append encodes one point; t is later than the previous one.
func (a *pointAppender) append(t int64, v float64) {
	if a.n == 0 {
		a.w.writeBits(uint64(t), 64)
		a.w.writeBits(math.Float64bits(v), 64)
		a.minT, a.t, a.delta, a.v, a.leading, a.trailing = t, t, 0, v, 0xff, 0
		a.n = 1
		return
	}
	delta := t - a.t
	a.writeDod(delta - a.delta)
	a.writeXOR(math.Float64bits(v) ^ math.Float64bits(a.v))
	a.t, a.delta, a.v = t, delta, v
	a.n++
}

func (a *pointAppender) writeDod(dod int64) {
	if dod == 0 {
		a.w.writeBit(false)
		return
	}
	for _, c := range dodClasses {
		if fitsBits(dod, c.size) {
			a.w.writeBits(c.prefix, c.plen)
			a.w.writeBits(uint64(dod), c.size)
			return
		}
	}
	a.w.writeBits(0b1111, 4)
	a.w.writeBits(uint64(dod), 64)
}

func (a *pointAppender) writeXOR(x uint64) {
	if x == 0 {
		a.w.writeBit(false)
		return
	}
	a.w.writeBit(true)
	leading := uint8(min(bits.LeadingZeros64(x), 31))
	trailing := uint8(bits.TrailingZeros64(x))
	if a.leading != 0xff && leading >= a.leading && trailing >= a.trailing {
		// The meaningful bits fit in the previous window: no header.
		a.w.writeBit(false)
		a.w.writeBits(x>>a.trailing, 64-int(a.leading)-int(a.trailing))
		return
	}
	a.leading, a.trailing = leading, trailing
	a.w.writeBit(true)
	a.w.writeBits(uint64(leading), 5)
	sig := 64 - int(leading) - int(trailing)
	// 64 meaningful bits do not fit in 6; they are written as 0, which
	// no XOR other than 0 (written above) has.
	a.w.writeBits(uint64(sig), 6)
	a.w.writeBits(x>>trailing, sig)
}

// seal returns the open chunk, its bytes copied to their exact length, and
// starts a new one.
func (a *pointAppender) seal() chunk {
	c := chunk{minT: a.minT, maxT: a.t, b: append([]byte(nil), a.w.b...), n: a.n}
	a.w.b, a.w.free, a.n = a.w.b[:0], 0, 0
	return c
}

// open is the open chunk as a chunk to read; its bytes are shared.
func (a *pointAppender) open() chunk {
	return chunk{minT: a.minT, maxT: a.t, b: a.w.b, n: a.n}
}

// appendChunk decodes c's points onto dst.
func appendChunk(dst []calc.Point, c chunk) []calc.Point {
	if c.n == 0 {
		return dst
	}
	r := bitReader{b: c.b}
	t := int64(r.readBits(64))
	v := math.Float64frombits(r.readBits(64))
	dst = append(dst, calc.Point{T: t, V: v})
	var delta int64
	var leading, trailing int
	for i := int32(1); i < c.n; i++ {
		delta += readDod(&r)
		t += delta
		if r.readBit() {
			if r.readBit() {
				leading = int(r.readBits(5))
				sig := int(r.readBits(6))
				if sig == 0 {
					sig = 64
				}
				trailing = 64 - leading - sig
			}
			x := r.readBits(64-leading-trailing) << trailing
			v = math.Float64frombits(math.Float64bits(v) ^ x)
		}
		dst = append(dst, calc.Point{T: t, V: v})
	}
	return dst
}

func readDod(r *bitReader) int64 {
	if !r.readBit() {
		return 0
	}
	size := 64
	for _, c := range dodClasses {
		if !r.readBit() {
			size = c.size
			break
		}
	}
	u := r.readBits(size)
	if size < 64 && u > 1<<(size-1) {
		return int64(u) - int64(1)<<size
	}
	return int64(u)
}
