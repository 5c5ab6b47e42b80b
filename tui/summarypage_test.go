package tui

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/store"
	"github.com/sobang/sobang/themes"
)

// k6SummaryStore is a store holding one k6 summary: a failed and a passed
// threshold, checks with a failure, two metrics, and its request rows.
func k6SummaryStore() *store.Store {
	st := store.New([]sources.Info{{Name: "/runs/summary.json", Kind: sources.KindK6}})
	nan := math.NaN()
	row := func(label string, reqs, fails int64) sources.Aggregate {
		return sources.Aggregate{Final: true, Label: label, Users: -1, Requests: reqs, Failures: fails,
			RequestsPerSec: 1.99, FailuresPerSec: nan, MedianMS: 40, MeanMS: 42.5, MinMS: 1.25, MaxMS: 300, AvgBytes: nan,
			Percentiles: []sources.Percentile{{Q: 0.5, MS: 40}, {Q: 0.99, MS: 250}}}
	}
	st.Apply(sources.Batch{Source: 0, CaughtUp: true, Rows: 2,
		Aggregates: []sources.Aggregate{row("search", 30, 0), row(sources.AggregatedLabel, 120, 6)},
		Summary: &sources.ToolSummary{
			Metrics: []sources.SummaryMetric{
				{Name: "http_req_duration", Type: "trend", Values: []sources.SummaryValue{{Key: "avg", Value: 42.5}, {Key: "p(99)", Value: 250}}},
				{Name: "http_reqs", Type: "counter", Values: []sources.SummaryValue{{Key: "count", Value: 120}, {Key: "rate", Value: 1.99}}},
			},
			Thresholds: []sources.Threshold{
				{Metric: "http_req_duration", Expr: "p(99)<200"},
				{Metric: "http_req_duration", Expr: "avg<100", OK: true},
			},
			Checks: &sources.Checks{Passes: 9, Fails: 1},
		}})
	return st
}

// TestK6SummaryPage opens a k6 summary: a page of its thresholds (the
// failed one marked), checks, rows and metrics, not two empty charts.
func TestK6SummaryPage(t *testing.T) {
	for _, size := range [][2]int{{120, 40}, {80, 24}, {200, 60}} {
		m := storeModel(k6SummaryStore(), t0.Add(time.Hour), size[0], size[1])
		f := plain(m.Render())
		for _, want := range []string{
			"thresholds: 1 of 2 failed", "✗ http_req_duration  p(99)<200  failed", "✓ http_req_duration  avg<100",
			"checks: 10 run, 1 failed (90.0% passed)", "search",
		} {
			if !strings.Contains(f, want) {
				t.Errorf("%v: the page lacks %q:\n%s", size, want, f)
			}
		}
		if size[1] >= 40 {
			for _, want := range []string{"metrics as k6 wrote them", "http_reqs", "count 120  rate 1.99"} {
				if !strings.Contains(f, want) {
					t.Errorf("%v: the page lacks %q:\n%s", size, want, f)
				}
			}
		}
		if strings.Contains(f, "response time") || strings.Contains(f, "no history row here") || strings.Contains(f, "requests –") {
			t.Errorf("%v: a summary without a timeline draws no charts:\n%s", size, f)
		}
		// Nothing plays and there is no time to show.
		if status := f[strings.LastIndexByte(f, '\n')+1:]; !strings.HasPrefix(status, " PAUSED  no timeline") || strings.Contains(status, "range") {
			t.Errorf("%v: status line %q", size, status)
		}
	}
}

// TestAggregateTableSaysMoreBelow gives a Locust set more labels than fit:
// the table says how many are below, and ↓ scrolls to the last one.
func TestAggregateTableSaysMoreBelow(t *testing.T) {
	st := store.New([]sources.Info{{Name: "run_stats.csv", Kind: sources.KindLocust}})
	var aggs []sources.Aggregate
	for sec := int64(0); sec < 30; sec++ {
		aggs = append(aggs, sources.Aggregate{TimeMS: t0.UnixMilli() + sec*1000, Label: sources.AggregatedLabel, Users: 10,
			Requests: sec * 20, RequestsPerSec: 20, FailuresPerSec: 1})
	}
	for i := range 40 {
		aggs = append(aggs, sources.Aggregate{Final: true, Method: "GET", Label: fmt.Sprintf("/api/item%02d", i), Users: -1, Requests: 10, RequestsPerSec: 1})
	}
	aggs = append(aggs, sources.Aggregate{Final: true, Label: sources.AggregatedLabel, Users: -1, Requests: 400, RequestsPerSec: 20})
	st.Apply(sources.Batch{Source: 0, Aggregates: aggs, CaughtUp: true})
	m := storeModel(st, t0.Add(3*time.Hour), 120, 40)
	f := plain(m.Render())
	if !strings.Contains(f, "more labels") || strings.Contains(f, "/api/item39") {
		t.Fatalf("a cut table must say how many labels are below:\n%s", f)
	}
	for range 40 {
		press(m, "down")
	}
	f = plain(m.Render())
	if !strings.Contains(f, "/api/item39") || strings.Contains(f, "more labels") {
		t.Fatalf("scrolled down, the last label shows and nothing is said below:\n%s", f)
	}
}

// TestPlannedThreads draws the plan's threads over the measured ones: the
// legend reads the plan at the cursor, counted from the run's first second.
func TestPlannedThreads(t *testing.T) {
	theme, _ := themes.Load("dark", "")
	planned := func(d time.Duration) (float64, bool) { return min(d.Seconds()/3, 20), true } // 20 threads over 60 s
	m := New(Options{Store: fixtureStore(), Theme: theme, Zone: time.UTC, Clock: sources.NewManualClock(t0.Add(3 * time.Hour)),
		PlannedThreads: planned})
	m.Update(sizeMsg(200, 60))
	m.ingest()
	m.tl.SetCursor(t0.Add(30*time.Second).UnixMilli(), m.nowMS())
	press(m, "1", "z") // the load pane zoomed: tall enough for the threads chart
	f := plain(m.Render())
	if !strings.Contains(f, "active threads 8") || !strings.Contains(f, "planned 10") {
		t.Fatalf("the threads legend must read the measured and the planned threads:\n%s", f)
	}
	// Without a plan there is no planned figure.
	m = fixtureModel(t0.Add(3*time.Hour), 200, 60)
	press(m, "1", "z")
	if f := plain(m.Render()); strings.Contains(f, "planned") || !strings.Contains(f, "active threads") {
		t.Fatal("no plan, no planned threads")
	}
}
