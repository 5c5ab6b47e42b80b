package themes

import (
	"testing"

	"github.com/charmbracelet/x/ansi"
)

// TestANSI16 checks every built-in theme in 16 colours: muted text stays
// readable (never ANSI blue on a dark background), WARN and ERROR differ,
// and no chart colour is the error colour.
func TestANSI16(t *testing.T) {
	for _, name := range Builtins() {
		th, err := Load(name, "")
		if err != nil {
			t.Fatal(err)
		}
		a := th.ANSI16()
		dark := th.isDark()
		for role, c := range map[string]any{"muted": a.Muted, "error": a.LevelError, "warn": a.LevelWarn} {
			b, ok := c.(ansi.BasicColor)
			if !ok {
				t.Errorf("%s: %s is %T, want an ANSI colour", name, role, c)
				continue
			}
			if !readable(b, dark) {
				t.Errorf("%s: %s is ANSI %d, unreadable on the theme's background", name, role, b)
			}
		}
		for role, c := range map[string]any{"border": a.Border, "title": a.Title, "focused title": a.TitleFocused,
			"info": a.LevelInfo, "cursor": a.Cursor, "mark": a.Mark, "live": a.StatusLive, "paused": a.StatusPaused,
			"load ended": a.StatusLoadEnded, "status warn": a.StatusWarn} {
			if b, ok := c.(ansi.BasicColor); ok && (!readable(b, dark) || isRed(b)) {
				t.Errorf("%s: %s is ANSI %d: unreadable, or red which means errors", name, role, b)
			}
		}
		if a.StatusBarFg != nil && a.StatusBarFg == a.StatusBarBg {
			t.Errorf("%s: the status bar's text is its background", name)
		}
		if dark && a.Muted == ansi.Blue {
			t.Errorf("%s: muted text is ANSI blue", name)
		}
		if a.LevelWarn == a.LevelError {
			t.Errorf("%s: WARN and ERROR are both ANSI %v", name, a.LevelError)
		}
		if len(a.Series) < MinSeries {
			t.Errorf("%s: %d chart colours, want at least %d", name, len(a.Series), MinSeries)
		}
		seen := map[any]bool{}
		for i, c := range a.Series {
			if c == a.LevelError || c == ansi.Red || c == ansi.BrightRed {
				t.Errorf("%s: chart colour %d is the error colour", name, i)
			}
			if seen[c] {
				t.Errorf("%s: chart colour %d repeats %v", name, i, c)
			}
			seen[c] = true
		}
	}
	if p := Plain().ANSI16(); !p.NoColor || p.Muted != nil {
		t.Errorf("Plain().ANSI16() must stay plain")
	}
}

// TestNearestColoursFail shows why ANSI16 chooses by role: the nearest
// ANSI colour of the dark theme's muted grey-blue is blue, and its WARN
// and ERROR both become red.
func TestNearestColoursFail(t *testing.T) {
	th, err := Load("dark", "")
	if err != nil {
		t.Fatal(err)
	}
	if got := ansi.Convert16(th.Muted); got != ansi.Blue {
		t.Skipf("the dark theme's muted colour now downsamples to %v", got)
	}
}
