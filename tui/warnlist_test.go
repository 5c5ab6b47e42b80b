package tui

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/store"
	"github.com/sobang/sobang/themes"
)

// headerlessWarning is what the JTL reader says of a file without a header.
const headerlessWarning = "no header: read as the JMeter default 17 columns (timeStamp,elapsed,label,responseCode," +
	"responseMessage,threadName,dataType,success,failureMessage,bytes,sentBytes,grpThreads,allThreads,URL,Latency," +
	"IdleTime,Connect); if that is wrong, name them with --jtl-columns or --jmeter-props"

// foldWarning is what the label cap says once labels are folded.
const foldWarning = `more than 500 distinct labels: the samples of further labels are counted under "(other labels)" ` +
	`(first of them: "GET /users/500", "GET /users/501", "GET /users/502", "GET /users/503", "GET /users/504", ...); ` +
	`merge labels that differ by ids with --label-map REGEX=NAME`

// warnWith gives the fixture's sources ten warnings of the kinds `sobang
// report` lists: bad rows beyond the described ones, a headerless JTL,
// folded labels, a cut recording and a truncated log.
func warnWith(st *store.Store) {
	var bad []sources.BadRow
	for i := range sources.MaxBadRowsKept {
		bad = append(bad, sources.BadRow{Line: 40 + i*7, Reason: `elapsed: expected an integer, found "12a"`})
	}
	st.Apply(sources.Batch{Source: 0, BadRows: 7, Bad: bad, Warnings: []string{headerlessWarning, foldWarning}})
	st.Apply(sources.Batch{Source: 2, Warnings: []string{
		"/runs/session.sobang: the recording ends abruptly after 6 batches (unexpected EOF) (a crash, or a session still recording); the batches before were replayed"}})
	st.Apply(sources.Batch{Source: 2, Reset: true})
}

// warnedModel is fixtureModel with warnWith's warnings.
func warnedModel(now time.Time, w, h int) *Model {
	m := fixtureModel(now, w, h)
	warnWith(m.store)
	m.dirty = true
	return m
}

// TestGoldenWarnings draws the status bar's count of warnings and the list
// ! opens, at the smallest and a large size.
func TestGoldenWarnings(t *testing.T) {
	now := t0.Add((runSeconds + 5) * time.Second)
	for _, size := range []struct{ w, h int }{{80, 24}, {200, 60}} {
		m := warnedModel(now, size.w, size.h)
		m.tl.SetCursor(t0.Add(70*time.Second).UnixMilli(), now.UnixMilli())
		t.Run(sizeName(size.w, size.h)+"/panes", func(t *testing.T) {
			frame := m.Render()
			checkFrameSize(t, frame, size.w, size.h)
			status := plain(frame[strings.LastIndexByte(frame, '\n')+1:])
			if !strings.Contains(status, "⚠ 10 warnings  ! list  ? help  q quit") {
				t.Fatalf("the status bar must count the warnings: %q", status)
			}
			golden.RequireEqual(t, frame)
		})
		t.Run(sizeName(size.w, size.h)+"/list", func(t *testing.T) {
			press(m, "!")
			frame := m.Render()
			press(m, "esc")
			checkFrameSize(t, frame, size.w, size.h)
			golden.RequireEqual(t, frame)
		})
	}
}

// TestWarningListShowsWhatReportLists opens the list and looks for every
// line the report would print, and for its keys.
func TestWarningListShowsWhatReportLists(t *testing.T) {
	m := warnedModel(t0.Add(3*time.Hour), 200, 70)
	press(m, "!")
	f := plain(m.Render())
	stamp := func(t time.Time) string { return t.UTC().Format("15:04:05") }
	for _, src := range m.store.Sources {
		for _, w := range src.WarningList(stamp) {
			// Wrapped at spaces and commas: compare without spaces.
			if !strings.Contains(strings.ReplaceAll(words(f), " ", ""), strings.Join(strings.Fields(w), "")) {
				t.Errorf("the list lacks %q", w)
			}
		}
	}
	for _, want := range []string{"Warnings (10)", "/runs/results.jtl", "/runs/bank-service.log", "2 more bad rows not described"} {
		if !strings.Contains(f, want) {
			t.Errorf("the list lacks %q:\n%s", want, f)
		}
	}
	if strings.Contains(f, "http://127.0.0.1:9/metrics") {
		t.Errorf("a source without warnings is not listed:\n%s", f)
	}
	press(m, "esc")
	for _, k := range []string{"!", "esc", "q"} {
		press(m, "!")
		press(m, k)
		if f := plain(m.Render()); strings.Contains(f, "Warnings (") || !strings.Contains(f, "Load test") {
			t.Fatalf("%s must close the list:\n%s", k, f)
		}
	}
}

// TestWarningListScrolls checks that a list longer than the screen scrolls,
// says how much is below, and stops at its end.
func TestWarningListScrolls(t *testing.T) {
	m := warnedModel(t0.Add(3*time.Hour), 80, 24)
	press(m, "!")
	top := plain(m.Render())
	if !strings.Contains(top, "↓ ") || !strings.Contains(top, " more lines") {
		t.Fatalf("a cut list must say that more is below:\n%s", top)
	}
	press(m, "j")
	if next := plain(m.Render()); next == top || strings.Split(next, "\n")[1] != strings.Split(top, "\n")[2] {
		t.Fatalf("j must scroll one line:\n%s", next)
	}
	for range 10 {
		press(m, "j")
	}
	end := plain(m.Render())
	if strings.Contains(end, " more lines") || !strings.Contains(end, "reading it again from its start") {
		t.Fatalf("at its end the list shows its last line:\n%s", end)
	}
	press(m, "g")
	if plain(m.Render()) != top {
		t.Fatal("g must go back to the top")
	}
	m.Update(tea.MouseWheelMsg{Button: tea.MouseWheelDown})
	if plain(m.Render()) == top {
		t.Fatal("the wheel must scroll the list")
	}
}

// TestWarningStatusBar checks the count's wording, and that without
// warnings the status bar says nothing of them and ! says there are none.
func TestWarningStatusBar(t *testing.T) {
	theme, _ := themes.Load("dark", "")
	st := store.New([]sources.Info{{Name: "run.jtl", Kind: sources.KindJTL}})
	st.Apply(sources.Batch{Source: 0, CaughtUp: true, Samples: []sources.Sample{{StartMS: t0.UnixMilli(), ElapsedMS: 5, Label: "a", Success: true, AllThreads: -1}}})
	m := New(Options{Store: st, Theme: theme, Zone: time.UTC, Clock: sources.NewManualClock(t0.Add(time.Hour))})
	m.Update(sizeMsg(80, 24))
	m.ingest()
	status := func() string {
		f := plain(m.Render())
		return f[strings.LastIndexByte(f, '\n')+1:]
	}
	if s := status(); strings.Contains(s, "warning") || strings.Contains(s, "!") {
		t.Fatalf("no warnings, no count: %q", s)
	}
	press(m, "!")
	if f := plain(m.Render()); !strings.Contains(f, "no source reported a warning") {
		t.Fatalf("! without warnings must say there are none:\n%s", f)
	}
	press(m, "esc")
	st.Apply(sources.Batch{Source: 0, Warnings: []string{headerlessWarning}})
	m.dirty = true
	if s := status(); !strings.Contains(s, "⚠ 1 warning  ! list  ? help  q quit") {
		t.Fatalf("one warning: %q", s)
	}
	// A long left side is cut before the count.
	m.clockWarn = statusWarning{what: strings.Repeat("clocks do not overlap ", 5), advice: "try --tz or --offset"}
	s := status()
	if !strings.Contains(s, "⚠ 2 warnings  ! list  ? help  q quit") {
		t.Fatalf("the count must stay beside the keys: %q", s)
	}
	m.Update(sizeMsg(140, 24))
	s = status()
	if !strings.Contains(s, "⚠ 2 warnings  ! list  ? help  q quit") {
		t.Fatalf("the count must stay beside the keys: %q", s)
	}
	// The warning is cut before its advice, pointing at the list.
	if !strings.Contains(s, "… (!): try --tz or --offset") {
		t.Fatalf("a long warning must keep its advice and point at !: %q", s)
	}
}

// TestWarningListSanitisesNames draws a source whose name holds escape
// sequences: the list shows it without letting them reach the terminal.
func TestWarningListSanitisesNames(t *testing.T) {
	theme, _ := themes.Load("dark", "")
	name := "/runs/\x1b]2;PWNED\x07evil\x1b[2J\u202e.jtl"
	st := store.New([]sources.Info{{Name: name, Kind: sources.KindJTL}})
	st.Apply(sources.Batch{Source: 0, CaughtUp: true, BadRows: 1, Bad: []sources.BadRow{{Line: 3, Reason: "label: \x1b]52;c;aGk=\x07"}}})
	m := New(Options{Store: st, Theme: theme, Zone: time.UTC, Clock: sources.NewManualClock(t0)})
	m.Update(sizeMsg(120, 30))
	press(m, "!")
	f := m.Render()
	for _, bad := range []string{"\x1b]", "\x07", "\x1b[2J", "\u202e"} {
		if strings.Contains(f, bad) {
			t.Errorf("the list writes %q to the terminal", bad)
		}
	}
	if p := plain(f); !strings.Contains(p, "/runs/evil⟨RLO⟩.jtl") {
		t.Errorf("the sanitised name is missing:\n%s", p)
	}
}

// TestHelpNamesWarningsKey checks that help lists the key.
func TestHelpNamesWarningsKey(t *testing.T) {
	m := fixtureModel(t0.Add(3*time.Hour), 200, 60)
	press(m, "?")
	if f := plain(m.Render()); !strings.Contains(f, "list the sources' warnings") {
		t.Fatalf("help must name !:\n%s", f)
	}
}

func TestFlowWarningsOpenAndClose(t *testing.T) {
	m := warnedModel(t0.Add(3*time.Hour), 120, 40)
	tm := teatest.NewTestModel(t, m,
		teatest.WithInitialTermSize(120, 40),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.ANSI256)))
	waitScreen(t, tm, "Load test", "⚠ 10 warnings  ! list")
	tm.Type("!")
	waitScreen(t, tm, "Warnings (10)", "no header: read as the JMeter default 17 columns")
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEscape})
	m = finalModel(t, tm)
	if f := plain(m.Render()); strings.Contains(f, "Warnings (10)") || !strings.Contains(f, "label ▲") {
		t.Fatalf("esc must close the list and show the panes again:\n%s", f)
	}
}

// TestSearchNamesFoldedLabels checks what a / filter of the load-test pane
// says when no label matches and labels were folded past the cap.
func TestSearchNamesFoldedLabels(t *testing.T) {
	const folded = "; labels past the first 500 were folded into (other labels) (40 samples)"
	tests := []struct {
		name   string
		fold   bool
		filter string
		want   string // "" when the pane says nothing under the table
	}{
		{"no match, folded", true, "users/777", "no label matches “users/777”" + folded},
		{"only the folded row matches", true, "other", "no label of its own matches “other”" + folded},
		{"a label of its own matches", true, "GET a", ""},
		{"no match, nothing folded", false, "users/777", "no label matches “users/777”"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			theme, _ := themes.Load("dark", "")
			st := store.New([]sources.Info{{Name: "run.jtl", Kind: sources.KindJTL}})
			var samples []sources.Sample
			for i := range 80 {
				label := "GET a"
				if tt.fold && i%2 == 1 {
					label = "(other labels)"
				}
				samples = append(samples, sources.Sample{StartMS: t0.UnixMilli() + int64(i)*250, ElapsedMS: 5, Label: label, Success: true, AllThreads: -1})
			}
			st.Apply(sources.Batch{Source: 0, CaughtUp: true, Samples: samples, Rows: len(samples)})
			m := New(Options{Store: st, Theme: theme, Zone: time.UTC, Clock: sources.NewManualClock(t0.Add(time.Hour))})
			m.Update(sizeMsg(200, 40))
			m.ingest()
			press(m, append(append([]string{"/"}, strings.Split(tt.filter, "")...), "enter")...)
			f := words(m.Render())
			switch {
			case tt.want == "" && (strings.Contains(f, "matches") || strings.Contains(f, "folded")):
				t.Fatalf("a matching label needs no note:\n%s", f)
			case tt.want != "" && !strings.Contains(f, tt.want):
				t.Fatalf("the pane must say %q:\n%s", tt.want, f)
			case !tt.fold && strings.Contains(f, "folded"):
				t.Fatalf("nothing was folded:\n%s", f)
			}
		})
	}
}

// TestSearchFoldedNoteFits checks that the note wraps in a narrow pane
// rather than losing its end.
func TestSearchFoldedNoteFits(t *testing.T) {
	theme, _ := themes.Load("dark", "")
	st := store.New([]sources.Info{{Name: "run.jtl", Kind: sources.KindJTL}})
	var samples []sources.Sample
	for i := range 40 {
		samples = append(samples, sources.Sample{StartMS: t0.UnixMilli() + int64(i)*250, ElapsedMS: 5, Label: "(other labels)", Success: true, AllThreads: -1})
	}
	st.Apply(sources.Batch{Source: 0, CaughtUp: true, Samples: samples, Rows: len(samples)})
	m := New(Options{Store: st, Theme: theme, Zone: time.UTC, Clock: sources.NewManualClock(t0.Add(time.Hour))})
	m.Update(sizeMsg(80, 24))
	m.ingest()
	press(m, "/", "x", "enter")
	frame := m.Render()
	checkFrameSize(t, frame, 80, 24)
	want := "no label matches “x”; labels past the first 500 were folded into (other labels) (40 samples)"
	if !strings.Contains(words(frame), want) {
		t.Fatalf("the note must be whole at 80 columns:\n%s", plain(frame))
	}
}

func TestWrapWords(t *testing.T) {
	tests := []struct {
		text  string
		width int
		want  []string
	}{
		{"short", 10, []string{"short"}},
		{"two words", 4, []string{"two", "word", "s"}},
		{"name them with --jtl-columns or --jmeter-props", 20, []string{"name them with", "--jtl-columns or", "--jmeter-props"}},
		{"(a,bb,ccc,dddd,eeeee)", 10, []string{"(a,bb,ccc,", "dddd,", "eeeee)"}},
		{"abcdefghijkl", 5, []string{"abcde", "fghij", "kl"}},
		{"", 5, []string{""}},
	}
	for _, tt := range tests {
		got := wrapWords(tt.text, tt.width)
		if strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("wrapWords(%q, %d) = %q, want %q", tt.text, tt.width, got, tt.want)
		}
	}
}

// words returns a frame's text without borders, its words joined by one
// space, so that a test can find a sentence however it was wrapped.
func words(frame string) string {
	return strings.Join(strings.Fields(strings.NewReplacer("│", " ", "┃", " ").Replace(plain(frame))), " ")
}
