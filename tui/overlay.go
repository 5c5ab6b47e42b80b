package tui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// overlay shows a text over the panes (a whole log entry, a chart's series
// at the cursor) until closed; while shown it has the keyboard.
type overlay struct {
	scroller
	close key.Binding
	text  string // "" when closed
	title string // the box's title; "Entry" when none was given
}

func newOverlay(k KeyMap) overlay {
	o := overlay{scroller: newScroller(k), close: anyOf(k.Clear.Help().Key, "closes", k.Clear, k.Open, k.Quit)}
	o.keys.Top = key.Binding{} // g stays unbound here, as it was
	return o
}

// shown reports whether the overlay is open.
func (o *overlay) shown() bool { return o.text != "" }

// show opens the overlay on text, at its top.
func (o *overlay) show(text string) { o.text, o.offset, o.title = text, 0, "" }

// showTitled opens the overlay on text under title.
func (o *overlay) showTitled(title, text string) { o.show(text); o.title = title }

// handleKey scrolls or closes the overlay.
func (o *overlay) handleKey(msg tea.KeyPressMsg) {
	if key.Matches(msg, o.close) {
		o.show("")
		return
	}
	o.scroller.handleKey(msg)
}

// render draws the overlay in exactly w x h cells; it keeps the offset
// within the text.
func (o *overlay) render(st *Styles, w, h int) string {
	lines := o.view(strings.Split(strings.TrimRight(o.text, "\n"), "\n"), h-2, nil)
	for i, l := range lines {
		lines[i] = fitPlain(l, 0, w-2)
	}
	title := o.title
	if title == "" {
		title = "Entry"
	}
	return box(st, title, hints(" · ", o.keys.Scroll, o.close), st.Muted, lines, w, h, true)
}
