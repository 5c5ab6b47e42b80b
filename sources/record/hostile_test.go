package record

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/sanitize"
)

// TestRecordingIsPrivate checks that a recording, which can hold what the
// session's data held, is readable by its owner only: a new one and one
// written over an existing file.
func TestRecordingIsPrivate(t *testing.T) {
	dir := t.TempDir()
	existing := filepath.Join(dir, "old.sobang")
	if err := os.WriteFile(existing, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(existing, 0o664); err != nil { // whatever the umask
		t.Fatal(err)
	}
	for _, path := range []string{filepath.Join(dir, "new.sobang"), existing} {
		w, err := Create(path, testInfos()[:1], nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if perm := fi.Mode().Perm(); perm&0o077 != 0 || perm&0o600 != 0o600 {
			t.Errorf("%s: mode %v, want readable and writable by its owner only", filepath.Base(path), perm)
		}
	}
}

// TestRecordingMasksPasswords checks that a URL's password is not written
// into a recording's header.
func TestRecordingMasksPasswords(t *testing.T) {
	path := writeRecording(t, []sources.Info{{Name: "http://user:secret@host:9100/metrics", Kind: sources.KindScrape}}, nil)
	rec, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := rec.Header.Sources[0].Name; got != "http://user:***@host:9100/metrics" {
		t.Errorf("recorded name %q", got)
	}
}

// TestReplayCleansText checks that a recording written by another program,
// holding text that would act on a terminal, is replayed safe to show.
func TestReplayCleansText(t *testing.T) {
	const hostile = "\x1b]2;PWNED\x07x\u202e\thttp://user:secret@host/"
	path := writeRecording(t, testInfos()[:2], []sources.Batch{
		{Source: 0, Rows: 1, Samples: []sources.Sample{{StartMS: t0.UnixMilli(), ElapsedMS: 1, LatencyMS: -1, ConnectMS: -1,
			Label: hostile, Code: hostile, Message: hostile, Failure: hostile, Thread: hostile, URL: hostile}}},
		{Source: 1, Rows: 1, Entries: []sources.LogEntry{{Time: t0, Level: sources.LevelError, LevelText: "ERROR", LevelCol: 29,
			Lines: []string{"\x1b[31m2026-11-25 12:38:19\x1b[0m ERROR boom", hostile}}}},
	})
	_, got := replayAll(t, path)
	s := got[0][0].Samples[0]
	for _, v := range []string{s.Label, s.Code, s.Message, s.Failure, s.Thread, s.URL} {
		if want := "x⟨RLO⟩  http://user:***@host/"; v != want {
			t.Errorf("sample text %q, want %q", v, want)
		}
	}
	e := got[1][0].Entries[0]
	for _, l := range e.Lines {
		if !sanitize.Safe(l) {
			t.Errorf("entry line %q", l)
		}
	}
	if e.Lines[0] != "2026-11-25 12:38:19 ERROR boom" || e.LevelCol != -1 {
		t.Errorf("entry %q with the level at %d: the offset no longer points at the level", e.Lines[0], e.LevelCol)
	}
}
