package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sobang/sobang/sources"
)

// TestReportCountsEveryLogEntry: a log of more entries than the store
// once held in memory (sources.MaxLogEntries) is counted whole: entries,
// lines and levels, and its first entries' text is still there.
func TestReportCountsEveryLogEntry(t *testing.T) {
	if testing.Short() {
		t.Skip("writes a 40 MB log")
	}
	n := sources.MaxLogEntries + 50_000
	path := filepath.Join(t.TempDir(), "big.log")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	levels := []string{"ERROR", " INFO", " WARN"}
	want := map[string]int{}
	lines := 0
	for i := range n {
		s := i / 1000
		lv := levels[i%3]
		fmt.Fprintf(w, "2024-05-01 %02d:%02d:%02d.%03d %s m%d\n", s/3600, s/60%60, s%60, i%1000, lv, i%7)
		want[strings.TrimSpace(lv)]++
		lines++
		if i%100_000 == 0 {
			w.WriteString("java.lang.IllegalStateException: boom\n\tat a.B.c(B.java:1)\n")
			lines += 2
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	out, errs, code := runBin(t, "report", "--format", "json", path)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var doc struct {
		Logs struct {
			Entries    int            `json:"entries"`
			Lines      int            `json:"lines"`
			Levels     map[string]int `json:"levels"`
			FirstError struct {
				Text string `json:"text"`
			} `json:"first_error"`
			Templates []struct {
				Count int `json:"count"`
			} `json:"templates"`
		} `json:"logs"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	l := doc.Logs
	if l.Entries != n || l.Lines != lines {
		t.Fatalf("entries %d, lines %d; want %d, %d", l.Entries, l.Lines, n, lines)
	}
	for lv, c := range want {
		if l.Levels[lv] != c {
			t.Errorf("levels[%s] = %d, want %d (all: %v)", lv, l.Levels[lv], c, l.Levels)
		}
	}
	if l.FirstError.Text != "2024-05-01 00:00:00.000 ERROR m0" {
		t.Errorf("first error %q", l.FirstError.Text)
	}
	total := 0
	for _, tm := range l.Templates {
		total += tm.Count
	}
	if total != n {
		t.Errorf("templates count %d entries, want %d", total, n)
	}
}

// TestReportLogCmd: --log-cmd reads a command's output as a log; report
// runs it once, and says how it failed.
func TestReportLogCmd(t *testing.T) {
	cmd := `printf '2024-05-01 10:00:00.000 ERROR boom\n2024-05-01 10:00:01.000 INFO ok\n'; echo "no route" >&2; exit 4`
	out, errs, code := runBin(t, "report", "--format", "json", "--log-cmd", cmd)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var doc struct {
		Sources []struct {
			Path     string   `json:"path"`
			Warnings []string `json:"warnings"`
		} `json:"sources"`
		Logs struct {
			Entries int            `json:"entries"`
			Levels  map[string]int `json:"levels"`
		} `json:"logs"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Logs.Entries != 2 || doc.Logs.Levels["ERROR"] != 1 {
		t.Fatalf("logs %+v", doc.Logs)
	}
	if len(doc.Sources) != 1 || doc.Sources[0].Path != cmd || len(doc.Sources[0].Warnings) != 1 ||
		!strings.Contains(doc.Sources[0].Warnings[0], "exit status 4") {
		t.Fatalf("sources %+v", doc.Sources)
	}
}
