package store

import (
	"errors"
	"math"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/store/exact"
)

// Exact percentiles for `report` and `check`.
//
// The sketch answers any window to within 1%, which a gate cannot use at its
// boundary: a true p95 of 8 ms reads 7.92 and passes `p95<8ms`. Sources
// that write whole milliseconds (JMeter, Gatling) hold few distinct values,
// so counting each value costs one array increment a sample (exact.Histogram)
// but only over one range of time fixed before counting: per second it would
// cost memory in proportion to the samples. report and check ask about one
// window, the run or --window, so the store counts exactly, per label and
// for the requests, the samples of that window only.
//
// The window is known before reading only when it is absolute: +60s.., a
// clock time and --skip are resolved against the data's start, the earliest
// time of any source, which moves earlier while sources are read (a log
// that starts before the load test, a JTL row of a long sample written
// after shorter ones). So the store keeps the samples it sees before every
// source has delivered data (up to exactPendingMax of them) uncounted, and
// then counts against the window resolved for the data's start so far. When
// the start still moves afterwards and the window moves over seconds that
// already had samples counted or left out, the counts no longer describe
// the window: ExactFor says so (the command can read again with the window
// fixed) and every percentile falls back to the sketch.

// exactPendingMax bounds the samples kept uncounted while the data's start
// settles (24 bytes each).
const exactPendingMax = 1 << 16

// WindowFunc gives the window, [fromMS, toMS) with 0 for the data's edge, as
// resolved against the data's earliest time so far.
type WindowFunc func(dataStartMS int64) (fromMS, toMS int64)

// pendingSample is a sample not yet counted exactly.
type pendingSample struct {
	sec       int64
	elapsedMS int32
	label     int32
	request   bool
}

// exactSet is what a store keeps for exact percentiles.
type exactSet struct {
	window WindowFunc // nil for the whole run
	// whole says, per source index, that the source's times are whole
	// milliseconds; names are the sources' names.
	whole []bool
	names []string
	kinds []sources.Kind

	start    int64 // the data start the window was resolved for, 0 before any
	from, to int64 // the window in seconds [from, to); MinInt64 and MaxInt64 when open

	pending  []pendingSample
	counting bool // pending was counted: samples are counted as they come
	moved    bool // the window moved over seconds already decided

	labels    []exact.Histogram // per label id
	requests  exact.Histogram
	estimated []bool // per label id: it has samples whose times are fractional
	reqEst    bool   // the requests have such samples
	fraction  int    // a source index with fractional times, -1 for none
}

// KeepExact makes the store count the elapsed times of load-test samples
// exactly over one window (window nil: the whole run), so that summaries of
// that window carry exact percentiles (Stats.Exact). window is called with
// the data's earliest time whenever that changes while reading and must
// resolve the window as the caller will once reading is done. It fails once
// samples were applied, which the counts would miss.
func (s *Store) KeepExact(window WindowFunc) error {
	if s.Load.Samples != 0 {
		return errors.New("exact percentiles must be asked for before samples are added")
	}
	e := &exactSet{window: window, from: math.MinInt64, to: math.MaxInt64, fraction: -1}
	for _, src := range s.Sources {
		e.whole = append(e.whole, src.Info.Kind.WholeMilliseconds())
		e.names = append(e.names, src.Info.Name)
		e.kinds = append(e.kinds, src.Info.Kind)
	}
	s.Load.exact = e
	return nil
}

// syncExact tells the exact counts the data's start as it stands; settled
// says every source has delivered data or ended, so that the start is
// unlikely to move far any more.
func (s *Store) syncExact(settled bool) {
	e := s.Load.exact
	if e == nil {
		return
	}
	if first, _, ok := s.DataRange(); ok {
		e.observe(s.Load, first)
	}
	if settled && !e.counting {
		e.flush(s.Load)
	}
}

// settled reports whether every source has delivered data, read to its end
// or stopped.
func (s *Store) settled() bool {
	for _, src := range s.Sources {
		if !src.HasData() && !src.CaughtUp && src.Health.Live() {
			return false
		}
	}
	return true
}

// secondsOf turns a window in milliseconds (0 for an open side) into whole
// seconds [from, to), as Summarize reads windows, without clamping to data.
func secondsOf(fromMS, toMS int64) (int64, int64) {
	from, to := int64(math.MinInt64), int64(math.MaxInt64)
	if fromMS != 0 {
		from = floorDiv(fromMS, 1000)
	}
	if toMS != 0 {
		to = floorDiv(toMS+999, 1000)
	}
	return from, to
}

// observe resolves the window for the data start and notes when a move of
// the window changes the fate of samples already counted or left out.
func (e *exactSet) observe(l *LoadTest, start int64) {
	if start == e.start || e.window == nil {
		e.start = start
		return
	}
	e.start = start
	from, to := secondsOf(e.window(start))
	if e.counting && (from != e.from || to != e.to) &&
		(l.holdsData(min(from, e.from), max(from, e.from)) || l.holdsData(min(to, e.to), max(to, e.to))) {
		e.moved = true
	}
	e.from, e.to = from, to
}

// holdsData reports whether any second in [from, to) holds load-test data.
func (l *LoadTest) holdsData(from, to int64) bool {
	if len(l.secs) == 0 {
		return false
	}
	from, to = max(from, l.baseSec), min(to, l.baseSec+int64(len(l.secs)))
	for sec := from; sec < to; sec++ {
		if l.secs[sec-l.baseSec] != nil {
			return true
		}
	}
	return false
}

// flush counts the pending samples against the window as resolved now and
// counts later samples as they come.
func (e *exactSet) flush(l *LoadTest) {
	e.counting = true
	for _, p := range e.pending {
		if p.sec >= e.from && p.sec < e.to {
			e.count(p.label, p.elapsedMS, p.request)
		}
	}
	e.pending = nil
}

// count adds one sample of label id.
func (e *exactSet) count(id int32, elapsedMS int32, request bool) {
	if int(id) >= len(e.labels) {
		e.grow(int(id))
	}
	e.labels[id].Add(int64(elapsedMS))
	if request {
		e.requests.Add(int64(elapsedMS))
	}
}

// grow makes room for label id.
func (e *exactSet) grow(id int) {
	for id >= len(e.labels) {
		e.labels = append(e.labels, exact.Histogram{})
	}
}

// add takes one sample of source at second sec, in ingest order; the
// common case (counting, a source of whole milliseconds, inside the
// window) is LoadTest.add's, inline.
func (e *exactSet) add(l *LoadTest, source int, sec int64, id int, elapsedMS int32, request bool) {
	if !e.whole[source] {
		for id >= len(e.estimated) {
			e.estimated = append(e.estimated, false)
		}
		e.estimated[id] = true
		e.reqEst = e.reqEst || request
		if e.fraction < 0 {
			e.fraction = source
		}
		return
	}
	if e.counting {
		if sec >= e.from && sec < e.to {
			e.count(int32(id), elapsedMS, request)
		}
		return
	}
	e.pending = append(e.pending, pendingSample{sec: sec, elapsedMS: elapsedMS, label: int32(id), request: request})
	if len(e.pending) >= exactPendingMax {
		e.flush(l)
	}
}

// covers reports whether the counts describe the window [fromMS, toMS):
// the same seconds of data, and no move of the window since counting began.
// Samples still pending are counted first: a question about the window
// means reading is done.
func (e *exactSet) covers(l *LoadTest, fromMS, toMS int64) bool {
	if !e.counting {
		e.flush(l)
	}
	if e.moved || len(l.secs) == 0 {
		return !e.moved
	}
	from, to := l.secRange(fromMS, toMS)
	// The counted window, clamped to the data as secRange clamps.
	cf, ct := max(e.from, l.baseSec), min(e.to, l.baseSec+int64(len(l.secs)))
	if ct < cf {
		ct = cf
	}
	return (from == cf && to == ct) || (from == to && cf == ct)
}

// counts returns the exact distribution of label id, nil when it has none
// or some of its samples have fractional times.
func (e *exactSet) counts(id int) *exact.Counts {
	if (id < len(e.estimated) && e.estimated[id]) || id >= len(e.labels) || e.labels[id].Count() == 0 {
		return nil
	}
	return e.labels[id].Counts()
}

// requestCounts returns the exact distribution of the requests, nil when
// there is none.
func (e *exactSet) requestCounts() *exact.Counts {
	if e.reqEst || e.requests.Count() == 0 {
		return nil
	}
	return e.requests.Counts()
}

// ErrExactMoved says the data's start moved the window after exact counting
// began; reading the sources again with the window fixed gives exact
// figures.
var ErrExactMoved = errors.New("the window moved while the sources were read (an earlier start arrived late)")

// ExactFor reports, as nil, that summaries of [fromMS, toMS) (0 for the
// data's edge) carry exact percentiles for the samples of sources that write
// whole milliseconds, or why not: KeepExact was not called, the counted
// window is another, or ErrExactMoved.
func (l *LoadTest) ExactFor(fromMS, toMS int64) error {
	e := l.exact
	switch {
	case e == nil:
		return errors.New("exact percentiles were not kept")
	case e.covers(l, fromMS, toMS):
		return nil
	case e.moved:
		return ErrExactMoved
	}
	return errors.New("exact percentiles were kept for another window")
}

// FractionalSource returns the name and kind of a source whose times are
// fractional milliseconds, which makes the percentiles of its labels (and of
// the requests) estimates; ok is false when every source's times are whole.
func (l *LoadTest) FractionalSource() (name string, kind sources.Kind, ok bool) {
	e := l.exact
	if e == nil || e.fraction < 0 {
		return "", "", false
	}
	return e.names[e.fraction], e.kinds[e.fraction], true
}
