package tui

import (
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// helpScreen is the full-screen help: the focused pane's keys, then the
// keys that work everywhere, each list built from its bindings. While shown
// it has the keyboard; where the terminal is too short for it (80x24), it
// scrolls.
type helpScreen struct {
	keys   helpKeys
	model  help.Model
	shown  bool
	offset int // first line shown
}

// helpKeys are the help screen's keys; the top border's hint is built from
// Scroll and Close.
type helpKeys struct {
	Close                      key.Binding
	Scroll                     key.Binding // Up and Down, for the hint
	Up, Down, PageUp, PageDown key.Binding
	Top                        key.Binding
}

func newHelpScreen(k KeyMap) helpScreen {
	return helpScreen{
		keys: helpKeys{
			Close:  anyOf("? or esc", "closes this help", k.Help, k.Clear, k.Quit),
			Scroll: anyOf("↑/↓", "scroll", k.Up, k.Down),
			Up:     k.Up, Down: k.Down, PageUp: k.PageUp, PageDown: k.PageDown, Top: k.Home,
		},
		model: help.New(),
	}
}

// open shows the help from its top.
func (h *helpScreen) open() { h.shown, h.offset = true, 0 }

// handleKey scrolls or closes the help and ignores the other keys.
func (h *helpScreen) handleKey(msg tea.KeyPressMsg) {
	switch {
	case key.Matches(msg, h.keys.Close):
		h.shown = false
	case key.Matches(msg, h.keys.Up):
		h.scroll(-1)
	case key.Matches(msg, h.keys.Down):
		h.scroll(1)
	case key.Matches(msg, h.keys.PageUp):
		h.scroll(-10)
	case key.Matches(msg, h.keys.PageDown):
		h.scroll(10)
	case key.Matches(msg, h.keys.Top):
		h.offset = 0
	}
}

// scroll moves the help by n lines; render keeps it within the text.
func (h *helpScreen) scroll(n int) { h.offset = max(h.offset+n, 0) }

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
	// A column of descriptions is padded to its longest: where only that
	// padding is wider than the box, cut it instead of letting the box mark
	// every line of the column as cut.
	for i, l := range lines {
		if ansi.StringWidth(l) > w-2 && ansi.StringWidth(strings.TrimRight(ansi.Strip(l), " ")) <= w-2 {
			lines[i] = ansi.Truncate(l, w-2, "")
		}
	}
	rows := height - 2
	if len(lines) <= rows {
		h.offset = 0
		return box(st, "Help", "", st.Muted, lines, w, height, true)
	}
	// Too tall for the terminal: scroll, and say on the last row how much is
	// below, so that the help does not look complete where it is cut.
	h.offset = min(h.offset, len(lines)-rows)
	lines = lines[h.offset:]
	if len(lines) > rows && rows > 1 {
		lines = append(lines[:rows-1:rows-1], wrap(st.Muted, "↓ "+itoa(len(lines)-rows+1)+" more lines"))
	}
	return box(st, "Help", hints(" · ", h.keys.Scroll, h.keys.Close), st.Muted, lines, w, height, true)
}
