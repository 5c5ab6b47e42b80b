package index

import (
	"bufio"
	"os"
	"runtime"

	"github.com/sobang/sobang/sources/sanitize"
	"github.com/sobang/sobang/sources/tail"
)

// Spool writes the lines of a stream (stdin, a command's output) to a
// temporary file, so that they are indexed and read back as a file's are
// and memory holds the index, not the text. The file is created with mode
// 0600 and its name is removed at once where the system allows it (the
// open descriptors keep its bytes), so that no path is left behind
// however the process ends; elsewhere it is removed when the reader is
// closed. Each line's secrets are masked before it is written.
type Spool struct {
	w    *bufio.Writer
	f    *os.File
	pos  int64
	red  *sanitize.Redactor
	buf  []byte
	text *File
	err  error
}

// NewSpool creates a spool in dir (os.TempDir when "") whose lines are
// masked with red and read back by Text, named name.
func NewSpool(dir, name string, red *sanitize.Redactor) (*Spool, error) {
	f, err := os.CreateTemp(dir, "sobang-spool-*.log")
	if err != nil {
		return nil, err
	}
	path := f.Name()
	r, err := os.Open(path)
	if err != nil {
		f.Close()
		os.Remove(path)
		return nil, err
	}
	x := &File{name: name, red: red, f: r}
	if runtime.GOOS == "windows" || os.Remove(path) != nil {
		x.remove = path
	}
	return &Spool{w: bufio.NewWriterSize(f, 256<<10), f: f, red: red, text: x}, nil
}

// Text returns the reader of what was written.
func (s *Spool) Text() *File { return s.text }

// Err returns the first write error, after which nothing more is written.
func (s *Spool) Err() error { return s.err }

// Line writes one line as the line splitter emitted it and returns the
// line as written (its secrets masked, cut at tail.MaxLine), valid until
// the next call, with where it lies in the file.
func (s *Spool) Line(raw []byte) (line []byte, off, end int64) {
	if m, ok := s.red.Append(s.buf[:0], raw); ok {
		s.buf = m
		raw = m
	}
	if len(raw) > tail.MaxLine {
		raw = raw[:tail.MaxLine]
	}
	off = s.pos
	if s.err != nil {
		return raw, off, off
	}
	s.w.Write(raw)
	if len(raw) > 0 && raw[len(raw)-1] == '\r' {
		// Read back, a CR before the newline is dropped: keep this one.
		s.w.WriteByte('\r')
		s.pos++
	}
	if err := s.w.WriteByte('\n'); err != nil {
		s.err = err
	}
	s.pos += int64(len(raw)) + 1
	return raw, off, s.pos
}

// Flush writes what is buffered, so that entries pushed so far read back.
func (s *Spool) Flush() error {
	if s.err == nil {
		s.err = s.w.Flush()
	}
	return s.err
}

// Close flushes and closes the writing side; the reader stays open.
func (s *Spool) Close() error {
	err := s.Flush()
	if cerr := s.f.Close(); err == nil {
		err = cerr
	}
	return err
}
