// Package sanitize turns one raw log line into text that is safe to hand to
// a terminal: it interprets nothing, shows every control character as a
// visible picture and drops every escape sequence.
//
// Log text is hostile: OSC 52 writes the clipboard,
// OSC 0/2 sets the window title, device queries make the terminal type bytes
// into our stdin, which Bubble Tea would read as key presses. So a line is
// sanitised once, at ingest, and only the result is ever stored or drawn:
//
//   - escape sequences (CSI including SGR, OSC, DCS, SOS, PM, APC, two-byte
//     ESC forms) are parsed with an ECMA-48 state machine and dropped; a
//     string sequence ends at BEL, ST or the end of the line, so an
//     unterminated OSC cannot swallow the next line;
//   - C0 controls except TAB become Control Pictures (U+2400+x), DEL becomes
//     ␡, C1 controls (U+0080–U+009F) become "<U+009B>";
//   - bidi controls and zero-width characters become markers like ⟨RLO⟩,
//     so a line cannot look different from its bytes (Trojan Source);
//   - each byte of invalid UTF-8 becomes U+FFFD;
//   - tabs are expanded to stops every TabWidth columns;
//   - the result is capped at MaxBytes, then CutMark is appended.
//
// The common case, a line of printable ASCII, is copied as it is.
package sanitize

import (
	"unicode/utf8"

	"github.com/rivo/uniseg"
)

const (
	// TabWidth is the distance between tab stops.
	TabWidth = 8
	// MaxBytes caps the display text of one line; a longer line is cut
	// there (on a character boundary) and CutMark is appended. Nobody reads
	// 64 KiB of one line in a pane, and the cap bounds the work per line.
	MaxBytes = 64 << 10
	// CutMark ends a line that was cut at MaxBytes.
	CutMark = "…[cut]"
)

// Printable reports whether raw is all printable ASCII (0x20–0x7E), the
// fast path that needs no change.
func Printable[T ~string | ~[]byte](raw T) bool {
	// Eight bytes at a time: a byte is outside 0x20–0x7E when it is below
	// 0x20, is 0x7F, or has its high bit set.
	const (
		lo = 0x0101010101010101
		hi = 0x8080808080808080
	)
	i := 0
	for ; i+8 <= len(raw); i += 8 {
		w := uint64(raw[i]) | uint64(raw[i+1])<<8 | uint64(raw[i+2])<<16 | uint64(raw[i+3])<<24 |
			uint64(raw[i+4])<<32 | uint64(raw[i+5])<<40 | uint64(raw[i+6])<<48 | uint64(raw[i+7])<<56
		// below 0x20: (w - 0x20..) borrows into the high bit; 0x7F: w+1 reaches 0x80.
		if (w|(w-0x20*lo)|(w+lo))&hi != 0 {
			return false
		}
	}
	for ; i < len(raw); i++ {
		if c := raw[i]; c < 0x20 || c >= 0x7f {
			return false
		}
	}
	return true
}

// String returns the display-safe form of raw and how many escape sequences
// were removed. A line of printable ASCII costs only the string itself.
func String(raw []byte) (s string, removed int) {
	if len(raw) <= MaxBytes && Printable(raw) {
		return string(raw), 0
	}
	out, removed := Line(make([]byte, 0, len(raw)+16), raw, TabWidth)
	return string(out), removed
}

// Line appends the display-safe form of raw to dst and returns the extended
// slice and the number of escape sequences it removed. tabWidth <= 0 means
// TabWidth. Tab stops are counted from the start of the appended text.
func Line(dst, raw []byte, tabWidth int) (out []byte, removed int) {
	if len(raw) <= MaxBytes && Printable(raw) {
		return append(dst, raw...), 0
	}
	if tabWidth <= 0 {
		tabWidth = TabWidth
	}
	w := writer{out: dst, base: len(dst), colMark: len(dst)}
	i := 0
	for i < len(raw) && !w.full {
		c := raw[i]
		switch {
		case c >= 0x20 && c < 0x7f:
			j := i + 1
			for j < len(raw) && raw[j] >= 0x20 && raw[j] < 0x7f {
				j++
			}
			w.ascii(raw[i:j])
			i = j
		case c == '\t':
			w.spaces(tabWidth - w.column()%tabWidth)
			i++
		case c == 0x1b:
			end, ok := escapeEnd(raw, i)
			if !ok {
				w.mark(pictures[c])
				i++
				continue
			}
			removed++
			i = end
		case c < 0x20:
			w.mark(pictures[c])
			i++
		case c == 0x7f:
			w.mark("\u2421")
			i++
		default:
			r, size := utf8.DecodeRune(raw[i:])
			switch {
			case r == utf8.RuneError && size <= 1:
				w.mark("\uFFFD")
			case r < 0xa0:
				w.mark(c1Marks[r-0x80])
			default:
				if m := invisible(r); m != "" {
					w.mark(m)
				} else {
					w.wideBytes(raw[i : i+size])
				}
			}
			i += size
		}
	}
	return w.out, removed
}

// writer appends display text, keeping the column for tab expansion and
// the MaxBytes cap.
type writer struct {
	out  []byte
	base int // len(out) before this line
	full bool
	// The column at out[colMark] is col; text after colMark is measured
	// only when a tab needs it and non-ASCII was written since (wideSince).
	colMark   int
	col       int
	wideSince bool
}

// avail is how many more bytes fit under MaxBytes.
func (w *writer) avail() int { return MaxBytes - (len(w.out) - w.base) }

func (w *writer) cut() {
	w.out = append(w.out, CutMark...)
	w.full = true
}

func (w *writer) ascii(p []byte) {
	if n := w.avail(); len(p) > n {
		w.out = append(w.out, p[:n]...)
		w.cut()
		return
	}
	w.out = append(w.out, p...)
}

func (w *writer) spaces(n int) {
	if n > w.avail() {
		w.cut()
		return
	}
	for ; n > 0; n-- {
		w.out = append(w.out, ' ')
	}
}

// mark appends one of our own markers (a control picture, U+FFFD, ⟨RLO⟩):
// its display width is one column per rune, so it needs no measuring. It is
// never split by the cap.
func (w *writer) mark(s string) {
	if len(s) > w.avail() {
		w.cut()
		return
	}
	w.out = append(w.out, s...)
	if !w.wideSince {
		// column() counts bytes after colMark as columns: correct for them.
		w.col += utf8.RuneCountInString(s) - len(s)
	}
}

// wideBytes appends one character of the input that is not ASCII; its
// width is measured when a tab needs the column.
func (w *writer) wideBytes(p []byte) {
	if len(p) > w.avail() {
		w.cut()
		return
	}
	if !w.wideSince {
		// Settle the column up to here, so that only text from this
		// character on is measured, and our markers before it (already
		// accounted for by mark) are not counted twice.
		w.col += len(w.out) - w.colMark
		w.colMark = len(w.out)
		w.wideSince = true
	}
	w.out = append(w.out, p...)
}

// column returns the display column at the end of the text written so far.
func (w *writer) column() int {
	if w.wideSince {
		w.col += Width(w.out[w.colMark:])
		w.colMark = len(w.out)
		w.wideSince = false
	}
	return w.col + len(w.out) - w.colMark
}

// Width returns the display width of sanitised text in terminal columns,
// counting grapheme clusters as uniseg does (East Asian wide characters and
// emoji take two columns).
func Width(p []byte) int {
	n := 0
	for i := 0; i < len(p); {
		if p[i] < utf8.RuneSelf {
			n++
			i++
			continue
		}
		// Measure the non-ASCII run cluster by cluster; a cluster may
		// start with ASCII only as its first rune, which the loop above
		// has already counted, so this stays exact for sanitised text.
		j := i
		for j < len(p) && p[j] >= utf8.RuneSelf {
			j++
		}
		state := -1
		rest := p[i:j]
		for len(rest) > 0 {
			var w int
			_, rest, w, state = uniseg.FirstGraphemeCluster(rest, state)
			n += w
		}
		i = j
	}
	return n
}
