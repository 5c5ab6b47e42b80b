package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// runBin runs the built binary and returns stdout, stderr and the exit code.
func runBin(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(sobangBinary(t), args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return out.String(), errb.String(), code
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
