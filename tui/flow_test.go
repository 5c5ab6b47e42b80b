package tui

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"
)

// These flows run the model in a real Bubble Tea program (teatest), with a
// forced colour profile, and read what it wrote to the terminal.

func startFlow(t *testing.T, now time.Time) *teatest.TestModel {
	t.Helper()
	m := fixtureModel(now, 120, 40)
	return teatest.NewTestModel(t, m,
		teatest.WithInitialTermSize(120, 40),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.ANSI256)))
}

// waitScreen waits until the terminal output, stripped of escapes, holds all
// of want.
func waitScreen(t *testing.T, tm *teatest.TestModel, want ...string) {
	t.Helper()
	var seen bytes.Buffer
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
		seen.Write(b)
		s := ansi.Strip(seen.String())
		for _, w := range want {
			if !strings.Contains(s, w) {
				return false
			}
		}
		return true
	}, teatest.WithDuration(5*time.Second), teatest.WithCheckInterval(20*time.Millisecond))
}

func finalModel(t *testing.T, tm *teatest.TestModel) *Model {
	t.Helper()
	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
	return tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*Model)
}

func TestFlowCursorUpdatesEveryPane(t *testing.T) {
	now := t0.Add(3 * time.Hour) // paused on the whole run
	tm := startFlow(t, now)
	waitScreen(t, tm, "Load test", "Metrics", "Logs", "PAUSED")
	// g puts the cursor on the data's first second. Keys are handled in
	// order, so the final model has seen it.
	tm.Type("g")
	m := finalModel(t, tm)
	if clock, word := statusOf(t, m.Render()); clock != "12:30:00" || word != "PAUSED" {
		t.Fatalf("status = %s %s, want 12:30:00 PAUSED", clock, word)
	}
	f := ansi.Strip(m.Render())
	for _, want := range []string{"at 12:30:00", "▶ 12:30:00.500"} {
		if !strings.Contains(f, want) {
			t.Errorf("after g every pane must show 12:30:00; %q missing:\n%s", want, f)
		}
	}
}

func TestFlowSelectionNarrowsStatistics(t *testing.T) {
	now := t0.Add(3 * time.Hour)
	tm := startFlow(t, now)
	waitScreen(t, tm, "samples 2,400")
	tm.Type("g") // cursor to 12:30:00
	tm.Type("v") // window start
	tm.Send(tea.KeyPressMsg{Code: tea.KeyRight, Mod: tea.ModShift})
	tm.Type("v") // window end
	m := finalModel(t, tm)
	from, to, ok := m.tl.Window()
	if !ok || to <= from {
		t.Fatalf("no window selected")
	}
	secs := (to - from) / 1000
	f := ansi.Strip(m.Render())
	// 20 requests a second in the fixture, none failed before the incident.
	want := "samples " + count(20*secs) + "  errors 0"
	if !strings.Contains(f, want) {
		t.Fatalf("the window's statistics must read %q:\n%s", want, f)
	}
}

func TestFlowHelpOpensAndCloses(t *testing.T) {
	tm := startFlow(t, t0.Add(125*time.Second))
	waitScreen(t, tm, "Load test")
	tm.Type("?")
	waitScreen(t, tm, "Everywhere")
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEscape})
	m := finalModel(t, tm)
	if m.help.shown {
		t.Fatal("esc must close help")
	}
}

func TestFlowQuit(t *testing.T) {
	tm := startFlow(t, t0.Add(125*time.Second))
	waitScreen(t, tm, "Load test")
	tm.Type("q")
	tm.WaitFinished(t, teatest.WithFinalTimeout(2*time.Second))
	m := tm.FinalModel(t).(*Model)
	if !m.quit {
		t.Fatal("q must quit")
	}
	// The program leaves the alternate screen on the way out.
	out, _ := io.ReadAll(tm.FinalOutput(t))
	if !bytes.Contains(out, []byte("\x1b[?1049l")) {
		t.Fatal("no exit from the alternate screen in the output")
	}
}

func TestFlowDrillDownAndBack(t *testing.T) {
	tm := startFlow(t, t0.Add(3*time.Hour))
	waitScreen(t, tm, "samples 2,400", "label ▲")
	tm.Type("1")
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
	waitScreen(t, tm, "request · whole run", "top errors (JMeter's keys)")
	tm.Type("j") // the next label, in the detail
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEscape})
	m := finalModel(t, tm)
	if m.label != "" {
		t.Fatal("esc must leave the detail")
	}
	if m.load.selected != 1 {
		t.Fatalf("j in the detail must have opened the second label: row %d selected", m.load.selected)
	}
	if f := plain(m.Render()); !strings.Contains(f, "label ▲") || strings.Contains(f, "▸ GET") {
		t.Fatalf("after esc the table is back:\n%s", f)
	}
}

func TestFlowBaselineToggle(t *testing.T) {
	m := baselineModel(t0.Add(3*time.Hour), 200, 50)
	tm := teatest.NewTestModel(t, m,
		teatest.WithInitialTermSize(200, 50),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.ANSI256)))
	waitScreen(t, tm, "base p95", "3 regressions")
	tm.Type("b")
	tm.Type("?") // the help, drawn after b was handled, names the key
	waitScreen(t, tm, "show or hide the --baseline run")
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEscape})
	m = finalModel(t, tm)
	if f := plain(m.Render()); strings.Contains(f, "base p95") || !strings.Contains(f, "p50") {
		t.Fatalf("b must hide the baseline columns:\n%s", f)
	}
}

// TestFlowErrorOnsetKeys: in a running program, e from the start lands on
// the fixture's first failing second (the incident at +60 s, after a clean
// minute), and E from the end comes back to it.
func TestFlowErrorOnsetKeys(t *testing.T) {
	now := t0.Add(3 * time.Hour)
	incident := t0.Add(incidentFrom * time.Second).Format("15:04:05")
	for _, keys := range []string{"ge", "GE"} {
		tm := startFlow(t, now)
		waitScreen(t, tm, "PAUSED")
		tm.Type(keys)
		m := finalModel(t, tm)
		if clock, word := statusOf(t, m.Render()); clock != incident || word != "PAUSED" {
			t.Fatalf("%s: status %s %s, want %s PAUSED", keys, clock, word, incident)
		}
	}
}
