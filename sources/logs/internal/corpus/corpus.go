// Package corpus finds the shared log corpus for tests of the log packages.
//
// The corpus lives in ../shared/corpus/logs beside the module. A fresh clone without it still passes: tests that need
// it skip with a clear message; under CI=true, where it is always present,
// they fail instead, so CI cannot go green by skipping.
package corpus

import (
	"os"
	"path/filepath"
	"testing"
)

// Dir returns the corpus/logs directory, or skips (fails under CI=true)
// when it is absent.
func Dir(tb testing.TB) string {
	tb.Helper()
	dir, err := Find()
	if err == nil {
		return dir
	}
	msg := "log corpus not found (" + err.Error() + "): expected ../shared/corpus/logs beside the module root"
	if os.Getenv("CI") == "true" {
		tb.Fatal(msg)
	}
	tb.Skip(msg)
	return ""
}

// Find returns the corpus/logs directory or why it is not there, without
// skipping: fuzz tests use it to add seeds when the corpus is present. It
// walks up from the working directory (the package under test) to the
// module root and looks for ../shared/corpus/logs beside it.
func Find() (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for d := wd; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			dir := filepath.Join(d, "..", "shared", "corpus", "logs")
			if _, err := os.Stat(filepath.Join(dir, "SOURCES.md")); err != nil {
				return "", err
			}
			return dir, nil
		}
		if filepath.Dir(d) == d {
			return "", os.ErrNotExist
		}
	}
}

// File returns the path of a corpus file (relative to corpus/logs), or
// skips like Dir.
func File(tb testing.TB, rel string) string {
	tb.Helper()
	return filepath.Join(Dir(tb), filepath.FromSlash(rel))
}
