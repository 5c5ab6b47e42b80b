package k6

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/loadtest/internal/loadtesttest"
)

// aggregatesOf returns the aggregate rows a read pushed, in order.
func aggregatesOf(r result) []sources.Aggregate {
	var out []sources.Aggregate
	for _, b := range r.Batches {
		out = append(out, b.Aggregates...)
	}
	return out
}

// row is the figures of one Final row a test expects; NaN where the tool
// wrote none.
type row struct {
	label                    string
	requests, failures       int64
	rps, mean, min, max, med float64
	percentiles              map[float64]float64
}

func checkRow(t *testing.T, got sources.Aggregate, want row) {
	t.Helper()
	same := func(a, b float64) bool { return a == b || (math.IsNaN(a) && math.IsNaN(b)) }
	if !got.Final || got.Label != want.label || got.Method != "" || got.Users != -1 || got.TimeMS != 0 ||
		got.Requests != want.requests || got.Failures != want.failures || !same(got.RequestsPerSec, want.rps) ||
		!same(got.MeanMS, want.mean) || !same(got.MinMS, want.min) || !same(got.MaxMS, want.max) || !same(got.MedianMS, want.med) ||
		!math.IsNaN(got.FailuresPerSec) || !math.IsNaN(got.AvgBytes) {
		t.Errorf("row\n got %+v\nwant %+v", got, want)
	}
	if len(got.Percentiles) != len(want.percentiles) {
		t.Errorf("%s: percentiles %v, want %v", want.label, got.Percentiles, want.percentiles)
	}
	for i, p := range got.Percentiles {
		if v, ok := want.percentiles[p.Q]; !ok || v != p.MS {
			t.Errorf("%s: percentile %v = %v, want %v (%v)", want.label, p.Q, p.MS, v, ok)
		}
		if i > 0 && got.Percentiles[i-1].Q >= p.Q {
			t.Errorf("%s: percentiles out of order: %v", want.label, got.Percentiles)
		}
	}
}

func hasWarning(r result, part string) bool {
	for _, w := range r.Warnings {
		if strings.Contains(w, part) {
			return true
		}
	}
	return false
}

// TestCorpusSummaries reads every summary of the corpus as k6's own
// figures. The expected values are the files' own numbers, copied from them.
func TestCorpusSummaries(t *testing.T) {
	dir := filepath.Join(corpusDir(t), "summary")
	cases := map[string]struct {
		rows     []row
		warnings []string
	}{
		// --summary-export: flattened values, one request that failed,
		// the failed threshold written true.
		"apiratelimiter_summary-export_legacy.json": {
			rows: []row{{label: sources.AggregatedLabel, requests: 1, failures: 1, rps: 635.0012700025401,
				mean: 0, min: 0, max: 0, med: 0, percentiles: map[float64]float64{0.5: 0, 0.9: 0, 0.95: 0}}},
			warnings: []string{"k6 thresholds failed: http_req_failed: rate<0.1"},
		},
		// handleSummary's data: p(99) in summaryTrendStats; the
		// expected_response sub-metric is no label.
		"k6reporter_handleSummary_data_simple.json": {
			rows: []row{{label: sources.AggregatedLabel, requests: 878, failures: 349, rps: 35.94634922417172,
				mean: 21.37513127107059, min: 0.259855, max: 143.326605, med: 20.090773,
				percentiles: map[float64]float64{0.5: 20.090773, 0.9: 26.358651200000008, 0.95: 30.0256841, 0.99: 39.577136380000084}}},
			warnings: []string{"k6 checks: 878 run, 349 failed"},
		},
		// A gRPC test: no failure metric; the failed threshold is on a
		// custom metric.
		"k6reporter_handleSummary_data_grpc.json": {
			rows: []row{{label: sources.AggregatedLabel, requests: 9615, failures: 0, rps: 2833.5502441831595,
				mean: 1.0331183109724373, min: 0.185891, max: 8.499031, med: 0.758751,
				percentiles: map[float64]float64{0.5: 0.758751, 0.9: 2.0194050000000003, 0.95: 2.5228431999999996}}},
			warnings: []string{"k6 counts no failed gRPC requests", "k6 checks: 9615 run, 0 failed", "k6 thresholds failed: fake_rate: rate >= 0.8"},
		},
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != len(cases) {
		t.Errorf("%d corpus summaries, %d expected: a new file needs its figures here", len(entries), len(cases))
	}
	for _, e := range entries {
		t.Run(e.Name(), func(t *testing.T) {
			want, ok := cases[e.Name()]
			if !ok {
				t.Fatalf("no expected figures for %s", e.Name())
			}
			path := filepath.Join(dir, e.Name())
			head, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if format, ok := Sniff(head); !ok || format != FormatSummary {
				t.Errorf("Sniff = %q, %v; want %q", format, ok, FormatSummary)
			}
			r := readFile(t, path)
			if r.Err != nil || r.BadRows != 0 || len(r.Samples) != 0 {
				t.Fatalf("Run: %v, %d bad %v, %d samples", r.Err, r.BadRows, badStrings(r), len(r.Samples))
			}
			rows := aggregatesOf(r)
			if len(rows) != len(want.rows) || r.Rows != len(want.rows) {
				t.Fatalf("%d rows (Rows %d), want %d: %+v", len(rows), r.Rows, len(want.rows), rows)
			}
			for i := range rows {
				checkRow(t, rows[i], want.rows[i])
			}
			for _, w := range want.warnings {
				if !hasWarning(r, w) {
					t.Errorf("no warning %q in %q", w, r.Warnings)
				}
			}
			last := r.Health[len(r.Health)-1]
			if last.State != sources.StateDone || last.Format != FormatSummary {
				t.Errorf("last health %+v", last)
			}
		})
	}
}

// TestSummaryTaggedSubmetrics reads a --summary-export whose script set
// thresholds on tagged sub-metrics: each becomes a label row.
func TestSummaryTaggedSubmetrics(t *testing.T) {
	nan := math.NaN()
	r, err := parseChunks(readTestdata(t, "summary_export_tagged.json"))
	if err != nil || r.BadRows != 0 {
		t.Fatalf("%v, bad %v", err, badStrings(r))
	}
	rows := aggregatesOf(r)
	want := []row{
		// No http_reqs{group:::checkout}: no count, no rate.
		{label: "group:::checkout", requests: 0, failures: 0, rps: nan, mean: 50, min: 10, max: 200, med: 40,
			percentiles: map[float64]float64{0.5: 40, 0.9: 90, 0.95: 120, 0.999: 190}},
		{label: "login", requests: 4, failures: 1, rps: 1, mean: 300, min: 100, max: 900, med: 250,
			percentiles: map[float64]float64{0.5: 250, 0.9: 700, 0.95: 800, 0.999: 890}},
		{label: sources.AggregatedLabel, requests: 10, failures: 2, rps: 2.5, mean: 150, min: 10, max: 900, med: 120,
			percentiles: map[float64]float64{0.5: 120, 0.9: 400, 0.95: 600, 0.999: 880}},
	}
	if len(rows) != len(want) || r.Rows != len(want) {
		t.Fatalf("%d rows (Rows %d), want %d: %+v", len(rows), r.Rows, len(want), rows)
	}
	for i := range rows {
		checkRow(t, rows[i], want[i])
	}
	for _, w := range []string{
		`the summary has no request count for "group:::checkout"`,
		"k6 checks: 10 run, 1 failed",
		"k6 thresholds failed: http_req_failed: rate<0.01",
	} {
		if !hasWarning(r, w) {
			t.Errorf("no warning %q in %q", w, r.Warnings)
		}
	}
	whole := readFile(t, filepath.Join("testdata", "summary_export_tagged.json"))
	if n := len(whole.Health); n == 0 || !strings.HasSuffix(whole.Health[n-1].Detail, "summary_export_tagged.json: 3 aggregate rows, no samples") {
		t.Errorf("final health %+v, want the rows read", whole.Health)
	}
	if hasWarning(r, "p(95)<800") {
		t.Errorf("a passed threshold (false in an export) reported as failed: %q", r.Warnings)
	}
	s, err := ParseSummary(readTestdata(t, "summary_export_tagged.json"))
	if err != nil || !s.Export || s.Protocol != "http" {
		t.Errorf("ParseSummary: %v, Export %v, Protocol %q", err, s != nil && s.Export, s.Protocol)
	}
}

// TestSummaryDataShape reads handleSummary's data with "count" among the
// trend stats, a failed threshold as {"ok":false} and a metric that cannot
// be read.
func TestSummaryDataShape(t *testing.T) {
	r, err := parseChunks(readTestdata(t, "summary_data_counts.json"))
	if err != nil {
		t.Fatal(err)
	}
	if r.BadRows != 1 || len(r.Bad) != 1 || r.Bad[0].String() != `line 14: metric "http_req_waiting": "avg": expected a number, found "\"fast\""` {
		t.Errorf("bad rows %d %q", r.BadRows, badStrings(r))
	}
	rows := aggregatesOf(r)
	nan := math.NaN()
	want := []row{
		// The trend's own count gives the label's requests.
		{label: "search", requests: 30, rps: nan, mean: 80, min: 5, max: 300, med: 70,
			percentiles: map[float64]float64{0.5: 70, 0.99: 280}},
		{label: sources.AggregatedLabel, requests: 120, failures: 6, rps: 1.99, mean: 42.5, min: 1.25, max: 300, med: 40,
			percentiles: map[float64]float64{0.5: 40, 0.99: 250}},
	}
	if len(rows) != len(want) {
		t.Fatalf("%d rows, want %d: %+v", len(rows), len(want), rows)
	}
	for i := range rows {
		checkRow(t, rows[i], want[i])
	}
	if !hasWarning(r, "k6 thresholds failed: http_req_duration: p(99)<200") || hasWarning(r, "avg<100") || hasWarning(r, "no request count") {
		t.Errorf("warnings %q", r.Warnings)
	}
	if s, err := ParseSummary(readTestdata(t, "summary_data_counts.json")); err != nil || s.Export {
		t.Errorf("ParseSummary: %v; data shape read as an export", err)
	}
}

// TestSummaryProblems covers documents that are not summaries, or not whole.
func TestSummaryProblems(t *testing.T) {
	tests := []struct {
		name  string
		data  string
		err   string   // the fatal error, "" for none
		bad   []string // the bad rows
		rows  int
		warns string // part of a warning
	}{
		{name: "cut", data: "{\n  \"metrics\": {\n    \"http_reqs\": {\"count\": 3}\n",
			err: "test.k6:4: the k6 summary ends before its last }"},
		{name: "broken", data: "{\"metrics\": {\"http_reqs\": {\"count\": 3,,}}}",
			err: "test.k6:1: not a k6 summary: invalid character ',' looking for beginning of object key string"},
		{name: "machine-readable", data: `{"version":"1.0.0","metadata":{"k6Version":"1.5.0"},"results":{"metrics":[]}}`,
			err: "test.k6:1: k6's machine-readable summary (--new-machine-readable-summary) is not read"},
		{name: "no metrics", data: `{"root_group":{"name":""}}`, err: `test.k6:1: not a k6 summary: no "metrics" object`},
		{name: "metrics not an object", data: "{\"root_group\":{},\n\"metrics\": [1]}", err: "test.k6:2: not a k6 summary"},
		{name: "data after the end", data: "{\"metrics\": {\"http_reqs\": {\"count\": 3, \"rate\": 1}}}\n\n  trailing\n",
			bad: []string{"line 3: data after the end of the k6 summary, left out"}, rows: 1},
		{name: "a metric not an object", data: "{\"metrics\": {\n\"http_reqs\": 3,\n\"http_req_duration\": {\"avg\": 1}}}",
			bad: []string{`line 2: metric "http_reqs": expected an object of values, found "3"`}, rows: 1, warns: "no http_req_failed"},
		{name: "bad threshold", data: "{\"metrics\": {\"http_reqs\": {\"count\": 1, \"thresholds\": {\"count>0\": 7}}}}",
			bad: []string{`line 1: metric "http_reqs": threshold "count>0": expected true/false or {"ok":...}, found "7"`}, rows: 1},
		{name: "no request metric", data: `{"metrics": {"iterations": {"count": 3, "rate": 1}}, "root_group": {}}`,
			warns: "no request metric"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := parseChunks([]byte(tt.data))
			if (err == nil) != (tt.err == "") || (err != nil && !strings.HasPrefix(err.Error(), tt.err)) {
				t.Fatalf("error %v, want %q", err, tt.err)
			}
			if fmt.Sprint(badStrings(r)) != fmt.Sprint(tt.bad) || r.BadRows != len(tt.bad) {
				t.Errorf("bad rows %q, want %q", badStrings(r), tt.bad)
			}
			if len(aggregatesOf(r)) != tt.rows {
				t.Errorf("%d rows, want %d", len(aggregatesOf(r)), tt.rows)
			}
			if tt.warns != "" && !hasWarning(r, tt.warns) {
				t.Errorf("no warning %q in %q", tt.warns, r.Warnings)
			}
		})
	}
}

// TestSummaryAnyChunking reads a summary cut in two at every byte: the rows
// must not depend on where reads end.
func TestSummaryAnyChunking(t *testing.T) {
	data := readTestdata(t, "summary_export_tagged.json")
	whole, err := parseChunks(data)
	if err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprint(aggregatesOf(whole))
	for cut := 0; cut <= len(data); cut++ {
		r, err := parseChunks(data, cut)
		if err != nil || fmt.Sprint(aggregatesOf(r)) != want || r.Rows != whole.Rows || r.BadRows != 0 {
			t.Fatalf("cut at %d: %v, rows %v, bad %v", cut, err, aggregatesOf(r), badStrings(r))
		}
	}
}

// TestFollowSummary follows a file k6 writes its summary into at the end
// of a run: nothing until the document is whole, then its rows; a new run's
// summary replaces them.
func TestFollowSummary(t *testing.T) {
	path := filepath.Join(t.TempDir(), "summary.json")
	f := follow(t, path, true)
	f.waitFor(t, "waiting", func() bool { return len(f.r.Health) > 0 && f.r.Health[0].State == sources.StateWaiting })
	first := `{"root_group": {}, "metrics": {"http_reqs": {"count": 5, "rate": 1}, "http_req_duration": {"avg": 10, "p(95)": 20}}}` + "\n"
	if err := os.WriteFile(path, []byte(first[:40]), 0o644); err != nil {
		t.Fatal(err)
	}
	f.waitFor(t, "following", f.lastHealth(sources.StateFollowing, FormatSummary))
	if n := len(aggregatesOf(f.r)); n != 0 {
		t.Fatalf("%d rows from half a summary", n)
	}
	appendFile(t, path, first[40:])
	f.waitFor(t, "the totals", func() bool { return len(aggregatesOf(f.r)) == 1 })
	if a := aggregatesOf(f.r)[0]; a.Requests != 5 || a.Percentile(0.95) != 20 {
		t.Errorf("totals %+v", a)
	}
	// A new run writes a new summary over the old one.
	second := strings.Replace(first, `"count": 5`, `"count": 7`, 1)
	second = strings.Replace(second, `{"root_group": {}, `, `{`, 1)
	if err := os.WriteFile(path, []byte(second), 0o644); err != nil {
		t.Fatal(err)
	}
	f.waitFor(t, "the new totals", func() bool { rows := aggregatesOf(f.r); return len(rows) == 2 && rows[1].Requests == 7 })
	if f.r.Resets != 1 {
		t.Errorf("%d resets, want 1", f.r.Resets)
	}
	if f.r.BadRows != 0 || f.err != nil {
		t.Errorf("bad %v, err %v", badStrings(f.r), f.err)
	}
}

// TestSummaryUnknownFailures: a tagged row with a request count but no
// http_req_failed of its tags has unknown failures, said in a warning; the
// totals, which have one, do not.
func TestSummaryUnknownFailures(t *testing.T) {
	doc := `{"metrics": {
  "http_reqs": {"count": 10, "rate": 2.5},
  "http_reqs{name:login}": {"count": 4, "rate": 1},
  "http_req_failed": {"passes": 5, "fails": 5, "value": 0.5},
  "http_req_duration": {"avg": 10, "min": 1, "med": 9, "max": 30, "p(90)": 20, "p(95)": 25},
  "http_req_duration{name:login}": {"avg": 12, "min": 2, "med": 10, "max": 30, "p(90)": 22, "p(95)": 26}
}}`
	r, err := parseChunks([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	rows := aggregatesOf(r)
	if len(rows) != 2 || rows[0].Label != "login" || !rows[0].FailuresUnknown || rows[1].FailuresUnknown || rows[1].Failures != 5 {
		t.Fatalf("rows %+v", rows)
	}
	if !hasWarning(r, `the summary has no http_req_failed for "login"`) {
		t.Errorf("no warning naming login: %q", r.Warnings)
	}
}

// TestSummarySamePercentileTwice: keys that name one percentile ("p(95)",
// "p(95.0)", written when summaryTrendStats lists it twice) are settled the
// same way every time, by the shortest key (then byte order), and a
// difference between their values is told. Map order used to pick one at
// random (FuzzSummary found it).
func TestSummarySamePercentileTwice(t *testing.T) {
	const data = `{"metrics":{"http_reqs":{"count":10,"rate":1},"http_req_failed":{"passes":0,"fails":10},` +
		`"http_req_duration":{"avg":50,"p(95.00)":300,"p(95)":100,"p(95.0)":200,"p(99)":400,"p( 99 )":400,"med":40,"p(50)":40}}}`
	const warning = `http_req_duration: "p(95)", "p(95.0)" and "p(95.00)" name the same percentile with different values ` +
		`(100, 200, 300): "p(95)" is used, the shortest key`
	for i := range 50 {
		r, err := parseChunks([]byte(data))
		if err != nil {
			t.Fatal(err)
		}
		rows := aggregatesOf(r)
		if len(rows) != 1 {
			t.Fatalf("rows %v", rows)
		}
		checkRow(t, rows[0], row{label: sources.AggregatedLabel, requests: 10, rps: 1, mean: 50, min: math.NaN(), max: math.NaN(), med: 40,
			percentiles: map[float64]float64{0.5: 40, 0.95: 100, 0.99: 400}})
		// Equal values need no word.
		if !hasWarning(r, warning) || hasWarning(r, "p( 99 )") {
			t.Fatalf("read %d: warnings %q, want %q only", i, r.Warnings, warning)
		}
	}
}

// TestSummaryProblemsInKeyOrder: of several bad values in one metric, the
// bad row tells the first in key order, on every read (map order used to
// choose).
func TestSummaryProblemsInKeyOrder(t *testing.T) {
	const data = `{"metrics":{"http_reqs":{"count":1,"d":"x","b":true,"c":[],"thresholds":{"z":7,"y":"no"}}}}`
	want := []string{`line 1: metric "http_reqs": "b": expected a number, found "true"`}
	for i := range 50 {
		r, err := parseChunks([]byte(data))
		if err != nil {
			t.Fatal(err)
		}
		if got := badStrings(r); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("read %d: bad rows %q, want %q", i, got, want)
		}
	}
	const thresholds = `{"metrics":{"http_reqs":{"count":1,"thresholds":{"z":7,"y":"no","x":true}}}}`
	want = []string{`line 1: metric "http_reqs": threshold "y": expected true/false or {"ok":...}, found "\"no\""`}
	for i := range 50 {
		r, _ := parseChunks([]byte(thresholds))
		if got := badStrings(r); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("read %d: bad rows %q, want %q", i, got, want)
		}
	}
}

// TestSummaryToolPage checks what the dashboard's summary page is drawn
// from: every metric with its values in key order, each threshold with
// whether it held (failed first), the checks, and that the batch carries it.
func TestSummaryToolPage(t *testing.T) {
	s, err := ParseSummary(readTestdata(t, "summary_data_counts.json"))
	if err != nil {
		t.Fatal(err)
	}
	tool := s.Tool
	wantTh := []sources.Threshold{
		{Metric: "http_req_duration", Expr: "p(99)<200", OK: false},
		{Metric: "http_req_duration", Expr: "avg<100", OK: true},
	}
	if !slices.Equal(tool.Thresholds, wantTh) {
		t.Errorf("thresholds %+v, want %+v", tool.Thresholds, wantTh)
	}
	if tool.Checks != nil {
		t.Errorf("checks %+v in a summary without them", tool.Checks)
	}
	var names []string
	for _, m := range tool.Metrics {
		names = append(names, m.Name)
	}
	// http_req_waiting keeps the value that could be read (min).
	wantNames := []string{"http_req_duration", "http_req_duration{name:search}", "http_req_failed", "http_req_waiting", "http_reqs", "iterations"}
	if !slices.Equal(names, wantNames) {
		t.Errorf("metrics %q, want %q", names, wantNames)
	}
	reqs := tool.Metrics[4]
	if reqs.Type != "counter" || len(reqs.Values) != 2 || reqs.Values[0] != (sources.SummaryValue{Key: "count", Value: 120}) {
		t.Errorf("http_reqs %+v", reqs)
	}

	ex, err := ParseSummary(readTestdata(t, "summary_export_tagged.json"))
	if err != nil {
		t.Fatal(err)
	}
	if c := ex.Tool.Checks; c == nil || c.Passes != 9 || c.Fails != 1 {
		t.Errorf("checks %+v, want 9 passed, 1 failed", c)
	}
	if th := ex.Tool.Thresholds; len(th) != 2 || th[0].OK || th[0].Expr != "rate<0.01" || !th[1].OK || th[1].Expr != "p(95)<800" {
		t.Errorf("export thresholds %+v", th)
	}

	var sink sources.Collect
	h := newHandler(context.Background(), &sink, sources.Info{Name: "test.k6"}, Options{})
	if err := loadtesttest.FeedCuts(h, readTestdata(t, "summary_data_counts.json")); err != nil {
		t.Fatal(err)
	}
	h.Finish()
	found := false
	for _, b := range sink.Take() {
		found = found || (b.Summary != nil && len(b.Summary.Metrics) == len(wantNames))
	}
	if !found {
		t.Error("no batch carries the summary")
	}
}
