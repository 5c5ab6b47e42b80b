package tui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// searchLine is the / prompt that takes the status bar's place: while
// active it has every key, and each change of its text filters a pane as
// the user types.
type searchLine struct {
	keys   searchKeys
	active bool
	input  []rune
	// mode is the prompt's key: '/' searches (the logs) or filters (the
	// other panes), 'f' keeps the log entries holding the text, 'F' leaves
	// them out, 'M' writes a note, which only enter keeps.
	mode byte
	// prompt, when set, is the line's prompt instead of its mode's.
	prompt string
}

// noteMsg is the text of a note the line took (M), to keep at the cursor.
type noteMsg struct{ text string }

// searchKeys are the search line's own keys; the status bar's hint while it
// is active is built from Keep and Clear.
type searchKeys struct {
	Keep     key.Binding // close the line, keep the filter
	Clear    key.Binding // close the line, drop the filter
	Erase    key.Binding // the last character
	EraseAll key.Binding // the whole text, the line stays open
}

// searchMsg carries the search line's text on every change, for the root
// to filter the focused pane (or the logs) by.
type searchMsg struct {
	text string
	mode byte // the searchLine's mode
}

func newSearchLine() searchLine {
	return searchLine{keys: searchKeys{
		Keep:     key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "keep")),
		Clear:    key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear")),
		Erase:    key.NewBinding(key.WithKeys("backspace")),
		EraseAll: key.NewBinding(key.WithKeys("ctrl+u")),
	}}
}

// start opens the line, empty, in mode ('/', 'f' or 'F').
func (s *searchLine) start(mode byte) {
	s.active, s.mode, s.prompt = true, mode, ""
	s.input = s.input[:0]
}

// handleKey edits the text; it returns a searchMsg when the text changed.
func (s *searchLine) handleKey(msg tea.KeyPressMsg) tea.Msg {
	if s.mode == 'M' {
		// A note is kept whole with enter and left with esc: nothing is
		// filtered while it is typed.
		switch {
		case key.Matches(msg, s.keys.Keep):
			s.active = false
			return noteMsg{strings.TrimSpace(string(s.input))}
		case key.Matches(msg, s.keys.Clear):
			s.active = false
		case key.Matches(msg, s.keys.Erase):
			if len(s.input) > 0 {
				s.input = s.input[:len(s.input)-1]
			}
		case key.Matches(msg, s.keys.EraseAll):
			s.input = s.input[:0]
		case msg.Text != "":
			s.input = append(s.input, []rune(msg.Text)...)
		}
		return nil
	}
	switch {
	case key.Matches(msg, s.keys.Keep):
		s.active = false
	case key.Matches(msg, s.keys.Clear):
		s.active = false
		s.input = s.input[:0]
		return searchMsg{mode: s.mode}
	case key.Matches(msg, s.keys.Erase):
		if len(s.input) > 0 {
			s.input = s.input[:len(s.input)-1]
			return searchMsg{string(s.input), s.mode}
		}
	case key.Matches(msg, s.keys.EraseAll):
		s.input = s.input[:0]
		return searchMsg{mode: s.mode}
	case msg.Text != "":
		s.input = append(s.input, []rune(msg.Text)...)
		return searchMsg{string(s.input), s.mode}
	}
	return nil
}

// statusBar returns the status bar's two sides while the line is active:
// the text with a caret, and the hint of its keys.
func (s *searchLine) statusBar() (left, right string) {
	prompt := map[byte]string{'/': " /", 'f': " keep entries with: ", 'F': " leave out entries with: "}[s.mode]
	if s.prompt != "" {
		prompt = s.prompt
	}
	if prompt == "" {
		prompt = " /"
	}
	keep, clear := s.keys.Keep, s.keys.Clear
	if s.mode == 'M' {
		keep.SetHelp("enter", "keep")
		clear.SetHelp("esc", "cancel")
	}
	return prompt + string(s.input) + "▏", hints("  ", keep, clear) + " "
}
