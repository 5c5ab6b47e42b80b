package k6

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/tail"
)

// corpusRoot is the shared load-test corpus, beside the repository.
var corpusRoot = filepath.Join("..", "..", "..", "..", "shared", "corpus", "loadtest")

// corpusDir returns the shared corpus's k6 directory; a fresh clone without
// the corpus skips, CI fails.
func corpusDir(t testing.TB) string {
	t.Helper()
	dir := filepath.Join(corpusRoot, "k6")
	if _, err := os.Stat(dir); err != nil {
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
	caughtUp int
	resets   int
	health   []sources.Health
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
	if b.CaughtUp {
		r.caughtUp++
	}
	if b.Reset {
		r.resets++
	}
	if b.Health != nil {
		r.health = append(r.health, *b.Health)
	}
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

// parseChunks runs data through a handler in the given pieces, as tail.File
// would deliver them, then ends the input like a non-follow read (including
// what Run does at the end).
func parseChunks(data []byte, cuts ...int) (result, error) {
	var sink sources.Collect
	h := newHandler(context.Background(), &sink, sources.Info{Name: "test.k6"}, Options{})
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
		if err == nil {
			h.summarise()
		}
	}
	return collect(sink.Take()), err
}

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// tailHead reads the start of a file as the CLI does before choosing a
// source.
func tailHead(path string) ([]byte, error) { return tail.Head(path, sources.SniffBytes) }
