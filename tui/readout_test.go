package tui

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
)

// TestReadoutAtCursor puts the cursor in the fixture's incident and reads
// the line above the status line: each pane's first figure at that second.
func TestReadoutAtCursor(t *testing.T) {
	m := fixtureModel(t0.Add(3*time.Hour), 200, 60)
	m.tl.SetCursor(t0.Add((incidentFrom+10)*time.Second).UnixMilli(), m.nowMS())
	m.dirty = true
	lines := strings.Split(plain(m.Render()), "\n")
	if len(lines) != 60 {
		t.Fatalf("%d lines, want 60", len(lines))
	}
	readout, status := lines[58], lines[59]
	// 20 requests a second in the fixture, every third one failing (7 of 20).
	for _, want := range []string{"at 12:31:10", "requests 20.0/s", "errors 35.0%", "p95 ", "http_server_requests_seconds p99", "logs "} {
		if !strings.Contains(readout, want) {
			t.Errorf("readout lacks %q: %q", want, readout)
		}
	}
	// The status line reads in order: cursor time, mode, offset, range.
	if !strings.HasPrefix(strings.TrimSpace(status), "12:31:10 PAUSED +1m10s  range ") {
		t.Errorf("status line order: %q", status)
	}
	// Before the incident nothing fails.
	m.tl.SetCursor(t0.Add(10*time.Second).UnixMilli(), m.nowMS())
	m.dirty = true
	lines = strings.Split(plain(m.Render()), "\n")
	if r := lines[58]; !strings.Contains(r, "errors 0.0%") || !strings.Contains(r, "logs no errors") {
		t.Errorf("a clean second: %q", r)
	}
	if s := lines[59]; !strings.Contains(s, "PAUSED +10s ") {
		t.Errorf("offset of a clean second: %q", s)
	}
}

// TestReadoutOpenLabel reads the open label's figures, not the run's.
func TestReadoutOpenLabel(t *testing.T) {
	m := fixtureModel(t0.Add(3*time.Hour), 200, 60)
	m.label = "GET balance"
	m.tl.SetCursor(t0.Add((incidentFrom+10)*time.Second).UnixMilli(), m.nowMS())
	m.dirty = true
	lines := strings.Split(plain(m.Render()), "\n")
	if r := lines[58]; !strings.Contains(r, "GET balance ") || strings.Contains(r, "requests 20.0/s") {
		t.Errorf("the readout must follow the open label: %q", r)
	}
}

func TestOffset(t *testing.T) {
	for _, c := range []struct {
		ms   int64
		want string
	}{
		{0, "+0s"}, {999, "+0s"}, {97_000, "+1m37s"}, {3_600_000 + 5*60_000, "+1h05m"},
		{-12_000, "-12s"}, {200 * 3_600_000, "+8d08h"},
	} {
		if got := offset(c.ms); got != c.want {
			t.Errorf("offset(%d) = %q, want %q", c.ms, got, c.want)
		}
	}
}

// TestWarningCutKeepsAdvice cuts what happened, never the advice.
func TestWarningCutKeepsAdvice(t *testing.T) {
	w := statusWarning{what: "clocks: results.jtl (2021-03-02 10:00–2021-03-02 11:00) and app.log (2016-01-01 00:00–2016-01-02 00:00) do not overlap", advice: "try --tz or --offset"}
	full := w.what + ": " + w.advice
	if got := w.cut(200, "!"); got != full {
		t.Errorf("room enough: %q", got)
	}
	got := w.cut(60, "!")
	if ansi.StringWidth(got) > 60 || !strings.HasSuffix(got, "… (!): try --tz or --offset") || !strings.HasPrefix(got, "clocks: results.jtl") {
		t.Errorf("cut to 60: %q", got)
	}
	if got := w.cut(20, "!"); got != "" {
		t.Errorf("no room for the advice: %q", got)
	}
	w.advice = ""
	if got := w.cut(30, "!"); !strings.HasSuffix(got, "… (! for all)") || ansi.StringWidth(got) > 30 {
		t.Errorf("without advice: %q", got)
	}
}
