package tui

import (
	"strconv"
	"time"
)

// The replay (Options.Replay): the timeline's live is the replay
// playing, and paused is paused, so that every key that pauses a live
// session (a cursor move, a mark, a scroll back) pauses the replay too,
// and the cursor follows the replay's clock as it follows now when live.

// followReplay keeps the replay's clock and the timeline in step after
// each message: a replay at its end pauses with the cursor on the data's
// last second; a timeline paused by a key pauses the clock; a timeline
// gone live (end/0) plays it on from where it stands.
func (m *Model) followReplay() {
	r := m.opt.Replay
	if r.AtEnd() {
		if m.tl.Live() {
			end := r.End().UnixMilli()
			if _, last, ok := m.axisRange(); ok {
				end = min(end, last)
			}
			m.tl.SetCursor(end, m.nowMS())
			m.dirty = true
		}
		r.Pause()
		return
	}
	switch {
	case m.tl.Live() && !r.Playing():
		r.Play()
		m.dirty = true
	case !m.tl.Live() && r.Playing():
		r.Pause()
		m.dirty = true
	}
}

// togglePlay is space in a replay: pause where the cursor is, or play on
// from the cursor (from the data's first second when the cursor is on the
// last).
func (m *Model) togglePlay(nowMS int64) {
	r := m.opt.Replay
	if m.tl.Live() {
		m.tl.ToggleLive(nowMS)
		r.Pause()
		return
	}
	cur := m.tl.Cursor(nowMS)
	// The live cursor sits the lag behind the clock: the clock goes there,
	// so that the cursor stays where it is when the replay plays on.
	at := cur + m.tl.Lag().Milliseconds()
	if end := r.End(); !end.IsZero() && cur >= end.UnixMilli()/1000*1000 {
		if first, _, ok := m.axisRange(); ok {
			at = first/1000*1000 + m.tl.Lag().Milliseconds()
		}
	}
	r.Seek(time.UnixMilli(at))
	r.Play()
	m.tl.GoLive()
	m.logs.followCursor()
}

// changeSpeed is { and }: half or twice the replay's speed.
func (m *Model) changeSpeed(faster bool) {
	r := m.opt.Replay
	if r == nil {
		m.notice = m.keys.Slower.Help().Key + " and " + m.keys.Faster.Help().Key + " set the speed of a replay (sobang replay FILE.sobang)"
		return
	}
	if faster {
		r.SetSpeed(r.Speed() * 2)
	} else {
		r.SetSpeed(r.Speed() / 2)
	}
	m.notice = "replay at " + speedText(r.Speed())
}

// speedText names a replay's speed: "x10", "x0.5".
func speedText(s float64) string {
	return "x" + strconv.FormatFloat(s, 'f', -1, 64)
}
