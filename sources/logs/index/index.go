// Package index reads log entries back from the file they were read from.
//
// A log of a gigabyte holds millions of entries; keeping their text would
// cost more memory than the file's size. The ingester keeps, per entry,
// where its lines lie in the file (an offset and a length) and a checksum
// of their raw bytes, and the store keeps only that; the text is read back
// when an entry is shown, searched or summarised, and cleaned exactly as
// the ingester cleaned it (sanitised, secrets masked).
//
// Files are read with ReadAt in chunks, never mmap'd: a log is rotated or
// truncated under us, and a mapped page of a truncated file is a SIGBUS. A
// file renamed away (rotation) still reads from the descriptor opened when
// its reading began; one truncated or rewritten in place is noticed by its
// length or its checksum, and the entry says its text is gone instead of
// showing another line's.
package index

import (
	"bytes"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"sync"

	"github.com/sobang/sobang/sources/internal/batch"
	"github.com/sobang/sobang/sources/sanitize"
	"github.com/sobang/sobang/sources/tail"
)

// Seed starts the checksum of an entry; Mix adds each line's LineSum.
const Seed uint32 = 2166136261

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// LineSum is the checksum of one raw line: its bytes as the line splitter
// emits them (without the newline and a CR before it, cut at tail.MaxLine,
// without NUL bytes).
func LineSum(raw []byte) uint32 { return crc32.Checksum(raw, castagnoli) }

// Mix adds a line's checksum to an entry's, in order.
func Mix(sum, line uint32) uint32 { return (sum ^ line) * 16777619 }

// chunk is how much one read fetches: a scan over many entries (a search,
// a report) costs one read per chunk, not one per entry.
const chunk = 256 << 10

// Errors an entry's text can meet when it is read back.
var (
	// ErrTruncated: the file is shorter than the entry's end.
	ErrTruncated = errors.New("the file was truncated since it was read")
	// ErrChanged: the bytes at the entry's place are not those read.
	ErrChanged = errors.New("the file was rewritten since it was read")
)

// File reads entries back from one file. It is a sources.LogText.
type File struct {
	name string
	red  *sanitize.Redactor

	mu      sync.Mutex
	f       *os.File
	buf     []byte // a cached chunk of the file, from bufOff
	bufOff  int64
	scratch []byte
	masked  []byte
	remove  string // a spool's path still to remove on Close
}

// Open opens the file that opened is reading, for reading entries back
// with the ingester's redactor red. It fails when the path no longer names
// that file (it was rotated between the two opens): its entries then keep
// their text.
func Open(opened *os.File, red *sanitize.Redactor) (*File, error) {
	want, err := opened.Stat()
	if err != nil {
		return nil, err
	}
	f, err := os.Open(opened.Name())
	if err != nil {
		return nil, err
	}
	got, err := f.Stat()
	if err != nil || !os.SameFile(want, got) {
		f.Close()
		return nil, fmt.Errorf("%s: replaced while being opened", opened.Name())
	}
	return &File{name: opened.Name(), red: red, f: f}, nil
}

// Name returns the file's path.
func (x *File) Name() string { return x.name }

// Close releases the file.
func (x *File) Close() error {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.buf = nil
	err := x.f.Close()
	if x.remove != "" {
		os.Remove(x.remove)
		x.remove = ""
	}
	return err
}

// Lines appends the display-safe lines of the entry at [off, off+n) whose
// checksum was sum.
func (x *File) Lines(dst []string, off, n int64, sum uint32) ([]string, error) {
	x.mu.Lock()
	defer x.mu.Unlock()
	raw, err := x.read(off, n, false)
	if err != nil {
		return dst, err
	}
	if Sum(raw) != sum {
		// The cached chunk may predate a rewrite the entry comes from.
		if raw, err = x.read(off, n, true); err != nil {
			return dst, err
		}
		if Sum(raw) != sum {
			return dst, ErrChanged
		}
	}
	first := off == 0
	for line := range splitLines(raw) {
		if first {
			line = batch.TrimBOM(line)
			first = false
		}
		x.scratch, _ = sanitize.Line(x.scratch[:0], line, sanitize.TabWidth)
		clean := x.scratch
		if x.red != nil {
			if m, ok := x.red.Append(x.masked[:0], x.scratch); ok {
				x.masked = m
				clean = m
			}
		}
		dst = append(dst, string(clean))
	}
	return dst, nil
}

// read returns the file's bytes [off, off+n), from the cached chunk unless
// fresh.
func (x *File) read(off, n int64, fresh bool) ([]byte, error) {
	if !fresh && off >= x.bufOff && off+n <= x.bufOff+int64(len(x.buf)) {
		return x.buf[off-x.bufOff : off-x.bufOff+n], nil
	}
	size := max(n, chunk)
	if int64(cap(x.buf)) < size {
		x.buf = make([]byte, size)
	}
	x.buf = x.buf[:size]
	got, err := x.f.ReadAt(x.buf, off)
	x.buf, x.bufOff = x.buf[:got], off
	if int64(got) < n {
		x.buf = x.buf[:0]
		if err == nil || errors.Is(err, io.EOF) {
			return nil, ErrTruncated
		}
		return nil, err
	}
	return x.buf[:n], nil
}

// splitLines yields the raw lines of an entry's bytes as the line splitter
// emitted them: NUL bytes (a gap it skipped) removed, each line without
// its newline, cut at tail.MaxLine, without a CR before its end.
func splitLines(raw []byte) func(func([]byte) bool) {
	return func(yield func([]byte) bool) {
		if bytes.IndexByte(raw, 0) >= 0 {
			raw = bytes.ReplaceAll(raw, []byte{0}, nil)
		}
		for len(raw) > 0 {
			line := raw
			i := bytes.IndexByte(raw, '\n')
			if i >= 0 {
				line, raw = raw[:i], raw[i+1:]
			} else {
				raw = nil
			}
			if len(line) > tail.MaxLine {
				line = line[:tail.MaxLine]
			}
			if !yield(bytes.TrimSuffix(line, []byte{'\r'})) {
				return
			}
		}
	}
}

// Sum is the checksum of an entry's raw bytes, as Mix of each line's
// LineSum from Seed.
func Sum(raw []byte) uint32 {
	sum := Seed
	for line := range splitLines(raw) {
		sum = Mix(sum, LineSum(line))
	}
	return sum
}
