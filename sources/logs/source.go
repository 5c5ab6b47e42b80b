// Package logs is the source that reads a log file or stream (stdin) and
// turns it into sources.LogEntry records.
//
// The flow of one source:
//
//	tail.File / tail.Stream (own goroutine)
//	   | Data, Reset, CaughtUp, Idle, Status: handed over one at a time
//	   v
//	Run's loop (owns all state; a single timer for every deadline)
//	   skip NUL runs (a gap, with a warning) -> tail.Lines ->
//	   sanitize.Line -> hold the first lines until the
//	   format is known (format.Detect) -> format.Parse -> group.Grouper
//	   -> LogEntry -> batch.Batcher (BatchRecords, or after BatchLinger) -> Sink
//
// Every line is sanitised once, here, at ingest, not every frame: the store and
// the panes only ever see display-safe text. The header is parsed from the
// sanitised line, so colour codes around a timestamp do not hide it and
// LevelCol indexes Lines[0].
//
// Time of entries: an entry whose first line has no timestamp of its own (a
// line of a headerless log, a continuation that arrived after its entry was
// flushed, the rest of a group cut at its cap) takes the time of the entry
// before it, so that it sorts where it was written; entries before the first
// timestamp have none. LineNo always is the entry's own first line. Times
// are as written: the store applies sources.Info.Offset, for every kind.
//
// Detection holds up to format.DetectLines lines, or the lines that came in
// detectWait, then decides and keeps going. A log detected as plain text is
// re-detected as more lines come, up to format.DetectLines of them, so that a
// banner does not hide the format of what follows. A truncated or replaced
// file (Reset) restarts line numbers, detection and grouping; earlier
// entries are kept.
package logs

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/analysis/drain"
	"github.com/sobang/sobang/sources/logs/format"
	"github.com/sobang/sobang/sources/logs/index"
	"github.com/sobang/sobang/sources/sanitize"
	"github.com/sobang/sobang/sources/tail"
)

// detectWait is how long the first lines are held for detection when fewer
// than format.DetectLines arrive (a slow live stream).
const detectWait = 250 * time.Millisecond

// Options say how to read a log.
type Options struct {
	Follow bool      // keep reading a file as it grows, is truncated or rotated
	Stdin  io.Reader // read when the source's name is "-"
	// SpoolDir is where a stream is spooled (os.TempDir when ""): its
	// lines go to a temporary file, mode 0600, secrets masked, whose name
	// is removed at once, and are indexed as a file's.
	SpoolDir string
	// Command, when set, is run through sh -c and its standard output read
	// as the log (spooled as stdin is), its standard error shown as the
	// source's status; with Restart it is run again, with backoff, each
	// time it exits, until the run ends, and killed then.
	Command string
	Restart bool
}

// New returns the source for the log named by info.Name ("-" for
// opt.Stdin).
func New(info sources.Info, opt Options) sources.Source {
	if info.Kind == "" {
		info.Kind = sources.KindLog
	}
	return &source{info: info, opt: opt}
}

type source struct {
	info sources.Info
	opt  Options
}

// Info returns what the user named.
func (s *source) Info() sources.Info { return s.info }

// Run reads the log until its end (without Follow), until stdin closes, or
// until ctx ends (with Follow). It returns nil when ctx ends.
func (s *source) Run(ctx context.Context, sink sources.Sink) error {
	command := s.opt.Command != ""
	stdin := s.info.Name == "-" && !command
	if stdin && s.opt.Stdin == nil {
		return errors.New("log source \"-\": no standard input given")
	}
	// The tail goroutine stops with runCtx: when ctx ends, or when the sink
	// fails and Run gives up.
	parent := ctx
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	set := drain.NewSet()
	tm := startTemplater(ctx, sink, set)
	in := newIngest(s.info, tm.push)
	in.templates = set
	// Every batch handed to the templater reaches the sink before Run
	// returns (a panic in it is raised here).
	defer func() { sources.RaiseIfPanic(tm.stop()) }()
	in.live = s.opt.Follow && !stdin && !command
	fw := &forwarder{ctx: ctx, events: make(chan event), ack: make(chan struct{})}
	done := make(chan error, 1)
	switch {
	case command:
		in.useSpool(s.opt.SpoolDir)
		defer in.closeSpool()
		run := &commandRunner{command: s.opt.Command, restart: s.opt.Restart, clock: in.clock, h: fw, status: fw.status,
			warn: func(w string) { fw.send(event{kind: evWarn, warning: w}) }}
		go func() {
			done <- sources.Safe("running "+s.opt.Command, func() error { return run.run(ctx) })
		}()
	case stdin:
		in.useSpool(s.opt.SpoolDir)
		defer in.closeSpool()
		in.out.Status(sources.Health{State: sources.StateFollowing, Detail: "reading standard input"})
		go func() {
			done <- sources.Safe("reading stdin", func() error { return tail.Stream(ctx, in.clock, s.opt.Stdin, fw) })
		}()
	default:
		opt := tail.Options{Follow: s.opt.Follow, Wait: s.info.Wait, Status: fw.status, Clock: in.clock, Progress: fw.progress,
			Opened: func(f *os.File) { fw.opened(f, in.redactor) }}
		go func() {
			done <- sources.Safe("reading "+s.info.Name, func() error { return tail.File(ctx, s.info.Name, opt, fw) })
		}()
	}

	timer := in.clock.NewTimer(time.Hour)
	defer timer.Stop()
	for in.out.Err == nil {
		timer.Stop()
		if d, ok := in.deadline(); ok {
			timer.Reset(max(sources.Until(in.clock, d), 0))
		}
		select {
		case e := <-fw.events:
			if e.kind == evData {
				in.out.SetProgress(fw.read)
			}
			in.handle(e, in.clock.Now())
			fw.ack <- struct{}{}
		case <-timer.C():
			in.tick(in.clock.Now())
		case <-tm.failed:
			// The sink refused a batch: stop, as when a push fails here.
			in.out.Err = tm.failure()
		case err := <-done:
			sources.RaiseIfPanic(err)
			return in.finish(ctx, err)
		case <-ctx.Done():
			<-done
			return nil
		}
	}
	// The sink refused a batch (usually because ctx has ended).
	cancel()
	<-done
	if parent.Err() != nil {
		return nil
	}
	return in.out.Err
}

// eventKind names what the tail goroutine reported.
type eventKind uint8

const (
	evData eventKind = iota
	evReset
	evCaughtUp
	evIdle
	evStatus
	evOpened
	evWarn
)

type event struct {
	kind    eventKind
	data    []byte
	health  sources.Health
	text    sources.LogText // evOpened: the file's reader, nil when it cannot be read back
	warning string          // evWarn
}

// forwarder is the tail.Handler: it hands each call to Run's loop and waits
// until the loop is done with it (the data slice is reused after Data).
type forwarder struct {
	mu     sync.Mutex // one call at a time: a command's stderr reports beside its output
	ctx    context.Context
	events chan event
	ack    chan struct{}
	read   sources.Progress // set by tail before each Data, read by Run's loop while it waits
}

func (f *forwarder) send(e event) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	select {
	case f.events <- e:
		<-f.ack
		return nil
	case <-f.ctx.Done():
		return f.ctx.Err()
	}
}

func (f *forwarder) Data(p []byte) error     { return f.send(event{kind: evData, data: p}) }
func (f *forwarder) Reset()                  { f.send(event{kind: evReset}) }
func (f *forwarder) CaughtUp()               { f.send(event{kind: evCaughtUp}) }
func (f *forwarder) Idle()                   { f.send(event{kind: evIdle}) }
func (f *forwarder) status(h sources.Health) { f.send(event{kind: evStatus, health: h}) }

// opened opens a reader of the file tail is about to read, so that its
// entries are indexed rather than held; without one they keep their text.
func (f *forwarder) opened(file *os.File, red *sanitize.Redactor) {
	e := event{kind: evOpened}
	if x, err := index.Open(file, red); err == nil {
		e.text = x
	}
	f.send(e)
}

// progress is tail's Progress: it is called on tail's goroutine before the
// Data it precedes, which hands it over, so a plain field is enough.
func (f *forwarder) progress(p sources.Progress) { f.read = p }

// closeSpool closes the writing side of the spool, if any, at the end of
// the run; the store keeps reading it back.
func (in *ingest) closeSpool() {
	if in.spool != nil {
		in.spool.Close()
	}
}

// handle applies one event of the tail goroutine.
func (in *ingest) handle(e event, now time.Time) {
	switch e.kind {
	case evData:
		in.Data(e.data, now)
	case evReset:
		in.Reset(now)
	case evCaughtUp:
		in.CaughtUp(now)
	case evIdle:
		in.Idle(now)
	case evStatus:
		in.out.Status(e.health)
	case evOpened:
		in.text = e.text
	case evWarn:
		in.out.Warn(e.warning)
	}
}

// finish ends the run after tail returned err.
func (in *ingest) finish(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return nil
	}
	now := in.clock.Now()
	in.endOfInput(now)
	if err != nil {
		in.out.Fail(err)
		return err
	}
	in.out.Done(fmt.Sprintf("read %d entries from %d lines", in.out.Entries, in.lineCount))
	if in.out.Err != nil && ctx.Err() != nil {
		return nil
	}
	return in.out.Err
}

// Sniff reports whether the start of a file looks like a log and, if so,
// the name of its format. A log is text (see mostlyText): runs of NUL bytes
// in it are a gap, skipped here as the source skips them. The start of a
// JMeter result file (a CSV header or XML) is refused, but a caller that
// reads both should ask the JTL detector first: a headerless CSV is text
// too.
func Sniff(head []byte) (formatName string, ok bool) {
	if !mostlyText(head) {
		return "", false
	}
	if bytes.IndexByte(head, 0) >= 0 {
		head = bytes.ReplaceAll(head, []byte{0}, nil)
	}
	if len(bytes.TrimSpace(head)) == 0 || looksLikeJTL(head) {
		return "", false
	}
	lines := bytes.Split(head, []byte("\n"))
	if len(lines) > 1 && head[len(head)-1] != '\n' {
		lines = lines[:len(lines)-1] // the last line may be cut
	}
	if len(lines) > format.DetectLines {
		lines = lines[:format.DetectLines]
	}
	for i, l := range lines {
		lines[i] = sanitizeLine(nil, bytes.TrimSuffix(l, []byte("\r")))
	}
	return format.Detect(lines).Name(), true
}
