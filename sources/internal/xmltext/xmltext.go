// Package xmltext decodes the character data of the XML files sources
// read (JMeter's XML JTLs, its .jmx test plans): one decoder, so that a
// reference means the same in both.
package xmltext

import (
	"bytes"
	"strconv"
	"unicode/utf8"
)

// maxEntity bounds the length of a reference between '&' and ';'; a longer
// one is no reference.
const maxEntity = 12

// Unescape appends s to dst with XML's predefined entities and numeric
// character references decoded; an unknown entity, or a reference to no
// valid character, stays as written.
func Unescape(dst, s []byte) []byte {
	for {
		i := bytes.IndexByte(s, '&')
		if i < 0 {
			return append(dst, s...)
		}
		dst = append(dst, s[:i]...)
		s = s[i:]
		j := bytes.IndexByte(s, ';')
		if j < 2 || j > maxEntity {
			dst = append(dst, '&')
			s = s[1:]
			continue
		}
		switch ent := s[1:j]; string(ent) {
		case "amp":
			dst = append(dst, '&')
		case "lt":
			dst = append(dst, '<')
		case "gt":
			dst = append(dst, '>')
		case "quot":
			dst = append(dst, '"')
		case "apos":
			dst = append(dst, '\'')
		default:
			if r, ok := charRef(ent); ok {
				dst = utf8.AppendRune(dst, r)
			} else {
				dst = append(dst, s[:j+1]...)
			}
		}
		s = s[j+1:]
	}
}

// charRef reads "#NNN" or "#xHH", ok only for a valid character.
func charRef(ent []byte) (rune, bool) {
	if len(ent) < 2 || ent[0] != '#' {
		return 0, false
	}
	var v uint64
	var err error
	if ent[1] == 'x' || ent[1] == 'X' {
		v, err = strconv.ParseUint(string(ent[2:]), 16, 32)
	} else {
		v, err = strconv.ParseUint(string(ent[1:]), 10, 32)
	}
	if err != nil || !utf8.ValidRune(rune(v)) {
		return 0, false
	}
	return rune(v), true
}
