package locust

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/loadtest/internal/loadtesttest"
)

const (
	histHeader  = "Timestamp,User Count,Type,Name,Requests/s,Failures/s,50%,95%,100%,Total Request Count,Total Failure Count,Total Median Response Time,Total Average Response Time,Total Min Response Time,Total Max Response Time,Total Average Content Size\n"
	statsHeader = "Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,50%,95%,100%\n"
)

func histRow(sec, n string) string {
	return sec + ",5,,Aggregated,1.000000,0.000000,3,7,9," + n + ",0,3,3.5,1,9,10\n"
}

func statsFile(n string) string {
	return statsHeader + "GET,/a," + n + ",0,3,3.5,1,9,10,1.0,0.0,3,7,9\n,Aggregated," + n + ",0,3,3.5,1,9,10,1.0,0.0,3,7,9\n"
}

// waitFor polls the collector until cond holds.
func waitFor(t *testing.T, c *collector, what string, cond func(result) bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if cond(c.result()) {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("timed out waiting for %s: %+v", what, c.result())
}

func TestFollowAppendsHistoryAndRereadsStats(t *testing.T) {
	dir := t.TempDir()
	prefix := filepath.Join(dir, "run")
	hist, stats := prefix+SuffixHistory, prefix+SuffixStats
	write(t, hist, histHeader+histRow("1700000000", "0")+"17000000") // a cut line: held back
	write(t, stats, statsFile("10"))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var c collector
	done := make(chan error, 1)
	go func() { done <- New(sources.Info{Name: hist}, Options{Follow: true}).Run(ctx, &c) }()
	waitFor(t, &c, "the first rows", func(r result) bool {
		return r.caughtUp && len(r.history) == 1 && len(r.final) == 2 && r.health.State == sources.StateFollowing
	})
	// Locust appends the rest of the line and another one.
	loadtesttest.AppendFile(t, hist, "01,"+histRow("1700000002", "20")[len("1700000002,"):]+histRow("1700000003", "30"))
	// and rewrites _stats.csv in place.
	time.Sleep(10 * time.Millisecond)
	write(t, stats, statsFile("30"))
	waitFor(t, &c, "the appended rows and new totals", func(r result) bool {
		return len(r.history) == 3 && r.history[1].TimeMS == 1700000001000 && r.history[2].Requests == 30 &&
			len(r.final) == 2 && r.final[1].Requests == 30
	})
	// A new run with the same prefix: the history starts over.
	write(t, hist, histHeader+histRow("1700000100", "1"))
	waitFor(t, &c, "the reset", func(r result) bool {
		return r.resets == 1 && len(r.history) == 1 && r.history[0].TimeMS == 1700000100000
	})
	if r := c.result(); r.badRows != 0 {
		t.Errorf("bad rows %v", r.bad)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func TestHalfWrittenStatsIsReadAgain(t *testing.T) {
	dir := t.TempDir()
	r := newReader(filepath.Join(dir, "run"))
	write(t, r.stats.path, statsHeader+"GET,/a,1,0,3,3.5,1,9,10,1.0,0.0,3,7,9\n") // no Aggregated row yet
	b, err := r.poll(false)
	if err != nil || len(b.Aggregates) != 0 {
		t.Fatalf("half-written stats taken: %+v %v", b, err)
	}
	write(t, r.stats.path, statsFile("1"))
	if b, _ = r.poll(false); len(b.Aggregates) != 2 {
		t.Fatalf("whole stats not taken: %+v", b)
	}
}

func TestBadInput(t *testing.T) {
	dir := t.TempDir()
	// No file of the set.
	if _, err := read(t, filepath.Join(dir, "none")); err == nil {
		t.Error("a missing set read without error")
	}
	// The named file is not a Locust CSV: fatal.
	p := filepath.Join(dir, "x"+SuffixStats)
	write(t, p, "timeStamp,elapsed,label\n1,2,3\n")
	if _, err := read(t, p); err == nil {
		t.Error("a non-Locust _stats.csv read without error")
	}
	// Bad rows in the history: counted, not fatal.
	h := filepath.Join(dir, "y"+SuffixHistory)
	write(t, h, histHeader+histRow("1700000000", "1")+"1700000001,5,,Aggregated\n"+"x,5,,Aggregated,1,0,3,7,9,1,0,3,3.5,1,9,10\n"+histRow("1700000002", "2"))
	r, err := read(t, h)
	if err != nil || r.badRows != 2 || len(r.history) != 2 || len(r.bad) != 2 || r.bad[0].Line != 3 {
		t.Errorf("err %v, rows %d, bad %v", err, len(r.history), r.bad)
	}
}

func TestSniff(t *testing.T) {
	for head, want := range map[string]string{
		statsHeader: FormatStats, "\xEF\xBB\xBF" + histHeader: FormatHistory,
		"Method,Name,Error,Occurrences\r\n": FormatFailures, "Method,Name,Error,Occurrences,First Seen,Last Seen\n": FormatFailures,
		"Count,Message,Traceback,Nodes": FormatExceptions, "timeStamp,elapsed,label\n": "", "": "",
	} {
		if got, ok := Sniff([]byte(head)); got != want || ok != (want != "") {
			t.Errorf("Sniff(%q) = %q %v, want %q", head, got, ok, want)
		}
	}
	for name, want := range map[string]string{"a/run_stats.csv": "a/run", "a/run_stats_history.csv": "a/run", "run_failures.csv": "run",
		"run_exceptions.csv": "run", "run": "run", "_stats.csv": "_stats.csv"} {
		if got := Prefix(name); got != want {
			t.Errorf("Prefix(%q) = %q, want %q", name, got, want)
		}
	}
}
