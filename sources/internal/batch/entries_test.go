package batch

import (
	"context"
	"testing"
	"time"

	"github.com/sobang/sobang/sources"
)

// batches is a Sink that keeps every batch pushed.
type batches []sources.Batch

func (s *batches) Push(_ context.Context, b sources.Batch) error {
	*s = append(*s, b)
	return nil
}

func TestEntriesPushFullBatches(t *testing.T) {
	var sink batches
	clock := sources.NewManualClock(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	o := New(context.Background(), &sink, clock)
	if _, ok := o.LingerDeadline(); ok {
		t.Fatal("a deadline with nothing pending")
	}
	before := clock.Now()
	n := sources.BatchRecords + 3
	for i := range n {
		o.EntrySlot().LineNo = i + 1
		o.CommitEntry()
		if i == 0 {
			if d, ok := o.LingerDeadline(); !ok || d.Before(before.Add(sources.BatchLinger)) {
				t.Fatalf("deadline %v, %v after the first entry", d, ok)
			}
		}
	}
	if len(sink) != 1 || len(sink[0].Entries) != sources.BatchRecords || sink[0].Rows != sources.BatchRecords {
		t.Fatalf("pushed %d batches, want one full one", len(sink))
	}
	if len(o.Batch.Entries) != 3 || cap(o.Batch.Entries) != sources.BatchRecords {
		t.Errorf("pending %d entries with room for %d; after a full batch, want room for a whole one",
			len(o.Batch.Entries), cap(o.Batch.Entries))
	}
	o.BadRow(7, "expected %s", "a JSON object")
	o.Flush()
	last := sink[len(sink)-1]
	if len(last.Entries) != 3 || last.Entries[2].LineNo != n || last.BadRows != 1 || last.Bad[0].Line != 7 {
		t.Errorf("last batch %+v", last)
	}
	if o.Entries != n || o.Bad != 1 {
		t.Errorf("totals: %d entries, %d bad, want %d and 1", o.Entries, o.Bad, n)
	}
	if _, ok := o.LingerDeadline(); ok {
		t.Error("a deadline after the flush")
	}
}

func TestExpectedDescribesTheFirstFew(t *testing.T) {
	var sink batches
	o := New(context.Background(), &sink, nil)
	for i := range sources.MaxBadRowsKept + 2 {
		o.Expected(i+1, "success", "true or false", []byte("maybe"))
	}
	o.Flush()
	b := sink[0]
	if b.BadRows != sources.MaxBadRowsKept+2 || len(b.Bad) != sources.MaxBadRowsKept || o.Bad != b.BadRows {
		t.Fatalf("%d bad rows, %d described, total %d", b.BadRows, len(b.Bad), o.Bad)
	}
	if got, want := b.Bad[1].String(), `line 2: success: expected true or false, found "maybe"`; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}
