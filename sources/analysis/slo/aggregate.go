package slo

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/store"
)

// AggregateSource is one source that gives a tool's own final figures and
// no sample (a Locust set, a k6 summary), for EvaluateAggregates.
type AggregateSource struct {
	// From names the figures in messages: "Locust's figures", "the k6
	// summary".
	From string
	Set  *store.AggregateSet
}

// ErrNoFigures is returned by EvaluateAggregates when no source has final
// figures (a Locust set without its _stats.csv, a k6 summary without
// request metrics).
var ErrNoFigures = errors.New("no final figures to check")

// EvaluateAggregates decides every objective against the tools' own final
// figures, over the whole run (final figures cannot be cut to a window).
// Objectives without a label read the totals (Locust's Aggregated row, the
// k6 summary's request metrics), those with one the label's row. A figure
// the tool did not write (a p99 Locust was not asked for, or any APDEX,
// which needs each request's time) fails the objective with the reason, as
// does a label that is not there. With several sources, or one label under
// several methods, requests, errors and rates add up, mean, min and max
// merge exactly, and percentiles are not available: they cannot be merged
// from aggregates.
func EvaluateAggregates(srcs []AggregateSource, objectives []Objective) ([]Result, error) {
	sets := make([]*store.AggregateSet, 0, len(srcs))
	final := 0
	for _, s := range srcs {
		sets = append(sets, s.Set)
		final += len(s.Set.Final)
	}
	if final == 0 {
		return nil, ErrNoFigures
	}
	from := "the tools' figures"
	if len(srcs) == 1 {
		from = srcs[0].From
	}
	out := make([]Result, 0, len(objectives))
	for _, o := range objectives {
		r := Result{Objective: o, Measured: math.NaN()}
		keep := store.IsTotal
		if o.HasLabel {
			keep = func(a *sources.Aggregate) bool { return a.Label == o.Label && !store.IsTotal(a) }
		}
		row, n := store.MergeFinal(sets, keep)
		switch {
		case n == 0 && o.HasLabel:
			r.Problem = noSuchAggregateLabel(sets)
		case n == 0:
			r.Problem = "no totals in " + from
		default:
			r.Measured, r.Problem = measureAggregate(o.Metric, &row, n, from)
			r.Pass = r.Problem == "" && o.Op.holds(r.Measured, o.Value)
		}
		out = append(out, r)
	}
	return out, nil
}

// measureAggregate reads metric from a final row; problem says why it
// cannot. rows is how many rows were merged into a.
func measureAggregate(m Metric, a *sources.Aggregate, rows int, from string) (float64, string) {
	// A row with a rate but no request had none; a k6 sub-metric row without
	// a count has no rate either, and its latencies still stand.
	if a.Requests == 0 && !math.IsNaN(a.RequestsPerSec) {
		return math.NaN(), "no requests in " + from
	}
	var v float64
	switch m {
	case Apdex:
		return math.NaN(), "not available from " + from + ": APDEX needs each request's time"
	case ErrorRate:
		if a.Requests == 0 {
			return math.NaN(), "not available from " + from + ": no request count"
		}
		if a.FailuresUnknown {
			return math.NaN(), "not available from " + from + ": no count of failed requests"
		}
		return float64(a.Failures) / float64(a.Requests), ""
	case Throughput:
		v = a.RequestsPerSec
	case Max:
		v = a.MaxMS
	case Mean:
		v = a.MeanMS
	case P50:
		v = a.Percentile(0.5)
		if math.IsNaN(v) {
			v = a.MedianMS
		}
	default:
		v = a.Percentile(m.quantile())
	}
	if !math.IsNaN(v) {
		return v, ""
	}
	if m.quantile() != 0 && rows > 1 {
		return v, fmt.Sprintf("not available: the percentiles of %d rows (several sources or methods) cannot be merged", rows)
	}
	return v, "not available from " + from + " (no " + string(m) + " written)"
}

// noSuchAggregateLabel lists the labels the figures have.
func noSuchAggregateLabel(sets []*store.AggregateSet) string {
	seen := map[string]bool{}
	var names []string
	for _, set := range sets {
		for i := range set.Final {
			a := &set.Final[i]
			if store.IsTotal(a) || seen[a.Label] {
				continue
			}
			seen[a.Label] = true
			names = append(names, strconv.Quote(a.Label))
		}
	}
	if len(names) == 0 {
		return "no such label; the figures have totals only"
	}
	s := "no such label; labels: " + strings.Join(names[:min(len(names), MaxLabelsListed)], ", ")
	if len(names) > MaxLabelsListed {
		s += fmt.Sprintf(" and %d more", len(names)-MaxLabelsListed)
	}
	return s
}
