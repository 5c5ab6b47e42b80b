package report

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/store"
)

// AggregateNote is the loadtest section's note when its figures are a
// Locust set's own aggregates rather than sobang's statistics of samples.
const AggregateNote = "Locust's own aggregates, reported as written: labels and totals from _stats.csv (its Aggregated row), " +
	"the timeline from _stats_history.csv's Aggregated rows, errors from _failures.csv; no per-request data exists, " +
	"so nothing is recomputed, no APDEX, no response codes, and a window or --skip trims only the timeline"

// K6SummaryNote is the note for a k6 end-of-test summary's own figures.
const K6SummaryNote = "k6's own end-of-test summary, reported as written: totals from http_req_duration (grpc_req_duration), " +
	"http_reqs and http_req_failed, labels from their tagged sub-metrics (k6 writes those for the thresholds a script sets; " +
	"they may overlap and need not add up to the totals); a summary has no timestamps, so no start, no end and no timeline, " +
	"no APDEX, no response codes and no error texts, and a window or --skip cannot trim it"

// toolNote is the generic note for a tool's own figures.
const toolNote = "the tool's own aggregates, reported as written; nothing is recomputed"

// severalNote is the note when several aggregate sources are given together.
const severalNote = "%d sources of tool-written aggregates (%s): their requests, errors and rates are added, " +
	"mean, min and max merged exactly, and the percentiles of totals and of labels found in several sources left 0: " +
	"percentiles cannot be merged from aggregates (a label found in one source keeps its own); " +
	"the timeline's p95 is left 0 likewise; each source's own figures are under aggregates"

// mixNote is the note when samples and tool-written aggregates are given
// together.
const mixNote = "totals, labels and timeline are sobang's statistics of the samples of %s; " +
	"the tool-written aggregates of %s cannot be merged with samples and are reported apart, under aggregates"

// AggregateSource is one aggregate-only source's own figures (a Locust set,
// a k6 summary), as the tool wrote them. A figure it did not write is null.
type AggregateSource struct {
	Path   string `json:"path"`
	Kind   string `json:"kind"`
	Format string `json:"format,omitempty"`
	Note   string `json:"note"`
	// Start and End span the source's history rows in the window; empty
	// when it has none (a k6 summary never has).
	Start  string             `json:"start,omitempty"`
	End    string             `json:"end,omitempty"`
	Total  *AggregateFigures  `json:"total"`
	Labels []AggregateFigures `json:"labels"`
}

// AggregateFigures is one row of a tool's final figures.
type AggregateFigures struct {
	Label         string   `json:"label"`
	Method        string   `json:"method,omitempty"`
	Samples       int64    `json:"samples"`
	Errors        int64    `json:"errors"`
	ErrorPct      float64  `json:"error_pct"`
	MeanMS        *float64 `json:"mean_ms"`
	MinMS         *float64 `json:"min_ms"`
	MaxMS         *float64 `json:"max_ms"`
	P50MS         *float64 `json:"p50_ms"`
	P90MS         *float64 `json:"p90_ms"`
	P95MS         *float64 `json:"p95_ms"`
	P99MS         *float64 `json:"p99_ms"`
	ThroughputRPS *float64 `json:"throughput_rps"`
	// Percentiles are every percentile the tool wrote, in its order.
	Percentiles []PercentileMS `json:"percentiles"`
}

// name is the row's name as the tables show it (sources.Aggregate.Name).
func (f *AggregateFigures) name() string {
	a := sources.Aggregate{Method: f.Method, Label: f.Label}
	return a.Name()
}

// PercentileMS is one written percentile: Q from 0 to 1, MS null where the
// tool wrote none (Locust's N/A).
type PercentileMS struct {
	Q  float64  `json:"q"`
	MS *float64 `json:"ms"`
}

// sourceNote is the note for one aggregate source, by its kind.
func sourceNote(kind sources.Kind) string {
	switch kind {
	case sources.KindLocust:
		return AggregateNote
	case sources.KindK6:
		return K6SummaryNote
	}
	return toolNote
}

// known returns v, or nil when the tool did not write it.
func known(v float64) *float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return &v
}

// median is a row's p50: its 50% column, else its median.
func median(a *sources.Aggregate) float64 {
	if v := a.Percentile(0.5); !math.IsNaN(v) {
		return v
	}
	return a.MedianMS
}

func figures(a *sources.Aggregate) AggregateFigures {
	f := AggregateFigures{Label: a.Label, Method: a.Method, Samples: a.Requests, Errors: a.Failures,
		MeanMS: known(a.MeanMS), MinMS: known(a.MinMS), MaxMS: known(a.MaxMS),
		P50MS: known(median(a)), P90MS: known(a.Percentile(0.9)), P95MS: known(a.Percentile(0.95)), P99MS: known(a.Percentile(0.99)),
		ThroughputRPS: known(a.RequestsPerSec), Percentiles: []PercentileMS{}}
	if a.Requests > 0 {
		f.ErrorPct = round(100*float64(a.Failures)/float64(a.Requests), 3)
	}
	for _, p := range a.Percentiles {
		f.Percentiles = append(f.Percentiles, PercentileMS{Q: p.Q, MS: known(p.MS)})
	}
	return f
}

// aggregateSource is one set's own figures, for the aggregates key.
func aggregateSource(set *store.AggregateSet, src *store.Source, opt Options, loc *time.Location) AggregateSource {
	out := AggregateSource{Labels: []AggregateFigures{}}
	if src != nil {
		out.Path, out.Kind, out.Format, out.Note = src.Name, string(src.Info.Kind), src.Health.Format, sourceNote(src.Info.Kind)
	}
	for i := range set.Final {
		a := &set.Final[i]
		if store.IsTotal(a) {
			f := figures(a)
			out.Total = &f
			continue
		}
		out.Labels = append(out.Labels, figures(a))
	}
	var first, last int64
	for _, a := range set.History {
		if !store.IsTotal(&a) || (opt.FromMS != 0 && a.TimeMS < opt.FromMS) || (opt.ToMS != 0 && a.TimeMS >= opt.ToMS) {
			continue
		}
		if first == 0 || a.TimeMS < first {
			first = a.TimeMS
		}
		last = max(last, a.TimeMS)
	}
	if first != 0 {
		out.Start, out.End = stamp(first, loc), stamp(last, loc)
	}
	return out
}

// addAggregates adds what aggregate-only sources (Locust sets, k6
// summaries) said: each source's own figures under aggregates and, when the
// store holds no sample, the section's totals, labels and timeline from
// them. With samples too, the section stays the samples' and says so.
func addAggregates(out *LoadTest, st *store.Store, opt Options, loc *time.Location) {
	lt := st.Load
	sets := lt.AggregateSets()
	if len(sets) == 0 {
		return
	}
	srcOf := func(set *store.AggregateSet) *store.Source {
		if set.Source >= 0 && set.Source < len(st.Sources) {
			return st.Sources[set.Source]
		}
		return nil
	}
	var aggNames []string
	for _, set := range sets {
		a := aggregateSource(set, srcOf(set), opt, loc)
		out.Aggregates = append(out.Aggregates, a)
		aggNames = append(aggNames, a.Path)
	}
	if !lt.Empty() {
		var sampleNames []string
		for i, s := range st.Sources {
			if s.Info.Kind.Group() == sources.KindLoadTest && !hasSet(sets, i) {
				sampleNames = append(sampleNames, s.Name)
			}
		}
		out.Note = fmt.Sprintf(mixNote, strings.Join(sampleNames, ", "), strings.Join(aggNames, ", "))
		out.aggregatesApart = true
		return
	}
	out.Timeline = out.Timeline[:0]
	// No tool that gives aggregates only writes bytes per second.
	out.KBReceivedPerSec, out.KBSentPerSec = nil, nil
	if len(sets) == 1 {
		kind := sources.KindLocust
		if src := srcOf(sets[0]); src != nil {
			kind = src.Info.Kind
		}
		out.Note = sourceNote(kind)
	} else {
		out.Note = fmt.Sprintf(severalNote, len(sets), strings.Join(aggNames, ", "))
		out.aggregatesApart = true
	}
	fillAggregates(out, sets, opt, loc)
}

func hasSet(sets []*store.AggregateSet, source int) bool {
	for _, s := range sets {
		if s.Source == source {
			return true
		}
	}
	return false
}

// fillAggregates fills the loadtest section from the aggregate sets, when
// the store holds aggregates and no sample. One set is shown as written;
// several are merged as store.MergeFinal allows, label by label.
func fillAggregates(out *LoadTest, sets []*store.AggregateSet, opt Options, loc *time.Location) {
	var errs []store.ErrorCount
	perLabel := map[string][]store.ErrorCount{}
	for _, set := range sets {
		for _, f := range set.Failures {
			errs = append(errs, store.ErrorCount{Key: f.Error, Count: f.Occurrences})
			perLabel[f.Label] = append(perLabel[f.Label], store.ErrorCount{Key: f.Error, Count: f.Occurrences})
		}
	}
	byCount := func(list []store.ErrorCount) []store.ErrorCount {
		// Merge equal keys, most frequent first (ties by key), as the store lists them.
		m := map[string]int64{}
		for _, e := range list {
			m[e.Key] += e.Count
		}
		out := make([]store.ErrorCount, 0, len(m))
		for k, n := range m {
			out = append(out, store.ErrorCount{Key: k, Count: n})
		}
		sort.Slice(out, func(i, j int) bool {
			if out[i].Count != out[j].Count {
				return out[i].Count > out[j].Count
			}
			return out[i].Key < out[j].Key
		})
		return out
	}
	ms := func(v float64) float64 { return finite(v) }
	// The rows: each set's as written with one set; with several, one row
	// per (method, label), merged across the sets.
	var rows []sources.Aggregate
	if len(sets) == 1 {
		for _, a := range sets[0].Final {
			if !store.IsTotal(&a) {
				rows = append(rows, a)
			}
		}
	} else {
		type key struct{ method, label string }
		seen := map[key]bool{}
		for _, set := range sets {
			for _, a := range set.Final {
				k := key{a.Method, a.Label}
				if store.IsTotal(&a) || seen[k] {
					continue
				}
				seen[k] = true
				merged, _ := store.MergeFinal(sets, func(b *sources.Aggregate) bool {
					return b.Method == k.method && b.Label == k.label && !store.IsTotal(b)
				})
				rows = append(rows, merged)
			}
		}
	}
	for i := range rows {
		a := &rows[i]
		l := Label{Label: a.Label, Samples: a.Requests, Errors: a.Failures,
			MeanMS: ms(a.MeanMS), MinMS: ms(a.MinMS), MaxMS: ms(a.MaxMS),
			P50MS: ms(median(a)), P90MS: ms(a.Percentile(0.9)), P95MS: ms(a.Percentile(0.95)), P99MS: ms(a.Percentile(0.99)),
			ThroughputRPS: ms(a.RequestsPerSec), TopErrors: []ErrorKey{}}
		if a.Requests > 0 {
			l.ErrorPct = round(100*float64(a.Failures)/float64(a.Requests), 3)
		}
		if list := perLabel[a.Label]; list != nil {
			l.TopErrors = errorKeys(byCount(list), TopErrorsPerLabel, a.Failures, a.Requests)
		}
		out.Labels = append(out.Labels, l)
	}
	if total, n := store.MergeFinal(sets, store.IsTotal); n > 0 {
		a := &total
		out.Samples, out.Errors = a.Requests, a.Failures
		out.MeanMS, out.MinMS, out.MaxMS = ms(a.MeanMS), ms(a.MinMS), ms(a.MaxMS)
		out.P50MS, out.P90MS, out.P95MS, out.P99MS = ms(median(a)), ms(a.Percentile(0.9)), ms(a.Percentile(0.95)), ms(a.Percentile(0.99))
		out.ThroughputRPS = ms(a.RequestsPerSec)
	}
	if out.Samples > 0 {
		out.ErrorPct = round(100*float64(out.Errors)/float64(out.Samples), 3)
	}
	out.ErrorsByKey = errorKeys(byCount(errs), 0, out.Errors, out.Samples)
	// The timeline: one point per history Aggregated row, with the requests
	// and failures since the previous row (Locust's counts are cumulative).
	type point struct {
		ms       int64
		req, err int64
		p95      float64
	}
	var pts []point
	var firstMS, lastMS int64
	for _, set := range sets {
		var prevReq, prevErr int64
		for _, a := range set.History {
			if !store.IsTotal(&a) {
				continue
			}
			req, errs := a.Requests-prevReq, a.Failures-prevErr
			if req < 0 || errs < 0 { // counters reset (stats reset in the web UI)
				req, errs = a.Requests, a.Failures
			}
			prevReq, prevErr = a.Requests, a.Failures
			if (opt.FromMS != 0 && a.TimeMS < opt.FromMS) || (opt.ToMS != 0 && a.TimeMS >= opt.ToMS) {
				continue
			}
			if firstMS == 0 || a.TimeMS < firstMS {
				firstMS = a.TimeMS
			}
			lastMS = max(lastMS, a.TimeMS)
			p95 := a.Percentile(0.95)
			if len(sets) > 1 {
				p95 = 0 // one set's p95 is not the p95 of all
			}
			pts = append(pts, point{a.TimeMS, req, errs, p95})
		}
	}
	sort.SliceStable(pts, func(i, j int) bool { return pts[i].ms < pts[j].ms })
	for _, p := range pts {
		if n := len(out.Timeline); n > 0 && out.Timeline[n-1].T == stamp(p.ms, loc) {
			// Two sets on one second: counts add.
			s := &out.Timeline[n-1]
			s.Samples += p.req
			s.Errors += p.err
			continue
		}
		out.Timeline = append(out.Timeline, Second{T: stamp(p.ms, loc), Samples: p.req, Errors: p.err, P95MS: round(p.p95, 1)})
	}
	if len(pts) > 0 {
		out.Start, out.End = stamp(firstMS, loc), stamp(lastMS, loc)
	}
}

// writeAggregates renders each aggregate source's own figures, when they
// are not already the section's (samples too, or several sources).
func writeAggregates(b *strings.Builder, lt *LoadTest, md bool, h func(int, string), table func([]string, [][]string)) {
	if !lt.aggregatesApart || len(lt.Aggregates) == 0 {
		return
	}
	h(3, "Tool-written aggregates")
	opt := func(v *float64, format string) string {
		if v == nil {
			return "–"
		}
		return fmt.Sprintf(format, *v)
	}
	for _, a := range lt.Aggregates {
		span := ""
		if a.Start != "" {
			span = fmt.Sprintf(", %s .. %s", a.Start, a.End)
		}
		fmt.Fprintf(b, "%s (%s%s): %s.\n\n", inert(a.Path, md), inert(a.Format, md), span, inert(a.Note, md))
		var rows [][]string
		all := append([]AggregateFigures{}, a.Labels...)
		if a.Total != nil {
			all = append(all, *a.Total)
		}
		for _, f := range all {
			rows = append(rows, []string{f.name(), fmt.Sprint(f.Samples), fmt.Sprint(f.Errors), fmt.Sprintf("%.2f%%", f.ErrorPct),
				opt(f.MeanMS, "%.0f"), opt(f.P50MS, "%.0f"), opt(f.P95MS, "%.0f"), opt(f.P99MS, "%.0f"), opt(f.MaxMS, "%.0f"),
				opt(f.ThroughputRPS, "%.2f")})
		}
		table([]string{"label", "samples", "errors", "error %", "mean ms", "p50 ms", "p95 ms", "p99 ms", "max ms", "req/s"}, rows)
	}
}
