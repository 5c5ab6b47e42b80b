package store

import (
	"math"
	"sort"

	"github.com/sobang/sobang/sources"
)

// AggregateSet is what one aggregate-only source (a Locust CSV set, a k6
// summary) said: the tool's own figures, kept apart from the sample buckets
// because they cannot be split into seconds or merged into sketches.
type AggregateSet struct {
	Source   int                        // the source's index
	Final    []sources.Aggregate        // the final figures per label, in the file's order (Aggregated last)
	History  []sources.Aggregate        // history rows in time order (offset applied)
	Failures []sources.AggregateFailure // the tool's failure counts
	// Summary is what the tool's end-of-test summary says beyond its rows
	// (k6: metrics, thresholds, checks); nil for other tools.
	Summary *sources.ToolSummary
}

// Total returns the set's final Aggregated row, nil when there is none.
func (a *AggregateSet) Total() *sources.Aggregate {
	for i := range a.Final {
		if a.Final[i].Label == sources.AggregatedLabel && a.Final[i].Method == "" {
			return &a.Final[i]
		}
	}
	return nil
}

// AggregateSets returns the sets of every aggregate source, in source order.
func (l *LoadTest) AggregateSets() []*AggregateSet {
	var out []*AggregateSet
	for _, a := range l.aggs {
		if a != nil {
			out = append(out, a)
		}
	}
	return out
}

// HasAggregates reports whether any source gave aggregate rows or failures.
func (l *LoadTest) HasAggregates() bool { return len(l.AggregateSets()) > 0 }

func (l *LoadTest) aggregateSet(source int) *AggregateSet {
	for source >= len(l.aggs) {
		l.aggs = append(l.aggs, nil)
	}
	if l.aggs[source] == nil {
		l.aggs[source] = &AggregateSet{Source: source}
	}
	return l.aggs[source]
}

// applyAggregates folds a batch's aggregate rows and failures in; note is
// called with the (offset) time of every history row.
func (l *LoadTest) applyAggregates(b *sources.Batch, offset int64, note func(int64)) bool {
	if b.Reset && b.Source < len(l.aggs) && l.aggs[b.Source] != nil {
		l.aggs[b.Source].History = nil
	}
	if len(b.Aggregates) == 0 && b.Failures == nil && b.Summary == nil {
		return false
	}
	set := l.aggregateSet(b.Source)
	if b.Summary != nil {
		set.Summary = b.Summary
	}
	var final []sources.Aggregate
	sorted := true
	for _, a := range b.Aggregates {
		if a.Final {
			final = append(final, a)
			continue
		}
		a.TimeMS += offset
		note(a.TimeMS)
		if n := len(set.History); n > 0 && set.History[n-1].TimeMS > a.TimeMS {
			sorted = false
		}
		set.History = append(set.History, a)
	}
	if !sorted {
		sort.SliceStable(set.History, func(i, j int) bool { return set.History[i].TimeMS < set.History[j].TimeMS })
	}
	if final != nil {
		set.Final = final
	}
	if b.Failures != nil {
		set.Failures = append([]sources.AggregateFailure(nil), b.Failures...)
	}
	l.aggRange()
	l.Version++
	return true
}

// aggRange recomputes the seconds the history rows span.
func (l *LoadTest) aggRange() {
	l.aggOK = false
	for _, a := range l.aggs {
		if a == nil || len(a.History) == 0 {
			continue
		}
		first := floorDiv(a.History[0].TimeMS, 1000)
		last := floorDiv(a.History[len(a.History)-1].TimeMS, 1000)
		if !l.aggOK || first < l.aggFirst {
			l.aggFirst = first
		}
		if !l.aggOK || last > l.aggLast {
			l.aggLast = last
		}
		l.aggOK = true
	}
}

// rangeWithAggregates widens the buckets' second range by the history rows'.
func (l *LoadTest) rangeWithAggregates(first, last int64, ok bool) (int64, int64, bool) {
	if !l.aggOK {
		return first, last, ok
	}
	if !ok {
		return l.aggFirst, l.aggLast, true
	}
	return min(first, l.aggFirst), max(last, l.aggLast), true
}

// IsTotal reports whether a is a totals row (sources.AggregatedLabel, no
// method) rather than one label's.
func IsTotal(a *sources.Aggregate) bool {
	return a.Label == sources.AggregatedLabel && a.Method == ""
}

// MergeFinal returns the final figures of the rows of sets that keep
// selects, and how many rows that was. One row is returned as it is. Several
// rows (the same label in several sets, or under several methods) are
// merged only where aggregates allow it exactly: requests, failures and
// rates added, the mean weighted by the requests, the smallest minimum and
// the largest maximum; the median and every percentile are NaN, since
// percentiles cannot be merged from aggregates, and never averaged.
func MergeFinal(sets []*AggregateSet, keep func(*sources.Aggregate) bool) (sources.Aggregate, int) {
	var rows []*sources.Aggregate
	for _, set := range sets {
		for i := range set.Final {
			if keep(&set.Final[i]) {
				rows = append(rows, &set.Final[i])
			}
		}
	}
	switch len(rows) {
	case 0:
		return sources.Aggregate{}, 0
	case 1:
		return *rows[0], 1
	}
	nan := math.NaN()
	out := sources.Aggregate{Final: true, Method: rows[0].Method, Label: rows[0].Label, Users: -1,
		RequestsPerSec: nan, FailuresPerSec: nan, MedianMS: nan, MeanMS: nan, MinMS: nan, MaxMS: nan, AvgBytes: nan}
	addRate := func(sum *float64, v float64) {
		if math.IsNaN(v) {
			return
		}
		if math.IsNaN(*sum) {
			*sum = 0
		}
		*sum += v
	}
	var weighted float64
	meanKnown := true
	for _, a := range rows {
		if a.Method != out.Method {
			out.Method = ""
		}
		out.Requests += a.Requests
		out.Failures += a.Failures
		out.FailuresUnknown = out.FailuresUnknown || a.FailuresUnknown
		addRate(&out.RequestsPerSec, a.RequestsPerSec)
		addRate(&out.FailuresPerSec, a.FailuresPerSec)
		if !math.IsNaN(a.MinMS) && (math.IsNaN(out.MinMS) || a.MinMS < out.MinMS) {
			out.MinMS = a.MinMS
		}
		if !math.IsNaN(a.MaxMS) && (math.IsNaN(out.MaxMS) || a.MaxMS > out.MaxMS) {
			out.MaxMS = a.MaxMS
		}
		if a.Requests > 0 {
			if math.IsNaN(a.MeanMS) {
				meanKnown = false
			}
			weighted += a.MeanMS * float64(a.Requests)
		}
	}
	if meanKnown && out.Requests > 0 {
		out.MeanMS = weighted / float64(out.Requests)
	}
	return out, len(rows)
}
