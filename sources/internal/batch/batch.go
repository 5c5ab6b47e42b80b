// Package batch is the parsing kit that the file sources share: the
// load-test formats (jtl, k6, gatling; locust for its byte order mark) and
// the log ingester. It owns
//   - batching: a Batcher fills sources.Batches (samples in place, log
//     entries, bad rows described up to sources.MaxBadRowsKept, warnings told once) and
//     pushes them when full, when they have lingered, or when asked;
//   - the source's health, pushed the same way whatever the format
//     (health.go);
//   - the run loop of a load-test file (run.go) and the Parser a handler
//     feeds (parser.go);
//   - interning (Interner) and the byte order mark (bom.go).
//
// It owns no format and must not know one. How bad input is worded is not
// here but in package sources, which the config loader and the grammars
// use too.
package batch

import (
	"context"
	"fmt"
	"time"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/internal/cacheslot"
	"github.com/sobang/sobang/sources/sanitize"
)

// Interning bounds: a JTL repeats a few labels, codes, messages and thread
// names millions of times, so one string per distinct value saves an
// allocation per field. Values that are unique per row (error messages with
// ids, URLs with query strings) would grow the map forever, so it stops
// growing at MaxInterned entries and ignores values longer than MaxInternLen.
const (
	MaxInterned  = 8192
	MaxInternLen = 512
)

// Interner returns one shared string per distinct byte value, made safe
// to show by sanitize.Value when it is first met: a value from the data
// (a label, a response code or message, a URL, a thread name) is cleaned
// once, not once per row, and no escape sequence, control or URL password
// reaches a sample. A cache of the map's values (two ways per set, the
// latest first) is looked at before the map is hashed: a column repeats a
// few dozen values at most ("200", "OK", the labels), which rarely share a
// set, and hashing a few bytes of a value and comparing it with two
// entries is cheaper than hashing all of it for the map.
type Interner struct {
	m     map[string]interned
	cache *[1 << cacheslot.Bits]interned // sets of two from cacheslot.Of&^1; a value in it is in m
	raw   bool                           // hand values out as written (NewRawInterner)
}

// NewInterner returns an Interner holding no value yet.
func NewInterner() Interner {
	return Interner{m: make(map[string]interned, 64), cache: new([1 << cacheslot.Bits]interned)}
}

// interned is one value as written and as handed out (the same string
// when it needed no cleaning).
type interned struct{ raw, out string }

// NewRawInterner returns an Interner that hands values out as written, for
// values a parser only compares and never hands over (XML element names).
func NewRawInterner() Interner {
	in := NewInterner()
	in.raw = true
	return in
}

// Get returns b as a string; looking up m[string(b)] does not allocate.
func (in *Interner) Get(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	set := in.cache[cacheslot.Of(b)&^1:]
	for i := range 2 {
		if e := &set[i]; len(e.raw) == len(b) && e.raw == string(b) {
			return e.out
		}
	}
	e, ok := in.m[string(b)]
	if !ok {
		e.raw = string(b)
		e.out = e.raw
		if !in.raw {
			e.out = sanitize.Value(e.raw)
		}
		if len(in.m) >= MaxInterned || len(b) > MaxInternLen {
			return e.out
		}
		in.m[e.raw] = e
	}
	set[1], set[0] = set[0], e
	return e.out
}

// Batcher collects what a parser finds into sources.Batches and pushes them:
// when BatchRecords samples are held, when a partial batch is older than
// BatchLinger at the end of a chunk, and whenever the handler asks (CaughtUp,
// Idle, health changes). It also reports the source's health (health.go).
// It runs in the reading goroutine only.
type Batcher struct {
	ctx   context.Context
	sink  sources.Sink
	clock sources.Clock
	Batch sources.Batch // the pending batch
	since time.Time     // when the pending batch got its first content
	spare []sources.Sample
	kept  int   // bad rows described so far (at most MaxBadRowsKept per source)
	Err   error // the sink's error, once a push failed
	warns map[string]bool

	// Samples, Entries and Bad are totals, for the final health line.
	Samples, Entries, Bad int
	entriesFull           bool // the last batch pushed was full of entries (entries.go)

	// Pinned is the sequence number (the count of samples committed before
	// it) of the first committed sample the parser may still change, -1
	// when none: flush keeps it and what follows it in the pending batch.
	Pinned   int64
	pinnedAt time.Time // when Pinned last went from none to a sample

	// Format names the input's format in every health pushed ("JMeter
	// CSV"); "" until the handler knows it (SetFormat).
	Format string
	// Describe, when set, adds to every health pushed what only the format
	// knows (Gatling's run).
	Describe func(*sources.Health)
	status   sources.Health // the latest status from tail
	failed   bool           // the Failed health was pushed
	caughtUp bool           // CaughtUp was called

	progress, sent sources.Progress // how far tail has read the file; what the last push said
}

// SetProgress notes how far the file has been read (tail.Options.Progress);
// the next batch pushed carries it.
func (o *Batcher) SetProgress(p sources.Progress) { o.progress = p }

// Pin keeps the committed sample seq and those after it out of pushes.
func (o *Batcher) Pin(seq int64) {
	if o.Pinned < 0 {
		o.pinnedAt = o.clock.Now()
	}
	o.Pinned = seq
}

// PinnedFor is how long samples have been Pinned, 0 when none are.
func (o *Batcher) PinnedFor() time.Duration {
	if o.Pinned < 0 {
		return 0
	}
	return sources.Since(o.clock, o.pinnedAt)
}

// New returns a Batcher pushing into sink until ctx ends, timing lingering
// batches and stamping health on clock (nil means sources.Wall).
func New(ctx context.Context, sink sources.Sink, clock sources.Clock) *Batcher {
	return &Batcher{ctx: ctx, sink: sink, clock: sources.OrWall(clock), warns: map[string]bool{}, Pinned: -1}
}

// Clock returns the clock the Batcher runs on, for what the parser feeding
// it needs to know of "now" (the century of two-digit years).
func (o *Batcher) Clock() sources.Clock { return o.clock }

// Committed returns the sample with sequence number q, which must be Pinned
// (so still in the pending batch).
func (o *Batcher) Committed(q int64) *sources.Sample {
	first := int64(o.Samples - len(o.Batch.Samples))
	return &o.Batch.Samples[q-first]
}

// Slot returns the next sample of the pending batch for a parser to fill in
// place (a Sample is 136 bytes: building it elsewhere and copying costs a
// tenth of the fast path). The parser then calls commit, or drop when the
// record was not a sample after all.
func (o *Batcher) Slot() *sources.Sample {
	if o.Batch.Samples == nil {
		o.start()
		if o.spare != nil {
			o.Batch.Samples, o.spare = o.spare[:0], nil
		} else {
			o.Batch.Samples = sources.SampleSlice()
		}
	}
	n := len(o.Batch.Samples)
	o.Batch.Samples = o.Batch.Samples[:n+1]
	return &o.Batch.Samples[n]
}

// Commit keeps the sample last returned by slot.
func (o *Batcher) Commit() {
	o.Batch.Rows++
	o.Samples++
	if len(o.Batch.Samples) >= sources.BatchRecords {
		o.Flush()
	}
}

// Drop forgets the sample last returned by slot.
func (o *Batcher) Drop() {
	o.Batch.Samples = o.Batch.Samples[:len(o.Batch.Samples)-1]
}

// Add appends one good sample.
func (o *Batcher) Add(s *sources.Sample) {
	*o.Slot() = *s
	o.Commit()
}

// BadRow counts a record that could not be read and describes the first few.
func (o *Batcher) BadRow(line int, format string, args ...any) {
	if o.countBad() {
		o.Batch.Bad = append(o.Batch.Bad, sources.BadRow{Line: line, Reason: fmt.Sprintf(format, args...)})
	}
}

// Expected counts a record with a bad value and describes the first few
// in the one wording, sources.Expected: `field: expected want, found
// "value"`. The description is made only for those.
func (o *Batcher) Expected(line int, field, want string, found []byte) {
	if o.countBad() {
		o.Batch.Bad = append(o.Batch.Bad, sources.BadRow{Line: line, Reason: sources.Expected(field, want, found)})
	}
}

// countBad counts a bad record and reports whether it is to be described.
func (o *Batcher) countBad() bool {
	o.start()
	o.Batch.BadRows++
	o.Bad++
	if o.kept < sources.MaxBadRowsKept {
		o.kept++
		return true
	}
	return false
}

// Warn tells the user something once per source.
func (o *Batcher) Warn(msg string) {
	if o.warns[msg] {
		return
	}
	o.warns[msg] = true
	o.start()
	o.Batch.Warnings = append(o.Batch.Warnings, msg)
}

func (o *Batcher) start() {
	if o.since.IsZero() {
		o.since = o.clock.Now()
	}
}

// Lingered reports whether the pending batch has waited long enough to be
// pushed although it is not full.
func (o *Batcher) Lingered() bool {
	return !o.since.IsZero() && sources.Since(o.clock, o.since) >= sources.BatchLinger
}

// Flush pushes the pending batch, if it carries anything; Pinned samples
// stay for the next one.
func (o *Batcher) Flush() {
	b := o.Batch
	o.Batch = sources.Batch{}

	o.since = time.Time{}
	if o.Pinned >= 0 && len(b.Samples) > 0 {
		if k := int(o.Pinned - int64(o.Samples-len(b.Samples))); k >= 0 && k < len(b.Samples) {
			buf := o.spare
			if o.spare = nil; cap(buf) < sources.BatchRecords {
				buf = sources.SampleSlice()
			}
			tail := append(buf[:0], b.Samples[k:]...)
			b.Samples, b.Rows = b.Samples[:k], b.Rows-len(tail)
			o.Batch.Samples, o.Batch.Rows = tail, len(tail)
			o.start()
		}
	}
	if b.Empty() {
		if cap(b.Samples) > 0 && o.spare == nil {
			o.spare = b.Samples[:0]
		}
		return
	}
	if len(b.Entries) < sources.BatchRecords {
		o.entriesFull = false
	}
	if n := len(b.Samples); n == 0 {
		if cap(b.Samples) > 0 {
			o.spare = b.Samples[:0]
		}
		b.Samples = nil
	} else if n < cap(b.Samples)/4 {
		// A small batch (a trickle while following) gets its own small slice
		// so the hub's queue does not pin a full-size buffer per batch; the
		// big one is reused.
		small := make([]sources.Sample, n)
		copy(small, b.Samples)
		o.spare, b.Samples = b.Samples, small
	}
	if o.Err != nil {
		return
	}
	if o.progress != o.sent {
		// How far the file was read rides on a batch pushed anyway.
		b.Progress, o.sent = o.progress, o.progress
	}
	if err := o.sink.Push(o.ctx, b); err != nil {
		o.Err = err
	}
}

// Unpin lets flush push every sample: the parser that Pinned some is gone
// (a reset) or failed.
func (o *Batcher) Unpin() { o.Pinned = -1 }

// Push sends b after the pending batch, keeping the order of events.
func (o *Batcher) Push(b sources.Batch) {
	o.Flush()
	if o.Err != nil {
		return
	}
	if err := o.sink.Push(o.ctx, b); err != nil {
		o.Err = err
	}
}
