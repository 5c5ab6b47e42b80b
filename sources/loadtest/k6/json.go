package k6

import (
	"bytes"
	"unicode/utf8"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/internal/batch"

	"github.com/sobang/sobang/sources/tail"
)

// jsonParser reads k6's --out json: one JSON object a line, a Metric
// declaration or a Point. Keys are found by name,
// in any order (k6 changed the order in v0.38).
//
// It scans bytes itself instead of using encoding/json: a line is walked
// once, strings are slices of the line (unescaped only when they hold a
// backslash), the tags object is parsed only for the first point of a
// request (the others carry the same bytes, compared whole), and times and
// numbers are parsed without allocating.
type jsonParser struct {
	out     *batch.Batcher
	j       *joiner
	lines   tail.Lines
	times   timeCache
	tags    tagInfo
	scratch []byte // unescaped tag values
}

func newJSONParser(out *batch.Batcher, j *joiner) *jsonParser {
	return &jsonParser{out: out, j: j}
}

// Feed parses the next bytes: lines of JSON, the last one maybe partial.
func (p *jsonParser) Feed(b []byte) error {
	p.lines.Feed(b, p.line)
	return nil
}

// Finish reads the last line and lets go of the request being joined.
func (p *jsonParser) Finish() error {
	p.lines.Flush(p.line)
	p.j.finish()
	return nil
}

func (p *jsonParser) line(b []byte, no int, cut bool) {
	if cut {
		p.out.BadRow(no, "line longer than %d bytes", tail.MaxLine)
		return
	}
	p.record(b, no)
}

// point is what one line holds.
type point struct {
	typ, metric            []byte
	time, value            []byte
	tags, metadata         []byte // raw objects, braces included; nil when absent
	hasData, hasTime, hasV bool
}

// record parses one line.
func (p *jsonParser) record(b []byte, no int) {
	l := lexer{b: b}
	l.ws()
	if l.i == len(b) {
		return // blank line
	}
	var pt point
	if why := l.object(func(key []byte) string { return p.topKey(&l, key, &pt) }); why != "" {
		p.out.BadRow(no, "%s", why)
		return
	}
	if l.ws(); l.i != len(b) {
		p.out.BadRow(no, "expected one JSON object a line, found more after column %d: %s", l.i+1, sources.Quote(b[l.i:]))
		return
	}
	switch string(pt.typ) {
	case "Point":
		p.point(&pt, no)
	case "Metric":
		// A declaration: the metrics used here are k6's built-ins, whose
		// types and units are fixed.
	default:
		p.out.BadRow(no, `expected "type":"Point" or "type":"Metric", found %s`, typeFound(pt.typ))
	}
}

func typeFound(typ []byte) string {
	if typ == nil {
		return "no type"
	}
	return sources.Quote(typ)
}

// topKey reads the value of one key of a line's object.
func (p *jsonParser) topKey(l *lexer, key []byte, pt *point) string {
	switch string(key) {
	case "type":
		return l.stringInto(&pt.typ, "type")
	case "metric":
		return l.stringInto(&pt.metric, "metric")
	case "data":
		pt.hasData = true
		if l.i >= len(l.b) || l.b[l.i] != '{' {
			return "data: expected an object, found " + l.found()
		}
		return l.object(func(k []byte) string { return p.dataKey(l, k, pt) })
	}
	return l.skip(0)
}

// dataKey reads the value of one key of a Point's (or Metric's) data.
func (p *jsonParser) dataKey(l *lexer, key []byte, pt *point) string {
	switch string(key) {
	case "time":
		pt.hasTime = true
		return l.stringInto(&pt.time, "time")
	case "value":
		from := l.i
		if why := l.skip(0); why != "" {
			return why
		}
		pt.value, pt.hasV = l.b[from:l.i], true
	case "tags", "metadata":
		from := l.i
		if l.i < len(l.b) && l.b[l.i] == 'n' {
			return l.skip(0) // null
		}
		if l.i >= len(l.b) || l.b[l.i] != '{' {
			return string(key) + ": expected an object, found " + l.found()
		}
		if why := l.skip(0); why != "" {
			return why
		}
		if key[0] == 't' {
			pt.tags = l.b[from:l.i]
		} else {
			pt.metadata = l.b[from:l.i]
		}
	default:
		return l.skip(0)
	}
	return ""
}

// point hands one Point to the joiner.
func (p *jsonParser) point(pt *point, no int) {
	k := kindOf(pt.metric)
	if k == kindOther {
		if pt.metric == nil {
			p.out.BadRow(no, "a Point without a metric name")
		}
		return
	}
	if !pt.hasData || !pt.hasTime || !pt.hasV {
		p.out.BadRow(no, "%s point: expected data with time and value", metricName(k))
		return
	}
	v, ok := parseFloat(pt.value)
	if !ok {
		p.out.Expected(no, metricName(k)+": value", "a number", pt.value)
		return
	}
	switch k {
	case kindVUs:
		p.j.setVUs(v)
		return
	case kindChecks:
		p.j.check(v)
		return
	}
	if k.http() && p.j.joins(k, pt.time, pt.tags, pt.metadata) {
		p.j.set(k, v, no)
		return
	}
	end, ok := p.times.parseRFC3339(pt.time)
	if !ok {
		p.out.Expected(no, "time", "RFC 3339 like 2025-10-15T00:33:08.80655-03:00", pt.time)
		return
	}
	if end <= 0 {
		p.out.Expected(no, "time", sources.AfterEpoch, pt.time)
		return
	}
	if why := p.parseTags(pt.tags, pt.metadata); why != "" {
		p.out.BadRow(no, "%s", why)
		return
	}
	if k.http() {
		p.j.begin(no, end, &p.tags, pt.time, pt.tags, pt.metadata)
		p.j.set(k, v, no)
		return
	}
	p.j.single(k, no, end, v, &p.tags)
}

// parseTags reads the tags and metadata objects into p.tags.
func (p *jsonParser) parseTags(tags, metadata []byte) string {
	p.tags = tagInfo{}
	p.scratch = p.scratch[:0]
	for _, obj := range [2][]byte{tags, metadata} {
		if obj == nil {
			continue
		}
		l := lexer{b: obj}
		why := l.object(func(key []byte) string {
			var dst *[]byte
			switch string(key) {
			case "name":
				dst = &p.tags.name
			case "url":
				dst = &p.tags.url
			case "status":
				dst = &p.tags.status
			case "expected_response":
				dst = &p.tags.expected
			case "group":
				dst = &p.tags.group
			case "error":
				dst = &p.tags.errorText
			case "vu":
				dst = &p.tags.vu
			default:
				return l.skip(0)
			}
			if l.i >= len(l.b) || l.b[l.i] != '"' {
				return l.skip(0) // not a string: ignore it
			}
			raw, ok := l.str()
			if !ok {
				return "unterminated string"
			}
			if bytes.IndexByte(raw, '\\') >= 0 {
				from := len(p.scratch)
				p.scratch = unescape(p.scratch, raw)
				raw = p.scratch[from:]
			}
			*dst = raw
			return ""
		})
		if why != "" {
			return "tags: " + why
		}
	}
	return ""
}

// lexer walks one line of JSON.
type lexer struct {
	b []byte
	i int
}

// maxDepth bounds the nesting of skipped values, so a line of ten thousand
// '[' cannot exhaust the stack.
const maxDepth = 64

func (l *lexer) ws() {
	for l.i < len(l.b) {
		switch l.b[l.i] {
		case ' ', '\t', '\r', '\n':
			l.i++
		default:
			return
		}
	}
}

// found describes what is at the current position, for a message.
func (l *lexer) found() string {
	if l.i >= len(l.b) {
		return "the end of the line"
	}
	return sources.Quote(l.b[l.i:min(len(l.b), l.i+20)])
}

// object reads an object at the current position, calling member for each
// key with the position on its value; member must consume the value and
// returns a reason when the line is bad.
func (l *lexer) object(member func(key []byte) string) string {
	if l.i >= len(l.b) || l.b[l.i] != '{' {
		return "expected a JSON object, found " + l.found()
	}
	l.i++
	l.ws()
	if l.i < len(l.b) && l.b[l.i] == '}' {
		l.i++
		return ""
	}
	for {
		l.ws()
		key, ok := l.str()
		if !ok {
			return "expected a quoted key, found " + l.found()
		}
		l.ws()
		if l.i >= len(l.b) || l.b[l.i] != ':' {
			return "expected ':' after a key, found " + l.found()
		}
		l.i++
		l.ws()
		if why := member(key); why != "" {
			return why
		}
		l.ws()
		if l.i >= len(l.b) {
			return "the object is not closed"
		}
		switch l.b[l.i] {
		case ',':
			l.i++
		case '}':
			l.i++
			return ""
		default:
			return "expected ',' or '}' in an object, found " + l.found()
		}
	}
}

// str reads a string at the current position and returns its raw content,
// escapes not resolved.
func (l *lexer) str() ([]byte, bool) {
	if l.i >= len(l.b) || l.b[l.i] != '"' {
		return nil, false
	}
	start := l.i + 1
	for j := start; ; {
		k := bytes.IndexByte(l.b[j:], '"')
		if k < 0 {
			return nil, false
		}
		q := j + k
		n := 0
		for p := q - 1; p >= start && l.b[p] == '\\'; p-- {
			n++
		}
		if n%2 == 0 {
			l.i = q + 1
			return l.b[start:q], true
		}
		j = q + 1
	}
}

// stringInto reads a string value into dst.
func (l *lexer) stringInto(dst *[]byte, what string) string {
	s, ok := l.str()
	if !ok {
		return what + ": expected a string, found " + l.found()
	}
	*dst = s
	return ""
}

// skip moves over one value of any type.
func (l *lexer) skip(depth int) string {
	if depth > maxDepth {
		return "values nested too deep"
	}
	l.ws()
	if l.i >= len(l.b) {
		return "expected a value, found the end of the line"
	}
	switch l.b[l.i] {
	case '"':
		if _, ok := l.str(); !ok {
			return "unterminated string"
		}
		return ""
	case '{':
		return l.object(func([]byte) string { return l.skip(depth + 1) })
	case '[':
		l.i++
		l.ws()
		if l.i < len(l.b) && l.b[l.i] == ']' {
			l.i++
			return ""
		}
		for {
			if why := l.skip(depth + 1); why != "" {
				return why
			}
			l.ws()
			if l.i >= len(l.b) {
				return "the array is not closed"
			}
			switch l.b[l.i] {
			case ',':
				l.i++
			case ']':
				l.i++
				return ""
			default:
				return "expected ',' or ']' in an array, found " + l.found()
			}
		}
	}
	from := l.i
	for l.i < len(l.b) {
		c := l.b[l.i]
		if (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || c == '-' || c == '+' || c == '.' || c == 'E' {
			l.i++
			continue
		}
		break
	}
	if l.i == from {
		return "expected a value, found " + l.found()
	}
	return ""
}

// unescape appends the JSON string content raw to dst with its escapes
// resolved; an invalid escape is kept as written.
func unescape(dst, raw []byte) []byte {
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		if c != '\\' || i+1 == len(raw) {
			dst = append(dst, c)
			continue
		}
		i++
		switch raw[i] {
		case '"', '\\', '/':
			dst = append(dst, raw[i])
		case 'b':
			dst = append(dst, '\b')
		case 'f':
			dst = append(dst, '\f')
		case 'n':
			dst = append(dst, '\n')
		case 'r':
			dst = append(dst, '\r')
		case 't':
			dst = append(dst, '\t')
		case 'u':
			r, n := hex4(raw[i+1:])
			if n == 0 {
				dst = append(dst, '\\', 'u')
				continue
			}
			i += n
			if r >= 0xD800 && r < 0xDC00 && i+2 < len(raw) && raw[i+1] == '\\' && raw[i+2] == 'u' {
				if lo, m := hex4(raw[i+3:]); m > 0 && lo >= 0xDC00 && lo < 0xE000 {
					r = 0x10000 + (r-0xD800)<<10 + (lo - 0xDC00)
					i += 2 + m
				}
			}
			dst = utf8.AppendRune(dst, r)
		default:
			dst = append(dst, '\\', raw[i])
		}
	}
	return dst
}

func hex4(b []byte) (rune, int) {
	if len(b) < 4 {
		return 0, 0
	}
	var r rune
	for _, c := range b[:4] {
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, 0
		}
	}
	return r, 4
}
