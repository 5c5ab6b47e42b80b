// Package cacheslot picks the slot of a value in the direct-mapped caches
// the parsers keep in front of their maps (interned values, labels,
// threads). It imports nothing of the project, so that any package may use
// it without reaching an adapter.
package cacheslot

import "encoding/binary"

// Bits sizes the caches: 256 entries, several times the distinct labels, codes or messages of
// most runs, so that few of them share a slot.
const Bits = 8

// Of picks the entry of b in a cache of 1<<Bits entries, from its length
// and its last eight bytes, where the values of a column differ ("GET /a"
// and "GET /b", "Thread Group 1-12", "#1" and "#2").
func Of(b []byte) int {
	h := uint64(len(b))
	if len(b) >= 8 {
		h ^= binary.LittleEndian.Uint64(b[len(b)-8:])
	} else {
		for _, c := range b {
			h = h<<8 | uint64(c)
		}
	}
	h *= 0x9e3779b97f4a7c15
	return int(h >> (64 - Bits))
}
