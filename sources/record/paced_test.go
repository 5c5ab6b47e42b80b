package record

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/sobang/sobang/sources"
)

// pacedBatches is a recording of two sources: a JTL recorded whole (read
// to its end when the session started) and a log written while recorded,
// one batch per entry. want gives, per batch in order, its data offset
// from t0 when it was written live, -1 when recorded whole.
func pacedBatches() (batches []sources.Batch, live []time.Duration) {
	for i := range 5 {
		batches = append(batches, sources.Batch{Source: 0, Rows: 1, Samples: []sources.Sample{{
			StartMS: t0.Add(time.Duration(i) * 3 * time.Second).UnixMilli(), ElapsedMS: 10, Label: "a", Success: true, LatencyMS: -1, ConnectMS: -1,
		}}})
		live = append(live, -1)
	}
	batches = append(batches, sources.Batch{Source: 0, CaughtUp: true})
	live = append(live, -1)
	// The log caught up with an empty file at the start, then grew.
	batches = append(batches, sources.Batch{Source: 1, CaughtUp: true})
	live = append(live, -1)
	for _, off := range []time.Duration{1 * time.Second, 2500 * time.Millisecond, 2500 * time.Millisecond, 4 * time.Second, 7300 * time.Millisecond, 12 * time.Second} {
		batches = append(batches, sources.Batch{Source: 1, Rows: 1, Entries: []sources.LogEntry{{
			Time: t0.Add(off), LevelCol: -1, Lines: []string{"line at " + off.String()},
		}}})
		live = append(live, off)
	}
	// Health without a data time goes with the batch before it.
	batches = append(batches, sources.Batch{Source: 1, Health: &sources.Health{State: sources.StateFollowing}})
	live = append(live, 12*time.Second)
	return batches, live
}

// TestPacedDelivery replays a recording on a replay clock driven by a
// ManualClock: what was recorded whole arrives at once, every batch
// written while recorded when the replay reaches its data time, that is
// its data offset / speed after the start.
func TestPacedDelivery(t *testing.T) {
	batches, live := pacedBatches()
	infos := []sources.Info{{Name: "results.jtl", Kind: sources.KindJTL}, {Name: "app.log", Kind: sources.KindLog}}
	path := writeRecording(t, infos, batches)
	for _, speed := range []float64{1, 10} {
		t.Run("x"+time.Duration(speed).String(), func(t *testing.T) {
			rec, err := Open(path)
			if err != nil {
				t.Fatal(err)
			}
			first, last, ok := rec.DataSpan()
			if !ok || !first.Equal(t0) || !last.Equal(t0.Add(12*time.Second)) {
				t.Fatalf("DataSpan = %v, %v, %v; want %v, %v", first, last, ok, t0, t0.Add(12*time.Second))
			}
			wall0 := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
			manual := sources.NewManualClock(wall0)
			rc := sources.NewReplayClock(manual, first, last, speed)
			rc.Play()
			srcs := rec.Paced(rc)
			type got struct {
				at time.Duration // on the manual clock, since the start
				b  sources.Batch
			}
			var mu sync.Mutex
			var deliveries []got
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			done := make(chan struct{})
			var wg sync.WaitGroup
			for i, s := range srcs {
				wg.Go(func() {
					_ = s.Run(ctx, sources.Func(func(_ context.Context, b sources.Batch) error {
						b.Source = i
						mu.Lock()
						deliveries = append(deliveries, got{manual.Now().Sub(wall0), b})
						mu.Unlock()
						return nil
					}))
				})
			}
			go func() { wg.Wait(); close(done) }()
			idle, stopIdle := context.WithCancel(ctx)
			go func() { <-done; stopIdle() }()
			const step = 10 * time.Millisecond
			for idle.Err() == nil {
				// The pass is waiting on the clock (or has ended) before
				// the clock moves on.
				_ = manual.AwaitArmed(idle, 1)
				if idle.Err() == nil {
					manual.Advance(step)
				}
			}
			if ctx.Err() != nil {
				t.Fatal("the replay did not end")
			}
			// The sources' ends come last; the recorded batches come in
			// their recorded order.
			mu.Lock()
			defer mu.Unlock()
			if len(deliveries) != len(batches)+len(srcs) {
				t.Fatalf("%d batches delivered, want %d", len(deliveries), len(batches)+len(srcs))
			}
			for k, want := range live {
				d := deliveries[k]
				if d.b.Source != batches[k].Source || d.b.Rows != batches[k].Rows {
					t.Fatalf("delivery %d is of source %d with %d rows, want batch %d", k, d.b.Source, d.b.Rows, k)
				}
				wantAt := time.Duration(0)
				if want >= 0 {
					wantAt = time.Duration(float64(want) / speed)
				}
				if d.at != wantAt {
					t.Errorf("batch %d (data offset %v) delivered at %v, want %v", k, want, d.at, wantAt)
				}
			}
		})
	}
}

// BenchmarkReplayLateness replays, on the real clock at speed 10, a
// recording of a JTL written while recorded (a batch of 50 samples every
// 100 ms of data for 20 s, 2 s of replay) and reports the p99 of how late
// each batch reached its sink after the instant its data time maps to.
// Target: a p99 within 100 ms.
func BenchmarkReplayLateness(b *testing.B) {
	batches := []sources.Batch{{Source: 0, CaughtUp: true}}
	for i := range 200 {
		jb := jtlBatch(50, t0.Add(time.Duration(i)*100*time.Millisecond).UnixMilli())
		batches = append(batches, jb)
	}
	path := writeRecording(b, []sources.Info{{Name: "run.jtl", Kind: sources.KindJTL}}, batches)
	const speed = 10
	var late []time.Duration
	for b.Loop() {
		rec, err := Open(path)
		if err != nil {
			b.Fatal(err)
		}
		first, last, _ := rec.DataSpan()
		rc := sources.NewReplayClock(sources.Wall, first, last, speed)
		src := rec.Paced(rc)[0]
		start := time.Now()
		rc.Play()
		err = src.Run(context.Background(), sources.Func(func(_ context.Context, bt sources.Batch) error {
			if len(bt.Samples) == 0 {
				return nil
			}
			data := time.UnixMilli(bt.Samples[len(bt.Samples)-1].StartMS).Sub(first)
			late = append(late, time.Since(start)-data/speed)
			return nil
		}))
		if err != nil {
			b.Fatal(err)
		}
	}
	slices.Sort(late)
	b.ReportMetric(float64(late[len(late)*99/100].Microseconds())/1000, "p99-late-ms")
	b.ReportMetric(float64(late[len(late)/2].Microseconds())/1000, "p50-late-ms")
}

// TestPacedSameAsWhole: a paced replay played to its end hands the store
// the same batches, in the same order, as the recording opened whole.
func TestPacedSameAsWhole(t *testing.T) {
	batches, _ := pacedBatches()
	infos := []sources.Info{{Name: "results.jtl", Kind: sources.KindJTL}, {Name: "app.log", Kind: sources.KindLog, Offset: -time.Second}}
	path := writeRecording(t, infos, batches)
	_, whole := replayAll(t, path)
	rec, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	first, last, _ := rec.DataSpan()
	if want := t0.Add(-time.Second); !first.Equal(want) {
		t.Fatalf("DataSpan starts at %v, want %v (the log's offset)", first, want)
	}
	rc := sources.NewReplayClock(sources.NewManualClock(t0), first, last, 1)
	srcs := rec.Paced(rc)
	collects := make([]sources.Collect, len(srcs))
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var wg sync.WaitGroup
	for i, s := range srcs {
		wg.Go(func() { _ = s.Run(ctx, &collects[i]) })
	}
	rc.Seek(last) // paused, at the end: everything falls due
	wg.Wait()
	for i := range srcs {
		got := collects[i].Take()
		for j := range got {
			got[j].Source = i
		}
		if len(got) != len(whole[i]) {
			t.Fatalf("source %d: %d batches paced, %d whole", i, len(got), len(whole[i]))
		}
		for j := range got {
			g, w := got[j], whole[i][j]
			g.Health, w.Health = nil, nil // the end's says when
			if g.Rows != w.Rows || len(g.Samples) != len(w.Samples) || len(g.Entries) != len(w.Entries) || g.CaughtUp != w.CaughtUp {
				t.Errorf("source %d batch %d: paced %+v, whole %+v", i, j, g, w)
			}
		}
	}
}
