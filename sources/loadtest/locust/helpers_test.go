package locust

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/sobang/sobang/sources"
)

// collector is a sources.Sink keeping every batch.
type collector struct {
	mu      sync.Mutex
	batches []sources.Batch
}

func (c *collector) Push(_ context.Context, b sources.Batch) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.batches = append(c.batches, b)
	return nil
}

// result is what a source said, folded as the store folds it.
type result struct {
	history  []sources.Aggregate
	final    []sources.Aggregate
	failures []sources.AggregateFailure
	rows     int
	badRows  int
	bad      []sources.BadRow
	warnings []string
	resets   int
	health   sources.Health
	caughtUp bool
}

func (c *collector) result() result {
	c.mu.Lock()
	defer c.mu.Unlock()
	var r result
	for _, b := range c.batches {
		if b.Reset {
			r.resets++
			r.history = nil
		}
		var final []sources.Aggregate
		for _, a := range b.Aggregates {
			if a.Final {
				final = append(final, a)
			} else {
				r.history = append(r.history, a)
			}
		}
		if final != nil {
			r.final = final
		}
		if b.Failures != nil {
			r.failures = b.Failures
		}
		r.rows += b.Rows
		r.badRows += b.BadRows
		r.bad = append(r.bad, b.Bad...)
		r.warnings = append(r.warnings, b.Warnings...)
		if b.Health != nil {
			r.health = *b.Health
		}
		r.caughtUp = r.caughtUp || b.CaughtUp
	}
	return r
}

// read runs a source over name to its end.
func read(t *testing.T, name string) (result, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var c collector
	err := New(sources.Info{Name: name}, Options{}).Run(ctx, &c)
	return c.result(), err
}

// corpusDir returns the shared corpus's Locust directory, skipping the test
// when it is absent (failing under CI=true, where it is always present).
func corpusDir(t *testing.T) string {
	t.Helper()
	dir := filepath.Join("..", "..", "..", "..", "shared", "corpus", "loadtest", "locust")
	if _, err := os.Stat(dir); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("the shared corpus is missing at %s (always present under CI=true)", dir)
		}
		t.Skipf("the shared corpus is not at %s; skipping", dir)
	}
	return dir
}

func write(t *testing.T, path, data string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}
