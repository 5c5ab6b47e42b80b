package timespec

import (
	"strings"
	"testing"
	"time"
)

// FuzzGrammar feeds one text to every parser of the time grammar. Each
// either fails in the one wording of bad input or gives a value that
// prints back as the text and parses again to the same value.
func FuzzGrammar(f *testing.F) {
	for _, s := range []string{
		"2026-11-25T12:38:19Z", "2026-11-25T21:38:19.250+09:00", "12:38", "12:38:19", "+90s", "+1m30s",
		"12:38..12:40", "+60s..", "..2026-11-25T12:40:00Z", "..", "app.log@Asia/Seoul", "x@+09:00",
		"user@host:/p@-0330", "app.log=-2.5s", "a=b=+1m", "Local", "UTC", "", "24:00", "+-1s",
	} {
		f.Add(s)
	}
	ref := Ref{DataStartMS: time.Date(2026, 11, 25, 12, 30, 0, 0, time.UTC).UnixMilli(), Display: time.UTC}
	f.Fuzz(func(t *testing.T, s string) {
		in, err := ParseInstant(s)
		if err != nil {
			wording(t, err)
		} else {
			if in.String() != s {
				t.Fatalf("ParseInstant(%q) prints as %q", s, in)
			}
			again, err := ParseInstant(in.String())
			if err != nil || again.Resolve(ref) != in.Resolve(ref) {
				t.Fatalf("%q parses again as %v, %v", s, again, err)
			}
		}
		w, err := ParseWindow(s)
		if err != nil {
			wording(t, err)
		} else {
			text := ""
			if w.HasFrom {
				text = w.From.String()
			}
			text += ".."
			if w.HasTo {
				text += w.To.String()
			}
			if text != s {
				t.Fatalf("ParseWindow(%q) prints as %q", s, text)
			}
			from, to, err := w.Resolve(ref)
			if err == nil && w.HasFrom && w.HasTo && to <= from {
				t.Fatalf("window %q resolves to [%d, %d)", s, from, to)
			}
		}
		if src, loc := SplitZone(s); loc != nil {
			if !strings.HasPrefix(s, src+"@") || src == "" {
				t.Fatalf("SplitZone(%q) gives source %q", s, src)
			}
			if _, err := ParseZone(s[len(src)+1:]); err != nil {
				t.Fatalf("SplitZone(%q) took a zone ParseZone refuses: %v", s, err)
			}
		} else if src != s {
			t.Fatalf("SplitZone(%q) without a zone changed the text to %q", s, src)
		}
		if len(s) < 64 && !strings.ContainsAny(s, "/\\") {
			// Names with a slash are read from the zone database on disk:
			// valid ones are in the seeds, and fuzzing them only costs I/O.
			if _, err := ParseZone(s); err != nil {
				wording(t, err)
			}
		}
		src, d, err := ParseOffset(s)
		if err != nil {
			wording(t, err)
		} else if src == "" || !strings.HasPrefix(s, src+"=") {
			t.Fatalf("ParseOffset(%q) gives source %q", s, src)
		} else if back, err := time.ParseDuration(strings.TrimPrefix(s[len(src)+1:], "+")); err != nil || back != d {
			t.Fatalf("ParseOffset(%q) gives %v", s, d)
		}
	})
}

// wording fails unless err is in the one wording of bad input (or names the
// side of a window that has it).
func wording(t *testing.T, err error) {
	t.Helper()
	if !strings.Contains(err.Error(), "expected ") || !strings.Contains(err.Error(), ", found ") {
		t.Fatalf("error not in the one wording: %v", err)
	}
}
