package locust

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sobang/sobang/sources"
)

func gzipped(t *testing.T, data string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write([]byte(data))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func writeBytes(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

const failuresFile = "Method,Name,Error,Occurrences\nGET,/a,boom,2\n"

// writeSet writes a small set under prefix, each file gzip'd when gz.
func writeSet(t *testing.T, prefix string, gz bool) {
	t.Helper()
	files := map[string]string{
		SuffixHistory:    histHeader + histRow("1700000000", "1") + histRow("1700000001", "5"),
		SuffixStats:      statsFile("5"),
		SuffixFailures:   failuresFile,
		SuffixExceptions: "Count,Message,Traceback,Nodes\n",
	}
	for suffix, data := range files {
		if gz {
			writeBytes(t, prefix+suffix+SuffixGzip, gzipped(t, data))
		} else {
			write(t, prefix+suffix, data)
		}
	}
}

// summary is what a test compares between two reads.
func summary(r result) string {
	return fmt.Sprintf("history %v final %v failures %v rows %d bad %d warnings %q", r.history, r.final, r.failures, r.rows, r.badRows, r.warnings)
}

func TestGzipSetReadsAsPlain(t *testing.T) {
	plainDir, gzDir := t.TempDir(), t.TempDir()
	writeSet(t, filepath.Join(plainDir, "run"), false)
	writeSet(t, filepath.Join(gzDir, "run"), true)
	plain, err := read(t, filepath.Join(plainDir, "run"))
	if err != nil || len(plain.history) != 2 || len(plain.final) != 2 || len(plain.failures) != 1 {
		t.Fatalf("plain: %v %s", err, summary(plain))
	}
	for _, name := range []string{"run", "run" + SuffixStats + SuffixGzip, "run" + SuffixHistory + SuffixGzip,
		"run" + SuffixFailures + SuffixGzip, "run" + SuffixExceptions + SuffixGzip} {
		path := filepath.Join(gzDir, name)
		if !Exists(path) || Prefix(path) != filepath.Join(gzDir, "run") {
			t.Errorf("%s: Exists %v, Prefix %q", name, Exists(path), Prefix(path))
		}
		r, err := read(t, path)
		if err != nil || summary(r) != summary(plain) {
			t.Errorf("%s: %v\n got %s\nwant %s", name, err, summary(r), summary(plain))
		}
	}
}

// TestGzipOrPlain reads the plain file where both exist, unless the user
// named a gzip'd one.
func TestGzipOrPlain(t *testing.T) {
	dir := t.TempDir()
	prefix := filepath.Join(dir, "run")
	write(t, prefix+SuffixStats, statsFile("5"))
	writeBytes(t, prefix+SuffixStats+SuffixGzip, gzipped(t, statsFile("7")))
	for name, want := range map[string]int64{prefix: 5, prefix + SuffixStats: 5, prefix + SuffixStats + SuffixGzip: 7} {
		r, err := read(t, name)
		if err != nil || len(r.final) != 2 || r.final[1].Requests != want {
			t.Errorf("%s: %v %s, want %d requests", name, err, summary(r), want)
		}
	}
}

func TestGzipCutOrNotGzip(t *testing.T) {
	dir := t.TempDir()
	// Cut short: the rows before the cut are kept, with a warning.
	prefix := filepath.Join(dir, "cut")
	hist := gzipped(t, histHeader+histRow("1700000000", "1")+histRow("1700000001", "5")+strings.Repeat(histRow("1700000002", "9"), 200))
	writeBytes(t, prefix+SuffixHistory+SuffixGzip, hist[:len(hist)-30])
	stats := gzipped(t, statsFile("5"))
	writeBytes(t, prefix+SuffixStats+SuffixGzip, stats[:len(stats)-10])
	r, err := read(t, prefix)
	if err != nil || len(r.history) < 2 || len(r.final) != 2 {
		t.Fatalf("cut: %v %s", err, summary(r))
	}
	cuts := 0
	for _, w := range r.warnings {
		if strings.Contains(w, "gzip data is truncated: kept what was read before") {
			cuts++
		}
	}
	if cuts != 2 {
		t.Errorf("warnings %q, want two about cut gzip data", r.warnings)
	}
	// Not gzip data: fatal for the file named, a warning for a sibling.
	prefix = filepath.Join(dir, "fake")
	write(t, prefix+SuffixStats+SuffixGzip, statsFile("5"))
	writeBytes(t, prefix+SuffixHistory+SuffixGzip, gzipped(t, histHeader+histRow("1700000000", "1")))
	if _, err := read(t, prefix+SuffixStats+SuffixGzip); err == nil || !strings.Contains(err.Error(), "fake_stats.csv.gz:1: expected gzip data") {
		t.Errorf("named: %v", err)
	}
	r, err = read(t, prefix+SuffixHistory+SuffixGzip)
	if err != nil || len(r.history) != 1 || len(r.final) != 0 || !strings.Contains(strings.Join(r.warnings, "\n"), "expected gzip data: gzip: invalid header; file skipped") {
		t.Errorf("sibling: %v %s", err, summary(r))
	}
}

// TestFollowGzipHistory follows a gzip'd history: a new one is read whole
// again, from a reset.
func TestFollowGzipHistory(t *testing.T) {
	prefix := filepath.Join(t.TempDir(), "run")
	hist := prefix + SuffixHistory + SuffixGzip
	writeBytes(t, hist, gzipped(t, histHeader+histRow("1700000000", "1")))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var c collector
	done := make(chan error, 1)
	go func() { done <- New(sources.Info{Name: hist}, Options{Follow: true}).Run(ctx, &c) }()
	waitFor(t, &c, "the first row", func(r result) bool { return len(r.history) == 1 && r.health.State == sources.StateFollowing })
	writeBytes(t, hist, gzipped(t, histHeader+histRow("1700000000", "1")+histRow("1700000001", "4")+histRow("1700000002", "8")))
	waitFor(t, &c, "the history again", func(r result) bool {
		return r.resets == 1 && len(r.history) == 3 && r.history[2].Requests == 8
	})
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// TestCorpusGzipped reads every corpus set gzip'd, as the plain one.
func TestCorpusGzipped(t *testing.T) {
	dir := corpusDir(t)
	for _, c := range corpusSets {
		t.Run(c.prefix, func(t *testing.T) {
			gz := t.TempDir()
			for _, s := range c.files {
				data, err := os.ReadFile(filepath.Join(dir, c.prefix+s))
				if err != nil {
					t.Fatal(err)
				}
				writeBytes(t, filepath.Join(gz, c.prefix+s+SuffixGzip), gzipped(t, string(data)))
			}
			plain, err := read(t, filepath.Join(dir, c.prefix))
			if err != nil {
				t.Fatal(err)
			}
			r, err := read(t, filepath.Join(gz, c.prefix+c.files[0]+SuffixGzip))
			if err != nil || len(r.history) != c.history || r.rows != plain.rows ||
				fmt.Sprint(r.history, r.final, r.failures) != fmt.Sprint(plain.history, plain.final, plain.failures) {
				t.Errorf("gzip'd: %v, %d history rows (want %d), rows %d (plain %d)", err, len(r.history), c.history, r.rows, plain.rows)
			}
		})
	}
}
