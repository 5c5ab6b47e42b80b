package logs

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sobang/sobang/sources"
)

// runCommand runs a command source until stop says so (or it ends) and
// returns what it pushed.
func runCommand(t *testing.T, opt Options, stop func(*recorder) bool) *recorder {
	t.Helper()
	opt.SpoolDir = t.TempDir()
	var r recorder
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- New(sources.Info{Name: opt.Command, Zone: time.UTC}, opt).Run(ctx, &r) }()
	if stop != nil {
		waitFor(t, 15*time.Second, "the command's output", func() bool { return stop(&r) })
		cancel()
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the source did not end within 10 s of its run's end")
	}
	return &r
}

// TestCommandOutputIsALog: a command's standard output is read as a log,
// spooled and indexed as stdin is.
func TestCommandOutputIsALog(t *testing.T) {
	r := runCommand(t, Options{Command: `printf '2024-05-01 10:00:00.000 ERROR boom password=hunter2\n2024-05-01 10:00:01.000 INFO ok\n'`}, nil)
	entries := r.snapshot()
	if len(entries) != 2 {
		t.Fatalf("%d entries", len(entries))
	}
	for i, e := range entries {
		got, err := e.Text.Lines(nil, e.Off, e.Len, e.Sum)
		if e.Text == nil || err != nil || !slices.Equal(got, e.Lines) {
			t.Fatalf("entry %d read back as %q (%v), want %q", i, got, err, e.Lines)
		}
	}
	if strings.Contains(entries[0].Lines[0], "hunter2") {
		t.Fatalf("a secret shows: %q", entries[0].Lines[0])
	}
}

// TestCommandRestarts: a command that exits is run again after a backoff,
// its standard error shown as the source's status.
func TestCommandRestarts(t *testing.T) {
	r := runCommand(t, Options{Command: `echo run; echo "no route to host" >&2; exit 3`, Restart: true}, func(r *recorder) bool {
		return len(r.snapshot()) >= 2
	})
	var sawStderr, sawDown bool
	r.mu.Lock()
	for _, h := range r.health {
		sawStderr = sawStderr || strings.Contains(h.Detail, "no route to host")
		sawDown = sawDown || (h.State == sources.StateDown && strings.Contains(h.Err, "exit status 3: no route to host") && strings.Contains(h.Err, "next run in"))
	}
	r.mu.Unlock()
	if !sawStderr || !sawDown {
		t.Fatalf("health %+v: stderr shown %v, down and restarting %v", r.health, sawStderr, sawDown)
	}
}

// TestCommandOnceWarns: without Restart a command runs once, and a
// failure is a warning.
func TestCommandOnceWarns(t *testing.T) {
	r := runCommand(t, Options{Command: `seq 3; exit 2`}, nil)
	if n := len(r.snapshot()); n != 3 {
		t.Fatalf("%d entries", n)
	}
	if len(r.warnings) != 1 || !strings.Contains(r.warnings[0], "exit status 2") {
		t.Fatalf("warnings %q", r.warnings)
	}
}
