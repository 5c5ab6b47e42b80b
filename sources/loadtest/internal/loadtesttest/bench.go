package loadtesttest

import (
	"context"
	"testing"

	"github.com/sobang/sobang/sources"
)

// CountingSink counts what it is pushed and keeps nothing.
type CountingSink struct{ Samples, Bad int }

// Push counts b's samples and bad records.
func (c *CountingSink) Push(_ context.Context, b sources.Batch) error {
	c.Samples += len(b.Samples)
	c.Bad += b.BadRows
	return nil
}

// FeedChunks gives data to h in sources.ReadChunk pieces, as tail.File
// would, then ends the input with CaughtUp; a Data error fails tb.
func FeedChunks(tb testing.TB, h Handler, data []byte) {
	for p := data; len(p) > 0; {
		n := min(len(p), sources.ReadChunk)
		if err := h.Data(p[:n]); err != nil {
			tb.Fatal(err)
		}
		p = p[n:]
	}
	h.CaughtUp()
}

// BenchmarkParse runs parse, which reads data through a fresh handler and
// returns what its sink counted, b.N times; every run must count want
// samples and no bad record. Besides MB/s (wall time, what the parsers'
// targets refer to) it reports MB/cpu-s, the bytes per second of CPU time
// the process used: on a shared machine whose other tenants take the CPU
// away, that is the figure that says whether the code got slower.
func BenchmarkParse(b *testing.B, data []byte, want int, parse func(testing.TB, []byte) *CountingSink) {
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	cpu0 := ProcessCPU()
	b.ResetTimer()
	for b.Loop() {
		sink := parse(b, data)
		if sink.Samples != want || sink.Bad != 0 {
			b.Fatalf("got %d samples and %d bad records, want %d and 0", sink.Samples, sink.Bad, want)
		}
	}
	b.StopTimer()
	if cpu := ProcessCPU() - cpu0; cpu > 0 {
		b.ReportMetric(float64(len(data))*float64(b.N)/1e6/cpu.Seconds(), "MB/cpu-s")
	}
}
