// Package loadtesttest holds what the tests of the load-test sources (jtl,
// k6, gatling, locust) share: the path to the shared corpus, file writers
// for fixtures and followed files, a reader and a follower for sources,
// chunked feeding of a handler, and the parse benchmark with its CPU-time
// figure. It is imported by tests only.
package loadtesttest

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/internal/corpus"
	"github.com/sobang/sobang/sources/sanitize"
)

// CorpusDir returns the corpus directory of one tool ("jmeter", "k6",
// "gatling", "locust"). A fresh clone without the corpus skips the test; CI
// (CI=true), where the corpus is always present, fails it instead.
func CorpusDir(t testing.TB, tool string) string {
	t.Helper()
	return corpus.Dir(t, filepath.Join("loadtest", tool))
}

// Testdata returns the content of testdata/name.
func Testdata(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TempFile writes data into a file called name in a fresh temporary
// directory and returns its path.
func TempFile[T string | []byte](t testing.TB, name string, data T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	WriteFile(t, path, data)
	return path
}

// WriteFile writes data to path, replacing what was there.
func WriteFile[T string | []byte](t testing.TB, path string, data T) {
	t.Helper()
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

// AppendFile appends data to path, creating it, as a running tool writes
// its output.
func AppendFile[T string | []byte](t testing.TB, path string, data T) {
	t.Helper()
	fh, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY|os.O_CREATE, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fh.Write([]byte(data)); err != nil {
		t.Fatal(err)
	}
	if err := fh.Close(); err != nil {
		t.Fatal(err)
	}
}

// ReadTimeout bounds a read of a whole file by Read.
const ReadTimeout = 20 * time.Second

// Read runs src (not following) to the end of its input and returns every
// batch it pushed and what Run returned; it fails the test when that takes
// longer than ReadTimeout.
func Read(t testing.TB, src sources.Source) ([]sources.Batch, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), ReadTimeout)
	defer cancel()
	var sink sources.Collect
	err := src.Run(ctx, &sink)
	if ctx.Err() != nil {
		t.Fatalf("%s: read did not finish in time", src.Info().Name)
	}
	return sink.Take(), err
}

// Handler is the side of a source's handler that tail.File drives, as
// FeedCuts and FeedChunks drive it.
type Handler interface {
	Data(p []byte) error
	CaughtUp()
}

// FeedCuts gives data to h in pieces cut at the given offsets (offsets out
// of order or out of range are skipped), as tail.File would deliver them,
// and, unless Data failed, ends the input with CaughtUp. It returns Data's
// error.
func FeedCuts(h Handler, data []byte, cuts ...int) error {
	prev := 0
	for _, cut := range append(cuts, len(data)) {
		if cut < prev || cut > len(data) {
			continue
		}
		if err := h.Data(data[prev:cut]); err != nil {
			return err
		}
		prev = cut
	}
	h.CaughtUp()
	return nil
}

// CheckSafeText fails when a string of one of samples could act on a
// terminal (sanitize.Safe) or shows a URL's password: every load-test
// parser hands its text over made safe by sanitize.Value.
func CheckSafeText(t testing.TB, samples []sources.Sample) {
	t.Helper()
	for i, s := range samples {
		for _, f := range [...]struct{ name, value string }{
			{"label", s.Label}, {"code", s.Code}, {"message", s.Message},
			{"failure", s.Failure}, {"thread", s.Thread}, {"URL", s.URL},
		} {
			if !sanitize.Safe(f.value) || sanitize.MaskPasswords(f.value) != f.value {
				t.Fatalf("sample %d: %s %q is not safe to show", i, f.name, f.value)
			}
		}
	}
}
