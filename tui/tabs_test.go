package tui

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
)

// TestShortTerminalTabs checks that below tabbedBelow rows the panes show
// one at a time under a tab bar, full height, and that the number keys, tab
// and a click on a tab switch between them; from tabbedBelow rows on, the
// panes are stacked again.
func TestShortTerminalTabs(t *testing.T) {
	m := fixtureModel(t0.Add(3*time.Hour), 80, 24)
	screen := func() []string { return strings.Split(plain(m.Render()), "\n") }
	lines := screen()
	if !strings.Contains(lines[0], "[1] Load test") || !strings.Contains(lines[0], "[3] Logs") {
		t.Fatalf("no tab bar: %q", lines[0])
	}
	titles := func(ls []string) (n int, which string) {
		for _, l := range ls {
			for _, name := range []string{"[1] Load test", "[2] Metrics", "[3] Logs"} {
				if strings.HasPrefix(l, "┏━ "+name) || strings.HasPrefix(l, "╭─ "+name) {
					n++
					which = name
				}
			}
		}
		return n, which
	}
	if n, which := titles(lines); n != 1 || which != "[1] Load test" {
		t.Fatalf("%d panes shown (%s), want the load test alone:\n%s", n, which, strings.Join(lines, "\n"))
	}
	// The pane fills the rows between the tab bar and the readout.
	if !strings.HasPrefix(lines[21], "┗") {
		t.Fatalf("the pane must end above the readout: %q", lines[21])
	}
	press(m, "3")
	if _, which := titles(screen()); which != "[3] Logs" {
		t.Fatalf("3 must show the logs, shows %s", which)
	}
	press(m, "tab")
	if _, which := titles(screen()); which != "[1] Load test" {
		t.Fatalf("tab must wrap to the load test, shows %s", which)
	}
	// A click on the metrics tab.
	x := strings.Index(screen()[0], "[2]")
	m.Update(tea.MouseClickMsg{X: x, Y: 0, Button: tea.MouseLeft})
	if _, which := titles(screen()); which != "[2] Metrics" {
		t.Fatalf("a click on its tab must show the metrics, shows %s", which)
	}
	m.Update(sizeMsg(80, tabbedBelow))
	if n, _ := titles(screen()); n != 3 {
		t.Fatalf("%d panes at %d rows, want all three stacked", n, tabbedBelow)
	}
}
