package store

import (
	"testing"
	"time"

	"github.com/sobang/sobang/sources"
)

func TestLongestRequest(t *testing.T) {
	const base = int64(1_700_000_000_000)
	smp := func(offMS int64, elapsed int32) sources.Sample {
		return sources.Sample{StartMS: base + offMS, ElapsedMS: elapsed, Label: "a", Success: true, AllThreads: -1}
	}
	tests := []struct {
		name    string
		samples []sources.Sample
		want    int64
	}{
		{"none", nil, 0},
		{"fast", []sources.Sample{smp(0, 5), smp(900, 50)}, 950},
		{"slow success after a fast failure", []sources.Sample{smp(100, 30), smp(200, 2500)}, 2700},
		// A slow request more than a minute before the newest second is
		// forgotten.
		{"old slow one", []sources.Sample{smp(0, 9000), smp(120_000, 10)}, 10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := New([]sources.Info{{Name: "r.jtl", Kind: sources.KindJTL}})
			if len(tt.samples) > 0 {
				st.Apply(sources.Batch{Source: 0, Samples: tt.samples, Rows: len(tt.samples)})
			}
			if got := st.Load.LongestRequest(); got != tt.want {
				t.Errorf("LongestRequest = %d, want %d", got, tt.want)
			}
		})
	}
}

// TestProgressAndGrowth: the store keeps the latest progress a batch told,
// and notes when a source reads new bytes after it caught up (a file that
// grows), not before, and not for records held back until then.
func TestProgressAndGrowth(t *testing.T) {
	clock := sources.NewManualClock(time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC))
	st := New([]sources.Info{{Name: "r.jtl", Kind: sources.KindJTL}})
	st.SetClock(clock)
	smp := []sources.Sample{{StartMS: 1_700_000_000_000, ElapsedMS: 5, Label: "a", Success: true, AllThreads: -1}}
	st.Apply(sources.Batch{Source: 0, Samples: smp, Rows: 1, Progress: sources.Progress{Read: 10, Size: 100}})
	st.Apply(sources.Batch{Source: 0, Rows: 0, CaughtUp: true})
	src := st.Sources[0]
	if src.Progress != (sources.Progress{Read: 10, Size: 100}) || !src.GrewAt.IsZero() {
		t.Fatalf("progress %+v, grew at %v; want 10 of 100 and no growth before catching up", src.Progress, src.GrewAt)
	}
	clock.Advance(time.Second)
	st.Apply(sources.Batch{Source: 0, Samples: smp, Rows: 1}) // held back until idle
	if !src.GrewAt.IsZero() {
		t.Fatalf("records without new bytes are no growth, grew at %v", src.GrewAt)
	}
	st.Apply(sources.Batch{Source: 0, Samples: smp, Rows: 1, Progress: sources.Progress{Read: 120, Size: 120}})
	if !src.GrewAt.Equal(clock.Now()) {
		t.Fatalf("grew at %v, want %v", src.GrewAt, clock.Now())
	}
	if f := (sources.Progress{Read: 10, Size: 100}).Fraction(); f != 0.1 {
		t.Fatalf("Fraction = %v", f)
	}
}
