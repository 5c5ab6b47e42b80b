package tail

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/klauspost/compress/gzip"

	"github.com/sobang/sobang/sources"
)

// Streams: a named pipe (a process substitution's /dev/fd/N is one) or a
// character device can be read once only, from its start, and cannot seek.
// Detecting its format must not lose the bytes it reads, nor wait for the
// end of a writer that keeps it open (kubectl logs -f): Head opens the
// stream once, reads what comes first and holds the stream open with those
// bytes, and File takes it from there.

const (
	// streamQuiet is how long Head waits for more of a stream's first
	// bytes once some came: a writer's first burst is what detection sees.
	streamQuiet = 200 * time.Millisecond
	// streamSniffMax bounds how long Head reads a stream that keeps
	// trickling, from its first bytes.
	streamSniffMax = time.Second
	// streamChunk is the size of one read from a stream.
	streamChunk = 64 << 10
)

// IsStream reports whether path names a stream rather than a file: a named
// pipe or a character device. Such input is read once, from its start to
// its end (Follow changes nothing), and a gzip'd one is inflated as it
// comes.
func IsStream(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && isStreamMode(fi.Mode())
}

func isStreamMode(m os.FileMode) bool {
	return m&os.ModeNamedPipe != 0 || m&os.ModeCharDevice != 0
}

// stream is an open stream read by its own goroutine, so that a wait for
// its data can end on a timer or a context; it is an io.Reader.
type stream struct {
	f      *os.File
	chunks chan chunk
	done   chan struct{} // closed by close: the reading goroutine stops
	cur    []byte        // read from chunks, not yet returned by Read
	err    error         // the error that ended the stream, after cur
	once   sync.Once
}

type chunk struct {
	data []byte
	err  error
}

// openStream opens the stream at path; opening a named pipe waits for a
// writer.
func openStream(path string) (*stream, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	return newStream(f), nil
}

// newStream reads the open stream f in its own goroutine.
func newStream(f *os.File) *stream {
	s := &stream{f: f, chunks: make(chan chunk, 4), done: make(chan struct{})}
	go s.read()
	return s
}

func (s *stream) read() {
	for {
		buf := make([]byte, streamChunk)
		n, err := s.f.Read(buf)
		select {
		case s.chunks <- chunk{buf[:n], err}:
		case <-s.done:
			return
		}
		if err != nil {
			return
		}
	}
}

// next waits for the next chunk and appends it to cur; false when ctx or
// the stream ended first.
func (s *stream) next(ctx context.Context) bool {
	select {
	case c := <-s.chunks:
		s.cur = append(s.cur, c.data...)
		if c.err != nil {
			s.err = c.err
		}
		return true
	case <-ctx.Done():
		return false
	case <-s.done:
		return false
	}
}

// sniff reads until cur holds n bytes, the stream ends, or no more came for
// streamQuiet after its first bytes (streamSniffMax at most); it waits as
// long as it takes for the first ones.
func (s *stream) sniff(n int) {
	ctx := context.Background()
	for len(s.cur) == 0 && s.err == nil {
		s.next(ctx)
	}
	clock := sources.Wall
	quiet, limit := clock.NewTimer(streamQuiet), clock.NewTimer(streamSniffMax)
	defer quiet.Stop()
	defer limit.Stop()
	for len(s.cur) < n && s.err == nil {
		select {
		case c := <-s.chunks:
			s.cur = append(s.cur, c.data...)
			s.err = c.err
			quiet.Reset(streamQuiet)
		case <-quiet.C():
			return
		case <-limit.C():
			return
		}
	}
}

// peek returns up to n of the stream's next bytes without consuming them,
// waiting for them until ctx ends.
func (s *stream) peek(ctx context.Context, n int) []byte {
	for len(s.cur) < n && s.err == nil && s.next(ctx) {
	}
	return s.cur[:min(n, len(s.cur))]
}

// Read returns what the stream held back first, then what comes; after
// close, os.ErrClosed.
func (s *stream) Read(p []byte) (int, error) {
	for len(s.cur) == 0 {
		if s.err != nil {
			return 0, s.err
		}
		if !s.next(context.Background()) {
			return 0, os.ErrClosed
		}
	}
	n := copy(p, s.cur)
	s.cur = s.cur[n:]
	if len(s.cur) == 0 {
		s.cur = nil
	}
	return n, nil
}

// close stops the reading goroutine (closing the file ends a read blocked
// on it where the platform polls pipes, as Linux does) and closes the file.
func (s *stream) close() {
	s.once.Do(func() {
		close(s.done)
		s.f.Close()
	})
}

// held are the streams Head opened, by path, until File takes them.
var held = struct {
	sync.Mutex
	m map[string]*heldStream
}{m: map[string]*heldStream{}}

type heldStream struct {
	ready chan struct{} // closed once s and err are set
	s     *stream
	err   error
}

// holdStream returns the stream at path, opened and sniffed by the first
// caller; the others wait for it.
func holdStream(path string, n int) (*stream, error) {
	held.Lock()
	h := held.m[path]
	if h == nil {
		h = &heldStream{ready: make(chan struct{})}
		held.m[path] = h
		held.Unlock()
		h.s, h.err = openStream(path)
		if h.err == nil {
			h.s.sniff(n)
		}
		close(h.ready)
	} else {
		held.Unlock()
		<-h.ready
	}
	return h.s, h.err
}

// takeStream returns the stream Head holds for path, or nil when none.
func takeStream(path string) *stream {
	held.Lock()
	h := held.m[path]
	delete(held.m, path)
	held.Unlock()
	if h == nil {
		return nil
	}
	<-h.ready
	return h.s
}

// headStream is Head for a stream: its first bytes, inflated when gzip'd,
// which stay for File to read.
func headStream(path string, n int) ([]byte, error) {
	s, err := holdStream(path, n)
	if err != nil {
		return nil, err
	}
	if s.err != nil && !errors.Is(s.err, io.EOF) && len(s.cur) == 0 {
		return nil, fmt.Errorf("%s: %w", path, s.err)
	}
	raw := s.cur
	if !IsGzip(raw) {
		return bytes.Clone(raw[:min(n, len(raw))]), nil
	}
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		return nil, nil // too little of it yet to say more than "gzip"
	}
	buf := make([]byte, n)
	m, _ := io.ReadFull(zr, buf) // a head cut mid-stream: what it holds
	return buf[:m], nil
}

// readStream reads the stream s at path into h until its end or until ctx
// ends, then closes it.
func readStream(ctx context.Context, path string, s *stream, clock sources.Clock, status func(sources.Health), h Handler) error {
	defer s.close()
	var r io.Reader = s
	detail := "reading " + path + " (a stream)"
	gz := IsGzip(s.peek(ctx, len(gzipMagic)))
	if ctx.Err() != nil {
		return nil
	}
	if gz {
		zr, err := gzip.NewReader(s)
		if err != nil {
			return fmt.Errorf("%s: gzip header: %w", path, err)
		}
		defer zr.Close()
		r = zr
		detail = "reading " + path + " (a gzip'd stream)"
	}
	status(sources.Health{State: sources.StateReading, Detail: detail, Since: clock.Now()})
	err := Stream(ctx, clock, r, h)
	if gz && errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("%s: %w", path, ErrTruncatedGzip)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}
