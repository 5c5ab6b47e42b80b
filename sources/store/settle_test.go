package store

import (
	"testing"

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
