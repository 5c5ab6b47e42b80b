package themes

import (
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"
)

// keyLineMap maps a key, written as toml.Key.String() does ("pane.border";
// array items as "chart.series[2]"), to the 1-based line it is on.
//
// BurntSushi/toml v1.6 records key positions but does not export them
// (MetaData.keyInfo is private), so the lines come from a small scanner
// of our own. It runs only on text that toml.Decode has accepted, so it
// can be lenient about syntax.
type keyLineMap map[string]int

// line returns the line of key, else of its nearest enclosing key that
// has one, else 0.
func (m keyLineMap) line(key string) int {
	for key != "" {
		if n, ok := m[key]; ok {
			return n
		}
		if i := strings.LastIndexAny(key, ".["); i >= 0 {
			key = key[:i]
		} else {
			key = ""
		}
	}
	return 0
}

// keyScanner walks valid TOML, noting the line of every key.
type keyScanner struct {
	src   []byte
	i     int
	line  int
	lines keyLineMap
}

// KeyLines returns, for TOML text that toml.Decode accepted, a function
// giving the 1-based line of a key written as toml.Key.String() writes it
// (array items as "key[2]"), else of its nearest enclosing key, else 0. It
// is what theme files use for their errors; the configuration file shares
// it.
func KeyLines(src []byte) func(key string) int { return keyLines(src).line }

// keyLines returns the line of every key, table and array item in src.
func keyLines(src []byte) keyLineMap {
	s := &keyScanner{src: src, line: 1, lines: keyLineMap{}}
	var table toml.Key
	for {
		s.skipBlank(true)
		if s.i >= len(s.src) {
			return s.lines
		}
		start := s.i
		if s.src[s.i] == '[' {
			s.i++
			if s.i < len(s.src) && s.src[s.i] == '[' {
				s.i++
			}
			table = s.key()
			s.record(table)
			s.skipLine()
		} else {
			key := append(table[:len(table):len(table)], s.key()...)
			s.skipBlank(false)
			if s.i < len(s.src) && s.src[s.i] == '=' {
				s.i++
				s.record(key)
				s.value(key, key.String())
			}
		}
		if s.i == start { // never stall on input we do not understand
			s.skipLine()
		}
	}
}

// record notes the current line for key, unless it has one already
// (the first mention of a key is where it is defined).
func (s *keyScanner) record(key toml.Key) {
	if len(key) == 0 {
		return
	}
	if _, ok := s.lines[key.String()]; !ok {
		s.lines[key.String()] = s.line
	}
}

// skipBlank skips spaces and tabs, and with newlines also line breaks
// and comments.
func (s *keyScanner) skipBlank(newlines bool) {
	for s.i < len(s.src) {
		switch c := s.src[s.i]; {
		case c == ' ' || c == '\t' || c == '\r':
			s.i++
		case c == '\n' && newlines:
			s.i++
			s.line++
		case c == '#' && newlines:
			s.skipComment()
		default:
			return
		}
	}
}

// skipComment skips to the end of the line, leaving the newline.
func (s *keyScanner) skipComment() {
	for s.i < len(s.src) && s.src[s.i] != '\n' {
		s.i++
	}
}

// skipLine skips the rest of the line, newline included.
func (s *keyScanner) skipLine() {
	s.skipComment()
	if s.i < len(s.src) {
		s.i++
		s.line++
	}
}

// key reads a dotted key of bare and quoted parts.
func (s *keyScanner) key() toml.Key {
	var key toml.Key
	for {
		s.skipBlank(false)
		if s.i >= len(s.src) {
			return key
		}
		switch s.src[s.i] {
		case '"':
			key = append(key, s.basicString())
		case '\'':
			key = append(key, s.literalString())
		default:
			start := s.i
			for s.i < len(s.src) && !strings.ContainsRune(" \t\r\n=.[]\"'#,{}", rune(s.src[s.i])) {
				s.i++
			}
			if s.i == start {
				return key
			}
			key = append(key, string(s.src[start:s.i]))
		}
		s.skipBlank(false)
		if s.i >= len(s.src) || s.src[s.i] != '.' {
			return key
		}
		s.i++
	}
}

// basicString reads a "..." string on one line and returns its text,
// unescaped where that is simple (keys rarely need escapes at all).
func (s *keyScanner) basicString() string {
	start := s.i
	s.i++
	for s.i < len(s.src) && s.src[s.i] != '"' && s.src[s.i] != '\n' {
		if s.src[s.i] == '\\' {
			s.i++
		}
		s.i++
	}
	s.i = min(s.i+1, len(s.src))
	raw := string(s.src[start:s.i])
	if text, err := strconv.Unquote(raw); err == nil {
		return text
	}
	return strings.Trim(raw, `"`)
}

// literalString reads a '...' string on one line and returns its text.
func (s *keyScanner) literalString() string {
	s.i++
	start := s.i
	for s.i < len(s.src) && s.src[s.i] != '\'' && s.src[s.i] != '\n' {
		s.i++
	}
	text := string(s.src[start:s.i])
	s.i = min(s.i+1, len(s.src))
	return text
}

// multiline skips a multi-line string (quote is three double or three
// single quotes), counting its lines.
func (s *keyScanner) multiline(quote string) {
	s.i += 3
	for s.i < len(s.src) {
		if s.src[s.i] == '\\' && quote == `"""` {
			s.i++
		} else if strings.HasPrefix(string(s.src[s.i:min(s.i+3, len(s.src))]), quote) {
			s.i += 3
			// A closing delimiter may carry up to two more quotes.
			for s.i < len(s.src) && s.src[s.i] == quote[0] {
				s.i++
			}
			return
		}
		if s.i < len(s.src) && s.src[s.i] == '\n' {
			s.line++
		}
		s.i++
	}
}

// value skips the value of key (named name in the map, which differs for
// array items), noting the lines of array items ("key[0]") and of keys in
// inline tables.
func (s *keyScanner) value(key toml.Key, name string) {
	s.skipBlank(false)
	if s.i >= len(s.src) {
		return
	}
	rest := s.src[s.i:]
	switch {
	case strings.HasPrefix(string(rest[:min(3, len(rest))]), `"""`):
		s.multiline(`"""`)
	case strings.HasPrefix(string(rest[:min(3, len(rest))]), `'''`):
		s.multiline(`'''`)
	case rest[0] == '"':
		s.basicString()
	case rest[0] == '\'':
		s.literalString()
	case rest[0] == '[':
		s.i++
		for n := 0; ; n++ {
			s.skipBlank(true)
			if s.i >= len(s.src) || s.src[s.i] == ']' {
				s.i = min(s.i+1, len(s.src))
				return
			}
			item := name + "[" + strconv.Itoa(n) + "]"
			if _, ok := s.lines[item]; !ok {
				s.lines[item] = s.line
			}
			start := s.i
			s.value(key, item)
			s.skipBlank(true)
			if s.i < len(s.src) && s.src[s.i] == ',' {
				s.i++
			} else if s.i == start {
				s.i++
			}
		}
	case rest[0] == '{':
		s.i++
		for {
			s.skipBlank(true)
			if s.i >= len(s.src) || s.src[s.i] == '}' {
				s.i = min(s.i+1, len(s.src))
				return
			}
			start := s.i
			inner := append(key[:len(key):len(key)], s.key()...)
			s.skipBlank(false)
			if s.i < len(s.src) && s.src[s.i] == '=' {
				s.i++
				s.record(inner)
				s.value(inner, inner.String())
			}
			s.skipBlank(true)
			if s.i < len(s.src) && s.src[s.i] == ',' {
				s.i++
			} else if s.i == start {
				s.i++
			}
		}
	default: // number, boolean, date: runs to a delimiter
		for s.i < len(s.src) && !strings.ContainsRune(",]}\n#", rune(s.src[s.i])) {
			s.i++
		}
	}
}
