package store

import (
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
	// Points are the scrapes in time order, ms: the value, or a
	// histogram's or summary's sample count. They are calc.Points so that
	// the metric math reads them in place.
	Points []calc.Point
	Hist   []HistPoint

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
		if n := len(s.Points); n > 0 && ms <= s.Points[n-1].T {
			// A second query answering a series already held (a query
			// added from the dashboard over the range already asked):
			// the points stay in time order, the first answer kept.
			continue
		}
		if n := len(s.Points); n > 0 {
			g := ms - s.Points[n-1].T
			s.gapMS = g
			if s.lastGapMS > 0 {
				s.gapMS = min(g, s.lastGapMS)
			}
			s.lastGapMS = g
		}
		s.Points = append(s.Points, calc.Point{T: ms, V: smp.Value})
		if smp.Type == sources.MetricHistogram {
			s.Hist = append(s.Hist, HistPoint{TimeMS: ms, Count: smp.Value, Sum: smp.Sum, Buckets: smp.Buckets})
		}
		if len(s.Points) > 2*sources.MaxPoints {
			s.Points = append(s.Points[:0], s.Points[len(s.Points)-sources.MaxPoints:]...)
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

// At returns the index of the last point at or before ms, -1 when none.
func (s *Series) At(ms int64) int {
	return sort.Search(len(s.Points), func(i int) bool { return s.Points[i].T > ms }) - 1
}
