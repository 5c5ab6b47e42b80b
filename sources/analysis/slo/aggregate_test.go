package slo

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/store"
)

// finalRow is a Locust-like final row: p50, p95 and p100 written, no p99.
func finalRow(method, label string, requests, failures int64, rps, mean, max, p95 float64) sources.Aggregate {
	return sources.Aggregate{Final: true, Method: method, Label: label, Users: -1, Requests: requests, Failures: failures,
		RequestsPerSec: rps, FailuresPerSec: 0, MedianMS: p95 / 2, MeanMS: mean, MinMS: 1, MaxMS: max, AvgBytes: 100,
		Percentiles: []sources.Percentile{{Q: 0.5, MS: p95 / 2}, {Q: 0.95, MS: p95}, {Q: 1, MS: max}}}
}

// aggregateStore holds one set per list of rows.
func aggregateStore(sets ...[]sources.Aggregate) *store.Store {
	infos := make([]sources.Info, len(sets))
	for i := range sets {
		infos[i] = sources.Info{Name: "set", Kind: sources.KindLocust}
	}
	st := store.New(infos)
	for i, rows := range sets {
		st.Apply(sources.Batch{Source: i, Aggregates: rows, Rows: len(rows)})
	}
	return st
}

func evalAggregates(t *testing.T, st *store.Store, objectives ...string) []Result {
	t.Helper()
	var srcs []AggregateSource
	for _, set := range st.Load.AggregateSets() {
		srcs = append(srcs, AggregateSource{From: "Locust's figures", Set: set})
	}
	var objs []Objective
	for _, text := range objectives {
		o, err := Parse(text)
		if err != nil {
			t.Fatal(err)
		}
		objs = append(objs, o)
	}
	results, err := EvaluateAggregates(srcs, objs)
	if err != nil {
		t.Fatal(err)
	}
	return results
}

func TestEvaluateAggregates(t *testing.T) {
	st := aggregateStore([]sources.Aggregate{
		finalRow("GET", "/a", 100, 5, 10, 120, 900, 450),
		finalRow("POST", "/b", 50, 0, 5, 60, 400, 200),
		finalRow("", sources.AggregatedLabel, 150, 5, 15, 100, 900, 400),
	})
	tests := []struct {
		objective string
		pass      bool
		measured  float64 // NaN when not measured
		problem   string
	}{
		{"p95<500ms", true, 400, ""},
		{"p50<=200ms", true, 200, ""},
		{"max<1s", true, 900, ""},
		{"mean>100ms", false, 100, ""},
		{"error_rate<5%", true, 5.0 / 150, ""},
		{"throughput>=15", true, 15, ""},
		{"p99<1s", false, math.NaN(), "not available from Locust's figures (no p99 written)"},
		{"p90<1s", false, math.NaN(), "not available from Locust's figures (no p90 written)"},
		{"apdex>0.5", false, math.NaN(), "not available from Locust's figures: APDEX needs each request's time"},
		{"label=/a:p95<=450ms", true, 450, ""},
		{"label=/a:error_rate<1%", false, 0.05, ""},
		{"label=/c:p95<1s", false, math.NaN(), `no such label; labels: "/a", "/b"`},
	}
	objectives := make([]string, len(tests))
	for i, tt := range tests {
		objectives[i] = tt.objective
	}
	for i, r := range evalAggregates(t, st, objectives...) {
		tt := tests[i]
		same := r.Measured == tt.measured || (math.IsNaN(r.Measured) && math.IsNaN(tt.measured))
		if r.Pass != tt.pass || !same || r.Problem != tt.problem {
			t.Errorf("%s: %+v, want pass %v measured %v problem %q", tt.objective, r, tt.pass, tt.measured, tt.problem)
		}
	}
}

// TestEvaluateSeveralAggregateSets checks that counts add up, the mean
// merges exactly and percentiles are never merged.
func TestEvaluateSeveralAggregateSets(t *testing.T) {
	st := aggregateStore(
		[]sources.Aggregate{finalRow("GET", "/a", 100, 5, 10, 120, 900, 450), finalRow("", sources.AggregatedLabel, 100, 5, 10, 120, 900, 450)},
		[]sources.Aggregate{finalRow("GET", "/a", 300, 1, 30, 40, 300, 90), finalRow("GET", "/only", 10, 0, 1, 5, 9, 8),
			finalRow("", sources.AggregatedLabel, 310, 1, 31, 38.8, 300, 90)},
	)
	results := evalAggregates(t, st, "p95<1s", "error_rate<2%", "throughput>=41", "max<1s", "label=/a:mean<=60ms", "label=/a:p50<1s", "label=/only:p95<10ms")
	want := []struct {
		pass     bool
		measured float64
	}{
		{false, math.NaN()},
		{true, 6.0 / 410},
		{true, 41},
		{true, 900},
		{true, (120*100 + 40*300) / 400.0}, // 60
		{false, math.NaN()},
		{true, 8}, // in one set only: its own p95
	}
	for i, r := range results {
		same := r.Measured == want[i].measured || (math.IsNaN(r.Measured) && math.IsNaN(want[i].measured))
		if r.Pass != want[i].pass || !same {
			t.Errorf("%s: %+v, want %+v", r.Objective.Text, r, want[i])
		}
		if math.IsNaN(want[i].measured) && !strings.Contains(r.Problem, "cannot be merged") {
			t.Errorf("%s: problem %q", r.Objective.Text, r.Problem)
		}
	}
}

func TestEvaluateAggregatesWithoutFigures(t *testing.T) {
	st := aggregateStore([]sources.Aggregate{{TimeMS: 1000, Label: sources.AggregatedLabel, Requests: 3}})
	_, err := EvaluateAggregates([]AggregateSource{{From: "x", Set: st.Load.AggregateSets()[0]}}, nil)
	if !errors.Is(err, ErrNoFigures) {
		t.Fatalf("history only: %v, want ErrNoFigures", err)
	}
	// Totals of a run that made no request.
	st = aggregateStore([]sources.Aggregate{finalRow("", sources.AggregatedLabel, 0, 0, 0, 0, 0, math.NaN())})
	if r := evalAggregates(t, st, "mean<1s")[0]; r.Pass || r.Problem != "no requests in Locust's figures" {
		t.Errorf("no requests: %+v", r)
	}
}

// TestEvaluateAggregatesUnknownFailures: a row whose tool wrote no failure
// count fails error_rate with the reason, never passes with 0%.
func TestEvaluateAggregatesUnknownFailures(t *testing.T) {
	row := finalRow("", sources.AggregatedLabel, 100, 0, 10, 20, 30, 40)
	row.FailuresUnknown = true
	st := aggregateStore([]sources.Aggregate{row})
	r := evalAggregates(t, st, "error_rate<1%")[0]
	if r.Pass || !strings.Contains(r.Problem, "no count of failed requests") {
		t.Errorf("unknown failures: %+v", r)
	}
}
