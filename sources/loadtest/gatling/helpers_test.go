package gatling

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/sobang/sobang/sources"
)

// corpusDir returns the shared load-test corpus, which lives beside the
// repository (../shared/corpus); a fresh clone without it skips, CI fails.
func corpusDir(t testing.TB) string {
	t.Helper()
	dir := filepath.Join("..", "..", "..", "..", "shared", "corpus", "loadtest")
	if _, err := os.Stat(filepath.Join(dir, "gatling")); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("corpus missing at %s (CI=true requires it): %v", dir, err)
		}
		t.Skipf("corpus not found at %s: clone the shared corpus beside the repository to run this test", dir)
	}
	return dir
}

// result is everything one run of a source produced.
type result struct {
	batches  []sources.Batch
	samples  []sources.Sample
	bad      []sources.BadRow
	badRows  int
	rows     int
	warnings []string
	health   []sources.Health
	caughtUp int
	resets   int
	err      error
}

func collect(batches []sources.Batch) result {
	var r result
	for _, b := range batches {
		r.add(b)
	}
	return r
}

func (r *result) add(b sources.Batch) {
	r.batches = append(r.batches, b)
	r.samples = append(r.samples, b.Samples...)
	r.bad = append(r.bad, b.Bad...)
	r.badRows += b.BadRows
	r.rows += b.Rows
	r.warnings = append(r.warnings, b.Warnings...)
	if b.Health != nil {
		r.health = append(r.health, *b.Health)
	}
	if b.CaughtUp {
		r.caughtUp++
	}
	if b.Reset {
		r.resets++
	}
}

// counts of what a read produced, for comparing with independent counts.
type counts struct {
	requests, kos, groups int
	maxUsers              int32
}

func (r result) counts() counts {
	var c counts
	c.maxUsers = -1
	for _, s := range r.samples {
		if s.Transaction {
			c.groups++
		} else {
			c.requests++
			if !s.Success {
				c.kos++
			}
		}
		c.maxUsers = max(c.maxUsers, s.AllThreads)
	}
	return c
}

func badStrings(r result) []string {
	var out []string
	for _, b := range r.bad {
		out = append(out, b.String())
	}
	return out
}

// readFile reads path to its end with a bounded context.
func readFile(t testing.TB, path string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var sink sources.Collect
	err := New(sources.Info{Name: path, Zone: time.UTC}, Options{}).Run(ctx, &sink)
	if ctx.Err() != nil {
		t.Fatalf("%s: read did not finish in time", path)
	}
	r := collect(sink.Take())
	r.err = err
	return r
}

// writeFile writes a fixture into a fresh temporary directory.
func writeFile(t testing.TB, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// parseChunks feeds data to a fresh handler cut at the given offsets, then
// ends the input as a non-following read does.
func parseChunks(data []byte, cuts ...int) (result, error) {
	var sink sources.Collect
	h := newHandler(context.Background(), &sink, sources.Info{Name: "simulation.log", Zone: time.UTC}, Options{})
	var err error
	prev := 0
	for _, cut := range append(cuts, len(data)) {
		if cut < prev || cut > len(data) {
			continue
		}
		if err = h.Data(data[prev:cut]); err != nil {
			break
		}
		prev = cut
	}
	if err == nil {
		h.CaughtUp()
		h.Finish()
		err = h.err
	}
	return collect(sink.Take()), err
}
