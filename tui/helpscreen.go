package tui

import (
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// helpScreen is the full-screen help: the focused pane's keys, then the
// keys that work everywhere, each list built from its bindings. While shown
// it has the keyboard.
type helpScreen struct {
	keys  helpKeys
	model help.Model
	shown bool
}

// helpKeys are the help screen's keys.
type helpKeys struct {
	Close key.Binding
}

func newHelpScreen(k KeyMap) helpScreen {
	return helpScreen{
		keys:  helpKeys{Close: anyOf("? or esc", "closes this help", k.Help, k.Clear, k.Quit)},
		model: help.New(),
	}
}

// handleKey closes the help on its close keys and ignores the others.
func (h *helpScreen) handleKey(msg tea.KeyPressMsg) {
	if key.Matches(msg, h.keys.Close) {
		h.shown = false
	}
}

// render draws the help for pane p in exactly w x height cells.
func (h *helpScreen) render(st *Styles, p pane, k KeyMap, w, height int) string {
	h.model.ShowAll = true
	h.model.Styles = help.DefaultStyles(!st.Theme.NoColor && st.Theme.Name != "light")
	var b strings.Builder
	b.WriteString("Keys of the " + p.title() + " pane\n\n")
	b.WriteString(h.model.FullHelpView([][]key.Binding{p.keys()}))
	b.WriteString("\n\nEverywhere\n\n")
	g := k.Global()
	half := (len(g) + 1) / 2
	b.WriteString(h.model.FullHelpView([][]key.Binding{g[:half], g[half:]}))
	b.WriteString("\n\nMouse: the wheel scrolls, a click focuses a pane, a click on a chart moves the cursor,\na drag on a chart selects a window (--no-mouse leaves the mouse to the terminal).\n\n")
	b.WriteString(hints("", h.keys.Close) + ".")
	lines := strings.Split(b.String(), "\n")
	return box(st, "Help", "", st.Muted, lines, w, height, true)
}
