// Package corpus finds the shared corpus of real files for the tests of the
// data wing.
//
// The corpus lives in ../shared/corpus beside the module root, not in the
// repository. A fresh clone without it still passes: tests that need it skip
// with a clear message; under CI=true, where it is always present, they fail
// instead, so CI cannot go green by skipping.
package corpus

import (
	"os"
	"path/filepath"
	"testing"
)

// Dir returns the corpus directory of one kind of data ("logs", "loadtest",
// "metrics"), or skips (fails under CI=true) when it is absent.
func Dir(tb testing.TB, kind string) string {
	tb.Helper()
	dir, err := Find(kind)
	if err == nil {
		return dir
	}
	msg := kind + " corpus not found (" + err.Error() + "): expected ../shared/corpus/" + kind + " beside the module root"
	if os.Getenv("CI") == "true" {
		tb.Fatal(msg)
	}
	tb.Skip(msg)
	return ""
}

// Find returns the corpus directory of one kind of data or why it is not
// there, without skipping: fuzz tests use it to add seeds when the corpus is
// present. It walks up from the working directory (the package under test)
// to the module root and looks for ../shared/corpus/KIND beside it.
func Find(kind string) (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for d := wd; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			dir := filepath.Join(d, "..", "shared", "corpus", kind)
			if _, err := os.Stat(dir); err != nil {
				return "", err
			}
			return dir, nil
		}
		if filepath.Dir(d) == d {
			return "", os.ErrNotExist
		}
	}
}

// File returns the path of a corpus file (relative to the kind's
// directory), or skips like Dir.
func File(tb testing.TB, kind, rel string) string {
	tb.Helper()
	return filepath.Join(Dir(tb, kind), filepath.FromSlash(rel))
}
