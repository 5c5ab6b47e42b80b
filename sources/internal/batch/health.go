package batch

import (
	"fmt"

	"github.com/sobang/sobang/sources"
)

// What every load-test handler reports about itself, the same way whatever
// the format: tail's status (waiting, reading, following) with the format
// once it is known, a Failed health once, and a final Done health. The
// handler keeps its fatal format error and passes it in.

// Status receives tail's health changes (RunFile passes it to tail) and
// pushes them with the format.
func (o *Batcher) Status(hs sources.Health) {
	o.status = hs
	o.PushHealth(hs)
}

// SetFormat names the input's format once the handler knows it, and shows
// it at once with the latest status from tail, if there was one.
func (o *Batcher) SetFormat(format string) {
	o.Format = format
	o.RepeatStatus()
}

// RepeatStatus pushes the latest status from tail again, so that what the
// handler has just learnt (the format, Describe's run) shows without
// waiting for tail's next change; nothing before tail gave one.
func (o *Batcher) RepeatStatus() {
	if o.status.State != sources.StateStarting {
		o.PushHealth(o.status)
	}
}

// PushHealth pushes hs with the format, what Describe adds, and a Since of
// now when it has none.
func (o *Batcher) PushHealth(hs sources.Health) {
	hs.Format = o.Format
	if o.Describe != nil {
		o.Describe(&hs)
	}
	if hs.Since.IsZero() {
		hs.Since = o.clock.Now()
	}
	o.Batch.Health = &hs
	o.Flush()
}

// ReadDetail starts the detail of the final health: "read N samples from
// path"; a handler adds what it counted besides.
func (o *Batcher) ReadDetail(path string) string {
	return fmt.Sprintf("read %d samples from %s", o.Samples, path)
}

// Done pushes the final health, with detail (see ReadDetail).
func (o *Batcher) Done(detail string) {
	o.PushHealth(sources.Health{State: sources.StateDone, Detail: detail})
}

// Fail pushes the Failed health for err, once. The batches before the
// failure are still worth showing: a sink error is forgotten and pinned
// samples are let go.
func (o *Batcher) Fail(err error) {
	if o.failed {
		return
	}
	o.failed = true
	o.Err = nil
	o.Unpin()
	o.PushHealth(sources.Health{State: sources.StateFailed, Err: err.Error()})
}

// ReportEarly shows err, a fatal error the handler found outside Data
// (CaughtUp, Idle), at once: tail only stops at the next Data call, which
// may be far off while following a file that does not grow.
func (o *Batcher) ReportEarly(err error) {
	if err != nil && !o.failed {
		o.Fail(err)
	}
}

// CaughtUp marks the end of the data that existed when reading began
// (without Follow, the end of the input): it pushes the pending batch with
// CaughtUp set, and from then on Settle pushes after every chunk. err is the
// handler's fatal error, reported at once.
func (o *Batcher) CaughtUp(err error) {
	o.caughtUp = true
	o.Batch.CaughtUp = true
	o.Flush()
	o.ReportEarly(err)
}

// IsCaughtUp reports whether CaughtUp was called.
func (o *Batcher) IsCaughtUp() bool { return o.caughtUp }

// Idle pushes the partial batch (no new data came for a poll interval) and
// reports err, the handler's fatal error, at once.
func (o *Batcher) Idle(err error) {
	o.Flush()
	o.ReportEarly(err)
}

// Settle ends a handler's Data call: it pushes the pending batch once the
// input has caught up or the batch has lingered, and returns err, the
// handler's fatal error, or else the sink's error.
func (o *Batcher) Settle(err error) error {
	if o.caughtUp || o.Lingered() {
		o.Flush()
	}
	if err == nil {
		err = o.Err
	}
	return err
}

// Reset tells the consumer the input starts again (truncated or replaced);
// pinned samples are let go first.
func (o *Batcher) Reset() {
	o.Unpin()
	o.Push(sources.Batch{Reset: true})
}
