package k6

import (
	"bytes"
	"fmt"
	"math"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/internal/batch"

	"github.com/sobang/sobang/sources/tail"
)

// maxRecord bounds one CSV record (a quoted field may hold newlines); beyond
// it the record is a bad row, so a stray quote cannot make the parser hold a
// whole file.
const maxRecord = 1 << 20

// wholeSecondsWarning explains the default time_format of k6's CSV output.
const wholeSecondsWarning = "timestamps are whole seconds (k6's default CSV time_format=unix): " +
	"each request's end is placed to the second, so its start (end minus duration) may be up to 1 s early; " +
	"durations and percentiles are exact. For finer times run k6 (v0.44+) with " +
	"--out csv=file.csv,time_format=unix_milli"

// csvParser reads k6's --out csv:
// metric_name,timestamp,metric_value,<tags sorted by name>,extra_tags[,metadata],
// written by Go's encoding/csv (a field is quoted when it holds a comma, a
// quote or a newline). Columns are found by header name.
type csvParser struct {
	out   *batch.Batcher
	j     *joiner
	lines tail.Lines
	times timeCache

	rec     []byte // a quoted record spanning lines, until its quotes balance
	recLine int    // first line of rec
	skipRec bool   // dropping an over-long record until its quotes balance

	cols    *columns // nil until the header is read
	fields  [][]byte
	starts  []int  // offset of each field in the record
	scratch []byte // unquoted fields
	tags    tagInfo
	warned  bool
}

// columns is where the header puts what the parser reads.
type columns struct {
	header                                            []byte // the header line as written
	n                                                 int
	metric, ts, value                                 int
	name, url, status, expected, group, errorText, vu int
	extra, metadata                                   int
}

func newCSVParser(out *batch.Batcher, j *joiner) *csvParser {
	return &csvParser{out: out, j: j}
}

// Feed parses the next bytes: CSV records, the last one maybe partial.
func (c *csvParser) Feed(b []byte) error {
	c.lines.Feed(b, c.line)
	return nil
}

// Finish reads the last record and lets go of the request being joined.
func (c *csvParser) Finish() error {
	c.lines.Flush(c.line)
	if len(c.rec) > 0 || c.skipRec {
		c.out.BadRow(c.recLine, "quoted field not closed before the end of the input")
		c.rec, c.skipRec = c.rec[:0], false
	}
	c.j.finish()
	return nil
}

// line assembles records from physical lines: a line with an odd number of
// quotes opens a quoted field that continues on the next line.
func (c *csvParser) line(b []byte, no int, cut bool) {
	if len(c.rec) > 0 || c.skipRec {
		if !c.skipRec {
			c.rec = append(append(c.rec, '\n'), b...)
		}
		if bytes.Count(b, []byte{'"'})%2 == 1 {
			c.quoteClosed()
		} else if len(c.rec) > maxRecord {
			c.out.BadRow(c.recLine, "quoted field not closed within %d bytes", maxRecord)
			c.rec, c.skipRec = c.rec[:0], true
		}
		return
	}
	if cut {
		c.out.BadRow(no, "line longer than %d bytes", tail.MaxLine)
		return
	}
	if bytes.IndexByte(b, '"') >= 0 && bytes.Count(b, []byte{'"'})%2 == 1 {
		c.rec = append(c.rec[:0], b...)
		c.recLine = no
		return
	}
	c.record(b, no)
}

// quoteClosed ends a multi-line record.
func (c *csvParser) quoteClosed() {
	if c.skipRec {
		c.skipRec = false
		return
	}
	c.record(c.rec, c.recLine)
	c.rec = c.rec[:0]
}

// record reads one complete record.
func (c *csvParser) record(b []byte, no int) {
	if len(bytes.TrimSpace(b)) == 0 {
		return
	}
	if !c.split(b) {
		c.out.Expected(no, "", "a quoted field to end before a comma or the end of the record", b)
		return
	}
	f := c.fields
	if c.cols == nil || string(f[0]) == "metric_name" {
		c.header(b, no)
		return
	}
	if len(f) != c.cols.n {
		c.out.BadRow(no, "expected %d comma-separated fields, found %d", c.cols.n, len(f))
		return
	}
	k := kindOf(f[c.cols.metric])
	if k == kindOther {
		return
	}
	v, ok := parseFloat(f[c.cols.value])
	if !ok {
		c.out.Expected(no, metricName(k)+": metric_value", "a number", f[c.cols.value])
		return
	}
	switch k {
	case kindVUs:
		c.j.setVUs(v)
		return
	case kindChecks:
		c.j.check(v)
		return
	}
	// The key of a request: its timestamp and everything after the value
	// (tags, extra tags, metadata), as written.
	ts := f[c.cols.ts]
	var rest []byte
	if after := c.cols.value + 1; after < len(f) {
		rest = b[c.starts[after]:]
	}
	if k.http() && c.j.joins(k, ts, rest, nil) {
		c.j.set(k, v, no)
		return
	}
	end, whole, ok := c.parseTime(ts)
	if !ok {
		c.out.Expected(no, "timestamp", "Unix seconds, milli-, micro- or nanoseconds, or RFC 3339", ts)
		return
	}
	if end <= 0 {
		c.out.Expected(no, "timestamp", sources.AfterEpoch, ts)
		return
	}
	if whole && !c.warned {
		c.warned = true
		c.out.Warn(wholeSecondsWarning)
	}
	c.readTags()
	if k.http() {
		c.j.begin(no, end, &c.tags, ts, rest, nil)
		c.j.set(k, v, no)
		return
	}
	c.j.single(k, no, end, v, &c.tags)
}

// header reads the header (the first record, or a new one further down when
// runs were appended to one file).
func (c *csvParser) header(b []byte, no int) {
	if c.cols != nil && bytes.Equal(b, c.cols.header) {
		return
	}
	cols := &columns{header: append([]byte(nil), b...), n: len(c.fields),
		metric: -1, ts: -1, value: -1, name: -1, url: -1, status: -1, expected: -1,
		group: -1, errorText: -1, vu: -1, extra: -1, metadata: -1}
	for i, f := range c.fields {
		var dst *int
		switch string(f) {
		case "metric_name":
			dst = &cols.metric
		case "timestamp":
			dst = &cols.ts
		case "metric_value":
			dst = &cols.value
		case "name":
			dst = &cols.name
		case "url":
			dst = &cols.url
		case "status":
			dst = &cols.status
		case "expected_response":
			dst = &cols.expected
		case "group":
			dst = &cols.group
		case "error":
			dst = &cols.errorText
		case "vu":
			dst = &cols.vu
		case "extra_tags":
			dst = &cols.extra
		case "metadata":
			dst = &cols.metadata
		default:
			continue
		}
		if *dst < 0 {
			*dst = i
		}
	}
	if cols.metric < 0 || cols.ts < 0 || cols.value < 0 {
		if c.cols == nil {
			c.out.Expected(no, "", "the k6 CSV header metric_name,timestamp,metric_value,...", b)
			// Without columns nothing can be read: keep looking for a header.
			return
		}
		c.out.BadRow(no, "a header without metric_name, timestamp and metric_value: %s", sources.Quote(b))
		return
	}
	if c.cols != nil {
		c.out.Warn(fmt.Sprintf("line %d: a new header changes the columns", no))
	}
	c.cols = cols
}

// readTags fills c.tags from the current record's fields.
func (c *csvParser) readTags() {
	f, cols := c.fields, c.cols
	get := func(i int) []byte {
		if i < 0 {
			return nil
		}
		return f[i]
	}
	c.tags = tagInfo{
		name:      get(cols.name),
		url:       get(cols.url),
		status:    get(cols.status),
		expected:  get(cols.expected),
		group:     get(cols.group),
		errorText: get(cols.errorText),
		vu:        get(cols.vu),
	}
	// vu is metadata since k6 v0.41 and an extra tag before it.
	for _, i := range [2]int{cols.metadata, cols.extra} {
		if len(c.tags.vu) == 0 && i >= 0 {
			c.tags.vu = pairValue(f[i], "vu")
		}
	}
}

// pairValue returns the value of key in k6's k=v&k2=v2 extra_tags or
// metadata field.
func pairValue(field []byte, key string) []byte {
	for len(field) > 0 {
		pair := field
		if i := bytes.IndexByte(field, '&'); i >= 0 {
			pair, field = field[:i], field[i+1:]
		} else {
			field = nil
		}
		if k, v, ok := bytes.Cut(pair, []byte{'='}); ok && string(k) == key {
			return v
		}
	}
	return nil
}

// parseTime reads a k6 CSV timestamp into Unix nanoseconds: an integer is
// seconds, milli-, micro- or nanoseconds by its number of digits (k6's
// time_format unix, unix_milli, unix_micro, unix_nano: 10, 13, 16 and 19
// digits for dates between 2001 and 2286), anything else RFC 3339. whole
// says the format has whole-second resolution.
func (c *csvParser) parseTime(b []byte) (ns int64, whole, ok bool) {
	if n, isInt := atoi(b); isInt {
		var mul int64
		switch {
		case len(b) <= 10:
			mul, whole = 1e9, true
		case len(b) <= 13:
			mul = 1e6
		case len(b) <= 16:
			mul = 1e3
		default:
			mul = 1
		}
		if n > math.MaxInt64/mul {
			return 0, false, false
		}
		return n * mul, whole, true
	}
	ns, ok = c.times.parseRFC3339(b)
	return ns, ok && bytes.IndexByte(b, '.') < 0, ok
}

// split cuts a record into c.fields and c.starts. Fields without quotes are
// slices of b; quoted ones are unquoted into c.scratch. It returns false for
// text after a closing quote.
func (c *csvParser) split(b []byte) bool {
	c.fields, c.starts, c.scratch = c.fields[:0], c.starts[:0], c.scratch[:0]
	if bytes.IndexByte(b, '"') < 0 {
		start := 0
		for {
			c.starts = append(c.starts, start)
			i := bytes.IndexByte(b[start:], ',')
			if i < 0 {
				c.fields = append(c.fields, b[start:])
				return true
			}
			c.fields = append(c.fields, b[start:start+i])
			start += i + 1
		}
	}
	if cap(c.scratch) < len(b) {
		c.scratch = make([]byte, 0, len(b))
	}
	for i := 0; ; {
		c.starts = append(c.starts, i)
		if i < len(b) && b[i] == '"' {
			from := len(c.scratch)
			i++
			for {
				j := bytes.IndexByte(b[i:], '"')
				if j < 0 {
					return false // cannot happen: quotes are balanced
				}
				c.scratch = append(c.scratch, b[i:i+j]...)
				i += j + 1
				if i < len(b) && b[i] == '"' {
					c.scratch = append(c.scratch, '"')
					i++
					continue
				}
				break
			}
			c.fields = append(c.fields, c.scratch[from:len(c.scratch):len(c.scratch)])
			if i == len(b) {
				return true
			}
			if b[i] != ',' {
				return false
			}
			i++
			continue
		}
		j := bytes.IndexByte(b[i:], ',')
		if j < 0 {
			c.fields = append(c.fields, b[i:])
			return true
		}
		c.fields = append(c.fields, b[i:i+j])
		i += j + 1
	}
}
