package sources

import (
	"testing"
	"time"
)

func TestReplayClock(t *testing.T) {
	wall0 := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	data0 := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	end := data0.Add(time.Minute)
	type step struct {
		do   func(m *ManualClock, c *ReplayClock)
		want time.Duration // data time after it, from data0
		play bool          // Playing after it
	}
	advance := func(d time.Duration) func(*ManualClock, *ReplayClock) {
		return func(m *ManualClock, _ *ReplayClock) { m.Advance(d) }
	}
	tests := []struct {
		name  string
		speed float64
		steps []step
	}{
		{"paused until played", 10, []step{
			{advance(time.Second), 0, false},
			{func(_ *ManualClock, c *ReplayClock) { c.Play() }, 0, true},
			{advance(time.Second), 10 * time.Second, true},
		}},
		{"pause and play", 1, []step{
			{func(_ *ManualClock, c *ReplayClock) { c.Play() }, 0, true},
			{advance(3 * time.Second), 3 * time.Second, true},
			{func(_ *ManualClock, c *ReplayClock) { c.Pause() }, 3 * time.Second, false},
			{advance(time.Hour), 3 * time.Second, false},
			{func(_ *ManualClock, c *ReplayClock) { c.Play() }, 3 * time.Second, true},
			{advance(time.Second), 4 * time.Second, true},
		}},
		{"speed changes from where it stands", 2, []step{
			{func(_ *ManualClock, c *ReplayClock) { c.Play() }, 0, true},
			{advance(time.Second), 2 * time.Second, true},
			{func(_ *ManualClock, c *ReplayClock) { c.SetSpeed(0.5) }, 2 * time.Second, true},
			{advance(2 * time.Second), 3 * time.Second, true},
		}},
		{"seek, and stand still at the end", 10, []step{
			{func(_ *ManualClock, c *ReplayClock) { c.Play() }, 0, true},
			{func(_ *ManualClock, c *ReplayClock) { c.Seek(data0.Add(50 * time.Second)) }, 50 * time.Second, true},
			{advance(10 * time.Second), time.Minute, false},
			{func(_ *ManualClock, c *ReplayClock) { c.Seek(data0.Add(5 * time.Second)) }, 5 * time.Second, true},
			{func(_ *ManualClock, c *ReplayClock) { c.Seek(end.Add(time.Hour)) }, time.Minute, false},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := NewManualClock(wall0)
			c := NewReplayClock(m, data0, end, tt.speed)
			for i, s := range tt.steps {
				s.do(m, c)
				if got := c.Now().Sub(data0); got != s.want {
					t.Errorf("step %d: at %v, want %v", i, got, s.want)
				}
				if c.Playing() != s.play {
					t.Errorf("step %d: Playing = %v, want %v", i, c.Playing(), s.play)
				}
			}
		})
	}
}

// TestReplayClockTimers checks that timers fire at their data instants:
// played through at a speed, never while paused, and at once when a seek
// passes them.
func TestReplayClockTimers(t *testing.T) {
	wall0 := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	data0 := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	m := NewManualClock(wall0)
	c := NewReplayClock(m, data0, time.Time{}, 10)
	fired := func(tm Timer) (time.Time, bool) {
		select {
		case at := <-tm.C():
			return at, true
		default:
			return time.Time{}, false
		}
	}
	// The base clock's timer wakes the replay's in a goroutine of its own.
	await := func(tm Timer) (time.Time, bool) {
		select {
		case at := <-tm.C():
			return at, true
		case <-time.After(5 * time.Second):
			return time.Time{}, false
		}
	}
	tm := c.NewTimer(10 * time.Second)
	m.Advance(time.Hour)
	if _, ok := fired(tm); ok {
		t.Fatal("a timer fired while the replay was paused")
	}
	c.Play()
	m.Advance(999 * time.Millisecond)
	if _, ok := fired(tm); ok {
		t.Fatal("fired before its instant")
	}
	m.Advance(time.Millisecond)
	if at, ok := await(tm); !ok || !at.Equal(data0.Add(10*time.Second)) {
		t.Fatalf("fired = %v at %v, want at +10s", ok, at)
	}
	tm = c.NewTimer(time.Hour)
	c.Seek(data0.Add(2 * time.Hour))
	if _, ok := await(tm); !ok {
		t.Fatal("a seek past a timer did not fire it")
	}
	tk := c.NewTicker(time.Second)
	c.Pause()
	if tk.Stop(); c.NewTimer(time.Second).Stop() != true {
		t.Fatal("Stop of an armed timer says it was not armed")
	}
	if m.Armed() != 0 {
		t.Fatalf("%d timers armed on the base clock while paused", m.Armed())
	}
}
