package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

// reportLabels runs report in JSON and returns its labels with their
// samples, and the APDEX thresholds it used.
func reportLabels(t *testing.T, env []string, args ...string) (map[string]int64, [2]int64) {
	t.Helper()
	out, errs, code := runBinEnv(t, env, append([]string{"report", "--format", "json"}, args...)...)
	if code != 0 {
		t.Fatalf("report %v: exit %d: %s", args, code, errs)
	}
	var doc struct {
		LoadTest struct {
			Satisfied int64 `json:"apdex_satisfied_ms"`
			Tolerated int64 `json:"apdex_tolerated_ms"`
			Labels    []struct {
				Label   string `json:"label"`
				Samples int64  `json:"samples"`
			} `json:"labels"`
		} `json:"loadtest"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	got := map[string]int64{}
	for _, l := range doc.LoadTest.Labels {
		got[l.Label] = l.Samples
	}
	return got, [2]int64{doc.LoadTest.Satisfied, doc.LoadTest.Tolerated}
}

func writeConfig(t *testing.T, path, text string) string {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func keys(m map[string]int64) string {
	var out []string
	for k, v := range m {
		out = append(out, fmt.Sprintf("%s=%d", k, v))
	}
	sort.Strings(out)
	return strings.Join(out, " ")
}

func TestConfigFileAppliesUnderTheFlags(t *testing.T) {
	dir := t.TempDir()
	run := filepath.Join(dir, "run.jtl")
	writeRun(t, run, time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC), 100, 200)
	cfg := writeConfig(t, filepath.Join(dir, "my.toml"), `[loadtest]
label_map = ['^GET fast$=fast one']
apdex = "150ms:180ms"
`)
	empty := []string{"XDG_CONFIG_HOME=" + t.TempDir()}
	labels, apdex := reportLabels(t, empty, run, "--config", cfg)
	if keys(labels) != "GET slow=600 fast one=600" || apdex != [2]int64{150, 180} {
		t.Fatalf("the file's label_map and apdex must apply: %s, %v", keys(labels), apdex)
	}
	// The file's rules go first; the flags' rules and --apdex come after it
	// and win where they overlap.
	labels, apdex = reportLabels(t, empty, run, "--config", cfg, "--label-map", "^GET (.*)$=any ${1}", "--apdex", "1s:2s")
	if keys(labels) != "any slow=600 fast one=600" || apdex != [2]int64{1000, 2000} {
		t.Fatalf("flags after the file: %s, %v", keys(labels), apdex)
	}
	// The default file, from the user's configuration directory.
	home := t.TempDir()
	writeConfig(t, filepath.Join(home, "sobang", "config.toml"), "[loadtest]\nlabel_map = ['^GET slow$=slow one']\n")
	labels, _ = reportLabels(t, []string{"XDG_CONFIG_HOME=" + home}, run)
	if keys(labels) != "GET fast=600 slow one=600" {
		t.Fatalf("the default file must be read: %s", keys(labels))
	}
}

// TestConfigApdexReachesCheck: check has its own --apdex, which the file
// fills in when it is not given.
func TestConfigApdexReachesCheck(t *testing.T) {
	dir := t.TempDir()
	run := filepath.Join(dir, "run.jtl")
	writeRun(t, run, time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC), 100, 200)
	env := []string{"XDG_CONFIG_HOME=" + t.TempDir()}
	if out, errs, code := runBinEnv(t, env, "check", run, "--slo", "apdex>=0.99"); code != 0 {
		t.Fatalf("all samples satisfied under 500 ms: %d %s %s", code, out, errs)
	}
	cfg := writeConfig(t, filepath.Join(dir, "c.toml"), "[loadtest]\napdex = \"150ms:180ms\"\n")
	if out, _, code := runBinEnv(t, env, "check", run, "--config", cfg, "--slo", "apdex>=0.99"); code != exitFailure || !strings.Contains(out, "FAIL") {
		t.Fatalf("GET slow is frustrated above 180 ms: exit %d\n%s", code, out)
	}
}

func TestConfigErrorsNameFileAndLine(t *testing.T) {
	dir := t.TempDir()
	run := filepath.Join(dir, "run.jtl")
	writeRun(t, run, time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC), 100, 200)
	cases := []struct {
		name, text string
		want       []string
	}{
		{"bad TOML", "[loadtest]\napdex = \"1s\n", []string{"bad.toml:2: bad TOML"}},
		{"unknown key", "[loadtest]\n\nlabelmap = []\n", []string{`bad.toml:3: unknown key "loadtest.labelmap"`, "loadtest.label_map, loadtest.apdex, loadtest.paths"}},
		{"bad regex", "[loadtest]\nlabel_map = ['(unclosed=x']\n", []string{"bad.toml:2: loadtest.label_map[0]:", "bad REGEX"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := writeConfig(t, filepath.Join(t.TempDir(), "bad.toml"), c.text)
			// The dashboard, report and check all refuse the file before
			// reading anything; the dashboard before taking the terminal.
			for _, args := range [][]string{{run, "--config", cfg}, {"report", run, "--config", cfg}, {"check", run, "--slo", "p95<1s", "--config", cfg}} {
				out, errs, code := runBin(t, args...)
				if code != exitUsage || out != "" {
					t.Fatalf("%v: exit %d, stdout %q", args, code, out)
				}
				for _, w := range c.want {
					if !strings.Contains(errs, w) {
						t.Errorf("%v: stderr %q lacks %q", args, errs, w)
					}
				}
			}
		})
	}
	// A file named with --config must exist; the default one need not.
	missing := filepath.Join(dir, "nope.toml")
	if _, errs, code := runBin(t, "report", run, "--config", missing); code != exitUsage || !strings.Contains(errs, missing+": no such file") {
		t.Fatalf("missing --config: %d %q", code, errs)
	}
}

func TestDashboardBadBaselineIsUsageError(t *testing.T) {
	dir := t.TempDir()
	run := filepath.Join(dir, "run.jtl")
	writeRun(t, run, time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC), 100, 200)
	out, errs, code := runBin(t, run, "--baseline", filepath.Join(dir, "missing.jtl"))
	if code != exitUsage || !strings.Contains(errs, "missing.jtl") || out != "" {
		t.Fatalf("missing baseline: exit %d, stderr %q, stdout %q", code, errs, out)
	}
	log := filepath.Join(dir, "app.log")
	os.WriteFile(log, []byte("2026-11-27T09:00:00.000Z  INFO 1 --- [main] a.B : started\n"), 0o644)
	if _, errs, code := runBin(t, run, "--baseline", log); code != exitUsage || !strings.Contains(errs, "no load-test samples") {
		t.Fatalf("a baseline without samples: exit %d, stderr %q", code, errs)
	}
}
