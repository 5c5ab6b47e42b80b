package sanitize

import (
	"fmt"
	"unicode/utf8"
)

// escapeEnd returns the index just past the escape sequence that starts
// with the ESC at raw[i], following ECMA-48: CSI is parameter bytes
// 0x30–0x3F, intermediate bytes 0x20–0x2F and one final byte 0x40–0x7E;
// OSC, DCS, SOS, PM and APC are strings ended by BEL, ST (ESC \ or U+009C)
// or the end of the line; nF forms are intermediates then a final byte;
// any other ESC x with x in 0x30–0x7E is a two-byte form.
//
// A sequence broken by a byte it cannot contain ends just before that byte,
// which is then read as text: everything consumed is dropped either way.
// ok is false for an ESC that starts no sequence (at the end of the line or
// before a control or non-ASCII byte); the caller shows it as ␛.
func escapeEnd(raw []byte, i int) (end int, ok bool) {
	if i+1 >= len(raw) {
		return 0, false
	}
	j := i + 2
	switch c := raw[i+1]; {
	case c == '[': // CSI
		for j < len(raw) && raw[j] >= 0x30 && raw[j] <= 0x3f {
			j++
		}
		for j < len(raw) && raw[j] >= 0x20 && raw[j] <= 0x2f {
			j++
		}
		if j < len(raw) && raw[j] >= 0x40 && raw[j] <= 0x7e {
			return j + 1, true
		}
		return j, true
	case c == ']' || c == 'P' || c == 'X' || c == '^' || c == '_': // OSC, DCS, SOS, PM, APC
		return stringEnd(raw, j), true
	case c >= 0x20 && c <= 0x2f: // nF: ESC ( 0, ESC # 8, ...
		for j < len(raw) && raw[j] >= 0x20 && raw[j] <= 0x2f {
			j++
		}
		if j < len(raw) && raw[j] >= 0x30 && raw[j] <= 0x7e {
			return j + 1, true
		}
		return j, true
	case c >= 0x30 && c <= 0x7e: // ESC 7, ESC c, ESC M, a stray ESC \ ...
		return j, true
	}
	return 0, false
}

// stringEnd finds the end of a control string's body starting at j.
func stringEnd(raw []byte, j int) int {
	for ; j < len(raw); j++ {
		switch raw[j] {
		case 0x07: // BEL, as xterm accepts for OSC
			return j + 1
		case 0x1b:
			if j+1 < len(raw) && raw[j+1] == '\\' {
				return j + 2
			}
			// Any other ESC cancels the string and starts a new sequence.
			return j
		case 0xc2:
			if j+1 < len(raw) && raw[j+1] == 0x9c { // U+009C ST in UTF-8
				return j + 2
			}
		}
	}
	return j
}

// pictures holds the Control Pictures shown for C0 bytes (U+2400+x).
var pictures [0x20]string

// c1Marks holds the visible forms of the C1 controls U+0080–U+009F.
var c1Marks [0x20]string

func init() {
	for c := range pictures {
		pictures[c] = string(rune(0x2400 + c))
	}
	for c := range c1Marks {
		c1Marks[c] = fmt.Sprintf("<U+%04X>", 0x80+c)
	}
}

// invisible returns the marker shown for a character that changes how the
// text around it is displayed while being invisible itself (bidi controls,
// zero-width characters, other format characters), or "" for any other rune.
func invisible(r rune) string {
	switch {
	case r < 0x00ad:
		return ""
	case r == 0x00ad:
		return "⟨SHY⟩" // soft hyphen: shown by some terminals, not by others
	case r == 0x061c:
		return "⟨ALM⟩"
	case r == 0x180e:
		return "⟨MVS⟩"
	case r >= 0x200b && r <= 0x200f:
		return [...]string{"⟨ZWSP⟩", "⟨ZWNJ⟩", "⟨ZWJ⟩", "⟨LRM⟩", "⟨RLM⟩"}[r-0x200b]
	case r >= 0x2028 && r <= 0x202e:
		return [...]string{"⟨LS⟩", "⟨PS⟩", "⟨LRE⟩", "⟨RLE⟩", "⟨PDF⟩", "⟨LRO⟩", "⟨RLO⟩"}[r-0x2028]
	case r >= 0x2060 && r <= 0x206f:
		return [...]string{"⟨WJ⟩", "⟨U+2061⟩", "⟨U+2062⟩", "⟨U+2063⟩", "⟨U+2064⟩", "⟨U+2065⟩",
			"⟨LRI⟩", "⟨RLI⟩", "⟨FSI⟩", "⟨PDI⟩",
			"⟨U+206A⟩", "⟨U+206B⟩", "⟨U+206C⟩", "⟨U+206D⟩", "⟨U+206E⟩", "⟨U+206F⟩"}[r-0x2060]
	case r == 0xfeff:
		return "⟨BOM⟩"
	case r >= 0xfff9 && r <= 0xfffb:
		return [...]string{"⟨U+FFF9⟩", "⟨U+FFFA⟩", "⟨U+FFFB⟩"}[r-0xfff9]
	}
	return ""
}

// Safe reports whether s can be written to a terminal as it is: valid
// UTF-8 with no C0 control (not even TAB), no DEL, no C1 control and none of
// the invisible characters that sanitising turns into markers. Every output
// of Line and String is Safe.
func Safe(s string) bool {
	for _, r := range s {
		switch {
		case r == 0xfffd:
			// U+FFFD itself is fine; a decoding error is caught below.
		case r < 0x20 || (r >= 0x7f && r < 0xa0):
			return false
		case invisible(r) != "":
			return false
		}
	}
	return validUTF8(s)
}

func validUTF8(s string) bool { return utf8.ValidString(s) }
