package tui

import (
	"regexp"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/store"
	"github.com/sobang/sobang/themes"
)

func sizeMsg(w, h int) tea.WindowSizeMsg { return tea.WindowSizeMsg{Width: w, Height: h} }

func press(m *Model, keys ...string) {
	for _, k := range keys {
		var msg tea.KeyPressMsg
		switch k {
		case "left":
			msg = tea.KeyPressMsg{Code: tea.KeyLeft}
		case "right":
			msg = tea.KeyPressMsg{Code: tea.KeyRight}
		case "shift+left":
			msg = tea.KeyPressMsg{Code: tea.KeyLeft, Mod: tea.ModShift}
		case "esc":
			msg = tea.KeyPressMsg{Code: tea.KeyEscape}
		case "enter":
			msg = tea.KeyPressMsg{Code: tea.KeyEnter}
		case "tab":
			msg = tea.KeyPressMsg{Code: tea.KeyTab}
		case "end":
			msg = tea.KeyPressMsg{Code: tea.KeyEnd}
		case "space":
			msg = tea.KeyPressMsg{Code: ' ', Text: " "}
		default:
			r := []rune(k)[0]
			msg = tea.KeyPressMsg{Code: r, Text: k}
		}
		m.Update(msg)
	}
}

// plain strips escape sequences so tests can read the frame.
func plain(s string) string { return ansi.Strip(s) }

var clockRe = regexp.MustCompile(`^ (\d\d:\d\d:\d\d) (LIVE|PAUSED)`)

func statusOf(t *testing.T, frame string) (string, string) {
	lines := strings.Split(plain(frame), "\n")
	mm := clockRe.FindStringSubmatch(lines[len(lines)-1])
	if mm == nil {
		t.Fatalf("status bar not found in last line %q", lines[len(lines)-1])
	}
	return mm[1], mm[2]
}

func TestGoldenPanes(t *testing.T) {
	// Live, 5 s after the run's last data, so the fixture is inside the range.
	now := t0.Add((runSeconds + 5) * time.Second)
	for _, size := range []struct{ w, h int }{{80, 24}, {200, 60}} {
		t.Run(sizeName(size.w, size.h), func(t *testing.T) {
			m := fixtureModel(now, size.w, size.h)
			// The cursor in the incident, as a user would put it there.
			m.tl.SetCursor(t0.Add(70*time.Second).UnixMilli(), now.UnixMilli())
			m.dirty = true
			frame := m.Render()
			checkFrameSize(t, frame, size.w, size.h)
			golden.RequireEqual(t, frame)
		})
	}
}

func sizeName(w, h int) string { return itoa(w) + "x" + itoa(h) }

func checkFrameSize(t *testing.T, frame string, w, h int) {
	t.Helper()
	lines := strings.Split(frame, "\n")
	if len(lines) != h {
		t.Fatalf("frame has %d lines, want %d", len(lines), h)
	}
	for i, l := range lines {
		if n := ansi.StringWidth(l); n != w {
			t.Fatalf("line %d is %d cells wide, want %d: %q", i, n, w, plain(l))
		}
	}
}

func TestThreePanesAndTitles(t *testing.T) {
	m := fixtureModel(t0.Add(125*time.Second), 120, 40)
	f := plain(m.Render())
	for _, title := range []string{"Load test", "Metrics", "Logs"} {
		if !strings.Contains(f, title) {
			t.Errorf("frame lacks the %q pane", title)
		}
	}
	if _, word := statusOf(t, m.Render()); word != "LIVE" {
		t.Errorf("status = %s, want LIVE for data inside the range", word)
	}
}

func TestCursorMovesEveryPane(t *testing.T) {
	now := t0.Add(125 * time.Second)
	m := fixtureModel(now, 120, 40)
	m.tl.SetCursor(t0.Add(100*time.Second).UnixMilli(), now.UnixMilli())
	before := plain(m.Render())
	// Into the incident: the load pane's legend shows errors, the metrics
	// pane the saturated pool, the logs the ERROR entries of that second.
	m.tl.SetCursor(t0.Add(70*time.Second).UnixMilli(), now.UnixMilli())
	after := plain(m.Render())
	clock, word := statusOf(t, m.Render())
	if clock != "12:31:10" || word != "PAUSED" {
		t.Fatalf("status = %s %s, want 12:31:10 PAUSED", clock, word)
	}
	for _, want := range []string{"at 12:31:10", "HikariPool-1 10", "Transfer failed"} {
		if !strings.Contains(after, want) {
			t.Errorf("after moving into the incident the frame lacks %q", want)
		}
		if strings.Contains(before, want) && want != "Transfer failed" {
			t.Errorf("before the incident the frame already has %q", want)
		}
	}
	// The log pane's cursor entry is the first one at or after the cursor.
	for _, l := range strings.Split(after, "\n") {
		if strings.Contains(l, "▶") {
			if !strings.Contains(l, "12:31:10.500") {
				t.Errorf("cursor entry %q is not the one at 12:31:10", l)
			}
			return
		}
	}
	t.Error("no log entry marked at the cursor")
}

func TestKeysMoveCursorAndGoLive(t *testing.T) {
	now := t0.Add(125 * time.Second)
	m := fixtureModel(now, 120, 40)
	press(m, "left")
	c1, w1 := statusOf(t, m.Render())
	if w1 != "PAUSED" {
		t.Fatalf("← must pause, status %s", w1)
	}
	press(m, "h")
	c2, _ := statusOf(t, m.Render())
	if c2 >= c1 {
		t.Fatalf("h must move back: %s then %s", c1, c2)
	}
	press(m, "shift+left")
	c3, _ := statusOf(t, m.Render())
	d2, _ := time.Parse("15:04:05", c2)
	d3, _ := time.Parse("15:04:05", c3)
	step := d2.Sub(d3)
	press(m, "l")
	c4, _ := statusOf(t, m.Render())
	d4, _ := time.Parse("15:04:05", c4)
	if step != 10*d4.Sub(d3) {
		t.Fatalf("shift+← must move ten steps: %v vs one step %v", step, d4.Sub(d3))
	}
	press(m, "end")
	if _, w := statusOf(t, m.Render()); w != "LIVE" {
		t.Fatalf("end must return to live, got %s", w)
	}
	press(m, "left", "0")
	if _, w := statusOf(t, m.Render()); w != "LIVE" {
		t.Fatalf("0 must return to live, got %s", w)
	}
}

func TestPastDataStartsPaused(t *testing.T) {
	now := t0.Add(3 * time.Hour)
	m := fixtureModel(now, 120, 40)
	clock, word := statusOf(t, m.Render())
	if word != "PAUSED" || clock != "12:31:59" {
		t.Fatalf("status = %s %s, want PAUSED on the last second 12:31:59", clock, word)
	}
	if m.tl.RangeMS() != 0 {
		t.Fatalf("range = %d, want the whole run", m.tl.RangeMS())
	}
}

func TestWindowNarrowsStatistics(t *testing.T) {
	now := t0.Add(3 * time.Hour)
	m := fixtureModel(now, 120, 40)
	whole := plain(m.Render())
	if !strings.Contains(whole, "whole run") || !strings.Contains(whole, "samples 2,400") {
		t.Fatalf("whole-run summary missing:\n%s", whole)
	}
	m.tl.SetCursor(t0.Add(incidentFrom*time.Second).UnixMilli(), now.UnixMilli())
	press(m, "v")
	m.tl.SetCursor(t0.Add((incidentTo-1)*time.Second).UnixMilli(), now.UnixMilli())
	press(m, "v")
	win := plain(m.Render())
	// 30 s x 20 requests, a third of them failed.
	if !strings.Contains(win, "window 12:31:00–12:31:30") || !strings.Contains(win, "samples 600  errors 210 (35.0%)") {
		t.Fatalf("window summary wrong:\n%s", win)
	}
	if !strings.Contains(win, "window 12:31:00–12:31:30") {
		t.Fatal("status bar must show the window")
	}
	press(m, "esc")
	if !strings.Contains(plain(m.Render()), "samples 2,400") {
		t.Fatal("esc must clear the window")
	}
}

func TestHelpOpensAndCloses(t *testing.T) {
	m := fixtureModel(t0.Add(125*time.Second), 120, 40)
	press(m, "?")
	f := plain(m.Render())
	for _, want := range []string{"Help", "zoom time in", "quit", "select a label"} {
		if !strings.Contains(f, want) {
			t.Errorf("help lacks %q", want)
		}
	}
	press(m, "?")
	if strings.Contains(plain(m.Render()), "zoom time in") {
		t.Fatal("? must close help")
	}
}

// TestHelpScrollsAt80x24: the help is taller than an 80x24 terminal; it
// says how much is below, and scrolling reaches its last line.
func TestHelpScrollsAt80x24(t *testing.T) {
	m := fixtureModel(t0.Add(125*time.Second), 80, 24)
	press(m, "?")
	f := plain(m.Render())
	if !strings.Contains(f, "more lines") || !strings.Contains(f, "↑/↓ scroll") {
		t.Fatalf("a cut help must say so and how to scroll:\n%s", f)
	}
	if strings.Contains(f, "closes this help.") {
		t.Fatalf("the help's last line fits at 80x24; the test proves nothing:\n%s", f)
	}
	for range 40 {
		press(m, "down")
	}
	f = plain(m.Render())
	if !strings.Contains(f, "closes this help.") || strings.Contains(f, "more lines") {
		t.Fatalf("scrolled to the end, the help must show its last line:\n%s", f)
	}
	if got := strings.Count(f, "\n") + 1; got != 24 {
		t.Fatalf("the scrolled help is %d rows, want 24", got)
	}
	press(m, "g")
	if !strings.Contains(plain(m.Render()), "Keys of the") {
		t.Fatal("g must take the help back to its top")
	}
	// Every line of it fits 80 columns: read top to bottom, nothing is cut.
	for range 40 {
		for _, l := range strings.Split(plain(m.Render()), "\n")[1:22] {
			if strings.Contains(l, "…") {
				t.Fatalf("a help line is cut at 80 columns: %q", l)
			}
		}
		press(m, "down")
	}
	press(m, "g")
	press(m, "esc")
	if strings.Contains(plain(m.Render()), "more lines") {
		t.Fatal("esc must close the help")
	}
}

func TestQuit(t *testing.T) {
	m := fixtureModel(t0.Add(125*time.Second), 120, 40)
	_, cmd := m.Update(tea.KeyPressMsg{Code: 'q', Text: "q"})
	if cmd == nil {
		t.Fatal("q must return a command")
	}
	if _, ok := cmd().(tea.QuitMsg); !ok {
		t.Fatal("q must quit")
	}
}

func TestTooSmallAndTiny(t *testing.T) {
	m := fixtureModel(t0.Add(125*time.Second), 60, 20)
	if f := m.Render(); !strings.Contains(f, "terminal too small") {
		t.Fatalf("60x20 = %q", f)
	}
	// Narrower than the message: it wraps, is centred, says how to quit,
	// and stays within the terminal.
	m.Update(sizeMsg(30, 12))
	f := m.Render()
	lines := strings.Split(f, "\n")
	if !strings.Contains(strings.Join(strings.Fields(f), " "), "sobang needs at least 80x24; q quit") || len(lines) > 12 {
		t.Fatalf("30x12 = %q", f)
	}
	for _, l := range lines {
		if ansi.StringWidth(l) > 30 {
			t.Fatalf("line wider than 30: %q", l)
		}
	}
	if lines[0] != "" || !strings.HasPrefix(lines[len(lines)-1], " ") {
		t.Fatalf("not centred: %q", f)
	}
	m.Update(sizeMsg(1, 1))
	if f := m.Render(); strings.Count(f, "\n") > 0 || ansi.StringWidth(f) > 1 {
		t.Fatalf("1x1 = %q", f)
	}
	m.Update(sizeMsg(300, 100))
	checkFrameSize(t, m.Render(), 300, 100)
}

func TestEmptyPaneShowsHint(t *testing.T) {
	theme, _ := themes.Load("dark", "")
	st := store.New([]sources.Info{{Name: "app.log", Kind: sources.KindLog}})
	m := New(Options{Store: st, Theme: theme, Zone: time.UTC, Clock: sources.NewManualClock(t0)})
	m.Update(sizeMsg(80, 24))
	f := plain(m.Render())
	for _, want := range []string{"--jtl FILE", "--scrape URL", "Logs"} {
		if !strings.Contains(f, want) {
			t.Errorf("frame lacks %q:\n%s", want, f)
		}
	}
	checkFrameSize(t, m.Render(), 80, 24)
}

// TestLogFilters: in the logs, f keeps the entries holding a text and F
// leaves them out, each said in the pane's title; esc clears them.
func TestLogFilters(t *testing.T) {
	now := t0.Add(3 * time.Hour)
	m := fixtureModel(now, 120, 40)
	typeIn := func(s string) {
		for _, r := range s {
			press(m, string(r))
		}
		press(m, "enter")
	}
	press(m, "3", "f")
	typeIn("Served")
	f := plain(m.Render())
	if strings.Contains(f, "Transfer failed") || !strings.Contains(f, "Served 100 requests") || !strings.Contains(f, "with “Served”") {
		t.Fatalf("f must keep only matching entries:\n%s", f)
	}
	press(m, "esc", "F")
	typeIn("served")
	f = plain(m.Render())
	if !strings.Contains(f, "Transfer failed") || strings.Contains(f, "Served 100 requests") || !strings.Contains(f, "without “served”") {
		t.Fatalf("F must leave matching entries out:\n%s", f)
	}
	press(m, "esc")
	if f := plain(m.Render()); !strings.Contains(f, "Served 100 requests") || strings.Contains(f, "without") {
		t.Fatalf("esc must clear the filters:\n%s", f)
	}
}

// TestLogSearch: / in the logs searches without hiding anything: matches
// are marked, n and N move the shared cursor from match to match, smart
// case as in less.
func TestLogSearch(t *testing.T) {
	m := fixtureModel(t0.Add(3*time.Hour), 120, 40)
	press(m, "g", "3", "/")
	for _, r := range "transfer fail" {
		press(m, string(r))
	}
	press(m, "enter", "n")
	at := func() string { c, _ := statusOf(t, m.Render()); return c }
	if c := at(); c != t0.Add(incidentFrom*time.Second).Format("15:04:05") {
		t.Fatalf("n from the start: %s, want the first match", c)
	}
	frame := m.Render()
	if !strings.Contains(plain(frame), "search “transfer fail” (n/N)") || !strings.Contains(plain(frame), "Served 100 requests") {
		t.Fatalf("a search hides nothing and says so in the title:\n%s", plain(frame))
	}
	if !strings.Contains(frame, m.st.Selected.Prefix+"Transfer fail") {
		t.Error("the match must be marked (smart case: lower case matches any case)")
	}
	press(m, "n")
	if c := at(); c != t0.Add((incidentFrom+2)*time.Second).Format("15:04:05") {
		t.Fatalf("the second n: %s", c)
	}
	press(m, "N")
	if c := at(); c != t0.Add(incidentFrom*time.Second).Format("15:04:05") {
		t.Fatalf("N back: %s", c)
	}
}

func TestZoomKeysAndFocus(t *testing.T) {
	// A two-minute run: zooming out stops at the whole run, not at 15
	// minutes mostly in the future; zooming in from it starts below it.
	m := fixtureModel(t0.Add(125*time.Second), 120, 40)
	for _, step := range []struct {
		key  string
		want int64
	}{{"-", 0}, {"-", 0}, {"+", 60_000}, {"+", 60_000}, {"-", 0}} {
		press(m, step.key)
		if m.tl.RangeMS() != step.want {
			t.Fatalf("%s: range %d, want %d", step.key, m.tl.RangeMS(), step.want)
		}
	}
	press(m, "+")
	press(m, "tab")
	if m.focus != 1 {
		t.Fatalf("tab focus = %d", m.focus)
	}
	press(m, "z")
	f := plain(m.Render())
	if strings.Contains(f, "Load test") || !strings.Contains(f, "Metrics") {
		t.Fatal("z must zoom the focused pane to the whole screen")
	}
}

func TestMouseClickMovesCursor(t *testing.T) {
	now := t0.Add(3 * time.Hour) // paused on the whole run
	m := fixtureModel(now, 120, 40)
	m.Render()
	a := m.panes[0].charts()[0]
	r := m.rects[0]
	x, y := r.x+1+a.x+a.w/2, r.y+1+a.y
	m.Update(tea.MouseClickMsg{X: x, Y: y, Button: tea.MouseLeft})
	m.Update(tea.MouseReleaseMsg{X: x, Y: y, Button: tea.MouseLeft})
	if m.tl.Live() {
		t.Fatal("a click on a chart must move the cursor and pause")
	}
	from, to := m.tl.View(now.UnixMilli())
	mid := from + (to-from)/2
	if c := m.tl.Cursor(now.UnixMilli()); c < mid-10_000 || c > mid+10_000 {
		t.Fatalf("cursor %d not near the chart's middle %d", c, mid)
	}
	// A drag selects a window.
	m.Update(tea.MouseClickMsg{X: x - 10, Y: y, Button: tea.MouseLeft})
	m.Update(tea.MouseMotionMsg{X: x, Y: y, Button: tea.MouseLeft})
	m.Update(tea.MouseReleaseMsg{X: x, Y: y, Button: tea.MouseLeft})
	if _, _, ok := m.tl.Window(); !ok {
		t.Fatal("a drag must select a window")
	}
}

func TestNoMouse(t *testing.T) {
	m := fixtureModel(t0.Add(125*time.Second), 120, 40)
	m.opt.NoMouse = true
	if v := m.View(); v.MouseMode != tea.MouseModeNone {
		t.Fatal("--no-mouse must leave the mouse to the terminal")
	}
}

func TestHealthShown(t *testing.T) {
	m := fixtureModel(t0.Add(125*time.Second), 140, 40)
	down := sources.Health{State: sources.StateDown, Err: "connection refused", Since: t0.Add(120 * time.Second)}
	m.store.Apply(sources.Batch{Source: 1, Health: &down})
	f := plain(m.Render())
	if !strings.Contains(f, "down since 12:32:00: connection refused, retrying") {
		t.Fatalf("metrics pane must show the source down:\n%s", f)
	}
}

// TestGoldenEachPane renders each pane alone, focused, at 80x24 and 200x60,
// with the cursor in the incident.
func TestGoldenEachPane(t *testing.T) {
	now := t0.Add((runSeconds + 5) * time.Second)
	for _, size := range []struct{ w, h int }{{80, 24}, {200, 60}} {
		m := fixtureModel(now, size.w, size.h)
		m.tl.SetCursor(t0.Add(70*time.Second).UnixMilli(), now.UnixMilli())
		for i, p := range m.panes {
			t.Run(strings.ReplaceAll(p.title(), " ", "")+"/"+sizeName(size.w, size.h), func(t *testing.T) {
				m.focus = i
				m.zoomed = true
				m.dirty = true
				frame := m.Render()
				checkFrameSize(t, frame, size.w, size.h)
				golden.RequireEqual(t, frame)
			})
		}
	}
}

func TestLoadTableSorts(t *testing.T) {
	m := fixtureModel(t0.Add(3*time.Hour), 120, 40)
	press(m, "1", "s", "s") // by samples, then by errors
	f := plain(m.Render())
	i, j := strings.Index(f, "GET account"), strings.Index(f, "GET balance")
	if !strings.Contains(f, "▼errors") || i < 0 || j < 0 || i > j {
		t.Fatalf("sorted by errors, GET account (210 errors) must lead:\n%s", f)
	}
	press(m, "s", "s", "s", "s", "s", "s") // all the way round to the label
	if !strings.Contains(plain(m.Render()), "label ▲") {
		t.Fatal("s must cycle back to sorting by label")
	}
}

func TestLoadEndedShown(t *testing.T) {
	ended := make(chan struct{})
	theme, _ := themes.Load("dark", "")
	m := New(Options{Store: fixtureStore(), Theme: theme, Zone: time.UTC, Clock: sources.NewManualClock(t0.Add(125 * time.Second)), LoadEnded: ended})
	m.Update(sizeMsg(120, 40))
	if strings.Contains(plain(m.Render()), "LOAD ENDED") {
		t.Fatal("LOAD ENDED before the load ended")
	}
	close(ended)
	cmd := m.waitLoadEnded()
	m.Update(cmd())
	if !strings.Contains(plain(m.Render()), "LOAD ENDED") {
		t.Fatal("the status bar must say LOAD ENDED once the demo's load stopped")
	}
}

func TestClockWarning(t *testing.T) {
	theme, _ := themes.Load("dark", "")
	tests := []struct {
		name string
		log  []sources.LogEntry // the second source's entries; none for a source without data
		warn bool
	}{
		// A log written nine hours off: a zone mistake.
		{"nine hours apart", []sources.LogEntry{{Time: t0.Add(9 * time.Hour), Lines: []string{"x"}}}, true},
		// Days apart: the warning names the dates.
		{"days apart", []sources.LogEntry{{Time: t0.Add(-50 * time.Hour), Lines: []string{"x"}}}, true},
		{"overlapping", []sources.LogEntry{{Time: t0, Lines: []string{"x"}}}, false},
		// Nothing read (an empty file, one not there yet): no clock to judge.
		{"a source without data", nil, false},
		// Lines without timestamps are placed when read, a day after the
		// run here: that says nothing about the log's clock.
		{"a log without timestamps", []sources.LogEntry{{Lines: []string{"starting"}}, {Lines: []string{"ready"}}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := store.New([]sources.Info{{Name: "run.jtl", Kind: sources.KindJTL}, {Name: "app.log", Kind: sources.KindLog}})
			st.SetClock(sources.NewManualClock(t0.Add(24 * time.Hour)))
			st.Apply(sources.Batch{Source: 0, CaughtUp: true, Samples: []sources.Sample{{StartMS: t0.UnixMilli(), ElapsedMS: 5, Label: "a", Success: true, AllThreads: -1}}})
			st.Apply(sources.Batch{Source: 1, CaughtUp: true, Entries: tt.log})
			m := New(Options{Store: st, Theme: theme, Zone: time.UTC, Clock: sources.NewManualClock(t0.Add(24 * time.Hour))})
			m.Update(sizeMsg(200, 40))
			m.ingest()
			f := plain(m.Render())
			warned := strings.Contains(f, "clocks: run.jtl (") && strings.Contains(f, "try --tz or --offset")
			if warned != tt.warn {
				t.Fatalf("clock warning shown: %v, want %v:\n%s", warned, tt.warn, f[len(f)-300:])
			}
			// The warnings list (!) holds it whole.
			full := strings.Join(m.ownWarnings(), "\n")
			if warned && (!strings.Contains(full, "run.jtl") || !strings.Contains(full, "app.log") || !strings.HasSuffix(full, "do not overlap: try --tz or --offset")) {
				t.Fatalf("the clock warning does not name both sources: %q", full)
			}
			dated := strings.Contains(full, "2026-11-23 10:30–2026-11-23 10:30")
			if dated != (tt.name == "days apart") {
				t.Fatalf("dates named: %v, want them only for sources days apart:\n%s", dated, f[len(f)-300:])
			}
		})
	}
}

func TestLoadPaneShowsAggregates(t *testing.T) {
	theme, _ := themes.Load("dark", "")
	st := store.New([]sources.Info{{Name: "run_stats.csv", Kind: sources.KindLocust}})
	pcts := func(p50, p95 float64) []sources.Percentile {
		return []sources.Percentile{{Q: 0.5, MS: p50}, {Q: 0.95, MS: p95}, {Q: 0.99, MS: p95 * 2}}
	}
	var aggs []sources.Aggregate
	for sec := int64(0); sec < 30; sec++ {
		aggs = append(aggs, sources.Aggregate{TimeMS: t0.UnixMilli() + sec*1000, Label: sources.AggregatedLabel, Users: 10,
			Requests: sec * 20, RequestsPerSec: 20, FailuresPerSec: 1, Percentiles: pcts(30, 90)})
	}
	aggs = append(aggs,
		sources.Aggregate{Final: true, Method: "GET", Label: "/api/balance", Users: -1, Requests: 300, Failures: 30, RequestsPerSec: 10, Percentiles: pcts(31, 91)},
		// A Locust name that already says its method is not prefixed again.
		sources.Aggregate{Final: true, Method: "GET", Label: "GET account", Users: -1, Requests: 300, RequestsPerSec: 10, Percentiles: pcts(31, 91)},
		sources.Aggregate{Final: true, Label: sources.AggregatedLabel, Users: -1, Requests: 600, Failures: 30, RequestsPerSec: 20, Percentiles: pcts(31, 91)})
	st.Apply(sources.Batch{Source: 0, Aggregates: aggs, CaughtUp: true})
	m := New(Options{Store: st, Theme: theme, Zone: time.UTC, Clock: sources.NewManualClock(t0.Add(3 * time.Hour))})
	m.Update(sizeMsg(120, 40))
	m.ingest()
	f := plain(m.Render())
	for _, want := range []string{"Locust's own aggregates", "requests 600  failures 30 (5.0%)", "GET /api/balance", "  GET account ", "users 10"} {
		if !strings.Contains(f, want) {
			t.Errorf("load pane lacks %q:\n%s", want, f)
		}
	}
	if strings.Contains(f, "GET GET") {
		t.Errorf("the method is repeated:\n%s", f)
	}
	checkFrameSize(t, m.Render(), 120, 40)
}

// TestLoadPaneNamesTheTool: a k6 summary's figures are called k6's, not
// Locust's.
func TestLoadPaneNamesTheTool(t *testing.T) {
	theme, _ := themes.Load("dark", "")
	st := store.New([]sources.Info{{Name: "summary.json", Kind: sources.KindK6}})
	st.Apply(sources.Batch{Source: 0, CaughtUp: true, Aggregates: []sources.Aggregate{
		{Final: true, Label: "login", Users: -1, Requests: 40, Failures: 2, RequestsPerSec: 4},
		{Final: true, Label: sources.AggregatedLabel, Users: -1, Requests: 40, Failures: 2, RequestsPerSec: 4}}})
	m := New(Options{Store: st, Theme: theme, Zone: time.UTC, Clock: sources.NewManualClock(t0)})
	m.Update(sizeMsg(120, 40))
	m.ingest()
	f := plain(m.Render())
	if !strings.Contains(f, "k6's own summary") || strings.Contains(f, "Locust") {
		t.Fatalf("the pane must name k6:\n%s", f)
	}
}

func TestTimeAxisLabelsFitTheSpan(t *testing.T) {
	st := NewStyles(themes.Plain())
	cases := []struct {
		from, to time.Time
		want     *regexp.Regexp
	}{
		{t0, t0.Add(5 * time.Minute), regexp.MustCompile(`\b12:3\d\b`)},
		{t0, t0.Add(30 * 24 * time.Hour), regexp.MustCompile(`\b1[12]-\d\d\b`)},
		{t0.AddDate(-9, 0, 0), t0, regexp.MustCompile(`\b20[12]\d\b`)},
	}
	for _, c := range cases {
		f := &frame{st: st, fromMS: c.from.UnixMilli(), toMS: c.to.UnixMilli(), zone: time.UTC}
		axis := plain(timeAxis(f, 100, nil))
		if !c.want.MatchString(axis) {
			t.Errorf("%v..%v: axis %q does not match %v", c.from, c.to, axis, c.want)
		}
	}
}

// TestLabelSetsSharedFilter opens a label in the load pane: the metrics pane
// keeps the series of its path's uri, the logs the entries naming the path.
func TestLabelSetsSharedFilter(t *testing.T) {
	theme, _ := themes.Load("dark", "")
	st := store.New([]sources.Info{
		{Name: "run.jtl", Kind: sources.KindJTL},
		{Name: "http://127.0.0.1:9/metrics", Kind: sources.KindScrape},
		{Name: "app.log", Kind: sources.KindLog},
	})
	var samples []sources.Sample
	for i := int64(0); i < 20; i++ {
		samples = append(samples,
			sources.Sample{StartMS: t0.UnixMilli() + i*1000, ElapsedMS: 20, Label: "GET account", Success: true, AllThreads: -1, URL: "http://127.0.0.1:8080/api/accounts/" + itoa(int(100+i))},
			sources.Sample{StartMS: t0.UnixMilli() + i*1000 + 5, ElapsedMS: 30, Label: "POST transfer", Success: true, AllThreads: -1, URL: "http://127.0.0.1:8080/api/transfer"})
	}
	st.Apply(sources.Batch{Source: 0, Samples: samples, CaughtUp: true})
	for i := int64(0); i < 20; i++ {
		hist := func(uri string, n float64) sources.MetricSample {
			return sources.MetricSample{Name: "http_server_requests_seconds", Labels: `method="GET",uri="` + uri + `"`, Type: sources.MetricHistogram,
				Value: n, Buckets: []sources.Bucket{{UpperBound: 0.1, Count: n}, {UpperBound: inf, Count: n}}}
		}
		st.Apply(sources.Batch{Source: 1, Scrapes: []sources.Scrape{{Time: t0.Add(time.Duration(i) * time.Second), Up: true,
			Samples: []sources.MetricSample{hist("/api/accounts/{id}", float64(i*10)), hist("/api/transfer", float64(i*5))}}}})
	}
	st.Apply(sources.Batch{Source: 1, CaughtUp: true})
	st.Apply(sources.Batch{Source: 2, CaughtUp: true, Entries: []sources.LogEntry{
		{Time: t0.Add(time.Second), Lines: []string{"GET /api/accounts/101 served"}, LevelCol: -1},
		{Time: t0.Add(2 * time.Second), Lines: []string{"POST /api/transfer done"}, LevelCol: -1},
	}})
	m := New(Options{Store: st, Theme: theme, Zone: time.UTC, Clock: sources.NewManualClock(t0.Add(3 * time.Hour))})
	m.Update(sizeMsg(160, 50))
	m.ingest()
	before := plain(m.Render())
	if !strings.Contains(before, "p50/p99 of 2 series") || !strings.Contains(before, "POST /api/transfer done") {
		t.Fatalf("before choosing a label:\n%s", before)
	}
	press(m, "1", "enter") // the first label, GET account
	after := plain(m.Render())
	for _, want := range []string{"path /api/accounts/{id} from the URL column", "p50/p99 of 1 series", "uri=/api/accounts/{id}", "GET /api/accounts/101 served"} {
		if !strings.Contains(after, want) {
			t.Errorf("after enter on GET account, the frame lacks %q", want)
		}
	}
	if strings.Contains(after, "POST /api/transfer done") {
		t.Error("the logs must keep only entries naming the label's path")
	}
	press(m, "esc")
	if !strings.Contains(plain(m.Render()), "POST /api/transfer done") {
		t.Fatal("esc must drop the label and its shared filter")
	}
}

// TestLoadPaneSeveralAggregateSets: two Locust sets add their counts, a
// label of both is one row, a failure count nobody wrote shows as "?", and
// aggregates beside samples are said under the table.
func TestLoadPaneSeveralAggregateSets(t *testing.T) {
	theme, _ := themes.Load("dark", "")
	final := func(label string, req, fail int64, unknown bool) sources.Aggregate {
		return sources.Aggregate{Final: true, Method: "GET", Label: label, Users: -1, Requests: req, Failures: fail,
			FailuresUnknown: unknown, RequestsPerSec: 10, Percentiles: []sources.Percentile{{Q: 0.95, MS: 90}}}
	}
	total := func(req, fail int64) sources.Aggregate {
		a := final(sources.AggregatedLabel, req, fail, false)
		a.Method = ""
		return a
	}
	st := store.New([]sources.Info{{Name: "a_stats.csv", Kind: sources.KindLocust}, {Name: "b_stats.csv", Kind: sources.KindLocust}})
	st.Apply(sources.Batch{Source: 0, CaughtUp: true, Aggregates: []sources.Aggregate{final("/api", 100, 5, false), total(100, 5)}})
	st.Apply(sources.Batch{Source: 1, CaughtUp: true, Aggregates: []sources.Aggregate{final("/api", 50, 0, false), final("/new", 7, 0, true), total(57, 0)}})
	m := New(Options{Store: st, Theme: theme, Zone: time.UTC, Clock: sources.NewManualClock(t0)})
	m.Update(sizeMsg(140, 40))
	m.ingest()
	f := plain(m.Render())
	for _, want := range []string{"aggregates of 2 sets", "requests 157  failures 5", "GET /api", "GET /new"} {
		if !strings.Contains(f, want) {
			t.Errorf("pane lacks %q:\n%s", want, f)
		}
	}
	if !strings.Contains(f, "?") || strings.Count(f, "GET /api") != 1 {
		t.Errorf("want one merged /api row and a ? for /new's failures:\n%s", f)
	}

	mixed := store.New([]sources.Info{{Name: "run.jtl", Kind: sources.KindJTL}, {Name: "a_stats.csv", Kind: sources.KindLocust}})
	mixed.Apply(sources.Batch{Source: 0, CaughtUp: true, Samples: []sources.Sample{{StartMS: t0.UnixMilli(), ElapsedMS: 5, Label: "a", Success: true, AllThreads: -1, GrpThreads: -1}}})
	mixed.Apply(sources.Batch{Source: 1, CaughtUp: true, Aggregates: []sources.Aggregate{total(100, 5)}})
	m = New(Options{Store: mixed, Theme: theme, Zone: time.UTC, Clock: sources.NewManualClock(t0.Add(time.Hour))})
	m.Update(sizeMsg(160, 40))
	m.ingest()
	if f := plain(m.Render()); !strings.Contains(f, "also Locust's own aggregates (not merged with the samples): requests 100") {
		t.Errorf("the aggregates beside samples are not said:\n%s", f)
	}
	checkFrameSize(t, m.Render(), 160, 40)
}
