package report

import (
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/store"
)

// AggregateNote is the loadtest section's note when its figures are a
// tool's own aggregates (Locust) rather than sobang's statistics of samples.
const AggregateNote = "Locust's own aggregates, reported as written: labels and totals from _stats.csv (its Aggregated row), " +
	"the timeline from _stats_history.csv's Aggregated rows, errors from _failures.csv; no per-request data exists, " +
	"so nothing is recomputed, no APDEX, no response codes, and a window or --skip trims only the timeline"

// fillAggregates fills the loadtest section from the aggregate sets, when
// the store holds aggregates and no sample.
func fillAggregates(out *LoadTest, lt *store.LoadTest, opt Options, loc *time.Location) {
	sets := lt.AggregateSets()
	out.Note = AggregateNote
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
	var totals []*sources.Aggregate
	for _, set := range sets {
		for i := range set.Final {
			a := &set.Final[i]
			if a.Label == sources.AggregatedLabel && a.Method == "" {
				totals = append(totals, a)
				continue
			}
			l := Label{Label: a.Label, Samples: a.Requests, Errors: a.Failures,
				MeanMS: ms(a.MeanMS), MinMS: ms(a.MinMS), MaxMS: ms(a.MaxMS),
				P50MS: ms(a.Percentile(0.5)), P90MS: ms(a.Percentile(0.9)), P95MS: ms(a.Percentile(0.95)), P99MS: ms(a.Percentile(0.99)),
				ThroughputRPS: ms(a.RequestsPerSec), TopErrors: []ErrorKey{}}
			if math.IsNaN(a.Percentile(0.5)) {
				l.P50MS = ms(a.MedianMS)
			}
			if a.Requests > 0 {
				l.ErrorPct = round(100*float64(a.Failures)/float64(a.Requests), 3)
			}
			if list := perLabel[a.Label]; list != nil {
				l.TopErrors = errorKeys(byCount(list), TopErrorsPerLabel, a.Failures, a.Requests)
			}
			out.Labels = append(out.Labels, l)
		}
	}
	switch len(totals) {
	case 0:
	case 1:
		a := totals[0]
		out.Samples, out.Errors = a.Requests, a.Failures
		out.MeanMS, out.MinMS, out.MaxMS = ms(a.MeanMS), ms(a.MinMS), ms(a.MaxMS)
		out.P50MS, out.P90MS, out.P95MS, out.P99MS = ms(a.Percentile(0.5)), ms(a.Percentile(0.9)), ms(a.Percentile(0.95)), ms(a.Percentile(0.99))
		out.ThroughputRPS = ms(a.RequestsPerSec)
	default:
		// Several sets: counts and rates add up; percentiles cannot be
		// merged from aggregates, so they are left out.
		out.Note += fmt.Sprintf("; %d Locust sets: their counts and rates are added, their latencies are not merged (left 0)", len(totals))
		for _, a := range totals {
			out.Samples += a.Requests
			out.Errors += a.Failures
			out.ThroughputRPS += ms(a.RequestsPerSec)
		}
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
			if a.Label != sources.AggregatedLabel || a.Method != "" {
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
			pts = append(pts, point{a.TimeMS, req, errs, a.Percentile(0.95)})
		}
	}
	sort.SliceStable(pts, func(i, j int) bool { return pts[i].ms < pts[j].ms })
	for _, p := range pts {
		if n := len(out.Timeline); n > 0 && out.Timeline[n-1].T == stamp(p.ms, loc) {
			// Two sets on one second: counts add, the p95 is the larger.
			s := &out.Timeline[n-1]
			s.Samples += p.req
			s.Errors += p.err
			s.P95MS = max(s.P95MS, round(p.p95, 1))
			continue
		}
		out.Timeline = append(out.Timeline, Second{T: stamp(p.ms, loc), Samples: p.req, Errors: p.err, P95MS: round(p.p95, 1)})
	}
	if len(pts) > 0 {
		out.Start, out.End = stamp(firstMS, loc), stamp(lastMS, loc)
	}
}
