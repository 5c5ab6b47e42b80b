package jtl

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
	if _, err := os.Stat(filepath.Join(dir, "jmeter")); err != nil {
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
}

// readFile reads path to its end with a bounded context.
func readFile(t testing.TB, path string, opt Options) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var sink sources.Collect
	err := New(sources.Info{Name: path, Zone: time.UTC}, opt).Run(ctx, &sink)
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
