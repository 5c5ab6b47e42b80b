// Package jtl reads JMeter result files (JTL), CSV or XML, as a sobang source.
//
// The flow of one source:
//
//	tail.File (wait, gunzip, follow, truncation)
//	   |  raw chunks (the last line usually partial)
//	   v
//	handler --first bytes--> '<' : xmlParser   (element-boundary scanner, no closing tag needed)
//	   |                     else: csvParser   (byte-scanning fast path, quoted-record slow path)
//	   v
//	batcher (BatchRecords samples, BatchLinger, CaughtUp/Idle/Reset/Health) --> sources.Sink
//
// Everything runs in the goroutine that calls Run: tail calls the handler,
// the handler feeds a parser, the parser hands samples to the batcher, the
// batcher pushes (and blocks while the consumer is behind). Labels pass
// through one labels.Mapper per source (--label-map, the 500-label cap).
//
// Times are passed on as written: StartMS is the sample's start (JMeter's
// timeStamp with the shipped sampleresult.timestamp.start=true, or timeStamp
// minus elapsed with Options.EndTimes). Dates written
// with a custom timestamp_format (given as Options.TimeFormat, or detected
// from the first values: timedetect.go) are read in Info.Location();
// Info.Offset is the store's business.
//
// A headerless CSV's columns come from Options.Columns (--jtl-columns, or
// jmeter.properties through Properties.SaveConfig) or JMeter's defaults.
package jtl

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/internal/batch"
	"github.com/sobang/sobang/sources/loadtest/labels"
)

// The formats this package reads, as Sniff and Health.Format name them.
const (
	FormatCSV = "JMeter CSV"
	FormatXML = "JMeter XML"
)

// Options say how to read a JTL.
type Options struct {
	// Follow keeps reading as the file grows (a running test) instead of
	// returning at its end.
	Follow bool
	// Columns names the columns of a headerless CSV file (--jtl-columns, or
	// built from jmeter.properties by SaveConfig), in order, with JMeter's
	// header names (timeStamp, elapsed, label, ...). A file that has a header
	// is read by its header. Nil guesses the JMeter default set from the
	// field count.
	Columns []string
	// ColumnsFrom names where Columns came from, for messages; "" means
	// --jtl-columns.
	ColumnsFrom string
	// Delimiter is the CSV field separator (--jtl-delimiter); 0 detects it
	// from the first line. ParseDelimiter reads the forms JMeter allows.
	Delimiter byte
	// TimeFormat is the CSV timeStamp layout as a SimpleDateFormat pattern
	// (--jtl-time-format, jmeter.save.saveservice.timestamp_format): "ms" for
	// epoch milliseconds, "" to detect it from the first values. Dates
	// without a zone are read in Info.Location(). ValidateTimeFormat checks it.
	TimeFormat string
	// LabelMap renames labels as they are read (--label-map), first match
	// first; CSV and XML alike.
	LabelMap []labels.Rule
	// MaxLabels caps the distinct labels of the source: samples of further
	// labels are counted under labels.Other. 0 means labels.DefaultMax, a
	// negative number no cap.
	MaxLabels int
	// EndTimes says the file's timestamps are each sample's end
	// (sampleresult.timestamp.start=false, --jtl-end-times): a sample's
	// start is its timeStamp minus its elapsed time. CSV and XML alike.
	EndTimes bool
	// Warnings are told once among the source's warnings when it starts
	// (SaveConfig.Warnings about the properties the options came from).
	Warnings []string
}

// New returns a source reading the JTL at info.Name. With info.Wait it waits
// for the file to appear. Its Run reads the file until its end (without
// Follow) or until ctx ends; it returns an error naming the file for input
// that is not a JTL, and counts bad rows, never fatal.
func New(info sources.Info, opt Options) sources.Source {
	return batch.NewFileSource(info, sources.KindJTL, opt.Follow,
		func(ctx context.Context, sink sources.Sink, info sources.Info) batch.FileHandler {
			return newHandler(ctx, sink, info, opt)
		})
}

// pendingLinger is how long rows that may be sub-results of a row still to
// come (see csvParser.subResult) may wait in a followed file; JMeter writes a
// parent and its sub-results in one go, so this is ample.
const pendingLinger = 500 * time.Millisecond

// sniffLen is how many bytes the handler holds before choosing a parser, so
// the binary check sees enough of the file whatever the chunking.
const sniffLen = 512

// handler is the tail.Handler of one source.
type handler struct {
	path   string
	opt    Options
	loc    *time.Location
	out    *batch.Batcher
	labels *labels.Mapper // shared by the parsers of the source (one after each reset)
	head   []byte         // bytes held until the format is known
	parser batch.Parser   // nil until the format is known
	err    error
}

func newHandler(ctx context.Context, sink sources.Sink, info sources.Info, opt Options) *handler {
	h := &handler{path: info.Name, opt: opt, loc: info.Location(), out: batch.New(ctx, sink, info.Clock)}
	h.labels = labels.NewMapper(opt.LabelMap, opt.MaxLabels, h.out.Warn)
	for _, w := range opt.Warnings {
		h.out.Warn(w)
	}
	return h
}

// Data parses the next chunk.
func (h *handler) Data(p []byte) error {
	if h.err != nil {
		return h.err
	}
	if h.parser == nil {
		h.head = append(h.head, p...)
		h.detect(false)
	} else if err := h.parser.Feed(p); err != nil {
		h.err = sources.InFile(h.path, err)
	}
	if h.opt.Follow && h.out.IsCaughtUp() && h.parser != nil && h.out.PinnedFor() > pendingLinger {
		batch.Idle(h.parser) // a live file: rows waiting for a parent are shown in time
	}
	h.err = h.out.Settle(h.err)
	return h.err
}

// detect chooses the parser once enough of the input is known (or, with
// force, with what there is) and feeds it the held bytes.
func (h *handler) detect(force bool) {
	if batch.PartialBOM(h.head) && !force {
		return
	}
	b := batch.TrimBOM(h.head)
	i := firstNonSpace(b)
	if i < 0 || (len(b) < sniffLen && !force) {
		return
	}
	if why := binaryReason(b[:min(len(b), sniffLen)]); why != "" {
		h.err = sources.InFile(h.path, errors.New("not a JMeter JTL: "+why))
		return
	}
	if b[i] == '<' {
		x := newXMLParser(h.out, h.loc, h.labels)
		x.endTimes = h.opt.EndTimes
		h.parser = x
		h.out.SetFormat(FormatXML)
	} else {
		h.parser = newCSVParser(h.out, h.loc, h.opt, h.labels)
		h.out.SetFormat(FormatCSV)
	}
	h.head = nil
	if err := h.parser.Feed(b); err != nil {
		h.err = sources.InFile(h.path, err)
	}
}

// Reset starts over: the file was truncated or replaced.
func (h *handler) Reset() {
	h.out.Reset()
	h.parser, h.head = nil, nil
}

// CaughtUp marks the end of the data that existed when reading began; without
// Follow it is the end of the input.
func (h *handler) CaughtUp() {
	if h.err == nil {
		if h.parser == nil {
			h.detect(true)
		}
		if h.parser != nil {
			if h.opt.Follow {
				batch.Idle(h.parser)
			} else if err := h.parser.Finish(); err != nil {
				h.err = sources.InFile(h.path, err)
			}
		}
		h.labels.Flush()
	}
	h.out.CaughtUp(h.err)
}

// Idle shows a partial batch: no new data came for a poll interval.
func (h *handler) Idle() {
	if h.err == nil && h.parser == nil && len(h.head) > 0 {
		h.detect(true)
	}
	if h.err == nil && h.parser != nil {
		batch.Idle(h.parser)
	}
	h.labels.Flush()
	h.out.Idle(h.err)
}

// Err is the fatal format error met while handling data, nil when none.
func (h *handler) Err() error { return h.err }

// Out is the handler's batcher.
func (h *handler) Out() *batch.Batcher { return h.out }

// Finish flushes the parser at the end of input.
func (h *handler) Finish() {
	if h.err == nil && h.parser == nil && len(h.head) > 0 {
		h.detect(true)
	}
	if h.err == nil && h.parser != nil {
		if err := h.parser.Finish(); err != nil {
			h.err = sources.InFile(h.path, err)
		}
	}
	h.labels.Flush()
	h.out.Flush()
}

// Done pushes the final health.
func (h *handler) Done() {
	detail := h.out.ReadDetail(h.path)
	if h.out.Bad > 0 {
		detail += fmt.Sprintf(" (%d bad rows)", h.out.Bad)
	}
	h.out.Done(detail)
}

func firstNonSpace(b []byte) int {
	for i, c := range b {
		if c != ' ' && c != '\t' && c != '\r' && c != '\n' {
			return i
		}
	}
	return -1
}

// binaryReason says why head is not text, or "" when it looks like text: a
// NUL byte, more than 1% C0 control bytes other than TAB, CR, LF and FF, or
// mostly invalid UTF-8 (a few invalid bytes are a Latin-1 label, not binary).
func binaryReason(head []byte) string {
	if bytes.IndexByte(head, 0) >= 0 {
		return "binary data (NUL bytes near the start)"
	}
	ctl := 0
	for _, c := range head {
		if c < 0x20 && c != '\t' && c != '\r' && c != '\n' && c != '\f' {
			ctl++
		}
	}
	if ctl*100 > len(head) {
		return "binary data (control bytes near the start)"
	}
	invalid := 0
	for b := head; len(b) > 0; {
		r, n := utf8.DecodeRune(b)
		if r == utf8.RuneError && n == 1 && len(b) >= utf8.UTFMax {
			invalid++
		}
		b = b[n:]
	}
	if invalid*10 > len(head)*3 {
		return "binary data (not UTF-8 text)"
	}
	return ""
}

// Sniff reports whether head (the first bytes of a file, already inflated)
// looks like a JMeter JTL, and which: FormatXML when the first element is
// <testResults>, FormatCSV when the first line is a JTL header (any
// delimiter, any column order) or a headerless sample row (a timestamp, an
// integer elapsed, a true/false success).
func Sniff(head []byte) (format string, ok bool) {
	head = batch.TrimBOM(head)
	i := firstNonSpace(head)
	if i < 0 || binaryReason(head[:min(len(head), sniffLen)]) != "" {
		return "", false
	}
	head = head[i:]
	if head[0] == '<' {
		if xmlRoot(head) == "testResults" {
			return FormatXML, true
		}
		return "", false
	}
	line := head
	if j := bytes.IndexByte(line, '\n'); j >= 0 {
		line = line[:j]
	}
	d := detectDelimiter(line, 0)
	fields, quoted := splitLine(line, d)
	if isHeader(fields, quoted) {
		return FormatCSV, true
	}
	if strict, _ := looksLikeSample(fields, &timeParser{loc: time.UTC}); strict {
		return FormatCSV, true
	}
	return "", false
}

// looksLikeSample reports whether a headerless record looks like JMeter
// output: strict when it starts with a timestamp and an integer elapsed and
// has a true/false success; loose when it has a true/false field at all
// (JMeter's batch tests write rows without times).
func looksLikeSample(fields [][]byte, tp *timeParser) (strict, loose bool) {
	for _, f := range fields {
		if string(f) == "true" || string(f) == "false" {
			loose = true
		}
	}
	if len(fields) < 3 || !loose {
		return false, loose
	}
	ts, ok := tp.parse(fields[0])
	_, elapsedOK := atoi(fields[1])
	return ok && ts > 0 && elapsedOK, loose
}

// SniffOptions is Sniff for a file that will be read with opt: it also
// knows a header written with a forced Delimiter, a headerless first line
// with exactly as many fields as opt.Columns whose typed columns (elapsed,
// success, bytes, thread counts, ...) hold what they should, and a
// headerless sample row whose timestamp has opt.TimeFormat's layout (its
// two-digit years placed in the century around now).
func SniffOptions(head []byte, opt Options, now time.Time) (format string, ok bool) {
	custom := opt.TimeFormat != "" && opt.TimeFormat != "ms"
	if format, ok = Sniff(head); ok || (opt.Delimiter == 0 && opt.Columns == nil && !custom) {
		return format, ok
	}
	head = batch.TrimBOM(head)
	i := firstNonSpace(head)
	if i < 0 || binaryReason(head[:min(len(head), sniffLen)]) != "" || head[i] == '<' {
		return "", false
	}
	line := head[i:]
	if j := bytes.IndexByte(line, '\n'); j >= 0 {
		line = line[:j]
	}
	d := opt.Delimiter
	if d == 0 {
		d = detectDelimiter(line, len(opt.Columns))
	}
	fields, quoted := splitLine(line, d)
	if isHeader(fields, quoted) {
		return FormatCSV, true
	}
	if opt.Columns == nil {
		if l, err := parseTimeFormat(opt.TimeFormat, pivotYear(now)); custom && err == nil {
			if strict, _ := looksLikeSample(fields, &timeParser{loc: time.UTC, layout: l, strict: true}); strict {
				return FormatCSV, true
			}
		}
		return "", false
	}
	if len(fields) != len(opt.Columns) {
		return "", false
	}
	typed := 0
	for k, name := range opt.Columns {
		c, known := lookupColumn([]byte(name))
		if !known {
			continue
		}
		v := bytes.TrimSpace(fields[k])
		switch c {
		case colSuccess:
			if !bytes.EqualFold(v, []byte("true")) && !bytes.EqualFold(v, []byte("false")) {
				return "", false
			}
			typed++
		case colElapsed, colBytes, colSentBytes, colGrpThreads, colAllThreads, colLatency,
			colIdleTime, colConnect, colSampleCount, colErrorCount:
			if _, isInt := atoi(v); !isInt && len(v) > 0 {
				return "", false
			}
			typed++
		}
	}
	if typed == 0 {
		return "", false
	}
	return FormatCSV, true
}
