// Package store is the single truth every pane reads: what each source said
// about itself, per-second load-test buckets with mergeable latency sketches,
// log entries in time order, and metric series as bounded point lists.
//
// The store is fed only by Apply, which its Pump calls with the batches it
// drains from the hub on the UI's tick (or, headless, for the report). It is
// not safe for concurrent use: one goroutine owns it. It must not import Bubble Tea or know about panes;
// panes ask it questions about time ranges and render the answers.
//
// Times inside the store are epoch milliseconds with each source's --offset
// already applied, so every part shares one time axis.
package store

import (
	"time"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/sanitize"
)

// Part is a bit set naming the parts of the store a batch changed.
type Part uint8

// The parts of the store.
const (
	PartSources Part = 1 << iota
	PartLoad
	PartLogs
	PartMetrics
)

// Source is what the store knows about one source.
type Source struct {
	Info sources.Info
	// Name is Info.Name as it may be shown, reported or recorded: made
	// safe for a terminal, a URL's password masked (sanitize.Value).
	Name     string
	Health   sources.Health
	Rows     int
	BadRows  int
	Bad      []sources.BadRow
	Warnings []string
	CaughtUp bool
	Resets   int
	FirstMS  int64 // earliest data time, 0 when none yet
	LastMS   int64 // latest data time, 0 when none yet
	// Progress is how far the source has read the file it was given, the
	// latest a batch said (sources.Batch.Progress); zero when unknown.
	Progress sources.Progress
	// GrewAt is when (on the store's clock) the source last read new bytes
	// of its file after it had caught up with it: a file someone is still
	// writing; zero when it never did. (Records a parser held back until
	// the input went idle are no growth.)
	GrewAt time.Time
	// Waited says the source waited for its file to appear: a file that
	// appeared during the session is being written.
	Waited bool
	// ownTimes says some record carried a time of its own: a log whose
	// lines have none is placed at the time it was read, which says
	// nothing about its clock.
	ownTimes bool
}

// HasData reports whether the source delivered any timed record.
func (s *Source) HasData() bool { return s.LastMS != 0 }

// Store holds everything the panes show.
type Store struct {
	Sources []*Source
	Load    *LoadTest
	Logs    *Logs
	Metrics *Metrics
	// Version increases on every change, so views can cache by it.
	Version uint64
	clock   sources.Clock
	// configPaths maps a label to its request path from the configuration
	// file, for labels whose samples carry no URL (paths.go).
	configPaths map[string]string
}

// New returns a store for the given sources, in hub index order.
func New(infos []sources.Info) *Store {
	s := &Store{Load: newLoadTest(), Logs: newLogs(), Metrics: newMetrics(), clock: sources.Wall}
	for _, in := range infos {
		s.Sources = append(s.Sources, &Source{Info: in, Name: sanitize.Value(in.Name), Health: sources.Health{State: sources.StateStarting}})
	}
	return s
}

// SetClock replaces the clock (Wall until then; nil means Wall) used to
// stamp records that carry no time.
func (s *Store) SetClock(c sources.Clock) { s.clock = sources.OrWall(c) }

// Apply folds one batch into the store and says which parts changed. It
// first makes the text of the batch's warnings, bad rows, health,
// aggregates and scrapes safe to show (clean.go); samples and log entries
// come safe from their sources.
func (s *Store) Apply(b sources.Batch) Part {
	cleanBatch(&b)
	return s.apply(b)
}

// apply folds a cleaned batch into the store.
func (s *Store) apply(b sources.Batch) Part {
	if b.Source < 0 || b.Source >= len(s.Sources) {
		return 0
	}
	src := s.Sources[b.Source]
	offset := src.Info.Offset.Milliseconds()
	var changed Part
	if b.Health != nil {
		src.Health = *b.Health
		src.Waited = src.Waited || b.Health.State == sources.StateWaiting
		changed |= PartSources
	}
	if b.Rows != 0 || b.BadRows != 0 || len(b.Warnings) != 0 || b.CaughtUp || b.Reset {
		changed |= PartSources
	}
	if b.Reset {
		src.Progress = sources.Progress{}
	}
	if b.Progress.Size > 0 {
		if src.CaughtUp && b.Progress.Read > src.Progress.Read {
			src.GrewAt = s.clock.Now()
		}
		src.Progress = b.Progress
	}
	src.Rows += b.Rows
	src.BadRows += b.BadRows
	for _, bad := range b.Bad {
		if len(src.Bad) < sources.MaxBadRowsKept {
			src.Bad = append(src.Bad, bad)
		}
	}
	src.Warnings = append(src.Warnings, b.Warnings...)
	if b.CaughtUp {
		src.CaughtUp = true
	}
	if b.Reset {
		src.Resets++
		s.Load.links.dropSource(b.Source)
		src.Warnings = append(src.Warnings, "the input was truncated or replaced; reading it again from its start")
	}
	note := func(ms int64) {
		if src.FirstMS == 0 || ms < src.FirstMS {
			src.FirstMS = ms
		}
		if ms > src.LastMS {
			src.LastMS = ms
		}
	}
	if len(b.Samples) > 0 || len(b.Scrapes) > 0 || len(b.Aggregates) > 0 {
		src.ownTimes = true
	}
	if len(b.Samples) > 0 {
		timed := b.Samples[:0]
		for i := range b.Samples {
			smp := &b.Samples[i]
			if smp.StartMS <= 0 {
				// No timestamp column: counted by the source, not placeable
				// on the time axis.
				s.Load.Untimed++
				continue
			}
			smp.StartMS += offset
			note(smp.StartMS)
			if len(timed) == i {
				timed = timed[:i+1] // in place: nothing was left out before it
			} else {
				timed = append(timed, *smp)
			}
		}
		if len(timed) > 0 {
			// Exact counting decides each sample against the window as
			// resolved for the data's start including this batch.
			s.syncExact(false)
			s.Load.add(b.Source, timed)
		}
		changed |= PartLoad
	}
	if s.Load.applyAggregates(&b, offset, note) {
		changed |= PartLoad
	}
	if len(b.Entries) > 0 {
		for i := 0; i < len(b.Entries) && !src.ownTimes; i++ {
			src.ownTimes = !b.Entries[i].Time.IsZero()
		}
		first, last := s.Logs.add(b.Source, b.Entries, offset, s.clock.Now().UnixMilli())
		note(first)
		note(last)
		changed |= PartLogs
	}
	if len(b.Scrapes) > 0 {
		for _, sc := range b.Scrapes {
			ms := sc.Time.UnixMilli() + offset
			note(ms)
			s.Metrics.add(b.Source, ms, sc)
		}
		changed |= PartMetrics
	}
	if changed != 0 {
		s.syncExact(s.settled())
		s.Version++
	}
	return changed
}

// DataRange returns the earliest and latest data time over all sources.
func (s *Store) DataRange() (firstMS, lastMS int64, ok bool) {
	return s.SpanOf(func(*Source) bool { return true })
}

// AllCaughtUp reports whether every source has read the data that existed
// when it started (or ended), so the session can decide live or past.
func (s *Store) AllCaughtUp() bool {
	for _, src := range s.Sources {
		if !src.CaughtUp && src.Health.Live() {
			return false
		}
	}
	return true
}

// KindCount returns how many sources of kind k, or of k's group (see
// sources.Kind.Group), there are.
func (s *Store) KindCount(k sources.Kind) int {
	n := 0
	for _, src := range s.Sources {
		if src.Info.Kind == k || src.Info.Kind.Group() == k {
			n++
		}
	}
	return n
}

// ClockGapWarn is how far apart two sources' data must be before the
// dashboard and the report warn that their clocks differ: less is a test
// that started a little after its log, more a wrong --tz or a clock offset.
const ClockGapWarn = time.Minute

// NonOverlapping returns pairs of sources with data whose time ranges do not
// overlap at all: a sign of a wrong --tz or a clock offset. A source without
// data, or whose records carry no time of their own (a log without
// timestamps, placed when read), says nothing about its clock and is in no
// pair.
func (s *Store) NonOverlapping() [][2]*Source {
	var out [][2]*Source
	clocked := func(src *Source) bool { return src.HasData() && src.ownTimes }
	for i, a := range s.Sources {
		if !clocked(a) {
			continue
		}
		for _, b := range s.Sources[i+1:] {
			if !clocked(b) {
				continue
			}
			if a.LastMS < b.FirstMS || b.LastMS < a.FirstMS {
				out = append(out, [2]*Source{a, b})
			}
		}
	}
	return out
}
