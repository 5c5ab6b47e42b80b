package sources

import (
	"context"
	"time"
)

// Clock decides "now" for every source, the store, the recorder and the UI,
// and is the only thing in the data wing and the UI that reads the wall
// clock or waits on it (a guard test holds every other file to that). The
// dashboard and the commands pass Wall; tests pass a ManualClock they step
// by hand, and replay will pass a clock of its own that pauses, seeks and
// runs at another speed.
type Clock interface {
	// Now returns the current instant.
	Now() time.Time
	// NewTimer returns a timer that fires once d from now.
	NewTimer(d time.Duration) Timer
	// NewTicker returns a ticker that fires every d from now; d must be
	// positive.
	NewTicker(d time.Duration) Ticker
	// AfterFunc calls f in its own goroutine d from now, as time.AfterFunc;
	// the returned timer's C is nil, and Stop before then keeps f from
	// being called.
	AfterFunc(d time.Duration, f func()) Timer
}

// Timer is a Clock's one-shot timer, with time.Timer's semantics since Go
// 1.23: after Stop or Reset returns, C delivers no instant from before.
type Timer interface {
	// C delivers the instant the timer fired.
	C() <-chan time.Time
	// Stop prevents the timer from firing; it reports whether it did, that
	// is whether the timer was armed or had fired unreceived.
	Stop() bool
	// Reset makes the timer fire d from now; it reports what Stop would.
	Reset(d time.Duration) bool
}

// Ticker is a Clock's repeating ticker, as time.Ticker: a reader too slow
// for it misses ticks instead of receiving a backlog.
type Ticker interface {
	// C delivers the instants the ticker fired.
	C() <-chan time.Time
	// Stop turns the ticker off; C delivers nothing after it returns.
	Stop()
}

// Wall is the real clock.
var Wall Clock = wallClock{}

// OrWall returns c, or Wall when c is nil, so that every option and field
// taking a clock can leave it unset and mean the real one.
func OrWall(c Clock) Clock {
	if c == nil {
		return Wall
	}
	return c
}

// Since returns the time elapsed on c since t.
func Since(c Clock, t time.Time) time.Duration { return c.Now().Sub(t) }

// Until returns the duration on c until t.
func Until(c Clock, t time.Time) time.Duration { return t.Sub(c.Now()) }

// Sleep waits d on c, or until ctx ends, whichever comes first; it returns
// ctx's error when ctx has ended, nil when d passed. A d of zero or less
// does not wait.
func Sleep(ctx context.Context, c Clock, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := c.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C():
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

type wallClock struct{}

func (wallClock) Now() time.Time { return time.Now() }

func (wallClock) NewTimer(d time.Duration) Timer { return wallTimer{time.NewTimer(d)} }

func (wallClock) NewTicker(d time.Duration) Ticker { return wallTicker{time.NewTicker(d)} }

func (wallClock) AfterFunc(d time.Duration, f func()) Timer { return wallTimer{time.AfterFunc(d, f)} }

type wallTimer struct{ t *time.Timer }

func (w wallTimer) C() <-chan time.Time        { return w.t.C }
func (w wallTimer) Stop() bool                 { return w.t.Stop() }
func (w wallTimer) Reset(d time.Duration) bool { return w.t.Reset(d) }

type wallTicker struct{ t *time.Ticker }

func (w wallTicker) C() <-chan time.Time { return w.t.C }
func (w wallTicker) Stop()               { w.t.Stop() }
