package sources

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

var clockStart = time.Date(2026, 3, 14, 15, 9, 26, 0, time.UTC)

// received returns what ch holds without waiting.
func received(ch <-chan time.Time) (time.Time, bool) {
	select {
	case at := <-ch:
		return at, true
	default:
		return time.Time{}, false
	}
}

// testContext ends with the test, or after a bound that a passing test never
// comes near.
func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func TestManualClockMoves(t *testing.T) {
	c := NewManualClock(clockStart)
	if got := c.Now(); !got.Equal(clockStart) {
		t.Fatalf("Now = %v, want %v", got, clockStart)
	}
	c.Advance(1500 * time.Millisecond)
	if got, want := c.Now(), clockStart.Add(1500*time.Millisecond); !got.Equal(want) {
		t.Fatalf("after Advance: Now = %v, want %v", got, want)
	}
	later := clockStart.Add(time.Hour)
	c.Set(later)
	if got := c.Now(); !got.Equal(later) {
		t.Fatalf("after Set: Now = %v, want %v", got, later)
	}
	if got := Since(c, clockStart); got != time.Hour {
		t.Errorf("Since = %v, want 1h", got)
	}
	if got := Until(c, later.Add(time.Minute)); got != time.Minute {
		t.Errorf("Until = %v, want 1m", got)
	}
}

func TestManualTimerFiresAtItsInstant(t *testing.T) {
	c := NewManualClock(clockStart)
	tm := c.NewTimer(time.Second)
	c.Advance(999 * time.Millisecond)
	if at, ok := received(tm.C()); ok {
		t.Fatalf("fired early, at %v", at)
	}
	c.Advance(5 * time.Millisecond)
	at, ok := received(tm.C())
	if !ok || !at.Equal(clockStart.Add(time.Second)) {
		t.Fatalf("delivered %v (%v), want its own instant %v", at, ok, clockStart.Add(time.Second))
	}
	c.Advance(time.Hour)
	if _, ok := received(tm.C()); ok {
		t.Fatal("a timer fired twice")
	}
	if tm.Stop() {
		t.Error("Stop of a fired and received timer reported true")
	}
}

func TestManualTimerNotPositiveFiresAtOnce(t *testing.T) {
	c := NewManualClock(clockStart)
	for _, d := range []time.Duration{0, -time.Second} {
		tm := c.NewTimer(d)
		if at, ok := received(tm.C()); !ok || !at.Equal(clockStart) {
			t.Errorf("NewTimer(%v) delivered %v (%v), want %v at once", d, at, ok, clockStart)
		}
	}
	if n := c.Armed(); n != 0 {
		t.Errorf("Armed = %d, want 0", n)
	}
}

func TestManualTimerStop(t *testing.T) {
	c := NewManualClock(clockStart)

	armed := c.NewTimer(time.Second)
	if !armed.Stop() {
		t.Error("Stop of an armed timer reported false")
	}
	c.Advance(2 * time.Second)
	if _, ok := received(armed.C()); ok {
		t.Error("a stopped timer fired")
	}
	if armed.Stop() {
		t.Error("a second Stop reported true")
	}

	// Fired but not received: Stop takes the instant back (Go 1.23's
	// time.Timer guarantees no stale value after Stop) and reports true.
	unreceived := c.NewTimer(time.Second)
	c.Advance(time.Second)
	if !unreceived.Stop() {
		t.Error("Stop of a fired, unreceived timer reported false")
	}
	if at, ok := received(unreceived.C()); ok {
		t.Errorf("received the stale %v after Stop", at)
	}
}

func TestManualTimerReset(t *testing.T) {
	c := NewManualClock(clockStart)
	tm := c.NewTimer(time.Second)
	c.Advance(500 * time.Millisecond)
	if !tm.Reset(time.Second) {
		t.Error("Reset of an armed timer reported false")
	}
	c.Advance(600 * time.Millisecond) // past the first instant, before the new one
	if at, ok := received(tm.C()); ok {
		t.Fatalf("fired at %v, at the instant before Reset", at)
	}
	c.Advance(400 * time.Millisecond)
	want := clockStart.Add(1500 * time.Millisecond)
	if at, ok := received(tm.C()); !ok || !at.Equal(want) {
		t.Fatalf("delivered %v (%v), want %v", at, ok, want)
	}

	// Received, then Reset: armed again, reporting false.
	if tm.Reset(time.Second) {
		t.Error("Reset of a fired and received timer reported true")
	}
	// Fired unreceived, then Reset: the stale instant is gone.
	c.Advance(time.Second)
	if !tm.Reset(time.Minute) {
		t.Error("Reset of a fired, unreceived timer reported false")
	}
	if at, ok := received(tm.C()); ok {
		t.Fatalf("received the stale %v after Reset", at)
	}
	c.Advance(time.Minute)
	if _, ok := received(tm.C()); !ok {
		t.Fatal("not fired after Reset")
	}
}

func TestManualAfterFunc(t *testing.T) {
	c := NewManualClock(clockStart)
	called := make(chan time.Time, 2)
	c.AfterFunc(time.Second, func() { called <- c.Now() })
	stopped := c.AfterFunc(time.Second, func() { called <- time.Time{} })
	if !stopped.Stop() {
		t.Error("Stop of an armed AfterFunc reported false")
	}
	c.Advance(999 * time.Millisecond)
	select {
	case <-called:
		t.Fatal("called early")
	default:
	}
	c.Advance(time.Millisecond)
	select {
	case at := <-called:
		if at.IsZero() {
			t.Fatal("a stopped AfterFunc was called")
		}
	case <-testContext(t).Done():
		t.Fatal("not called")
	}
}

func TestManualTicker(t *testing.T) {
	c := NewManualClock(clockStart)
	tk := c.NewTicker(time.Second)
	for i := 1; i <= 3; i++ {
		c.Advance(time.Second)
		want := clockStart.Add(time.Duration(i) * time.Second)
		if at, ok := received(tk.C()); !ok || !at.Equal(want) {
			t.Fatalf("tick %d: %v (%v), want %v", i, at, ok, want)
		}
	}
	// A reader that falls behind gets the first tick it missed and no
	// backlog; the ticker keeps its phase.
	c.Advance(3500 * time.Millisecond)
	if at, ok := received(tk.C()); !ok || !at.Equal(clockStart.Add(4*time.Second)) {
		t.Fatalf("after falling behind: %v (%v), want the tick at +4s", at, ok)
	}
	if at, ok := received(tk.C()); ok {
		t.Fatalf("a backlog tick %v", at)
	}
	c.Advance(500 * time.Millisecond)
	if at, ok := received(tk.C()); !ok || !at.Equal(clockStart.Add(7*time.Second)) {
		t.Fatalf("phase lost: %v (%v), want the tick at +7s", at, ok)
	}
	c.Advance(900 * time.Millisecond)
	tk.Stop()
	c.Advance(time.Hour)
	if at, ok := received(tk.C()); ok {
		t.Fatalf("tick %v after Stop", at)
	}
	if n := c.Armed(); n != 0 {
		t.Errorf("Armed = %d after Stop, want 0", n)
	}
}

func TestManualTickerRefusesNonPositive(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("NewTicker(0) did not panic")
		}
	}()
	NewManualClock(clockStart).NewTicker(0)
}

// Timers due within one Advance each fire at their own instant, not at the
// one the Advance ends at.
func TestManualClockFiresInOrder(t *testing.T) {
	c := NewManualClock(clockStart)
	offsets := []time.Duration{3 * time.Second, time.Second, 2 * time.Second, time.Second}
	timers := make([]Timer, len(offsets))
	for i, d := range offsets {
		timers[i] = c.NewTimer(d)
	}
	c.Advance(10 * time.Second)
	for i, tm := range timers {
		if at, ok := received(tm.C()); !ok || !at.Equal(clockStart.Add(offsets[i])) {
			t.Errorf("timer %d delivered %v (%v), want %v", i, at, ok, clockStart.Add(offsets[i]))
		}
	}
	if got, want := c.Now(), clockStart.Add(10*time.Second); !got.Equal(want) {
		t.Errorf("Now = %v, want %v", got, want)
	}
}

func TestManualClockSetBack(t *testing.T) {
	c := NewManualClock(clockStart)
	tm := c.NewTimer(time.Second)
	c.Set(clockStart.Add(-time.Hour))
	if _, ok := received(tm.C()); ok {
		t.Fatal("fired going back")
	}
	c.Set(clockStart.Add(time.Second))
	if at, ok := received(tm.C()); !ok || !at.Equal(clockStart.Add(time.Second)) {
		t.Fatalf("delivered %v (%v), want its instant once the clock reaches it", at, ok)
	}
}

func TestManualClockConcurrent(t *testing.T) {
	c := NewManualClock(clockStart)
	tk := c.NewTicker(time.Millisecond)
	defer tk.Stop()
	const workers, steps = 4, 200
	called := make(chan struct{}, workers*steps)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range steps {
				c.AfterFunc(time.Millisecond, func() { called <- struct{}{} })
				tm := c.NewTimer(time.Millisecond)
				c.Advance(time.Millisecond)
				tm.Stop()
				received(tk.C())
				_ = c.Now()
			}
		}()
	}
	wg.Wait()
	if got, want := c.Now(), clockStart.Add(workers*steps*time.Millisecond); !got.Equal(want) {
		t.Fatalf("Now = %v, want %v: an Advance was lost", got, want)
	}
	// Every AfterFunc was armed 1ms before an Advance that came after it
	// (its own goroutine's), so every one is due.
	ctx := testContext(t)
	for n := 0; n < workers*steps; n++ {
		select {
		case <-called:
		case <-ctx.Done():
			t.Fatalf("%d of %d AfterFuncs called", n, workers*steps)
		}
	}
}

func TestSleep(t *testing.T) {
	c := NewManualClock(clockStart)
	ctx := testContext(t)
	done := make(chan error, 1)
	go func() { done <- Sleep(ctx, c, time.Second) }()
	if err := c.AwaitArmed(ctx, 1); err != nil {
		t.Fatal(err)
	}
	c.Advance(time.Second)
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Sleep = %v, want nil", err)
		}
	case <-ctx.Done():
		t.Fatal("Sleep did not return when its time came")
	}
	if n := c.Armed(); n != 0 {
		t.Errorf("Armed = %d after Sleep, want 0", n)
	}

	cancelled, cancel := context.WithCancel(ctx)
	go func() { done <- Sleep(cancelled, c, time.Hour) }()
	if err := c.AwaitArmed(ctx, 1); err != nil {
		t.Fatal(err)
	}
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("Sleep = %v, want context.Canceled", err)
		}
	case <-ctx.Done():
		t.Fatal("Sleep did not return when its context ended")
	}
	if err := Sleep(cancelled, c, 0); !errors.Is(err, context.Canceled) {
		t.Errorf("Sleep(0) on an ended context = %v, want context.Canceled", err)
	}
	if err := Sleep(ctx, c, -time.Second); err != nil {
		t.Errorf("Sleep(-1s) = %v, want nil", err)
	}
}

func TestAwaitArmedEndsWithContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := NewManualClock(clockStart).AwaitArmed(ctx, 1); !errors.Is(err, context.Canceled) {
		t.Errorf("AwaitArmed = %v, want context.Canceled", err)
	}
}

func TestOrWall(t *testing.T) {
	if OrWall(nil) != Wall {
		t.Error("OrWall(nil) is not Wall")
	}
	c := NewManualClock(clockStart)
	if OrWall(c) != Clock(c) {
		t.Error("OrWall(c) is not c")
	}
}

func TestWallAfterFunc(t *testing.T) {
	called := make(chan struct{})
	Wall.AfterFunc(time.Millisecond, func() { close(called) })
	select {
	case <-called:
	case <-testContext(t).Done():
		t.Fatal("Wall.AfterFunc did not call its function")
	}
}
