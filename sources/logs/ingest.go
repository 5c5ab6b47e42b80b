package logs

import (
	"bytes"
	"context"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/analysis/drain"
	"github.com/sobang/sobang/sources/internal/batch"
	"github.com/sobang/sobang/sources/logs/container"
	"github.com/sobang/sobang/sources/logs/format"
	"github.com/sobang/sobang/sources/logs/group"
	"github.com/sobang/sobang/sources/logs/index"
	"github.com/sobang/sobang/sources/sanitize"
	"github.com/sobang/sobang/sources/tail"
)

// redetectEvery is how many new lines of a log detected as plain text
// trigger another detection (until format.DetectLines lines were seen).
const redetectEvery = 25

// maxCutWarnings is how many lines cut at tail.MaxLine a source
// describes, each with its size; the rest are counted in one more.
const maxCutWarnings = 5

// maxGapWarnings is how many runs of NUL bytes a source describes; a log
// rotated with copytruncate every few minutes gets one per rotation, and
// the first few say what happened.
const maxGapWarnings = 5

// heldLine is a sanitised line waiting for the format to be decided.
type heldLine struct {
	text     string
	no       int
	off, end int64
	sum      uint32
	at       time.Time // the container runtime's time of the line, zero when none
}

// ingest turns chunks of a log into batches of entries. All of its methods
// run on one goroutine (Run's loop, or a benchmark).
type ingest struct {
	info sources.Info
	loc  *time.Location
	out  *batch.Batcher // batches, bad lines, health; its Err stops the run
	live bool           // a followed file: CaughtUp is not the end

	lines    tail.Lines
	scratch  []byte             // sanitised text of the current line
	redacted []byte             // the line with its secrets masked, when it had any
	redactor *sanitize.Redactor // sanitize.CurrentRedactor() when the source started
	emitFn   func(line []byte, no int, cut bool)
	groupFn  func(group.Group)
	clock    sources.Clock // what now is for the source
	now      time.Time     // time of the event being handled

	// Container envelopes (docker json-file, CRI), detected on the first
	// non-blank line; envelope is nil for none.
	envDecided bool
	envelope   *container.Unwrapper
	envNo      int // the physical line being unwrapped
	unwrapFn   func(line []byte, at time.Time)

	// Detection.
	decided   bool
	format    format.Format
	held      []heldLine // lines before the format is decided
	heldSince time.Time
	sample    [][]byte // lines of a log detected as plain text, for re-detection
	seen      int      // lines seen since the input (re)started

	grouper  *group.Grouper
	lastData time.Time // when the last chunk came

	// Inherited by entries without their own.
	lastTime      time.Time
	lastLevel     sources.Level
	lastLevelText string

	lineCount int

	// text reads the file being read back (index.File), nil for a stream
	// or a gzip'd file, whose entries keep their lines. The current line's
	// span and checksum are set while it is handled.
	text          sources.LogText
	lineOff, lEnd int64
	lineSum       uint32
	templates     *drain.Set // every entry's template, given as it is made
	// spool, for a stream, writes each line to a temporary file that text
	// reads back; nil for a file.
	spool *index.Spool

	// A run of NUL bytes being skipped: its length so far and the line it
	// is in; gaps counts the runs described.
	gap     int64
	gapLine int
	gaps    int

	cuts int // lines cut at tail.MaxLine
}

// pushFunc is a Sink made of a function: the ingester does not need to know
// where its batches go (a source's sink, a benchmark's counter).
type pushFunc func(sources.Batch) error

func (f pushFunc) Push(_ context.Context, b sources.Batch) error { return f(b) }

// newIngest returns an ingester handing its batches to push; after push
// fails nothing more is pushed.
func newIngest(info sources.Info, push func(sources.Batch) error) *ingest {
	clock := sources.OrWall(info.Clock)
	in := &ingest{info: info, loc: info.Location(), clock: clock,
		grouper: group.New(format.Join), redactor: sanitize.CurrentRedactor(), templates: drain.NewSet()}
	in.out = batch.New(context.Background(), pushFunc(func(b sources.Batch) error {
		// A batch's entries are on disk before the store may read them.
		if in.spool != nil && in.spool.Flush() != nil {
			in.stopSpool()
		}
		return push(b)
	}), clock)
	in.emitFn = in.line
	in.groupFn = in.entry
	in.unwrapFn = func(line []byte, at time.Time) { in.appLine(line, in.envNo, at) }
	return in
}

// Data reads the next chunk of the input. Runs of NUL bytes are skipped
// as a gap, with a warning: they are no text, but the hole a copytruncate
// leaves when the writer keeps its offset, or blocks a crash left unwritten,
// and the lines around them are worth reading.
func (in *ingest) Data(p []byte, now time.Time) {
	in.now = now
	in.lastData = now
	for len(p) > 0 {
		if p[0] == 0 {
			n := len(p) - len(bytes.TrimLeft(p, "\x00"))
			if in.gap == 0 {
				in.gapLine = in.lines.Next()
			}
			in.gap += int64(n)
			in.lines.Skip(int64(n))
			p = p[n:]
			continue
		}
		in.endGap()
		i := bytes.IndexByte(p, 0)
		if i < 0 {
			in.lines.Feed(p, in.emitFn)
			return
		}
		in.lines.Feed(p[:i], in.emitFn)
		p = p[i:]
	}
}

// cutLine says that line no was cut at tail.MaxLine: what was kept and
// how much was dropped.
func (in *ingest) cutLine(no, kept int, dropped int64) {
	in.cuts++
	switch {
	case in.cuts <= maxCutWarnings:
		in.out.Warn(sources.At(in.info.Name, no, fmt.Sprintf(
			"a line of %d bytes, cut to its first %d: %d bytes not shown", int64(kept)+dropped, kept, dropped)))
	case in.cuts == maxCutWarnings+1:
		in.out.Warn(fmt.Sprintf("%s: more lines over %d bytes cut; only the first %d are listed", in.info.Name, tail.MaxLine, maxCutWarnings))
	}
}

// endGap describes the run of NUL bytes just skipped, if any.
func (in *ingest) endGap() {
	if in.gap == 0 {
		return
	}
	n := in.gap
	in.gap = 0
	in.gaps++
	switch {
	case in.gaps <= maxGapWarnings:
		unit := "bytes"
		if n == 1 {
			unit = "byte"
		}
		in.out.Warn(sources.At(in.info.Name, in.gapLine, fmt.Sprintf(
			"skipped %d NUL %s: a gap in the file, as copytruncate leaves when the writer keeps its offset; the lines around it are read", n, unit)))
	case in.gaps == maxGapWarnings+1:
		in.out.Warn(fmt.Sprintf("%s: more gaps of NUL bytes skipped; only the first %d are listed", in.info.Name, maxGapWarnings))
	}
}

// Reset starts a new input (a truncated or replaced file): what was read is
// flushed, a batch flagged Reset is pushed, and lines, detection and grouping
// start again.
func (in *ingest) Reset(now time.Time) {
	in.now = now
	in.endOfInput(now)
	in.gap = 0
	in.lines.Reset()
	in.envDecided, in.envelope = false, nil
	in.decided = false
	in.held = nil
	in.sample = nil
	in.seen = 0
	in.grouper.Reset(format.Join)
	in.out.Reset()
}

// CaughtUp says everything that existed at the start was read. Without a
// live writer (a file read once, a closed stream) that is the end, and
// everything is flushed; a followed file keeps its last group open until
// sources.PartialFlush of silence.
func (in *ingest) CaughtUp(now time.Time) {
	in.now = now
	in.endGap()
	if in.live {
		in.decide()
	} else {
		in.endOfInput(now)
	}
	in.out.CaughtUp(nil)
}

// Idle says no data came for a while: decide the format, show what is held.
func (in *ingest) Idle(now time.Time) {
	in.now = now
	in.decide()
	in.redetect()
	if now.Sub(in.lastData) >= sources.PartialFlush {
		in.grouper.Flush(in.groupFn)
	}
	in.out.Flush()
}

// endOfInput flushes the partial last line, the held lines and the open
// group.
func (in *ingest) endOfInput(now time.Time) {
	in.now = now
	in.endGap()
	in.lines.Flush(in.emitFn)
	if in.envelope != nil {
		if line, at, ok := in.envelope.Flush(); ok {
			in.appLine(line, in.envNo, at)
		}
	}
	in.decide()
	in.grouper.Flush(in.groupFn)
}

// deadline returns when tick has something to do.
func (in *ingest) deadline() (time.Time, bool) {
	var d time.Time
	earliest := func(t time.Time) {
		if d.IsZero() || t.Before(d) {
			d = t
		}
	}
	if t, ok := in.out.LingerDeadline(); ok {
		earliest(t)
	}
	if in.grouper.Open() {
		earliest(in.lastData.Add(sources.PartialFlush))
	}
	if !in.decided && len(in.held) > 0 {
		earliest(in.heldSince.Add(detectWait))
	}
	return d, !d.IsZero()
}

// tick does what is due at now.
func (in *ingest) tick(now time.Time) {
	in.now = now
	if !in.decided && len(in.held) > 0 && now.Sub(in.heldSince) >= detectWait {
		in.decide()
	}
	flushed := false
	if in.grouper.Open() && now.Sub(in.lastData) >= sources.PartialFlush {
		in.grouper.Flush(in.groupFn)
		flushed = true
	}
	if flushed || in.out.Lingered() {
		in.out.Flush()
	}
}

// line takes one raw line from the splitter. A container runtime's
// envelope is taken off first (package container): what follows sees the
// lines the application wrote, which are not the file's bytes, so such a
// log's entries keep their text instead of being read back.
func (in *ingest) line(raw []byte, no int, cut bool) {
	if cut {
		in.cutLine(no, len(raw), in.lines.Dropped())
	}
	if !in.envDecided && len(bytes.TrimSpace(raw)) > 0 {
		in.envDecided = true
		probe := raw
		if no == 1 {
			probe = batch.TrimBOM(raw)
		}
		if k := container.Detect(probe); k != container.None {
			in.envelope = container.New(k)
			if in.spool != nil {
				in.spool.Close()
				in.spool = nil
			}
			in.text = nil
		}
	}
	if in.envelope != nil {
		if no == 1 {
			raw = batch.TrimBOM(raw)
		}
		in.envNo = no
		in.envelope.Line(raw, in.unwrapFn)
		return
	}
	switch {
	case in.spool != nil:
		raw, in.lineOff, in.lEnd = in.spool.Line(raw)
		in.lineSum = index.LineSum(raw)
		if in.spool.Err() != nil {
			in.stopSpool()
		}
	case in.text != nil:
		in.lineOff, in.lEnd = in.lines.Span()
		in.lineSum = index.LineSum(raw)
	}
	if no == 1 {
		raw = batch.TrimBOM(raw)
	}
	in.appLine(raw, no, time.Time{})
}

// appLine takes one line as the application wrote it, with the container
// runtime's time of it (zero when none).
func (in *ingest) appLine(raw []byte, no int, at time.Time) {
	in.scratch = sanitizeLine(in.scratch[:0], raw)
	// Secrets are masked before anything else sees the line: detection,
	// parsing, grouping, templates, the store and the recording.
	if red, ok := in.redactor.Append(in.redacted[:0], in.scratch); ok {
		in.scratch, in.redacted = red, in.scratch
	}
	text := string(in.scratch)
	in.lineCount++
	if !in.decided {
		if len(in.held) == 0 {
			in.heldSince = in.now
		}
		in.held = append(in.held, heldLine{text, no, in.lineOff, in.lEnd, in.lineSum, at})
		if len(in.held) >= format.DetectLines {
			in.decide()
		}
		return
	}
	in.process(in.scratch, text, no, in.lineOff, in.lEnd, in.lineSum, at)
}

// useSpool spools the stream being read to a temporary file in dir and
// indexes it; without one (it cannot be created) its entries keep their
// text, with a warning.
func (in *ingest) useSpool(dir string) {
	sp, err := index.NewSpool(dir, in.info.Name, in.redactor)
	if err != nil {
		in.out.Warn(fmt.Sprintf("%s: cannot spool to a temporary file (%v): its entries are held in memory", in.info.Name, err))
		return
	}
	in.spool, in.text = sp, sp.Text()
}

// stopSpool stops spooling after a write failed (a full disk): later
// entries keep their text; those whose lines were lost say so.
func (in *ingest) stopSpool() {
	in.out.Warn(fmt.Sprintf("%s: writing the spool file failed (%v): later entries are held in memory", in.info.Name, in.spool.Err()))
	in.spool.Close()
	in.spool, in.text = nil, nil
}

// sanitizeLine appends the display-safe form of raw to dst.
func sanitizeLine(dst, raw []byte) []byte {
	out, _ := sanitize.Line(dst, raw, sanitize.TabWidth)
	return out
}

// decide detects the format from the held lines and processes them. With
// no line yet (an empty file being followed) there is nothing to decide on.
func (in *ingest) decide() {
	if in.decided || len(in.held) == 0 {
		return
	}
	lines := make([][]byte, len(in.held))
	for i, h := range in.held {
		lines[i] = []byte(h.text)
	}
	in.setFormat(format.Detect(lines))
	in.decided = true
	held := in.held
	in.held = nil
	for i, h := range held {
		in.process(lines[i], h.text, h.no, h.off, h.end, h.sum, h.at)
	}
}

// setFormat switches to f and tells the UI.
func (in *ingest) setFormat(f format.Format) {
	in.format = f
	in.grouper.Reset(f.Continuations())
	name := f.Name()
	if in.envelope != nil {
		name += " in " + in.envelope.Kind().Name()
	}
	in.out.SetFormat(name)
}

// redetect looks again at the lines of a log detected as plain text.
func (in *ingest) redetect() {
	if in.format.Kind != format.Plain || len(in.sample) == 0 {
		return
	}
	f := format.Detect(in.sample)
	if in.seen >= format.DetectLines {
		in.sample = nil
	}
	if f.Kind == format.Plain {
		return
	}
	in.sample = nil
	in.grouper.Flush(in.groupFn)
	in.setFormat(f)
}

// process parses and groups one sanitised line.
// at, when not zero, is the time of a header whose text has none (a
// container runtime's).
func (in *ingest) process(b []byte, text string, no int, off, end int64, sum uint32, at time.Time) {
	in.seen++
	if in.format.Kind == format.Plain && in.seen <= format.DetectLines {
		in.sample = append(in.sample, []byte(text))
		if in.seen%redetectEvery == 0 {
			in.redetect()
		}
	}
	mode := in.format.Continuations()
	if mode == format.Alone && len(bytes.TrimSpace(b)) == 0 {
		return // blank lines between JSON records are not entries
	}
	h, ok := in.format.Parse(b, in.loc, in.now)
	if (ok || in.format.Kind == format.Plain) && h.Time.IsZero() && !at.IsZero() {
		// A header without a time of its own, or a line of plain text: the
		// runtime's time is the best there is.
		h.Time = at
	}
	if !ok && mode == format.Alone {
		in.out.Expected(no, "", "a JSON object", b)
	}
	in.grouper.Add(group.Line{Text: text, No: no, Header: h, IsHeader: ok, Off: off, End: end, Sum: sum}, in.groupFn)
}

// entry turns a finished group into a LogEntry.
func (in *ingest) entry(g group.Group) {
	e := in.out.EntrySlot()
	e.Time, e.Level, e.LevelText, e.LevelCol = g.Header.Time, g.Header.Level, g.Header.LevelText, g.Header.LevelCol
	e.Lines, e.LineNo, e.Truncated = g.Lines, g.LineNo, g.Truncated
	if e.Time.IsZero() {
		e.Time = in.lastTime
	} else {
		in.lastTime = e.Time
	}
	if e.Level == sources.LevelUnknown && g.Continued {
		e.Level, e.LevelText, e.LevelCol = in.lastLevel, in.lastLevelText, -1
	}
	if e.LevelText == "" {
		e.LevelCol = -1
	}
	in.lastLevel, in.lastLevelText = e.Level, e.LevelText
	// The template is given by the templater, off this goroutine; an
	// ingester without one (a benchmark of parsing alone) gives none.
	e.Templates, e.Template = in.templates, 0
	e.Text, e.Off, e.Len, e.Sum = nil, 0, 0, 0
	if in.text != nil && g.End > g.Off {
		e.Text, e.Off, e.Len, e.Sum = in.text, g.Off, g.End-g.Off, g.Sum
	}
	in.out.CommitEntry()
}

// mostlyText reports whether head is text: at most one byte in twenty
// of the others a control byte other than TAB, CR, LF and ESC, or invalid
// UTF-8 (a sequence cut by the end of head is fine), and each run of NUL
// bytes counting as one such byte. A run of NULs is a gap in a text file
// (what copytruncate leaves), but NULs all through it make it binary (or
// UTF-16, which is not read). Only NULs is no text.
func mostlyText(head []byte) bool {
	bad, text := 0, 0
	for i := 0; i < len(head); {
		c := head[i]
		switch {
		case c == 0:
			bad++
			for i < len(head) && head[i] == 0 {
				i++
			}
			continue
		case c < 0x20 && c != '\t' && c != '\r' && c != '\n' && c != 0x1b, c == 0x7f:
			bad++
			i++
			text++
		case c < utf8.RuneSelf:
			i++
			text++
		default:
			r, size := utf8.DecodeRune(head[i:])
			if r == utf8.RuneError && size <= 1 && len(head)-i >= utf8.UTFMax {
				bad++
			}
			i += size
			text += size
		}
	}
	return text > 0 && bad*20 <= text
}

// looksLikeJTL reports whether head starts like a JMeter result file.
func looksLikeJTL(head []byte) bool {
	head = batch.TrimBOM(head)
	return bytes.HasPrefix(head, []byte("timeStamp,")) || bytes.HasPrefix(head, []byte("timeStamp;")) ||
		bytes.HasPrefix(head, []byte("timeStamp\t")) ||
		(bytes.HasPrefix(head, []byte("<?xml")) && bytes.Contains(head, []byte("<testResults")))
}
