package tui

import (
	"slices"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/sanitize"
)

// Recording is a recording of the session (a .sobang file, written by
// cmd/sobang): every batch the dashboard ingests while it runs goes into
// it, and every mark set or removed.
type Recording interface {
	// Write records a batch; it must not keep the batch's slices. After
	// its first error the dashboard writes nothing more to it.
	Write(sources.Batch) error
	// Mark records a mark set (or, removed, taken away) at ms, the
	// cursor's instant as the dashboard shows it, with its note ("" for
	// none).
	Mark(ms int64, note string, removed bool) error
	// Close finishes the recording; the dashboard calls it once, for a
	// recording it started (R).
	Close() error
	// Name is the file as the status line names it.
	Name() string
}

// toggleRecording is R: start a recording of the session from here on, or
// finish the one R started. A session recorded by --record is recorded
// whole already: R says so and leaves it.
func (m *Model) toggleRecording() {
	switch {
	case m.rec != nil && !m.recByKey:
		m.notice = "recording the whole session to " + m.rec.Name() + " (--record): R records sessions without it"
	case m.rec != nil:
		m.stopRecording()
	case m.opt.StartRecording == nil:
		m.notice = "R records a session; this one cannot be recorded"
	default:
		m.startRecording()
	}
}

// startRecording opens a recording and writes what it needs to stand for
// the sources from here on: each source's state (its health, and whether
// it had caught up with its input, so that a replay paces what follows),
// and the marks already set.
func (m *Model) startRecording() {
	rec, err := m.opt.StartRecording()
	if err != nil {
		m.notice = "could not record: " + sanitize.Value(err.Error())
		return
	}
	m.rec, m.recByKey, m.recordErr = rec, true, ""
	for i, s := range m.store.Sources {
		h := s.Health
		if err := rec.Write(sources.Batch{Source: i, Health: &h, CaughtUp: s.CaughtUp}); err != nil {
			m.recordFailed(err)
			return
		}
	}
	for _, ms := range m.tl.Marks() {
		if err := rec.Mark(ms, m.notes[ms], false); err != nil {
			m.recordFailed(err)
			return
		}
	}
	m.pump.SetRecord(rec.Write)
	m.notice = "recording to " + rec.Name() + " (R stops)"
}

// stopRecording finishes the recording R started and says where it is.
func (m *Model) stopRecording() {
	rec := m.rec
	m.rec, m.recByKey = nil, false
	m.pump.SetRecord(nil)
	if err := rec.Close(); err != nil {
		m.recordErr = "recording stopped: " + sanitize.Value(err.Error())
		return
	}
	if m.recordErr == "" {
		m.notice = "recorded to " + rec.Name()
	}
}

// recordMark records a mark set or removed, when recording.
func (m *Model) recordMark(ms int64, note string, removed bool) {
	if m.rec == nil || m.recordErr != "" {
		return
	}
	if err := m.rec.Mark(ms, note, removed); err != nil {
		m.recordFailed(err)
	}
}

// recordFailed shows why the recording stopped and writes to it no more.
func (m *Model) recordFailed(err error) {
	m.recordErr = "recording stopped: " + sanitize.Value(err.Error())
	m.pump.SetRecord(nil)
}

// Recording returns the recording R started and has not finished, nil for
// none.
func (m *Model) Recording() Recording {
	if m.recByKey {
		return m.rec
	}
	return nil
}

// keepNote is the end of M: the note becomes the words of the mark at the
// cursor (set if there was none), shown on every pane's readout while the
// cursor is there and written to the recording; an empty note keeps the
// mark without words.
func (m *Model) keepNote(text string) {
	now := m.nowMS()
	cur := m.tl.Cursor(now)
	if !slices.Contains(m.tl.Marks(), cur) {
		m.tl.AddMark(now)
	}
	if m.notes == nil {
		m.notes = map[int64]string{}
	}
	text = sanitize.Value(text)
	if text == "" {
		delete(m.notes, cur)
	} else {
		m.notes[cur] = text
	}
	m.recordMark(cur, text, false)
}
