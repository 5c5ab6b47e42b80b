package index

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/sobang/sobang/sources/sanitize"
)

// entry is where one line-per-entry test entry lies.
type entry struct {
	off, n int64
	sum    uint32
}

// layout writes text (lines ending in "\n") to path and returns where each
// line lies and its checksum, as the ingester records them.
func layout(t *testing.T, path string, lines ...string) []entry {
	t.Helper()
	var text []byte
	var out []entry
	for _, l := range lines {
		out = append(out, entry{int64(len(text)), int64(len(l) + 1), Mix(Seed, LineSum([]byte(l)))})
		text = append(text, l+"\n"...)
	}
	if err := os.WriteFile(path, text, 0o600); err != nil {
		t.Fatal(err)
	}
	return out
}

func open(t *testing.T, path string) *File {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	x, err := Open(f, sanitize.BuiltinRedactor)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { x.Close() })
	return x
}

// TestFileUnderRotation: a file renamed away still reads from the
// descriptor opened with it; one truncated, or rewritten in place, says so
// instead of showing other text.
func TestFileUnderRotation(t *testing.T) {
	cases := []struct {
		name   string
		change func(t *testing.T, path string)
		want   []error // per entry: nil when it still reads
	}{
		{"untouched", func(*testing.T, string) {}, []error{nil, nil, nil}},
		{"renamed away, a new file created", func(t *testing.T, path string) {
			if err := os.Rename(path, path+".1"); err != nil {
				t.Fatal(err)
			}
			layout(t, path, "new first line", "new second")
		}, []error{nil, nil, nil}},
		{"deleted", func(t *testing.T, path string) { os.Remove(path) }, []error{nil, nil, nil}},
		{"truncated (copytruncate)", func(t *testing.T, path string) {
			if err := os.Truncate(path, 0); err != nil {
				t.Fatal(err)
			}
		}, []error{ErrTruncated, ErrTruncated, ErrTruncated}},
		{"rewritten in place, as long", func(t *testing.T, path string) {
			layout(t, path, strings.Repeat("a", 13), strings.Repeat("b", 34), strings.Repeat("c", 15))
		}, []error{ErrChanged, ErrChanged, ErrChanged}},
		{"truncated, then shorter text", func(t *testing.T, path string) {
			layout(t, path, "first line ok")
		}, []error{nil, ErrTruncated, ErrTruncated}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "app.log")
			lines := []string{"first line ok", "second \x1b]0;x\x07 password=hunter2", "third line here"} // 13, 34, 15 bytes
			entries := layout(t, path, lines...)
			x := open(t, path)
			c.change(t, path)
			for i, e := range entries {
				got, err := x.Lines(nil, e.off, e.n, e.sum)
				if !errors.Is(err, c.want[i]) {
					t.Fatalf("entry %d: error %v, want %v", i, err, c.want[i])
				}
				if err == nil && len(got) != 1 {
					t.Fatalf("entry %d: %q", i, got)
				}
			}
		})
	}
}

// TestReadBackCleans: text read back is sanitised and its secrets masked,
// as the ingester cleaned it.
func TestReadBackCleans(t *testing.T) {
	path := filepath.Join(t.TempDir(), "app.log")
	e := layout(t, path, "a \x1b]0;title\x07 password=hunter2 tab\there")[0]
	got, err := open(t, path).Lines(nil, e.off, e.n, e.sum)
	if err != nil {
		t.Fatal(err)
	}
	raw := []byte("a \x1b]0;title\x07 password=hunter2 tab\there")
	clean, _ := sanitize.Line(nil, raw, sanitize.TabWidth)
	want, ok := sanitize.BuiltinRedactor.Append(nil, clean)
	if !ok {
		t.Fatal("the test line has no secret")
	}
	if !slices.Equal(got, []string{string(want)}) {
		t.Fatalf("read back %q, want %q", got, want)
	}
}

// TestSpool: a spool's file is private (0600), has no name left in its
// directory, holds no secret, and reads back what was written.
func TestSpool(t *testing.T) {
	dir := t.TempDir()
	sp, err := NewSpool(dir, "-", sanitize.BuiltinRedactor)
	if err != nil {
		t.Fatal(err)
	}
	defer sp.Text().Close()
	var entries []entry
	for _, l := range []string{"token password=hunter2 here", "plain", "cr at end\r"} {
		line, off, end := sp.Line([]byte(l))
		entries = append(entries, entry{off, end - off, Mix(Seed, LineSum(line))})
	}
	if err := sp.Close(); err != nil {
		t.Fatal(err)
	}
	if left, _ := os.ReadDir(dir); len(left) != 0 {
		t.Fatalf("the spool's name is left in its directory: %v", left)
	}
	fi, err := sp.Text().f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	if perm := fi.Mode().Perm(); perm != 0o600 {
		t.Fatalf("spool mode %v, want 0600", perm)
	}
	raw := make([]byte, fi.Size())
	if _, err := sp.Text().f.ReadAt(raw, 0); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(raw), "hunter2") {
		t.Fatalf("the spool holds a secret: %q", raw)
	}
	for i, e := range entries {
		got, err := sp.Text().Lines(nil, e.off, e.n, e.sum)
		if err != nil || len(got) != 1 {
			t.Fatalf("entry %d: %q, %v", i, got, err)
		}
	}
}
