package tail

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sobang/sobang/sources"
)

// recorder is a Handler that keeps everything it is told.
type recorder struct {
	mu       sync.Mutex
	data     bytes.Buffer
	resets   int
	caughtUp int
	idles    int
}

func (r *recorder) Data(p []byte) error { r.mu.Lock(); r.data.Write(p); r.mu.Unlock(); return nil }
func (r *recorder) Reset()              { r.mu.Lock(); r.resets++; r.data.WriteString("|RESET|"); r.mu.Unlock() }
func (r *recorder) CaughtUp()           { r.mu.Lock(); r.caughtUp++; r.mu.Unlock() }
func (r *recorder) Idle()               { r.mu.Lock(); r.idles++; r.mu.Unlock() }
func (r *recorder) text() string        { r.mu.Lock(); defer r.mu.Unlock(); return r.data.String() }

// waitUntil polls cond until it holds or fails the test after d.
func waitUntil(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func appendFile(t *testing.T, path, s string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY|os.O_CREATE, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(s); err != nil {
		t.Fatal(err)
	}
}

func TestFileWholeRead(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.log")
	os.WriteFile(path, []byte("one\ntwo\n"), 0o644)
	var r recorder
	if err := File(context.Background(), path, Options{}, &r); err != nil {
		t.Fatal(err)
	}
	if r.text() != "one\ntwo\n" || r.caughtUp != 1 {
		t.Fatalf("read %q, caughtUp %d", r.text(), r.caughtUp)
	}
}

func TestFileMissing(t *testing.T) {
	var r recorder
	err := File(context.Background(), filepath.Join(t.TempDir(), "none"), Options{}, &r)
	if !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("err = %v, want not exist", err)
	}
}

func TestFollowGrowTruncateRotate(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "live.log")
	var r recorder
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var health []sources.State
	var hmu sync.Mutex
	done := make(chan error, 1)
	go func() {
		done <- File(ctx, path, Options{Follow: true, Wait: true, Status: func(h sources.Health) {
			hmu.Lock()
			health = append(health, h.State)
			hmu.Unlock()
		}}, &r)
	}()
	// The file appears later (JMeter creates its JTL after start-up).
	waitUntil(t, 5*time.Second, "the waiting state", func() bool {
		hmu.Lock()
		defer hmu.Unlock()
		return len(health) > 0 && health[0] == sources.StateWaiting
	})
	appendFile(t, path, "a\nhal")
	waitUntil(t, 5*time.Second, "the first bytes", func() bool { return r.text() == "a\nhal" })
	appendFile(t, path, "f\n")
	waitUntil(t, 5*time.Second, "growth", func() bool { return r.text() == "a\nhalf\n" })
	// Truncated in place (copytruncate).
	os.WriteFile(path, []byte("b\n"), 0o644)
	waitUntil(t, 5*time.Second, "a reset after truncation", func() bool { return strings.HasSuffix(r.text(), "|RESET|b\n") })
	// Rotated: renamed away, a new file in its place. Lines written to the
	// old one before the switch are not lost.
	appendFile(t, path, "c\n")
	os.Rename(path, path+".1")
	appendFile(t, path+".1", "d\n")
	appendFile(t, path, "e\n")
	waitUntil(t, 5*time.Second, "the rotated file", func() bool { return strings.HasSuffix(r.text(), "|RESET|e\n") })
	if got := r.text(); !strings.Contains(got, "b\nc\nd\n|RESET|e\n") {
		t.Fatalf("read %q", got)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if r.caughtUp != 1 || r.idles == 0 {
		t.Fatalf("caughtUp %d idles %d", r.caughtUp, r.idles)
	}
}

func gz(t *testing.T, s string) []byte {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write([]byte(s))
	w.Close()
	return b.Bytes()
}

func TestGzip(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a.log.gz")
	body := strings.Repeat("line of text\n", 50_000)
	os.WriteFile(path, gz(t, body), 0o644)
	var r recorder
	if err := File(context.Background(), path, Options{Follow: true}, &r); err != nil {
		t.Fatal(err)
	}
	if r.text() != body {
		t.Fatalf("inflated %d bytes, want %d", len(r.text()), len(body))
	}
	head, err := Head(path, 12)
	if err != nil || string(head) != "line of text" {
		t.Fatalf("Head = %q, %v", head, err)
	}
	// Cut: every byte before the cut arrives, then a clear error.
	full := gz(t, body)
	os.WriteFile(path, full[:len(full)/2], 0o644)
	var cut recorder
	err = File(context.Background(), path, Options{}, &cut)
	if !errors.Is(err, ErrTruncatedGzip) || !strings.Contains(err.Error(), path) {
		t.Fatalf("err = %v, want a truncated gzip naming the file", err)
	}
	if n := len(cut.text()); n == 0 || n >= len(body) || !strings.HasPrefix(body, cut.text()) {
		t.Fatalf("kept %d bytes of a cut gzip", n)
	}
}

// TestWaitOnClock: the polls for a missing file and the times of the
// health changes come from Options.Clock.
func TestWaitOnClock(t *testing.T) {
	path := filepath.Join(t.TempDir(), "later.log")
	t0 := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	clock := sources.NewManualClock(t0)
	var mu sync.Mutex
	var health []sources.Health
	status := func(h sources.Health) { mu.Lock(); health = append(health, h); mu.Unlock() }
	var r recorder
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- File(ctx, path, Options{Wait: true, Status: status, Clock: clock}, &r) }()
	if err := clock.AwaitArmed(ctx, 1); err != nil {
		t.Fatalf("no poll armed: %v", err)
	}
	if err := os.WriteFile(path, []byte("one\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	clock.Advance(sources.WaitInterval)
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-ctx.Done():
		t.Fatal("File did not return once the file appeared and the clock moved")
	}
	if r.text() != "one\n" {
		t.Errorf("read %q", r.text())
	}
	mu.Lock()
	defer mu.Unlock()
	want := []struct {
		state sources.State
		since time.Time
	}{{sources.StateWaiting, t0}, {sources.StateReading, t0.Add(sources.WaitInterval)}}
	if len(health) != len(want) {
		t.Fatalf("health %+v, want waiting then reading", health)
	}
	for i, w := range want {
		if health[i].State != w.state || !health[i].Since.Equal(w.since) {
			t.Errorf("health %d: %v since %v, want %v since %v", i, health[i].State, health[i].Since, w.state, w.since)
		}
	}
}

func TestStream(t *testing.T) {
	pr, pw := io.Pipe()
	var r recorder
	done := make(chan error, 1)
	go func() { done <- Stream(context.Background(), nil, pr, &r) }()
	pw.Write([]byte("x\n"))
	waitUntil(t, 5*time.Second, "idle after silence", func() bool { r.mu.Lock(); defer r.mu.Unlock(); return r.idles > 0 })
	pw.Write([]byte("y\n"))
	pw.Close()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if r.text() != "x\ny\n" || r.caughtUp != 1 {
		t.Fatalf("stream %q caughtUp %d", r.text(), r.caughtUp)
	}
}

type panicReader struct{}

func (panicReader) Read([]byte) (int, error) { panic("reader exploded") }

func TestStreamPanicBecomesError(t *testing.T) {
	var r recorder
	err := Stream(context.Background(), nil, panicReader{}, &r)
	var p *sources.Panic
	if !errors.As(err, &p) || p.Value != "reader exploded" || len(p.Stack) == 0 {
		t.Fatalf("err = %v, want a *sources.Panic with its stack", err)
	}
}

func TestLines(t *testing.T) {
	var got []string
	var nos []int
	emit := func(l []byte, no int, cut bool) {
		got = append(got, string(l))
		nos = append(nos, no)
	}
	var s Lines
	s.Feed([]byte("ab"), emit)
	s.Feed([]byte("c\r\nd\n\ne"), emit)
	if !s.Pending() {
		t.Fatal("a partial line must be held")
	}
	s.Flush(emit)
	want := []string{"abc", "d", "", "e"}
	if strings.Join(got, "|") != strings.Join(want, "|") || nos[3] != 4 {
		t.Fatalf("lines %q numbers %v", got, nos)
	}
	s.Reset()
	got = got[:0]
	long := strings.Repeat("x", MaxLine+10) + "\nz\n"
	var cuts []bool
	s.Feed([]byte(long), func(l []byte, no int, cut bool) { got = append(got, string(l)); cuts = append(cuts, cut) })
	if len(got) != 2 || len(got[0]) != MaxLine || !cuts[0] || got[1] != "z" || cuts[1] {
		t.Fatalf("long line: %d lines, first %d bytes cut=%v", len(got), len(got[0]), cuts)
	}
}

func TestFollowRewrittenLonger(t *testing.T) {
	path := filepath.Join(t.TempDir(), "run.jtl")
	os.WriteFile(path, []byte("header-one\nrow\n"), 0o644)
	var r recorder
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- File(ctx, path, Options{Follow: true}, &r) }()
	waitUntil(t, 5*time.Second, "the first read", func() bool { return r.text() == "header-one\nrow\n" })
	// Replaced in place by a new run that is already longer than what was read.
	os.WriteFile(path, []byte("header-two\nrow 1 of the new run\nrow 2\n"), 0o644)
	waitUntil(t, 5*time.Second, "a reset", func() bool { return strings.Contains(r.text(), "|RESET|header-two\n") })
	cancel()
	<-done
}

// TestProgress: a file's reader is told, before each chunk of what existed
// when reading began, how far it has read of the file's size, up to all of
// it; a gzip'd file counts its compressed bytes.
func TestProgress(t *testing.T) {
	dir := t.TempDir()
	body := strings.Repeat("0123456789abcdef\n", 3*sources.ReadChunk/17+100)
	tests := []struct {
		name string
		data []byte
	}{
		{"plain", []byte(body)},
		{"gzip", gz(t, body)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, tt.name)
			if err := os.WriteFile(path, tt.data, 0o644); err != nil {
				t.Fatal(err)
			}
			var seen []sources.Progress
			var r recorder
			if err := File(context.Background(), path, Options{Progress: func(p sources.Progress) { seen = append(seen, p) }}, &r); err != nil {
				t.Fatal(err)
			}
			if len(seen) < 2 {
				t.Fatalf("told the progress %d times, want one per chunk", len(seen))
			}
			size := int64(len(tt.data))
			for i, p := range seen {
				if p.Size != size || p.Read <= 0 || p.Read > size || (i > 0 && p.Read < seen[i-1].Read) {
					t.Fatalf("progress %d = %+v of a %d-byte file", i, p, size)
				}
			}
			if last := seen[len(seen)-1]; last.Read != size {
				t.Fatalf("last progress %+v, want all %d bytes read", last, size)
			}
		})
	}
}
