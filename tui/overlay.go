package tui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// overlay shows a text over the panes (a whole log entry, a chart's series
// at the cursor) until closed; while shown it has the keyboard.
type overlay struct {
	keys   overlayKeys
	text   string // "" when closed
	offset int    // first line shown
}

// overlayKeys are the overlay's keys; its footer is built from Scroll and
// Close.
type overlayKeys struct {
	Close                      key.Binding
	Scroll                     key.Binding // Up and Down, for the footer
	Up, Down, PageUp, PageDown key.Binding
}

func newOverlay(k KeyMap) overlay {
	return overlay{keys: overlayKeys{
		Close:  anyOf(k.Clear.Help().Key, "closes", k.Clear, k.Open, k.Quit),
		Scroll: anyOf("↑/↓", "scroll", k.Up, k.Down),
		Up:     k.Up, Down: k.Down, PageUp: k.PageUp, PageDown: k.PageDown,
	}}
}

// shown reports whether the overlay is open.
func (o *overlay) shown() bool { return o.text != "" }

// show opens the overlay on text, at its top.
func (o *overlay) show(text string) { o.text, o.offset = text, 0 }

// handleKey scrolls or closes the overlay.
func (o *overlay) handleKey(msg tea.KeyPressMsg) {
	switch {
	case key.Matches(msg, o.keys.Close):
		o.show("")
	case key.Matches(msg, o.keys.Up):
		o.offset = max(o.offset-1, 0)
	case key.Matches(msg, o.keys.Down):
		o.offset++
	case key.Matches(msg, o.keys.PageUp):
		o.offset = max(o.offset-10, 0)
	case key.Matches(msg, o.keys.PageDown):
		o.offset += 10
	}
}

// render draws the overlay in exactly w x h cells; it keeps the offset
// within the text.
func (o *overlay) render(st *Styles, w, h int) string {
	lines := strings.Split(strings.TrimRight(o.text, "\n"), "\n")
	o.offset = min(o.offset, max(len(lines)-(h-2), 0))
	lines = lines[o.offset:]
	for i, l := range lines {
		lines[i] = fitPlain(l, 0, w-2)
	}
	return box(st, "Entry", hints(" · ", o.keys.Scroll, o.keys.Close), st.Muted, lines, w, h, true)
}
