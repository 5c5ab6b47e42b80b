// Package k6 reads k6 results (--out json, --out csv) as a sobang source,
// and k6's end-of-test summary (--summary-export, handleSummary's data) as
// the aggregates k6 wrote (summary.go).
//
// The flow of one source:
//
//	tail.File (wait, gunzip, follow, truncation)
//	   |  raw chunks (k6 writes through a 4 KB buffer: the last line is usually partial)
//	   v
//	handler --first key--> {"type":"Point"/"Metric" : jsonParser (byte-scanning NDJSON)
//	   |                   metric_name,timestamp,  : csvParser
//	   |                   {"metrics"/"root_group" : summaryParser: k6's own aggregates, no samples
//	   v
//	joiner: the points of one request (same time, same tags, written one
//	   |    after the other) become one sources.Sample; group_duration a
//	   |    transaction sample; vus the AllThreads of later samples
//	   v
//	batcher (BatchRecords samples, BatchLinger, CaughtUp/Idle/Reset/Health) --> sources.Sink
//
// Everything runs in the goroutine that calls Run.
//
// Times: k6 stamps every request metric with the request's END
// (lib/netext/httpext/tracer.go: Time: tr.EndTime), and group_duration with
// the group's end, so StartMS = time - http_req_duration. k6's duration
// leaves out blocked, connecting and TLS time, so the start is when the
// request began to be sent. JSON times are RFC 3339 with the k6 host's
// offset, read exactly; CSV times are as k6's time_format wrote them (whole
// seconds by default, which a warning says). Info.Offset is the store's
// business.
package k6

import (
	"bytes"
	"context"
	"fmt"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/internal/batch"
)

// The formats this package recognises, as Sniff and Health.Format name them.
const (
	FormatJSON    = "k6 JSON"
	FormatCSV     = "k6 CSV"
	FormatSummary = "k6 summary" // --summary-export or handleSummary's data: aggregates only
)

// Options say how to read a k6 result file.
type Options struct {
	// Follow keeps reading as the file grows (a running test) instead of
	// returning at its end.
	Follow bool
}

// New returns a source reading the k6 result file at info.Name (plain or
// gzip'd; --out json or --out csv). With info.Wait it waits for the file to
// appear. A summary (--summary-export, handleSummary's data) gives k6's own
// figures as sources.Aggregate rows and no sample.
//
// An empty info.Kind becomes sources.KindK6, of the load-test group that
// the load-test pane and the report read, whatever the tool. Run returns an
// error naming the file for input that is not k6 output, and counts bad
// lines, never fatal.
func New(info sources.Info, opt Options) sources.Source {
	return batch.NewFileSource(info, sources.KindK6, opt.Follow,
		func(ctx context.Context, sink sources.Sink, info sources.Info) batch.FileHandler {
			return newHandler(ctx, sink, info, opt)
		})
}

// maxSniff is the most the handler holds while the first key of the input is
// not complete yet; beyond it the input is not k6 output.
const maxSniff = 64 << 10

// handler is the tail.Handler of one source.
type handler struct {
	path   string
	opt    Options
	out    *batch.Batcher
	j      *joiner
	head   []byte       // bytes held until the format is known
	parser batch.Parser // nil until the format is known
	err    error
}

func newHandler(ctx context.Context, sink sources.Sink, info sources.Info, opt Options) *handler {
	out := batch.New(ctx, sink, info.Clock)
	return &handler{path: info.Name, opt: opt, out: out, j: newJoiner(out)}
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
	h.err = h.out.Settle(h.err)
	return h.err
}

// detect chooses the parser once the first key of the input is known (or,
// with force, with what there is) and feeds it the held bytes.
func (h *handler) detect(force bool) {
	if batch.PartialBOM(h.head) && !force {
		return
	}
	b := batch.TrimBOM(h.head)
	format, verdict := classify(b)
	if verdict == undecided {
		if !force && len(b) < maxSniff {
			return
		}
		if firstNonSpace(b) < 0 && len(b) < maxSniff {
			return // nothing but blank lines so far
		}
		verdict = notK6
	}
	if verdict == notK6 && !force && len(b) < maxSniff && bytes.IndexByte(b[firstNonSpace(b):], '\n') < 0 {
		return // quote the whole first line in the error, however the input was cut
	}
	switch {
	case verdict == notK6:
		h.err = sources.InFile(h.path, fmt.Errorf("not k6 output: %s", sources.Expected("",
			`--out json lines ({"type":"Point",...}) or --out csv (metric_name,timestamp,metric_value,...)`, firstLine(b))))
		return
	case format == FormatSummary:
		h.parser = newSummaryParser(h.out)
	case format == FormatJSON:
		h.parser = newJSONParser(h.out, h.j)
	default:
		h.parser = newCSVParser(h.out, h.j)
	}
	h.out.SetFormat(format)
	h.head = nil
	if err := h.parser.Feed(b); err != nil {
		h.err = sources.InFile(h.path, err)
	}
}

// Reset starts over: the file was truncated or replaced.
func (h *handler) Reset() {
	h.out.Push(sources.Batch{Reset: true})
	h.parser, h.head = nil, nil
	h.j.reset()
}

// CaughtUp marks the end of the data that existed when reading began; without
// Follow it is the end of the input.
func (h *handler) CaughtUp() {
	if h.err == nil {
		if h.parser == nil {
			h.detect(true)
		}
		if !h.opt.Follow && h.parser != nil {
			h.finishParser()
		}
	}
	h.out.CaughtUp(h.err)
}

// Idle shows a partial batch: no new data came for a poll interval. A
// request whose last point has not come yet stays held: k6 writes through a
// 4 KB buffer, so the rest of it is in k6's memory and comes with the next
// write; showing it early would show it without its timings.
func (h *handler) Idle() {
	if h.err == nil && h.parser == nil && len(h.head) > 0 {
		h.detect(true)
	}
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
		h.finishParser() // idempotent: CaughtUp may have finished it already
	}
	h.out.Flush()
}

func (h *handler) finishParser() {
	if err := h.parser.Finish(); err != nil {
		h.err = sources.InFile(h.path, err)
	}
}

// summarise tells, once at the end, what the samples leave out.
func (h *handler) summarise() {
	j := h.j
	if j.checks > 0 {
		h.out.Warn(fmt.Sprintf("k6 checks: %d run, %d failed (checks are not samples; a failed check does not fail its request)",
			j.checks, j.checksFailed))
	}
	if j.noDuration > 0 {
		h.out.Warn(fmt.Sprintf("requests without an http_req_duration point (shown with 0 ms): %d", j.noDuration))
	}
	if j.partial > 0 {
		h.out.Warn(fmt.Sprintf("requests with neither an http_reqs nor an http_req_duration point (not shown): %d", j.partial))
	}
	h.out.Flush()
}

// Done pushes the checks summary and the final health.
func (h *handler) Done() {
	h.summarise()
	detail := h.out.ReadDetail(h.path)
	if sp, ok := h.parser.(*summaryParser); ok {
		detail = fmt.Sprintf("read k6's summary from %s: %d aggregate rows, no samples", h.path, sp.rows)
	}
	if h.out.Bad > 0 {
		detail += fmt.Sprintf(" (%d bad lines)", h.out.Bad)
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

// verdict is what classify makes of the start of an input.
type verdict uint8

const (
	undecided verdict = iota // not enough bytes yet
	isK6
	notK6
)

// csvHeader starts every k6 CSV file.
const csvHeader = "metric_name,timestamp,metric_value"

// summaryKeys are the top-level keys of k6's summaries: the legacy
// handleSummary data and --summary-export object, and the machine-readable
// summary of v1.5+.
var summaryKeys = map[string]bool{
	"metrics": true, "root_group": true, "options": true, "state": true, "setup_data": true,
	"version": true, "metadata": true, "config": true, "results": true,
}

// classify looks at the start of an input (BOM removed): the CSV header, or
// the first key of a JSON object and, for "type", its value.
func classify(b []byte) (string, verdict) {
	i := firstNonSpace(b)
	if i < 0 {
		return "", undecided
	}
	b = b[i:]
	if b[0] != '{' {
		if bytes.HasPrefix(b, []byte(csvHeader)) {
			return FormatCSV, isK6
		}
		if len(b) < len(csvHeader) && bytes.HasPrefix([]byte(csvHeader), b) {
			return "", undecided
		}
		return "", notK6
	}
	l := lexer{b: b, i: 1}
	l.ws()
	if l.i >= len(b) {
		return "", undecided
	}
	key, ok := l.str()
	if !ok {
		if bytes.IndexByte(b[l.i:], '\n') >= 0 || b[l.i] != '"' {
			return "", notK6
		}
		return "", undecided
	}
	switch {
	case string(key) == "metric":
		return FormatJSON, isK6 // the Point order since v0.38
	case summaryKeys[string(key)]:
		return FormatSummary, isK6
	case string(key) != "type":
		return "", notK6
	}
	l.ws()
	if l.i < len(b) && b[l.i] == ':' {
		l.i++
		l.ws()
	}
	if l.i >= len(b) {
		return "", undecided
	}
	typ, ok := l.str()
	if !ok {
		if b[l.i] == '"' && bytes.IndexByte(b[l.i:], '\n') < 0 {
			return "", undecided
		}
		return "", notK6
	}
	if string(typ) == "Point" || string(typ) == "Metric" {
		return FormatJSON, isK6
	}
	return "", notK6
}

// Sniff reports whether head (the first bytes of a file, already inflated)
// is k6 output, and which: FormatJSON for --out json lines, FormatCSV for
// --out csv, FormatSummary for a summary (--summary-export or
// handleSummary's data), read as aggregates. A summary is claimed only when
// head also names k6 metrics or a k6 root group, so that other JSON
// documents are not.
func Sniff(head []byte) (format string, ok bool) {
	head = batch.TrimBOM(head)
	format, v := classify(head)
	if v != isK6 {
		return "", false
	}
	if format == FormatSummary {
		if !bytes.Contains(head, []byte(`"metrics"`)) {
			// handleSummary's data can open with a root group (every
			// group and check of the test) longer than head.
			if startsRootGroup(head) && bytes.Contains(head, []byte(`"groups"`)) && bytes.Contains(head, []byte(`"checks"`)) {
				return format, true
			}
			return "", false
		}
		for _, marker := range []string{`"root_group"`, `"k6Version"`, `"http_reqs"`, `"iterations"`, `"vus"`, `"checks"`} {
			if bytes.Contains(head, []byte(marker)) {
				return format, true
			}
		}
		return "", false
	}
	return format, true
}

// startsRootGroup reports whether head is a JSON object whose first key is
// "root_group", as handleSummary's data is.
func startsRootGroup(head []byte) bool {
	head = bytes.TrimLeft(head, " \t\r\n")
	if len(head) == 0 || head[0] != '{' {
		return false
	}
	return bytes.HasPrefix(bytes.TrimLeft(head[1:], " \t\r\n"), []byte(`"root_group"`))
}

// firstLine is the first line of a bad input that is not blank, for a
// message.
func firstLine(b []byte) []byte {
	b = b[max(firstNonSpace(b), 0):]
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		b = b[:i]
	}
	return b
}
