package sources

import (
	"context"
	"errors"
	"testing"
	"time"
)

type fakeSource struct {
	name string
	run  func(ctx context.Context, sink Sink) error
}

func (f fakeSource) Info() Info                               { return Info{Name: f.name, Kind: KindLog} }
func (f fakeSource) Run(ctx context.Context, sink Sink) error { return f.run(ctx, sink) }

func TestHubDrainAndBackpressure(t *testing.T) {
	h := NewHub()
	pushed := make(chan int, 1)
	i := h.Add(fakeSource{"a", func(ctx context.Context, sink Sink) error {
		n := 0
		for ; n < HubQueueBatches+10; n++ {
			if err := sink.Push(ctx, Batch{Rows: 1}); err != nil {
				break
			}
		}
		pushed <- n
		return nil
	}})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	h.Start(ctx)
	// The queue fills and the source blocks instead of growing memory.
	deadline := time.Now().Add(5 * time.Second)
	for h.Queued() < HubQueueBatches {
		if time.Now().After(deadline) {
			t.Fatalf("queue holds %d batches", h.Queued())
		}
		time.Sleep(10 * time.Millisecond)
	}
	select {
	case <-pushed:
		t.Fatal("the source must block on a full queue")
	default:
	}
	got := h.Drain(nil)
	if len(got) != HubDrainBatches || got[0].Source != i {
		t.Fatalf("one drain takes %d batches (want %d) from source %d", len(got), HubDrainBatches, got[0].Source)
	}
	total := len(got)
	for total < HubQueueBatches+10 {
		got = h.Drain(got[:0])
		total += len(got)
		time.Sleep(time.Millisecond)
	}
	if n := <-pushed; n != HubQueueBatches+10 {
		t.Fatalf("pushed %d", n)
	}
	h.Wait()
	if err := h.Err(i); err != nil {
		t.Fatal(err)
	}
}

func TestHubRecoversPanics(t *testing.T) {
	h := NewHub()
	h.Add(fakeSource{"boom", func(ctx context.Context, sink Sink) error { panic("kaboom") }})
	// A panic re-raised from a goroutine the source started keeps its stack.
	h.Add(fakeSource{"inner", func(ctx context.Context, sink Sink) error {
		done := make(chan error, 1)
		go func() { done <- Safe("inner reader", func() error { panic("deep") }) }()
		err := <-done
		RaiseIfPanic(err)
		return err
	}})
	h.Start(context.Background())
	seen := map[any]string{}
	for range 2 {
		select {
		case p := <-h.Panics():
			seen[p.Value] = p.Where
			if len(p.Stack) == 0 {
				t.Errorf("panic %v has no stack", p.Value)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("no panic reported")
		}
	}
	if seen["kaboom"] != "source boom" || seen["deep"] != "inner reader" {
		t.Fatalf("panics = %v", seen)
	}
	h.Wait()
}

func TestSafePassesErrors(t *testing.T) {
	want := errors.New("plain")
	if err := Safe("x", func() error { return want }); err != want {
		t.Fatalf("Safe = %v", err)
	}
	RaiseIfPanic(want) // not a panic: must not raise
}

func TestHealthDescribe(t *testing.T) {
	since := time.Date(2026, 11, 25, 12, 0, 1, 0, time.UTC)
	clock := func(t time.Time) string { return t.Format("15:04:05") }
	cases := []struct {
		h    Health
		want string
	}{
		{Health{State: StateDown, Err: "connection refused", Since: since}, "down since 12:00:01: connection refused, retrying"},
		{Health{State: StateWaiting, Detail: "waiting for run.jtl"}, "waiting for run.jtl"},
		{Health{State: StateFailed, Err: "not a JTL"}, "failed: not a JTL"},
		{Health{State: StateReading}, "reading"},
	}
	for _, c := range cases {
		if got := c.h.Describe(clock); got != c.want {
			t.Errorf("Describe = %q, want %q", got, c.want)
		}
	}
	if (Health{State: StateDone}).Live() || !(Health{State: StateDown}).Live() {
		t.Fatal("Live")
	}
}

// TestHubDepth: a headless hub's queues hold HeadlessQueueBatches batches,
// the dashboard's HubQueueBatches, and a depth below one is one.
func TestHubDepth(t *testing.T) {
	for _, c := range []struct {
		hub  *Hub
		want int
	}{{NewHub(), HubQueueBatches}, {NewHubDepth(HeadlessQueueBatches), HeadlessQueueBatches}, {NewHubDepth(0), 1}} {
		c.hub.Add(fakeSource{})
		if got := cap(c.hub.queues[0]); got != c.want {
			t.Errorf("queue holds %d batches, want %d", got, c.want)
		}
	}
}
