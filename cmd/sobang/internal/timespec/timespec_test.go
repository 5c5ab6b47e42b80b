package timespec

import (
	"strings"
	"testing"
	"time"
)

func TestParseInstant(t *testing.T) {
	seoul, _ := time.LoadLocation("Asia/Seoul")
	start := time.Date(2026, 11, 25, 12, 30, 0, 0, time.UTC).UnixMilli()
	ref := Ref{DataStartMS: start, Display: time.UTC}
	cases := []struct {
		in   string
		ref  Ref
		want time.Time
	}{
		{"2026-11-25T12:38:19Z", ref, time.Date(2026, 11, 25, 12, 38, 19, 0, time.UTC)},
		{"2026-11-25T21:38:19+09:00", ref, time.Date(2026, 11, 25, 12, 38, 19, 0, time.UTC)},
		{"2026-11-25T12:38:19.250Z", ref, time.Date(2026, 11, 25, 12, 38, 19, 250e6, time.UTC)},
		{"+90s", ref, time.Date(2026, 11, 25, 12, 31, 30, 0, time.UTC)},
		{"+1m30s", ref, time.Date(2026, 11, 25, 12, 31, 30, 0, time.UTC)},
		{"12:38", ref, time.Date(2026, 11, 25, 12, 38, 0, 0, time.UTC)},
		{"12:38:19", ref, time.Date(2026, 11, 25, 12, 38, 19, 0, time.UTC)},
		// A clock time is in the display zone on the data's first day there.
		{"21:38:19", Ref{DataStartMS: start, Display: seoul}, time.Date(2026, 11, 25, 12, 38, 19, 0, time.UTC)},
	}
	for _, c := range cases {
		in, err := ParseInstant(c.in)
		if err != nil {
			t.Fatalf("%s: %v", c.in, err)
		}
		if got := in.Resolve(c.ref); got != c.want.UnixMilli() {
			t.Errorf("%s = %v, want %v", c.in, time.UnixMilli(got).UTC(), c.want)
		}
	}
}

func TestParseInstantErrors(t *testing.T) {
	for _, in := range []string{"", "2026-11-25T12:38:19", "25:00", "12:60", "+abc", "yesterday", "12:3"} {
		if _, err := ParseInstant(in); err == nil {
			t.Errorf("%q: want an error", in)
		} else if !strings.Contains(err.Error(), "expected") {
			t.Errorf("%q: error %q does not say what was expected", in, err)
		}
	}
}

func TestParseWindow(t *testing.T) {
	ref := Ref{DataStartMS: 1_000_000, Display: time.UTC}
	w, err := ParseWindow("+10s..+20s")
	if err != nil {
		t.Fatal(err)
	}
	from, to, err := w.Resolve(ref)
	if err != nil || from != 1_010_000 || to != 1_020_000 {
		t.Fatalf("window = %d..%d %v", from, to, err)
	}
	w, _ = ParseWindow("+10s..")
	if from, to, _ := w.Resolve(ref); from != 1_010_000 || to != 0 {
		t.Fatalf("open end = %d..%d", from, to)
	}
	w, _ = ParseWindow("..+5s")
	if from, to, _ := w.Resolve(ref); from != 0 || to != 1_005_000 {
		t.Fatalf("open start = %d..%d", from, to)
	}
	if _, err := ParseWindow("+10s"); err == nil {
		t.Fatal("a window without .. must fail")
	}
	w, _ = ParseWindow("+20s..+10s")
	if _, _, err := w.Resolve(ref); err == nil {
		t.Fatal("an end before the start must fail")
	}
}

func TestSplitZone(t *testing.T) {
	cases := []struct{ in, src, zone string }{
		{"app.log@Asia/Seoul", "app.log", "Asia/Seoul"},
		{"app.log@UTC", "app.log", "UTC"},
		{"app.log@+09:00", "app.log", "+09:00"},
		{"/data/run@2/app.log", "/data/run@2/app.log", ""},
		{"http://user@host:9090/metrics", "http://user@host:9090/metrics", ""},
		{"plain.log", "plain.log", ""},
	}
	for _, c := range cases {
		src, loc := SplitZone(c.in)
		zone := ""
		if loc != nil {
			zone = loc.String()
		}
		if src != c.src || zone != c.zone {
			t.Errorf("SplitZone(%q) = %q, %q; want %q, %q", c.in, src, zone, c.src, c.zone)
		}
	}
}

func TestParseOffset(t *testing.T) {
	src, d, err := ParseOffset("app.log=-2.5s")
	if err != nil || src != "app.log" || d != -2500*time.Millisecond {
		t.Fatalf("= %q %v %v", src, d, err)
	}
	if _, _, err := ParseOffset("app.log"); err == nil {
		t.Fatal("want an error without =")
	}
	if _, _, err := ParseOffset("app.log=soon"); err == nil {
		t.Fatal("want an error for a bad duration")
	}
}
