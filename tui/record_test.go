package tui

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/store"
	"github.com/sobang/sobang/themes"
)

// pushSource pushes its batches and ends.
type pushSource struct {
	info    sources.Info
	batches []sources.Batch
}

func (p pushSource) Info() sources.Info { return p.info }

func (p pushSource) Run(ctx context.Context, sink sources.Sink) error {
	for _, b := range p.batches {
		if err := sink.Push(ctx, b); err != nil {
			return err
		}
	}
	return nil
}

func TestRecordSeesBatchesBeforeApply(t *testing.T) {
	info := sources.Info{Name: "run.jtl", Kind: sources.KindJTL, Offset: 2 * time.Second}
	var batches []sources.Batch
	for i := range 3 {
		batches = append(batches, sources.Batch{Rows: 1, Samples: []sources.Sample{
			{StartMS: t0.UnixMilli() + int64(i)*1000, ElapsedMS: 5, Label: "a", Success: true, AllThreads: -1},
		}})
	}
	hub := sources.NewHub()
	hub.Add(pushSource{info: info, batches: batches})
	hub.Start(context.Background())
	hub.Wait()

	var recorded []int64
	calls := 0
	theme, _ := themes.Load("dark", "")
	m := New(Options{Hub: hub, Store: store.New([]sources.Info{info}), Theme: theme, Zone: time.UTC,
		Clock: sources.NewManualClock(t0.Add(time.Hour)),
		Record: func(b sources.Batch) error {
			calls++
			if calls == 2 {
				return errors.New("run.sobang: no space left on device")
			}
			recorded = append(recorded, b.Samples[0].StartMS)
			return nil
		}})
	m.Update(sizeMsg(200, 40))
	m.ingest()
	if calls != 2 {
		t.Errorf("Record called %d times, want 2: never again after its error", calls)
	}
	if len(recorded) != 1 || recorded[0] != t0.UnixMilli() {
		t.Errorf("recorded start %v, want %d: the time as the source gave it, before the store's offset", recorded, t0.UnixMilli())
	}
	if got := m.store.Sources[0].Rows; got != 3 {
		t.Errorf("store has %d rows, want 3: a failed recording must not stop ingest", got)
	}
	f := plain(m.Render())
	if !strings.Contains(f, "recording stopped: run.sobang: no space left on device") {
		t.Fatalf("the status bar does not say the recording stopped:\n%s", f[len(f)-300:])
	}
}
