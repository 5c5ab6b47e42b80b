package store

import (
	"slices"
	"testing"

	"github.com/sobang/sobang/sources"
)

func TestErrorOnsets(t *testing.T) {
	const base = int64(1_700_000_000)
	// failedAt lists the seconds (from base) holding one failed request;
	// every second from base to base+60 holds a successful one.
	tests := []struct {
		name     string
		failedAt []int64
		want     []int64 // onsets, seconds from base
	}{
		{"none", nil, nil},
		{"the first failure is an onset, even at the data's start", []int64{0, 1, 2}, []int64{0}},
		{"a gap shorter than the quiet is one episode", []int64{5, 14}, []int64{5}},
		{"exactly ten clean seconds start a new one", []int64{5, 16}, []int64{5, 16}},
		{"nine clean seconds do not", []int64{5, 15}, []int64{5}},
		{"several episodes", []int64{3, 4, 30, 31, 32, 50}, []int64{3, 30, 50}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := New([]sources.Info{{Name: "run.jtl", Kind: sources.KindJTL}})
			var samples []sources.Sample
			for s := int64(0); s <= 60; s++ {
				samples = append(samples, sources.Sample{StartMS: (base+s)*1000 + 100, ElapsedMS: 5, Label: "GET a", Code: "200", Success: true, AllThreads: -1})
			}
			for _, s := range tt.failedAt {
				samples = append(samples, sources.Sample{StartMS: (base+s)*1000 + 300, ElapsedMS: 5, Label: "GET a", Code: "500", AllThreads: -1})
			}
			// A failed transaction is no request: it starts no onset.
			samples = append(samples, sources.Sample{StartMS: (base+45)*1000 + 400, ElapsedMS: 5, Label: "Flow", Transaction: true, AllThreads: -1})
			st.Apply(sources.Batch{Source: 0, Samples: samples, Rows: len(samples)})
			var want []int64
			for _, s := range tt.want {
				want = append(want, (base+s)*1000)
			}
			if got := st.Load.ErrorOnsets(); !slices.Equal(got, want) {
				t.Errorf("onsets %v, want %v", got, want)
			}
		})
	}
}
