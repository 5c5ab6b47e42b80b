package loadtesttest

import "github.com/sobang/sobang/sources"

// Result is everything one run of a source produced, batch by batch and
// added up, for tests to assert on.
type Result struct {
	Batches  []sources.Batch
	Samples  []sources.Sample
	Bad      []sources.BadRow
	BadRows  int
	Rows     int
	Warnings []string
	Health   []sources.Health
	CaughtUp int // batches that said the source caught up
	Resets   int // batches that said the input started again
	Err      error
}

// Collect adds up batches into a Result.
func Collect(batches []sources.Batch) Result {
	var r Result
	for _, b := range batches {
		r.Add(b)
	}
	return r
}

// Add folds one more batch into r.
func (r *Result) Add(b sources.Batch) {
	r.Batches = append(r.Batches, b)
	r.Samples = append(r.Samples, b.Samples...)
	r.Bad = append(r.Bad, b.Bad...)
	r.BadRows += b.BadRows
	r.Rows += b.Rows
	r.Warnings = append(r.Warnings, b.Warnings...)
	if b.Health != nil {
		r.Health = append(r.Health, *b.Health)
	}
	if b.CaughtUp {
		r.CaughtUp++
	}
	if b.Reset {
		r.Resets++
	}
}

// BadStrings returns r's bad rows as "line N: why", for messages.
func BadStrings(r Result) []string {
	var out []string
	for _, b := range r.Bad {
		out = append(out, b.String())
	}
	return out
}
