package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"
)

// writeCheckRun writes a small JMeter 5 CSV JTL into dir as run.jtl and
// returns dir: 20 s of three request labels (one with ':' in its name) and a
// transaction, with 503s, assertion failures and connection errors.
func writeCheckRun(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	start := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	var b strings.Builder
	b.WriteString("timeStamp,elapsed,label,responseCode,responseMessage,threadName,dataType,success,failureMessage,bytes,sentBytes,grpThreads,allThreads,URL,Latency,IdleTime,Connect\n")
	row := func(ms int64, elapsed int, label, code, msg string, ok bool, failure string, bytes, sent int) {
		fmt.Fprintf(&b, "%d,%d,%s,%s,%s,Users 1-1,text,%t,%s,%d,%d,4,4,http://bank:8080/x,%d,0,1\n",
			start.UnixMilli()+ms, elapsed, label, code, msg, ok, failure, bytes, sent, elapsed/2)
	}
	for sec := 0; sec < 20; sec++ {
		base := int64(sec) * 1000
		for i := 0; i < 4; i++ {
			ms := base + int64(i)*250
			// GET balance: 20..95 ms; a 503 burst in seconds 10-12, one failed
			// assertion every 5 s.
			switch {
			case sec >= 10 && sec <= 12 && i == 0:
				row(ms, 5, "GET balance", "503", "Service Unavailable", false, "", 120, 90)
			case sec%5 == 0 && i == 1:
				row(ms, 40, "GET balance", "200", "OK", false, `"Test failed: text expected to contain /balance/"`, 700, 90)
			default:
				row(ms, 20+sec+i*15, "GET balance", "200", "OK", true, "", 700, 90)
			}
			// POST transfer: 300..1100 ms, slower as the run goes on.
			row(ms+10, 300+sec*40+i*10, "POST transfer", "201", "Created", true, "", 350, 1400)
		}
		// The health check's label holds ':'; one connection error.
		if sec == 15 {
			row(base+500, 3000, `"GET http://bank:8080/health"`, "Non HTTP response code: java.net.ConnectException",
				"Non HTTP response message: Connection refused", false, "", 0, 0)
		} else {
			row(base+500, 3, `"GET http://bank:8080/health"`, "200", "OK", true, "", 60, 70)
		}
		// A transaction of the first GET and POST of the second.
		failing := 0
		if sec >= 10 && sec <= 12 || sec%5 == 0 {
			failing = 1
		}
		code := "200"
		if failing > 0 {
			code = ""
		}
		row(base, 320+sec*40, "Transfer flow", code, fmt.Sprintf(`"Number of samples in transaction : 2, number of failing samples : %d"`, failing),
			failing == 0, "", 1050, 1490)
	}
	if err := os.WriteFile(filepath.Join(dir, "run.jtl"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// runIn runs the built binary in dir, so that paths in its output are the
// relative ones given.
func runIn(t *testing.T, dir string, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(sobangBinary(t), args...)
	cmd.Dir = dir
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	code := exitCode(t, cmd.Run())
	return out.String(), errb.String(), code
}

func TestCheckGolden(t *testing.T) {
	dir := writeCheckRun(t)
	out, errs, code := runIn(t, dir, "check", "run.jtl", "--utc",
		"--slo", "p95<1.2s",
		"--slo", "error_rate<1%",
		"--slo", "error_rate <= 0.1",
		"--slo", "throughput>=8rps",
		"--slo", "apdex>=0.8",
		"--slo", "label=POST transfer:p99<800ms",
		"--slo", "label=GET balance:max<100ms",
		"--slo", `label="GET http://bank:8080/health":mean<1s`,
		"--slo", "label=Transfer flow:error_rate<50%",
		"--slo", "label=GET balanse:p95<100ms")
	if code != exitFailure || !strings.Contains(errs, "sobang: 4 of 10 objectives failed") {
		t.Fatalf("exit %d, stderr %q, stdout:\n%s", code, errs, out)
	}
	golden.RequireEqual(t, out)
}

func TestCheckExitCodes(t *testing.T) {
	dir := writeCheckRun(t)
	empty := filepath.Join(dir, "empty.jtl")
	os.WriteFile(empty, []byte("timeStamp,elapsed,label,responseCode,responseMessage,threadName,dataType,success\n"), 0o644)
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout string // part of stdout
		stderr string // part of stderr
	}{
		{"all pass", []string{"check", "run.jtl", "--slo", "p50<1s", "--slo", "error_rate<10%"}, exitOK,
			"PASS  error_rate < 10%  (measured 4.44%)", ""},
		{"flags before the source", []string{"check", "--slo", "max<=3s", "run.jtl"}, exitOK, "PASS  max <= 3s  (measured 3s)", ""},
		{"one fails", []string{"check", "run.jtl", "--slo", "p50<1s", "--slo", "p99<10ms"}, exitFailure,
			"FAIL  p99 < 10ms", "1 of 2 objectives failed"},
		{"no such label fails", []string{"check", "run.jtl", "--slo", "label=GET:p50<1s"}, exitFailure,
			`(no such label; labels: "GET balance", "GET http://bank:8080/health", "POST transfer", "Transfer flow")`, ""},
		{"malformed", []string{"check", "run.jtl", "--slo", "p50<1s", "--slo", "p95 < 500 ns"}, exitUsage,
			"", "--slo: \"p95 < 500 ns\": column 11: unit: expected ms or s for p95, found \"ns\"\n  p95 < 500 ns\n            ^\n"},
		// A bare error rate of 1 is 100%, which every run passes.
		{"bare rate of 1", []string{"check", "run.jtl", "--slo", "error_rate<1"}, exitUsage,
			"", "did you mean 1%?"},
		{"latency without a unit", []string{"check", "run.jtl", "--slo", "p95<500"}, exitUsage,
			"", "unit: expected ms or s for p95"},
		{"unquoted colon", []string{"check", "run.jtl", "--slo", "label=GET http://bank:8080/health:mean<1s"}, exitUsage,
			"", "must be double-quoted"},
		{"no objective", []string{"check", "run.jtl"}, exitUsage, "", "at least one --slo"},
		{"no source", []string{"check", "--slo", "p95<1s"}, exitUsage, "", "at least one SOURCE"},
		{"missing file", []string{"check", "nope.jtl", "--slo", "p95<1s"}, exitUsage, "", "nope.jtl"},
		{"missing --jtl is not waited for", []string{"check", "--jtl", "nope.jtl", "--slo", "p95<1s"}, exitUsage, "", "nope.jtl"},
		{"no samples", []string{"check", "empty.jtl", "--slo", "p95<1s"}, exitUsage, "", "no load-test samples"},
		{"window without samples", []string{"check", "run.jtl", "--window", "+1h..", "--slo", "p95<1s"}, exitUsage, "", "no load-test samples to check: --window +1h.. ("},
		{"bad window", []string{"check", "run.jtl", "--window", "soon..", "--slo", "p95<1s"}, exitUsage, "", "--window"},
		// The 503 burst is in seconds 10-12: the first ten seconds have
		// only the assertion failures of seconds 0 and 5.
		{"window", []string{"check", "run.jtl", "--window", "+0s..+10s", "--slo", "label=GET balance:error_rate<=5%"}, exitOK,
			"PASS  label=GET balance: error_rate <= 5%  (measured 5%)", ""},
		// APDEX: with T=10 ms only the health checks are satisfied.
		{"apdex thresholds", []string{"check", "run.jtl", "--apdex", "10ms:20ms", "--slo", "apdex<0.2"}, exitOK, "PASS  apdex < 0.2", ""},
		{"bad apdex", []string{"check", "run.jtl", "--apdex", "2s:1s", "--slo", "apdex<0.2"}, exitUsage, "", "satisfied <= tolerated"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, errs, code := runIn(t, dir, tt.args...)
			if code != tt.code || !strings.Contains(out, tt.stdout) || !strings.Contains(errs, tt.stderr) {
				t.Fatalf("exit %d (want %d)\nstdout:\n%s\nstderr:\n%s", code, tt.code, out, errs)
			}
		})
	}
}

func TestCheckHelpHasCIExamples(t *testing.T) {
	out, _, code := runBin(t, "help", "check")
	for _, want := range []string{"GitHub Actions", "Jenkins", "--slo", "--window", "--apdex", "error_rate"} {
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("help check lacks %q:\n%s", want, out)
		}
	}
}

func TestReportGolden(t *testing.T) {
	dir := writeCheckRun(t)
	for _, format := range []string{"text", "markdown"} {
		t.Run(format, func(t *testing.T) {
			out, errs, code := runIn(t, dir, "report", "run.jtl", "--utc", "--format", format)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errs)
			}
			golden.RequireEqual(t, out)
		})
	}
}

func TestReportErrorsJSON(t *testing.T) {
	dir := writeCheckRun(t)
	out, errs, code := runIn(t, dir, "report", "run.jtl", "--format", "json", "--apdex", "100ms:400ms")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	type errorKey struct {
		Key          string  `json:"key"`
		Count        int64   `json:"count"`
		PctOfErrors  float64 `json:"pct_of_errors"`
		PctOfSamples float64 `json:"pct_of_samples"`
	}
	var doc struct {
		LoadTest struct {
			Samples          int64      `json:"samples"`
			Errors           int64      `json:"errors"`
			ErrorsByKey      []errorKey `json:"errors_by_key"`
			KBReceivedPerSec float64    `json:"kb_received_per_s"`
			ApdexSatisfiedMS int64      `json:"apdex_satisfied_ms"`
			ApdexToleratedMS int64      `json:"apdex_tolerated_ms"`
			Labels           []struct {
				Label     string     `json:"label"`
				TopErrors []errorKey `json:"top_errors"`
			} `json:"labels"`
		} `json:"loadtest"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	lt := doc.LoadTest
	// 180 requests; 3 503s, 4 failed assertions, 1 connection error.
	want := []errorKey{
		{"Test failed: text expected to contain /balance/", 4, 50, 2.222},
		{"503/Service Unavailable", 3, 37.5, 1.667},
		{"Non HTTP response code: java.net.ConnectException/Non HTTP response message: Connection refused", 1, 12.5, 0.556},
	}
	if lt.Samples != 180 || lt.Errors != 8 || fmt.Sprint(lt.ErrorsByKey) != fmt.Sprint(want) {
		t.Fatalf("%d samples, %d errors, errors_by_key %+v; want 180, 8, %+v", lt.Samples, lt.Errors, lt.ErrorsByKey, want)
	}
	if lt.ApdexSatisfiedMS != 100 || lt.ApdexToleratedMS != 400 || lt.KBReceivedPerSec <= 0 {
		t.Fatalf("apdex thresholds %d/%d, received %v KB/s", lt.ApdexSatisfiedMS, lt.ApdexToleratedMS, lt.KBReceivedPerSec)
	}
	for _, l := range lt.Labels {
		if l.Label == "GET balance" && (len(l.TopErrors) != 2 || l.TopErrors[0].PctOfErrors != 57.143) {
			t.Errorf("GET balance top errors = %+v", l.TopErrors)
		}
		if l.Label == "Transfer flow" && len(l.TopErrors) != 0 {
			t.Errorf("a transaction lists no errors by key, found %+v", l.TopErrors)
		}
	}
}

// TestReportSLOIncidents: report --slo makes the stretches of the run that
// missed an objective incidents (kind slo), saying which; a bad objective
// is a usage error before anything is read.
func TestReportSLOIncidents(t *testing.T) {
	dir := writeCheckRun(t)
	out, errs, code := runIn(t, dir, "report", "run.jtl", "--format", "json", "--slo", "p95<500ms")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var d struct {
		Incidents []struct {
			Kind    string `json:"kind"`
			Summary string `json:"summary"`
		} `json:"incidents"`
	}
	if err := json.Unmarshal([]byte(out), &d); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, in := range d.Incidents {
		if strings.Contains(in.Kind, "slo") && strings.Contains(in.Summary, "missed p95 < 500ms") {
			found = true
		}
	}
	if !found {
		t.Errorf("no slo incident: %+v", d.Incidents)
	}
	if _, errs, code := runIn(t, dir, "report", "run.jtl", "--slo", "p95<<1"); code != exitUsage || !strings.Contains(errs, "--slo") {
		t.Errorf("a bad objective: exit %d, %s", code, errs)
	}
}
