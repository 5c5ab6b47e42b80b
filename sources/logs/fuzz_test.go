package logs

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/internal/corpus"
	"github.com/sobang/sobang/sources/sanitize"
)

// FuzzIngest feeds arbitrary bytes, in chunks of arbitrary size, through the
// whole ingest path: nothing panics, every line shown is display-safe, no
// line appears twice, and LevelCol points at LevelText.
func FuzzIngest(f *testing.F) {
	f.Add([]byte("2024-01-01 00:00:00.000  INFO 1 --- [m] a : x\njava.lang.Error: y\n\tat a(b.java:1)\n"), uint16(7))
	f.Add([]byte("{\"level\":\"info\"}\nnot json\n\n{\"ts\":1}"), uint16(3))
	f.Add([]byte("\x1b]52;c;AAAA\x07\r\n\xff\xfe\u202e\n"), uint16(1))
	if dir, err := corpus.Find("logs"); err == nil {
		for _, rel := range []string{"java/stacktrace-edgecases-logviewer.log", "go-structured/zap-console-otelcol-lnav.log",
			"hostile/c0-controls-lnav.txt", "hostile/invalid-utf8-crlf-lnav.log", "container/docker-compose-logs-ansi-lnav.log"} {
			if data, err := os.ReadFile(filepath.Join(dir, rel)); err == nil {
				f.Add(data, uint16(100))
			}
		}
	}
	f.Fuzz(func(t *testing.T, data []byte, chunk uint16) {
		var entries []sources.LogEntry
		in := newIngest(sources.Info{Name: "fuzz", Zone: time.UTC}, func(b sources.Batch) error {
			entries = append(entries, b.Entries...)
			return nil
		})
		now := time.Unix(1e9, 0)
		size := int(chunk)%64 + 1
		for p := data; len(p) > 0; {
			n := min(size, len(p))
			in.Data(p[:n], now)
			p = p[n:]
			now = now.Add(time.Millisecond)
		}
		in.CaughtUp(now)
		lines := bytes.Count(data, []byte("\n"))
		if len(data) > 0 && data[len(data)-1] != '\n' {
			lines++
		}
		seen, last := 0, 0
		for _, e := range entries {
			if e.LineNo <= last {
				t.Fatalf("entry at line %d after line %d", e.LineNo, last)
			}
			last = e.LineNo + len(e.Lines) - 1
			seen += len(e.Lines)
			for _, l := range e.Lines {
				if !sanitize.Safe(l) {
					t.Fatalf("unsafe line %q", l)
				}
			}
			if e.LevelCol >= 0 && (e.LevelCol+len(e.LevelText) > len(e.Lines[0]) ||
				e.Lines[0][e.LevelCol:e.LevelCol+len(e.LevelText)] != e.LevelText) {
				t.Fatalf("LevelCol %d, LevelText %q in %q", e.LevelCol, e.LevelText, e.Lines[0])
			}
		}
		if seen > lines {
			t.Fatalf("%d lines out of %d in", seen, lines)
		}
	})
}
