package jtl

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math/bits"
	"strings"
	"time"

	"github.com/sobang/sobang/sources"
)

const (
	// maxRecord bounds one CSV record (a line, or a quoted record spanning
	// lines). Beyond it the record is a bad row and reading resumes at the
	// next line, so a stray quote cannot make the parser hold a whole file.
	maxRecord = 1 << 20
	// maxFields bounds the fields split from one record.
	maxFields = 1024
	// maxThreads bounds the per-thread state kept for sub-result detection.
	maxThreads = 1 << 16
	// transactionPrefix starts the response message of a Transaction
	// Controller's own sample; JMeter's report generator uses the same test
	// (report/core/Sample.isController).
	transactionPrefix = "Number of samples in transaction"
)

// csvParser reads a JTL CSV stream chunk by chunk.
//
// Fast path: bytes.IndexByte finds the end of the line, split cuts a line
// without '"' into slices of the input (eight bytes at a time), and fill
// converts every field in place into the batch's next Sample: numbers by
// hand, strings through interners, so a row allocates nothing of its own. A
// line with a '"' goes to the quoted-record state machine, which may continue
// over several lines (quoted fields can hold newlines) and unescapes doubled
// quotes into a scratch buffer. A record cut by the end of a chunk is kept in
// partial until its end arrives; only it is copied.
type csvParser struct {
	out    *batcher
	forced []string // Options.Columns
	delim  byte     // 0 until the first line is seen
	lay    *layout  // nil until the header (or first row) is seen
	line   int      // physical lines consumed

	partial      []byte // an incomplete record carried to the next chunk
	quotePending bool   // partial holds a quoted record open over a newline
	skipLine     bool   // dropping the rest of an over-long line

	fields  [][]byte // fields of the current record (reused)
	quoted  []bool   // which fields were quoted (slow path only; empty on the fast path)
	scratch []byte   // unescaped quoted fields (reused)

	times                         timeParser
	labels, codes, messages, urls interner
	threads                       map[string]*threadState
	lastThread                    *threadState
	err                           error
}

// threadState is what sub-result detection remembers per thread.
type threadState struct {
	name   string
	parent string // label of the thread's last sample that can have sub-results
	start  int64  // its start and end, epoch ms
	end    int64
}

func newCSVParser(out *batcher, loc *time.Location, forced []string) *csvParser {
	return &csvParser{
		out:      out,
		forced:   forced,
		fields:   make([][]byte, 0, 32),
		times:    timeParser{loc: loc},
		labels:   newInterner(),
		codes:    newInterner(),
		messages: newInterner(),
		urls:     newInterner(),
		threads:  make(map[string]*threadState),
	}
}

func (c *csvParser) feed(p []byte) error {
	if c.skipLine {
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			return nil
		}
		p = p[i+1:]
		c.skipLine = false
		c.line++
	}
	// Complete the carried record with as little of p as possible (up to
	// the next newline, or all of p for an open quoted record), then parse
	// the rest of p where it lies.
	for len(c.partial) > 0 && len(p) > 0 && c.err == nil {
		take := len(p)
		if !c.quotePending {
			if i := bytes.IndexByte(p, '\n'); i >= 0 {
				take = i + 1
			}
		}
		c.partial = append(c.partial, p[:take]...)
		p = p[take:]
		n := c.parse(c.partial)
		c.partial = c.partial[:copy(c.partial, c.partial[n:])]
		c.limitPartial()
	}
	if len(p) > 0 && c.err == nil {
		n := c.parse(p)
		c.partial = append(c.partial, p[n:]...)
		c.limitPartial()
	}
	return c.err
}

// limitPartial drops a line that has grown past maxRecord without ending.
func (c *csvParser) limitPartial() {
	if len(c.partial) <= maxRecord || c.quotePending {
		return
	}
	c.out.badRow(c.line+1, "line longer than %d bytes", maxRecord)
	c.partial = c.partial[:0]
	c.skipLine = true
}

func (c *csvParser) finish() {
	if c.skipLine {
		c.skipLine = false
		c.line++
	}
	if len(c.partial) > 0 && c.err == nil {
		c.partial = append(c.partial, '\n')
		if n := c.parse(c.partial); n < len(c.partial) && c.err == nil {
			c.out.badRow(c.line+1, "quoted field not closed before the end of the input")
		}
	}
	c.partial = c.partial[:0]
	c.quotePending = false
}

// parse reads the complete records at the start of b and returns how many
// bytes they took; the rest is an incomplete record.
func (c *csvParser) parse(b []byte) int {
	c.quotePending = false
	start := 0
	for start < len(b) && c.err == nil {
		nl := bytes.IndexByte(b[start:], '\n')
		if nl < 0 {
			break
		}
		line := b[start : start+nl]
		if c.delim == 0 {
			if len(bytes.TrimSpace(line)) == 0 {
				c.line++
				start += nl + 1
				continue
			}
			c.delim = detectDelimiter(line, len(c.forced))
		}
		if n := len(line); n > 0 && line[n-1] == '\r' {
			line = line[:n-1]
		}
		if c.split(line) {
			c.line++
			c.record(c.line)
			start += nl + 1
			continue
		}
		n, ok := c.quotedRecord(b[start:])
		if !ok {
			if len(b)-start > maxRecord {
				c.line++
				c.out.badRow(c.line, "quoted field not closed within %d bytes", maxRecord)
				start += nl + 1
				continue
			}
			c.quotePending = true
			break
		}
		start += n
	}
	return start
}

// split cuts a line into c.fields at the delimiter, unless it holds a '"'
// (then it returns false and the quoted-record path reads it). It looks at
// eight bytes at a time (SWAR): fields are short, so one bytes.IndexByte call
// per field costs more in calls than it saves in scanning.
func (c *csvParser) split(line []byte) bool {
	f := c.fields[:0]
	delims := broadcast(c.delim)
	start, i := 0, 0
	for ; i+8 <= len(line); i += 8 {
		w := binary.LittleEndian.Uint64(line[i:])
		if bytesEqual(w, quotes) != 0 {
			return false
		}
		for m := bytesEqual(w, delims); m != 0; m &= m - 1 {
			k := i + bits.TrailingZeros64(m)>>3
			if len(f) < maxFields {
				f = append(f, line[start:k])
			}
			start = k + 1
		}
	}
	for ; i < len(line); i++ {
		switch line[i] {
		case c.delim:
			if len(f) < maxFields {
				f = append(f, line[start:i])
			}
			start = i + 1
		case '"':
			return false
		}
	}
	c.fields = append(f, line[start:])
	c.quoted = c.quoted[:0]
	return true
}

const (
	lowBits = 0x0101010101010101
	low7    = 0x7f7f7f7f7f7f7f7f
	quotes  = '"' * lowBits
)

// broadcast repeats b in every byte of a word.
func broadcast(b byte) uint64 { return uint64(b) * lowBits }

// bytesEqual returns a word with the high bit set in exactly the bytes of w
// that equal the byte repeated in pattern.
func bytesEqual(w, pattern uint64) uint64 {
	y := w ^ pattern // zero bytes where w matches
	return ^((y&low7 + low7) | y | low7)
}

// quotedRecord reads one record that contains a '"' from the start of b into
// c.fields, calls record, and returns the bytes it took; ok is false when b
// ends before the record does. Like JMeter's reader it accepts quoted fields
// with doubled quotes and newlines; unlike it, it keeps a quote inside an
// unquoted field, and text after a closing quote, as literal text. Fields are
// slices of b except quoted ones with doubled quotes, which are unescaped
// into c.scratch.
func (c *csvParser) quotedRecord(b []byte) (n int, ok bool) {
	if cap(c.scratch) < len(b) {
		c.scratch = make([]byte, 0, len(b)+len(b)/2)
	}
	sc := c.scratch[:0] // the fields' text is no longer than b, so sc does not grow
	f, q := c.fields[:0], c.quoted[:0]
	d := c.delim
	lines := 1
	i := 0
	eol := bytes.IndexByte(b, '\n') // the end of the physical line holding i
	if eol < 0 {
		return 0, false
	}
	for {
		var fld []byte
		isQuoted := b[i] == '"'
		if isQuoted {
			i++
			from, copied, scStart := i, false, 0
			for {
				j := bytes.IndexByte(b[i:], '"')
				if j < 0 {
					return 0, false
				}
				seg := b[i : i+j]
				i += j + 1
				if i >= len(b) {
					return 0, false // a doubled quote may follow
				}
				if b[i] != '"' && !copied {
					fld = b[from : i-1]
					break
				}
				if !copied {
					copied, scStart = true, len(sc)
				}
				sc = append(sc, seg...)
				if b[i] != '"' {
					break
				}
				sc = append(sc, '"')
				i++
			}
			if copied {
				fld = sc[scStart:]
			}
			if i > eol {
				lines += bytes.Count(b[from:i], []byte{'\n'})
				if eol = bytes.IndexByte(b[i:], '\n'); eol < 0 {
					return 0, false
				}
				eol += i
			}
			if b[i] != d && b[i] != '\n' {
				// Text after the closing quote: keep it with the field.
				j := bytes.IndexByte(b[i:eol], d)
				if j < 0 {
					j = eol - i
				}
				if !copied {
					scStart = len(sc)
					sc = append(sc, fld...)
				}
				sc = append(sc, b[i:i+j]...)
				fld = sc[scStart:]
				i += j
			}
		} else {
			j := bytes.IndexByte(b[i:eol], d)
			if j < 0 {
				j = eol - i
			}
			fld = b[i : i+j]
			i += j
		}
		end := i == eol
		if end && len(fld) > 0 && fld[len(fld)-1] == '\r' {
			fld = fld[:len(fld)-1]
		}
		if len(f) <= maxFields {
			f = append(f, fld)
			q = append(q, isQuoted)
		}
		i++
		if end {
			break
		}
	}
	c.fields, c.quoted, c.scratch = f, q, sc
	first := c.line + 1
	c.line += lines
	c.record(first)
	return i, true
}

// record turns c.fields into a sample (or the header).
func (c *csvParser) record(line int) {
	f := c.fields
	if len(f) == 1 && len(bytes.TrimSpace(f[0])) == 0 {
		return // blank line
	}
	if c.lay == nil && !c.first(line) {
		return
	}
	s := c.out.slot()
	if c.fill(s, line) {
		c.out.commit()
	} else {
		c.out.drop()
	}
}

// fill reads c.fields into s; false means the record is not a sample (a bad
// row, which fill reports, or a repeated header).
func (c *csvParser) fill(s *sources.Sample, line int) bool {
	f := c.fields
	l := c.lay
	if len(f) != l.fields {
		if c.reheader(line) {
			return false
		}
		found := fmt.Sprint(len(f))
		if len(f) > maxFields {
			found = fmt.Sprintf("more than %d", maxFields)
		}
		c.out.badRow(line, "want %d %s-delimited fields, found %s", l.fields, delimiterName(c.delim), found)
		return false
	}
	*s = sources.Sample{LatencyMS: -1, ConnectMS: -1, GrpThreads: -1, AllThreads: -1}
	if i := l.index[colTimeStamp]; i >= 0 {
		v, ok := c.times.parse(f[i])
		if !ok {
			if c.reheader(line) {
				return false
			}
			c.out.badRow(line, "timeStamp: want epoch milliseconds or a date like 2006/01/02 15:04:05.000, found %s", quote(f[i]))
			return false
		}
		s.StartMS = v
	}
	var ok bool
	if s.ElapsedMS, ok = c.int32Field(f, l.index[colElapsed], 0, "elapsed", line); !ok {
		return false
	}
	if s.LatencyMS, ok = c.int32Field(f, l.index[colLatency], -1, "Latency", line); !ok {
		return false
	}
	if s.ConnectMS, ok = c.int32Field(f, l.index[colConnect], -1, "Connect", line); !ok {
		return false
	}
	if s.GrpThreads, ok = c.int32Field(f, l.index[colGrpThreads], -1, "grpThreads", line); !ok {
		return false
	}
	if s.AllThreads, ok = c.int32Field(f, l.index[colAllThreads], -1, "allThreads", line); !ok {
		return false
	}
	if s.Bytes, ok = c.int64Field(f, l.index[colBytes], "bytes", line); !ok {
		return false
	}
	if s.SentBytes, ok = c.int64Field(f, l.index[colSentBytes], "sentBytes", line); !ok {
		return false
	}
	var label []byte
	if i := l.index[colLabel]; i >= 0 {
		label = f[i]
		s.Label = c.labels.get(label)
	}
	if i := l.index[colResponseCode]; i >= 0 {
		s.Code = c.codes.get(f[i])
	}
	if i := l.index[colResponseMessage]; i >= 0 {
		s.Message = c.messages.get(f[i])
		s.Transaction = bytes.HasPrefix(f[i], []byte(transactionPrefix))
	}
	if i := l.index[colSuccess]; i >= 0 {
		switch v := f[i]; string(v) {
		case "true":
			s.Success = true
		case "false":
		default:
			switch {
			case bytes.EqualFold(v, []byte("true")):
				s.Success = true
			case bytes.EqualFold(v, []byte("false")):
			default:
				c.out.badRow(line, "success: want true or false, found %s", quote(v))
				return false
			}
		}
	} else {
		s.Success = successFromCode(s.Code)
	}
	if i := l.index[colFailureMessage]; i >= 0 && !s.Success && len(f[i]) > 0 {
		s.Message = c.messages.get(f[i]) // the assertion's words explain the failure better than "OK"
	}
	if i := l.index[colURL]; i >= 0 && string(f[i]) != "null" {
		s.URL = c.urls.get(f[i])
	}
	if i := l.index[colThreadName]; i >= 0 {
		t := c.thread(f[i])
		s.Thread = t.name
		c.subResult(s, t, label)
	}
	return true
}

// subResult marks s as an embedded-resource sub-result when its label is
// "<parent>-<N>" and the last sample of the same thread that could own
// sub-results is labelled <parent> and was running when s started; otherwise
// s may own sub-results itself. This matches JMeter >= 5.0 with the shipped
// jmeter.save.saveservice.subresults=true, which writes the parent row and
// then its renamed sub-results. Not recognised: sub-results written before
// their parent, renaming disabled (subresults.disable_renaming), and parents
// that are transaction controllers: the children of a TC are real requests
// (their -N names come from the "naming policy") and the TC row is the one
// left out of request totals.
func (c *csvParser) subResult(s *sources.Sample, t *threadState, label []byte) {
	if s.Transaction {
		return
	}
	if t.parent != "" && isChildLabel(label, t.parent) && s.StartMS >= t.start && s.StartMS <= t.end {
		s.SubResult = true
		return
	}
	t.parent, t.start, t.end = s.Label, s.StartMS, s.StartMS+int64(max(s.ElapsedMS, 0))
}

// isChildLabel reports whether label is parent + "-" + digits.
func isChildLabel(label []byte, parent string) bool {
	n := len(parent)
	if len(label) < n+2 || label[n] != '-' || string(label[:n]) != parent {
		return false
	}
	for _, ch := range label[n+1:] {
		if ch < '0' || ch > '9' {
			return false
		}
	}
	return true
}

func (c *csvParser) thread(b []byte) *threadState {
	// Rows of one thread often come together (a transaction and its
	// children), so the last thread is checked before the map is hashed.
	if t := c.lastThread; t != nil && t.name == string(b) {
		return t
	}
	t, ok := c.threads[string(b)]
	if ok {
		c.lastThread = t
		return t
	}
	t = &threadState{name: string(b)}
	if len(c.threads) < maxThreads {
		c.threads[t.name] = t
	}
	c.lastThread = t
	return t
}

func (c *csvParser) int32Field(f [][]byte, i int, absent int32, name string, line int) (int32, bool) {
	if i < 0 || len(f[i]) == 0 {
		return absent, true
	}
	v, ok := atoi(f[i])
	if !ok || v != int64(int32(v)) {
		c.out.badRow(line, "%s: want an integer, found %s", name, quote(f[i]))
		return 0, false
	}
	return int32(v), true
}

func (c *csvParser) int64Field(f [][]byte, i int, name string, line int) (int64, bool) {
	if i < 0 || len(f[i]) == 0 {
		return 0, true
	}
	v, ok := atoi(f[i])
	if !ok {
		c.out.badRow(line, "%s: want an integer, found %s", name, quote(f[i]))
		return 0, false
	}
	return v, true
}

// first decides what the first record is: a header, or the first row of a
// headerless file (whose columns come from Options.Columns or the field
// count). It returns whether the record is data.
func (c *csvParser) first(line int) bool {
	f := c.fields
	if isHeader(f, c.quoted) {
		c.setLayout(newLayout(headerNames(f, c.quoted)))
		return false
	}
	names := c.forced
	if names == nil {
		names = headerlessDefaults[len(f)]
		if names == nil {
			if _, loose := looksLikeSample(f, &c.times); loose {
				c.err = fmt.Errorf("line %d: a JTL without a header, with %d %s-delimited fields: "+
					"JMeter's default sets have 12, 14, 16 or 17, so the columns are unknown; "+
					"name them with --jtl-columns, e.g. --jtl-columns %s",
					line, len(f), delimiterName(c.delim), strings.Join(headerlessDefaults[17], ","))
			} else {
				c.err = fmt.Errorf("line %d: not a JMeter JTL: the first line is neither a JTL header "+
					"(timeStamp,elapsed,label,...) nor a sample row: %s", line, quote(bytes.Join(f, []byte{c.delim})))
			}
			return false
		}
		c.out.warn(fmt.Sprintf("no header: read as the JMeter default %d columns (%s); "+
			"if that is wrong, name them with --jtl-columns", len(f), strings.Join(names, ",")))
	} else {
		if len(names) != len(f) {
			c.out.warn(fmt.Sprintf("--jtl-columns names %d columns but line %d has %d fields", len(names), line, len(f)))
		}
		for _, n := range names {
			if _, ok := lookupColumn([]byte(n)); !ok && !strings.HasPrefix(n, `"`) {
				c.out.warn(fmt.Sprintf("--jtl-columns: %q is not a JTL column name; its values are skipped", n))
			}
		}
	}
	c.setLayout(newLayout(names))
	return true
}

func (c *csvParser) setLayout(l *layout) {
	c.lay = l
	if l.noTime {
		c.out.warn("no timeStamp column: samples have no time (shown at the epoch)")
	}
}

// reheader recognises a header in the middle of the input (runs appended to
// one file, files concatenated) when a record does not fit the current
// columns: a repeat of the current header is skipped, a different one
// replaces it.
func (c *csvParser) reheader(line int) bool {
	if c.lay.sameHeader(c.fields) {
		return true
	}
	if !isHeader(c.fields, c.quoted) {
		return false
	}
	c.setLayout(newLayout(headerNames(c.fields, c.quoted)))
	c.out.warn(fmt.Sprintf("line %d: a new header changes the columns", line))
	return true
}

// successFromCode guesses the verdict of a file without a success column:
// 2xx and 3xx codes, or no code at all, count as successes.
func successFromCode(code string) bool {
	return code == "" || code[0] == '2' || code[0] == '3'
}

// quote renders a bad field for a message, cut to a readable length.
func quote(b []byte) string {
	const most = 40
	if len(b) > most {
		return fmt.Sprintf("%q...", b[:most])
	}
	return fmt.Sprintf("%q", b)
}
