package sources

import "time"

// Clock decides "now" for every source, the hub, the store and the UI, and
// is the only thing in the data wing and the UI that reads the wall clock
// or waits on it. The dashboard and the commands pass Wall; tests pass a
// clock they step by hand, and replay passes one that pauses, seeks and
// runs at another speed.
type Clock interface {
	// Now returns the current instant.
	Now() time.Time
	// NewTimer returns a timer that fires once d from now.
	NewTimer(d time.Duration) Timer
	// NewTicker returns a ticker that fires every d from now.
	NewTicker(d time.Duration) Ticker
}

// Timer is a Clock's one-shot timer, as time.Timer.
type Timer interface {
	// C delivers the instant the timer fired.
	C() <-chan time.Time
	// Stop prevents the timer from firing; it reports whether it did.
	Stop() bool
	// Reset makes the timer fire d from now.
	Reset(d time.Duration) bool
}

// Ticker is a Clock's repeating ticker, as time.Ticker.
type Ticker interface {
	// C delivers the instants the ticker fired.
	C() <-chan time.Time
	// Stop turns the ticker off.
	Stop()
}

// Wall is the real clock.
var Wall Clock = wallClock{}

type wallClock struct{}

func (wallClock) Now() time.Time { return time.Now() }

func (wallClock) NewTimer(d time.Duration) Timer { return wallTimer{time.NewTimer(d)} }

func (wallClock) NewTicker(d time.Duration) Ticker { return wallTicker{time.NewTicker(d)} }

type wallTimer struct{ t *time.Timer }

func (w wallTimer) C() <-chan time.Time        { return w.t.C }
func (w wallTimer) Stop() bool                 { return w.t.Stop() }
func (w wallTimer) Reset(d time.Duration) bool { return w.t.Reset(d) }

type wallTicker struct{ t *time.Ticker }

func (w wallTicker) C() <-chan time.Time { return w.t.C }
func (w wallTicker) Stop()               { w.t.Stop() }
