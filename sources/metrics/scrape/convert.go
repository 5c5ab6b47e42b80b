package scrape

import (
	"math"
	"slices"
	"strconv"
	"strings"

	dto "github.com/prometheus/client_model/go"

	"github.com/sobang/sobang/sources"
)

// Convert turns decoded metric families into one sample per series, sorted by
// family name (the text decoder hands families out in random order; families
// is sorted in place); series keep their order of exposition within a
// family.
//
//   - Labels is the canonical label set `a="x",b="y"`: sorted by name, values
//     escaped as in the text format (\\, \" and \n), names that are not
//     legacy Prometheus names quoted (`"http.route"="/"`), and labels with an
//     empty value left out, since Prometheus treats them as absent.
//   - Counters, gauges and untyped metrics carry their value. Histograms
//     (classic, gauge and native) and summaries carry their sample count in
//     Value and their sum in Sum.
//   - A histogram's Buckets are its classic cumulative buckets sorted by
//     upper bound, +Inf last (synthesised from the count when missing). A
//     native histogram without classic buckets (protobuf only) gets classic
//     buckets made from its exponential ones; see nativeBuckets.
//   - A summary also yields one gauge sample per quantile, named like the
//     summary with a quantile label: `rpc_seconds{quantile="0.99"}`.
//   - A series that appears twice (a broken exposition, or label sets that
//     differ only by an empty label) is kept once, the first time, as
//     Prometheus does ("duplicate sample for timestamp").
//
// Explicit sample timestamps (rare: federation, some exporters) are ignored:
// the scrape's start time is every sample's time. Prometheus honours them;
// for a live dashboard a sample stamped far in the past would only land off
// screen.
func Convert(families []*dto.MetricFamily) []sources.MetricSample {
	var c converter
	return c.convert(nil, families)
}

// converter holds scratch space reused from scrape to scrape.
type converter struct {
	labels []label
	buf    []byte
	native []nativeBucket
	seen   map[seriesKey]struct{}

	// duplicates counts the series dropped as duplicates by the last
	// convert; firstDuplicate names one of them.
	duplicates     int
	firstDuplicate string
}

type seriesKey struct{ name, labels string }

type label struct{ name, value string }

type nativeBucket struct {
	index int32
	count float64
}

func (c *converter) convert(dst []sources.MetricSample, families []*dto.MetricFamily) []sources.MetricSample {
	if !slices.IsSortedFunc(families, compareFamilies) {
		slices.SortFunc(families, compareFamilies)
	}
	n := 0
	for _, mf := range families {
		n += len(mf.GetMetric())
	}
	dst = slices.Grow(dst, n)
	first := len(dst)
	for _, mf := range families {
		dst = c.family(dst, mf)
	}
	return c.dedupe(dst, first)
}

// dedupe drops the second and later samples of a series from dst[first:].
func (c *converter) dedupe(dst []sources.MetricSample, first int) []sources.MetricSample {
	c.duplicates, c.firstDuplicate = 0, ""
	if c.seen == nil {
		c.seen = make(map[seriesKey]struct{}, len(dst)-first)
	}
	clear(c.seen)
	kept := dst[:first]
	for _, s := range dst[first:] {
		key := seriesKey{s.Name, s.Labels}
		if _, dup := c.seen[key]; dup {
			if c.duplicates == 0 {
				c.firstDuplicate = s.Series()
			}
			c.duplicates++
			continue
		}
		c.seen[key] = struct{}{}
		kept = append(kept, s)
	}
	clear(dst[len(kept):]) // let the dropped samples' strings go
	return kept
}

func compareFamilies(a, b *dto.MetricFamily) int { return strings.Compare(a.GetName(), b.GetName()) }

func (c *converter) family(dst []sources.MetricSample, mf *dto.MetricFamily) []sources.MetricSample {
	name := mf.GetName()
	for _, m := range mf.GetMetric() {
		if m == nil {
			continue
		}
		s := sources.MetricSample{Name: name}
		switch mf.GetType() {
		case dto.MetricType_COUNTER:
			if m.Counter == nil {
				continue
			}
			s.Type, s.Value = sources.MetricCounter, m.Counter.GetValue()
		case dto.MetricType_GAUGE:
			if m.Gauge == nil {
				continue
			}
			s.Type, s.Value = sources.MetricGauge, m.Gauge.GetValue()
		case dto.MetricType_UNTYPED:
			if m.Untyped == nil {
				continue
			}
			s.Type, s.Value = sources.MetricUntyped, m.Untyped.GetValue()
		case dto.MetricType_HISTOGRAM, dto.MetricType_GAUGE_HISTOGRAM:
			h := m.Histogram
			if h == nil {
				continue
			}
			s.Type = sources.MetricHistogram
			s.Value = h.GetSampleCountFloat()
			if s.Value <= 0 {
				s.Value = float64(h.GetSampleCount())
			}
			s.Sum = h.GetSampleSum()
			s.Buckets = c.histogramBuckets(h, s.Value)
		case dto.MetricType_SUMMARY:
			sum := m.Summary
			if sum == nil {
				continue
			}
			s.Type = sources.MetricSummary
			s.Value = float64(sum.GetSampleCount())
			s.Sum = sum.GetSampleSum()
			for _, q := range sum.GetQuantile() {
				dst = append(dst, sources.MetricSample{
					Name:   name,
					Labels: c.labelString(m.GetLabel(), "quantile", strconv.FormatFloat(q.GetQuantile(), 'g', -1, 64)),
					Type:   sources.MetricGauge,
					Value:  q.GetValue(),
				})
			}
		default:
			continue
		}
		s.Labels = c.labelString(m.GetLabel(), "", "")
		dst = append(dst, s)
	}
	return dst
}

// histogramBuckets returns the classic buckets of h, sorted, +Inf last, or
// buckets derived from its native buckets when it has no classic ones.
func (c *converter) histogramBuckets(h *dto.Histogram, count float64) []sources.Bucket {
	classic := h.GetBucket()
	if len(classic) == 0 {
		if b := c.nativeBuckets(h, count); b != nil {
			return b
		}
	}
	out := make([]sources.Bucket, 0, len(classic)+1)
	for _, b := range classic {
		n := b.GetCumulativeCountFloat()
		if n <= 0 {
			n = float64(b.GetCumulativeCount())
		}
		out = append(out, sources.Bucket{UpperBound: b.GetUpperBound(), Count: n})
	}
	if !slices.IsSortedFunc(out, compareBuckets) {
		slices.SortStableFunc(out, compareBuckets)
	}
	if len(out) == 0 || !math.IsInf(out[len(out)-1].UpperBound, +1) {
		out = append(out, sources.Bucket{UpperBound: math.Inf(+1), Count: count})
	}
	return out
}

func compareBuckets(a, b sources.Bucket) int {
	switch {
	case a.UpperBound < b.UpperBound:
		return -1
	case a.UpperBound > b.UpperBound:
		return +1
	}
	return 0
}

// labelString renders the canonical label set of pairs plus, when extraName
// is set, one more label (a summary's quantile).
func (c *converter) labelString(pairs []*dto.LabelPair, extraName, extraValue string) string {
	ls := c.labels[:0]
	for _, p := range pairs {
		if p.GetValue() != "" {
			ls = append(ls, label{p.GetName(), p.GetValue()})
		}
	}
	if extraName != "" {
		ls = append(ls, label{extraName, extraValue})
	}
	c.labels = ls
	if len(ls) == 0 {
		return ""
	}
	if !slices.IsSortedFunc(ls, compareLabels) {
		slices.SortFunc(ls, compareLabels)
	}
	buf := c.buf[:0]
	for i, l := range ls {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = AppendLabel(buf, l.name, l.value)
	}
	c.buf = buf
	return string(buf)
}

func compareLabels(a, b label) int { return strings.Compare(a.name, b.name) }

// AppendLabel appends one pair of a canonical label set, `name="value"`:
// the value escaped as the text exposition format escapes it, the name
// quoted the same way when it is not a legacy Prometheus name. Every
// metrics source writes its label sets with it, so that one series has one
// identity whatever read it.
func AppendLabel(buf []byte, name, value string) []byte {
	if LegacyName(name) {
		buf = append(buf, name...)
	} else {
		buf = appendQuoted(buf, name)
	}
	buf = append(buf, '=')
	return appendQuoted(buf, value)
}

// appendQuoted appends s in double quotes, escaping \, " and newline as the
// text exposition format does.
func appendQuoted(buf []byte, s string) []byte {
	buf = append(buf, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		var esc string
		switch s[i] {
		case '\\':
			esc = `\\`
		case '"':
			esc = `\"`
		case '\n':
			esc = `\n`
		default:
			continue
		}
		buf = append(buf, s[start:i]...)
		buf = append(buf, esc...)
		start = i + 1
	}
	buf = append(buf, s[start:]...)
	return append(buf, '"')
}

// LegacyName reports whether name matches [a-zA-Z_][a-zA-Z0-9_]*, the label
// names that need no quotes.
func LegacyName(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		b := name[i]
		if b == '_' || (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (i > 0 && b >= '0' && b <= '9') {
			continue
		}
		return false
	}
	return true
}
