package sources

import (
	"context"
	"sync"
	"time"
)

// Info identifies a source: what the user named, how its timestamps are
// read, and the clock it runs on.
type Info struct {
	Name   string         // the path, URL or "-" the user gave
	Kind   Kind           // what it reads
	Zone   *time.Location // zone of zone-less timestamps (--tz, SOURCE@ZONE); nil means local
	Offset time.Duration  // --offset SOURCE=D: added to every timestamp of this source
	Wait   bool           // wait for a missing file instead of failing
	// Clock is what the source reads "now" from and waits on (polls,
	// retries, lingering batches, health times, the year of a syslog
	// stamp); nil means Wall. See the package doc for why it rides here.
	Clock Clock
	// Queries are the PromQL expressions a Prometheus API source was
	// given (--query), in the order given: the report lists exactly
	// these, those that answered nothing included.
	Queries []string
}

// Location returns the zone for zone-less timestamps, local when unset.
func (i Info) Location() *time.Location {
	if i.Zone == nil {
		return time.Local
	}
	return i.Zone
}

// Batch is what a source hands over at once: records, problems and health.
// Sources fill only the fields that apply to them.
type Batch struct {
	Source   int        // the source's index in the hub, set by the hub
	Samples  []Sample   // load-test samples
	Entries  []LogEntry // log entries
	Scrapes  []Scrape   // metric scrapes
	Rows     int        // good records read in this batch (samples, entries, scrapes)
	BadRows  int        // records that could not be read in this batch
	Bad      []BadRow   // the first few of them, for the report and the pane
	Warnings []string   // anything else worth telling the user once
	Health   *Health    // new health, nil when unchanged
	CaughtUp bool       // the source has read all data that existed when it started
	// Progress is how far the source has read its file (see
	// sources.Progress), zero when unchanged or unknown; it rides on the
	// batches the source pushes anyway.
	Progress Progress
	Reset    bool // the input was truncated or replaced: later records restart it

	// Aggregates are a tool's own aggregate rows (Locust, a k6 summary).
	// Final rows, when present, are the whole current set of the source's
	// final figures and replace the previous ones; history rows add to the
	// earlier ones.
	Aggregates []Aggregate
	// Failures, when not nil, are the whole current list of the source's
	// counted failures (Locust's _failures.csv) and replace the previous one.
	Failures []AggregateFailure
	// Summary, when not nil, is the whole of what a tool's end-of-test
	// summary says beyond its rows (k6), and replaces an earlier one.
	Summary *ToolSummary
}

// Empty reports whether the batch carries nothing.
func (b *Batch) Empty() bool {
	return len(b.Samples) == 0 && len(b.Entries) == 0 && len(b.Scrapes) == 0 &&
		len(b.Aggregates) == 0 && b.Failures == nil && b.Summary == nil &&
		b.Rows == 0 && b.BadRows == 0 && len(b.Warnings) == 0 && b.Health == nil && !b.CaughtUp && !b.Reset
}

// Sink receives batches from a source. Push blocks while the consumer is
// behind (backpressure), and returns the context's error once it ends.
type Sink interface {
	Push(ctx context.Context, b Batch) error
}

// Source reads one outside system until its context ends or its input is
// exhausted. It reports its health through the sink and never touches the UI.
type Source interface {
	Info() Info
	Run(ctx context.Context, sink Sink) error
}

// SetHealth is a shorthand for pushing a health change; a health without a
// Since gets clock's now.
func SetHealth(ctx context.Context, sink Sink, clock Clock, h Health) error {
	if h.Since.IsZero() {
		h.Since = clock.Now()
	}
	return sink.Push(ctx, Batch{Health: &h})
}

// samplePool recycles full-size sample slices between the parsers that fill
// batches and the consumer that applies them: at hundreds of MB/s a fresh
// 4096-sample slice per batch was most of the allocation and GC work.
var samplePool = sync.Pool{New: func() any {
	s := make([]Sample, 0, BatchRecords)
	return &s
}}

// SampleSlice returns an empty slice with room for BatchRecords samples,
// reused from RecycleSamples when one is available.
func SampleSlice() []Sample {
	return (*samplePool.Get().(*[]Sample))[:0]
}

// RecycleSamples hands back a batch's samples once the consumer has applied
// them (the store keeps no reference to the slice). Slices of another size
// are left to the garbage collector.
func RecycleSamples(s []Sample) {
	if cap(s) != BatchRecords {
		return
	}
	s = s[:0]
	samplePool.Put(&s)
}
