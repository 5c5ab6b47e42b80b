package sanitize

import (
	"encoding/binary"
	"math/bits"
)

// What the one pass over a line found for the built-in rules to look at.
const (
	trigPair   = 1 << iota // a ':' or '=' after a secret's key ("password=")
	trigJWT                // "eyJ"
	trigBearer             // "bearer", any case
	trigURL                // "://", as in a URL's user:password@
)

// minCardRun is the fewest digits a card number has.
const minCardRun = 13

// Eight bytes at a time.
const (
	lo8 = 0x0101010101010101
	hi8 = 0x8080808080808080
)

// scan is the one pass over a line that decides which built-in rules run
// on it, so that a line with no trigger (nearly every line) costs a few
// operations per eight bytes and no rule at all. It reads eight bytes at a
// time, without a branch but one per word, and looks for
//
//   - a run of 13 or more digits, which may be a card number (card is
//     where the first such run starts, -1 when there is none): such a run
//     fills a word, or the top six bytes of one word and the low six of
//     the next;
//   - ':' and '=' after no digit ("12:00" is no key's end), each checked
//     for a secret's key before it ("password=", `"token": `);
//   - 'J' after "ey" (a JWT), 'b' or 'B' before "earer", "://" (a URL,
//     which may hold user:password@).
//
// The few words with a candidate go to scanState.word, which checks it.
// What it finds is still a candidate only: each rule checks its own.
func scan(p []byte) (flags uint8, card int) {
	st := scanState{card: -1}
	var prevDigits uint64
	i := 0
	for ; i+8 <= len(p); i += 8 {
		w := binary.LittleEndian.Uint64(p[i : i+8])
		x := w &^ hi8
		ge3a := x + (0x80-0x3a)*lo8 // high bit of each byte: x > '9'
		digits := (x + (0x80-0x30)*lo8) &^ ge3a &^ w & hi8
		// B, J, b and j differ only in bits 0x20 and 0x08; the zero-byte
		// test may also mark the byte above a zero byte (more words for
		// st.word, never fewer).
		t := w&^(0x28*lo8) ^ 0x42*lo8
		anchors := ge3a&^(x+(0x80-0x40)*lo8)&^w&^(digits<<8|prevDigits>>56) | (t-lo8)&^t
		run := digits == hi8 || prevDigits>>16&digits == hi8>>16
		if run || anchors&hi8 != 0 {
			st.word(p, i, run, anchors&hi8)
		}
		prevDigits = digits
	}
	for j := i; j < len(p); j++ {
		if c := p[j]; c >= ':' && c <= '?' || c&^0x28 == 0x42 {
			st.flags |= anchorAt(p, j)
		}
	}
	// A run that ends in the last bytes, which the loop read no word of,
	// reaches into the word before them.
	if st.card < 0 && i < len(p) && i > 0 && isDigit(p[i-1]) && isDigit(p[i]) {
		st.card = runAround(p, i-8, len(p))
	}
	return st.flags, st.card
}

// scanState is what scan finds.
type scanState struct {
	flags uint8
	card  int // where the first run of 13 digits or more starts, -1 none
}

// word checks the candidates scan found in the word at p[i:]: a run of
// digits in it and the word before (run), and the anchors (the high bits
// of the bytes to look at).
func (st *scanState) word(p []byte, i int, run bool, anchors uint64) {
	if run && st.card < 0 {
		st.card = runAround(p, i-8, i+8)
	}
	for anchors != 0 {
		k := i + bits.TrailingZeros64(anchors)>>3
		anchors &= anchors - 1
		st.flags |= anchorAt(p, k)
	}
}

// runAround returns where a run of 13 or more digits starts that has a
// digit in p[from:to], or -1.
func runAround(p []byte, from, to int) int {
	j := min(max(from, 0), len(p))
	for j > 0 && isDigit(p[j-1]) {
		j--
	}
	for j < to && j < len(p) {
		if !isDigit(p[j]) {
			j++
			continue
		}
		n := 0
		for j+n < len(p) && isDigit(p[j+n]) {
			n++
		}
		if n >= minCardRun {
			return j
		}
		j += n
	}
	return -1
}

// anchorAt checks the byte at p[k] that scan stopped at and returns the
// rule it triggers, if any.
func anchorAt(p []byte, k int) uint8 {
	switch c := p[k]; c {
	case ':', '=':
		if c == ':' && k+2 < len(p) && p[k+1] == '/' && p[k+2] == '/' {
			return trigURL // maybe user:password@ after it
		}
		// A key ends in a letter or a quote: not "12:00".
		if k > 0 && p[k-1] >= 'A' && secretKeyBefore(p, k) || k > 0 && (p[k-1] == ' ' || p[k-1] == '"' || p[k-1] == '\'') && secretKeyBefore(p, k) {
			return trigPair
		}
	case 'J':
		if k >= 2 && p[k-2] == 'e' && p[k-1] == 'y' {
			return trigJWT
		}
	case 'b', 'B':
		if k+6 <= len(p) && lowerIs(p[k+1:k+6], "earer") {
			return trigBearer
		}
	}
	return 0
}

// lowerIs reports whether p, ASCII letters lowered, is word (lower case).
func lowerIs(p []byte, word string) bool {
	if len(p) != len(word) {
		return false
	}
	for i := range len(p) {
		c := p[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != word[i] {
			return false
		}
	}
	return true
}
