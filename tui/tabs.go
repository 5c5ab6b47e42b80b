package tui

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// tabbed reports whether the terminal is too short for the panes stacked:
// then one pane shows at a time, full size, under a tab bar. A single pane
// with a source has the height to itself anyway, beside the short hints of
// the others, so it needs no tabs.
func (m *Model) tabbed() bool {
	if m.h >= tabbedBelow {
		return false
	}
	n := 0
	for _, p := range m.panes {
		if m.store.KindCount(p.kind()) > 0 {
			n++
		}
	}
	return n > 1
}

// tabBar is the row above the pane in a short terminal: each pane's number
// and name, the focused one reversed (so it shows without colour), a pane
// without a source muted, and the keys that switch.
func (m *Model) tabBar(w int) string {
	var b strings.Builder
	for i, t := range m.tabs() {
		b.WriteString(" ")
		switch {
		case i == m.focus:
			b.WriteString(wrap(m.st.TabFocused, t))
		case m.store.KindCount(m.panes[i].kind()) == 0:
			b.WriteString(wrap(m.st.Muted, t))
		default:
			b.WriteString(wrap(m.st.Text, t))
		}
	}
	b.WriteString(wrap(m.st.Muted, "  "+hints(" · ", m.keys.NextPane)))
	return fit(b.String(), w)
}

// tabs are the tab bar's labels, in pane order.
func (m *Model) tabs() []string {
	out := make([]string, len(m.panes))
	for i, p := range m.panes {
		out[i] = " " + numbered(i, p.title()) + " "
	}
	return out
}

// tabAt returns the pane whose tab holds column x of the tab bar.
func (m *Model) tabAt(x int) (int, bool) {
	col := 0
	for i, t := range m.tabs() {
		col++ // the space before each tab
		n := ansi.StringWidth(t)
		if x >= col && x < col+n {
			return i, true
		}
		col += n
	}
	return 0, false
}
