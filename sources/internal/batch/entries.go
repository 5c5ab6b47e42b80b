package batch

import (
	"time"

	"github.com/sobang/sobang/sources"
)

// What the log ingester needs besides what the load-test formats use: log
// entries instead of samples, and the deadline of its timer.

// AddEntry appends one log entry to the pending batch and pushes the batch
// once it holds BatchRecords entries. After a full batch the next one is
// made with room for BatchRecords at once: a log read from its start fills
// batch after batch, and growing each by appending costs a copy per
// doubling.
func (o *Batcher) AddEntry(e *sources.LogEntry) {
	o.start()
	if o.Batch.Entries == nil && o.entriesFull {
		o.Batch.Entries = make([]sources.LogEntry, 0, sources.BatchRecords)
	}
	o.Batch.Entries = append(o.Batch.Entries, *e)
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
