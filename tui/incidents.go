package tui

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/sobang/sobang/sources/analysis/change"
)

// maxIncidentChanges is how many changes i lists under each incident.
const maxIncidentChanges = 8

// incidentsText is what i shows: each of the load test's error episodes,
// earliest first, with what changed most in it against the same length
// before it (change.Rank), each change with before and after and the
// second it began. e and E move the cursor to the episodes' starts.
func (m *Model) incidentsText() string {
	eps := m.store.Load.ErrorEpisodes()
	var b strings.Builder
	if len(eps) == 0 {
		b.WriteString("No incident: no request failed.\n")
		return b.String()
	}
	clock := func(ms int64) string { return time.UnixMilli(ms).In(m.zone).Format("15:04:05") }
	events := change.Events(m.store)
	for i, ep := range eps {
		if i > 0 {
			b.WriteString("\n")
		}
		sum := m.store.Load.Summarize(ep.StartMS, ep.EndMS, "")
		b.WriteString(strconv.Itoa(i+1) + ". Incident " + clock(ep.StartMS) + "–" + clock(ep.EndMS) + ": " +
			count(sum.Requests.Errors) + " of " + count(sum.Requests.Count) + " requests failed (" + pct(sum.Requests.ErrorPct()) + ")\n")
		if e, ok := change.Trigger(events, ep.StartMS); ok {
			b.WriteString("  likely trigger: " + e.What + " " + e.Name + " at " + clock(e.AtMS) + "\n")
		}
		changes := change.Rank(m.store, ep.StartMS, max(ep.EndMS, ep.StartMS+3000))
		if len(changes) == 0 {
			b.WriteString("  nothing to compare with: it starts with the data\n")
			continue
		}
		b.WriteString("  what changed, against the same length before it:\n")
		for j, c := range changes {
			if j == maxIncidentChanges {
				break
			}
			b.WriteString("  " + padLeft(strconv.Itoa(j+1), 2) + ". " + padRight(c.Kind, 6) + " " + c.Name + "  " + c.What + " " +
				num3(c.Before) + " → " + num3(c.After) + "  from " + clock(c.FirstMS) + "\n")
		}
	}
	b.WriteString("\n1-9 chooses an incident: the cursor goes to its start and its time is selected as the window.\n")
	return b.String()
}

// num3 writes a figure with three significant digits, without an exponent
// below a million.
func num3(v float64) string {
	if a := math.Abs(v); a >= 100 && a < 1e6 {
		return strconv.FormatFloat(v, 'f', 0, 64)
	}
	return strconv.FormatFloat(v, 'g', 3, 64)
}

// eventsEvery is how often the events are looked for again while data
// comes: finding them mines the log's templates.
const eventsEvery = 10 * time.Second

// eventTimes returns when the events happened (change.Events), for the
// time axes: found again when the metrics or logs changed, at most every
// eventsEvery; while live, the metrics' events only.
func (m *Model) eventTimes() []int64 {
	atRest := uint64(1)
	if m.tl.Live() || m.growing {
		atRest = 0
	}
	key := [3]uint64{m.store.Metrics.Version, m.store.Logs.Version, atRest}
	now := m.opt.Clock.Now()
	if key == m.events.key || (m.events.valid && key[2] == m.events.key[2] && now.Sub(m.events.at) < eventsEvery) {
		return m.events.times
	}
	m.events.key, m.events.at, m.events.valid = key, now, true
	m.events.times = m.events.times[:0]
	// Mining the log's templates walks every entry: not on the tick of a
	// live session, only over data at rest.
	find := change.Events
	if atRest == 0 {
		find = change.MetricEvents
	}
	for _, e := range find(m.store) {
		m.events.times = append(m.events.times, e.AtMS)
	}
	return m.events.times
}

// eventCache keeps the events' times between frames.
type eventCache struct {
	key   [3]uint64 // the metrics' and logs' versions, and whether the data is at rest
	at    time.Time
	valid bool
	times []int64
}

// incidentsTitle is the overlay's title while it lists the incidents, when
// 1-9 choose one.
const incidentsTitle = "Incidents"

// chooseIncident closes the list and puts the cursor on the start of the
// i-th incident, with its time selected as the window, so that every pane
// shows what happened in it.
func (m *Model) chooseIncident(i int) {
	eps := m.store.Load.ErrorEpisodes()
	if i >= len(eps) {
		m.notice = "no incident " + strconv.Itoa(i+1)
		return
	}
	m.overlay.show("")
	m.userMoved = true
	m.tl.SetCursor(eps[i].StartMS, m.nowMS())
	m.tl.SetWindow(eps[i].StartMS, eps[i].EndMS-1) // both seconds inclusive
}
