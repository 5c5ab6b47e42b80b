package change

import (
	"sort"
	"strings"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/analysis/drain"
	"github.com/sobang/sobang/sources/store"
	"github.com/sobang/sobang/sources/store/calc"
)

// KindEvent is a change that happened once: a deploy, a restart, a rare
// new log template.
const KindEvent = "event"

// Event is something that happened once and may explain what follows.
type Event struct {
	AtMS int64
	// SinceMS is the last moment it was known not to have happened yet:
	// for a change seen in a scrape, the scrape before, as it happened
	// somewhere in between; AtMS for a log entry.
	SinceMS int64
	What    string // "deploy", "restart", "counter reset", "new log template"
	Name    string // the series or the template
}

// eventSettleMS is how long after its start a series or template must
// first appear to count as an event: what is there from the start is the
// run's ordinary state, not something that happened.
const eventSettleMS = 5000

// rareTemplate is how many entries a template may have in all and still
// be an event when it appears (a startup banner, a configuration reload),
// not a stream of messages.
const rareTemplate = 3

// Events finds the events in the store, earliest first:
//   - a new series of an *_info or *_build_info metric (a new version
//     label: a deploy), after the metric's first scrape;
//   - process_start_time_seconds changing (the process restarted);
//   - a counter falling back (its target restarted), once per target and
//     second;
//   - a log template that first appears after the log began and holds no
//     more than a few entries.
func Events(st *store.Store) []Event { return events(st, true) }

// MetricEvents is Events without the log templates' events, which mine
// every log entry: cheap enough to find again while data streams in.
func MetricEvents(st *store.Store) []Event { return events(st, false) }

func events(st *store.Store, withLogs bool) []Event {
	var out []Event
	restarts := map[[2]int64]bool{} // source, second: one reset event each
	var pts []calc.Point
	for _, fam := range st.Metrics.Families() {
		info := strings.HasSuffix(fam.Name, "_info")
		var first int64 = -1
		for _, s := range fam.Series {
			if p, ok := s.First(); ok && (first < 0 || p.T < first) {
				first = p.T
			}
		}
		for _, s := range fam.Series {
			p0, ok := s.First()
			if !ok {
				continue
			}
			switch {
			case info && p0.T > first+eventSettleMS:
				out = append(out, Event{AtMS: p0.T, SinceMS: lastBefore(fam, p0.T), What: "deploy", Name: s.ID()})
			case fam.Name == "process_start_time_seconds":
				pts = s.Points(pts[:0])
				for i := 1; i < len(pts); i++ {
					if pts[i].V != pts[i-1].V {
						out = append(out, Event{AtMS: pts[i].T, SinceMS: pts[i-1].T, What: "restart", Name: s.ID()})
					}
				}
			case s.Type == sources.MetricCounter:
				pts = s.Points(pts[:0])
				for i := 1; i < len(pts); i++ {
					if pts[i].V < pts[i-1].V {
						key := [2]int64{int64(s.Source), pts[i].T / 1000}
						if !restarts[key] {
							restarts[key] = true
							out = append(out, Event{AtMS: pts[i].T, SinceMS: pts[i-1].T, What: "counter reset", Name: s.ID()})
						}
					}
				}
			}
		}
	}
	if logs := st.Logs; withLogs && logs.Len() > 0 {
		start := logs.TimeMS(0)
		for _, c := range drain.Templates(logs, 0, 0) {
			if c.Count <= rareTemplate && c.FirstMS > start+eventSettleMS {
				out = append(out, Event{AtMS: c.FirstMS, SinceMS: c.FirstMS, What: "new log template", Name: c.Template})
			}
		}
	}
	// Within a second, the likelier cause first.
	rank := map[string]int{"deploy": 0, "restart": 1, "counter reset": 2, "new log template": 3}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].AtMS != out[j].AtMS {
			return out[i].AtMS < out[j].AtMS
		}
		return rank[out[i].What] < rank[out[j].What]
	})
	return out
}

// triggerWithinMS is how long before an incident an event may come and
// still be shown as its likely trigger.
const triggerWithinMS = 30_000

// Trigger returns the latest event in the triggerWithinMS before startMS
// (or in its first second), ok false when there is none. An event seen in
// a scrape after that may have happened before it, in the interval since
// the scrape before (a deploy a one-second scrape sees a moment after the
// errors began): it is the trigger when no event is known to come first.
func Trigger(events []Event, startMS int64) (Event, bool) {
	var got, maybe Event
	ok, maybeOK := false, false
	for _, e := range events {
		if e.AtMS < startMS-triggerWithinMS {
			continue
		}
		switch {
		case e.AtMS <= startMS+1000:
			got, ok = e, true
		case e.SinceMS <= startMS+1000 && !maybeOK:
			maybe, maybeOK = e, true
		}
	}
	if !ok {
		return maybe, maybeOK
	}
	return got, ok
}

// lastBefore is the family's last scrape before atMS: when it was last
// seen without what appeared at atMS.
func lastBefore(fam *store.Family, atMS int64) int64 {
	last := atMS
	for _, s := range fam.Series {
		if p, ok := s.PointAt(atMS - 1); ok && (last == atMS || p.T > last) {
			last = p.T
		}
	}
	return last
}
