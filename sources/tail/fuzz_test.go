package tail

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/sobang/sobang/sources"
)

// lineTaker is a Handler that splits what it is given into lines, as a
// parser does, and keeps the bytes of the current stream to await.
type lineTaker struct {
	mu     sync.Mutex
	lines  Lines
	got    []string
	stream []byte // since the last Reset
	resets int
	moved  chan struct{}
}

func (h *lineTaker) Data(p []byte) error {
	h.mu.Lock()
	h.stream = append(h.stream, p...)
	h.lines.Feed(p, func(line []byte, _ int, _ bool) { h.got = append(h.got, string(line)) })
	h.mu.Unlock()
	h.poke()
	return nil
}

func (h *lineTaker) Reset() {
	h.mu.Lock()
	h.stream, h.resets = h.stream[:0], h.resets+1
	h.lines.Reset()
	h.mu.Unlock()
	h.poke()
}

func (h *lineTaker) poke() {
	select {
	case h.moved <- struct{}{}:
	default:
	}
}

func (h *lineTaker) CaughtUp() {}
func (h *lineTaker) Idle()     {}

// FuzzFollow writes a file in chunks and truncates it (copytruncate, or
// cut to any shorter length) while File follows it, stepping the polls on
// a manual clock and waiting for each change to be read. The lines handed
// over are exactly the complete lines of each version of the file, in
// order, the partial last line of a truncated version dropped and that of
// the last flushed: none lost, none twice.
func FuzzFollow(f *testing.F) {
	f.Add([]byte("one\ntwo\r\nthree\nfour"), []byte{1 << 2, 3<<2 | 1, 0, 20<<2 | 2, 2 << 2, 9<<2 | 3})
	f.Add([]byte("a\nb\nc\nd\ne\n"), []byte{7<<2 | 1, 3 << 2, 10<<2 | 2, 1 << 2})
	f.Add([]byte("no newline at all"), []byte{4<<2 | 1, 1 << 2, 30<<2 | 1})
	f.Add([]byte("\n\n\r\n\n"), []byte{1, 1, 0, 1, 1, 1})
	f.Fuzz(func(t *testing.T, data []byte, ops []byte) {
		if len(ops) > 16 {
			ops = ops[:16]
		}
		path := filepath.Join(t.TempDir(), "live.log")
		w, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
		if err != nil {
			t.Fatal(err)
		}
		defer w.Close()
		clock := sources.NewManualClock(time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC))
		h := &lineTaker{moved: make(chan struct{}, 1)}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		done := make(chan error, 1)
		go func() { done <- File(ctx, path, Options{Follow: true, Clock: clock}, h) }()

		var content []byte // the file as it is now
		var want []string  // the lines of the versions of the file before this one
		resets := 0
		await := func(what string) {
			t.Helper()
			deadline := time.Now().Add(5 * time.Second)
			for {
				h.mu.Lock()
				ok := h.resets == resets && bytes.Equal(h.stream, content)
				h.mu.Unlock()
				if ok {
					return
				}
				if time.Now().After(deadline) {
					t.Fatalf("%s: the follower never read the file as it is (%d resets, want %d; read %q, file %q)", what, h.resets, resets, h.stream, content)
				}
				clock.Advance(sources.PollInterval)
				select {
				case <-h.moved:
				case <-time.After(time.Millisecond):
				}
			}
		}
		await("start")
		for _, op := range ops {
			n := int(op>>2) + 1
			if op&3 == 0 { // truncate to a shorter length
				if len(content) == 0 {
					continue
				}
				cut := n % len(content)
				want = append(want, completeLines(content)...)
				content = content[:cut]
				if err := w.Truncate(int64(cut)); err != nil {
					t.Fatal(err)
				}
				resets++
				await("after truncating")
				continue
			}
			n = min(n, len(data))
			if n == 0 {
				continue
			}
			if _, err := w.Write(data[:n]); err != nil {
				t.Fatal(err)
			}
			content, data = append(content, data[:n]...), data[n:]
			await("after writing")
		}
		cancel()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		h.lines.Flush(func(line []byte, _ int, _ bool) { h.got = append(h.got, string(line)) })
		want = append(want, completeLines(content)...)
		if last := content[bytes.LastIndexByte(content, '\n')+1:]; len(last) > 0 {
			want = append(want, string(bytes.TrimSuffix(last, []byte{'\r'})))
		}
		if !reflect.DeepEqual(h.got, want) && (len(h.got) > 0 || len(want) > 0) {
			t.Fatalf("lines %q, want %q", h.got, want)
		}
	})
}

// completeLines returns the lines of b that end in a newline, without it
// (nor a CR before it).
func completeLines(b []byte) []string {
	var out []string
	for {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			return out
		}
		out = append(out, string(bytes.TrimSuffix(b[:i], []byte{'\r'})))
		b = b[i+1:]
	}
}
