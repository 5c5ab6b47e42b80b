package store

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/sobang/sobang/sources"
)

// pushAll is a source that pushes its batches and ends.
type pushAll struct {
	info    sources.Info
	batches []sources.Batch
}

func (p pushAll) Info() sources.Info { return p.info }

func (p pushAll) Run(ctx context.Context, sink sources.Sink) error {
	for _, b := range p.batches {
		if err := sink.Push(ctx, b); err != nil {
			return err
		}
	}
	return nil
}

// pushOnDemand is a source that pushes each batch the test sends it and
// says when the hub has queued it, so a test steps exactly when it wants.
type pushOnDemand struct {
	info   sources.Info
	in     chan sources.Batch
	queued chan struct{}
}

func newPushOnDemand(info sources.Info) *pushOnDemand {
	return &pushOnDemand{info: info, in: make(chan sources.Batch), queued: make(chan struct{})}
}

func (p *pushOnDemand) Info() sources.Info { return p.info }

func (p *pushOnDemand) Run(ctx context.Context, sink sources.Sink) error {
	for {
		select {
		case b := <-p.in:
			if err := sink.Push(ctx, b); err != nil {
				return err
			}
			p.queued <- struct{}{}
		case <-ctx.Done():
			return nil
		}
	}
}

// push hands b to the source and waits until the hub has queued it.
func (p *pushOnDemand) push(t *testing.T, b sources.Batch) {
	t.Helper()
	timeout := time.NewTimer(5 * time.Second)
	defer timeout.Stop()
	select {
	case p.in <- b:
	case <-timeout.C:
		t.Fatal("the source did not take the batch")
	}
	select {
	case <-p.queued:
	case <-timeout.C:
		t.Fatal("the hub did not queue the batch")
	}
}

// startHub registers srcs, runs them and returns the hub with a store for
// them; the sources end with the test.
func startHub(t *testing.T, srcs ...sources.Source) (*sources.Hub, *Store) {
	t.Helper()
	hub := sources.NewHub()
	var infos []sources.Info
	for _, s := range srcs {
		hub.Add(s)
		infos = append(infos, s.Info())
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(func() { cancel(); hub.Wait() })
	hub.Start(ctx)
	return hub, New(infos)
}

func TestPumpStepAppliesAndSaysWhatChanged(t *testing.T) {
	jtl := pushAll{info: sources.Info{Name: "run.jtl", Kind: sources.KindJTL}, batches: []sources.Batch{
		{Rows: 2, Samples: []sources.Sample{sample(0, 5, "a", true), sample(1000, 7, "a", false)}},
		{CaughtUp: true},
	}}
	idle := pushAll{info: sources.Info{Name: "quiet.log", Kind: sources.KindLog}}
	log := pushAll{info: sources.Info{Name: "app.log", Kind: sources.KindLog}, batches: []sources.Batch{
		{Rows: 1, Entries: []sources.LogEntry{{Time: time.UnixMilli(base + 500), Lines: []string{"started"}}}},
	}}
	hub, st := startHub(t, jtl, idle, log)
	hub.Wait() // every batch is queued: the sources have ended

	p := NewPump(hub, st, nil)
	ch := p.Step()
	if ch.Batches != 3 {
		t.Errorf("Batches = %d, want 3", ch.Batches)
	}
	if want := PartSources | PartLoad | PartLogs; ch.Parts != want || !ch.Changed() {
		t.Errorf("Parts = %b, want %b", ch.Parts, want)
	}
	if !slices.Equal(ch.Sources, []int{0, 2}) {
		t.Errorf("Sources = %v, want [0 2]: the quiet source sent nothing", ch.Sources)
	}
	if st.Load.Samples != 2 || st.Logs.Len() != 1 || !st.Sources[0].CaughtUp || st.Sources[0].Rows != 2 {
		t.Errorf("store holds %d samples, %d entries, caught up %v, %d rows", st.Load.Samples, st.Logs.Len(), st.Sources[0].CaughtUp, st.Sources[0].Rows)
	}

	ch = p.Step()
	if ch.Batches != 0 || ch.Changed() || len(ch.Sources) != 0 || ch.RecordErr != nil {
		t.Errorf("a step over empty queues says %+v", ch)
	}
}

func TestPumpRecorderSeesBatchesBeforeApplyAndStopsAtItsError(t *testing.T) {
	src := newPushOnDemand(sources.Info{Name: "run.jtl", Kind: sources.KindJTL, Offset: 2 * time.Second})
	hub, st := startHub(t, src)
	full := errors.New("run.sobang: no space left on device")
	var recorded []int64
	calls := 0
	p := NewPump(hub, st, func(b sources.Batch) error {
		calls++
		if calls == 2 {
			return full
		}
		recorded = append(recorded, b.Samples[0].StartMS)
		return nil
	})
	batch := func(sec int64) sources.Batch {
		return sources.Batch{Rows: 1, Samples: []sources.Sample{sample(sec*1000, 5, "a", true)}}
	}

	src.push(t, batch(0))
	if ch := p.Step(); ch.RecordErr != nil || p.RecordErr() != nil {
		t.Fatalf("the first step reports a recorder error: %v", ch.RecordErr)
	}
	if len(recorded) != 1 || recorded[0] != base {
		t.Errorf("recorded start %v, want %d: as the source gave it, before the store's offset", recorded, base)
	}
	if first, _, _ := st.DataRange(); first != base+2000 {
		t.Errorf("store's first time %d, want %d: the offset is applied after recording", first, base+2000)
	}

	src.push(t, batch(1))
	ch := p.Step()
	if !errors.Is(ch.RecordErr, full) || !errors.Is(p.RecordErr(), full) {
		t.Fatalf("the failing step says %v (pump: %v), want %v", ch.RecordErr, p.RecordErr(), full)
	}
	if !ch.Changed() {
		t.Error("a failed recording must not stop ingest")
	}

	src.push(t, batch(2))
	ch = p.Step()
	if ch.RecordErr != nil {
		t.Errorf("a later step repeats the recorder's error: %v", ch.RecordErr)
	}
	if !errors.Is(p.RecordErr(), full) {
		t.Errorf("the pump forgot why the recording stopped: %v", p.RecordErr())
	}
	if calls != 2 {
		t.Errorf("recorder called %d times, want 2: never again after its error", calls)
	}
	if st.Sources[0].Rows != 3 || st.Load.Samples != 3 {
		t.Errorf("store has %d rows and %d samples, want 3 and 3", st.Sources[0].Rows, st.Load.Samples)
	}
}

func TestPumpRecyclesSamplesAndKeepsNoBatch(t *testing.T) {
	src := newPushOnDemand(sources.Info{Name: "run.jtl", Kind: sources.KindJTL})
	hub, st := startHub(t, src)
	p := NewPump(hub, st, nil)
	var recycled [][]sources.Sample
	p.recycle = func(s []sources.Sample) { recycled = append(recycled, s) }

	pooled := sources.SampleSlice()
	pooled = append(pooled, sample(0, 5, "a", true), sample(0, 0, "untimed", true))
	pooled[1].StartMS = 0 // no time: counted, not kept
	src.push(t, sources.Batch{Rows: 2, Samples: pooled})
	src.push(t, sources.Batch{Warnings: []string{"no samples here"}})
	if ch := p.Step(); ch.Batches != 2 {
		t.Fatalf("Batches = %d, want 2", ch.Batches)
	}
	if len(recycled) != 2 || cap(recycled[0]) != sources.BatchRecords || &recycled[0][0] != &pooled[0] || recycled[1] != nil {
		t.Fatalf("recycled %d slices, want the pooled samples of the first batch and nothing of the second", len(recycled))
	}
	if st.Load.Samples != 1 || st.Load.Untimed != 1 {
		t.Errorf("store has %d samples and %d untimed, want 1 and 1", st.Load.Samples, st.Load.Untimed)
	}
	for i, b := range p.batches[:cap(p.batches)] {
		if b.Samples != nil || b.Warnings != nil {
			t.Errorf("the pump's reused slice still holds batch %d", i)
		}
	}
}

func TestPumpStepAllocatesNothingWhenIdle(t *testing.T) {
	src := newPushOnDemand(sources.Info{Name: "app.log", Kind: sources.KindLog})
	hub, st := startHub(t, src)
	p := NewPump(hub, st, nil)
	src.push(t, sources.Batch{Rows: 1, Entries: []sources.LogEntry{{Time: time.UnixMilli(base), Lines: []string{"x"}}}})
	p.Step()
	if n := testing.AllocsPerRun(100, func() { p.Step() }); n != 0 {
		t.Errorf("an idle step allocates %v times, want 0", n)
	}
}

func TestPumpWithoutHub(t *testing.T) {
	st := New([]sources.Info{{Name: "a.log", Kind: sources.KindLog}})
	p := NewPump(nil, st, func(sources.Batch) error { t.Fatal("nothing to record"); return nil })
	if ch := p.Step(); ch.Batches != 0 || ch.Changed() {
		t.Errorf("a pump without a hub says %+v", ch)
	}
}
