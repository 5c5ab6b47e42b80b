package store

import "github.com/sobang/sobang/sources"

// Pump is the one ingestion step between the hub and the store: drain what
// the sources queued, make the text each batch carries besides samples and
// log entries safe to show (clean.go), hand the batch to the recorder,
// apply it, recycle its samples, and say what changed. The dashboard calls
// Step on its tick and the report calls it until every source has ended,
// so both ingest alike.
//
// A Pump belongs to the goroutine that owns its store.
type Pump struct {
	hub       *sources.Hub
	store     *Store
	record    func(sources.Batch) error
	recordErr error
	// batches is reused from step to step: a tick allocates nothing.
	batches []sources.Batch
	changed []int
	// recycle hands applied samples back to the parsers; a test replaces it
	// to see what was handed back.
	recycle func([]sources.Sample)
}

// Changes is what one Step did.
type Changes struct {
	// Batches is how many batches the step drained; 0 means the hub's
	// queues were empty.
	Batches int
	// Parts are the parts of the store the step changed.
	Parts Part
	// Sources are the indices of the sources whose batches changed the
	// store, ascending, each once. The slice belongs to the pump and is
	// valid until the next Step.
	Sources []int
	// RecordErr is the recorder's error, set only by the step in which it
	// failed: the pump records nothing after it.
	RecordErr error
}

// Changed reports whether the step changed the store.
func (c Changes) Changed() bool { return c.Parts != 0 }

// NewPump returns the step that moves batches from hub into st. record, when
// not nil, sees every batch before the store applies it (Apply shifts sample
// times by the source's offset in place) and before its samples are
// recycled, so it must not keep the batch's slices; after its first error it
// is called no more. A nil hub makes a pump whose steps do nothing, for a
// store filled by hand.
func NewPump(hub *sources.Hub, st *Store, record func(sources.Batch) error) *Pump {
	return &Pump{hub: hub, store: st, record: record, recycle: sources.RecycleSamples}
}

// SetRecord replaces the recorder from the next batch on (nil for none),
// and forgets the error of the one before: the dashboard's R starts and
// stops recordings during a session.
func (p *Pump) SetRecord(record func(sources.Batch) error) {
	p.record, p.recordErr = record, nil
}

// RecordErr returns the error that stopped the recorder, nil while it runs
// or when there is none.
func (p *Pump) RecordErr() error { return p.recordErr }

// Step drains the hub once (at most sources.HubDrainBatches per source, so a
// busy source cannot starve a frame) and applies what it took.
func (p *Pump) Step() Changes {
	if p.hub == nil {
		return Changes{}
	}
	p.batches = p.hub.Drain(p.batches[:0])
	p.changed = p.changed[:0]
	ch := Changes{Batches: len(p.batches)}
	for i := range p.batches {
		b := &p.batches[i]
		// Cleaned before it is recorded: a recording holds no escape
		// sequence and no password either.
		cleanBatch(b)
		if p.record != nil && p.recordErr == nil {
			if err := p.record(*b); err != nil {
				p.recordErr, ch.RecordErr = err, err
			}
		}
		if part := p.store.apply(*b); part != 0 {
			ch.Parts |= part
			if n := len(p.changed); n == 0 || p.changed[n-1] != b.Source {
				p.changed = append(p.changed, b.Source)
			}
		}
		p.recycle(b.Samples)
		// Drop the references so the reused slice keeps no batch alive.
		*b = sources.Batch{}
	}
	ch.Sources = p.changed
	return ch
}
