package tui

import (
	tea "charm.land/bubbletea/v2"
)

// Snapshot is one frame of the dashboard over opt's store, which holds
// everything its sources had (read to their end): w x h cells with the
// cursor at cursorMS and, when winTo != 0, the window [winFrom, winTo)
// selected, as the dashboard draws it (SGR colours included). It is what
// `sobang snapshot` prints and `S` saves.
func Snapshot(opt Options, w, h int, cursorMS, winFrom, winTo int64) string {
	m := New(opt)
	m.Update(tea.WindowSizeMsg{Width: w, Height: h})
	m.ingest()
	m.at(cursorMS, winFrom, winTo)
	return m.render()
}

// at puts the cursor at cursorMS, paused, with the window [winFrom, winTo)
// when winTo != 0.
func (m *Model) at(cursorMS, winFrom, winTo int64) {
	m.userMoved = true
	m.tl.SetCursor(cursorMS, m.nowMS())
	if winTo != 0 {
		m.tl.SetWindow(winFrom, winTo)
	}
	m.dirty = true
}
