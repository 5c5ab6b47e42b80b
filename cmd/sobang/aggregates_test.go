package main

import (
	"compress/gzip"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/charmbracelet/x/exp/golden"
)

// aggregatesDir holds small Locust sets (a_*, b_*) and a k6 summary
// export, written by hand for these tests.
const aggregatesDir = "testdata/aggregates"

// TestCheckAggregatesGolden decides objectives against Locust's and k6's
// own figures: what the tool did not write fails with the reason.
func TestCheckAggregatesGolden(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		failed string
	}{
		{"locust", []string{"check", "a_stats.csv",
			"--slo", "p95<500ms", "--slo", "p99<1s", "--slo", "error_rate<5%", "--slo", "throughput>=10rps", "--slo", "apdex>=0.8",
			"--slo", "label=/login:p90<=300ms", "--slo", "label=/cart:mean<100ms", "--slo", "label=/nope:p95<1s"}, "3 of 8 objectives failed"},
		{"k6", []string{"check", "k6_summary.json",
			"--slo", "p95<700ms", "--slo", "p99<1s", "--slo", "error_rate<=5%", "--slo", "max<2s",
			"--slo", "label=login:p95<500ms", "--slo", "label=login:error_rate<1%"}, "3 of 6 objectives failed"},
		// Two sets: counts add up, the mean merges exactly, percentiles of
		// what both sets have cannot be merged.
		{"several", []string{"check", "a_stats.csv", "--locust", "b",
			"--slo", "p95<1s", "--slo", "error_rate<5%", "--slo", "mean<100ms", "--slo", "throughput>=25",
			"--slo", "label=/search:p99<300ms", "--slo", "label=/login:p95<1s"}, "2 of 6 objectives failed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, errs, code := runIn(t, aggregatesDir, tt.args...)
			if code != exitFailure || !strings.Contains(errs, tt.failed) {
				t.Fatalf("exit %d, stderr %q, stdout:\n%s", code, errs, out)
			}
			golden.RequireEqual(t, out)
		})
	}
}

func TestCheckAggregatesExitCodes(t *testing.T) {
	jtlDir := writeCheckRun(t)
	histOnly := t.TempDir()
	data, err := os.ReadFile(filepath.Join(aggregatesDir, "a_stats_history.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(histOnly, "h_stats_history.csv"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	abs := func(name string) string {
		p, err := filepath.Abs(filepath.Join(aggregatesDir, name))
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	tests := []struct {
		name   string
		dir    string
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{"opened by its history", aggregatesDir, []string{"check", "a_stats_history.csv", "--slo", "p95<=400ms", "--slo", "label=POST:p95<1s"}, exitFailure,
			"PASS  p95 <= 400ms  (measured 400ms)\nFAIL  label=POST: p95 < 1s  (no such label; labels: \"/login\", \"/cart\")", "1 of 2 objectives failed"},
		{"pass", aggregatesDir, []string{"check", "--locust", "a", "--slo", "p95<=400ms", "--slo", "max<1s"}, exitOK, "PASS  max < 1s  (measured 901ms)", ""},
		{"k6 by --k6", aggregatesDir, []string{"check", "--k6", "k6_summary.json", "--slo", "p90<500ms"}, exitOK, "PASS  p90 < 500ms  (measured 480ms)", ""},
		{"window refused", aggregatesDir, []string{"check", "a_stats.csv", "--window", "+1s..", "--slo", "p95<1s"}, exitUsage,
			"", "--window and --skip cannot apply to a_stats.csv: a tool's final figures cover the whole run"},
		{"skip refused", aggregatesDir, []string{"check", "k6_summary.json", "--skip", "10s", "--slo", "p95<1s"}, exitUsage, "", "cannot apply to k6_summary.json"},
		{"mix refused", jtlDir, []string{"check", "run.jtl", abs("a_stats.csv"), "--slo", "p95<1s"}, exitUsage,
			"", "check cannot judge samples (run.jtl) and a tool's own aggregates (" + abs("a_stats.csv") + ") together"},
		{"history only", histOnly, []string{"check", "h_stats_history.csv", "--slo", "p95<1s"}, exitUsage,
			"", "no final figures to check in h_stats_history.csv"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, errs, code := runIn(t, tt.dir, tt.args...)
			if code != tt.code || !strings.Contains(out, tt.stdout) || !strings.Contains(errs, tt.stderr) {
				t.Fatalf("exit %d (want %d)\nstdout:\n%s\nstderr:\n%s", code, tt.code, out, errs)
			}
		})
	}
}

// aggReport is the part of the report's JSON these tests read.
type aggReport struct {
	Sources []struct {
		Path     string   `json:"path"`
		Kind     string   `json:"kind"`
		Format   string   `json:"format"`
		Rows     int      `json:"rows"`
		Warnings []string `json:"warnings"`
	} `json:"sources"`
	LoadTest struct {
		Start         string  `json:"start"`
		End           string  `json:"end"`
		Samples       int64   `json:"samples"`
		Errors        int64   `json:"errors"`
		MeanMS        float64 `json:"mean_ms"`
		MaxMS         float64 `json:"max_ms"`
		P50MS         float64 `json:"p50_ms"`
		P95MS         float64 `json:"p95_ms"`
		P99MS         float64 `json:"p99_ms"`
		ThroughputRPS float64 `json:"throughput_rps"`
		Apdex         *float64
		Labels        []struct {
			Label   string  `json:"label"`
			Samples int64   `json:"samples"`
			Errors  int64   `json:"errors"`
			MeanMS  float64 `json:"mean_ms"`
			P95MS   float64 `json:"p95_ms"`
		} `json:"labels"`
		Timeline []struct {
			Samples int64   `json:"samples"`
			P95MS   float64 `json:"p95_ms"`
		} `json:"timeline"`
		Note       string `json:"note"`
		Aggregates []struct {
			Path  string `json:"path"`
			Kind  string `json:"kind"`
			Note  string `json:"note"`
			Start string `json:"start"`
			Total *struct {
				Samples     int64    `json:"samples"`
				Errors      int64    `json:"errors"`
				P95MS       *float64 `json:"p95_ms"`
				P99MS       *float64 `json:"p99_ms"`
				Percentiles []struct {
					Q  float64  `json:"q"`
					MS *float64 `json:"ms"`
				} `json:"percentiles"`
			} `json:"total"`
			Labels []struct {
				Label   string   `json:"label"`
				Samples int64    `json:"samples"`
				P95MS   *float64 `json:"p95_ms"`
			} `json:"labels"`
		} `json:"aggregates"`
	} `json:"loadtest"`
}

func reportAgg(t *testing.T, dir string, args ...string) aggReport {
	t.Helper()
	out, errs, code := runIn(t, dir, append(append([]string{"report"}, args...), "--format", "json")...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var doc aggReport
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

// TestK6SummaryReport reports every corpus summary, found by content and by
// --k6, as k6's own figures, and a summary with a tagged sub-metric.
func TestK6SummaryReport(t *testing.T) {
	dir := filepath.Join(corpusDir(t), "loadtest", "k6", "summary")
	cases := []struct {
		file                 string
		samples, errors      int64
		p95, p99, throughput float64
		p99Written           bool
	}{
		{"apiratelimiter_summary-export_legacy.json", 1, 1, 0, 0, 635.0012700025401, false},
		{"k6reporter_handleSummary_data_simple.json", 878, 349, 30.0256841, 39.577136380000084, 35.94634922417172, true},
		{"k6reporter_handleSummary_data_grpc.json", 9615, 0, 2.5228431999999996, 0, 2833.5502441831595, false},
	}
	for _, c := range cases {
		for _, how := range [][]string{{filepath.Join(dir, c.file)}, {"--k6", filepath.Join(dir, c.file)}} {
			t.Run(c.file+" "+how[0], func(t *testing.T) {
				doc := reportAgg(t, ".", how...)
				lt := doc.LoadTest
				if len(doc.Sources) != 1 || doc.Sources[0].Kind != "k6" || doc.Sources[0].Format != "k6 summary" || doc.Sources[0].Rows != 1 {
					t.Fatalf("sources %+v", doc.Sources)
				}
				if lt.Samples != c.samples || lt.Errors != c.errors || lt.P95MS != c.p95 || lt.P99MS != c.p99 || lt.ThroughputRPS != c.throughput {
					t.Errorf("loadtest %+v, want %+v", lt, c)
				}
				if lt.Start != "" || lt.End != "" || len(lt.Timeline) != 0 || lt.Apdex != nil || !strings.Contains(lt.Note, "k6's own end-of-test summary") {
					t.Errorf("a summary has no times, timeline or APDEX: start %q end %q, %d seconds, apdex %v, note %q",
						lt.Start, lt.End, len(lt.Timeline), lt.Apdex, lt.Note)
				}
				if len(lt.Aggregates) != 1 || lt.Aggregates[0].Total == nil || lt.Aggregates[0].Total.Samples != c.samples ||
					(lt.Aggregates[0].Total.P99MS != nil) != c.p99Written {
					t.Errorf("aggregates %+v", lt.Aggregates)
				}
			})
		}
	}
	t.Run("tagged", func(t *testing.T) {
		doc := reportAgg(t, aggregatesDir, "k6_summary.json")
		lt := doc.LoadTest
		if lt.Samples != 200 || lt.Errors != 10 || lt.P95MS != 650 || lt.MeanMS != 210.5 || len(lt.Labels) != 1 ||
			lt.Labels[0].Label != "login" || lt.Labels[0].Samples != 80 || lt.Labels[0].Errors != 4 || lt.Labels[0].P95MS != 800 {
			t.Errorf("loadtest %+v", lt)
		}
		if w := doc.Sources[0].Warnings; len(w) != 1 || w[0] != "k6 thresholds failed: http_req_duration: p(95)<500" {
			t.Errorf("warnings %q", w)
		}
		out, _, _ := runIn(t, aggregatesDir, "report", "k6_summary.json")
		if !strings.Contains(out, "(no time) .. (no time): 200 requests, 10 errors") {
			t.Errorf("text report:\n%s", out)
		}
	})
}

// TestReportSeveralLocustSets reads two sets together: counts add up,
// percentiles are never merged, each set's own figures stay under
// aggregates.
func TestReportSeveralLocustSets(t *testing.T) {
	doc := reportAgg(t, aggregatesDir, "a_stats.csv", "--locust", "b")
	lt := doc.LoadTest
	// (110.333...*150 + 71*100) / 250 = 94.6
	if lt.Samples != 250 || lt.Errors != 7 || lt.P95MS != 0 || lt.P99MS != 0 || lt.P50MS != 0 || lt.ThroughputRPS != 25 ||
		lt.MeanMS != 94.6 || lt.MaxMS != 900.75 {
		t.Errorf("totals %+v", lt)
	}
	if !strings.Contains(lt.Note, "2 sources of tool-written aggregates") {
		t.Errorf("note %q", lt.Note)
	}
	got := map[string][3]float64{}
	for _, l := range lt.Labels {
		got[l.Label] = [3]float64{float64(l.Samples), float64(l.Errors), l.P95MS}
	}
	// /login is in both sets: no p95; the others keep their own.
	want := map[string][3]float64{"/login": {140, 7, 0}, "/cart": {50, 0, 200}, "/search": {60, 0, 90}}
	if !reflect.DeepEqual(got, want) || len(lt.Labels) != 3 {
		t.Errorf("labels %v, want %v", got, want)
	}
	var n int64
	for _, s := range lt.Timeline {
		n += s.Samples
		if s.P95MS != 0 {
			t.Errorf("a timeline p95 of two sets: %+v", s)
		}
	}
	if len(lt.Timeline) != 3 || n != 250 {
		t.Errorf("timeline %+v", lt.Timeline)
	}
	if len(lt.Aggregates) != 2 || *lt.Aggregates[0].Total.P95MS != 400 || *lt.Aggregates[1].Total.P95MS != 400 ||
		lt.Aggregates[0].Total.P99MS != nil || *lt.Aggregates[1].Total.P99MS != 650 || lt.Aggregates[0].Start == "" {
		t.Errorf("aggregates %+v", lt.Aggregates)
	}
	out, _, _ := runIn(t, aggregatesDir, "report", "a_stats.csv", "--locust", "b")
	if !strings.Contains(out, "Tool-written aggregates") || !strings.Contains(out, "b (Locust CSV") {
		t.Errorf("text report lacks each set's figures:\n%s", out)
	}
}

// TestReportMixSamplesAndAggregates reads a JTL and a Locust set: the
// section is the JTL's, as without the set, and the set's figures are apart.
func TestReportMixSamplesAndAggregates(t *testing.T) {
	dir := writeCheckRun(t)
	set, err := filepath.Abs(filepath.Join(aggregatesDir, "a_stats.csv"))
	if err != nil {
		t.Fatal(err)
	}
	section := func(args ...string) map[string]any {
		out, errs, code := runIn(t, dir, append(append([]string{"report", "--utc"}, args...), "--format", "json")...)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errs)
		}
		var doc map[string]any
		if err := json.Unmarshal([]byte(out), &doc); err != nil {
			t.Fatal(err)
		}
		return doc["loadtest"].(map[string]any)
	}
	alone, mixed := section("run.jtl"), section("run.jtl", set)
	for _, k := range []string{"start", "end", "samples", "errors", "labels", "apdex", "codes", "timeline"} {
		if _, ok := mixed[k]; !ok {
			t.Errorf("the contract's key %q is missing", k)
		}
	}
	note, _ := mixed["note"].(string)
	aggs, _ := mixed["aggregates"].([]any)
	delete(mixed, "note")
	delete(mixed, "aggregates")
	if !reflect.DeepEqual(alone, mixed) {
		t.Errorf("the samples' section changed with a Locust set beside it")
	}
	if !strings.Contains(note, "samples of run.jtl") || !strings.Contains(note, "tool-written aggregates of "+set) {
		t.Errorf("note %q", note)
	}
	if len(aggs) != 1 {
		t.Fatalf("aggregates %v", aggs)
	}
	total := aggs[0].(map[string]any)["total"].(map[string]any)
	if total["samples"].(float64) != 150 || total["p95_ms"].(float64) != 400 || total["p99_ms"] != nil {
		t.Errorf("the set's totals %v", total)
	}
	out, _, _ := runIn(t, dir, "report", "run.jtl", set)
	if !strings.Contains(out, "Tool-written aggregates") || !strings.Contains(out, "Response codes: ") {
		t.Errorf("text report:\n%s", out)
	}
}

// TestReportBaselineAggregates compares two Locust sets: per-label p95
// deltas, and no verdict without distributions.
func TestReportBaselineAggregates(t *testing.T) {
	out, errs, code := runIn(t, aggregatesDir, "report", "--locust", "b", "--baseline", "a_stats.csv", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var doc struct {
		Baseline struct {
			Regressions int    `json:"regressions"`
			Note        string `json:"note"`
			Labels      []struct {
				Label       string   `json:"label"`
				BaseSamples int64    `json:"base_samples"`
				Samples     int64    `json:"samples"`
				BaseP95MS   float64  `json:"base_p95_ms"`
				P95MS       float64  `json:"p95_ms"`
				DeltaP95Pct float64  `json:"delta_p95_pct"`
				PValue      *float64 `json:"p_value"`
				Verdict     string   `json:"verdict"`
			} `json:"labels"`
		} `json:"baseline"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	b := doc.Baseline
	// Only /login is in both: p95 450 then 420.
	if len(b.Labels) != 1 || b.Regressions != 0 || !strings.Contains(b.Note, "no Mann-Whitney test") {
		t.Fatalf("baseline %+v", b)
	}
	l := b.Labels[0]
	if l.Label != "/login" || l.BaseSamples != 100 || l.Samples != 40 || l.BaseP95MS != 450 || l.P95MS != 420 ||
		l.DeltaP95Pct != -6.67 || l.PValue != nil || l.Verdict != "no test: aggregates only" {
		t.Errorf("label %+v", l)
	}
	summary, err := filepath.Abs(filepath.Join(aggregatesDir, "k6_summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	out, _, _ = runIn(t, writeCheckRun(t), "report", "run.jtl", "--baseline", summary)
	if !strings.Contains(out, "Compared with the baseline") || !strings.Contains(out, "Note: the baseline ("+summary+") gives") {
		t.Errorf("text:\n%s", out)
	}
}

// gzipInto writes a gzip'd copy of src into dir.
func gzipInto(t *testing.T, src, dir string) {
	t.Helper()
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(filepath.Join(dir, filepath.Base(src)+".gz"))
	if err != nil {
		t.Fatal(err)
	}
	zw := gzip.NewWriter(f)
	zw.Write(data)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	f.Close()
}

// TestLocustGzipSet reads a gzip'd set as the plain one.
func TestLocustGzipSet(t *testing.T) {
	gz := t.TempDir()
	files, _ := filepath.Glob(filepath.Join(aggregatesDir, "a_*.csv"))
	for _, f := range files {
		gzipInto(t, f, gz)
	}
	plain := reportAgg(t, aggregatesDir, "a_stats.csv")
	for _, how := range [][]string{{"a_stats.csv.gz"}, {"a_stats_history.csv.gz"}, {"--locust", "a"}} {
		doc := reportAgg(t, gz, how...)
		if doc.Sources[0].Kind != "locust" || doc.Sources[0].Rows != plain.Sources[0].Rows || len(doc.Sources[0].Warnings) != 0 {
			t.Errorf("%v: sources %+v, plain %+v", how, doc.Sources, plain.Sources)
		}
		doc.LoadTest.Aggregates, plain.LoadTest.Aggregates = nil, nil
		if !reflect.DeepEqual(doc.LoadTest, plain.LoadTest) {
			t.Errorf("%v: loadtest\n%+v\nplain\n%+v", how, doc.LoadTest, plain.LoadTest)
		}
	}
}

// TestCheckK6UnknownFailures: a k6 summary that counts no failed requests
// (gRPC) cannot pass an error_rate objective: it fails, saying why, and the
// summary's warning reaches stderr.
func TestCheckK6UnknownFailures(t *testing.T) {
	path := filepath.Join(corpusDir(t), "loadtest", "k6", "summary", "k6reporter_handleSummary_data_grpc.json")
	out, errs, code := runBin(t, "check", path, "--slo", "error_rate<1%")
	if code != exitFailure || !strings.Contains(out, "FAIL") || !strings.Contains(out, "no count of failed requests") {
		t.Fatalf("exit %d\nstdout %q\nstderr %q", code, out, errs)
	}
	if !strings.Contains(errs, "failures are shown as 0") {
		t.Errorf("the summary's warning is not on stderr: %q", errs)
	}
}
