package k6

import (
	"context"
	"testing"
	"time"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/loadtest/internal/loadtesttest"
	"github.com/sobang/sobang/sources/tail"
)

// corpusDir returns the shared corpus's k6 directory (see
// loadtesttest.CorpusDir).
func corpusDir(t testing.TB) string {
	t.Helper()
	return loadtesttest.CorpusDir(t, "k6")
}

// result is everything one run of a source produced.
type result = loadtesttest.Result

var collect = loadtesttest.Collect

var badStrings = loadtesttest.BadStrings

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

// parseChunks runs data through a handler in the given pieces, as tail.File
// would deliver them, then ends the input like a non-follow read (including
// what Run does at the end).
func parseChunks(data []byte, cuts ...int) (result, error) {
	var sink sources.Collect
	h := newHandler(context.Background(), &sink, sources.Info{Name: "test.k6"}, Options{})
	err := loadtesttest.FeedCuts(h, data, cuts...)
	if err == nil {
		h.Finish()
		err = h.err
		if err == nil {
			h.summarise()
		}
	}
	return collect(sink.Take()), err
}

// readTestdata returns the content of testdata/name.
var readTestdata = loadtesttest.Testdata

// tailHead reads the start of a file as the CLI does before choosing a
// source.
func tailHead(path string) ([]byte, error) { return tail.Head(path, sources.SniffBytes) }
