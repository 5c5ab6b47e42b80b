package record

import (
	"bufio"
	"encoding/gob"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/klauspost/compress/gzip"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/sanitize"
)

// Format version 1, read only: the Magic, then one gzip stream of gob
// values, a Header and then one Entry per batch. It has no frames, so it is
// read from its start, whole.

// openV1 reads the header of a version 1 recording.
func (r *Recording) openV1() error {
	_, err := r.readV1(func(h *Header) error {
		r.Header = *h
		for i := range r.Header.Sources {
			r.Header.Sources[i].Name = sanitize.Value(r.Header.Sources[i].Name)
		}
		return errStop
	}, nil)
	return err
}

// walkV1 reads every entry of a version 1 recording; a stream cut short
// is a warning after the entries before the cut.
func (r *Recording) walkV1(fn func(Item) error) ([]string, error) {
	skipped, err := r.readV1(nil, func(e *Entry) error { return fn(Item{Entry: e}) })
	var warnings []string
	if errors.Is(err, ErrTruncated) {
		warnings, err = append(warnings, err.Error()+" (a crash, or a session still recording); the batches before were read"), nil
	}
	if skipped > 0 {
		warnings = append(warnings, fmt.Sprintf("%s: %d recorded batches name no recorded source; skipped", r.Path, skipped))
	}
	return warnings, err
}

// readV1 opens the file and decodes it (see decodeV1).
func (r *Recording) readV1(onHeader func(*Header) error, onEntry func(*Entry) error) (int, error) {
	f, err := os.Open(r.Path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	return decodeV1(bufio.NewReaderSize(f, 64<<10), r.Path, onHeader, onEntry)
}

// decodeV1 reads a version 1 recording from rd, calling onHeader with its
// header and onEntry with each valid entry (either may be nil). A
// callback's errStop ends the read without an error. It returns how many
// entries named no recorded source.
func decodeV1(rd io.Reader, path string, onHeader func(*Header) error, onEntry func(*Entry) error) (skipped int, err error) {
	var magic [len(Magic)]byte
	if _, err := io.ReadFull(rd, magic[:]); err != nil || !IsRecording(magic[:]) {
		return 0, sources.InFile(path, fmt.Errorf("not a sobang recording (expected a file starting with %s)", sources.Quote(magicPrefix)))
	}
	if v := magic[len(magic)-1]; v != 1 {
		return 0, fmt.Errorf("%s: a recording of format version %d, not 1", path, v)
	}
	zr, err := gzip.NewReader(rd)
	if err != nil {
		return 0, fmt.Errorf("%s: %w before its header (%v)", path, ErrTruncated, err)
	}
	defer zr.Close()
	return decodeStreamV1(zr, path, onHeader, onEntry)
}

// decodeStreamV1 decodes the inflated stream of a version 1 recording: its
// header, then its entries (see decodeV1).
func decodeStreamV1(rd io.Reader, path string, onHeader func(*Header) error, onEntry func(*Entry) error) (skipped int, err error) {
	dec := gob.NewDecoder(rd)
	var h Header
	if err := dec.Decode(&h); err != nil {
		return 0, fmt.Errorf("%s: %w before its header (%v)", path, ErrTruncated, err)
	}
	if h.Version != 1 {
		return 0, fmt.Errorf("%s: a recording of format version %d says version %d in its header", path, 1, h.Version)
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
		e.Columns = nil // not of version 1
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
