package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// runBin runs the built binary and returns stdout, stderr and the exit code.
// It runs with an empty configuration directory, so that the user's own
// configuration file cannot change what the tests see.
func runBin(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	return runBinEnv(t, []string{"XDG_CONFIG_HOME=" + t.TempDir()}, args...)
}

// runBinEnv is runBin with more environment variables (NAME=VALUE).
func runBinEnv(t *testing.T, env []string, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(sobangBinary(t), args...)
	cmd.Env = append(os.Environ(), env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	code := exitCode(t, cmd.Run())
	return out.String(), errb.String(), code
}

// exitCode is the exit status of a finished command's err; an error other
// than a non-zero exit (the binary did not start) fails the test.
func exitCode(t *testing.T, err error) int {
	t.Helper()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return 0
}

func TestNoArgumentsPrintsUsage(t *testing.T) {
	out, errs, code := runBin(t)
	if code != exitUsage || !strings.Contains(errs, "sobang demo") || out != "" {
		t.Fatalf("code %d, stderr %q, stdout %q", code, errs, out)
	}
}

func TestMissingSourceIsUsageError(t *testing.T) {
	_, errs, code := runBin(t, "report", "/nonexistent/run.jtl")
	if code != exitUsage || !strings.Contains(errs, "/nonexistent/run.jtl") {
		t.Fatalf("code %d, stderr %q", code, errs)
	}
}

func TestBinaryInputIsUsageError(t *testing.T) {
	p := filepath.Join(t.TempDir(), "blob.bin")
	os.WriteFile(p, []byte{0, 1, 2, 3, 0xff, 0xfe, 0, 0, 7, 8}, 0o644)
	_, errs, code := runBin(t, "report", p)
	if code != exitUsage || !strings.Contains(errs, p) || !strings.Contains(errs, "binary") {
		t.Fatalf("code %d, stderr %q", code, errs)
	}
}

func TestVersionAndHelp(t *testing.T) {
	out, _, code := runBin(t, "version")
	if code != 0 || !strings.HasPrefix(out, "sobang ") {
		t.Fatalf("version: %d %q", code, out)
	}
	out, _, code = runBin(t, "help", "demo")
	if code != 0 || !strings.Contains(out, "--duration") || !strings.Contains(out, "Examples:") {
		t.Fatalf("help demo: %d %q", code, out)
	}
	out, _, _ = runBin(t, "--help")
	for _, want := range []string{"--jtl", "--log", "--scrape", "--tz", "--offset", "--theme", "--no-mouse", "sobang demo"} {
		if !strings.Contains(out, want) {
			t.Errorf("--help lacks %s", want)
		}
	}
}

type reportDoc struct {
	Sources []struct {
		Path     string   `json:"path"`
		Kind     string   `json:"kind"`
		Rows     int      `json:"rows"`
		BadRows  int      `json:"bad_rows"`
		Warnings []string `json:"warnings"`
	} `json:"sources"`
	LoadTest *struct {
		Samples  int64 `json:"samples"`
		Errors   int64 `json:"errors"`
		Labels   []map[string]any
		Timeline []map[string]any
	} `json:"loadtest"`
	Logs *struct {
		Entries int            `json:"entries"`
		Levels  map[string]int `json:"levels"`
	} `json:"logs"`
	Metrics any `json:"metrics"`
}

func TestReportJSON(t *testing.T) {
	dir := t.TempDir()
	jp, lp := writeSavedRun(t, dir)
	// A bad row in the middle: counted, reported, not fatal.
	data, _ := os.ReadFile(jp)
	lines := strings.SplitAfter(string(data), "\n")
	lines = append(lines[:50], append([]string{"this,is,not,a,sample\n"}, lines[50:]...)...)
	os.WriteFile(jp, []byte(strings.Join(lines, "")), 0o644)
	// Flags after the sources, as pflag allows.
	out, errs, code := runBin(t, "report", jp, lp, "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var doc reportDoc
	dec := json.NewDecoder(strings.NewReader(out))
	if err := dec.Decode(&doc); err != nil {
		t.Fatalf("stdout is not one JSON document: %v\n%s", err, out)
	}
	if dec.More() {
		t.Fatal("stdout holds more than one document")
	}
	if len(doc.Sources) != 2 || doc.Sources[0].Kind != "jtl" || doc.Sources[1].Kind != "log" {
		t.Fatalf("sources = %+v", doc.Sources)
	}
	if s := doc.Sources[0]; s.Rows != 300 || s.BadRows != 1 || len(s.Warnings) == 0 || !strings.Contains(s.Warnings[0], "saved.jtl:") {
		t.Fatalf("jtl source = %+v", s)
	}
	if doc.LoadTest == nil || doc.LoadTest.Samples != 300 || doc.LoadTest.Errors != 10 || len(doc.LoadTest.Timeline) != 60 {
		t.Fatalf("loadtest = %+v", doc.LoadTest)
	}
	if doc.Logs == nil || doc.Logs.Entries != 60 || doc.Logs.Levels["ERROR"] != 10 {
		t.Fatalf("logs = %+v", doc.Logs)
	}
	if doc.Metrics != nil {
		t.Fatal("no metrics section without a metrics source")
	}

	// A window narrows every section.
	out, _, code = runBin(t, "report", "--format", "json", "--window", "+30s..+40s", "--utc", jp, lp)
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	doc = reportDoc{}
	json.Unmarshal([]byte(out), &doc)
	if doc.LoadTest.Samples != 50 || doc.LoadTest.Errors != 10 || doc.Logs.Entries != 10 {
		t.Fatalf("window: loadtest %d/%d, logs %d", doc.LoadTest.Samples, doc.LoadTest.Errors, doc.Logs.Entries)
	}
}

func TestReportTextAndMarkdown(t *testing.T) {
	jp, lp := writeSavedRun(t, t.TempDir())
	for _, f := range []string{"text", "markdown"} {
		out, _, code := runBin(t, "report", "--format", f, jp, lp)
		if code != 0 || !strings.Contains(out, "GET savedlabel") || !strings.Contains(out, "pool exhausted in the saved run") {
			t.Fatalf("%s: %d\n%s", f, code, out)
		}
	}
	_, errs, code := runBin(t, "report", "--format", "yaml", jp)
	if code != exitUsage || !strings.Contains(errs, "yaml") {
		t.Fatalf("bad format: %d %q", code, errs)
	}
	_, errs, code = runBin(t, "report", "--window", "soon..later", jp)
	if code != exitUsage || !strings.Contains(errs, "--window") {
		t.Fatalf("bad window: %d %q", code, errs)
	}
}

func TestThemesList(t *testing.T) {
	out, _, code := runBin(t, "themes")
	for _, name := range []string{"dark", "light", "high-contrast", "colorblind"} {
		if code != 0 || !strings.Contains(out, name) {
			t.Fatalf("themes: %d lacks %s:\n%s", code, name, out)
		}
	}
	_, errs, code := runBin(t, "--theme", "nope", "x.log")
	if code != exitUsage || !strings.Contains(errs, "nope") {
		t.Fatalf("unknown theme: %d %q", code, errs)
	}
}

// writeRun writes a JTL of two labels, 60 s from start, GET fast taking
// about fast ms and GET slow about slow ms.
func writeRun(t *testing.T, path string, start time.Time, fast, slow int) {
	t.Helper()
	var b strings.Builder
	b.WriteString("timeStamp,elapsed,label,responseCode,responseMessage,threadName,dataType,success,failureMessage,bytes,sentBytes,grpThreads,allThreads,URL,Latency,IdleTime,Connect\n")
	for i := 0; i < 600; i++ {
		ts := start.Add(time.Duration(i) * 100 * time.Millisecond).UnixMilli()
		jitter := (i * 37) % 20
		fmt.Fprintf(&b, "%d,%d,GET fast,200,OK,T 1-1,text,true,,10,10,1,1,null,1,0,0\n", ts, fast+jitter)
		fmt.Fprintf(&b, "%d,%d,GET slow,200,OK,T 1-2,text,true,,10,10,1,1,null,1,0,0\n", ts+5, slow+jitter)
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestReportBaseline(t *testing.T) {
	dir := t.TempDir()
	old, cur := filepath.Join(dir, "old.jtl"), filepath.Join(dir, "new.jtl")
	writeRun(t, old, time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC), 100, 200)
	// A week later: GET slow got 50% slower, GET fast did not move.
	writeRun(t, cur, time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC), 100, 300)
	out, errs, code := runBin(t, "report", cur, "--baseline", old, "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var doc struct {
		Baseline struct {
			Regressions int
			Labels      []struct {
				Label       string   `json:"label"`
				DeltaP95Pct float64  `json:"delta_p95_pct"`
				PValue      *float64 `json:"p_value"`
				Verdict     string   `json:"verdict"`
			}
		}
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, l := range doc.Baseline.Labels {
		got[l.Label] = l.Verdict
		if l.PValue == nil {
			t.Errorf("%s: no p-value with 600 samples a side", l.Label)
		}
	}
	if got["GET slow"] != "regression" || got["GET fast"] != "ok" || doc.Baseline.Regressions != 1 {
		t.Fatalf("baseline = %+v", doc.Baseline)
	}
	// The window's offsets apply to each run from its own start.
	out, _, _ = runBin(t, "report", cur, "--baseline", old, "--window", "+10s..+20s")
	if !strings.Contains(out, "Compared with the baseline") || !strings.Contains(out, "regression") {
		t.Fatalf("text report lacks the comparison:\n%s", out)
	}
	_, errs, code = runBin(t, "report", cur, "--baseline", filepath.Join(dir, "missing.jtl"))
	if code != exitUsage || !strings.Contains(errs, "missing.jtl") {
		t.Fatalf("missing baseline: %d %q", code, errs)
	}
}

// writeFailingRun writes a JTL of one label, GET account, 1000 samples
// over 100 s from start: failed samples (every one whose index modulo 1000
// is below failures) take failMS, the rest okMS plus some jitter.
func writeFailingRun(t *testing.T, path string, start time.Time, failures, failMS, okMS int) {
	t.Helper()
	var b strings.Builder
	b.WriteString("timeStamp,elapsed,label,responseCode,responseMessage,threadName,dataType,success\n")
	for i := 0; i < 1000; i++ {
		ts := start.Add(time.Duration(i) * 100 * time.Millisecond).UnixMilli()
		// Spread the failures over the run: i*7 mod 1000 visits every index.
		if (i*7)%1000 < failures {
			fmt.Fprintf(&b, "%d,%d,GET account,503,Service Unavailable,T 1-1,text,false\n", ts, failMS)
			continue
		}
		fmt.Fprintf(&b, "%d,%d,GET account,200,OK,T 1-1,text,true\n", ts, okMS+(i*37)%20)
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestReportBaselineWeighsErrors: a label whose failures return at once
// gets a lower p95 while its error rate more than doubles; that is a
// regression of its errors, not an improvement.
func TestReportBaselineWeighsErrors(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name             string
		baseErr, curErr  int // of 1000 samples
		curFail, curOK   int // elapsed ms
		verdict, text    string
		moved            []string
		regressions      int
		errorsPValueNull bool
	}{
		{"errors up, p95 down", 62, 144, 2, 10, "regression", "regression (errors)", []string{"errors"}, 1, false},
		{"errors up, p95 up", 62, 144, 2, 200, "regression", "regression (errors, p95)", []string{"errors", "p95"}, 1, false},
		{"errors down", 144, 62, 2, 100, "improvement", "improvement (errors)", []string{"errors"}, 0, false},
		{"no errors, faster", 0, 0, 2, 50, "improvement", "improvement (p95)", []string{"p95"}, 0, true},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			old, cur := filepath.Join(dir, fmt.Sprintf("old%d.jtl", i)), filepath.Join(dir, fmt.Sprintf("new%d.jtl", i))
			writeFailingRun(t, old, time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC), tt.baseErr, 2, 100)
			writeFailingRun(t, cur, time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC), tt.curErr, tt.curFail, tt.curOK)
			out, errs, code := runBin(t, "report", cur, "--baseline", old, "--format", "json")
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errs)
			}
			var doc struct {
				Baseline struct {
					Regressions int
					Labels      []struct {
						Verdict      string   `json:"verdict"`
						Moved        []string `json:"moved"`
						ErrorsPValue *float64 `json:"errors_p_value"`
					}
				}
			}
			if err := json.Unmarshal([]byte(out), &doc); err != nil {
				t.Fatal(err)
			}
			b := doc.Baseline
			if len(b.Labels) != 1 || b.Labels[0].Verdict != tt.verdict || !slices.Equal(b.Labels[0].Moved, tt.moved) ||
				b.Regressions != tt.regressions || (b.Labels[0].ErrorsPValue == nil) != tt.errorsPValueNull {
				t.Fatalf("baseline = %s", out[strings.Index(out, `"baseline"`):])
			}
			out, _, _ = runBin(t, "report", cur, "--baseline", old)
			if !strings.Contains(out, " "+tt.text+"\n") {
				t.Fatalf("the text report's verdict is not %q:\n%s", tt.text, out)
			}
		})
	}
}

func TestSkipWarmUp(t *testing.T) {
	jp, _ := writeSavedRun(t, t.TempDir())
	out, errs, code := runBin(t, "report", jp, "--skip", "30s", "--format", "json")
	var doc reportDoc
	if code != 0 || json.Unmarshal([]byte(out), &doc) != nil {
		t.Fatalf("exit %d: %s", code, errs)
	}
	// 60 s of 5 samples; the failures are in seconds 30 to 39.
	if doc.LoadTest.Samples != 150 || doc.LoadTest.Errors != 10 {
		t.Fatalf("--skip 30s: %d samples, %d errors; want 150, 10", doc.LoadTest.Samples, doc.LoadTest.Errors)
	}
	_, _, code = runBin(t, "check", jp, "--skip", "40s", "--slo", "error_rate<=0%")
	if code != 0 {
		t.Fatalf("check --skip 40s: exit %d, want 0 (no errors after 40 s)", code)
	}
	_, _, code = runBin(t, "check", jp, "--slo", "error_rate<=0%")
	if code != 1 {
		t.Fatalf("check without --skip: exit %d, want 1", code)
	}
}

// corpusDir returns the shared corpus, skipping when it is absent (a fresh
// clone) except under CI=true, where it is always present.
func corpusDir(t *testing.T) string {
	t.Helper()
	dir := filepath.Join("..", "..", "..", "shared", "corpus")
	if _, err := os.Stat(dir); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("the shared corpus is missing at %s (always present under CI=true)", dir)
		}
		t.Skipf("the shared corpus is not at %s; skipping", dir)
	}
	return dir
}

// TestDetectsEveryLoadTestTool reads one file of each tool by content alone.
func TestDetectsEveryLoadTestTool(t *testing.T) {
	dir := corpusDir(t)
	cases := []struct {
		file    string
		kind    string
		samples int64 // requests, from each source's own corpus test
	}{
		{"loadtest/k6/json/desafio-votacao_k6-out-json.ndjson.gz", "k6", 771},
		{"loadtest/gatling/text/nuxeo_simulation-v2.3.log", "gatling", 1000},
		{"loadtest/gatling/binary/taurus_gatling-3.14.3_binary.simulation.log", "gatling", 39},
		{"loadtest/jmeter/csv/perfaction_result_jmeter5_default.jtl", "jtl", 100},
	}
	for _, c := range cases {
		t.Run(filepath.Base(c.file), func(t *testing.T) {
			path := filepath.Join(dir, c.file)
			if _, err := os.Stat(path); err != nil {
				t.Fatalf("corpus file missing: %v", err)
			}
			out, errs, code := runBin(t, "report", path, "--format", "json")
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errs)
			}
			var doc reportDoc
			if err := json.Unmarshal([]byte(out), &doc); err != nil {
				t.Fatal(err)
			}
			if doc.Sources[0].Kind != c.kind || doc.LoadTest == nil || doc.LoadTest.Samples != c.samples {
				t.Fatalf("kind %q samples %+v, want %s with %d", doc.Sources[0].Kind, doc.LoadTest, c.kind, c.samples)
			}
		})
	}
}
