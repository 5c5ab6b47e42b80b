package jtl

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/loadtest/internal/loadtesttest"
)

// corpusDir returns the shared load-test corpus (its jmeter directory must
// be there; see loadtesttest.CorpusDir).
func corpusDir(t testing.TB) string {
	t.Helper()
	return filepath.Dir(loadtesttest.CorpusDir(t, "jmeter"))
}

// result is everything one run of a source produced.
type result = loadtesttest.Result

var collect = loadtesttest.Collect

var badStrings = loadtesttest.BadStrings

// readFile reads path to its end with a bounded context.
func readFile(t testing.TB, path string, opt Options) result {
	t.Helper()
	batches, err := loadtesttest.Read(t, New(sources.Info{Name: path, Zone: time.UTC}, opt))
	r := collect(batches)
	r.Err = err
	return r
}

// writeFile writes a fixture into a fresh temporary directory.
var writeFile = loadtesttest.TempFile[[]byte]
