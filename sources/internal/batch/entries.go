package batch

import (
	"time"

	"github.com/sobang/sobang/sources"
)

// What the log ingester needs besides what the load-test formats use: log
// entries instead of samples, and the deadline of its timer.

// EntrySlot returns the next entry of the pending batch, zero, for the log
// ingester to fill in place, field by field (an entry built elsewhere and
// copied in cost a tenth of ingest); CommitEntry then keeps it. After a
// full batch the next one is made with room for BatchRecords at once: a
// log read from its start fills batch after batch, and growing each by
// appending costs a copy per doubling.
func (o *Batcher) EntrySlot() *sources.LogEntry {
	if o.Batch.Entries == nil {
		o.start()
		if o.entriesFull {
			o.Batch.Entries = make([]sources.LogEntry, 0, sources.BatchRecords)
		}
	}
	o.Batch.Entries = append(o.Batch.Entries, sources.LogEntry{})
	return &o.Batch.Entries[len(o.Batch.Entries)-1]
}

// CommitEntry keeps the entry last returned by EntrySlot, and pushes the
// batch once it holds BatchRecords entries.
func (o *Batcher) CommitEntry() {
	o.Batch.Rows++
	o.Entries++
	if len(o.Batch.Entries) >= sources.BatchRecords {
		o.entriesFull = true
		o.Flush()
	}
}

// LingerDeadline is when the pending batch will have lingered (Lingered);
// ok is false when nothing is pending. A source that sleeps between events
// wakes up then to push it.
func (o *Batcher) LingerDeadline() (deadline time.Time, ok bool) {
	if o.since.IsZero() {
		return time.Time{}, false
	}
	return o.since.Add(sources.BatchLinger), true
}
