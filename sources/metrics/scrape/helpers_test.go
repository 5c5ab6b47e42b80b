package scrape

import (
	"context"
	"math"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/internal/corpus"
)

// corpusDir returns the shared metrics corpus, which lives beside the
// repository, not in it. A fresh clone has no corpus: the test is skipped
// then, except under CI=true, where the corpus is always present and a skip
// would hide a failure.
func corpusDir(t testing.TB) string {
	t.Helper()
	return corpus.Dir(t, "metrics")
}

// recorder is a Sink that keeps every batch and wakes waiters.
type recorder struct {
	mu      sync.Mutex
	batches []sources.Batch
	changed chan struct{}
}

func newRecorder() *recorder { return &recorder{changed: make(chan struct{}, 1)} }

func (r *recorder) Push(ctx context.Context, b sources.Batch) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	r.mu.Lock()
	r.batches = append(r.batches, b)
	r.mu.Unlock()
	select {
	case r.changed <- struct{}{}:
	default:
	}
	return nil
}

func (r *recorder) snapshot() []sources.Batch {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.batches)
}

// waitFor waits until cond holds for the batches so far, failing the test
// after timeout.
func (r *recorder) waitFor(t *testing.T, timeout time.Duration, what string, cond func([]sources.Batch) bool) []sources.Batch {
	t.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		if b := r.snapshot(); cond(b) {
			return b
		}
		select {
		case <-r.changed:
		case <-deadline.C:
			b := r.snapshot()
			t.Fatalf("timed out after %s waiting for %s; %d batches, last health %+v", timeout, what, len(b), lastHealth(b))
			return nil
		}
	}
}

// start runs src in the background until the test ends.
func start(t *testing.T, src sources.Source) *recorder {
	t.Helper()
	rec := newRecorder()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- src.Run(ctx, rec) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Run returned %v after cancel, want nil", err)
			}
		case <-time.After(5 * time.Second):
			t.Error("Run did not return within 5s of cancel")
		}
	})
	return rec
}

// runOnce runs a Follow=false source to its end.
func runOnce(t *testing.T, src sources.Source) ([]sources.Batch, error) {
	t.Helper()
	rec := newRecorder()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	err := src.Run(ctx, rec)
	if ctx.Err() != nil {
		t.Fatal("one-shot scrape did not return within 20s")
	}
	return rec.snapshot(), err
}

// newSource is New with a short backoff for tests. Unless the test sets a
// Timeout, scrapes get 5 s, not the interval: the short intervals tests use
// to run fast would make a loaded machine (-race) time out.
func newSource(url string, opt Options) *source {
	s := New(sources.Info{Name: url}, opt).(*source)
	s.retryMin = 5 * time.Millisecond
	s.retryMax = 40 * time.Millisecond
	if opt.Timeout == 0 {
		s.fetcher.timeout = 5 * time.Second
	}
	return s
}

func lastHealth(batches []sources.Batch) *sources.Health {
	for i := len(batches) - 1; i >= 0; i-- {
		if batches[i].Health != nil {
			return batches[i].Health
		}
	}
	return nil
}

func scrapes(batches []sources.Batch) []sources.Scrape {
	var out []sources.Scrape
	for _, b := range batches {
		out = append(out, b.Scrapes...)
	}
	return out
}

func hasState(state sources.State) func([]sources.Batch) bool {
	return func(b []sources.Batch) bool {
		h := lastHealth(b)
		return h != nil && h.State == state
	}
}

// checkSamples asserts what must hold for every successful scrape: one
// sample per series, buckets sorted with +Inf last and cumulative.
func checkSamples(t *testing.T, samples []sources.MetricSample) {
	t.Helper()
	seen := make(map[string]bool, len(samples))
	for _, s := range samples {
		id := s.Series()
		if seen[id] {
			t.Errorf("series %s appears twice", id)
		}
		seen[id] = true
		if s.Type != sources.MetricHistogram {
			if s.Buckets != nil {
				t.Errorf("%s: %v has buckets", id, s.Type)
			}
			continue
		}
		if len(s.Buckets) == 0 || !math.IsInf(s.Buckets[len(s.Buckets)-1].UpperBound, +1) {
			t.Errorf("%s: buckets %v do not end with +Inf", id, s.Buckets)
			continue
		}
		for i := 1; i < len(s.Buckets); i++ {
			if s.Buckets[i].UpperBound < s.Buckets[i-1].UpperBound {
				t.Errorf("%s: buckets not sorted by upper bound: %v", id, s.Buckets)
				break
			}
		}
	}
}

func bySeries(samples []sources.MetricSample) map[string]sources.MetricSample {
	out := make(map[string]sources.MetricSample, len(samples))
	for _, s := range samples {
		out[s.Series()] = s
	}
	return out
}
