package tui

import "github.com/sobang/sobang/sources"

// decide makes the live-or-past decision, once every source has read the
// data that existed when it started, and follows what happens after it:
//   - while files are still being read, the view fits the data read so far
//     (never a live range at now over data from days before);
//   - files nobody is writing open paused at their end, whatever their
//     age, and so does a recording; a session with a scraped endpoint opens
//     live unless the data is older than the range, and so does one with a
//     file that appeared while sobang waited for it;
//   - a file that grows after the decision (JMeter writes in 8 KB chunks,
//     so a slow test's file can sit still for a while) takes the session
//     live, unless the user has moved the cursor, and the status line says
//     growing.
//
// A source that never catches up (stdin, a pipe being written) leaves the
// session live, as it started.
func (m *Model) decide() {
	if m.opt.Replay != nil {
		// A replay plays from the start and pauses at its end
		// (followReplay): nothing to decide, and nothing grows.
		m.decided = true
		return
	}
	now := m.nowMS()
	switch {
	case m.decided:
	case m.store.AllCaughtUp():
		m.decided, m.loading = true, false
		m.decidedAt = m.opt.Clock.Now()
		if !m.userMoved {
			m.open(now)
			m.dirty = true
		}
		m.everLive = m.tl.Live()
	case m.userMoved:
		m.loading = false
	case m.readingFiles():
		m.loading = true
		m.tl.Load()
		m.dirty = true
	case m.loading:
		// The files are read but another source has not caught up (it
		// never will, being a stream): live, as without files.
		m.loading = false
		m.tl.OpenLive()
		m.dirty = true
	}
	if !m.decided {
		return
	}
	growing := false
	for _, src := range m.store.Sources {
		if src.Info.Kind.Group() == sources.KindMetrics || !src.GrewAt.After(m.decidedAt) {
			continue
		}
		growing = growing || m.opt.Clock.Now().Sub(src.GrewAt) < growingFor
	}
	if growing != m.growing {
		m.growing = growing
		m.dirty = true
	}
	if growing && !m.wentLive && !m.userMoved && !m.tl.Live() {
		m.wentLive, m.everLive = true, true
		m.tl.OpenLive()
		m.logs.followCursor()
	}
}

// open decides live or past once every source has caught up.
func (m *Model) open(nowMS int64) {
	if m.opt.Since > 0 {
		// A live session asked for (--since): past only when all the
		// data is older than its start.
		m.tl.FitPast(nowMS)
		return
	}
	scraped, appeared := false, false
	for _, src := range m.store.Sources {
		scraped = scraped || (src.Info.Kind.Group() == sources.KindMetrics && src.Health.Live())
		appeared = appeared || src.Waited
	}
	if appeared {
		// A file that appeared while sobang waited for it is being
		// written: a test that just started.
		m.tl.OpenLive()
		return
	}
	if scraped {
		// An endpoint is read now: live, unless what the files hold is
		// older than the range.
		m.tl.OpenLive()
		m.tl.FitPast(nowMS)
		return
	}
	if !m.tl.OpenPast() {
		m.tl.OpenLive() // nothing yet: wait for it live
	}
}

// readingFiles reports whether some source is reading the data its file
// held when it started (a source that can tell how far it has read).
func (m *Model) readingFiles() bool {
	for _, src := range m.store.Sources {
		if src.Health.State == sources.StateReading && src.Progress.Size > 0 {
			return true
		}
	}
	return false
}
