package main

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// exactStart is the first timestamp of the fixtures of this file, on a
// whole second so that relative windows fall on whole seconds too.
var exactStart = time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC).UnixMilli()

// boundaryElapsed is the elapsed time of the i-th request of a second of the
// issue's boundary: of every 100, 50 take 5 ms, 45 take 8, 4 take 465 and 1
// takes 900, so that the nearest-rank p95 is exactly 8 ms and p99 465 ms,
// which a 1% sketch gives as 7.92 and 468.8.
func boundaryElapsed(i int) int {
	switch i := i % 100; {
	case i < 50:
		return 5
	case i < 95:
		return 8
	case i < 99:
		return 465
	}
	return 900
}

// exactSample is one request of a fixture.
type exactSample struct {
	startMS int64
	elapsed int
	label   string
	txn     bool
}

// boundaryRun is 20 s of "GET account", 100 requests a second: the first
// ten take 100 ms each, the last ten are the boundary figures. Over the run
// p95 is 100 ms and p99 465; from +10s, p95 is 8 ms and p99 465.
func boundaryRun() []exactSample {
	var out []exactSample
	for sec := range 20 {
		for i := range 100 {
			e := 100
			if sec >= 10 {
				e = boundaryElapsed(i)
			}
			out = append(out, exactSample{exactStart + int64(sec*1000+i*10), e, "GET account", false})
		}
	}
	return out
}

// writeJTL writes samples as a JMeter CSV JTL, in their order.
func writeJTL(t *testing.T, path string, samples []exactSample) {
	t.Helper()
	var b strings.Builder
	b.WriteString("timeStamp,elapsed,label,responseCode,responseMessage,threadName,dataType,success,bytes,grpThreads,allThreads\n")
	for _, s := range samples {
		msg := "OK"
		if s.txn {
			msg = `"Number of samples in transaction : 1, number of failing samples : 0"`
		}
		fmt.Fprintf(&b, "%d,%d,%s,200,%s,Users 1-1,text,true,100,1,1\n", s.startMS, s.elapsed, s.label, msg)
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

// writeGatling writes samples as a Gatling 3 text simulation.log.
func writeGatling(t *testing.T, path string, samples []exactSample) {
	t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, "RUN\tbank.AccountSimulation\taccountsimulation\t%d\t \t3.9.5\n", exactStart)
	for _, s := range samples {
		fmt.Fprintf(&b, "REQUEST\t\t%s\t%d\t%d\tOK\t \n", s.label, s.startMS, s.startMS+int64(s.elapsed))
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestCheckAtTheBoundary: a JMeter or Gatling run whose true p95 is 8 ms
// fails p95<8ms and passes p95<=8ms, and a true p99 of 465 ms passes
// p99<=465ms, over the run and over a window; the sketch got both wrong.
func TestCheckAtTheBoundary(t *testing.T) {
	dir := t.TempDir()
	writeJTL(t, filepath.Join(dir, "run.jtl"), boundaryRun())
	writeGatling(t, filepath.Join(dir, "simulation.log"), boundaryRun())
	tests := []struct {
		name string
		args []string // after the source
		code int
		want []string // lines of stdout
	}{
		{"run", []string{"--slo", "p95<100ms", "--slo", "p95<=100ms", "--slo", "p99<465ms", "--slo", "p99<=465ms"}, exitFailure, []string{
			"FAIL  p95 < 100ms  (measured 100ms)",
			"PASS  p95 <= 100ms  (measured 100ms)",
			"FAIL  p99 < 465ms  (measured 465ms)",
			"PASS  p99 <= 465ms  (measured 465ms)",
		}},
		{"window", []string{"--window", "+10s..", "--slo", "label=GET account:p95<8ms", "--slo", "p95<=8ms", "--slo", "p99<=466ms", "--slo", "p99<465ms"}, exitFailure, []string{
			"FAIL  label=GET account: p95 < 8ms  (measured 8ms)",
			"PASS  p95 <= 8ms  (measured 8ms)",
			"PASS  p99 <= 466ms  (measured 465ms)",
			"FAIL  p99 < 465ms  (measured 465ms)",
		}},
		{"skip", []string{"--skip", "10s", "--slo", "p95<8ms", "--slo", "p50<=5ms"}, exitFailure, []string{
			"FAIL  p95 < 8ms  (measured 8ms)",
			"PASS  p50 <= 5ms  (measured 5ms)",
		}},
		{"absolute window, all pass", []string{"--window", time.UnixMilli(exactStart+10_000).UTC().Format(time.RFC3339) + "..", "--slo", "p95<=8ms", "--slo", "p99<=465ms"}, exitOK, []string{
			"PASS  p95 <= 8ms  (measured 8ms)",
			"PASS  p99 <= 465ms  (measured 465ms)",
		}},
	}
	for _, source := range []string{"run.jtl", "simulation.log"} {
		for _, tt := range tests {
			t.Run(source+"/"+tt.name, func(t *testing.T) {
				out, errs, code := runIn(t, dir, append([]string{"check", source, "--utc"}, tt.args...)...)
				if code != tt.code {
					t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.code, out, errs)
				}
				if got := strings.Split(strings.TrimSuffix(out, "\n"), "\n"); !slices.Equal(got, tt.want) {
					t.Errorf("stdout:\n%s\nwant:\n%s", out, strings.Join(tt.want, "\n"))
				}
			})
		}
	}
}

// nearestRank is the nearest-rank q-quantile of values, by its definition.
func nearestRank(values []int, q float64) float64 {
	s := slices.Sorted(slices.Values(values))
	r := int(math.Ceil(q*float64(len(s)) - 1e-9))
	return float64(s[min(max(r, 1), len(s))-1])
}

// reportPercentiles are the percentile figures of a JSON report.
type reportPercentiles struct {
	P50         float64 `json:"p50_ms"`
	P90         float64 `json:"p90_ms"`
	P95         float64 `json:"p95_ms"`
	P99         float64 `json:"p99_ms"`
	Percentiles string  `json:"percentiles"`
}

type reportLabelPercentiles struct {
	Label string `json:"label"`
	reportPercentiles
}

type exactReportDoc struct {
	LoadTest struct {
		reportPercentiles
		Note   string                   `json:"percentiles_note"`
		Labels []reportLabelPercentiles `json:"labels"`
	} `json:"loadtest"`
}

// wantPercentiles computes what the report must say of values.
func wantPercentiles(values []int) reportPercentiles {
	return reportPercentiles{nearestRank(values, 0.5), nearestRank(values, 0.9), nearestRank(values, 0.95), nearestRank(values, 0.99), "exact"}
}

// checkReport runs report --format json and compares every percentile with
// the nearest rank of the samples keep selects.
func checkReport(t *testing.T, dir string, samples []exactSample, keep func(exactSample) bool, args ...string) {
	t.Helper()
	out, errs, code := runIn(t, dir, append([]string{"report", "--format", "json", "--utc"}, args...)...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var doc exactReportDoc
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	var requests []int
	byLabel := map[string][]int{}
	for _, s := range samples {
		if !keep(s) {
			continue
		}
		byLabel[s.label] = append(byLabel[s.label], s.elapsed)
		if !s.txn {
			requests = append(requests, s.elapsed)
		}
	}
	lt := doc.LoadTest
	if want := wantPercentiles(requests); lt.reportPercentiles != want {
		t.Errorf("totals: %+v (%s), want %+v", lt.reportPercentiles, lt.Note, want)
	}
	if len(lt.Labels) != len(byLabel) {
		t.Errorf("%d labels, want %d", len(lt.Labels), len(byLabel))
	}
	for _, l := range lt.Labels {
		if want := wantPercentiles(byLabel[l.Label]); l.reportPercentiles != want {
			t.Errorf("%s: %+v, want %+v", l.Label, l.reportPercentiles, want)
		}
	}
}

// randomRun is 30 s of two request labels, one with a long tail past the
// exact counts' array (8 s), and a transaction.
func randomRun() []exactSample {
	rng := rand.New(rand.NewPCG(8, 465))
	var out []exactSample
	for i := range 6000 {
		at := exactStart + int64(i*5)
		out = append(out, exactSample{at, 1 + rng.IntN(300), "GET account", false})
		tail := 20 + rng.IntN(2000)
		if rng.IntN(40) == 0 {
			tail = 8000 + rng.IntN(30_000)
		}
		out = append(out, exactSample{at + 1, tail, "POST transfer", false})
		if i%3 == 0 {
			out = append(out, exactSample{at, 50 + rng.IntN(900), "Transfer", true})
		}
	}
	return out
}

// TestReportExactPercentiles: report's percentiles are the nearest-rank
// values of the samples, over the run and over windows of every form.
func TestReportExactPercentiles(t *testing.T) {
	dir := t.TempDir()
	samples := randomRun()
	writeJTL(t, filepath.Join(dir, "run.jtl"), samples)
	sec := func(s exactSample) int64 { return s.startMS / 1000 }
	first := exactStart / 1000
	tests := []struct {
		name string
		args []string
		keep func(exactSample) bool
	}{
		{"run", nil, func(exactSample) bool { return true }},
		{"relative window", []string{"--window", "+5s..+15s"}, func(s exactSample) bool { return sec(s) >= first+5 && sec(s) < first+15 }},
		{"skip", []string{"--skip", "12s"}, func(s exactSample) bool { return sec(s) >= first+12 }},
		{"clock window", []string{"--window", "09:00:20..09:00:25"}, func(s exactSample) bool { return sec(s) >= first+20 && sec(s) < first+25 }},
		{"absolute window", []string{"--window", time.UnixMilli(exactStart+2000).UTC().Format(time.RFC3339) + ".."}, func(s exactSample) bool { return sec(s) >= first+2 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkReport(t, dir, samples, tt.keep, append([]string{"run.jtl"}, tt.args...)...)
		})
	}
}

// TestReportExactAfterALateStart: a row that starts 20 s before every other
// one, written last, moves the data's start and with it a relative window
// after counting began; the file is read again with the window fixed, and
// the percentiles stay exact.
func TestReportExactAfterALateStart(t *testing.T) {
	dir := t.TempDir()
	samples := randomRun()
	samples = append(samples, exactSample{exactStart - 20_000, 30_000, "GET account", false})
	writeJTL(t, filepath.Join(dir, "run.jtl"), samples)
	// The window +10s.. starts at the late row's start + 10 s: every row
	// but the late one.
	from := (exactStart - 10_000) / 1000
	checkReport(t, dir, samples, func(s exactSample) bool { return s.startMS/1000 >= from }, "run.jtl", "--window", "+10s..")
}

// TestReportExactText: the text report prints the exact figures and says
// they are exact.
func TestReportExactText(t *testing.T) {
	dir := t.TempDir()
	writeJTL(t, filepath.Join(dir, "run.jtl"), boundaryRun())
	out, errs, code := runIn(t, dir, "report", "run.jtl", "--utc", "--window", "+10s..")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"p50 5, p90 8, p95 8, p99 465, max 900 ms\nPercentiles: exact nearest-rank values, each some sample's time.\n",
		"GET account     1000       0    0.00%       34       5       8     465     900"} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout lacks %q:\n%s", want, out)
		}
	}
}
