package logs

import (
	"context"
	"sync"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/analysis/drain"
)

// templater gives each entry of a batch its template on a goroutine of
// its own, between the ingester and the sink: mining templates is a fifth
// of ingest, and a gigabyte of log is read in less time when it runs
// beside the rest. Batches keep their order; entries are not touched by
// the ingester once pushed (each batch has its own slice).
type templater struct {
	ctx  context.Context
	in   chan sources.Batch
	done chan struct{}

	mu     sync.Mutex
	err    error         // the first error of the sink, or a panic in mining
	failed chan struct{} // closed with err set
}

// startTemplater starts the stage in front of sink; stop ends it.
func startTemplater(ctx context.Context, sink sources.Sink, set *drain.Set) *templater {
	t := &templater{ctx: ctx, in: make(chan sources.Batch, 2), done: make(chan struct{}), failed: make(chan struct{})}
	go func() {
		defer close(t.done)
		for b := range t.in {
			if t.failure() != nil {
				continue
			}
			err := sources.Safe("mining log templates", func() error {
				for i := range b.Entries {
					if e := &b.Entries[i]; e.Templates == set {
						e.Template = set.Add(e)
					}
				}
				return sink.Push(ctx, b)
			})
			if err != nil {
				t.mu.Lock()
				t.err = err
				t.mu.Unlock()
				close(t.failed)
			}
		}
	}()
	return t
}

// failure returns the stage's error, nil while it works.
func (t *templater) failure() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.err
}

// push hands b to the stage; it fails once the stage failed.
func (t *templater) push(b sources.Batch) error {
	if err := t.failure(); err != nil {
		return err
	}
	select {
	case t.in <- b:
		return nil
	case <-t.ctx.Done():
		return t.ctx.Err()
	}
}

// stop waits until every batch handed over was pushed, and returns the
// stage's error, if any.
func (t *templater) stop() error {
	close(t.in)
	<-t.done
	return t.failure()
}
