package tail

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sobang/sobang/sources"
)

// fifo makes a named pipe in a temporary directory.
func fifo(t *testing.T, name string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Skipf("no named pipes here: %v", err)
	}
	return path
}

// writer writes first to the pipe at path, then waits for more to be
// closed (a writer that stays open, like kubectl logs -f) before writing
// rest and closing. Opening blocks until the pipe is opened for reading.
func writer(t *testing.T, path string, first, rest []byte, more <-chan struct{}) <-chan error {
	t.Helper()
	done := make(chan error, 1)
	go func() {
		f, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err != nil {
			done <- err
			return
		}
		defer f.Close()
		if _, err := f.Write(first); err != nil {
			done <- err
			return
		}
		<-more
		_, err = f.Write(rest)
		done <- err
	}()
	return done
}

// within runs fn and fails the test if it takes longer than d.
func within(t *testing.T, d time.Duration, what string, fn func()) {
	t.Helper()
	done := make(chan struct{})
	go func() { defer close(done); fn() }()
	select {
	case <-done:
	case <-time.After(d):
		t.Fatalf("%s did not return within %v", what, d)
	}
}

func gzipped(t *testing.T, parts ...string) [][]byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	var out [][]byte
	for _, p := range parts {
		zw.Write([]byte(p))
		zw.Flush()
		out = append(out, append([]byte(nil), buf.Bytes()...))
		buf.Reset()
	}
	zw.Close()
	out[len(out)-1] = append(out[len(out)-1], buf.Bytes()...)
	return out
}

// TestStreamHeadThenFile reads a named pipe's head for detection while its
// writer keeps it open, then reads it whole: the head's bytes are not lost
// and nothing seeks.
func TestStreamHeadThenFile(t *testing.T) {
	first := "line 1\nline 2\n"
	rest := strings.Repeat("more lines\n", 20000) // over a pipe's buffer
	z := gzipped(t, first, rest)
	tests := []struct {
		name        string
		first, rest []byte
	}{
		{"plain", []byte(first), []byte(rest)},
		{"gzip", z[0], z[1]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := fifo(t, "in")
			if !IsStream(path) {
				t.Fatal("IsStream = false for a named pipe")
			}
			more := make(chan struct{})
			done := writer(t, path, tt.first, tt.rest, more)
			var head []byte
			within(t, 5*time.Second, "Head of a pipe still open", func() {
				var err error
				head, err = Head(path, sources.SniffBytes)
				if err != nil {
					t.Error(err)
				}
			})
			if string(head) != first {
				t.Fatalf("head %q, want %q", head, first)
			}
			// Asked again (another detector), the same bytes.
			if again, _ := Head(path, 4); string(again) != first[:4] {
				t.Fatalf("second head %q", again)
			}
			close(more)
			var r recorder
			within(t, 10*time.Second, "File of a pipe", func() {
				if err := File(context.Background(), path, Options{Follow: true}, &r); err != nil {
					t.Error(err)
				}
			})
			if err := <-done; err != nil {
				t.Fatal(err)
			}
			if got := r.text(); got != first+rest || r.caughtUp != 1 {
				t.Fatalf("read %d bytes (want %d), starting %.40q; caughtUp %d", len(got), len(first+rest), got, r.caughtUp)
			}
		})
	}
}

// TestStreamsAtOnce reads two pipes whose writers wait for each other's
// reader: detection of both, then both read whole, at the same time.
func TestStreamsAtOnce(t *testing.T) {
	a, b := fifo(t, "a"), fifo(t, "b")
	more := make(chan struct{})
	doneA := writer(t, a, []byte("a1\n"), []byte("a2\n"), more)
	doneB := writer(t, b, []byte("b1\n"), []byte("b2\n"), more)
	heads := make(chan string, 2)
	within(t, 5*time.Second, "the heads of two pipes", func() {
		for _, p := range []string{b, a} {
			go func() {
				h, _ := Head(p, sources.SniffBytes)
				heads <- string(h)
			}()
		}
		got := []string{<-heads, <-heads}
		if got[0]+got[1] != "a1\nb1\n" && got[0]+got[1] != "b1\na1\n" {
			t.Errorf("heads %q", got)
		}
	})
	close(more)
	var ra, rb recorder
	errs := make(chan error, 2)
	within(t, 10*time.Second, "File of two pipes", func() {
		go func() { errs <- File(context.Background(), a, Options{}, &ra) }()
		go func() { errs <- File(context.Background(), b, Options{}, &rb) }()
		for range 2 {
			if err := <-errs; err != nil {
				t.Error(err)
			}
		}
	})
	<-doneA
	<-doneB
	if ra.text() != "a1\na2\n" || rb.text() != "b1\nb2\n" {
		t.Fatalf("read %q and %q", ra.text(), rb.text())
	}
}

// TestStreamWithoutHead reads a pipe nothing detected (--log PIPE): no
// "illegal seek".
func TestStreamWithoutHead(t *testing.T) {
	path := fifo(t, "in")
	more := make(chan struct{})
	close(more)
	var lines strings.Builder
	for i := range 1000 {
		fmt.Fprintf(&lines, "line %d\n", i)
	}
	done := writer(t, path, []byte(lines.String()), nil, more)
	var r recorder
	within(t, 10*time.Second, "File of a pipe", func() {
		if err := File(context.Background(), path, Options{Follow: true}, &r); err != nil {
			t.Error(err)
		}
	})
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if r.text() != lines.String() {
		t.Fatalf("read %d bytes, want %d", len(r.text()), lines.Len())
	}
}

// TestStreamEndsWithContext checks that File returns when its context ends
// while the writer keeps the pipe open and silent.
func TestStreamEndsWithContext(t *testing.T) {
	path := fifo(t, "in")
	more := make(chan struct{})
	defer close(more)
	writer(t, path, []byte("x\n"), nil, more)
	ctx, cancel := context.WithCancel(context.Background())
	var r recorder
	errs := make(chan error, 1)
	go func() { errs <- File(ctx, path, Options{Follow: true}, &r) }()
	waitUntil(t, 5*time.Second, "the first line", func() bool { return r.text() == "x\n" })
	cancel()
	within(t, 5*time.Second, "File after its context ended", func() {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	})
}
