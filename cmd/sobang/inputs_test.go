package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// runBinTimeout runs the built binary like runBin, with env added, in a
// session of its own (no controlling terminal: a dashboard started by
// mistake fails instead of taking the terminal), and fails the test when
// it has not ended within d: the faults tested here used to hang.
func runBinTimeout(t *testing.T, d time.Duration, env []string, args ...string) (string, string, int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	cmd := exec.CommandContext(ctx, sobangBinary(t), args...)
	cmd.Env = append(append(os.Environ(), "XDG_CONFIG_HOME="+t.TempDir()), env...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("sobang %s did not end within %v; stderr:\n%s", strings.Join(args, " "), d, errb.String())
	}
	return out.String(), errb.String(), exitCode(t, err)
}

// sameFileNamings returns, for the JTL at jp, other ways of naming the same
// file: the path again, another spelling of it, a symbolic and a hard link.
func sameFileNamings(t *testing.T, jp string) map[string]string {
	t.Helper()
	dir := filepath.Dir(jp)
	link, hard := filepath.Join(dir, "link.jtl"), filepath.Join(dir, "hard.jtl")
	if err := os.Symlink(jp, link); err != nil {
		t.Fatal(err)
	}
	if err := os.Link(jp, hard); err != nil {
		t.Fatal(err)
	}
	return map[string]string{
		"same path":    jp,
		"another path": filepath.Join(dir, ".", "sub", "..", filepath.Base(jp)),
		"symlink":      link,
		"hard link":    hard,
	}
}

func TestSameFileReadOnce(t *testing.T) {
	dir := t.TempDir()
	jp, _ := writeSavedRun(t, dir) // 300 samples in 60 s: 5 per second
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, again := range sameFileNamings(t, jp) {
		for _, flag := range []string{"", "--jtl"} {
			second := []string{again}
			if flag != "" {
				second = []string{flag, again}
			}
			t.Run(name+" "+flag+" report", func(t *testing.T) {
				out, errs, code := runBinTimeout(t, 20*time.Second, nil, append([]string{"report", jp, "--format", "json"}, second...)...)
				var doc reportDoc
				if code != 0 || json.Unmarshal([]byte(out), &doc) != nil {
					t.Fatalf("exit %d: %s\n%s", code, errs, out)
				}
				if len(doc.Sources) != 1 || doc.LoadTest.Samples != 300 {
					t.Fatalf("%d sources, %d samples; want the file read once: 1, 300", len(doc.Sources), doc.LoadTest.Samples)
				}
				if w := strings.Join(doc.Sources[0].Warnings, "\n"); !strings.Contains(w, "read once") {
					t.Fatalf("no warning in the report: %q", w)
				}
				if !strings.Contains(errs, "sobang: warning: "+jp+": ") || !strings.Contains(errs, "read once") {
					t.Fatalf("no warning on stderr: %q", errs)
				}
			})
			t.Run(name+" "+flag+" check", func(t *testing.T) {
				// Read twice, 10 per second would pass this gate.
				out, errs, code := runBinTimeout(t, 20*time.Second, nil, append([]string{"check", jp, "--slo", "throughput>=8rps"}, second...)...)
				if code != exitFailure || !strings.Contains(out, "measured 5") || !strings.Contains(errs, "read once") {
					t.Fatalf("exit %d (want 1)\nstdout: %s\nstderr: %s", code, out, errs)
				}
			})
		}
	}
}

func TestSameBaselineReadOnce(t *testing.T) {
	dir := t.TempDir()
	old, cur := filepath.Join(dir, "old.jtl"), filepath.Join(dir, "new.jtl")
	writeRun(t, old, time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC), 100, 200) // 600 samples a label
	writeRun(t, cur, time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC), 100, 200)
	if err := os.Link(old, filepath.Join(dir, "again.jtl")); err != nil {
		t.Fatal(err)
	}
	out, errs, code := runBinTimeout(t, 20*time.Second, nil, "report", cur, "--baseline", old, "--baseline", filepath.Join(dir, "again.jtl"), "--format", "json")
	var doc struct {
		Baseline struct {
			Sources []struct {
				Warnings []string `json:"warnings"`
			} `json:"sources"`
			Labels []struct {
				Label       string `json:"label"`
				BaseSamples int64  `json:"base_samples"`
			} `json:"labels"`
		} `json:"baseline"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &doc) != nil {
		t.Fatalf("exit %d: %s\n%s", code, errs, out)
	}
	if len(doc.Baseline.Sources) != 1 || len(doc.Baseline.Sources[0].Warnings) == 0 {
		t.Fatalf("baseline sources = %+v, want one, with a warning", doc.Baseline.Sources)
	}
	for _, l := range doc.Baseline.Labels {
		if l.BaseSamples != 600 {
			t.Errorf("%s: %d baseline samples, want 600", l.Label, l.BaseSamples)
		}
	}
	if !strings.Contains(errs, "--baseline "+old+": ") || !strings.Contains(errs, "again.jtl is the same file: read once") {
		t.Fatalf("no warning on stderr: %q", errs)
	}
}

// TestSpecsReadEachFileOnce covers the dashboard's side: its sources come
// from the same specs, and the note reaches the store's warnings.
func TestSpecsReadEachFileOnce(t *testing.T) {
	dir := t.TempDir()
	jp, lp := writeSavedRun(t, dir)
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, again := range sameFileNamings(t, jp) {
		t.Run(name, func(t *testing.T) {
			var sf sourceFlags
			sf.jtl = []string{again}
			specs, err := sf.specs([]string{jp, lp})
			if err != nil {
				t.Fatal(err)
			}
			if len(specs) != 2 || specs[0].name != jp || len(specs[0].notes) != 1 || len(specs[1].notes) != 0 {
				t.Fatalf("specs = %+v, want %s (with a note) and %s", specs, jp, lp)
			}
			srcs, err := sf.build(specs, false, nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(srcs) != 2 || len(notesOf(srcs[0])) != 1 {
				t.Fatalf("built %d sources, notes %q", len(srcs), notesOf(srcs[0]))
			}
		})
	}
	// --offset may name the file as any of its names.
	var sf sourceFlags
	sf.offsets = []string{"link.jtl=2s"}
	specs, err := sf.specs([]string{jp, filepath.Join(dir, "link.jtl")})
	if err != nil {
		t.Fatal(err)
	}
	srcs, err := sf.build(specs, false, nil)
	if err != nil || len(srcs) != 1 || srcs[0].Info().Offset != 2*time.Second {
		t.Fatalf("--offset by the second name: %v, %d sources", err, len(srcs))
	}
}

func TestE2ESameFileOnceInTheDashboard(t *testing.T) {
	needTmux(t)
	bin := sobangBinary(t)
	dir := t.TempDir()
	jp, _ := writeSavedRun(t, dir)
	s := startTmux(t, 120, 40, fmt.Sprintf("cd %s && %s --utc %s ./%[3]s", dir, bin, filepath.Base(jp)))
	s.waitText("whole run  samples 300 ", 10*time.Second)
	s.send("q")
	s.waitExit(5 * time.Second)
	// Written before the dashboard took the screen, there after it quits
	// (on the screen or, once tmux scrolled it, in the pane's history).
	if all := s.run("capture-pane", "-p", "-S", "-", "-t", s.name); !strings.Contains(all, "sobang: warning: saved.jtl: ./saved.jtl is the same file: read once") {
		t.Fatalf("no warning after the dashboard quit:\n%s", all)
	}
}

// writeZonelessLog writes a log of 60 lines, one a second from 09:00:00,
// whose timestamps carry no zone, and returns its path.
func writeZonelessLog(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	for sec := 0; sec < 60; sec++ {
		fmt.Fprintf(&b, "2026-11-24 09:00:%02d.500  INFO 4242 --- [bank] [exec-1] c.e.bank.Saved                           : heartbeat\n", sec)
	}
	p := filepath.Join(dir, "zoneless.log")
	if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestReportWarnsOfClocksApart(t *testing.T) {
	dir := t.TempDir()
	jp, _ := writeSavedRun(t, dir) // UTC epoch stamps from 09:00:00Z
	zl := writeZonelessLog(t, dir) // 09:00:00 in the local zone
	empty := filepath.Join(dir, "empty.log")
	timeless := filepath.Join(dir, "timeless.log")
	os.WriteFile(empty, nil, 0o644)
	os.WriteFile(timeless, []byte("starting\nlistening on :8080\nready\n"), 0o644)
	seoul := []string{"TZ=Asia/Seoul"}
	tests := []struct {
		name string
		env  []string
		args []string
		warn string // part of the warning, "" for none
	}{
		{"nine hours apart", seoul, []string{jp, zl}, "do not overlap, 8h59m"},
		{"the zone given", seoul, []string{jp, zl, "--tz", "UTC"}, ""},
		{"an empty source", seoul, []string{jp, empty}, ""},
		{"a log without timestamps", seoul, []string{jp, timeless}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, format := range []string{"json", "text"} {
				out, errs, code := runBinTimeout(t, 20*time.Second, tt.env, append([]string{"report", "--utc", "--format", format}, tt.args...)...)
				if code != 0 {
					t.Fatalf("exit %d: %s", code, errs)
				}
				if tt.warn == "" {
					if strings.Contains(out+errs, "clocks:") {
						t.Fatalf("%s: a clock warning where the clocks agree or say nothing:\n%s\n%s", format, out, errs)
					}
					continue
				}
				if !strings.Contains(errs, "sobang: warning: clocks: ") || !strings.Contains(errs, tt.warn) {
					t.Fatalf("%s: no clock warning on stderr: %q", format, errs)
				}
				switch format {
				case "json":
					var doc struct{ Warnings []string }
					if err := json.Unmarshal([]byte(out), &doc); err != nil || len(doc.Warnings) != 1 || !strings.Contains(doc.Warnings[0], tt.warn) ||
						!strings.Contains(doc.Warnings[0], "saved.jtl (2026-11-24T09:00:00Z .. 09:00:59.4Z)") {
						t.Fatalf("json warnings = %q (%v)", doc.Warnings, err)
					}
				case "text":
					if !strings.Contains(out, "warning: clocks: ") {
						t.Fatalf("text report lacks the warning:\n%s", out)
					}
				}
			}
		})
	}
	// check warns too: a window counted from the log's start would judge
	// the wrong part of the run.
	_, errs, _ := runBinTimeout(t, 20*time.Second, seoul, "check", jp, zl, "--slo", "p95<1s")
	if !strings.Contains(errs, "sobang: warning: clocks: ") {
		t.Fatalf("check: no clock warning: %q", errs)
	}
}

func TestReportNeverWaitsUnasked(t *testing.T) {
	dir := t.TempDir()
	jp, _ := writeSavedRun(t, dir)
	missing := filepath.Join(dir, "missing.jtl")
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"report --jtl", []string{"report", "--jtl", missing}, exitUsage, missing + ": no such file (use --wait to wait for it to appear)"},
		{"report --jtl beside a file", []string{"report", jp, "--jtl", missing}, exitUsage, missing + ": no such file"},
		{"report --log", []string{"report", "--log", missing}, exitUsage, missing + ": no such file"},
		{"report --k6", []string{"report", "--k6", missing}, exitUsage, missing + ": no such file"},
		{"report --gatling", []string{"report", "--gatling", missing}, exitUsage, missing + ": no such file"},
		{"report --locust", []string{"report", "--locust", missing}, exitUsage, missing + ": no Locust CSV file"},
		{"check --jtl", []string{"check", "--jtl", missing, "--slo", "p95<1s"}, exitUsage, missing + ": no such file\n"},
		{"check --wait", []string{"check", "--wait", jp, "--slo", "p95<1s"}, exitUsage, "--wait: check judges finished results and never waits"},
		// Asked to follow for a while: a warning once it is over.
		{"report --duration", []string{"report", "--jtl", missing, "--duration", "300ms"}, exitOK,
			"sobang: warning: " + missing + ": the file did not appear within --duration 300ms"},
		{"report --wait --duration", []string{"report", "--wait", missing, "--duration", "300ms"}, exitOK,
			"the file did not appear within --duration 300ms"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, errs, code := runBinTimeout(t, 15*time.Second, nil, tt.args...)
			if code != tt.code || !strings.Contains(errs, tt.stderr) {
				t.Fatalf("exit %d (want %d)\nstderr: %s\nstdout: %s", code, tt.code, errs, out)
			}
		})
	}
	// The warning is in the report too.
	out, _, _ := runBinTimeout(t, 15*time.Second, nil, "report", "--jtl", missing, "--duration", "300ms", "--format", "json")
	var doc reportDoc
	if err := json.Unmarshal([]byte(out), &doc); err != nil || len(doc.Sources) != 1 || !strings.Contains(strings.Join(doc.Sources[0].Warnings, "\n"), "did not appear") {
		t.Fatalf("report: %v %+v", err, doc.Sources)
	}
}

func TestBadValuesRefused(t *testing.T) {
	dir := t.TempDir()
	jp, _ := writeSavedRun(t, dir) // 09:00:00Z to 09:00:59.4Z
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"--range 0s", []string{"--range", "0s", jp}, exitUsage, `sobang: --range: expected a duration above 0, found "0s"`},
		{"--range negative", []string{"--range=-1m", jp}, exitUsage, `--range: expected a duration above 0, found "-1m0s"`},
		{"--since negative", []string{"--since", "-5m", jp}, exitUsage, `sobang: --since: expected a duration above 0, found "-5m0s"`},
		{"--since 0", []string{"--since", "0", jp}, exitUsage, `--since: expected a duration above 0, found "0s"`},
		{"report --duration negative", []string{"report", jp, "--duration", "-5s"}, exitUsage, `sobang: --duration: expected a duration above 0, found "-5s"`},
		{"demo --duration 0s", []string{"demo", "--duration", "0s"}, exitUsage, `sobang: --duration: expected a duration above 0, found "0s"`},
		{"demo --range 0s", []string{"demo", "--range", "0s"}, exitUsage, `--range: expected a duration above 0, found "0s"`},
		// A window outside the data: the report warns and names both...
		{"report --window outside", []string{"report", jp, "--utc", "--window", "13:00..14:00"}, exitOK,
			"sobang: warning: --window 13:00..14:00 (2026-11-24T13:00:00Z .. 2026-11-24T14:00:00Z) holds no data: the data spans 2026-11-24T09:00:00Z .. 09:00:59.4Z"},
		{"report --window before", []string{"report", jp, "--utc", "--window", "..08:00"}, exitOK,
			"--window ..08:00 (the start .. 2026-11-24T08:00:00Z) holds no data"},
		{"report --skip past the end", []string{"report", jp, "--utc", "--skip", "2h"}, exitOK,
			"--skip 2h0m0s (2026-11-24T11:00:00Z .. the end) holds no data: the data spans 2026-11-24T09:00:00Z"},
		// ...and check, which judged nothing, passes no gate: exit 2.
		{"check --window outside", []string{"check", jp, "--utc", "--window", "13:00..14:00", "--slo", "p95<1s"}, exitUsage,
			"sobang: no load-test samples to check: --window 13:00..14:00 (2026-11-24T13:00:00Z .. 2026-11-24T14:00:00Z) holds no load-test samples: the load test spans 2026-11-24T09:00:00Z .. 09:00:59.4Z"},
		{"check --skip past the end", []string{"check", jp, "--utc", "--skip", "2h", "--slo", "p95<1s"}, exitUsage,
			"--skip 2h0m0s (2026-11-24T11:00:00Z .. the end) holds no load-test samples"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, errs, code := runBinTimeout(t, 15*time.Second, nil, tt.args...)
			if code != tt.code || !strings.Contains(errs, tt.stderr) {
				t.Fatalf("exit %d (want %d)\nstderr: %s\nstdout: %s", code, tt.code, errs, out)
			}
		})
	}
	// The report's warning is in the document too; a window inside the
	// data warns of nothing.
	out, _, _ := runBinTimeout(t, 15*time.Second, nil, "report", jp, "--utc", "--window", "13:00..14:00", "--format", "json")
	var doc struct{ Warnings []string }
	if err := json.Unmarshal([]byte(out), &doc); err != nil || len(doc.Warnings) != 1 || !strings.Contains(doc.Warnings[0], "holds no data") {
		t.Fatalf("json warnings = %q (%v)", doc.Warnings, err)
	}
	_, errs, code := runBinTimeout(t, 15*time.Second, nil, "report", jp, "--utc", "--window", "09:00:10..09:00:20")
	if code != 0 || strings.Contains(errs, "warning") {
		t.Fatalf("window inside the data: exit %d, %q", code, errs)
	}
}
