package store

import (
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/store/calc"
)

// HistPoint is one scrape of a classic histogram series.
type HistPoint struct {
	TimeMS  int64
	Count   float64
	Sum     float64
	Buckets []sources.Bucket
}

// Series is one metric series of one source.
type Series struct {
	Name   string
	Labels string
	Type   sources.MetricType
	Source int
	// Query is the PromQL whose answer first held the series
	// (sources.MetricSample.Query), empty for a scrape or a file.
	Query string
	// Hist are a histogram's scrapes in time order with their buckets.
	Hist []HistPoint

	// The scrapes in time order, ms: the value, or a histogram's or
	// summary's sample count, in compressed chunks (chunk.go) read
	// through Points, PointsAround, PointAt and Last.
	sealed []chunk
	head   pointAppender
	n      int

	// gapMS is the shorter of the last two gaps between points: a series
	// asked of a server at a 15 s step holds each value until the next
	// step, where a scrape's every second goes stale after StaleAfter.
	gapMS, lastGapMS int64
}

// ID returns the series identity `name{labels}`.
func (s *Series) ID() string {
	if s.Labels == "" {
		return s.Name
	}
	return s.Name + "{" + s.Labels + "}"
}

// Family groups the series of one metric name.
type Family struct {
	Name   string
	Type   sources.MetricType
	Series []*Series

	sorted bool // false while the scrape that added series is applied
}

// ScrapeStatus is the outcome of the latest scrapes of one source.
type ScrapeStatus struct {
	T  []int64
	Up []bool
}

// Metrics holds every series of every scrape source.
type Metrics struct {
	byID     map[seriesKey]*Series
	families map[string]*Family
	order    []*Family
	Up       map[int]*ScrapeStatus
	Version  uint64

	// unsorted collects the families that gained series in one scrape, so
	// that each is sorted once per scrape rather than once per new series
	// (which made a first scrape of 50,000 series quadratic).
	unsorted []*Family
}

// seriesKey identifies a series of one source without building a string
// per sample: a scrape looks up every one of its series.
type seriesKey struct {
	source       int
	name, labels string
}

func newMetrics() *Metrics {
	return &Metrics{byID: map[seriesKey]*Series{}, families: map[string]*Family{}, Up: map[int]*ScrapeStatus{}}
}

// Families returns every family, sorted by name.
func (m *Metrics) Families() []*Family { return m.order }

// Family returns the family of a metric name, nil when unknown.
func (m *Metrics) Family(name string) *Family { return m.families[name] }

// Empty reports whether nothing was scraped successfully.
func (m *Metrics) Empty() bool { return len(m.byID) == 0 }

func (m *Metrics) add(source int, ms int64, sc sources.Scrape) {
	st := m.Up[source]
	if st == nil {
		st = &ScrapeStatus{}
		m.Up[source] = st
	}
	st.T = append(st.T, ms)
	st.Up = append(st.Up, sc.Up)
	if len(st.T) > 2*sources.MaxPoints {
		st.T = append(st.T[:0], st.T[len(st.T)-sources.MaxPoints:]...)
		st.Up = append(st.Up[:0], st.Up[len(st.Up)-sources.MaxPoints:]...)
	}
	newFamilies := false
	for i := range sc.Samples {
		smp := &sc.Samples[i]
		s := m.byID[seriesKey{source, smp.Name, smp.Labels}]
		if s == nil {
			s = m.newSeries(source, smp, &newFamilies)
		}
		if s.n > 0 && ms <= s.head.t {
			// A second query answering a series already held (a query
			// added from the dashboard over the range already asked):
			// the points stay in time order, the first answer kept.
			continue
		}
		if s.n > 0 {
			g := ms - s.head.t
			s.gapMS = g
			if s.lastGapMS > 0 {
				s.gapMS = min(g, s.lastGapMS)
			}
			s.lastGapMS = g
		}
		s.appendPoint(ms, smp.Value)
		if smp.Type == sources.MetricHistogram {
			s.Hist = append(s.Hist, HistPoint{TimeMS: ms, Count: smp.Value, Sum: smp.Sum, Buckets: smp.Buckets})
		}
		if len(s.Hist) > 2*sources.MaxPoints {
			s.Hist = append(s.Hist[:0], s.Hist[len(s.Hist)-sources.MaxPoints:]...)
		}
	}
	if newFamilies {
		slices.SortFunc(m.order, func(a, b *Family) int { return strings.Compare(a.Name, b.Name) })
	}
	for _, f := range m.unsorted {
		f.sorted = true
		slices.SortStableFunc(f.Series, func(a, b *Series) int { return strings.Compare(a.Labels, b.Labels) })
	}
	clear(m.unsorted)
	m.unsorted = m.unsorted[:0]
	m.Version++
}

// newSeries adds the series of smp, and its family when new; both are put
// in order at the end of the scrape.
func (m *Metrics) newSeries(source int, smp *sources.MetricSample, newFamilies *bool) *Series {
	s := &Series{Name: smp.Name, Labels: smp.Labels, Type: smp.Type, Source: source, Query: smp.Query}
	m.byID[seriesKey{source, smp.Name, smp.Labels}] = s
	f := m.families[smp.Name]
	if f == nil {
		f = &Family{Name: smp.Name, Type: smp.Type, sorted: true}
		m.families[smp.Name] = f
		m.order = append(m.order, f)
		*newFamilies = true
	}
	f.Series = append(f.Series, s)
	if f.sorted {
		f.sorted = false
		m.unsorted = append(m.unsorted, f)
	}
	return s
}

// Spacing is the shorter of the last two gaps between the series' points
// (a scrape's interval, or the step it was asked at), 0 before two.
func (s *Series) Spacing() int64 { return s.gapMS }

// appendPoint adds a point later than every other. Beyond twice
// sources.MaxPoints the oldest chunks go, down to MaxPoints, as the
// scrape statuses are cut: between one and two times MaxPoints are kept.
func (s *Series) appendPoint(ms int64, v float64) {
	if s.head.n == chunkPoints {
		s.sealed = append(s.sealed, s.head.seal())
	}
	s.head.append(ms, v)
	s.n++
	if s.n <= 2*sources.MaxPoints {
		return
	}
	drop := 0
	for drop < len(s.sealed) && s.n-int(s.sealed[drop].n) >= sources.MaxPoints {
		s.n -= int(s.sealed[drop].n)
		drop++
	}
	k := copy(s.sealed, s.sealed[drop:])
	clear(s.sealed[k:])
	s.sealed = s.sealed[:k]
}

// Len returns how many points the series holds.
func (s *Series) Len() int { return s.n }

// Last returns the newest point, false when there is none.
func (s *Series) Last() (calc.Point, bool) {
	if s.n == 0 {
		return calc.Point{}, false
	}
	return calc.Point{T: s.head.t, V: s.head.v}, true
}

// First returns the oldest point, false when there is none.
func (s *Series) First() (calc.Point, bool) {
	c := s.head.open()
	if len(s.sealed) > 0 {
		c = s.sealed[0]
	}
	if c.n == 0 {
		return calc.Point{}, false
	}
	r := bitReader{b: c.b}
	t := int64(r.readBits(64))
	return calc.Point{T: t, V: math.Float64frombits(r.readBits(64))}, true
}

// chunks calls f with each chunk, the open one last, from the first whose
// newest point is at or after fromMS, stopping at the first that starts
// after toMS.
func (s *Series) chunks(fromMS, toMS int64, f func(chunk)) {
	k := sort.Search(len(s.sealed), func(i int) bool { return s.sealed[i].maxT >= fromMS })
	for ; k < len(s.sealed); k++ {
		if s.sealed[k].minT > toMS {
			return
		}
		f(s.sealed[k])
	}
	if s.head.n > 0 && s.head.minT <= toMS {
		f(s.head.open())
	}
}

// Points appends every point, oldest first, to dst and returns it.
func (s *Series) Points(dst []calc.Point) []calc.Point {
	return s.PointsAround(dst, math.MinInt64, math.MaxInt64)
}

// PointsAround appends to dst, oldest first, the points at fromMS through
// toMS and the last one before fromMS when there is one, and returns it:
// what a query over the range reads, the value held at its start
// included.
func (s *Series) PointsAround(dst []calc.Point, fromMS, toMS int64) []calc.Point {
	return s.pointsAround(dst, fromMS, toMS, 1)
}

// pointsAround is PointsAround with up to before points before fromMS, at
// most 2: a counter's rate after its last point reads the last two.
func (s *Series) pointsAround(dst []calc.Point, fromMS, toMS int64, before int) []calc.Point {
	start := len(dst)
	// The points before fromMS end the chunk before the first one
	// reaching fromMS (a sealed chunk holds chunkPoints of them), or
	// start that one: start one chunk earlier.
	k := sort.Search(len(s.sealed), func(i int) bool { return s.sealed[i].maxT >= fromMS })
	if k > 0 {
		fromChunk := s.sealed[k-1].minT
		s.chunks(fromChunk, toMS, func(c chunk) { dst = appendChunk(dst, c) })
	} else {
		s.chunks(fromMS, toMS, func(c chunk) { dst = appendChunk(dst, c) })
	}
	got := dst[start:]
	lo := sort.Search(len(got), func(i int) bool { return got[i].T >= fromMS })
	lo = max(lo-before, 0)
	hi := sort.Search(len(got), func(i int) bool { return got[i].T > toMS })
	n := copy(got, got[lo:hi])
	return dst[:start+n]
}

// PointAt returns the last point at or before ms, false when none.
func (s *Series) PointAt(ms int64) (calc.Point, bool) {
	var buf [chunkPoints + 1]calc.Point
	// The point sits in the last chunk starting at or before ms.
	k := sort.Search(len(s.sealed), func(i int) bool { return s.sealed[i].minT > ms })
	var c chunk
	switch {
	case s.head.n > 0 && s.head.minT <= ms:
		c = s.head.open()
	case k > 0:
		c = s.sealed[k-1]
	default:
		return calc.Point{}, false
	}
	pts := appendChunk(buf[:0], c)
	j := sort.Search(len(pts), func(i int) bool { return pts[i].T > ms }) - 1
	if j < 0 {
		return calc.Point{}, false
	}
	return pts[j], true
}
