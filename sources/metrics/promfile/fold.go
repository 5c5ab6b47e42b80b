package promfile

import (
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/metrics/scrape"
)

// raw is one sample as a file holds it, before histograms are folded.
type raw struct {
	ms     int64 // epoch milliseconds; noTime when the sample has none
	name   string
	labels []label // without __name__
	value  float64
	line   int // 1-based, 0 when unknown
	// native is a native histogram's sample (API answers only), already
	// folded; name and labels are its identity.
	native *sources.MetricSample
	// query is the PromQL whose answer held the sample (Collector), ""
	// for a file.
	query string
}

// noTime marks a sample without a timestamp of its own.
const noTime = math.MinInt64

type label struct{ name, value string }

// result is what a file held.
type result struct {
	path    string
	format  string
	samples []raw
	types   map[string]sources.MetricType // from # TYPE lines, by family name

	series, points int
	badRows        int
	bad            []sources.BadRow
	warnings       []string
}

func (r *result) badRow(line int, reason string) {
	r.badRows++
	if len(r.bad) < sources.MaxBadRowsKept {
		r.bad = append(r.bad, sources.BadRow{Line: line, Reason: reason})
	}
}

// scrapes groups the samples by time into one Scrape each, in time order,
// with classic histograms (and summaries' _count and _sum) folded into one
// sample per series as a scrape of /metrics gives them.
func (r *result) scrapes() []sources.Scrape {
	byTime := map[int64][]raw{}
	for _, s := range r.samples {
		byTime[s.ms] = append(byTime[s.ms], s)
	}
	r.samples = nil
	hist, summ := r.bases(byTime)
	seen := map[string]struct{}{}
	var out []sources.Scrape
	for _, ms := range sortedTimes(byTime) {
		samples := r.fold(byTime[ms], hist, summ)
		if len(samples) == 0 {
			continue
		}
		for _, s := range samples {
			seen[s.Series()] = struct{}{}
		}
		r.points += len(samples)
		out = append(out, sources.Scrape{Time: timeOf(ms), Up: true, Samples: samples})
	}
	r.series = len(seen)
	return out
}

// bases returns the names of the histograms (declared, or a _bucket series
// with an le label whose name is declared nothing else) and the summaries.
func (r *result) bases(byTime map[int64][]raw) (hist, summ map[string]bool) {
	hist, summ = map[string]bool{}, map[string]bool{}
	for name, t := range r.types {
		switch t {
		case sources.MetricHistogram:
			hist[name] = true
		case sources.MetricSummary:
			summ[name] = true
		}
	}
	for _, list := range byTime {
		for _, s := range list {
			base, ok := strings.CutSuffix(s.name, "_bucket")
			if !ok || hist[base] {
				continue
			}
			if _, declared := r.types[base]; declared {
				continue
			}
			if _, declared := r.types[s.name]; declared {
				continue
			}
			if hasLabel(s.labels, "le") {
				hist[base] = true
			}
		}
	}
	return hist, summ
}

func hasLabel(ls []label, name string) bool {
	for _, l := range ls {
		if l.name == name {
			return true
		}
	}
	return false
}

// fold turns the samples of one time into MetricSamples.
func (r *result) fold(list []raw, hist, summ map[string]bool) []sources.MetricSample {
	type key struct{ name, labels string }
	var out []sources.MetricSample
	folded := map[key]int{} // index in out of a histogram or summary
	seen := map[key]struct{}{}
	add := func(s sources.MetricSample, line int) {
		k := key{s.Name, s.Labels}
		if _, dup := seen[k]; dup {
			r.badRow(line, "the series "+s.Series()+" appears twice at one time; the first is kept")
			return
		}
		seen[k] = struct{}{}
		out = append(out, s)
	}
	into := func(name string, ls []label, typ sources.MetricType) *sources.MetricSample {
		k := key{name, labelString(ls)}
		i, ok := folded[k]
		if !ok {
			i = len(out)
			folded[k] = i
			out = append(out, sources.MetricSample{Name: name, Labels: k.labels, Type: typ, Value: math.NaN()})
		}
		return &out[i]
	}
	// A folded histogram's or summary's value is its count: the query of
	// its _count names it, else the first query that held a part.
	setQuery := func(m *sources.MetricSample, q, suffix string) {
		if m.Query == "" || suffix == "_count" {
			m.Query = q
		}
	}
	for _, s := range list {
		if s.native != nil {
			add(*s.native, s.line)
			continue
		}
		base, suffix := splitSuffix(s.name)
		switch {
		case suffix == "_bucket" && hist[base]:
			le, rest, ok := cutLabel(s.labels, "le")
			if !ok {
				r.badRow(s.line, sources.Expected(s.name, "an le label on a histogram's bucket", labelString(s.labels)))
				continue
			}
			ub, err := strconv.ParseFloat(le, 64)
			if err != nil {
				r.badRow(s.line, sources.Expected("le", "a bucket's upper bound such as 0.5 or +Inf", le))
				continue
			}
			h := into(base, rest, sources.MetricHistogram)
			setQuery(h, s.query, suffix)
			h.Buckets = append(h.Buckets, sources.Bucket{UpperBound: ub, Count: s.value})
		case (suffix == "_count" || suffix == "_sum") && (hist[base] || summ[base]):
			typ := sources.MetricHistogram
			if summ[base] {
				typ = sources.MetricSummary
			}
			h := into(base, s.labels, typ)
			setQuery(h, s.query, suffix)
			if suffix == "_count" {
				h.Value = s.value
			} else {
				h.Sum = s.value
			}
		case suffix == "_created":
			// A counter's start time, not a value to chart.
		default:
			add(sources.MetricSample{Name: s.name, Labels: labelString(s.labels), Type: r.typeOf(s.name), Value: s.value, Query: s.query}, s.line)
		}
	}
	for i := range out {
		if out[i].Type == sources.MetricHistogram {
			finishHistogram(&out[i])
		}
		if math.IsNaN(out[i].Value) && out[i].Type == sources.MetricSummary {
			out[i].Value = 0 // a summary written without _count
		}
	}
	return out
}

// finishHistogram sorts and merges the buckets (le="1" and le="1.0" are one
// bucket), makes sure of a +Inf bucket, and takes the count from it when
// the file held no _count.
func finishHistogram(h *sources.MetricSample) {
	b := h.Buckets
	if len(b) == 0 && math.IsNaN(h.Value) {
		h.Value = 0 // a histogram written with its _sum alone
	}
	slices.SortFunc(b, func(x, y sources.Bucket) int {
		switch {
		case x.UpperBound < y.UpperBound:
			return -1
		case x.UpperBound > y.UpperBound:
			return 1
		}
		return 0
	})
	merged := b[:0]
	for _, x := range b {
		if n := len(merged); n > 0 && merged[n-1].UpperBound == x.UpperBound {
			continue
		}
		merged = append(merged, x)
	}
	b = merged
	if n := len(b); n == 0 || !math.IsInf(b[n-1].UpperBound, 1) {
		count := h.Value
		if math.IsNaN(count) && n > 0 {
			count = b[n-1].Count
		}
		b = append(b, sources.Bucket{UpperBound: math.Inf(1), Count: count})
	}
	if math.IsNaN(h.Value) {
		h.Value = b[len(b)-1].Count
	}
	h.Buckets = b
}

// typeOf is the type of a plain series: as declared (a counter's family is
// declared without _total in OpenMetrics), else by name: _total, _count
// and _sum count; anything else is a gauge.
func (r *result) typeOf(name string) sources.MetricType {
	if t, ok := r.types[name]; ok {
		if t == sources.MetricSummary || t == sources.MetricHistogram {
			return sources.MetricGauge // a quantile of a summary, or a stray series
		}
		return t
	}
	base, suffix := splitSuffix(name)
	if t, ok := r.types[base]; ok && t == sources.MetricCounter {
		return t
	}
	switch suffix {
	case "_total", "_count", "_sum":
		return sources.MetricCounter
	}
	return sources.MetricGauge
}

// splitSuffix splits the suffixes that make one family's series.
func splitSuffix(name string) (base, suffix string) {
	for _, s := range []string{"_bucket", "_count", "_sum", "_total", "_created"} {
		if b, ok := strings.CutSuffix(name, s); ok && b != "" {
			return b, s
		}
	}
	return name, ""
}

// cutLabel returns the value of label name and the other labels.
func cutLabel(ls []label, name string) (value string, rest []label, ok bool) {
	for i, l := range ls {
		if l.name == name {
			rest = append(slices.Clone(ls[:i]), ls[i+1:]...)
			return l.value, rest, true
		}
	}
	return "", ls, false
}

// labelString renders the canonical label set as a scrape's samples carry
// it: sorted by name, empty values left out (Prometheus treats them as
// absent), values escaped as in the text format, names that are not
// legacy Prometheus names quoted.
func labelString(ls []label) string {
	kept := make([]label, 0, len(ls))
	for _, l := range ls {
		if l.value != "" {
			kept = append(kept, l)
		}
	}
	if len(kept) == 0 {
		return ""
	}
	slices.SortFunc(kept, func(a, b label) int { return strings.Compare(a.name, b.name) })
	var buf []byte
	for i, l := range kept {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = scrape.AppendLabel(buf, l.name, l.value)
	}
	return string(buf)
}
