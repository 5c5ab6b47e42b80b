package store

import (
	"sort"
	"strconv"

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
	// Points are the scrapes in time order, ms: the value, or a
	// histogram's or summary's sample count. They are calc.Points so that
	// the metric math reads them in place.
	Points []calc.Point
	Hist   []HistPoint
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
}

// ScrapeStatus is the outcome of the latest scrapes of one source.
type ScrapeStatus struct {
	T  []int64
	Up []bool
}

// Metrics holds every series of every scrape source.
type Metrics struct {
	byID     map[string]*Series
	families map[string]*Family
	order    []*Family
	Up       map[int]*ScrapeStatus
	Version  uint64
}

func newMetrics() *Metrics {
	return &Metrics{byID: map[string]*Series{}, families: map[string]*Family{}, Up: map[int]*ScrapeStatus{}}
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
	for i := range sc.Samples {
		smp := &sc.Samples[i]
		key := strconv.Itoa(source) + "/" + smp.Series()
		s := m.byID[key]
		if s == nil {
			s = &Series{Name: smp.Name, Labels: smp.Labels, Type: smp.Type, Source: source}
			m.byID[key] = s
			f := m.families[smp.Name]
			if f == nil {
				f = &Family{Name: smp.Name, Type: smp.Type}
				m.families[smp.Name] = f
				m.order = append(m.order, f)
				sort.Slice(m.order, func(i, j int) bool { return m.order[i].Name < m.order[j].Name })
			}
			f.Series = append(f.Series, s)
			sort.Slice(f.Series, func(i, j int) bool { return f.Series[i].Labels < f.Series[j].Labels })
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
	m.Version++
}

// At returns the index of the last point at or before ms, -1 when none.
func (s *Series) At(ms int64) int {
	return sort.Search(len(s.Points), func(i int) bool { return s.Points[i].T > ms }) - 1
}
