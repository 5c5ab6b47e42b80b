package store

import (
	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/sanitize"
)

// cleanBatch makes the text a batch carries besides its samples and log
// entries safe to show (sanitize.Value: no escape sequence, control, bidi
// or zero-width character, no URL password), before the recorder writes
// the batch or the store keeps it: warnings, bad rows, health, a tool's
// aggregate rows and failures, metric names and label sets.
//
// Samples and log entries, the two records that come by the million, are
// made safe where their strings are made, at no cost per record: a
// load-test parser cleans a value once, when it first interns it, and the
// log ingester sanitises each line as it reads it; the recording reader
// cleans what it reads back. What is cleaned here comes a few times a
// second at most, or once per scrape.
//
// Slices the source may still hold are copied before a change, and only
// when something changes.
func cleanBatch(b *sources.Batch) {
	b.Warnings = cleanEach(b.Warnings, func(s *string) bool { return clean(s) })
	b.Bad = cleanEach(b.Bad, func(r *sources.BadRow) bool { return clean(&r.Reason) })
	b.Aggregates = cleanEach(b.Aggregates, func(a *sources.Aggregate) bool { return clean(&a.Method, &a.Label) })
	b.Failures = cleanEach(b.Failures, func(f *sources.AggregateFailure) bool {
		return clean(&f.Method, &f.Label, &f.Error)
	})
	b.Scrapes = cleanEach(b.Scrapes, func(sc *sources.Scrape) bool {
		changed := false
		sc.Samples = cleanEach(sc.Samples, func(m *sources.MetricSample) bool {
			c := clean(&m.Name, &m.Labels, &m.Query)
			changed = changed || c
			return c
		})
		return changed
	})
	if t := b.Summary; t != nil {
		c := *t
		changed := false
		c.Metrics = cleanEach(c.Metrics, func(m *sources.SummaryMetric) bool {
			// Value keys come from the file too ("p(95)").
			ch := clean(&m.Name, &m.Type)
			m.Values = cleanEach(m.Values, func(v *sources.SummaryValue) bool {
				c := clean(&v.Key)
				ch = ch || c
				return c
			})
			changed = changed || ch
			return ch
		})
		c.Thresholds = cleanEach(c.Thresholds, func(th *sources.Threshold) bool {
			ch := clean(&th.Metric, &th.Expr)
			changed = changed || ch
			return ch
		})
		if changed {
			b.Summary = &c
		}
	}
	if h := b.Health; h != nil {
		c := *h
		if clean(&c.Detail, &c.Err, &c.Format) {
			b.Health = &c
		}
	}
}

// clean replaces each string by sanitize.Value of it and reports whether
// that changed any.
func clean(list ...*string) bool {
	changed := false
	for _, s := range list {
		if c := sanitize.Value(*s); c != *s {
			*s, changed = c, true
		}
	}
	return changed
}

// cleanEach returns list with clean applied to each element: list itself
// when that changed nothing, else a copy, so that a slice the source keeps
// is never written to. clean reports whether it changed its element.
func cleanEach[T any](list []T, clean func(*T) bool) []T {
	for i := range list {
		v := list[i]
		if !clean(&v) {
			continue
		}
		out := append([]T(nil), list...)
		out[i] = v
		for j := i + 1; j < len(out); j++ {
			clean(&out[j])
		}
		return out
	}
	return list
}
