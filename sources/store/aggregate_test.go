package store

import (
	"math"
	"testing"
	"time"

	"github.com/sobang/sobang/sources"
)

func TestAggregatesKeptApartAndTimed(t *testing.T) {
	st := New([]sources.Info{{Name: "run", Kind: sources.KindLocust, Offset: 2 * time.Second}})
	final := []sources.Aggregate{{Final: true, Label: "/a", Requests: 5}, {Final: true, Label: sources.AggregatedLabel, Requests: 5}}
	hist := []sources.Aggregate{{TimeMS: 10_000, Label: sources.AggregatedLabel}, {TimeMS: 12_000, Label: sources.AggregatedLabel, Requests: 5}}
	changed := st.Apply(sources.Batch{Aggregates: append(append([]sources.Aggregate{}, hist...), final...), Rows: 4,
		Failures: []sources.AggregateFailure{{Label: "/a", Error: "boom", Occurrences: 1}}})
	if changed&PartLoad == 0 {
		t.Fatal("no load change")
	}
	if !st.Load.Empty() || !st.Load.HasAggregates() {
		t.Fatal("aggregates mixed with samples, or lost")
	}
	sets := st.Load.AggregateSets()
	if len(sets) != 1 || len(sets[0].Final) != 2 || len(sets[0].History) != 2 || len(sets[0].Failures) != 1 ||
		sets[0].Total().Requests != 5 || sets[0].History[0].TimeMS != 12_000 {
		t.Fatalf("sets %+v", sets[0])
	}
	if first, last, ok := st.Load.Range(); !ok || first != 12 || last != 14 {
		t.Errorf("Range %d..%d %v, want 12..14", first, last, ok)
	}
	if first, last, ok := st.DataRange(); !ok || first != 12_000 || last != 14_000 {
		t.Errorf("DataRange %d..%d %v", first, last, ok)
	}
	// New final figures replace the old; history adds; a reset starts it over.
	st.Apply(sources.Batch{Aggregates: []sources.Aggregate{{Final: true, Label: sources.AggregatedLabel, Requests: 9}}})
	if s := st.Load.AggregateSets()[0]; len(s.Final) != 1 || s.Total().Requests != 9 || len(s.History) != 2 || len(s.Failures) != 1 {
		t.Errorf("after new final rows: %+v", s)
	}
	st.Apply(sources.Batch{Reset: true, Aggregates: []sources.Aggregate{{TimeMS: 20_000, Label: sources.AggregatedLabel}}})
	if s := st.Load.AggregateSets()[0]; len(s.History) != 1 || s.History[0].TimeMS != 22_000 {
		t.Errorf("after reset: %+v", s.History)
	}
}

func TestMergeFinal(t *testing.T) {
	nan := math.NaN()
	row := func(method, label string, n, failed int64, rps, mean, lo, hi, p95 float64) sources.Aggregate {
		return sources.Aggregate{Final: true, Method: method, Label: label, Users: -1, Requests: n, Failures: failed,
			RequestsPerSec: rps, FailuresPerSec: nan, MedianMS: p95 / 2, MeanMS: mean, MinMS: lo, MaxMS: hi, AvgBytes: 10,
			Percentiles: []sources.Percentile{{Q: 0.95, MS: p95}}}
	}
	a := &AggregateSet{Final: []sources.Aggregate{row("GET", "/x", 100, 5, 10, 20, 2, 300, 250), row("", sources.AggregatedLabel, 100, 5, 10, 20, 2, 300, 250)}}
	b := &AggregateSet{Final: []sources.Aggregate{row("POST", "/x", 300, 0, nan, 40, 1, 200, 100), row("GET", "/y", 1, 0, 1, 5, 5, 5, 5)}}
	sets := []*AggregateSet{a, b}
	// One row: as it is.
	if got, n := MergeFinal(sets, func(r *sources.Aggregate) bool { return r.Label == "/y" }); n != 1 || got.Percentile(0.95) != 5 || got.AvgBytes != 10 {
		t.Errorf("one row: %d %+v", n, got)
	}
	got, n := MergeFinal(sets, func(r *sources.Aggregate) bool { return r.Label == "/x" })
	if n != 2 || got.Method != "" || got.Label != "/x" || got.Requests != 400 || got.Failures != 5 || got.RequestsPerSec != 10 ||
		got.MeanMS != (20*100+40*300)/400.0 || got.MinMS != 1 || got.MaxMS != 300 || !math.IsNaN(got.MedianMS) ||
		!math.IsNaN(got.Percentile(0.95)) || !math.IsNaN(got.AvgBytes) || !math.IsNaN(got.FailuresPerSec) || !got.Final {
		t.Errorf("merged: %+v", got)
	}
	if _, n := MergeFinal(sets, func(*sources.Aggregate) bool { return false }); n != 0 {
		t.Errorf("no row: %d", n)
	}
	if tot, n := MergeFinal(sets, IsTotal); n != 1 || tot.Requests != 100 {
		t.Errorf("totals %d %+v", n, tot)
	}
}
