package tui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// scroller is the scrolling that the full-screen texts share (help, the
// warnings list, the overlay): their scroll keys, the first line shown, and
// the cut of the text to the rows there are.
type scroller struct {
	keys   scrollKeys
	offset int // first line shown
}

// scrollKeys are a scroller's keys; Scroll stands for Up and Down in a
// border's hint. Top is unset where a text does not offer it.
type scrollKeys struct {
	Scroll                     key.Binding
	Up, Down, PageUp, PageDown key.Binding
	Top                        key.Binding
}

func newScroller(k KeyMap) scroller {
	return scroller{keys: scrollKeys{
		Scroll: anyOf("↑/↓", "scroll", k.Up, k.Down),
		Up:     k.Up, Down: k.Down, PageUp: k.PageUp, PageDown: k.PageDown, Top: k.Home,
	}}
}

// handleKey scrolls on a scrolling key; false for any other key.
func (s *scroller) handleKey(msg tea.KeyPressMsg) bool {
	switch {
	case key.Matches(msg, s.keys.Up):
		s.scroll(-1)
	case key.Matches(msg, s.keys.Down):
		s.scroll(1)
	case key.Matches(msg, s.keys.PageUp):
		s.scroll(-10)
	case key.Matches(msg, s.keys.PageDown):
		s.scroll(10)
	case key.Matches(msg, s.keys.Top):
		s.offset = 0
	default:
		return false
	}
	return true
}

// scroll moves the text by n lines; view keeps it within the text.
func (s *scroller) scroll(n int) { s.offset = max(s.offset+n, 0) }

// view returns the lines shown in rows rows from the offset, which it keeps
// within the text. With st, a text cut short ends in a row saying how many
// lines are below (in st.Muted), so that it does not look complete.
func (s *scroller) view(lines []string, rows int, st *Styles) []string {
	s.offset = min(s.offset, max(len(lines)-rows, 0))
	lines = lines[s.offset:]
	if st != nil && len(lines) > rows && rows > 1 {
		lines = append(lines[:rows-1:rows-1], wrap(st.Muted, "↓ "+itoa(len(lines)-rows+1)+" more lines"))
	}
	return lines
}
