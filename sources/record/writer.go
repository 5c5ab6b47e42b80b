package record

import (
	"bufio"
	"encoding/gob"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/klauspost/compress/gzip"

	"github.com/sobang/sobang/sources"
)

// flushEvery is how long written batches may wait for a flush of the gzip
// stream to the file: what a crash can lose, against the cost of a flush
// per batch. A variable so that tests can shorten it.
var flushEvery = time.Second

// Writer writes a recording. One goroutine (the dashboard's ingest) writes,
// then closes it; a timer flushes what was written when no later Write
// came within flushEvery, so a quiet session's last batches reach the file
// too.
type Writer struct {
	mu        sync.Mutex
	clock     sources.Clock
	timer     sources.Timer // pending flush of unflushed batches, nil when none
	dirty     bool          // batches written since the last flush
	path      string
	file      *os.File
	buf       *bufio.Writer
	gz        *gzip.Writer
	enc       *gob.Encoder
	lastFlush time.Time
	err       error // the first error, returned by every later call
	closed    bool
}

// Create creates (or truncates) the recording at path for a session of the
// given sources, in hub order, and writes its header. clock (nil means
// sources.Wall) stamps the header's Created and every Entry's At, and times
// the flushes.
//
// A recording can hold what the session's data held (tokens in log lines,
// response messages), so it is readable by its owner only: created with
// mode 0600, and a file it replaces loses the permissions of others too.
func Create(path string, infos []sources.Info, clock sources.Clock) (*Writer, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return nil, fmt.Errorf("recording: %w", err)
	}
	if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() && fi.Mode().Perm()&0o077 != 0 {
		if err := f.Chmod(fi.Mode().Perm() &^ 0o077); err != nil {
			f.Close()
			return nil, fmt.Errorf("recording: %s: could not make it readable by its owner only: %w", path, err)
		}
	}
	clock = sources.OrWall(clock)
	w := &Writer{clock: clock, path: path, file: f, buf: bufio.NewWriterSize(f, 64<<10), lastFlush: clock.Now()}
	if _, err := w.buf.Write(Magic[:]); err != nil {
		f.Close()
		return nil, w.wrap(err)
	}
	// BestSpeed: the writer runs on the dashboard's ingest, where time
	// matters more than bytes (BenchmarkWrite).
	w.gz, _ = gzip.NewWriterLevel(w.buf, gzip.BestSpeed)
	w.enc = gob.NewEncoder(w.gz)
	h := Header{Version: Version, Created: clock.Now()}
	for _, info := range infos {
		h.Sources = append(h.Sources, sourceOf(info))
	}
	if err := w.enc.Encode(&h); err != nil {
		f.Close()
		return nil, w.wrap(err)
	}
	if err := w.flush(); err != nil {
		f.Close()
		return nil, err
	}
	return w, nil
}

// Path returns the file the writer writes.
func (w *Writer) Path() string { return w.path }

// Write records b at once: the writer keeps no reference to b's slices, so
// the caller may recycle them as soon as Write returns. After an error every
// call returns that error.
func (w *Writer) Write(b sources.Batch) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err != nil {
		return w.err
	}
	if w.closed {
		return fmt.Errorf("%s: recording already closed", w.path)
	}
	e := Entry{Source: b.Source, At: w.clock.Now(), Batch: b}
	e.EmptyFailures = b.Failures != nil && len(b.Failures) == 0
	if err := w.enc.Encode(&e); err != nil {
		w.err = w.wrap(err)
		return w.err
	}
	w.dirty = true
	since := sources.Since(w.clock, w.lastFlush)
	if since >= flushEvery {
		return w.flush()
	}
	if w.timer == nil {
		w.timer = w.clock.AfterFunc(flushEvery-since, w.timedFlush)
	}
	return nil
}

// timedFlush flushes batches that no later Write flushed.
func (w *Writer) timedFlush() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.timer = nil
	if w.dirty && !w.closed && w.err == nil {
		_ = w.flush() // the error stays in w.err for the next Write or Close
	}
}

// flush pushes everything written so far to the file, readable by a reader
// even if the program dies before Close.
func (w *Writer) flush() error {
	w.lastFlush, w.dirty = w.clock.Now(), false
	if err := w.gz.Flush(); err != nil {
		w.err = w.wrap(err)
		return w.err
	}
	if err := w.buf.Flush(); err != nil {
		w.err = w.wrap(err)
		return w.err
	}
	return nil
}

// Close ends the gzip stream and closes the file. It returns the first
// error the writer met, if any.
func (w *Writer) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.timer != nil {
		w.timer.Stop()
		w.timer = nil
	}
	if w.closed {
		return w.err
	}
	w.closed = true
	if w.err == nil {
		if err := w.gz.Close(); err != nil {
			w.err = w.wrap(err)
		} else if err := w.buf.Flush(); err != nil {
			w.err = w.wrap(err)
		}
	}
	if err := w.file.Close(); err != nil && w.err == nil {
		w.err = w.wrap(err)
	}
	return w.err
}

func (w *Writer) wrap(err error) error {
	return fmt.Errorf("%s: writing the recording: %w", w.path, err)
}
