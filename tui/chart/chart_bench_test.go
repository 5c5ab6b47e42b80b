package chart

import (
	"math"
	"strings"
	"testing"
)

// benchChart builds a chart like the load-test pane's throughput chart: three
// series (filled throughput, errors, a spiky latency line with a gap), a
// cursor, a selected window and two marks, with truecolor SGR styles.
func benchChart(w, h int) Chart {
	n := 2 * w
	throughput, errors, latency := make([]float64, n), make([]float64, n), make([]float64, n)
	for i := range n {
		x := float64(i)
		throughput[i] = 800 + 300*math.Sin(x/9) + float64(i*7919%97)
		errors[i] = 40 + 30*math.Sin(x/4)
		latency[i] = 500 + 200*math.Cos(x/13)
		if i%37 == 0 {
			latency[i] = 1100 // a spike
		}
		if i > n/3 && i < n/3+5 {
			latency[i] = math.NaN() // a gap in the scrape
		}
	}
	return Chart{
		Width: w, Height: h, AutoScale: true, Fill: true,
		Series: []Series{
			{Values: throughput, Style: Style{"\x1b[38;2;80;160;240m", "\x1b[39m"}},
			{Values: errors, Style: Style{"\x1b[38;2;240;80;80m", "\x1b[39m"}},
			{Values: latency, Style: Style{"\x1b[38;2;240;200;80m", "\x1b[39m"}},
		},
		CursorCol:   w * 2 / 3,
		CursorStyle: Style{"\x1b[1;38;2;255;255;255m", "\x1b[m"},
		WindowFrom:  w / 4, WindowTo: w / 2,
		WindowStyle: Style{"\x1b[48;2;40;44;60m", "\x1b[49m"},
		MarkCols:    []int{w / 5, w * 4 / 5},
		MarkStyle:   Style{"\x1b[2m", "\x1b[22m"},
	}
}

// BenchmarkRender98x17 renders the reference chart size (98x17) with 3 series,
// fill, cursor, window and marks. It must hold at most 50 µs per chart: the
// frame budget is 2 ms at 200x60 with about 8 charts plus tables and logs
// (ntcharts took about 2.7 ms at this size). Measured on a 2-core x86-64 VM:
// about 15 µs of CPU per chart (perf task-clock), 1 alloc of 8 KB; wall-clock
// ns/op read 23-50 µs while other jobs held a load average near 10.
func BenchmarkRender98x17(b *testing.B) {
	benchmarkRender(b, 98, 17)
}

// BenchmarkRender200x20 renders a chart across a 200-column terminal (2.4
// times the cells of 98x17); it must hold at most 100 µs. Measured on the
// same VM: about 33 µs of CPU per chart, 1 alloc of 16 KB; wall-clock 40-90
// µs under the same load.
func BenchmarkRender200x20(b *testing.B) {
	benchmarkRender(b, 200, 20)
}

func benchmarkRender(b *testing.B, w, h int) {
	c := benchChart(w, h)
	b.ReportAllocs()
	var buf strings.Builder
	for b.Loop() {
		buf.Reset()
		c.Render(&buf)
	}
	b.SetBytes(int64(buf.Len()))
}
