package jtl

import (
	"bytes"
	"runtime"
)

// Bulk parsing: once a file's layout, delimiter and timestamp format are
// settled, a large buffer's records are cut into fields on a second
// goroutine while this one turns them into samples. Cutting is about a third
// of the work of a row and filling the rest, so on two cores a file is read
// about a third faster than by one goroutine doing both. The outcome is the
// same as the sequential loop in parse: the same records, line numbers, bad
// rows and bytes consumed (a test compares the two on every input it has).

// Variables, not constants, so that tests can make every buffer bulk and
// every segment one record.
var (
	// bulkMin is the smallest rest of a buffer worth a cutting goroutine.
	bulkMin = 64 << 10
	// segmentBytes is about how much input one segment of cut records
	// covers: small enough that the two goroutines overlap within one read
	// (sources.ReadChunk), large enough that handing segments over is
	// cheap.
	segmentBytes = 16 << 10
)

// segments is how many segments circulate between the goroutines.
const segments = 4

// bulkParsing can be turned off to compare bulk parsing with the
// sequential loop (tests) or where it does not pay (one CPU).
var bulkParsing = runtime.GOMAXPROCS(0) > 1

// segment holds the records cut from one stretch of a buffer.
type segment struct {
	fields  [][]byte
	quoted  []bool
	scratch []byte // unescaped quoted fields
	recs    []cutRecord
	end     int  // where the stretch ends in the buffer: after its last record
	pending bool // cutting stopped at a quoted record the buffer does not complete
}

// cutRecord is one record of a segment: its fields are
// fields[previous.fieldsEnd:fieldsEnd], and quoted[previous.quotedEnd:quotedEnd]
// says which were quoted (empty when none was).
type cutRecord struct {
	start, end           int // its bytes in the buffer
	fieldsEnd, quotedEnd int
	lines                int  // physical lines it took
	bad                  bool // a quoted field not closed within maxRecord: a bad row
}

func (s *segment) reset() {
	s.fields, s.quoted, s.scratch, s.recs = s.fields[:0], s.quoted[:0], s.scratch[:0], s.recs[:0]
	s.end, s.pending = 0, false
}

// bulkReady reports whether the rest of b, from start, is parsed in bulk.
func (c *csvParser) bulkReady(b []byte, start int) bool {
	return bulkParsing && len(b)-start >= bulkMin && c.lay != nil && c.delim != 0 &&
		!c.times.undecided && c.err == nil && !c.hold
}

// cutSegments cuts the records of b into segments taken from free and sends them to
// out, which it closes at the end of b, at an incomplete record, or after
// stop is closed.
func cutSegments(b []byte, delim byte, free <-chan *segment, out chan<- *segment, stop <-chan struct{}) {
	defer close(out)
	seg := <-free
	seg.reset()
	from, start := 0, 0
	for start < len(b) {
		nl := bytes.IndexByte(b[start:], '\n')
		if nl < 0 {
			break
		}
		line := b[start : start+nl]
		if n := len(line); n > 0 && line[n-1] == '\r' {
			line = line[:n-1]
		}
		rec := cutRecord{start: start, lines: 1}
		if f, q, ok := cutLine(seg.fields, seg.quoted, line, delim); ok {
			seg.fields, seg.quoted = f, q
			start += nl + 1
		} else if f, q, sc, n, lines, ok := cutQuoted(b[start:], delim, seg.fields, seg.quoted, seg.scratch); ok {
			seg.fields, seg.quoted, seg.scratch = f, q, sc
			rec.lines = lines
			start += n
		} else if len(b)-start > maxRecord {
			rec.bad = true
			start += nl + 1
		} else {
			seg.pending = true
			break
		}
		rec.end, rec.fieldsEnd, rec.quotedEnd = start, len(seg.fields), len(seg.quoted)
		seg.recs = append(seg.recs, rec)
		seg.end = start
		if start-from >= segmentBytes {
			out <- seg
			select {
			case <-stop:
				return
			case seg = <-free:
			}
			seg.reset()
			seg.end, from = start, start
		}
	}
	out <- seg
}

// parseBulk parses the records of b from start on, as parse does, with the
// cutting on another goroutine, and returns the bytes they took.
func (c *csvParser) parseBulk(b []byte, start int) int {
	if c.segFree == nil {
		c.segFree = make(chan *segment, segments)
		for range segments {
			c.segFree <- &segment{}
		}
	}
	ownFields, ownQuoted := c.fields, c.quoted
	out := make(chan *segment, segments)
	stop := make(chan struct{})
	go cutSegments(b[start:], c.delim, c.segFree, out, stop)
	consumed, stopped := start, false
	for seg := range out {
		if !stopped {
			consumed, stopped = c.fillSegment(b, start, seg)
			if stopped {
				close(stop)
			}
		}
		c.segFree <- seg
	}
	c.fields, c.quoted = ownFields[:0], ownQuoted[:0]
	return consumed
}

// fillSegment turns seg's records into samples and returns where the
// parsed input ends in b, and whether parsing stopped before the end of
// seg (an error, or a record held for more input).
func (c *csvParser) fillSegment(b []byte, base int, seg *segment) (consumed int, stopped bool) {
	fi, qi := 0, 0
	for _, r := range seg.recs {
		if r.bad {
			c.line++
			c.out.BadRow(c.line, "quoted field not closed within %d bytes", maxRecord)
			continue
		}
		c.fields, c.quoted = seg.fields[fi:r.fieldsEnd], seg.quoted[qi:r.quotedEnd]
		fi, qi = r.fieldsEnd, r.quotedEnd
		before := c.line
		c.cur, c.curStart = b, base+r.start
		c.line += r.lines
		c.record(before + 1)
		if c.hold { // layout detection needs more input: read this record again then
			c.hold = false
			c.line = before
			return base + r.start, true
		}
		if c.err != nil {
			return base + r.end, true
		}
	}
	c.quotePending = seg.pending
	return base + seg.end, false
}
