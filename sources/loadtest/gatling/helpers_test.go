package gatling

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/loadtest/internal/loadtesttest"
)

// corpusDir returns the shared load-test corpus (its gatling directory
// must be there; see loadtesttest.CorpusDir).
func corpusDir(t testing.TB) string {
	t.Helper()
	return filepath.Dir(loadtesttest.CorpusDir(t, "gatling"))
}

// result is everything one run of a source produced.
type result = loadtesttest.Result

var collect = loadtesttest.Collect

var badStrings = loadtesttest.BadStrings

// counts of what a read produced, for comparing with independent counts.
type counts struct {
	requests, kos, groups int
	maxUsers              int32
}

// countsOf counts what r holds.
func countsOf(r result) counts {
	var c counts
	c.maxUsers = -1
	for _, s := range r.Samples {
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

// readFile reads path to its end with a bounded context.
func readFile(t testing.TB, path string) result {
	t.Helper()
	batches, err := loadtesttest.Read(t, New(sources.Info{Name: path, Zone: time.UTC}, Options{}))
	r := collect(batches)
	r.Err = err
	return r
}

// writeFile writes a fixture into a fresh temporary directory.
var writeFile = loadtesttest.TempFile[[]byte]

// readTestdata returns the content of testdata/name.
var readTestdata = loadtesttest.Testdata

// parseChunks feeds data to a fresh handler cut at the given offsets, then
// ends the input as a non-following read does.
func parseChunks(data []byte, cuts ...int) (result, error) {
	var sink sources.Collect
	h := newHandler(context.Background(), &sink, sources.Info{Name: "simulation.log", Zone: time.UTC}, Options{})
	err := loadtesttest.FeedCuts(h, data, cuts...)
	if err == nil {
		h.Finish()
		err = h.err
	}
	return collect(sink.Take()), err
}
