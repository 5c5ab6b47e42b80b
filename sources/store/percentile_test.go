package store

import (
	"errors"
	"math"
	"testing"
	"time"

	"github.com/sobang/sobang/sources"
)

// boundarySecond is one second of 100 samples of label at second sec whose
// nearest-rank p95 is exactly 8 ms and p99 465 ms, the figures,
// which the sketch gives as 7.92 and 468.8.
func boundarySecond(sec int64, label string) []sources.Sample {
	var out []sources.Sample
	add := func(n int, ms int32) {
		for i := range n {
			out = append(out, sample(sec*1000+int64(i), ms, label, true))
		}
	}
	add(50, 5)
	add(45, 8)
	add(4, 465)
	add(1, 900)
	return out
}

// slowSecond is one second of 20 samples of 100 ms.
func slowSecond(sec int64, label string) []sources.Sample {
	var out []sources.Sample
	for i := range 20 {
		out = append(out, sample(sec*1000+int64(i), 100, label, true))
	}
	return out
}

func logEntry(offMS int64) sources.Batch {
	return sources.Batch{Rows: 1, Entries: []sources.LogEntry{{Time: time.UnixMilli(base + offMS), Lines: []string{"x"}}}}
}

// percentiles returns the requests' and label's p95 and p99, and whether
// every one is exact.
func percentiles(sum Summary, label string) (reqP95, reqP99, labP95, labP99 float64, allExact bool) {
	allExact = true
	get := func(st *Stats, q float64) float64 {
		v, ok := st.Percentile(q)
		allExact = allExact && ok
		return v
	}
	reqP95, reqP99 = get(&sum.Requests, 0.95), get(&sum.Requests, 0.99)
	labP95, labP99 = math.NaN(), math.NaN()
	for i := range sum.Labels {
		if sum.Labels[i].Label == label {
			labP95, labP99 = get(&sum.Labels[i].Stats, 0.95), get(&sum.Labels[i].Stats, 0.99)
		}
	}
	return reqP95, reqP99, labP95, labP99, allExact
}

func TestExactPercentilesOfTheRun(t *testing.T) {
	cases := []struct {
		name      string
		kind      sources.Kind
		keep      bool
		wantExact bool
	}{
		{"JTL", sources.KindJTL, true, true},
		{"Gatling", sources.KindGatling, true, true},
		{"k6 times are fractional", sources.KindK6, true, false},
		{"not kept", sources.KindJTL, false, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			st := New([]sources.Info{{Name: "run", Kind: c.kind}})
			if c.keep {
				if err := st.KeepExact(nil); err != nil {
					t.Fatal(err)
				}
			}
			for sec := range int64(3) {
				st.Apply(sources.Batch{Samples: boundarySecond(sec, "GET account")})
			}
			sum := st.Load.Summarize(0, 0, "")
			rp95, rp99, lp95, lp99, exact := percentiles(sum, "GET account")
			if exact != c.wantExact {
				t.Fatalf("exact = %v, want %v", exact, c.wantExact)
			}
			if !c.wantExact {
				// The sketch's estimates, within 1% but off the boundary.
				if rp95 == 8 || math.Abs(rp95-8) > 0.08 {
					t.Errorf("estimated p95 %v, want the sketch's ~7.92", rp95)
				}
				return
			}
			if rp95 != 8 || rp99 != 465 || lp95 != 8 || lp99 != 465 {
				t.Errorf("p95/p99 = %v/%v (requests), %v/%v (label), want 8/465", rp95, rp99, lp95, lp99)
			}
			if err := st.Load.ExactFor(0, 0); err != nil {
				t.Errorf("ExactFor(run): %v", err)
			}
		})
	}
}

// TestExactPercentilesOfAWindow counts only the window's seconds, with the
// window given before reading (absolute) and resolved against the data's
// start (relative), including a start that a second source moves earlier
// before every source has delivered data.
func TestExactPercentilesOfAWindow(t *testing.T) {
	// Seconds 0-4 are slow (100 ms), 5-9 are the boundary figures: the
	// window [5 s, 10 s) has p95 8 and p99 465, the run does not.
	jtlBatch := func(from, to int64) sources.Batch {
		var s []sources.Sample
		for sec := from; sec < to; sec++ {
			if sec < 5 {
				s = append(s, slowSecond(sec, "GET account")...)
			} else {
				s = append(s, boundarySecond(sec, "GET account")...)
			}
		}
		return sources.Batch{Samples: s}
	}
	cases := []struct {
		name    string
		window  WindowFunc
		batches []sources.Batch // for a.jtl (0) and app.log (1), by Source
		ask     [2]int64        // the window summarised, offsets from base
	}{
		{"absolute", func(int64) (int64, int64) { return base + 5000, base + 10_000 }, []sources.Batch{jtlBatch(0, 10), logEntry(0)}, [2]int64{5000, 10_000}},
		{"absolute, fractional edges take whole seconds", func(int64) (int64, int64) { return base + 5500, base + 9001 }, []sources.Batch{jtlBatch(0, 10), logEntry(0)}, [2]int64{5500, 9001}},
		{"relative to the JTL's start", func(start int64) (int64, int64) { return start + 5000, 0 }, []sources.Batch{jtlBatch(0, 10), logEntry(0)}, [2]int64{5000, 0}},
		{"relative, the log starts 2 s earlier and arrives late", func(start int64) (int64, int64) { return start + 7000, 0 },
			[]sources.Batch{jtlBatch(0, 6), jtlBatch(6, 10), logEntry(-2000)}, [2]int64{5000, 0}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			st := New([]sources.Info{{Name: "a.jtl", Kind: sources.KindJTL}, {Name: "app.log", Kind: sources.KindLog}})
			if err := st.KeepExact(c.window); err != nil {
				t.Fatal(err)
			}
			for _, b := range c.batches {
				if len(b.Entries) > 0 {
					b.Source = 1
				}
				st.Apply(b)
			}
			from, to := base+c.ask[0], int64(0)
			if c.ask[1] != 0 {
				to = base + c.ask[1]
			}
			if err := st.Load.ExactFor(from, to); err != nil {
				t.Fatalf("ExactFor: %v", err)
			}
			rp95, rp99, lp95, lp99, exact := percentiles(st.Load.Summarize(from, to, ""), "GET account")
			if !exact || rp95 != 8 || rp99 != 465 || lp95 != 8 || lp99 != 465 {
				t.Errorf("p95/p99 = %v/%v (requests), %v/%v (label), exact %v; want 8/465 exact", rp95, rp99, lp95, lp99, exact)
			}
			// Another window is not the one counted: estimates.
			if _, _, _, _, exact := percentiles(st.Load.Summarize(0, 0, ""), "GET account"); exact {
				t.Error("the whole run has exact percentiles, but only the window was counted")
			}
			// Nor is a search's pick of labels.
			filtered := st.Load.Summarize(from, to, "account")
			if v, ok := filtered.Requests.Percentile(0.95); ok {
				t.Errorf("a filtered summary's p95 %v is exact", v)
			}
		})
	}
}

// TestExactWindowMovedAfterCounting: when the data's start moves after
// counting began and the window moves over seconds already decided, the
// counts no longer describe the window and the store says so.
func TestExactWindowMovedAfterCounting(t *testing.T) {
	cases := []struct {
		name      string
		late      sources.Batch // arrives after both sources delivered data
		wantExact bool
	}{
		{"a late earlier start moves the edge over counted seconds", sources.Batch{Samples: []sources.Sample{sample(-3000, 5, "GET account", true)}}, false},
		{"a late sample that leaves the start alone", sources.Batch{Samples: []sources.Sample{sample(1000, 5, "GET account", true)}}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			st := New([]sources.Info{{Name: "a.jtl", Kind: sources.KindJTL}, {Name: "app.log", Kind: sources.KindLog, Offset: 0}})
			if err := st.KeepExact(func(start int64) (int64, int64) { return start + 5000, 0 }); err != nil {
				t.Fatal(err)
			}
			st.Apply(sources.Batch{Source: 1, Rows: 1, Entries: logEntry(0).Entries})
			for sec := range int64(10) {
				st.Apply(sources.Batch{Samples: boundarySecond(sec, "GET account")})
			}
			st.Apply(c.late)
			first, _, _ := st.DataRange()
			err := st.Load.ExactFor(first+5000, 0)
			if (err == nil) != c.wantExact || (err != nil && !errors.Is(err, ErrExactMoved)) {
				t.Fatalf("ExactFor = %v, want exact %v", err, c.wantExact)
			}
			_, _, _, _, exact := percentiles(st.Load.Summarize(first+5000, 0, ""), "GET account")
			if exact != c.wantExact {
				t.Errorf("summary exact = %v, want %v", exact, c.wantExact)
			}
		})
	}
}

// TestExactPendingIsBounded: while a source has delivered nothing, samples
// wait uncounted only up to exactPendingMax; then they are counted.
func TestExactPendingIsBounded(t *testing.T) {
	st := New([]sources.Info{{Name: "a.jtl", Kind: sources.KindJTL}, {Name: "app.log", Kind: sources.KindLog}})
	if err := st.KeepExact(nil); err != nil {
		t.Fatal(err)
	}
	n := 0
	for sec := int64(0); n <= exactPendingMax; sec++ {
		b := boundarySecond(sec, "GET account")
		n += len(b)
		st.Apply(sources.Batch{Samples: b})
	}
	e := st.Load.exact
	if !e.counting || len(e.pending) != 0 {
		t.Fatalf("counting %v with %d pending after %d samples", e.counting, len(e.pending), n)
	}
	if got := e.requests.Count(); got != uint64(n) {
		t.Errorf("counted %d, want %d", got, n)
	}
}

func TestKeepExactBeforeSamples(t *testing.T) {
	st := New([]sources.Info{{Name: "a.jtl", Kind: sources.KindJTL}})
	st.Apply(sources.Batch{Samples: boundarySecond(0, "GET account")})
	if err := st.KeepExact(nil); err == nil {
		t.Fatal("KeepExact after samples were added: no error")
	}
	if err := st.Load.ExactFor(0, 0); err == nil {
		t.Error("ExactFor: exact, but the counts would miss the samples added before")
	}
}

func TestFractionalSourceMakesEstimates(t *testing.T) {
	st := New([]sources.Info{{Name: "a.jtl", Kind: sources.KindJTL}, {Name: "run.json", Kind: sources.KindK6}})
	if err := st.KeepExact(nil); err != nil {
		t.Fatal(err)
	}
	st.Apply(sources.Batch{Samples: boundarySecond(0, "GET account")})
	st.Apply(sources.Batch{Source: 1, Samples: boundarySecond(1, "k6 GET")})
	sum := st.Load.Summarize(0, 0, "")
	if _, ok := sum.Requests.Percentile(0.95); ok {
		t.Error("the requests hold k6 samples but their p95 is exact")
	}
	for _, l := range sum.Labels {
		_, ok := l.Stats.Percentile(0.95)
		if want := l.Label == "GET account"; ok != want {
			t.Errorf("%s: exact %v, want %v", l.Label, ok, want)
		}
	}
	name, kind, ok := st.Load.FractionalSource()
	if !ok || name != "run.json" || kind != sources.KindK6 {
		t.Errorf("FractionalSource = %q, %q, %v", name, kind, ok)
	}
}
