package logs

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/analysis/drain"
	"github.com/sobang/sobang/sources/store"
	"github.com/sobang/sobang/sources/tail"
)

// TestEntriesReadBack checks that an entry of a file is indexed (where its
// lines lie, not only its text) and that reading it back gives exactly the
// lines the ingester made: sanitised, secrets masked, a BOM, CRs, NUL gaps,
// tabs and lines over tail.MaxLine handled alike.
func TestEntriesReadBack(t *testing.T) {
	spring := "2024-05-01 10:00:00.000  INFO 1 --- [main] com.acme.App : started\n"
	trace := "2024-05-01 10:00:01.000 ERROR 1 --- [main] com.acme.App : failed\n" +
		"java.lang.IllegalStateException: boom\n\tat com.acme.App.run(App.java:12)\n" +
		"Caused by: java.io.IOException: disk\n\t... 3 more\n"
	long := "2024-05-01 10:00:02.000  WARN 1 --- [main] com.acme.App : " + strings.Repeat("x", tail.MaxLine+100) + "\n"
	cases := []struct{ name, text string }{
		{"spring with a trace", spring + trace + spring},
		{"BOM and CRLF", "\ufeff" + strings.ReplaceAll(spring+trace, "\n", "\r\n")},
		{"NUL gap", spring + strings.Repeat("\x00", 500) + trace + "2024-05-01 10:00:03.000 INFO 1 --- [main] a.B : half\x00\x00 line\n"},
		{"secrets and controls", spring + "2024-05-01 10:00:04.000 ERROR 1 --- [main] a.B : password=hunter2 \x1b]0;title\x07 https://u:pw@h/x Bearer abc.def.ghi\n"},
		{"json lines with blanks", `{"time":"2024-05-01T10:00:00Z","level":"info","msg":"a"}` + "\n\n" + `{"time":"2024-05-01T10:00:01Z","level":"error","msg":"b"}` + "\n"},
		{"plain text, last line unterminated", "starting\nTraceback (most recent call last):\n  File \"x.py\", line 1, in <module>\nValueError: bad\nready"},
		{"a line over MaxLine", spring + long + spring},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "app.log")
			if err := os.WriteFile(path, []byte(c.text), 0o600); err != nil {
				t.Fatal(err)
			}
			r := readAll(t, path, sources.Info{})
			if len(r.entries) == 0 {
				t.Fatal("no entries")
			}
			for i, e := range r.entries {
				if e.Text == nil {
					t.Fatalf("entry %d (line %d) is not indexed", i, e.LineNo)
				}
				got, err := e.Text.Lines(nil, e.Off, e.Len, e.Sum)
				if err != nil {
					t.Fatalf("entry %d: %v", i, err)
				}
				if !slices.Equal(got, e.Lines) {
					t.Fatalf("entry %d read back as\n%q\nwant\n%q", i, clip(got), clip(e.Lines))
				}
			}
		})
	}
}

// clip shortens lines for a failure message.
func clip(lines []string) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		if len(l) > 200 {
			l = l[:200] + "..."
		}
		out[i] = l
	}
	return out
}

// TestStdinIsSpooled: the lines of a stream go to a temporary file that
// is gone from its directory, and its entries are indexed and read back
// as a file's, secrets masked.
func TestStdinIsSpooled(t *testing.T) {
	dir := t.TempDir()
	var r recorder
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	in := "2024-05-01 10:00:00.000 ERROR 1 --- [main] a.B : login password=hunter2 failed\r\n" +
		"java.lang.IllegalStateException: x\n\tat a.B.c(B.java:1)\n" +
		"2024-05-01 10:00:01.000  INFO 1 --- [main] a.B : \x1b]0;title\x07 ok\r\r\n" +
		"last, unterminated"
	src := New(sources.Info{Name: "-", Zone: time.UTC}, Options{Stdin: strings.NewReader(in), SpoolDir: dir})
	if err := src.Run(ctx, &r); err != nil {
		t.Fatal(err)
	}
	entries := r.snapshot()
	if len(entries) != 2 { // the last line continues the INFO entry
		t.Fatalf("%d entries", len(entries))
	}
	for i, e := range entries {
		if e.Text == nil {
			t.Fatalf("entry %d is not indexed", i)
		}
		got, err := e.Text.Lines(nil, e.Off, e.Len, e.Sum)
		if err != nil || !slices.Equal(got, e.Lines) {
			t.Fatalf("entry %d read back as %q (%v), want %q", i, got, err, e.Lines)
		}
		if strings.Contains(strings.Join(got, "\n"), "hunter2") {
			t.Fatalf("entry %d shows a secret: %q", i, got)
		}
	}
	if left, _ := os.ReadDir(dir); len(left) != 0 {
		t.Fatalf("spool files left behind: %v", left)
	}
}

// TestTemplatesGivenAtIngest: every entry gets its template as it is
// read, and counting those gives what mining the entries' text gives.
func TestTemplatesGivenAtIngest(t *testing.T) {
	var b strings.Builder
	for i := range 300 {
		fmt.Fprintf(&b, "2024-05-01 10:00:%02d.%03d  INFO 1 --- [main] com.acme.App : request %d done in %d ms\n", i/60, i%1000, i, i%7)
		if i%10 == 0 {
			fmt.Fprintf(&b, "2024-05-01 10:00:%02d.%03d ERROR 1 --- [main] com.acme.App : transfer %d failed\n"+
				"java.lang.IllegalStateException: locked %d\n\tat a.B.c(B.java:1)\nCaused by: java.io.IOException: disk\n", i/60, i%1000, i, i)
		}
		if i%25 == 0 {
			fmt.Fprintf(&b, "2024-05-01 10:00:%02d.%03d  WARN 1 --- [main] com.acme.Pool : pool %d is at %d%%\n", i/60, i%1000, i%3, 80+i%20)
		}
	}
	path := filepath.Join(t.TempDir(), "app.log")
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	r := readAll(t, path, sources.Info{})
	given := store.New([]sources.Info{{Name: path, Kind: sources.KindLog}})
	mined := store.New([]sources.Info{{Name: path, Kind: sources.KindLog}})
	plain := make([]sources.LogEntry, len(r.entries))
	for i, e := range r.entries {
		if e.Templates == nil || e.Template == 0 {
			t.Fatalf("entry %d has no template", i)
		}
		e.Templates, e.Template, e.Text = nil, 0, nil
		plain[i] = e
	}
	given.Apply(sources.Batch{Entries: r.entries})
	mined.Apply(sources.Batch{Entries: plain})
	got, want := drain.Templates(given.Logs, 0, 0), drain.Templates(mined.Logs, 0, 0)
	if !slices.Equal(got, want) {
		t.Fatalf("templates given at ingest:\n%+v\nmined from the text:\n%+v", got, want)
	}
	if len(got) != 3 {
		t.Fatalf("%d templates: %+v", len(got), got)
	}
}

// TestCutLineIsTold: a line over tail.MaxLine is cut, and a warning names
// it with what was kept and how much was dropped.
func TestCutLineIsTold(t *testing.T) {
	head := "2024-05-01 10:00:02.000  WARN 1 --- [main] com.acme.App : "
	long := head + strings.Repeat("x", tail.MaxLine+100-len(head))
	path := filepath.Join(t.TempDir(), "app.log")
	if err := os.WriteFile(path, []byte("2024-05-01 10:00:01.000  INFO 1 --- [main] a.B : ok\n"+long+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	r := readAll(t, path, sources.Info{})
	want := fmt.Sprintf("app.log:2: a line of %d bytes, cut to its first %d: 100 bytes not shown", tail.MaxLine+100, tail.MaxLine)
	if len(r.warnings) != 1 || !strings.HasSuffix(r.warnings[0], want) {
		t.Fatalf("warnings %q, want one ending %q", r.warnings, want)
	}
}
