package logs

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/internal/corpus"
)

// corpusDir is the shared log corpus (skips without it, fails under CI=true).
func corpusDir(t testing.TB) string { return corpus.Dir(t, "logs") }

// recorder is a Sink that keeps what a source pushed, safe to read while the
// source runs.
type recorder struct {
	mu       sync.Mutex
	entries  []sources.LogEntry
	batches  int
	bad      []sources.BadRow
	warnings []string
	badRows  int
	rows     int
	health   []sources.Health
	caughtUp int
	resets   []int              // number of entries before each Reset
	progress []sources.Progress // what the batches said of how far the file was read
}

func (r *recorder) Push(ctx context.Context, b sources.Batch) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.batches++
	if b.Reset {
		r.resets = append(r.resets, len(r.entries))
	}
	if len(b.Entries) > sources.BatchRecords {
		panic("batch over BatchRecords")
	}
	r.entries = append(r.entries, b.Entries...)
	r.rows += b.Rows
	r.badRows += b.BadRows
	r.bad = append(r.bad, b.Bad...)
	r.warnings = append(r.warnings, b.Warnings...)
	if b.Health != nil {
		r.health = append(r.health, *b.Health)
	}
	if b.CaughtUp {
		r.caughtUp++
	}
	if b.Progress.Size > 0 {
		r.progress = append(r.progress, b.Progress)
	}
	return nil
}

// snapshot returns a copy of the entries so far.
func (r *recorder) snapshot() []sources.LogEntry {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]sources.LogEntry(nil), r.entries...)
}

func (r *recorder) lastHealth() sources.Health {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.health) == 0 {
		return sources.Health{}
	}
	return r.health[len(r.health)-1]
}

// waitFor polls cond until it holds, failing after timeout.
func waitFor(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", timeout, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// readAll runs a source over a whole file (no follow) and returns what it pushed.
func readAll(t *testing.T, path string, info sources.Info) *recorder {
	t.Helper()
	info.Name = path
	if info.Zone == nil {
		info.Zone = time.UTC
	}
	var r recorder
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := New(info, Options{}).Run(ctx, &r); err != nil {
		t.Fatalf("Run(%s): %v", path, err)
	}
	return &r
}
