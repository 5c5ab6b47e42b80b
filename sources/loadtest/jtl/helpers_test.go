package jtl

import (
	"testing"
	"time"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/loadtest/internal/loadtesttest"
)

// corpusDir returns the shared load-test corpus (its jmeter directory must
// be there; see loadtesttest.CorpusDir).
func corpusDir(t testing.TB) string {
	t.Helper()
	loadtesttest.CorpusDir(t, "jmeter")
	return loadtesttest.Corpus
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
	batches, err := loadtesttest.Read(t, New(sources.Info{Name: path, Zone: time.UTC}, opt))
	r := collect(batches)
	r.err = err
	return r
}

// writeFile writes a fixture into a fresh temporary directory.
var writeFile = loadtesttest.TempFile[[]byte]
