package locust

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/loadtest/internal/loadtesttest"
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

// corpusDir returns the shared corpus's Locust directory (see
// loadtesttest.CorpusDir).
func corpusDir(t *testing.T) string {
	t.Helper()
	return loadtesttest.CorpusDir(t, "locust")
}

// write writes data to path, replacing it, as Locust rewrites its files.
var write = loadtesttest.WriteFile[string]
