// Package incident finds a load test's incidents on its per-second
// buckets: runs of seconds whose error rate, latency or throughput per
// active thread left what the run had been doing, by a robust change-point
// rule. Each second is compared with a reference: the median and the
// median absolute deviation (MAD, x1.4826 an estimate of the standard
// deviation that a few outliers do not move) of up to referenceSeconds
// normal seconds before it.
//
// A facet is one statistic's run of abnormal seconds:
//
//   - errors: a second with a failure whose error rate is above the
//     reference's by more than three deviations and half a percentage
//     point; such seconds with gaps shorter than store.ErrorQuiet are one
//     run, as the error onsets (e, E) count them;
//   - latency: a second of at least minRequests requests whose p95 is above
//     the reference's by more than three deviations and a fifth, for at
//     least minRun consecutive seconds;
//   - throughput: a second whose requests per active thread fell below
//     half the reference's and three deviations, for at least minRun
//     consecutive seconds; throughput that follows the thread count (a
//     ramp, the end of the run) is not a collapse. Without thread counts
//     there is no throughput facet.
//
// A warm-up the caller names (--skip) serves only as the first reference.
// So does the ramp-up (until the threads first reach rampShare of their
// most) for latency and throughput, which while threads start are not what
// the run does at full load; failures in a ramp-up are incidents, as they
// are error onsets: a ramp that breaks is what a test is run to find.
//
// Facets that overlap or touch (within minRun seconds) are one incident,
// whose kinds are listed in the order their facets began. It must not
// know a format or an adapter; it reads the store.
package incident

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/sobang/sobang/sources/analysis/slo"
	"github.com/sobang/sobang/sources/store"
)

// Kinds of facet.
const (
	KindErrors     = "errors"
	KindLatency    = "latency"
	KindThroughput = "throughput"
	KindSLO        = "slo" // an objective (--slo) missed over SLOWindow
)

// Tuning of the rule, in one place.
const (
	// minRun is how many consecutive abnormal seconds latency and
	// throughput need.
	minRun = 3
	// minRequests is how many requests a second needs for its p95 to count.
	minRequests = 3
	// referenceSeconds bounds the normal seconds a second is compared with.
	referenceSeconds = 120
	// minReference is how many normal seconds a reference needs.
	minReference = 5
	// deviations is how many estimated standard deviations a second must
	// be off its reference.
	deviations = 3
	// madScale turns a MAD into an estimate of the standard deviation.
	madScale = 1.4826
	// errorFloor is the smallest error-rate rise that counts (a fraction).
	errorFloor = 0.005
	// firstErrorRate is the error rate that counts before a reference
	// exists (the run's first seconds).
	firstErrorRate = 0.1
	// latencyRise is the smallest relative p95 rise that counts.
	latencyRise = 0.2
	// throughputFall is the largest fraction of the reference's requests
	// per thread that counts as a collapse.
	throughputFall = 0.5
	// rampShare is the share of the run's most threads that ends the
	// ramp-up.
	rampShare = 0.9
)

// Facet is one statistic's run of abnormal seconds.
type Facet struct {
	Kind           string // KindErrors, KindLatency, KindThroughput or KindSLO
	StartMS, EndMS int64  // [StartMS, EndMS), whole seconds
	// Objective is the objective a KindSLO facet missed, as written.
	Objective string
	// Before is the reference's median when the facet began (an error
	// rate as a fraction, a p95 in ms, requests per second per thread; a
	// KindSLO facet's objective's threshold); Worst is the run's worst
	// second's value, at WorstMS (a KindSLO facet's worst SLOWindow's
	// measure, in the objective's unit).
	Before, Worst float64
	WorstMS       int64
}

// Incident is one or more facets that overlap or touch.
type Incident struct {
	StartMS, EndMS int64   // the facets' span, [StartMS, EndMS)
	Facets         []Facet // in the order they began
}

// Kind names the incident's facets in the order they began, joined by
// "+": "latency+errors".
func (in Incident) Kind() string {
	kinds := make([]string, 0, len(in.Facets))
	for _, f := range in.Facets {
		if !slices.Contains(kinds, f.Kind) {
			kinds = append(kinds, f.Kind)
		}
	}
	return strings.Join(kinds, "+")
}

// Facet returns the incident's first facet of kind k, false when none.
func (in Incident) Facet(k string) (Facet, bool) {
	for _, f := range in.Facets {
		if f.Kind == k {
			return f, true
		}
	}
	return Facet{}, false
}

// Options tune Detect.
type Options struct {
	// BaselineEndMS ends the seconds that serve only as the first
	// reference (a warm-up the user skips); 0 finds the ramp-up from the
	// thread counts: the seconds before the threads first reach rampShare
	// of their most.
	BaselineEndMS int64
	// Objectives are the --slo objectives: each SLOWindow of the run that
	// misses one is part of a KindSLO facet.
	Objectives []slo.Objective
}

// SLOWindow is the span over which an objective is decided for the
// incidents: short enough to place a breach, long enough for a p95.
const SLOWindow = 10 * time.Second

// second is one bucket's figures.
type second struct {
	requests, errors int64
	p95              float64 // NaN when too few requests
	threads          float64 // 0 when unknown
}

// Detect returns the load test's incidents, earliest first.
func Detect(lt *store.LoadTest, opt Options) []Incident {
	first, last, ok := lt.Range()
	if !ok {
		return nil
	}
	secs := make([]second, last-first+1)
	maxThreads, haveThreads := 0.0, false
	for i := range secs {
		b := lt.Second(first + int64(i))
		if b == nil {
			secs[i].p95 = math.NaN()
			continue
		}
		s := &secs[i]
		s.requests, s.errors = b.Requests.Count, b.Requests.Errors
		s.p95 = math.NaN()
		if s.requests >= minRequests {
			s.p95, _ = b.Requests.Percentile(0.95)
		}
		for _, t := range b.Threads {
			if t > 0 {
				s.threads += float64(t)
			}
		}
		if s.threads > 0 {
			haveThreads = true
			maxThreads = max(maxThreads, s.threads)
		}
	}
	// Seconds without a thread count hold the last one seen.
	if haveThreads {
		held := 0.0
		for i := range secs {
			if secs[i].threads > 0 {
				held = secs[i].threads
			} else if secs[i].requests > 0 {
				secs[i].threads = held
			}
		}
	}
	// skip is the first second that may be abnormal; ramp the first of
	// full load, where latency and throughput mean what they will.
	skip := 0
	if opt.BaselineEndMS != 0 {
		skip = int(min(max(floorDiv(opt.BaselineEndMS, 1000)-first, 0), int64(len(secs))))
	}
	ramp := skip
	if haveThreads {
		for ramp < len(secs) && secs[ramp].threads < rampShare*maxThreads {
			ramp++
		}
	}
	facets := errorFacets(secs, skip, first)
	facets = append(facets, sloFacets(lt, opt.Objectives, first+int64(skip), last)...)
	facets = append(facets, runFacets(secs, ramp, first, KindLatency, latencyValue, latencyAbove)...)
	if haveThreads {
		// The last second is cut short by the end of the data, not by a
		// collapse.
		facets = append(facets, runFacets(secs[:len(secs)-1], ramp, first, KindThroughput, perThread, throughputBelow)...)
	}
	return merge(facets)
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && a < 0 {
		q--
	}
	return q
}

// reference is the recent normal seconds' values of one statistic.
type reference struct {
	vals  []float64
	buf   []float64 // scratch for the median
	med   float64
	sigma float64 // madScale x MAD
	stale bool
	added int // values added since the last summing up
}

// add notes one normal second's value.
func (r *reference) add(v float64) {
	if math.IsNaN(v) {
		return
	}
	if len(r.vals) == referenceSeconds {
		copy(r.vals, r.vals[1:])
		r.vals = r.vals[:referenceSeconds-1]
	}
	r.vals = append(r.vals, v)
	r.added++
	// A full reference is summed up again every tenth value: a median of
	// 120 values hardly moves in ten, and sorting them for each second of
	// a long run would cost more than the rest of the detection.
	r.stale = r.stale || len(r.vals) < referenceSeconds || r.added >= 10
}

// stats returns the median and the deviation estimate, false while the
// reference holds fewer than minReference values.
func (r *reference) stats() (med, sigma float64, ok bool) {
	if len(r.vals) < minReference {
		return 0, 0, false
	}
	if r.stale {
		r.buf = append(r.buf[:0], r.vals...)
		r.med = median(r.buf)
		for i, v := range r.vals {
			r.buf[i] = math.Abs(v - r.med)
		}
		r.sigma = madScale * median(r.buf)
		r.stale, r.added = false, 0
	}
	return r.med, r.sigma, true
}

// median sorts v and returns its median.
func median(v []float64) float64 {
	sort.Float64s(v)
	n := len(v)
	if n%2 == 1 {
		return v[n/2]
	}
	return (v[n/2-1] + v[n/2]) / 2
}

// errorRate is a second's failed share of its requests, NaN without any.
func errorRate(s second) float64 {
	if s.requests == 0 {
		return math.NaN()
	}
	return float64(s.errors) / float64(s.requests)
}

// errorFacets finds the runs of seconds whose error rate is above the
// reference, joined across gaps shorter than store.ErrorQuiet.
func errorFacets(secs []second, base int, first int64) []Facet {
	quiet := int(store.ErrorQuiet / time.Second)
	var ref reference
	var out []Facet
	lastBad := 0
	for i, s := range secs {
		rate := errorRate(s)
		if i < base || math.IsNaN(rate) {
			ref.add(rate)
			continue
		}
		med, sigma, ok := ref.stats()
		limit := med + max(deviations*sigma, errorFloor)
		if !ok {
			// Nothing to compare with yet: a run that fails a little from
			// its start has that as its normal, one that fails much has an
			// incident from its start.
			med, limit = 0, firstErrorRate
			if s.errors < 2 {
				limit = 1 // one failure of a few requests is no rate yet
			}
		}
		if s.errors == 0 || rate <= limit {
			ref.add(rate)
			continue
		}
		ms := (first + int64(i)) * 1000
		if len(out) == 0 || i-lastBad-1 >= quiet {
			out = append(out, Facet{Kind: KindErrors, StartMS: ms, Before: med, Worst: -1})
		}
		f := &out[len(out)-1]
		f.EndMS = ms + 1000
		if rate > f.Worst {
			f.Worst, f.WorstMS = rate, ms
		}
		lastBad = i
	}
	return out
}

// latencyValue is a second's p95, NaN when it has too few requests.
func latencyValue(s second) float64 { return s.p95 }

// latencyAbove reports a p95 above the reference.
func latencyAbove(v, med, sigma float64) bool {
	return v > med+max(deviations*sigma, latencyRise*med, 1)
}

// perThread is a second's requests per active thread, NaN when the
// threads are unknown.
func perThread(s second) float64 {
	if s.threads <= 0 {
		return math.NaN()
	}
	return float64(s.requests) / s.threads
}

// throughputBelow reports requests per thread below the reference.
func throughputBelow(v, med, sigma float64) bool {
	return v < med-max(deviations*sigma, (1-throughputFall)*med)
}

// runFacets finds the runs of at least minRun consecutive seconds whose
// value is abnormal by off against the reference of the normal seconds
// before them (seconds without a value neither break nor extend a run).
// The reference starts at base, after the ramp-up: a reference of the
// ramp's latencies would find the plateau abnormal.
func runFacets(secs []second, base int, first int64, kind string, value func(second) float64, off func(v, med, sigma float64) bool) []Facet {
	var ref reference
	var out []Facet
	var cur Facet
	n := 0 // abnormal seconds in cur
	i := base - 1
	worse := func(a, b float64) bool {
		if kind == KindThroughput {
			return a < b
		}
		return a > b
	}
	end := func() {
		if n >= minRun {
			out = append(out, cur)
		}
		n = 0
	}
	for _, s := range secs[min(base, len(secs)):] {
		i++
		v := value(s)
		if math.IsNaN(v) {
			continue
		}
		med, sigma, ok := ref.stats()
		if !ok || !off(v, med, sigma) {
			end()
			ref.add(v)
			continue
		}
		ms := (first + int64(i)) * 1000
		if n == 0 {
			cur = Facet{Kind: kind, StartMS: ms, Before: med, Worst: v, WorstMS: ms}
		}
		n++
		cur.EndMS = ms + 1000
		if worse(v, cur.Worst) {
			cur.Worst, cur.WorstMS = v, ms
		}
	}
	end()
	return out
}

// merge joins facets that overlap or touch into incidents, earliest
// first.
func merge(facets []Facet) []Incident {
	sort.SliceStable(facets, func(i, j int) bool { return facets[i].StartMS < facets[j].StartMS })
	var out []Incident
	for _, f := range facets {
		if n := len(out); n > 0 && f.StartMS <= out[n-1].EndMS+minRun*1000 {
			in := &out[n-1]
			in.Facets = append(in.Facets, f)
			in.EndMS = max(in.EndMS, f.EndMS)
			continue
		}
		out = append(out, Incident{StartMS: f.StartMS, EndMS: f.EndMS, Facets: []Facet{f}})
	}
	return out
}

// Summary says in one sentence what left the run's normal in the
// incident, facet by facet in the order they began, and for how long:
// "p95 rose from 52 ms to 2.1 s, 120 of 400 requests failed (30.0%) in 10s".
func (in Incident) Summary(lt *store.LoadTest) string {
	var parts []string
	for _, f := range in.Facets {
		switch f.Kind {
		case KindErrors:
			sum := lt.Summarize(in.StartMS, in.EndMS, "")
			parts = append(parts, fmt.Sprintf("%d of %d requests failed (%.1f%%)", sum.Requests.Errors, sum.Requests.Count, sum.Requests.ErrorPct()))
		case KindLatency:
			parts = append(parts, "p95 rose from "+Millis(f.Before)+" to "+Millis(f.Worst))
		case KindThroughput:
			parts = append(parts, fmt.Sprintf("requests per thread fell from %.3g/s to %.3g/s", f.Before, f.Worst))
		case KindSLO:
			parts = append(parts, "missed "+f.Objective)
		}
	}
	return strings.Join(parts, ", ") + " in " + (time.Duration(in.EndMS-in.StartMS) * time.Millisecond).String()
}

// Millis writes a latency: "52 ms" below a second, "2.1 s" from one.
func Millis(ms float64) string {
	if ms < 1000 {
		return strconv.FormatFloat(math.Round(ms), 'f', -1, 64) + " ms"
	}
	return strconv.FormatFloat(ms/1000, 'g', 3, 64) + " s"
}

// sloFacets decides each objective over the SLOWindow blocks of seconds
// [first, last] and returns, per objective, the runs of blocks that missed
// it (a block without samples neither misses nor breaks a run).
func sloFacets(lt *store.LoadTest, objectives []slo.Objective, first, last int64) []Facet {
	if len(objectives) == 0 || last < first {
		return nil
	}
	step := int64(SLOWindow / time.Second)
	var out []Facet
	open := make([]*Facet, len(objectives))
	for b := first; b <= last; b += step {
		fromMS, toMS := b*1000, min(b+step, last+1)*1000
		results, err := slo.Evaluate(lt, fromMS, toMS, objectives)
		if err != nil { // no sample in the block
			continue
		}
		for i, r := range results {
			if r.Pass || math.IsNaN(r.Measured) {
				if f := open[i]; f != nil {
					out = append(out, *f)
					open[i] = nil
				}
				continue
			}
			f := open[i]
			if f == nil {
				o := objectives[i]
				f = &Facet{Kind: KindSLO, Objective: o.String(), StartMS: fromMS, Before: o.Value, Worst: r.Measured, WorstMS: fromMS}
				open[i] = f
			}
			f.EndMS = toMS
			if worseFor(objectives[i], r.Measured, f.Worst) {
				f.Worst, f.WorstMS = r.Measured, fromMS
			}
		}
	}
	for _, f := range open {
		if f != nil {
			out = append(out, *f)
		}
	}
	return out
}

// worseFor reports whether a measure is further from meeting o than was.
func worseFor(o slo.Objective, measure, was float64) bool {
	switch o.Op {
	case slo.Less, slo.LessEqual:
		return measure > was
	}
	return measure < was
}
