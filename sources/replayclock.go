package sources

import (
	"math"
	"sync"
	"time"
)

// ReplayClock is the Clock of a replay: it runs in data time (the times
// inside the records), from a start, at a speed, over another clock (Wall
// in the dashboard, a ManualClock in tests); it pauses, plays, seeks and
// changes speed, and stands still at its end. Its timers, tickers and
// AfterFuncs fire when its own time reaches their instants, however it got
// there: played through, or sought past. It is safe for concurrent use.
type ReplayClock struct {
	base Clock

	mu      sync.Mutex
	pos     time.Time // data time at baseAt
	baseAt  time.Time // the base clock's instant when pos held
	speed   float64
	playing bool
	end     time.Time // where it stops; zero for nowhere

	armed []*replayTimer
	seq   uint64 // arming order, to break ties between equal instants
	wake  Timer  // the base clock's timer for the earliest armed one
	gen   uint64 // which wake is current: a stale one does nothing
}

// Replay speeds: the slowest and the fastest a ReplayClock runs at.
const (
	MinReplaySpeed = 1.0 / 16
	MaxReplaySpeed = 4096
)

// NewReplayClock returns a paused clock standing at start, running speed
// times as fast as base once played (clamped to MinReplaySpeed ..
// MaxReplaySpeed), and standing still at end (the zero time for never).
func NewReplayClock(base Clock, start, end time.Time, speed float64) *ReplayClock {
	base = OrWall(base)
	if !end.IsZero() && start.After(end) {
		start = end
	}
	return &ReplayClock{base: base, pos: start, baseAt: base.Now(), speed: clampSpeed(speed), end: end}
}

func clampSpeed(s float64) float64 {
	if math.IsNaN(s) || s <= 0 {
		return 1
	}
	return min(max(s, MinReplaySpeed), MaxReplaySpeed)
}

// Now returns the data time the replay stands at.
func (c *ReplayClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now()
}

func (c *ReplayClock) now() time.Time {
	if !c.playing {
		return c.pos
	}
	d := c.base.Now().Sub(c.baseAt)
	t := c.pos.Add(time.Duration(float64(d) * c.speed))
	if !c.end.IsZero() && t.After(c.end) {
		t = c.end
	}
	return t
}

// End returns where the replay stops, the zero time for nowhere.
func (c *ReplayClock) End() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.end
}

// AtEnd reports whether the replay has reached its end.
func (c *ReplayClock) AtEnd() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return !c.end.IsZero() && !c.now().Before(c.end)
}

// Playing reports whether the replay runs: played and not at its end.
func (c *ReplayClock) Playing() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.playing && (c.end.IsZero() || c.now().Before(c.end))
}

// Speed returns how many times as fast as its base clock the replay runs.
func (c *ReplayClock) Speed() float64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.speed
}

// Play runs the replay from where it stands.
func (c *ReplayClock) Play() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.playing {
		return
	}
	c.baseAt = c.base.Now()
	c.playing = true
	c.schedule()
}

// Pause stops the replay where it stands.
func (c *ReplayClock) Pause() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.pos = c.now()
	c.playing = false
	c.schedule()
}

// Seek moves the replay to t (no further than its end), playing on from
// there if it was playing. What falls due on the way forward fires; going
// back, armed timers wait for the replay to reach their instants again.
func (c *ReplayClock) Seek(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.end.IsZero() && t.After(c.end) {
		t = c.end
	}
	c.pos, c.baseAt = t, c.base.Now()
	c.schedule()
}

// SetSpeed changes the speed (clamped to MinReplaySpeed .. MaxReplaySpeed)
// from where the replay stands.
func (c *ReplayClock) SetSpeed(s float64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.pos, c.baseAt = c.now(), c.base.Now()
	c.speed = clampSpeed(s)
	c.schedule()
}

// NewTimer returns a timer that fires when the replay reaches now+d.
func (c *ReplayClock) NewTimer(d time.Duration) Timer {
	t := &replayTimer{clock: c, c: make(chan time.Time, 1)}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.arm(t, d)
	return t
}

// AfterFunc calls f in its own goroutine when the replay reaches now+d.
func (c *ReplayClock) AfterFunc(d time.Duration, f func()) Timer {
	t := &replayTimer{clock: c, f: f}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.arm(t, d)
	return t
}

// NewTicker returns a ticker that fires whenever the replay passes
// now+k*d; it panics when d is not positive, as time.NewTicker does.
func (c *ReplayClock) NewTicker(d time.Duration) Ticker {
	if d <= 0 {
		panic("sources: non-positive interval for ReplayClock.NewTicker")
	}
	t := &replayTimer{clock: c, c: make(chan time.Time, 1), period: d}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.arm(t, d)
	return replayTicker{t}
}

// arm schedules t d from now; the lock is held. A one-shot timer due
// after the end fires at the end, the last instant the replay reaches, so
// that nothing waiting for a moment just past it (the time taken between
// reading Now and arming) waits for ever.
func (c *ReplayClock) arm(t *replayTimer, d time.Duration) {
	t.when = c.now().Add(d)
	if t.period == 0 && !c.end.IsZero() && t.when.After(c.end) {
		t.when = c.end
	}
	c.seq++
	t.seq = c.seq
	t.armed = true
	c.armed = append(c.armed, t)
	c.schedule()
}

// disarm takes t off the schedule, reporting whether it was on it; the
// lock is held.
func (c *ReplayClock) disarm(t *replayTimer) bool {
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
	return true
}

// schedule fires what is due, then sets the base clock's wake for the
// earliest armed instant while playing; the lock is held.
func (c *ReplayClock) schedule() {
	now := c.now()
	for {
		next := -1
		for i, w := range c.armed {
			if w.when.After(now) {
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
		at := w.when
		if w.period > 0 {
			// As a ticker drops ticks for a slow reader, a seek far ahead
			// fires it once.
			for !w.when.After(now) {
				w.when = w.when.Add(w.period)
			}
			c.seq++
			w.seq = c.seq
		} else {
			c.disarm(w)
		}
		w.fire(at)
	}
	c.gen++
	if c.wake != nil {
		c.wake.Stop()
		c.wake = nil
	}
	if !c.playing || len(c.armed) == 0 {
		return
	}
	earliest := c.armed[0].when
	for _, w := range c.armed[1:] {
		if w.when.Before(earliest) {
			earliest = w.when
		}
	}
	if !c.end.IsZero() && earliest.After(c.end) {
		return // never reached: the replay stops first
	}
	// Rounded up, so that the replay has reached the instant when the
	// wake comes.
	d := time.Duration(math.Ceil(float64(earliest.Sub(now)) / c.speed))
	gen := c.gen
	c.wake = c.base.AfterFunc(d, func() {
		c.mu.Lock()
		defer c.mu.Unlock()
		if gen == c.gen {
			c.schedule()
		}
	})
}

// replayTimer is a ReplayClock's timer (period 0), ticker (period > 0) or
// AfterFunc (f set, no channel), its fields guarded by the clock's mutex.
type replayTimer struct {
	clock  *ReplayClock
	c      chan time.Time
	f      func()
	period time.Duration
	when   time.Time
	seq    uint64
	armed  bool
}

func (t *replayTimer) fire(at time.Time) {
	if t.f != nil {
		go t.f()
		return
	}
	select {
	case t.c <- at:
	default:
	}
}

func (t *replayTimer) C() <-chan time.Time { return t.c }

func (t *replayTimer) Stop() bool {
	t.clock.mu.Lock()
	defer t.clock.mu.Unlock()
	return t.stop()
}

func (t *replayTimer) Reset(d time.Duration) bool {
	t.clock.mu.Lock()
	defer t.clock.mu.Unlock()
	was := t.stop()
	t.clock.arm(t, d)
	return was
}

// stop disarms t and drops a fired instant not yet received; the lock is
// held.
func (t *replayTimer) stop() bool {
	was := t.clock.disarm(t)
	if t.c != nil {
		select {
		case <-t.c:
			was = true
		default:
		}
	}
	return was
}

// replayTicker is a replayTimer with a period, seen as a Ticker.
type replayTicker struct{ t *replayTimer }

func (k replayTicker) C() <-chan time.Time { return k.t.c }
func (k replayTicker) Stop()               { k.t.Stop() }
