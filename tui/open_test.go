package tui

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/store"
	"github.com/sobang/sobang/themes"
)

// jtlRun returns samples of a run of n seconds from start, five a second.
func jtlRun(start time.Time, n int) []sources.Sample {
	var out []sources.Sample
	for sec := range n {
		for i := range 5 {
			out = append(out, sources.Sample{StartMS: start.Add(time.Duration(sec)*time.Second + time.Duration(i)*200*time.Millisecond).UnixMilli(),
				ElapsedMS: 20, Label: "GET a", Code: "200", Success: true, AllThreads: -1, GrpThreads: -1, LatencyMS: -1, ConnectMS: -1})
		}
	}
	return out
}

// fileStore is a store of one results file that was read to its end and is
// followed, on clock.
func fileStore(clock sources.Clock, samples []sources.Sample) *store.Store {
	st := store.New([]sources.Info{{Name: "/runs/results.jtl", Kind: sources.KindJTL}})
	st.SetClock(clock)
	st.Apply(sources.Batch{Source: 0, Samples: samples, Rows: len(samples), Progress: sources.Progress{Read: 1000, Size: 1000}})
	h := sources.Health{State: sources.StateFollowing, Detail: "following /runs/results.jtl", Since: clock.Now()}
	st.Apply(sources.Batch{Source: 0, CaughtUp: true, Health: &h})
	return st
}

// clockModel is storeModel on clock, which the test moves.
func clockModel(st *store.Store, clock *sources.ManualClock, w, h int) *Model {
	m := storeModel(st, clock.Now(), w, h)
	m.opt.Clock = clock
	m.ingest()
	return m
}

// TestFilesOpenPausedThenLiveWhenOneGrows: a results file younger than the
// range that nobody writes opens paused on its last second; when it grows
// later the session goes live and the status line says growing.
func TestFilesOpenPausedThenLiveWhenOneGrows(t *testing.T) {
	start := t0.Truncate(time.Second)
	clock := sources.NewManualClock(start.Add(3*time.Minute + 10*time.Second)) // 10 s after the run's end
	st := fileStore(clock, jtlRun(start, 180))
	m := clockModel(st, clock, 120, 40)
	screen := m.Render()
	if c, mode := statusOf(t, screen); mode != "PAUSED" || c != "12:32:59" {
		t.Fatalf("a file nobody writes must open PAUSED on its last second, got %s %s", c, mode)
	}
	if strings.Contains(plain(screen), "growing") {
		t.Fatal("nothing grew yet")
	}
	// Whole run in view: the axis starts at the run's start.
	if !strings.Contains(plain(screen), "12:30:00") {
		t.Fatalf("the axis must fit the 3-minute run:\n%s", plain(screen))
	}
	// A record the parser held back until the file went idle is no growth.
	clock.Advance(time.Second)
	held := jtlRun(start.Add(179*time.Second), 1)[4:]
	st.Apply(sources.Batch{Source: 0, Samples: held, Rows: len(held)})
	m.ingest()
	if _, mode := statusOf(t, m.Render()); mode != "PAUSED" {
		t.Fatal("a held-back record must not take the session live")
	}
	clock.Advance(5 * time.Second)
	more := jtlRun(start.Add(190*time.Second), 2)
	st.Apply(sources.Batch{Source: 0, Samples: more, Rows: len(more), Progress: sources.Progress{Read: 1200, Size: 1200}})
	m.ingest()
	screen = plain(m.Render())
	if _, mode := statusOf(t, screen); mode != "LIVE" || !strings.Contains(lastLine(screen), "growing") {
		t.Fatalf("a file that grows must take the session LIVE with growing in the status line:\n%s", lastLine(screen))
	}
	// A while after the file stopped growing, growing goes; live stays.
	clock.Advance(growingFor + time.Second)
	m.ingest()
	screen = plain(m.Render())
	if _, mode := statusOf(t, screen); mode != "LIVE" || strings.Contains(lastLine(screen), "growing") {
		t.Fatalf("after the growth stops: %s", lastLine(screen))
	}
}

// TestGrowthAfterTheUserMovedStaysPaused: a file that grows while the user
// looks at a second of their choosing says growing but does not move them.
func TestGrowthAfterTheUserMovedStaysPaused(t *testing.T) {
	start := t0.Truncate(time.Second)
	clock := sources.NewManualClock(start.Add(time.Hour))
	st := fileStore(clock, jtlRun(start, 60))
	m := clockModel(st, clock, 120, 40)
	press(m, "left")
	before, _ := statusOf(t, m.Render())
	clock.Advance(time.Second)
	more := jtlRun(start.Add(61*time.Second), 1)
	st.Apply(sources.Batch{Source: 0, Samples: more, Rows: len(more), Progress: sources.Progress{Read: 1100, Size: 1100}})
	m.ingest()
	screen := plain(m.Render())
	if c, mode := statusOf(t, screen); mode != "PAUSED" || c != before || !strings.Contains(lastLine(screen), "growing") {
		t.Fatalf("status %q, want PAUSED at %s with growing", lastLine(screen), before)
	}
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return lines[len(lines)-1]
}

// TestLoadingShowsProgressAndFitsTheDataRead: a file being read shows how
// far in its pane, the axis fits the data read so far (not a live range at
// now, days later), and the decision waits for the file's end.
func TestLoadingShowsProgressAndFitsTheDataRead(t *testing.T) {
	start := t0.Truncate(time.Second)
	clock := sources.NewManualClock(start.Add(72 * time.Hour))
	st := store.New([]sources.Info{{Name: "/runs/big.jtl", Kind: sources.KindJTL}})
	st.SetClock(clock)
	reading := sources.Health{State: sources.StateReading, Detail: "reading /runs/big.jtl", Since: clock.Now().Add(-2 * time.Second)}
	read := jtlRun(start, 90)
	st.Apply(sources.Batch{Source: 0, Samples: read, Rows: len(read), Health: &reading,
		Progress: sources.Progress{Read: 400_000_000, Size: 1_000_000_000}})
	m := clockModel(st, clock, 120, 40)
	screen := plain(m.Render())
	for _, want := range []string{"reading big.jtl", "400 MB of 1.0 GB", "200 MB/s", "3s left", "▕█"} {
		if !strings.Contains(screen, want) {
			t.Fatalf("the load pane lacks %q while reading:\n%s", want, screen)
		}
	}
	if c, mode := statusOf(t, m.Render()); mode != "PAUSED" || c != "12:31:29" {
		t.Fatalf("while reading the cursor must sit on the data read so far, got %s %s", c, mode)
	}
	if !strings.Contains(screen, "12:30:00") || !strings.Contains(lastLine(screen), "whole run") {
		t.Fatalf("the axis must fit the data read so far:\n%s", screen)
	}
	// The end of the file: the bar goes, the file opens paused at its end.
	rest := jtlRun(start.Add(90*time.Second), 30)
	following := sources.Health{State: sources.StateFollowing, Detail: "following /runs/big.jtl", Since: clock.Now()}
	st.Apply(sources.Batch{Source: 0, Samples: rest, Rows: len(rest), CaughtUp: true, Health: &following})
	m.ingest()
	screen = plain(m.Render())
	if strings.Contains(screen, "reading big.jtl") {
		t.Fatal("the progress bar must go once the file is read")
	}
	if c, mode := statusOf(t, m.Render()); mode != "PAUSED" || c != "12:31:59" {
		t.Fatalf("after reading: %s %s, want PAUSED on the last second", c, mode)
	}
}

// TestSourcesYearsApartFitTheLoadTest: a log from 2016 beside a 2021
// results file: the axis fits the results, the logs pane says where its
// data is and that o fits the axis to it; o there does, and the load pane
// then says where its own data is.
func TestSourcesYearsApartFitTheLoadTest(t *testing.T) {
	jtlStart := time.Date(2021, 3, 4, 10, 0, 0, 0, time.UTC)
	logStart := time.Date(2016, 5, 6, 8, 0, 0, 0, time.UTC)
	clock := sources.NewManualClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	st := store.New([]sources.Info{{Name: "/runs/results.jtl", Kind: sources.KindJTL}, {Name: "/logs/app.log", Kind: sources.KindLog}})
	st.SetClock(clock)
	samples := jtlRun(jtlStart, 120)
	st.Apply(sources.Batch{Source: 0, Samples: samples, Rows: len(samples)})
	var entries []sources.LogEntry
	for i := range 60 {
		when := logStart.Add(time.Duration(i) * time.Minute)
		line := when.Format("2006-01-02 15:04:05") + " INFO old service line"
		entries = append(entries, sources.LogEntry{Time: when, Level: sources.LevelInfo, LevelText: "INFO", LevelCol: 20, LineNo: i + 1, Lines: []string{line}})
	}
	st.Apply(sources.Batch{Source: 1, Entries: entries, Rows: len(entries)})
	for i := range st.Sources {
		h := sources.Health{State: sources.StateFollowing, Detail: "following", Since: clock.Now()}
		st.Apply(sources.Batch{Source: i, CaughtUp: true, Health: &h})
	}
	for _, size := range []struct{ w, h int }{{80, 24}, {120, 40}, {200, 60}} {
		t.Run(sizeName(size.w, size.h), func(t *testing.T) {
			m := clockModel(st, clock, size.w, size.h)
			checkFrameSize(t, m.Render(), size.w, size.h)
			golden.RequireEqual(t, m.Render())
			if c, mode := statusOf(t, m.Render()); mode != "PAUSED" || c != "10:01:59" {
				t.Fatalf("the axis must fit the results file: %s %s", c, mode)
			}
			press(m, "3") // below 32 rows the logs pane shows only when focused
			screen := plain(m.Render())
			logs := paneLines(screen, "Logs")
			if !strings.Contains(logs, "2016-05-06 08:00:00–08:59:00") || !strings.Contains(logs, "o fits the axis") {
				t.Fatalf("the logs pane must say where its data is and that o fits the axis:\n%s", screen)
			}
			press(m, "o", "1")
			screen = plain(m.Render())
			if c, mode := statusOf(t, m.Render()); mode != "PAUSED" || c != "08:59:00" {
				t.Fatalf("o on the logs must fit the axis to them: %s %s", c, mode)
			}
			if load := paneLines(screen, "Load test"); !strings.Contains(load, "2021-03-04 10:00:00–10:01:59") {
				t.Fatalf("after o the load pane must say where its data is:\n%s", screen)
			}
			press(m, "o")
			if c, _ := statusOf(t, m.Render()); c != "10:01:59" {
				t.Fatalf("o on the load test must fit the axis back to it: %s", c)
			}
		})
	}
}

// paneLines returns the lines of the screen from the border titled title
// to the next pane's top border.
func paneLines(screen, title string) string {
	var out []string
	in := false
	for _, l := range strings.Split(screen, "\n") {
		if strings.HasPrefix(l, "╭") || strings.HasPrefix(l, "┏") {
			in = strings.Contains(l, "] "+title)
		}
		if in {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// TestEndKey: G puts the cursor on the data's last second in a session of
// past files, and goes back to live in a live one.
func TestEndKey(t *testing.T) {
	start := t0.Truncate(time.Second)
	clock := sources.NewManualClock(start.Add(time.Hour))
	m := clockModel(fileStore(clock, jtlRun(start, 60)), clock, 120, 40)
	press(m, "g")
	if c, _ := statusOf(t, m.Render()); c != "12:30:00" {
		t.Fatalf("g: %s", c)
	}
	press(m, "G")
	if c, mode := statusOf(t, m.Render()); c != "12:30:59" || mode != "PAUSED" {
		t.Fatalf("G on past files: %s %s, want 12:30:59 PAUSED", c, mode)
	}
	live := fixtureModel(t0.Add(125*time.Second), 120, 40)
	press(live, "g")
	if _, mode := statusOf(t, live.Render()); mode != "PAUSED" {
		t.Fatal("g must pause")
	}
	press(live, "G")
	if _, mode := statusOf(t, live.Render()); mode != "LIVE" {
		t.Fatalf("G in a live session must go back to live, got %s", mode)
	}
}

// TestSinceKeepsTheSessionLive: --since asks for a live session; files
// whose data lies inside it do not turn it into a paused one.
func TestSinceKeepsTheSessionLive(t *testing.T) {
	start := t0.Truncate(time.Second)
	clock := sources.NewManualClock(start.Add(3*time.Minute + 10*time.Second))
	theme, err := themes.Load("dark", "")
	if err != nil {
		t.Fatal(err)
	}
	m := New(Options{Store: fileStore(clock, jtlRun(start, 180)), Theme: theme, Zone: time.UTC, Clock: clock, Since: 10 * time.Minute})
	m.Update(sizeMsg(120, 40))
	m.ingest()
	if _, mode := statusOf(t, m.Render()); mode != "LIVE" {
		t.Fatalf("--since must keep the session live, got %s", mode)
	}
}

// TestFileThatAppearedOpensLive: a file sobang waited for (--jtl, --wait)
// appeared during the session, so a test is writing it: live.
func TestFileThatAppearedOpensLive(t *testing.T) {
	start := t0.Truncate(time.Second)
	clock := sources.NewManualClock(start.Add(5 * time.Second))
	st := store.New([]sources.Info{{Name: "/runs/results.jtl", Kind: sources.KindJTL, Wait: true}})
	st.SetClock(clock)
	waiting := sources.Health{State: sources.StateWaiting, Detail: "waiting for /runs/results.jtl", Since: start}
	st.Apply(sources.Batch{Source: 0, Health: &waiting})
	m := clockModel(st, clock, 120, 40)
	samples := jtlRun(start, 3)
	following := sources.Health{State: sources.StateFollowing, Detail: "following /runs/results.jtl", Since: clock.Now()}
	st.Apply(sources.Batch{Source: 0, Samples: samples, Rows: len(samples), CaughtUp: true, Health: &following,
		Progress: sources.Progress{Read: 300, Size: 300}})
	m.ingest()
	if _, mode := statusOf(t, m.Render()); mode != "LIVE" {
		t.Fatalf("a file that appeared during the session must open LIVE, got %s", mode)
	}
}
