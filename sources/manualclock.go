package sources

import (
	"context"
	"sync"
	"time"
)

// ManualClock is a Clock that stands still until it is moved: tests step it
// with Advance and Set, so that what they assert does not depend on how fast
// the machine runs. Moving it fires every timer, ticker and AfterFunc that
// falls due on the way, in the order of their instants (those due at the
// same instant in the order they were armed), each one seeing the clock at
// its own instant. It is safe for concurrent use.
//
// Replay's clock, which pauses, seeks and runs at another speed while the
// wall clock goes on, is another implementation of Clock, not this one.
type ManualClock struct {
	mu      sync.Mutex
	now     time.Time
	armed   []*manualTimer
	seq     uint64        // arming order, to break ties between equal instants
	changed chan struct{} // closed when armed changes, for AwaitArmed; nil when nobody waits
}

// NewManualClock returns a clock standing at start.
func NewManualClock(start time.Time) *ManualClock {
	return &ManualClock{now: start}
}

// Now returns the instant the clock stands at.
func (c *ManualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock d forward, firing what falls due on the way. A
// negative d moves it back, as Set does.
func (c *ManualClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.moveTo(c.now.Add(d))
}

// Set moves the clock to t, firing what falls due on the way when t is
// later than now. When t is earlier, nothing fires: armed timers keep their
// instants and fire when the clock reaches them again.
func (c *ManualClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.moveTo(t)
}

// Armed returns how many timers, tickers and AfterFuncs are waiting to fire.
func (c *ManualClock) Armed() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.armed)
}

// AwaitArmed waits until at least n timers, tickers and AfterFuncs are
// waiting to fire, or until ctx ends (then it returns ctx's error). A test
// calls it before Advance, so that the goroutine it steps has armed its
// timer by then.
func (c *ManualClock) AwaitArmed(ctx context.Context, n int) error {
	for {
		c.mu.Lock()
		if len(c.armed) >= n {
			c.mu.Unlock()
			return nil
		}
		if c.changed == nil {
			c.changed = make(chan struct{})
		}
		changed := c.changed
		c.mu.Unlock()
		select {
		case <-changed:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// NewTimer returns a timer that fires when the clock reaches now+d; at once
// when d is not positive.
func (c *ManualClock) NewTimer(d time.Duration) Timer {
	t := &manualTimer{clock: c, c: make(chan time.Time, 1)}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.arm(t, d)
	return t
}

// AfterFunc calls f in its own goroutine when the clock reaches now+d.
func (c *ManualClock) AfterFunc(d time.Duration, f func()) Timer {
	t := &manualTimer{clock: c, f: f}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.arm(t, d)
	return t
}

// NewTicker returns a ticker that fires whenever the clock passes now+k*d,
// k = 1, 2, ...; it panics when d is not positive, as time.NewTicker does.
func (c *ManualClock) NewTicker(d time.Duration) Ticker {
	if d <= 0 {
		panic("sources: non-positive interval for ManualClock.NewTicker")
	}
	t := &manualTimer{clock: c, c: make(chan time.Time, 1), period: d}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.arm(t, d)
	return manualTicker{t}
}

// moveTo fires, in order, everything armed up to t, then stands at t.
func (c *ManualClock) moveTo(t time.Time) {
	for {
		next := -1
		for i, w := range c.armed {
			if w.when.After(t) {
				continue
			}
			if next < 0 || w.when.Before(c.armed[next].when) ||
				w.when.Equal(c.armed[next].when) && w.seq < c.armed[next].seq {
				next = i
			}
		}
		if next < 0 {
			break
		}
		w := c.armed[next]
		c.now = w.when
		if w.period > 0 {
			w.when = w.when.Add(w.period)
			c.seq++
			w.seq = c.seq
		} else {
			c.disarm(w)
		}
		w.fire(c.now)
	}
	c.now = t
}

// arm schedules t to fire d from now, or fires it at once.
func (c *ManualClock) arm(t *manualTimer, d time.Duration) {
	if d <= 0 {
		t.fire(c.now)
		return
	}
	t.when = c.now.Add(d)
	c.seq++
	t.seq = c.seq
	t.armed = true
	c.armed = append(c.armed, t)
	c.notify()
}

// disarm takes t off the schedule; it reports whether t was on it.
func (c *ManualClock) disarm(t *manualTimer) bool {
	if !t.armed {
		return false
	}
	t.armed = false
	for i, w := range c.armed {
		if w == t {
			c.armed = append(c.armed[:i], c.armed[i+1:]...)
			break
		}
	}
	c.notify()
	return true
}

func (c *ManualClock) notify() {
	if c.changed != nil {
		close(c.changed)
		c.changed = nil
	}
}

// manualTimer is a ManualClock's timer (period 0), ticker (period > 0) or
// AfterFunc (f set, no channel). Its fields are guarded by the clock's mutex.
type manualTimer struct {
	clock  *ManualClock
	c      chan time.Time
	f      func()
	period time.Duration
	when   time.Time
	seq    uint64
	armed  bool
}

// fire delivers at: to the channel, dropped when the last delivery is still
// unreceived (as a time.Ticker drops ticks for a slow reader), or by
// calling f in a goroutine of its own.
func (t *manualTimer) fire(at time.Time) {
	if t.f != nil {
		go t.f()
		return
	}
	select {
	case t.c <- at:
	default:
	}
}

// drain takes an unreceived delivery back; it reports whether there was one.
func (t *manualTimer) drain() bool {
	select {
	case <-t.c:
		return true
	default:
		return false
	}
}

func (t *manualTimer) C() <-chan time.Time { return t.c }

func (t *manualTimer) Stop() bool {
	t.clock.mu.Lock()
	defer t.clock.mu.Unlock()
	return t.stop()
}

func (t *manualTimer) Reset(d time.Duration) bool {
	t.clock.mu.Lock()
	defer t.clock.mu.Unlock()
	was := t.stop()
	t.clock.arm(t, d)
	return was
}

// stop disarms t and drops a fired instant not yet received, reporting
// whether either was there; the clock's lock is held.
func (t *manualTimer) stop() bool {
	was := t.clock.disarm(t)
	if t.c != nil && t.drain() {
		was = true
	}
	return was
}

// manualTicker is a manualTimer with a period, seen as a Ticker.
type manualTicker struct{ t *manualTimer }

func (k manualTicker) C() <-chan time.Time { return k.t.c }
func (k manualTicker) Stop()               { k.t.Stop() }
