package loadtesttest

import (
	"context"
	"testing"
	"time"

	"github.com/sobang/sobang/sources"
)

// FollowTimeout bounds every wait of a Follower: tail polls every 200 ms,
// so anything taking seconds is a bug, not a slow machine. The bound is on
// the wall clock, as the sources a Follower runs are.
const FollowTimeout = 10 * time.Second

// Follower runs a source that follows its input in the background and hands
// every batch it pushes to the test, so that the test can await conditions
// on what it has seen.
type Follower struct {
	batches chan sources.Batch
	add     func(sources.Batch)
	state   func() string
	cancel  context.CancelFunc
	done    chan error
	ended   bool  // Run has returned
	err     error // what Run returned
	stopped bool
}

// Follow starts src, which must follow its input, until the test ends. add
// receives each batch as WaitFor takes it; state describes what was added
// so far, for the message of a wait that timed out.
func Follow(t *testing.T, src sources.Source, add func(sources.Batch), state func() string) *Follower {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	f := &Follower{batches: make(chan sources.Batch, 4096), add: add, state: state, done: make(chan error, 1), cancel: cancel}
	sink := sources.Func(func(ctx context.Context, b sources.Batch) error {
		select {
		case f.batches <- b:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	})
	go func() { f.done <- src.Run(ctx, sink) }()
	t.Cleanup(func() { f.Stop(t) })
	return f
}

// WaitFor takes batches until cond holds. When Run returns meanwhile (a
// fatal error), the batches it pushed before are taken first, and cond
// must hold then.
func (f *Follower) WaitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := sources.Wall.NewTimer(FollowTimeout)
	defer deadline.Stop()
	for !cond() {
		if f.ended {
			f.Collect()
			if !cond() {
				t.Fatalf("Run returned %v while waiting for %s", f.err, what)
			}
			return
		}
		select {
		case b := <-f.batches:
			f.add(b)
		case err := <-f.done:
			f.ended, f.err = true, err
		case <-deadline.C():
			t.Fatalf("timed out waiting for %s: %s", what, f.state())
		}
	}
}

// Err returns what Run returned, nil while it runs.
func (f *Follower) Err() error { return f.err }

// Collect takes the batches pushed so far without waiting.
func (f *Follower) Collect() {
	for {
		select {
		case b := <-f.batches:
			f.add(b)
		default:
			return
		}
	}
}

// Wait waits for Run to return by itself (after a fatal error) and returns
// what it returned; the test fails when it does not within FollowTimeout.
func (f *Follower) Wait(t *testing.T) error {
	t.Helper()
	if !f.await() {
		t.Fatal("Run did not return")
	}
	return f.err
}

// Stop cancels the source and returns what Run returned.
func (f *Follower) Stop(t *testing.T) error {
	t.Helper()
	f.cancel()
	if !f.stopped {
		f.stopped = true
		if !f.await() {
			t.Errorf("Run did not return after its context ended")
		}
	}
	return f.err
}

// await waits at most FollowTimeout for Run to return and reports whether
// it has.
func (f *Follower) await() bool {
	if f.ended {
		return true
	}
	deadline := sources.Wall.NewTimer(FollowTimeout)
	defer deadline.Stop()
	select {
	case f.err = <-f.done:
		f.ended = true
		return true
	case <-deadline.C():
		return false
	}
}
