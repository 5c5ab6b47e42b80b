package jtl

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math/bits"
	"strings"
	"time"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/internal/batch"
	"github.com/sobang/sobang/sources/internal/cacheslot"
	"github.com/sobang/sobang/sources/loadtest/labels"
	"github.com/sobang/sobang/sources/sanitize"
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
	// maxPendingPerThread bounds the rows of one thread that wait for a
	// parent written after them, and maxPinned how many samples may follow
	// the oldest of them before it is given up on (see subResult). It keeps
	// a pinned batch tail well under sources.BatchRecords.
	maxPendingPerThread = 64
	maxPinned           = 1024
	// threadCacheBits sizes the cache of thread states (csvParser.thread).
	threadCacheBits = cacheslot.Bits
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
	out         *batch.Batcher
	forced      []string // Options.Columns
	columnsFrom string   // where forced came from, for messages
	delim       byte     // 0 until the first line is seen (unless forced)
	endTimes    bool     // timeStamp is each sample's end (Options.EndTimes)
	lay         *layout  // nil until the header (or first row) is seen
	line        int      // physical lines consumed

	// Layout detection looks ahead from the record being read (timedetect.go).
	cur      []byte // the buffer parse is reading
	curStart int    // where the current record starts in cur
	hold     bool   // the current record waits for more input
	final    bool   // the input has ended: decide with what there is
	pivot    int    // two-digit years fall in [pivot, pivot+100)

	pendingRows    int            // rows waiting for a parent, all threads
	pendingRaw     string         // the label as written of the row fill just found pending
	pendingThreads []*threadState // the threads with pending rows, in the order they began to

	partial      []byte // an incomplete record carried to the next chunk
	quotePending bool   // partial holds a quoted record open over a newline
	skipLine     bool   // dropping the rest of an over-long line

	fields  [][]byte // fields of the current record (reused)
	quoted  []bool   // which fields were quoted (slow path only; empty on the fast path)
	scratch []byte   // unescaped quoted fields (reused)

	times                 timeParser
	labels                *labels.Mapper
	codes, messages, urls batch.Interner
	threads               map[string]*threadState
	lastThread            *threadState
	threadCache           [1 << threadCacheBits]*threadState // see thread
	err                   error
}

// threadState is what sub-result detection remembers per thread.
type threadState struct {
	name   string // as written
	shown  string // as handed over: made safe by sanitize.Value
	parent string // label (as written) of the thread's last sample that can have sub-results
	start  int64  // its start and end, epoch ms
	end    int64

	// Rows labelled pendingParent-N whose parent may be the thread's next
	// row: their sequence numbers (see batcher.pinned), and the last one's
	// label as written and span.
	pending            []int64
	pendingParent      string
	lastRaw            string
	lastStart, lastEnd int64
}

func newCSVParser(out *batch.Batcher, loc *time.Location, opt Options, names *labels.Mapper) *csvParser {
	c := &csvParser{
		out:         out,
		forced:      opt.Columns,
		columnsFrom: opt.ColumnsFrom,
		delim:       opt.Delimiter,
		endTimes:    opt.EndTimes,
		fields:      make([][]byte, 0, 32),
		times:       timeParser{loc: loc, undecided: true},
		pivot:       pivotYear(out.Clock().Now()),
		labels:      names,
		codes:       batch.NewInterner(),
		messages:    batch.NewInterner(),
		urls:        batch.NewInterner(),
		threads:     make(map[string]*threadState),
	}
	if c.columnsFrom == "" {
		c.columnsFrom = "--jtl-columns"
	}
	switch opt.TimeFormat {
	case "":
	case "ms":
		c.times.undecided = false
	default:
		l, err := parseTimeFormat(opt.TimeFormat, c.pivot)
		if err != nil {
			c.err = err
			break
		}
		c.times.layout, c.times.strict, c.times.undecided = l, true, false
	}
	return c
}

// Feed parses the next bytes: records, the last one maybe partial.
func (c *csvParser) Feed(p []byte) error {
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
	c.out.BadRow(c.line+1, "line longer than %d bytes", maxRecord)
	c.partial = c.partial[:0]
	c.skipLine = true
}

// Finish reads the last record and lets go of the rows waiting for a
// parent.
func (c *csvParser) Finish() error {
	c.final = true
	if c.skipLine {
		c.skipLine = false
		c.line++
	}
	if len(c.partial) > 0 && c.err == nil {
		c.partial = append(c.partial, '\n')
		if n := c.parse(c.partial); n < len(c.partial) && c.err == nil {
			c.out.BadRow(c.line+1, "quoted field not closed before the end of the input")
		}
	}
	c.partial = c.partial[:0]
	c.quotePending = false
	c.releaseAll()
	return c.err
}

// Idle settles the rows pending for a parent that did not come yet: the
// input paused (a followed file), so they are shown as they are.
func (c *csvParser) Idle() {
	if c.err == nil {
		c.releaseAll()
	}
}

// parse reads the complete records at the start of b and returns how many
// bytes they took; the rest is an incomplete record.
func (c *csvParser) parse(b []byte) int {
	c.quotePending = false
	c.cur = b
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
		c.curStart = start
		if c.split(line) {
			c.line++
			c.record(c.line)
			if c.hold { // layout detection needs more input: read this record again then
				c.hold = false
				c.line--
				break
			}
			start += nl + 1
			continue
		}
		before := c.line
		n, ok := c.quotedRecord(b[start:])
		if c.hold {
			c.hold = false
			c.line = before
			break
		}
		if !ok {
			if len(b)-start > maxRecord {
				c.line++
				c.out.BadRow(c.line, "quoted field not closed within %d bytes", maxRecord)
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

// split cuts a line into c.fields at the delimiter, unless it holds a
// quote that cutLine leaves to the quoted-record path (then it returns false).
func (c *csvParser) split(line []byte) bool {
	f, q, ok := cutLine(c.fields[:0], c.quoted[:0], line, c.delim)
	if !ok {
		return false
	}
	c.fields, c.quoted = f, q
	return true
}

// cutLine appends the fields of line, cut at delim, to f. It looks at eight
// bytes at a time (SWAR): fields are short, so one bytes.IndexByte call per
// field costs more in calls than it saves in scanning. A field that starts
// with '"' and ends at the next '"' right before a delimiter or the end of
// the line (a transaction's message, "Number of samples in transaction : 2,
// number of failing samples : 0") is taken without its quotes; then q gets
// one entry per field of the line saying which were quoted, and stays as it
// was for a line without quotes. Any other quote (a doubled one, text after
// a closing quote, a quote inside a field, a quoted field going on past the
// line) leaves the line to cutQuoted: cutLine returns f and q as they were
// and false. At most maxFields fields are kept, the last one holding the
// rest of the line.
func cutLine(f [][]byte, q []bool, line []byte, delim byte) ([][]byte, []bool, bool) {
	base, qbase := len(f), len(q)
	limit := base + maxFields
	delims := broadcast(delim)
	// quoted takes the quoted field starting at k (== start), appends it,
	// and returns where the next field starts, or len(line)+1 after the
	// last; ok is false when cutQuoted must read the line.
	quoted := func(k int) (next int, ok bool) {
		end := bytes.IndexByte(line[k+1:], '"')
		if end < 0 {
			return 0, false
		}
		end += k + 1
		if end+1 < len(line) && line[end+1] != delim {
			return 0, false
		}
		// The last field is kept past the limit, as an unquoted one is: a
		// field count over maxFields says "more than".
		if len(f) < limit || end+1 >= len(line) {
			for len(q)-qbase < len(f)-base {
				q = append(q, false)
			}
			f, q = append(f, line[k+1:end]), append(q, true)
		}
		return end + 2, true
	}
	if bytes.IndexByte(line, '"') < 0 {
		// Most lines hold no quote: one vectorised search says so, and then
		// each word needs only its delimiters found.
		start := 0
		i := 0
		for ; i+8 <= len(line); i += 8 {
			w := binary.LittleEndian.Uint64(line[i:])
			for m := bytesEqual(w, delims); m != 0; m &= m - 1 {
				k := i + bits.TrailingZeros64(m)>>3
				if len(f) < limit {
					f = append(f, line[start:k])
				}
				start = k + 1
			}
		}
		for ; i < len(line); i++ {
			if line[i] == delim {
				if len(f) < limit {
					f = append(f, line[start:i])
				}
				start = i + 1
			}
		}
		return append(f, line[start:]), q, true
	}
	start, i := 0, 0
	for i+8 <= len(line) {
		w := binary.LittleEndian.Uint64(line[i:])
		dm := bytesEqual(w, delims)
		qm := bytesEqual(w, quotes)
		if qm != 0 {
			dm &= qm&-qm - 1 // the delimiters before the word's first quote
		}
		for m := dm; m != 0; m &= m - 1 {
			k := i + bits.TrailingZeros64(m)>>3
			if len(f) < limit {
				f = append(f, line[start:k])
			}
			start = k + 1
		}
		if qm == 0 {
			i += 8
			continue
		}
		k := i + bits.TrailingZeros64(qm)>>3
		if k != start {
			return f[:base], q[:qbase], false
		}
		next, ok := quoted(k)
		if !ok {
			return f[:base], q[:qbase], false
		}
		start, i = next, next
	}
	for ; i < len(line); i++ {
		switch line[i] {
		case delim:
			if len(f) < limit {
				f = append(f, line[start:i])
			}
			start = i + 1
		case '"':
			if i != start {
				return f[:base], q[:qbase], false
			}
			next, ok := quoted(i)
			if !ok {
				return f[:base], q[:qbase], false
			}
			start, i = next, next-1
		}
	}
	if start <= len(line) {
		f = append(f, line[start:])
	}
	if len(q) > qbase {
		for len(q)-qbase < len(f)-base {
			q = append(q, false)
		}
	}
	return f, q, true
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
// c.fields (see cutQuoted), calls record, and returns the bytes it took; ok
// is false when b ends before the record does.
func (c *csvParser) quotedRecord(b []byte) (n int, ok bool) {
	if cap(c.scratch) < len(b) {
		c.scratch = make([]byte, 0, len(b)+len(b)/2)
	}
	f, q, sc, n, lines, ok := cutQuoted(b, c.delim, c.fields[:0], c.quoted[:0], c.scratch[:0])
	if !ok {
		return 0, false
	}
	c.fields, c.quoted, c.scratch = f, q, sc
	first := c.line + 1
	c.line += lines
	c.record(first)
	return n, true
}

// cutQuoted reads one record that contains a '"' from the start of b,
// appending its fields to f, whether each was quoted to q, and unescaped
// text to sc; it returns the bytes and physical lines the record took, and
// ok false when b ends before the record does. Like JMeter's reader it
// accepts quoted fields with doubled quotes and newlines; unlike it, it keeps
// a quote inside an unquoted field, and text after a closing quote, as
// literal text. Fields are slices of b except quoted ones with doubled
// quotes, which are unescaped into sc. At most maxFields+1 fields are kept,
// so that the caller can tell a record with too many.
func cutQuoted(b []byte, d byte, f [][]byte, q []bool, sc []byte) (_ [][]byte, _ []bool, _ []byte, n, lines int, ok bool) {
	limit := len(f) + maxFields
	lines = 1
	i := 0
	eol := bytes.IndexByte(b, '\n') // the end of the physical line holding i
	if eol < 0 {
		return f, q, sc, 0, 0, false
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
					return f, q, sc, 0, 0, false
				}
				seg := b[i : i+j]
				i += j + 1
				if i >= len(b) {
					return f, q, sc, 0, 0, false // a doubled quote may follow
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
					return f, q, sc, 0, 0, false
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
		if len(f) <= limit {
			f = append(f, fld)
			q = append(q, isQuoted)
		}
		i++
		if end {
			break
		}
	}
	return f, q, sc, i, lines, true
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
	if c.pendingRows > 0 {
		c.resolvePending()
	}
	s := c.out.Slot()
	switch c.fill(s, line) {
	case rowSample:
		c.out.Commit()
	case rowPending:
		c.pend(s)
		c.out.Commit()
	default:
		c.out.Drop()
	}
}

// What fill made of a record.
const (
	rowSkip    = iota // not a sample: a bad row (reported), a header, or held for detection
	rowSample         // a sample, to commit
	rowPending        // a sample that may be a sub-result of a later row (see subResult)
)

// fill reads c.fields into s and says what the record is (rowSkip: a bad
// row, which fill reports, a repeated header, or a record held back while
// the timestamp layout is undecided).
func (c *csvParser) fill(s *sources.Sample, line int) int {
	f := c.fields
	l := c.lay
	if len(f) != l.fields {
		if c.reheader(line) {
			return rowSkip
		}
		found := fmt.Sprint(len(f))
		if len(f) > maxFields {
			found = fmt.Sprintf("more than %d", maxFields)
		}
		c.out.BadRow(line, "expected %d %s-delimited fields, found %s", l.fields, delimiterName(c.delim), found)
		return rowSkip
	}
	*s = sources.Sample{LatencyMS: -1, ConnectMS: -1, GrpThreads: -1, AllThreads: -1}
	if i := l.index[colTimeStamp]; i >= 0 {
		if c.times.undecided && !c.decideTimes(f[i], line) {
			return rowSkip
		}
		v, ok := c.times.parse(f[i])
		if !ok {
			if c.reheader(line) {
				return rowSkip
			}
			c.out.Expected(line, "timeStamp", c.times.want(), f[i])
			return rowSkip
		}
		s.StartMS = v
	}
	var ok bool
	if s.ElapsedMS, ok = c.int32Field(f, l.index[colElapsed], 0, "elapsed", line); !ok {
		return rowSkip
	}
	if i := l.index[colTimeStamp]; i >= 0 {
		if c.endTimes {
			s.StartMS -= int64(max(s.ElapsedMS, 0))
		}
		// At or before the epoch a sample would fall off the time axis and
		// out of every statistic: it is a bad row.
		if s.StartMS <= 0 {
			c.epochRow(line, f[i], s)
			return rowSkip
		}
	}
	if s.LatencyMS, ok = c.int32Field(f, l.index[colLatency], -1, "Latency", line); !ok {
		return rowSkip
	}
	if s.ConnectMS, ok = c.int32Field(f, l.index[colConnect], -1, "Connect", line); !ok {
		return rowSkip
	}
	if s.GrpThreads, ok = c.int32Field(f, l.index[colGrpThreads], -1, "grpThreads", line); !ok {
		return rowSkip
	}
	if s.AllThreads, ok = c.int32Field(f, l.index[colAllThreads], -1, "allThreads", line); !ok {
		return rowSkip
	}
	if s.Bytes, ok = c.int64Field(f, l.index[colBytes], "bytes", line); !ok {
		return rowSkip
	}
	if s.SentBytes, ok = c.int64Field(f, l.index[colSentBytes], "sentBytes", line); !ok {
		return rowSkip
	}
	var label []byte
	var raw string
	if i := l.index[colLabel]; i >= 0 {
		label = f[i]
		raw, s.Label = c.labels.Get(label)
	}
	if i := l.index[colResponseCode]; i >= 0 {
		s.Code = c.codes.Get(f[i])
	}
	if i := l.index[colResponseMessage]; i >= 0 {
		s.Message = c.messages.Get(f[i])
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
				c.out.Expected(line, "success", "true or false", v)
				return rowSkip
			}
		}
	} else {
		s.Success = successFromCode(s.Code)
	}
	if i := l.index[colFailureMessage]; i >= 0 && !s.Success && len(f[i]) > 0 {
		s.Failure = c.messages.Get(f[i])
	}
	if i := l.index[colURL]; i >= 0 && string(f[i]) != "null" {
		s.URL = c.urls.Get(f[i])
	}
	if s.Transaction && len(s.Label) == len(labels.Other) && s.Label == labels.Other {
		s.Label = labels.OtherTransactions // keep capped requests and transactions apart
	}
	if i := l.index[colThreadName]; i >= 0 {
		t := c.thread(f[i])
		s.Thread = t.shown
		if c.subResult(s, t, label, raw) {
			return rowPending
		}
	}
	return rowSample
}

// subResult marks s as an embedded-resource sub-result when its label is
// "<parent>-<N>" and the last sample of the same thread that could own
// sub-results is labelled <parent> and was running when s started; otherwise
// s may own sub-results itself. This matches JMeter >= 5.0 with the shipped
// jmeter.save.saveservice.subresults=true, which writes the parent row and
// then its renamed sub-results.
//
// Sub-results can also come before their parent: JMeter 5.5+ writes a parent
// sample's tree recursively, grand-children before their parent (a
// transaction controller with "Generate parent sample", whose child samplers
// have embedded resources). So a "<X>-<N>" row that no earlier row explains
// is pending (subResult returns true) until the next row of its thread:
// when that row is <X> itself, not a transaction, and was running when the
// pending rows started, they are its sub-results (resolvePending); a
// sibling <X>-<M> is pending too; anything else leaves them as they are. A
// pending sample is committed in place like any other, but the batcher does
// not push it (or what follows it) until it is settled, so samples keep
// their file order and nothing is copied. Only labels ending in -digits can
// be pending, so ordinary rows cost one byte comparison, and pending rows are
// bounded per thread and by how far behind they may pin the batch.
//
// Not recognised: renaming disabled (subresults.disable_renaming) and
// parents that are transaction controllers: the children of a TC are real
// requests (their -N names come from the "naming policy") and the TC row is
// the one left out of request totals. Labels are compared as written, before
// --label-map renames them.
func (c *csvParser) subResult(s *sources.Sample, t *threadState, label []byte, raw string) (hold bool) {
	if s.Transaction {
		return false
	}
	if t.parent != "" && isChildLabel(label, t.parent) && s.StartMS >= t.start && s.StartMS <= t.end {
		s.SubResult = true
		return false
	}
	if n := childSuffix(label); n > 0 && !c.lay.noTime && len(t.pending) < maxPendingPerThread {
		if len(t.pending) == 0 {
			t.pendingParent = raw[:len(raw)-n]
		}
		c.pendingRaw = raw
		return true
	}
	t.parent, t.start, t.end = raw, s.StartMS, s.StartMS+int64(max(s.ElapsedMS, 0))
	return false
}

// childSuffix returns the length of a "-<digits>" ending of label, 0 when it
// has none (or nothing before it).
func childSuffix(label []byte) int {
	n := len(label)
	i := n
	for i > 0 && label[i-1] >= '0' && label[i-1] <= '9' {
		i--
	}
	if i == n || i < 2 || label[i-1] != '-' {
		return 0
	}
	return n - i + 1
}

// pend makes s, about to be committed, a pending row of its thread.
func (c *csvParser) pend(s *sources.Sample) {
	t := c.lastThread // fill's thread lookup set it
	seq := int64(c.out.Samples)
	if len(t.pending) == 0 {
		c.pendingThreads = append(c.pendingThreads, t)
	}
	t.pending = append(t.pending, seq)
	t.lastRaw, t.lastStart, t.lastEnd = c.pendingRaw, s.StartMS, s.StartMS+int64(max(s.ElapsedMS, 0))
	c.pendingRows++
	if c.out.Pinned < 0 {
		c.out.Pin(seq)
	}
}

// resolvePending runs before a record is read while rows are pending: when
// the record belongs to a thread with pending rows, it settles them (see
// subResult). Rows pending for too long are given up on.
func (c *csvParser) resolvePending() {
	c.settle()
	for c.pendingRows > 0 && int64(c.out.Samples)-c.out.Pinned > maxPinned {
		c.release(c.pendingThreads[0])
	}
}

func (c *csvParser) settle() {
	l, f := c.lay, c.fields
	ti, li, tsi := l.index[colThreadName], l.index[colLabel], l.index[colTimeStamp]
	if len(f) != l.fields || ti < 0 || li < 0 || tsi < 0 {
		return
	}
	t := c.lastThread
	if t == nil || t.name != string(f[ti]) {
		t = c.threads[string(f[ti])]
	}
	if t == nil || len(t.pending) == 0 {
		return
	}
	label := f[li]
	if isChildLabel(label, t.pendingParent) && len(t.pending) < maxPendingPerThread {
		return // a sibling: keep waiting for the parent
	}
	if string(label) == t.pendingParent {
		start, okStart := c.times.parse(f[tsi])
		elapsed, okElapsed := int64(0), true
		if i := l.index[colElapsed]; i >= 0 && len(f[i]) > 0 {
			elapsed, okElapsed = atoi(f[i])
		}
		txn := false
		if i := l.index[colResponseMessage]; i >= 0 {
			txn = bytes.HasPrefix(f[i], []byte(transactionPrefix))
		}
		if c.endTimes {
			start -= max(elapsed, 0) // as fill reads it
		}
		if okStart && okElapsed && !txn {
			for _, q := range t.pending {
				if s := c.out.Committed(q); s.StartMS >= start && s.StartMS <= start+max(elapsed, 0) {
					s.SubResult = true
				}
			}
			t.pending = t.pending[:0] // the record about to be read is the parent
		}
	}
	c.release(t)
}

// release settles the pending rows of t as they are now: those not found to
// be sub-results are ordinary samples, and the last of them becomes the
// thread's possible parent, as it would have been had it not waited.
func (c *csvParser) release(t *threadState) {
	if len(t.pending) > 0 {
		t.parent, t.start, t.end = t.lastRaw, t.lastStart, t.lastEnd
	}
	for i, pt := range c.pendingThreads {
		if pt == t {
			c.pendingThreads = append(c.pendingThreads[:i], c.pendingThreads[i+1:]...)
			break
		}
	}
	c.pendingRows = 0
	t.pending = t.pending[:0]
	oldest := int64(-1)
	for _, pt := range c.pendingThreads {
		c.pendingRows += len(pt.pending)
		if oldest < 0 || pt.pending[0] < oldest {
			oldest = pt.pending[0]
		}
	}
	if oldest < 0 {
		c.out.Unpin()
	} else {
		c.out.Pinned = oldest
	}
}

// releaseAll settles every pending row as it is.
func (c *csvParser) releaseAll() {
	for len(c.pendingThreads) > 0 {
		c.release(c.pendingThreads[0])
	}
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
	// Then a direct-mapped cache of the threads the map holds: a run
	// interleaves many threads, and hashing the name for the map costs more
	// than comparing it with the one entry its slot holds.
	slot := &c.threadCache[threadSlot(b)]
	if t := *slot; t != nil && t.name == string(b) {
		c.lastThread = t
		return t
	}
	t, ok := c.threads[string(b)]
	if ok {
		*slot = t
		c.lastThread = t
		return t
	}
	t = &threadState{name: string(b)}
	t.shown = sanitize.Value(t.name)
	if len(c.threads) < maxThreads {
		c.threads[t.name] = t
		*slot = t
	}
	c.lastThread = t
	return t
}

// threadSlot picks the csvParser.threadCache entry of a thread name as
// the interning caches do (cacheslot.Of), from its length and last
// eight bytes, where names of one thread group differ.
func threadSlot(b []byte) int { return cacheslot.Of(b) }

// epochRow counts a row whose sample would start at or before the epoch:
// its timeStamp says so, or (end times) its end minus its elapsed time does.
func (c *csvParser) epochRow(line int, raw []byte, s *sources.Sample) {
	if s.StartMS+int64(max(s.ElapsedMS, 0)) > 0 && c.endTimes {
		c.out.BadRow(line, "timeStamp: the sample would start at or before the epoch: it ends at %d and took %d ms",
			s.StartMS+int64(max(s.ElapsedMS, 0)), s.ElapsedMS)
		return
	}
	c.out.Expected(line, "timeStamp", sources.AfterEpoch, raw)
}

func (c *csvParser) int32Field(f [][]byte, i int, absent int32, name string, line int) (int32, bool) {
	if i < 0 || len(f[i]) == 0 {
		return absent, true
	}
	v, ok := atoi(f[i])
	if !ok || v != int64(int32(v)) {
		c.out.Expected(line, name, "an integer", f[i])
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
		c.out.Expected(line, name, "an integer", f[i])
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
				c.err = sources.LineErrorf(line, "a JTL without a header, with %d %s-delimited fields: "+
					"JMeter's default sets have 12, 14, 16 or 17, so the columns are unknown; "+
					"name them with --jtl-columns (or give the run's properties with --jmeter-props), e.g. --jtl-columns %s",
					len(f), delimiterName(c.delim), strings.Join(headerlessDefaults[17], ","))
			} else {
				c.err = sources.LineErrorf(line, "not a JMeter JTL: %s", sources.Expected("",
					"a JTL header (timeStamp,elapsed,label,...) or a sample row", bytes.Join(f, []byte{c.delim})))
			}
			return false
		}
		c.out.Warn(fmt.Sprintf("no header: read as the JMeter default %d columns (%s); "+
			"if that is wrong, name them with --jtl-columns or --jmeter-props", len(f), strings.Join(names, ",")))
	} else {
		if len(names) != len(f) {
			c.out.Warn(fmt.Sprintf("%s names %d columns but line %d has %d fields", c.columnsFrom, len(names), line, len(f)))
		}
		for _, n := range names {
			if _, ok := lookupColumn([]byte(n)); !ok && !strings.HasPrefix(n, `"`) {
				c.out.Warn(fmt.Sprintf("%s: %s is not a JTL column name; its values are skipped", c.columnsFrom, sources.Quote(n)))
			}
		}
	}
	c.setLayout(newLayout(names))
	return true
}

func (c *csvParser) setLayout(l *layout) {
	c.releaseAll() // rows pending under the old columns are settled as they are
	c.lay = l
	if l.noTime {
		c.out.Warn("no timeStamp column: samples have no time (shown at the epoch)")
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
	c.out.Warn(fmt.Sprintf("line %d: a new header changes the columns", line))
	return true
}

// successFromCode guesses the verdict of a file without a success column:
// 2xx and 3xx codes, or no code at all, count as successes.
func successFromCode(code string) bool {
	return code == "" || code[0] == '2' || code[0] == '3'
}
