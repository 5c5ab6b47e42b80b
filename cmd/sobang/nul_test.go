package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestNULGapsInLogs reads logs holding runs of NUL bytes (what copytruncate
// leaves when the writer keeps its offset) with the whole command: each is
// detected as a log, every line is read, and each gap is a warning.
func TestNULGapsInLogs(t *testing.T) {
	var lines strings.Builder
	for i := range 10 {
		fmt.Fprintf(&lines, "2026-11-24T09:00:%02d.000Z  INFO 4242 --- [bank] [exec-1] c.e.bank.Saved : line %d\n", i, i)
	}
	text := lines.String()
	half := strings.Index(text, "line 5\n") + len("line 5\n")
	nuls := func(n int) string { return strings.Repeat("\x00", n) }
	tests := []struct {
		name, data, warning string
	}{
		{"one NUL mid-file", text[:half] + nuls(1) + text[half:], ":7: skipped 1 NUL byte"},
		{"a run mid-file", text[:half] + nuls(5000) + text[half:], ":7: skipped 5000 NUL bytes"},
		{"a hole at the start", nuls(3000) + text, ":1: skipped 3000 NUL bytes"},
		// Longer than what detection reads of a file's start.
		{"a hole longer than the head", nuls(300<<10) + text, fmt.Sprintf(":1: skipped %d NUL bytes", 300<<10)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "app.log")
			if err := os.WriteFile(p, []byte(tt.data), 0o644); err != nil {
				t.Fatal(err)
			}
			out, errs, code := runBin(t, "report", "--format", "json", p)
			if code != 0 {
				t.Fatalf("exit %d: %.300s", code, errs)
			}
			var doc reportDoc
			if err := json.Unmarshal([]byte(out), &doc); err != nil {
				t.Fatalf("not JSON: %v", err)
			}
			if len(doc.Sources) != 1 || doc.Sources[0].Kind != "log" || doc.Logs == nil || doc.Logs.Entries != 10 {
				t.Fatalf("sources %+v, logs %+v; want one log of 10 entries", doc.Sources, doc.Logs)
			}
			found := false
			for _, w := range doc.Sources[0].Warnings {
				found = found || strings.HasPrefix(w, p+tt.warning)
			}
			if !found {
				t.Errorf("warnings %q lack %q", doc.Sources[0].Warnings, p+tt.warning)
			}
		})
	}
}

// TestBinaryRefusalNamesLog checks that a file refused as binary says how
// to read it as a log all the same.
func TestBinaryRefusalNamesLog(t *testing.T) {
	p := filepath.Join(t.TempDir(), "blob.bin")
	blob := []byte("\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\x3e\x00\x01\x00\x00\x00\x30\x10\x40\x00")
	if err := os.WriteFile(p, blob, 0o644); err != nil {
		t.Fatal(err)
	}
	_, errs, code := runBin(t, "report", p)
	if code != exitUsage || !strings.Contains(errs, p+":1:") || !strings.Contains(errs, "binary") || !strings.Contains(errs, "--log "+p) {
		t.Fatalf("code %d, stderr %q; want a usage error naming the file, binary data and --log", code, errs)
	}
}
