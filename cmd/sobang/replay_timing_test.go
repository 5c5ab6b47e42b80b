package main

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"os/exec"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/sobang/sobang/cmd/sobang/internal/demo"
	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/record"
)

// demoRecordFor is how long the demo's load runs and sobang record
// follows it.
const demoRecordFor = 20 * time.Second

// demoRecording runs the demo's world (its service, its load for
// demoRecordFor and its files, as sobang demo --duration 20s does) and
// records its JTL, its log and its /metrics with sobang record --duration
// while it runs; it returns the recording.
func demoRecording(tb testing.TB) string {
	tb.Helper()
	out, _ := recordDemo(tb, demoRecordFor, nil)
	return out
}

// recordDemo runs the demo's world for d and records it with sobang record
// --duration d, calling during (when not nil) with the world while both
// run; it returns the recording and the world, closed.
func recordDemo(tb testing.TB, d time.Duration, during func(*demo.World)) (string, *demo.World) {
	tb.Helper()
	dir := tb.TempDir()
	world, err := demo.Start(context.Background(), demo.Config{Dir: dir, Duration: d})
	if err != nil {
		tb.Fatal(err)
	}
	defer world.Close()
	out := filepath.Join(dir, "demo.sobang")
	cmd := exec.Command(sobangBinary(tb), "record", "--jtl", world.JTLPath(), "--log", world.LogPath(), world.MetricsURL(),
		"--duration", d.String(), "--out", out)
	cmd.Env = append(cmd.Environ(), "XDG_CONFIG_HOME="+tb.TempDir())
	var msg bytes.Buffer
	cmd.Stdout, cmd.Stderr = &msg, &msg
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	if during != nil {
		during(world)
	}
	if err := cmd.Wait(); err != nil {
		tb.Fatalf("sobang record: %v\n%s", err, msg.String())
	}
	return out, world
}

// pacedDue is when a paced replay is to deliver each batch of a recording,
// in recorded order, as a data time (Unix ms, math.MinInt64 for at once):
// what a source read before it caught up at once; every later batch when
// the replay reaches the newest record in it, or in a batch recorded
// before it.
func pacedDue(tb testing.TB, rec *record.Recording) (due []int64, sourcesOf []int) {
	tb.Helper()
	whole := make([]bool, len(rec.Header.Sources))
	for i := range whole {
		whole[i] = true
	}
	release := int64(math.MinInt64)
	_, err := rec.Walk(0, func(it record.Item) error {
		e := it.Entry
		if e == nil {
			return nil
		}
		sourcesOf = append(sourcesOf, e.Source)
		if whole[e.Source] {
			whole[e.Source] = !e.Batch.CaughtUp
			due = append(due, math.MinInt64)
			return nil
		}
		off := rec.Header.Sources[e.Source].Offset.Milliseconds()
		see := func(ms int64) { release = max(release, ms+off) }
		for _, s := range e.Batch.Samples {
			see(s.StartMS)
		}
		for _, l := range e.Batch.Entries {
			if !l.Time.IsZero() {
				see(l.Time.UnixMilli())
			}
		}
		for _, s := range e.Batch.Scrapes {
			see(s.Time.UnixMilli())
		}
		due = append(due, release)
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return due, sourcesOf
}

// TestDemoReplayTiming records the demo's sources while the demo runs,
// then replays the recording on a replay clock over a ManualClock at
// speeds 1 and 10: every batch read before its source caught up arrives at
// once, every later one when the replay reaches its newest record (and
// never before one recorded before it), that is at that record's offset
// from the data's start / the speed, to the step the manual clock moves
// by; no record arrives before its own offset.
func TestDemoReplayTiming(t *testing.T) {
	if testing.Short() {
		t.Skip("records the demo for 20 s")
	}
	path := demoRecording(t)
	rec, err := record.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	first, last, ok := rec.DataSpan()
	if !ok {
		t.Fatal("the demo's recording holds no timed record")
	}
	due, sourcesOf := pacedDue(t, rec)
	live := 0
	for _, d := range due {
		if d != math.MinInt64 {
			live++
		}
	}
	// The JTL, the log and the scrapes grew while recorded.
	if live < int(demoRecordFor/time.Second) {
		t.Fatalf("%d of %d batches recorded after their source caught up, want the demo's seconds", live, len(due))
	}
	t.Logf("%d batches, %d recorded after their source caught up, data %v to %v", len(due), live, first.Format(time.TimeOnly), last.Sub(first))
	for _, c := range []struct {
		speed float64
		step  time.Duration
	}{{1, time.Millisecond}, {10, 100 * time.Microsecond}} {
		t.Run(fmt.Sprintf("x%g", c.speed), func(t *testing.T) {
			wall0 := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
			manual := sources.NewManualClock(wall0)
			rc := sources.NewReplayClock(manual, first, last, c.speed)
			rc.Play()
			srcs := rec.Paced(rc)
			type delivery struct {
				at  time.Duration // on the manual clock, since the start
				src int
				b   sources.Batch
			}
			var mu sync.Mutex
			var got []delivery
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			var wg sync.WaitGroup
			for i, s := range srcs {
				wg.Go(func() {
					_ = s.Run(ctx, sources.Func(func(_ context.Context, b sources.Batch) error {
						mu.Lock()
						got = append(got, delivery{manual.Now().Sub(wall0), i, b})
						mu.Unlock()
						return nil
					}))
				})
			}
			done := make(chan struct{})
			go func() { wg.Wait(); close(done) }()
			idle, stopIdle := context.WithCancel(ctx)
			go func() { <-done; stopIdle() }()
			for idle.Err() == nil {
				// The pass waits on the clock (or has ended) before it
				// moves on.
				_ = manual.AwaitArmed(idle, 1)
				if idle.Err() == nil {
					manual.Advance(c.step)
				}
			}
			if ctx.Err() != nil {
				t.Fatal("the replay did not end")
			}
			mu.Lock()
			defer mu.Unlock()
			if len(got) != len(due)+len(srcs) {
				t.Fatalf("%d batches delivered, want the %d recorded and an end per source", len(got), len(due))
			}
			offsetAt := func(ms int64) time.Duration {
				return time.Duration(float64(time.UnixMilli(ms).Sub(first)) / c.speed)
			}
			bad := 0
			for k, d := range due {
				g := got[k]
				if g.src != sourcesOf[k] {
					t.Fatalf("delivery %d is of source %d, want %d: out of recorded order", k, g.src, sourcesOf[k])
				}
				want := time.Duration(0)
				if d != math.MinInt64 {
					want = max(offsetAt(d), 0)
				}
				if g.at < want || g.at > want+c.step {
					if bad++; bad <= 5 {
						t.Errorf("batch %d of source %d delivered at %v, want %v (its newest record's offset / %v)", k, g.src, g.at, want, c.speed)
					}
				}
				if d == math.MinInt64 {
					continue
				}
				for _, s := range g.b.Samples {
					if early := offsetAt(s.StartMS) - g.at; early > c.step {
						t.Fatalf("a sample at offset %v delivered %v early", time.UnixMilli(s.StartMS).Sub(first), early)
					}
				}
			}
			t.Logf("the replay ended at %v on the manual clock", got[len(got)-1].at)
			if bad > 0 {
				t.Errorf("%d of %d batches off their time", bad, len(due))
			}
		})
	}
}

// BenchmarkDemoReplayLateness records the demo's sources while the demo
// runs (20 s, not timed), then replays the recording on the real clock at
// speed 10 and reports how late each batch written while recorded reached
// its sink after the instant its newest record maps to: p99-late-ms and
// p50-late-ms. Target: a p99 within 100 ms.
func BenchmarkDemoReplayLateness(b *testing.B) {
	path := demoRecording(b)
	rec, err := record.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	due, _ := pacedDue(b, rec)
	first, last, _ := rec.DataSpan()
	const speed = 10
	var late []time.Duration
	for b.Loop() {
		rc := sources.NewReplayClock(sources.Wall, first, last, speed)
		srcs := rec.Paced(rc)
		var mu sync.Mutex
		k := 0
		start := time.Now()
		rc.Play()
		var wg sync.WaitGroup
		for _, s := range srcs {
			wg.Go(func() {
				_ = s.Run(context.Background(), sources.Func(func(context.Context, sources.Batch) error {
					mu.Lock()
					defer mu.Unlock()
					if k < len(due) && due[k] != math.MinInt64 {
						want := time.Duration(float64(time.UnixMilli(due[k]).Sub(first)) / speed)
						late = append(late, time.Since(start)-want)
					}
					k++
					return nil
				}))
			})
		}
		wg.Wait()
	}
	slices.Sort(late)
	b.ReportMetric(float64(late[len(late)*99/100].Microseconds())/1000, "p99-late-ms")
	b.ReportMetric(float64(late[len(late)/2].Microseconds())/1000, "p50-late-ms")
}
