package store

import (
	"fmt"
	"math"
	"runtime"
	"slices"
	"testing"

	"github.com/sobang/sobang/sources"
)

// rollupRun feeds st secs seconds of nLabels labels from epoch second t0, a
// few samples per label per second with varied latencies, codes and errors,
// in batches as a source sends them. With wide, latencies spread uniformly
// over 5-905 ms whatever the label (a worst case for the sketch's dense
// buckets); otherwise each label's latencies stay within 30% of its own
// typical value, as a service's do.
func rollupRun(st *Store, t0, secs int64, nLabels, perLabel int, wide bool) {
	names := make([]string, nLabels)
	for i := range names {
		names[i] = fmt.Sprintf("label %03d", i)
	}
	batch := make([]sources.Sample, 0, sources.BatchRecords)
	flush := func() {
		st.Apply(sources.Batch{Samples: batch})
		batch = batch[:0]
	}
	for s := int64(0); s < secs; s++ {
		for id := range names {
			for k := 0; k < perLabel; k++ {
				n := s*int64(nLabels*perLabel) + int64(id*perLabel+k)
				smp := sources.Sample{
					StartMS: (t0+s)*1000 + (n*37)%1000, ElapsedMS: int32(5 + (n*7919)%900 + int64(id)),
					LatencyMS: -1, ConnectMS: -1, Label: names[id], Code: "200", Message: "OK",
					Success: true, GrpThreads: -1, AllThreads: int32(50 + s%7), Bytes: 1000 + n%17, SentBytes: 100,
				}
				if !wide {
					base := int64(40 + 7*id)
					smp.ElapsedMS = int32(base + base*((n*7919)%61-30)/100)
				}
				if n%97 == 0 {
					smp.Success, smp.Code, smp.Message = false, "500", fmt.Sprintf("boom %d", n%3)
				}
				if id == nLabels-1 && nLabels > 1 {
					smp.Transaction = true
				}
				batch = append(batch, smp)
				if len(batch) == cap(batch) {
					flush()
				}
			}
		}
	}
	flush()
}

// BenchmarkLoadTestMemory24h ingests 24 h of 200 labels, one sample per label
// per second (enough to create every per-label bucket), and reports the heap
// in use afterwards. It must stay at most 1 GiB (the target): per-label
// detail older than RollupAfter is kept per RollupStep, so the figure grows
// with duration x labels / 10 beyond the last hour, never with the row count.
//
// Measured on a 2-core x86-64 machine (heap in use, MiB):
//
//	latencies          no rollup   rollup
//	clustered (±30%)   3215        734
//	wide (5-905 ms)    3135        649
//
// Both hold the target. Before sketches started sparse (a packed entry per
// occupied bucket while they hold few values), the wide case took 1328 MiB:
// ten samples spread uniformly over 5-905 ms filled about a hundred dense
// buckets per label per 10 s block.
func BenchmarkLoadTestMemory24h(b *testing.B) {
	for _, wide := range []bool{false, true} {
		for _, rollup := range []bool{true, false} {
			name := fmt.Sprintf("wide=%v/rollup=%v", wide, rollup)
			b.Run(name, func(b *testing.B) { benchMemory24h(b, wide, rollup) })
		}
	}
}

func benchMemory24h(b *testing.B, wide, rollup bool) {
	if !rollup {
		saved := rollupAfterSec
		rollupAfterSec = 1 << 50
		defer func() { rollupAfterSec = saved }()
	}
	for b.Loop() {
		runtime.GC()
		var before runtime.MemStats
		runtime.ReadMemStats(&before)
		st := New([]sources.Info{{Name: "a.jtl", Kind: sources.KindJTL}})
		rollupRun(st, 1_795_000_000, 24*3600, 200, 1, wide)
		runtime.GC()
		var after runtime.MemStats
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(after.HeapInuse-before.HeapInuse)/(1<<20), "heap-MiB")
		if st.Load.Samples != 24*3600*200 {
			b.Fatal("samples lost")
		}
		runtime.KeepAlive(st)
	}
}

// TestRollupKeepsLabelTotals feeds a 2 h run with rollup and without, and
// checks that every label's totals over the run, and over windows aligned on
// RollupStep, are the same: counts, errors, extremes, mean and throughput
// exactly, percentiles within the sketch's 1% (they are in fact equal: a
// sketch's buckets do not depend on the order of merging). The requests'
// timeline stays per second.
func TestRollupKeepsLabelTotals(t *testing.T) {
	const t0, secs, labels = 1_795_000_003, 2 * 3600, 12
	rolled := New([]sources.Info{{Name: "a.jtl", Kind: sources.KindJTL}})
	rollupRun(rolled, t0, secs, labels, 3, true)
	saved := rollupAfterSec
	rollupAfterSec = 1 << 50
	exact := New([]sources.Info{{Name: "a.jtl", Kind: sources.KindJTL}})
	rollupRun(exact, t0, secs, labels, 3, true)
	rollupAfterSec = saved
	if _, ok := exact.Load.RolledUpBefore(); ok {
		t.Fatal("the reference store rolled up")
	}
	ms, ok := rolled.Load.RolledUpBefore()
	newest := int64(t0 + secs - 1)
	if want := floorDiv(newest-rollupAfterSec, rollupStepSec) * rollupStepSec * 1000; !ok || ms != want {
		t.Fatalf("RolledUpBefore = %d, %v; want %d", ms, ok, want)
	}
	// Only the first second of each rolled block holds per-label data.
	for sec := int64(t0); sec < ms/1000; sec++ {
		b := rolled.Load.Second(sec)
		if has := b != nil && len(b.Labels) > 0; has != (sec%rollupStepSec == 0 || sec == t0) {
			t.Fatalf("second %d: labels held = %v", sec, has)
		}
	}
	windows := [][2]int64{{0, 0}, {(t0 + 7) * 1000, (t0 + 3597) * 1000}, {ms - 600_000, ms + 600_000}, {ms, 0}}
	for _, w := range windows {
		got, want := rolled.Load.Summarize(w[0], w[1], ""), exact.Load.Summarize(w[0], w[1], "")
		if len(got.Labels) != labels || len(want.Labels) != labels {
			t.Fatalf("window %v: %d and %d labels", w, len(got.Labels), len(want.Labels))
		}
		for i := range got.Labels {
			g, e := &got.Labels[i].Stats, &want.Labels[i].Stats
			if g.Count != e.Count || g.Errors != e.Errors || g.Satisfied != e.Satisfied || g.Bytes != e.Bytes ||
				g.MinStartMS != e.MinStartMS || g.MaxEndMS != e.MaxEndMS ||
				g.Latency.Min() != e.Latency.Min() || g.Latency.Max() != e.Latency.Max() ||
				g.Latency.Mean() != e.Latency.Mean() || g.Throughput() != e.Throughput() {
				t.Fatalf("window %v label %s: rolled %+v, exact %+v", w, got.Labels[i].Label, g, e)
			}
			for _, q := range []float64{0.5, 0.9, 0.95, 0.99} {
				if a, b := g.Latency.Quantile(q), e.Latency.Quantile(q); math.Abs(a-b) > 0.01*b {
					t.Fatalf("window %v label %s p%v: %v, exact %v", w, got.Labels[i].Label, q*100, a, b)
				}
			}
			if fmt.Sprint(got.Labels[i].Errors) != fmt.Sprint(want.Labels[i].Errors) {
				t.Fatalf("window %v label %s errors %v, exact %v", w, got.Labels[i].Label, got.Labels[i].Errors, want.Labels[i].Errors)
			}
		}
		if got.Requests.Count != want.Requests.Count || fmt.Sprint(got.Errors) != fmt.Sprint(want.Errors) {
			t.Fatalf("window %v: requests %d, exact %d", w, got.Requests.Count, want.Requests.Count)
		}
	}
	// Columns of one label add up the same when they hold whole blocks (a
	// second a column boundary cuts is counted in both columns, and a rolled
	// block's owner carries the whole block).
	label := rolled.Load.Labels()[2]
	var a, b int64
	for _, c := range rolled.Load.Columns(t0*1000, (t0+secs)*1000, 72, label, nil) {
		a += c.Samples
	}
	for _, c := range exact.Load.Columns(t0*1000, (t0+secs)*1000, 72, label, nil) {
		b += c.Samples
	}
	if a != b || a != secs*3 {
		t.Fatalf("columns of %s: %d samples, exact %d", label, a, b)
	}
	// The requests' timeline is per second everywhere.
	for sec := int64(t0); sec < t0+secs; sec++ {
		if rolled.Load.Second(sec).Requests.Count != exact.Load.Second(sec).Requests.Count {
			t.Fatalf("second %d: requests differ", sec)
		}
	}
}

// TestRollupLateSample adds a sample to an already rolled-up block, before
// the second that owned it: the block's label data moves to the new first
// second and nothing is lost.
func TestRollupLateSample(t *testing.T) {
	const t0 = 1_795_000_000
	st := New([]sources.Info{{Name: "a.jtl", Kind: sources.KindJTL}})
	rollupRun(st, t0+1, 2*3600, 3, 1, true) // second t0+1 owns the first block
	ms, ok := st.Load.RolledUpBefore()
	if !ok || ms <= (t0+10)*1000 {
		t.Fatalf("RolledUpBefore = %d, %v", ms, ok)
	}
	late := sources.Sample{StartMS: t0*1000 + 5, ElapsedMS: 3, Label: "label 000", Success: true, AllThreads: -1, GrpThreads: -1}
	late2 := late
	late2.StartMS = (t0+5)*1000 + 5
	st.Apply(sources.Batch{Samples: []sources.Sample{late, late2}})
	if b := st.Load.Second(t0 + 1); len(b.Labels) != 0 {
		t.Fatal("the old owner kept its labels")
	}
	if b := st.Load.Second(t0); len(b.Labels) == 0 || b.Labels[0].Count != 1+9+1 {
		t.Fatalf("new owner holds %+v", b.Labels)
	}
	sum := st.Load.Summarize(0, 0, "label 000")
	if sum.Labels[0].Stats.Count != 2*3600+2 || sum.Labels[0].Stats.Latency.Min() != 3 {
		t.Fatalf("label 000: %+v", sum.Labels[0].Stats)
	}
}

// TestOldSecondsCompacted: the sketches of seconds more than
// compactAfterSec behind the newest give back their empty buckets (a
// second's requests spread over 5 ms-60 s took 2 KB or more each), and
// every figure stays as it was without compaction, also after a late
// sample lands in a compacted second.
func TestOldSecondsCompacted(t *testing.T) {
	const t0, secs = 1_795_000_000, 400
	feed := func(st *Store) {
		batch := make([]sources.Sample, 0, sources.BatchRecords)
		for s := int64(0); s < secs; s++ {
			for k := range int64(300) {
				n := s*300 + k
				batch = append(batch, sources.Sample{StartMS: (t0+s)*1000 + k, ElapsedMS: int32(5 + (n*7919)%100*600),
					LatencyMS: -1, ConnectMS: -1, Label: []string{"a", "b"}[k%2], Code: "200", Message: "OK",
					Success: true, GrpThreads: -1, AllThreads: -1})
				if len(batch) == cap(batch) {
					st.Apply(sources.Batch{Samples: batch})
					batch = batch[:0]
				}
			}
		}
		st.Apply(sources.Batch{Samples: batch})
	}
	info := []sources.Info{{Name: "a.jtl", Kind: sources.KindJTL}}
	compacted := New(info)
	feed(compacted)
	saved := compactAfterSec
	compactAfterSec = 1 << 50
	plain := New(info)
	feed(plain)
	compactAfterSec = saved

	old := compacted.Load.Second(t0 + 10)
	if n := old.Requests.Latency.BucketBytes(); n > 110*4 {
		t.Errorf("an old second's request sketch holds %d bytes of buckets", n)
	}
	if n := plain.Load.Second(t0 + 10).Requests.Latency.BucketBytes(); n < 1000 {
		t.Errorf("without compaction it holds only %d bytes: the test's data is too narrow", n)
	}
	if n := compacted.Load.Second(t0 + secs - 1).Requests.Latency.BucketBytes(); n < 1000 {
		t.Errorf("the newest second was compacted (%d bytes)", n)
	}
	same := func(when string) {
		t.Helper()
		for _, w := range [][2]int64{{0, 0}, {(t0 + 5) * 1000, (t0 + 6) * 1000}, {(t0 + 100) * 1000, (t0 + 390) * 1000}} {
			got, want := compacted.Load.Summarize(w[0], w[1], ""), plain.Load.Summarize(w[0], w[1], "")
			if got.Requests.Count != want.Requests.Count || len(got.Labels) != len(want.Labels) {
				t.Fatalf("%s window %v: %d requests, %d labels; want %d, %d", when, w, got.Requests.Count, len(got.Labels), want.Requests.Count, len(want.Labels))
			}
			for _, q := range []float64{0.5, 0.9, 0.99} {
				g, _ := got.Requests.Percentile(q)
				wq, _ := want.Requests.Percentile(q)
				lg, _ := got.Labels[1].Stats.Percentile(q)
				lw, _ := want.Labels[1].Stats.Percentile(q)
				if g != wq || lg != lw {
					t.Fatalf("%s window %v q=%v: requests %v, label %v; want %v, %v", when, w, q, g, lg, wq, lw)
				}
			}
		}
	}
	same("compacted")
	late := []sources.Sample{{StartMS: (t0+5)*1000 + 500, ElapsedMS: 77777, LatencyMS: -1, ConnectMS: -1, Label: "b",
		Code: "200", Message: "OK", Success: true, GrpThreads: -1, AllThreads: -1}}
	compacted.Apply(sources.Batch{Samples: late})
	plain.Apply(sources.Batch{Samples: slices.Clone(late)})
	same("after a late sample")
}
