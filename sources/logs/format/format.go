// Package format recognises the layout of a log and reads the header of
// each line: its timestamp and its level.
//
// Detect looks at the first lines of a log and picks the format that
// explains most of them, lnav-style: every candidate parses every sample
// line, scores by the lines it recognises weighted by how specific it is,
// and the best one wins when it explains the first line or a fair share of
// the sample. Parse then reads one line with byte scanning, without
// regular expressions and without allocating in the common case.
//
// The formats:
//
//   - Spring Boot's default Logback layout, 2.x and 3.x;
//   - logback/log4j "timestamp [thread] LEVEL logger - message";
//   - generic text: a leading timestamp of one Layout, then a level word
//     (TRACE DEBUG INFO WARN WARNING ERROR FATAL SEVERE CRITICAL and the
//     syslog severities, any case, a whole word) within LevelSearch bytes;
//   - JSON lines (slog, logstash, ECS, zap, logrus, zerolog, journald,
//     docker): the time and level fields are found by name;
//   - logfmt (slog text, go-kit, logrus text);
//   - access logs (nginx, Apache combined), whose level is derived from the
//     HTTP status;
//   - plain text, when nothing else fits: no header, only a level word.
package format

import (
	"time"

	"github.com/sobang/sobang/sources"
)

// Kind is a family of log layouts.
type Kind uint8

// The kinds of log Detect can recognise.
const (
	Plain      Kind = iota // no recognisable header
	SpringBoot             // Spring Boot's default Logback layout
	Logback                // timestamp [thread] LEVEL logger - message
	Text                   // a leading timestamp (see Layout), then a level word
	JSON                   // one JSON object per line
	Logfmt                 // key=value pairs
	Access                 // nginx/Apache combined access log
)

// LevelSearch is how far into a text line (from its start) a level word is
// looked for.
const LevelSearch = 96

// Format is a detected log format. The zero value is Plain.
type Format struct {
	Kind   Kind
	Layout Layout // the timestamp layout of Text
}

// Header is what the first line of an entry says about it.
type Header struct {
	Time      time.Time     // zero when the line has none
	Level     sources.Level // LevelUnknown when it has none
	LevelText string        // the level as written ("WARNING", "warn", "E", "503")
	LevelCol  int           // byte offset of LevelText in the line, -1 when absent
}

// Name names the format for the status bar.
func (f Format) Name() string {
	switch f.Kind {
	case SpringBoot:
		return "Spring Boot"
	case Logback:
		return "logback"
	case JSON:
		return "JSON lines"
	case Logfmt:
		return "logfmt"
	case Access:
		return "access log"
	case Text:
		switch f.Layout {
		case LayoutSyslog:
			return "syslog"
		case LayoutKlog:
			return "klog"
		case LayoutCtime:
			return "text (ctime timestamps)"
		case LayoutShortSlash:
			return "text (yy/MM/dd timestamps)"
		case LayoutCompact:
			return "text (yyMMdd HHmmss timestamps)"
		}
		return "timestamped text"
	}
	return "plain text"
}

// String is Name.
func (f Format) String() string { return f.Name() }

// Continuations says how lines that are not headers are grouped.
type Continuations uint8

// How non-header lines are treated.
const (
	// Join: a line that is not a header continues the entry before it
	// (stack traces, multi-line messages): the rule for formats with a
	// header.
	Join Continuations = iota
	// Alone: every line is an entry of its own; a line that is not a
	// header is a bad row (a JSON log's non-JSON line).
	Alone
	// Exceptions: there are no headers; exception traces (Java, Python, Go
	// panics) are recognised and grouped, every other line stands alone.
	Exceptions
)

// Continuations says how the format groups lines that are not headers.
func (f Format) Continuations() Continuations {
	switch f.Kind {
	case Plain:
		return Exceptions
	case JSON:
		return Alone
	}
	return Join
}

// Parse reads the header of line. ok reports whether the line is a header
// of this format, that is the start of an entry. Zone-less timestamps are
// read in loc; a timestamp without a year (syslog, klog) is placed in now's
// year or the one before (see yearless). For Plain, ok is always false but
// Level is still set when a level word appears early in the line.
//
// Parse does not allocate, except for a level spelled in an unusual way.
func (f Format) Parse(line []byte, loc *time.Location, now time.Time) (h Header, ok bool) {
	if loc == nil {
		loc = time.Local
	}
	switch f.Kind {
	case SpringBoot:
		return parseSpring(line, loc)
	case Logback:
		return parseLogback(line, loc)
	case Text:
		return parseText(f.Layout, line, loc, now)
	case JSON:
		s, ok := scanJSON(line)
		if !ok {
			return Header{LevelCol: -1}, false
		}
		return s.header(line, loc), true
	case Logfmt:
		s, ok := scanLogfmt(line)
		if !ok {
			return Header{LevelCol: -1}, false
		}
		return s.header(line, loc), true
	case Access:
		return parseAccess(line, loc)
	}
	h = Header{LevelCol: -1}
	if l, i, j := findLevelWord(line, 0, LevelSearch); i >= 0 {
		h.Level, h.LevelText, h.LevelCol = l, intern(line[i:j]), i
	}
	return h, false
}

// parseText reads a leading timestamp of layout l, then the first level
// word before LevelSearch.
func parseText(l Layout, line []byte, loc *time.Location, now time.Time) (Header, bool) {
	h := Header{LevelCol: -1}
	t, end, ok := parseStamp(l, line, loc, now)
	if !ok {
		return h, false
	}
	h.Time = t
	if l == LayoutKlog {
		h.Level, _ = levelValue(klogLevel(line[0]), false)
		h.LevelText, h.LevelCol = intern(line[:1]), 0
		return h, true
	}
	if lv, i, j := findLevelWord(line, end, max(LevelSearch, end+16)); i >= 0 {
		h.Level, h.LevelText, h.LevelCol = lv, intern(line[i:j]), i
	}
	return h, true
}

var klogWords = map[byte][]byte{'I': []byte("INFO"), 'W': []byte("WARN"), 'E': []byte("ERROR"), 'F': []byte("FATAL"), 'D': []byte("DEBUG")}

func klogLevel(c byte) []byte { return klogWords[c] }

// parseSpring reads Spring Boot's "ts  LEVEL pid --- [app] [thread] logger : msg".
func parseSpring(line []byte, loc *time.Location) (Header, bool) {
	h := Header{LevelCol: -1}
	if len(line) > 0 && line[0] == '[' {
		return h, false
	}
	t, i, ok := parseISO(line, loc, false)
	if !ok || i >= len(line) || line[i] != ' ' {
		return h, false
	}
	for i < len(line) && line[i] == ' ' {
		i++
	}
	j := i
	for j < len(line) && isLetter(line[j]) {
		j++
	}
	lv, ok := lookupLevel(line[i:j], false)
	if !ok {
		return h, false
	}
	k := j
	for k < len(line) && line[k] == ' ' {
		k++
	}
	for k < len(line) && isDigit(line[k]) {
		k++
	}
	for k < len(line) && line[k] == ' ' {
		k++
	}
	if k+3 > len(line) || line[k] != '-' || line[k+1] != '-' || line[k+2] != '-' {
		return h, false
	}
	h.Time, h.Level, h.LevelText, h.LevelCol = t, lv, intern(line[i:j]), i
	return h, true
}

// parseLogback reads "ts [thread] LEVEL logger - msg". The thread may hold
// brackets and spaces, so every "] " within reach is tried.
func parseLogback(line []byte, loc *time.Location) (Header, bool) {
	h := Header{LevelCol: -1}
	if len(line) > 0 && line[0] == '[' {
		return h, false
	}
	t, i, ok := parseISO(line, loc, false)
	if !ok || i+1 >= len(line) || line[i] != ' ' || line[i+1] != '[' {
		return h, false
	}
	limit := min(len(line), i+256)
	for k := i + 2; k < limit; k++ {
		if line[k] != ']' || k+1 >= len(line) || line[k+1] != ' ' {
			continue
		}
		a := k + 1
		for a < len(line) && line[a] == ' ' {
			a++
		}
		b := a
		for b < len(line) && isLetter(line[b]) {
			b++
		}
		if b < len(line) && line[b] != ' ' {
			continue
		}
		if lv, ok := lookupLevel(line[a:b], false); ok {
			h.Time, h.Level, h.LevelText, h.LevelCol = t, lv, intern(line[a:b]), a
			return h, true
		}
	}
	return h, false
}

// parseAccess reads a combined access log line:
// host ident user [02/Jan/2006:15:04:05 -0700] "request" status bytes ...
func parseAccess(line []byte, loc *time.Location) (Header, bool) {
	h := Header{LevelCol: -1}
	// Three space-separated fields, then the bracketed time.
	i, fields := 0, 0
	for ; i < len(line) && i < 512 && fields < 3; i++ {
		if line[i] == ' ' {
			fields++
		}
	}
	if fields != 3 || i+28 > len(line) || line[i] != '[' {
		return h, false
	}
	b := line[i+1:]
	if b[2] != '/' || b[6] != '/' || b[11] != ':' || b[20] != ' ' || b[26] != ']' {
		return h, false
	}
	d, ok1 := digits(b, 0, 2)
	mo, ok2 := month(b, 3)
	y, ok3 := digits(b, 7, 4)
	hh, mi, s, ok4 := clock(b, 12)
	off, hasZone, zEnd := zone(b, 21)
	if !ok1 || !ok2 || !ok3 || !ok4 || !hasZone || zEnd != 26 {
		return h, false
	}
	t, ok := date(y, mo, d, hh, mi, s, 0, loc, off, true)
	if !ok {
		return h, false
	}
	h.Time = t
	// The status follows the quoted request.
	j := i + 28
	if j+1 < len(line) && line[j] == ' ' && line[j+1] == '"' {
		end, closed := stringEnd(line, j+2)
		if k := end + 2; closed && k+3 <= len(line) && line[end+1] == ' ' && (k+3 == len(line) || line[k+3] == ' ') {
			if code, ok := digits(line, k, 3); ok && code >= 100 && code < 600 {
				h.Level, h.LevelText, h.LevelCol = httpLevel(code), intern(line[k:k+3]), k
			}
		}
	}
	return h, true
}
