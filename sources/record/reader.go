package record

import (
	"bufio"
	"context"
	"encoding/gob"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/klauspost/compress/gzip"

	"github.com/sobang/sobang/sources"
)

// ErrTruncated says a recording ends in the middle of its gzip stream or of
// an entry, as after a crash: every complete entry before was read.
var ErrTruncated = errors.New("the recording ends abruptly")

// errStop ends a read early without an error.
var errStop = errors.New("stop")

// Recording is a recording file whose header has been read.
type Recording struct {
	Path   string
	Header Header
}

// Open reads the header of the recording at path. A file that is not a
// recording, or of another format version, is an error naming the path.
func Open(path string) (*Recording, error) {
	rec := &Recording{Path: path}
	_, err := readFile(path, func(h *Header) error {
		rec.Header = *h
		return errStop
	}, nil)
	if err != nil {
		return nil, err
	}
	return rec, nil
}

// Each calls fn with every entry of the recording in order, each a value of
// its own. It stops at fn's first error and returns it. It returns an error
// wrapping ErrTruncated when the file ends abruptly, after calling fn with
// every complete entry. Entries naming no source of the header are skipped
// and counted in skipped.
func (r *Recording) Each(fn func(e *Entry) error) (skipped int, err error) {
	return readFile(r.Path, nil, fn)
}

// readFile opens path and decodes it (see decode).
func readFile(path string, onHeader func(*Header) error, onEntry func(*Entry) error) (int, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	return decode(bufio.NewReaderSize(f, 64<<10), path, onHeader, onEntry)
}

// decode reads a recording from r, calling onHeader with its header and
// onEntry with each valid entry (either may be nil). A callback's errStop
// ends the read without an error. It returns how many entries named no
// recorded source.
func decode(r io.Reader, path string, onHeader func(*Header) error, onEntry func(*Entry) error) (skipped int, err error) {
	var magic [len(Magic)]byte
	if _, err := io.ReadFull(r, magic[:]); err != nil || !IsRecording(magic[:]) {
		return 0, sources.InFile(path, fmt.Errorf("not a sobang recording (expected a file starting with %s)", sources.Quote(magicPrefix)))
	}
	if v := magic[len(magic)-1]; v != Version {
		return 0, fmt.Errorf("%s: a recording of format version %d; this sobang reads version %d", path, v, Version)
	}
	zr, err := gzip.NewReader(r)
	if err != nil {
		return 0, fmt.Errorf("%s: %w before its header (%v)", path, ErrTruncated, err)
	}
	defer zr.Close()
	return decodeStream(zr, path, onHeader, onEntry)
}

// decodeStream decodes the inflated stream of a recording: its header, then
// its entries (see decode).
func decodeStream(r io.Reader, path string, onHeader func(*Header) error, onEntry func(*Entry) error) (skipped int, err error) {
	dec := gob.NewDecoder(r)
	var h Header
	if err := dec.Decode(&h); err != nil {
		return 0, fmt.Errorf("%s: %w before its header (%v)", path, ErrTruncated, err)
	}
	if h.Version != Version {
		return 0, fmt.Errorf("%s: a recording of format version %d; this sobang reads version %d", path, h.Version, Version)
	}
	if onHeader != nil {
		if err := onHeader(&h); err != nil {
			return 0, stopped(err)
		}
	}
	for n := 0; ; n++ {
		var e Entry // a fresh value: gob leaves fields it does not send untouched
		if err := dec.Decode(&e); err != nil {
			if err == io.EOF {
				return skipped, nil
			}
			return skipped, fmt.Errorf("%s: %w after %d batches (%v)", path, ErrTruncated, n, err)
		}
		if e.Source < 0 || e.Source >= len(h.Sources) {
			skipped++
			continue
		}
		e.Batch.Source = e.Source
		if e.EmptyFailures {
			e.Batch.Failures = []sources.AggregateFailure{}
		}
		if onEntry != nil {
			if err := onEntry(&e); err != nil {
				return skipped, stopped(err)
			}
		}
	}
}

func stopped(err error) error {
	if err == errStop {
		return nil
	}
	return err
}

// Sources returns one source per source recorded at path. Each one's Run
// reads the file and pushes that source's batches in their recorded order,
// then a batch that says it caught up with a Done health stamped on clock
// (nil means sources.Wall), which each source's Info carries.
func Sources(path string, clock sources.Clock) ([]sources.Source, error) {
	rec, err := Open(path)
	if err != nil {
		return nil, err
	}
	out := make([]sources.Source, len(rec.Header.Sources))
	for i, s := range rec.Header.Sources {
		info := sources.Info{Name: path + ":" + s.Name, Kind: s.Kind, Offset: s.Offset, Clock: clock}
		if s.Zone != "" {
			if loc, err := time.LoadLocation(s.Zone); err == nil {
				info.Zone = loc
			}
		}
		out[i] = &replay{rec: rec, index: i, info: info}
	}
	return out, nil
}

// replay is one recorded source, read back.
type replay struct {
	rec   *Recording
	index int
	info  sources.Info
}

// Info returns the recorded source's identity, named after the recording.
func (r *replay) Info() sources.Info { return r.info }

// Run pushes the source's recorded batches, then its end.
func (r *replay) Run(ctx context.Context, sink sources.Sink) error {
	n := 0
	format := ""
	var clean cleaner
	skipped, err := r.rec.Each(func(e *Entry) error {
		if e.Source != r.index {
			return nil
		}
		n++
		if e.Batch.Health != nil {
			format = e.Batch.Health.Format
		}
		clean.batch(&e.Batch)
		// The recorded source caught up with its input during the session,
		// most often long before the recording ended; replayed, it has
		// caught up only at its end (pushed below), so that a dashboard
		// deciding live or past decides on the whole recording, and always
		// the same way.
		e.Batch.CaughtUp = false
		// How far the recorded source had read its file says nothing of
		// how far the recording has been read.
		e.Batch.Progress = sources.Progress{}
		return sink.Push(ctx, e.Batch)
	})
	if ctxErr := ctx.Err(); ctxErr != nil {
		return ctxErr
	}
	end := sources.Batch{CaughtUp: true}
	switch {
	case errors.Is(err, ErrTruncated):
		end.Warnings = append(end.Warnings, err.Error()+" (a crash, or a session still recording); the batches before were replayed")
	case err != nil:
		_ = sources.SetHealth(ctx, sink, sources.OrWall(r.info.Clock), sources.Health{State: sources.StateFailed, Err: err.Error(), Format: format})
		return err
	}
	if skipped > 0 {
		end.Warnings = append(end.Warnings, fmt.Sprintf("%s: %d recorded batches name no recorded source; skipped", r.rec.Path, skipped))
	}
	end.Health = &sources.Health{
		State:  sources.StateDone,
		Detail: fmt.Sprintf("replayed %d batches from %s", n, r.rec.Path),
		Since:  sources.OrWall(r.info.Clock).Now(),
		Format: format,
	}
	return sink.Push(ctx, end)
}
