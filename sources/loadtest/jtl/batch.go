package jtl

import (
	"context"
	"fmt"
	"time"

	"github.com/sobang/sobang/sources"
)

// Interning bounds: a JTL repeats a few labels, codes, messages and thread
// names millions of times, so one string per distinct value saves an
// allocation per field. Values that are unique per row (error messages with
// ids, URLs with query strings) would grow the map forever, so it stops
// growing at maxInterned entries and ignores values longer than maxInternLen.
const (
	maxInterned  = 8192
	maxInternLen = 512
)

// interner returns one shared string per distinct byte value. A few recent
// values are compared before the map is hashed: a column usually repeats a
// handful of values ("200", "OK", three labels), and comparing bytes is
// cheaper than hashing them.
type interner struct {
	m      map[string]string
	recent [4]string
	next   uint8
}

func newInterner() interner { return interner{m: make(map[string]string, 64)} }

// get returns b as a string; looking up m[string(b)] does not allocate.
func (in *interner) get(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	for _, r := range &in.recent {
		if len(r) == len(b) && r == string(b) {
			return r
		}
	}
	s, ok := in.m[string(b)]
	if !ok {
		s = string(b)
		if len(in.m) >= maxInterned || len(b) > maxInternLen {
			return s
		}
		in.m[s] = s
	}
	in.recent[in.next%uint8(len(in.recent))] = s
	in.next++
	return s
}

// batcher collects what a parser finds into sources.Batches and pushes them:
// when BatchRecords samples are held, when a partial batch is older than
// BatchLinger at the end of a chunk, and whenever the handler asks (CaughtUp,
// Idle, health changes). It runs in the reading goroutine only.
type batcher struct {
	ctx   context.Context
	sink  sources.Sink
	batch sources.Batch
	since time.Time // when the pending batch got its first content
	spare []sources.Sample
	kept  int // bad rows described so far (at most MaxBadRowsKept per source)
	err   error
	warns map[string]bool

	samples, bad int // totals, for the final health line

	// pinned is the sequence number (the count of samples committed before
	// it) of the first committed sample the parser may still change, -1
	// when none: flush keeps it and what follows it in the pending batch.
	pinned   int64
	pinnedAt time.Time // when pinned last went from none to a sample
}

// pin keeps the committed sample seq and those after it out of pushes.
func (o *batcher) pin(seq int64) {
	if o.pinned < 0 {
		o.pinnedAt = time.Now()
	}
	o.pinned = seq
}

// pinnedFor is how long samples have been pinned, 0 when none are.
func (o *batcher) pinnedFor() time.Duration {
	if o.pinned < 0 {
		return 0
	}
	return time.Since(o.pinnedAt)
}

func newBatcher(ctx context.Context, sink sources.Sink) *batcher {
	return &batcher{ctx: ctx, sink: sink, warns: map[string]bool{}, pinned: -1}
}

// committed returns the sample with sequence number q, which must be pinned
// (so still in the pending batch).
func (o *batcher) committed(q int64) *sources.Sample {
	first := int64(o.samples - len(o.batch.Samples))
	return &o.batch.Samples[q-first]
}

// slot returns the next sample of the pending batch for a parser to fill in
// place (a Sample is 136 bytes: building it elsewhere and copying costs a
// tenth of the fast path). The parser then calls commit, or drop when the
// record was not a sample after all.
func (o *batcher) slot() *sources.Sample {
	if o.batch.Samples == nil {
		o.start()
		if o.spare != nil {
			o.batch.Samples, o.spare = o.spare[:0], nil
		} else {
			o.batch.Samples = make([]sources.Sample, 0, sources.BatchRecords)
		}
	}
	n := len(o.batch.Samples)
	o.batch.Samples = o.batch.Samples[:n+1]
	return &o.batch.Samples[n]
}

// commit keeps the sample last returned by slot.
func (o *batcher) commit() {
	o.batch.Rows++
	o.samples++
	if len(o.batch.Samples) >= sources.BatchRecords {
		o.flush()
	}
}

// drop forgets the sample last returned by slot.
func (o *batcher) drop() {
	o.batch.Samples = o.batch.Samples[:len(o.batch.Samples)-1]
}

// add appends one good sample.
func (o *batcher) add(s *sources.Sample) {
	*o.slot() = *s
	o.commit()
}

// badRow counts a record that could not be read and describes the first few.
func (o *batcher) badRow(line int, format string, args ...any) {
	o.start()
	o.batch.BadRows++
	o.bad++
	if o.kept < sources.MaxBadRowsKept {
		o.kept++
		o.batch.Bad = append(o.batch.Bad, sources.BadRow{Line: line, Reason: fmt.Sprintf(format, args...)})
	}
}

// warn tells the user something once per source.
func (o *batcher) warn(msg string) {
	if o.warns[msg] {
		return
	}
	o.warns[msg] = true
	o.start()
	o.batch.Warnings = append(o.batch.Warnings, msg)
}

func (o *batcher) start() {
	if o.since.IsZero() {
		o.since = time.Now()
	}
}

// lingered reports whether the pending batch has waited long enough to be
// pushed although it is not full.
func (o *batcher) lingered() bool {
	return !o.since.IsZero() && time.Since(o.since) >= sources.BatchLinger
}

// flush pushes the pending batch, if it carries anything; pinned samples
// stay for the next one.
func (o *batcher) flush() {
	b := o.batch
	o.batch = sources.Batch{}
	o.since = time.Time{}
	if o.pinned >= 0 && len(b.Samples) > 0 {
		if k := int(o.pinned - int64(o.samples-len(b.Samples))); k >= 0 && k < len(b.Samples) {
			buf := o.spare
			if o.spare = nil; cap(buf) < sources.BatchRecords {
				buf = make([]sources.Sample, 0, sources.BatchRecords)
			}
			tail := append(buf[:0], b.Samples[k:]...)
			b.Samples, b.Rows = b.Samples[:k], b.Rows-len(tail)
			o.batch.Samples, o.batch.Rows = tail, len(tail)
			o.start()
		}
	}
	if b.Empty() {
		if cap(b.Samples) > 0 && o.spare == nil {
			o.spare = b.Samples[:0]
		}
		return
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
	if o.err != nil {
		return
	}
	if err := o.sink.Push(o.ctx, b); err != nil {
		o.err = err
	}
}

// unpin lets flush push every sample: the parser that pinned some is gone
// (a reset) or failed.
func (o *batcher) unpin() { o.pinned = -1 }

// push sends b after the pending batch, keeping the order of events.
func (o *batcher) push(b sources.Batch) {
	o.flush()
	if o.err != nil {
		return
	}
	if err := o.sink.Push(o.ctx, b); err != nil {
		o.err = err
	}
}
