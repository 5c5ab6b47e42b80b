package tui

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/sobang/sobang/sources/analysis/change"
	"github.com/sobang/sobang/sources/analysis/incident"
)

// maxIncidentChanges is how many changes i lists under each incident.
const maxIncidentChanges = 8

// incidentsText is what i shows: the load test's incidents
// (sources/analysis/incident), earliest first, each with what left the
// run's normal and what changed most in it against the same length before
// it (change.Rank), each change with before and after and the second it
// began.
func (m *Model) incidentsText() string {
	m.changeJumps = m.changeJumps[:0]
	eps := m.incidents()
	var b strings.Builder
	if len(eps) == 0 {
		b.WriteString("No incident: no error rate, latency or throughput left the run's normal.\n")
		return b.String()
	}
	clock := func(ms int64) string { return time.UnixMilli(ms).In(m.zone).Format("15:04:05") }
	events := change.Events(m.store)
	for i, ep := range eps {
		if i > 0 {
			b.WriteString("\n")
		}
		b.WriteString(strconv.Itoa(i+1) + ". Incident " + clock(ep.StartMS) + "–" + clock(ep.EndMS) + " (" + ep.Kind() + ")\n")
		for _, l := range wrapWords(ep.Summary(m.store.Load), max(m.w-8, 20)) {
			b.WriteString("  " + l + "\n")
		}
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
			mark := "  "
			if len(m.changeJumps) < len(jumpLetters) {
				mark = string(jumpLetters[len(m.changeJumps)]) + " "
				m.changeJumps = append(m.changeJumps, changeJump{ep.StartMS, ep.EndMS, c})
			}
			b.WriteString("  " + mark + padLeft(strconv.Itoa(j+1), 2) + ". " + padRight(c.Kind, 6) + " " + c.Name + "  " + c.What + " " +
				num3(c.Before) + " → " + num3(c.After) + "  from " + clock(c.FirstMS) + "\n")
		}
	}
	hint := "1-9 chooses an incident: the cursor goes to its start and its time is selected as the window."
	if len(m.changeJumps) > 0 {
		hint += " A letter goes to a change: the cursor to its first second, the incident as the window, and the pane that holds it showing it (the label opened, the log entries of the template, the metric's charts)."
	}
	b.WriteString("\n")
	for _, l := range wrapWords(hint, max(m.w-6, 20)) {
		b.WriteString(l + "\n")
	}
	return b.String()
}

// jumpLetters name the changes the incidents list offers, in order: the
// letters the list's own keys (j, k scroll; q closes) leave free.
const jumpLetters = "abcdefhilmnoprstuvwxyz"

// changeJump is a change of the incidents list, with its incident's span.
type changeJump struct {
	fromMS, toMS int64
	change       change.Change
}

// jumpToChange is a letter in the incidents list: the cursor goes to the
// change's first second, the incident's time becomes the window, and the
// pane that holds the change shows it: a label opened, a log template's
// entries kept, a metric's charts filtered to it.
func (m *Model) jumpToChange(letter string) bool {
	i := strings.Index(jumpLetters, letter)
	if len(letter) != 1 || i < 0 || i >= len(m.changeJumps) {
		return false
	}
	j := m.changeJumps[i]
	m.overlay.show("")
	m.userMoved = true
	m.tl.SetCursor(j.change.FirstMS, m.nowMS())
	m.tl.SetWindow(j.fromMS, j.toMS-1)
	c := j.change
	switch c.Kind {
	case change.KindLabel:
		m.label, m.focus = c.Name, paneLoad
	case change.KindCode:
		m.focus = paneLoad
	case change.KindLog:
		m.filters[paneLogs] = templateLiteral(c.Name)
		m.logs.filterChanged()
		m.focus = paneLogs
	case change.KindMetric:
		name, _, _ := strings.Cut(c.Name, "{")
		m.filters[paneMetrics] = name
		m.metrics.filterChanged()
		m.focus = paneMetrics
	}
	m.notice = c.Kind + " " + c.Name + ": " + c.What + " " + num3(c.Before) + " → " + num3(c.After)
	return true
}

// templateLiteral is the longest run of a log template's text between its
// variables (<*>), which the entries of the template all hold.
func templateLiteral(template string) string {
	best := ""
	for _, part := range strings.Split(template, "<*>") {
		if part = strings.TrimSpace(part); len(part) > len(best) {
			best = part
		}
	}
	return best
}

// incidents returns the load test's incidents, found again only when the
// load test changed.
func (m *Model) incidents() []incident.Incident {
	if v := m.store.Load.Version; !m.incidentCache.valid || m.incidentCache.version != v {
		m.incidentCache.list = incident.Detect(m.store.Load, incident.Options{})
		m.incidentCache.spans = m.incidentCache.spans[:0]
		m.incidentCache.version, m.incidentCache.valid = v, true
	}
	return m.incidentCache.list
}

// incidentSpans returns the incidents' spans for the time axes' bands.
func (m *Model) incidentSpans() [][2]int64 {
	list := m.incidents()
	if len(m.incidentCache.spans) != len(list) {
		m.incidentCache.spans = m.incidentCache.spans[:0]
		for _, in := range list {
			m.incidentCache.spans = append(m.incidentCache.spans, [2]int64{in.StartMS, in.EndMS})
		}
	}
	return m.incidentCache.spans
}

// incidentCache keeps the incidents between frames.
type incidentCache struct {
	version uint64
	valid   bool
	list    []incident.Incident
	spans   [][2]int64
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
	eps := m.incidents()
	if i >= len(eps) {
		m.notice = "no incident " + strconv.Itoa(i+1)
		return
	}
	m.overlay.show("")
	m.userMoved = true
	m.tl.SetCursor(eps[i].StartMS, m.nowMS())
	m.tl.SetWindow(eps[i].StartMS, eps[i].EndMS-1) // both seconds inclusive
}
