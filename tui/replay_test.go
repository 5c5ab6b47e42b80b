package tui

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/themes"
)

var replayRe = regexp.MustCompile(`^ (\d\d:\d\d:\d\d) (REPLAY (?:x[0-9.]+|paused)) ([-+]\S+)`)

// replayStatus returns the cursor's time, the mode word and the offset of
// the status line.
func replayStatus(t *testing.T, m *Model) (clock, mode, offset string) {
	t.Helper()
	m.dirty = true
	lines := strings.Split(plain(m.Render()), "\n")
	mm := replayRe.FindStringSubmatch(lines[len(lines)-1])
	if mm == nil {
		t.Fatalf("no replay status in %q", lines[len(lines)-1])
	}
	return mm[1], mm[2], mm[3]
}

// TestReplayKeys drives a replay of the fixture's run at x10 on a
// ManualClock: it plays at once with the cursor following its clock, space
// pauses and plays on from the cursor, { and } halve and double the speed,
// a cursor move pauses it, and at the end it pauses on the last second.
func TestReplayKeys(t *testing.T) {
	theme, err := themes.Load("dark", "")
	if err != nil {
		t.Fatal(err)
	}
	wall := sources.NewManualClock(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC))
	end := t0.Add((runSeconds - 1) * time.Second)
	rc := sources.NewReplayClock(wall, t0, end, 10)
	m := New(Options{Store: fixtureStore(), Theme: theme, Zone: time.UTC, Replay: rc})
	m.Update(sizeMsg(120, 40))
	m.ingest()
	m.Update(tickMsg{})
	// The live cursor sits the lag behind the clock (the fixture's longest
	// requests set it), on a whole second; played on, the clock goes the
	// lag ahead of the cursor.
	replayStatus(t, m) // a frame sets the lag
	lag := m.tl.Lag()
	sec := time.Second
	live := func(clock time.Duration) time.Duration {
		d := clock - lag
		return d - (d%sec+sec)%sec
	}
	at := func(d time.Duration) string { return t0.Add(d).Format("15:04:05") }
	c30 := live(30 * sec)

	steps := []struct {
		name    string
		do      func()
		mode    string
		cursor  time.Duration // from t0
		playing bool          // the replay's clock runs
		clock   time.Duration // the replay's clock, from t0
	}{
		{"plays at once", func() {}, "REPLAY x10", live(0), true, 0},
		{"the cursor follows the clock", func() { wall.Advance(3 * sec); m.Update(tickMsg{}) }, "REPLAY x10", c30, true, 30 * sec},
		{"space pauses", func() { press(m, "space") }, "REPLAY paused", c30, false, 30 * sec},
		{"paused, the clock stands", func() { wall.Advance(time.Minute); m.Update(tickMsg{}) }, "REPLAY paused", c30, false, 30 * sec},
		{"} doubles the speed", func() { press(m, "}") }, "REPLAY paused", c30, false, 30 * sec},
		{"{ halves it twice", func() { press(m, "{", "{") }, "REPLAY paused", c30, false, 30 * sec},
		{"space plays on from the cursor", func() { press(m, "space") }, "REPLAY x5", c30, true, c30 + lag},
		{"at x5", func() { wall.Advance(2 * sec) }, "REPLAY x5", live(c30 + lag + 10*sec), true, c30 + lag + 10*sec},
		{"a cursor move pauses", func() { press(m, "left") }, "REPLAY paused", live(c30+lag+10*sec) - sec, false, c30 + lag + 10*sec},
		{"space again, from the cursor", func() { press(m, "space") }, "REPLAY x5", live(c30+lag+10*sec) - sec, true, live(c30+lag+10*sec) - sec + lag},
		{"the end pauses on the last second", func() { wall.Advance(time.Hour); m.Update(tickMsg{}) }, "REPLAY paused", (runSeconds - 1) * sec, false, (runSeconds - 1) * sec},
		{"space at the end plays from the start", func() { press(m, "space") }, "REPLAY x5", 0, true, lag},
	}
	for _, s := range steps {
		s.do()
		cursor, mode, _ := replayStatus(t, m)
		if mode != s.mode || cursor != at(s.cursor) {
			t.Errorf("%s: status %s %s, want %s %s", s.name, cursor, mode, at(s.cursor), s.mode)
		}
		if rc.Playing() != s.playing {
			t.Errorf("%s: playing = %v, want %v", s.name, rc.Playing(), s.playing)
		}
		if got := rc.Now().Sub(t0); got != s.clock {
			t.Errorf("%s: the replay's clock at %v, want %v", s.name, got, s.clock)
		}
	}
}

// TestReplayLogsFollowCursor: in a replay the store holds entries past the
// clock (files recorded whole), so the logs pane marks the entry at the
// cursor, not the newest.
func TestReplayLogsFollowCursor(t *testing.T) {
	theme, err := themes.Load("dark", "")
	if err != nil {
		t.Fatal(err)
	}
	wall := sources.NewManualClock(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC))
	rc := sources.NewReplayClock(wall, t0, t0.Add((runSeconds-1)*time.Second), 10)
	m := New(Options{Store: fixtureStore(), Theme: theme, Zone: time.UTC, Replay: rc})
	m.Update(sizeMsg(120, 40))
	m.ingest()
	wall.Advance(3 * time.Second)
	m.Update(tickMsg{})
	press(m, "3")
	cursor, mode, _ := replayStatus(t, m)
	if mode != "REPLAY x10" {
		t.Fatalf("mode %s", mode)
	}
	for _, line := range strings.Split(plain(m.Render()), "\n") {
		if strings.Contains(line, "▶") {
			if !strings.Contains(line, cursor[:5]) || strings.Contains(line, t0.Add((runSeconds-1)*time.Second).Format("15:04:05")) {
				t.Fatalf("the marked entry %q is not at the cursor %s", line, cursor)
			}
			return
		}
	}
	t.Fatal("no entry marked in the logs pane")
}

// TestSpeedKeysOutsideReplay: { and } say what they are for, and change
// nothing, outside a replay.
func TestSpeedKeysOutsideReplay(t *testing.T) {
	m := fixtureModel(t0.Add((runSeconds+5)*time.Second), 120, 40)
	_, before := statusOf(t, m.Render())
	press(m, "}")
	frame := m.Render()
	if _, after := statusOf(t, frame); after != before {
		t.Fatalf("} turned %s into %s", before, after)
	}
	if !strings.Contains(plain(frame), "{ and } set the speed of a replay") {
		t.Fatalf("no word on what } is for:\n%s", plain(frame))
	}
}
