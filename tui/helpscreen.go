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
	scroller
	close key.Binding
	model help.Model
	shown bool
}

func newHelpScreen(k KeyMap) helpScreen {
	return helpScreen{
		scroller: newScroller(k),
		close:    anyOf("? or esc", "closes this help", k.Help, k.Clear, k.Quit),
		model:    help.New(),
	}
}

// open shows the help from its top.
func (h *helpScreen) open() { h.shown, h.offset = true, 0 }

// handleKey scrolls or closes the help and ignores the other keys.
func (h *helpScreen) handleKey(msg tea.KeyPressMsg) {
	if key.Matches(msg, h.close) {
		h.shown = false
		return
	}
	h.scroller.handleKey(msg)
}

// render draws the help for pane p in exactly w x height cells.
func (h *helpScreen) render(st *Styles, p pane, k KeyMap, w, height int) string {
	h.model.ShowAll = true
	h.model.Styles = help.DefaultStyles(!st.Theme.NoColor && st.Theme.Name != "light")
	var b strings.Builder
	b.WriteString("Keys of the " + p.title() + " pane\n\n")
	b.WriteString(h.column(p.keys(), w-2))
	b.WriteString("\n\nEverywhere\n\n")
	g := k.Global()
	half := (len(g) + 1) / 2
	b.WriteString(h.model.FullHelpView([][]key.Binding{g[:half], g[half:]}))
	b.WriteString("\n\n")
	mouse := "Mouse: the wheel scrolls, a click focuses a pane, a click on a chart moves the cursor, " +
		"a drag on a chart selects a window (--no-mouse leaves the mouse to the terminal)."
	b.WriteString(strings.Join(wrapWords(mouse, max(w-2, 20)), "\n") + "\n\n")
	b.WriteString(hints("", h.close) + ".")
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
	// Too tall for the terminal: scroll, and say how to in the border.
	lines = h.view(lines, rows, st)
	return box(st, "Help", hints(" · ", h.keys.Scroll, h.close), st.Muted, lines, w, height, true)
}

// column lays out one column of bindings in width cells, each description
// wrapped under itself rather than cut, so that help reads whole at 80
// columns.
func (h *helpScreen) column(bs []key.Binding, width int) string {
	keyW := 0
	for _, b := range bs {
		if b.Enabled() {
			keyW = max(keyW, ansi.StringWidth(b.Help().Key))
		}
	}
	st := h.model.Styles
	var lines []string
	for _, b := range bs {
		if !b.Enabled() {
			continue
		}
		k := b.Help().Key
		pad := strings.Repeat(" ", keyW-ansi.StringWidth(k)+1)
		for i, part := range wrapWords(b.Help().Desc, max(width-keyW-1, 20)) {
			if i == 0 {
				lines = append(lines, st.FullKey.Render(k)+pad+st.FullDesc.Render(part))
			} else {
				lines = append(lines, strings.Repeat(" ", keyW+1)+st.FullDesc.Render(part))
			}
		}
	}
	return strings.Join(lines, "\n")
}
