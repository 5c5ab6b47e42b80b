// Package gatling reads a Gatling simulation.log as a sobang source: the
// tab-separated text of Gatling 2.0 to 3.12 and the binary format of 3.13
// and later, whole or while the simulation writes it.
//
// The flow of one source:
//
//	tail.File (wait, gunzip, follow, truncation)
//	   |  raw chunks (the last record usually cut: Gatling writes 8 KB buffers)
//	   v
//	handler --first byte--> 0x00: binaryParser (RUN record, string cache, held partial record)
//	   |                    else: textParser   (tail.Lines, fields by shape: 2.0, 2.2, 3.0, 3.4+)
//	   v
//	state (active users, ERROR records, run and format for the health line)
//	   v
//	batcher (BatchRecords samples, BatchLinger, CaughtUp/Idle/Reset/Health) --> sources.Sink
//
// Everything runs in the goroutine that calls Run, as in package jtl.
//
// What becomes a sources.Sample:
//   - a REQUEST record: Label is the request name prefixed with its group
//     path, "group1 / group2 / name", as Gatling's report names it
//     (RequestPath); StartMS its start; ElapsedMS end - start; Success
//     status OK; Code "" unless the message of a failed status check says
//     what it found ("... but actually found 503" gives "503"); Message the
//     error message of a KO.
//   - a GROUP record: a Transaction sample labelled with the group path,
//     whose ElapsedMS is the group's cumulated response time, what Gatling's
//     report shows for groups by default (useGroupDurationMetric=false).
//
// USER records keep a running count of active users, set as AllThreads on
// every sample (-1 before the first USER record). ERROR records are counted
// and the first few shown as warnings. Times are epoch milliseconds as
// Gatling writes them (binary: the RUN record's start plus each offset);
// Info.Offset is the store's business.
package gatling

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"time"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/internal/batch"
)

// The formats this package reads, as Sniff and Health.Format name them.
const (
	FormatText20 = "Gatling 2.0-2.1 text" // record type in the third column, four timestamps per request
	FormatText22 = "Gatling 2.2-2.3 text" // type first, then scenario and user id
	FormatText30 = "Gatling 3.0-3.3 text" // type first, then user id
	FormatText34 = "Gatling 3.4+ text"    // type first, no scenario or user id (3.4 to 3.12)
	FormatText   = "Gatling text"         // text whose layout is not known yet
	FormatBinary = "Gatling 3.13+ binary"
)

// Options say how to read a simulation.log.
type Options struct {
	// Follow keeps reading as the file grows (a running simulation) instead
	// of returning at its end.
	Follow bool
}

// New returns a source reading the simulation.log at info.Name. With
// info.Wait it waits for the file to appear. The kind defaults to
// sources.KindGatling, of the load-test group the load-test pane shows. Run
// returns an error naming the file for input that is not a simulation.log or
// a binary one from a Gatling version it cannot read, and counts bad records,
// never fatal.
func New(info sources.Info, opt Options) sources.Source {
	return batch.NewFileSource(info, sources.KindGatling, opt.Follow,
		func(ctx context.Context, sink sources.Sink, info sources.Info) batch.FileHandler {
			return newHandler(ctx, sink, info, opt)
		})
}

// handler is the tail.Handler of one source.
type handler struct {
	path   string
	opt    Options
	out    *batch.Batcher
	st     *state
	parser batch.Parser // nil until the first byte is seen
	err    error
}

func newHandler(ctx context.Context, sink sources.Sink, info sources.Info, opt Options) *handler {
	out := batch.New(ctx, sink, info.Clock)
	h := &handler{path: info.Name, opt: opt, out: out, st: &state{out: out}}
	out.Describe = h.describe
	return h
}

// Data parses the next chunk.
func (h *handler) Data(p []byte) error {
	if h.err != nil {
		return h.err
	}
	if len(p) == 0 {
		return nil
	}
	if h.parser == nil {
		// The first byte decides: a binary log starts with its RUN record's
		// type, 0; a text one with a letter.
		if p[0] == recRun {
			h.parser = newBinaryParser(h.st)
			h.st.setFormat(FormatBinary)
		} else {
			h.parser = newTextParser(h.st)
			h.st.setFormat(FormatText)
		}
	}
	if err := h.parser.Feed(p); err != nil {
		h.err = sources.InFile(h.path, err)
	}
	h.afterParse()
	h.err = h.out.Settle(h.err)
	return h.err
}

// afterParse shows a format or run the parser has just found.
func (h *handler) afterParse() {
	if h.st.dirty {
		h.st.dirty = false
		h.out.SetFormat(h.st.format)
	}
}

// Reset starts over: the file was truncated or replaced.
func (h *handler) Reset() {
	h.out.Reset()
	h.out.Format = "" // known again from the new input's first byte
	h.parser = nil
	h.st = &state{out: h.out}
}

// CaughtUp marks the end of the data that existed when reading began; without
// Follow it is the end of the input.
func (h *handler) CaughtUp() {
	if h.err == nil && !h.opt.Follow && h.parser != nil {
		h.finishParser()
	}
	h.out.CaughtUp(h.err)
}

// Idle shows a partial batch: no new data came for a poll interval.
func (h *handler) Idle() {
	h.out.Idle(h.err)
}

// Err is the fatal format error met while handling data, nil when none.
func (h *handler) Err() error { return h.err }

// Out is the handler's batcher.
func (h *handler) Out() *batch.Batcher { return h.out }

// Finish flushes the parser at the end of input.
func (h *handler) Finish() {
	if h.err == nil && h.parser != nil {
		h.finishParser()
	}
	h.st.finishErrors()
	h.out.Flush()
}

func (h *handler) finishParser() {
	if err := h.parser.Finish(); err != nil {
		h.err = sources.InFile(h.path, err)
	}
	h.afterParse()
}

// describe adds the run, once known, to every health but a failure.
func (h *handler) describe(hs *sources.Health) {
	if r := h.st.run; r != nil && hs.State != sources.StateFailed {
		hs.Detail += fmt.Sprintf(" (%s, Gatling %s, started %s)", r.simulation, r.version,
			time.UnixMilli(r.startMS).UTC().Format("2006-01-02 15:04:05Z"))
	}
}

// Done pushes the final health.
func (h *handler) Done() {
	detail := h.out.ReadDetail(h.path)
	if h.out.Bad > 0 {
		detail += fmt.Sprintf(", %d bad records", h.out.Bad)
	}
	if n := h.st.errorRecords; n > 0 {
		detail += fmt.Sprintf(", %d Gatling ERROR records", n)
	}
	h.out.Done(detail)
}

// Sniff reports whether head (the first bytes of a file, already inflated)
// looks like a Gatling simulation.log, and which: FormatBinary when it starts
// with a binary RUN record (type 0, then a version string "3.13.0"),
// a text format when its first line (after ASSERTION lines) is a RUN record
// (FormatText20 when the type is in the third column; FormatText22,
// FormatText30 or FormatText34 by its field count and version), FormatText
// when head holds only ASSERTION lines.
func Sniff(head []byte) (format string, ok bool) {
	if len(head) == 0 {
		return "", false
	}
	if head[0] == recRun {
		return sniffBinary(head)
	}
	head = batch.TrimBOM(head)
	for len(head) > 0 {
		line := head
		if i := bytes.IndexByte(head, '\n'); i >= 0 {
			line, head = head[:i], head[i+1:]
		} else {
			head = nil
		}
		line = bytes.TrimSuffix(line, []byte{'\r'})
		f := bytes.Split(line, []byte{'\t'})
		switch {
		case string(f[0]) == "ASSERTION" && len(f) == 2:
			continue
		case string(f[0]) == "RUN" && len(f) >= 7:
			return FormatText22, true
		case string(f[0]) == "RUN" && len(f) == 6:
			if major, minor, ok := versionNumbers(string(f[5])); ok && major == 3 {
				if minor < 4 {
					return FormatText30, true
				}
				return FormatText34, true
			}
			return FormatText, true
		case len(f) >= 5 && string(f[2]) == "RUN":
			return FormatText20, true
		}
		return "", false
	}
	return FormatText, true
}

// sniffBinary checks a binary RUN record's start: type 0, an int32 length,
// a version of digits and dots ("3.13.0", "3.14.0-M1"), coder 0.
func sniffBinary(head []byte) (string, bool) {
	if len(head) < 6 {
		return "", false
	}
	n := int(binary.BigEndian.Uint32(head[1:5]))
	if n < 3 || n > 64 || len(head) < 5+n+1 || head[5+n] != 0 {
		return "", false
	}
	version := head[5 : 5+n]
	if _, _, ok := versionNumbers(string(version)); !ok {
		return "", false
	}
	for _, c := range version {
		if c < 0x20 || c >= 0x7f {
			return "", false
		}
	}
	return FormatBinary, true
}
