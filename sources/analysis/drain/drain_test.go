package drain

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/sobang/sobang/sources/internal/corpus"
)

func TestMask(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"blk_-6952295868487656571", "blk_<*>"},
		{"rhost=218.188.2.4", "rhost=<*>"},
		{"nio-8080-exec-1", "nio-<*>-exec-<*>"},
		{"12ms", "<*>ms"},
		{"[173.234.31.186]", "[<*>]"},
		{"0x1F,", "<*>,"},
		{"a3f9", "a3f9"},
		{"Worker12", "Worker12"},
		{"HTTP/1.1", "HTTP/<*>"},
		{"2015-07-29", "<*>"},
		{"Object@5ffead27", "Object@<*>"},
		{"-", "-"},
		{"uid=0", "uid=<*>"},
	} {
		if got := strings.ReplaceAll(mask(c.in), masked, Wildcard); got != c.want {
			t.Errorf("mask(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestMinerGroups(t *testing.T) {
	m := New(Options{})
	a := m.Add("Connection is not available, request timed out after 1000ms (total=10, active=10)")
	b := m.Add("Connection is not available, request timed out after 1003ms (total=10, active=9)")
	c := m.Add("Account 100437 loaded in 7 ms")
	d := m.Add("Account 100393 loaded in 12 ms")
	e := m.Add("Transfer 103936 -> 103763 of 39.79 EUR completed in 9 ms")
	if a != b || c != d || a == c || e == c || e == a {
		t.Fatalf("groups %d %d %d %d %d", a, b, c, d, e)
	}
	if got := m.Template(c).String(); got != "Account <*> loaded in <*> ms" {
		t.Errorf("template %q", got)
	}
	if m.Template(a).Count != 2 {
		t.Errorf("count %d", m.Template(a).Count)
	}
	// Two words differ out of four: not the same template.
	x := m.Add("user alice logged in")
	y := m.Add("cache bob evicted in")
	if x == y {
		t.Error("messages sharing too little joined one template")
	}
	if id, ok := m.Match("Account 7 loaded in 3 ms"); !ok || id != c {
		t.Errorf("Match = %d, %v; want %d", id, ok, c)
	}
	if _, ok := m.Match("Account 7 saved in 3 ms"); ok {
		t.Error("Match must need every fixed token")
	}
	if n := len(m.Templates()); n != 5 {
		t.Errorf("%d templates, want 5", n)
	}
}

// loghubSystems are the systems of the Loghub 2k ground truth in the corpus.
var loghubSystems = []string{"Apache", "HDFS", "Hadoop", "Linux", "OpenSSH", "Spark", "Zookeeper"}

// TestLoghubGroupingAccuracy feeds each system's 2,000 messages (the
// ground truth's Content column) to one Miner with the default options and
// the one mask set, and measures grouping accuracy as the Loghub benchmark
// does: a message counts when the set of messages grouped with it is
// exactly the set its true template holds. The average over the systems
// must be at least 0.85 (Drain's published 0.87 is tuned per system).
func TestLoghubGroupingAccuracy(t *testing.T) {
	dir := filepath.Join(corpus.Dir(t, "logs"), "loghub")
	sum := 0.0
	for _, sys := range loghubSystems {
		contents, truth := readTruth(t, filepath.Join(dir, sys, sys+"_2k.log_structured_corrected.csv"))
		m := New(Options{})
		got := make([]int, len(contents))
		for i, c := range contents {
			got[i] = m.Add(c)
		}
		ga := groupingAccuracy(got, truth)
		t.Logf("%-10s GA %.3f  (%d templates, %d true)", sys, ga, len(m.Templates()), countDistinct(truth))
		sum += ga
	}
	avg := sum / float64(len(loghubSystems))
	t.Logf("average GA %.3f", avg)
	if avg < 0.85 {
		t.Errorf("average grouping accuracy %.3f, want at least 0.85", avg)
	}
}

func readTruth(t testing.TB, path string) (contents, ids []string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	ci, ei := slices.Index(rows[0], "Content"), slices.Index(rows[0], "EventId")
	if ci < 0 || ei < 0 {
		t.Fatalf("%s: no Content or EventId column in %q", path, rows[0])
	}
	for _, r := range rows[1:] {
		contents, ids = append(contents, r[ci]), append(ids, r[ei])
	}
	return contents, ids
}

// groupingAccuracy is the share of messages whose predicted group holds
// exactly the messages of their true group.
func groupingAccuracy(got []int, truth []string) float64 {
	byGot := map[int][]int{}
	byTruth := map[string][]int{}
	for i := range got {
		byGot[got[i]] = append(byGot[got[i]], i)
		byTruth[truth[i]] = append(byTruth[truth[i]], i)
	}
	correct := 0
	for _, members := range byGot {
		if slices.Equal(members, byTruth[truth[members[0]]]) {
			correct += len(members)
		}
	}
	return float64(correct) / float64(len(got))
}

func countDistinct(s []string) int {
	seen := map[string]bool{}
	for _, v := range s {
		seen[v] = true
	}
	return len(seen)
}

// BenchmarkMinerAdd adds the 14,000 Loghub messages of the seven systems,
// one Miner per system as the test does. Target: at least 1 M messages a
// second on one core (formats/logs.md), so that templating at ingest
// costs the log pane little next to reading and parsing a line.
// Measured on a shared 2-core x86-64 VM while other work loaded it:
// 0.98-1.48 M messages/s, 3.5 allocations a message (strings.Fields and
// the masks).
func BenchmarkMinerAdd(b *testing.B) {
	dir := filepath.Join(corpus.Dir(b, "logs"), "loghub")
	var systems [][]string
	n := 0
	for _, sys := range loghubSystems {
		contents, _ := readTruth(b, filepath.Join(dir, sys, sys+"_2k.log_structured_corrected.csv"))
		systems = append(systems, contents)
		n += len(contents)
	}
	b.ResetTimer()
	for range b.N {
		for _, contents := range systems {
			m := New(Options{})
			for _, c := range contents {
				m.Add(c)
			}
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}
