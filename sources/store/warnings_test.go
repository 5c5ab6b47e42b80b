package store

import (
	"slices"
	"testing"
	"time"

	"github.com/sobang/sobang/sources"
)

// TestWarningList checks the one list of a source's warnings that the report
// and the dashboard both show, and that WarningCount counts it.
func TestWarningList(t *testing.T) {
	since := time.Date(2026, 11, 25, 12, 30, 5, 0, time.UTC)
	stamp := func(t time.Time) string { return t.Format("15:04:05") }
	bad := func(n int) []sources.BadRow {
		var rows []sources.BadRow
		for i := range n {
			rows = append(rows, sources.BadRow{Line: 10 + i, Reason: "elapsed: expected an integer, found \"x\""})
		}
		return rows
	}
	tests := []struct {
		name    string
		batches []sources.Batch
		want    []string
	}{
		{"clean", []sources.Batch{{Rows: 3}}, []string{}},
		{"bad rows, all described", []sources.Batch{{BadRows: 2, Bad: bad(2)}}, []string{
			`run.jtl:10: elapsed: expected an integer, found "x"`,
			`run.jtl:11: elapsed: expected an integer, found "x"`,
		}},
		{"bad rows past the kept ones", []sources.Batch{{BadRows: 9, Bad: bad(sources.MaxBadRowsKept + 2)}}, append(
			func() []string {
				var l []string
				for i := range sources.MaxBadRowsKept {
					l = append(l, sources.At("run.jtl", 10+i, `elapsed: expected an integer, found "x"`))
				}
				return l
			}(), "4 more bad rows not described")},
		{"warnings and a truncated input, in order", []sources.Batch{
			{Warnings: []string{"no header: read as the JMeter default 17 columns"}},
			{Reset: true},
			{Warnings: []string{`more than 500 distinct labels: the samples of further labels are counted under "(other labels)"`}},
		}, []string{
			"no header: read as the JMeter default 17 columns",
			"the input was truncated or replaced; reading it again from its start",
			`more than 500 distinct labels: the samples of further labels are counted under "(other labels)"`,
		}},
		{"down, last", []sources.Batch{
			{BadRows: 1, Bad: bad(1), Warnings: []string{"w"}},
			{Health: &sources.Health{State: sources.StateDown, Err: "connection refused", Since: since}},
		}, []string{`run.jtl:10: elapsed: expected an integer, found "x"`, "w", "down since 12:30:05: connection refused, retrying"}},
		{"failed", []sources.Batch{{Health: &sources.Health{State: sources.StateFailed, Err: "permission denied"}}},
			[]string{"failed: permission denied"}},
		{"following is no warning", []sources.Batch{{Health: &sources.Health{State: sources.StateFollowing, Detail: "following"}}},
			[]string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := New([]sources.Info{{Name: "run.jtl", Kind: sources.KindJTL}, {Name: "app.log", Kind: sources.KindLog}})
			for _, b := range tt.batches {
				st.Apply(b)
			}
			src := st.Sources[0]
			got := src.WarningList(stamp)
			if got == nil || !slices.Equal(got, tt.want) {
				t.Fatalf("WarningList:\n got %q\nwant %q", got, tt.want)
			}
			if n := src.WarningCount(); n != len(tt.want) {
				t.Errorf("WarningCount = %d, want %d", n, len(tt.want))
			}
			if n := st.WarningCount(); n != len(tt.want) {
				t.Errorf("the store's WarningCount = %d, want %d (the other source has none)", n, len(tt.want))
			}
		})
	}
}
