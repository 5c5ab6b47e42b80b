package chart

import (
	"math"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

func TestNiceMax(t *testing.T) {
	tests := []struct{ in, want float64 }{
		{1, 1}, {1.01, 2}, {2, 2}, {2.1, 5}, {5, 5}, {5.5, 10}, {730, 1000}, {1000, 1000}, {1001, 2000},
		{0.2, 0.2}, {0.3, 0.5}, {0.07, 0.1}, {0.001, 0.001}, {12, 20}, {49, 50}, {3e9, 5e9},
		{-3, -5}, {0, 0}, {math.MaxFloat64, math.MaxFloat64},
	}
	for _, tt := range tests {
		if got := NiceMax(tt.in); got != tt.want {
			t.Errorf("NiceMax(%v) = %v, want %v", tt.in, got, tt.want)
		}
	}
	// Any positive value rounds up, never down, to 1, 2 or 5 times a power of ten.
	for v := 1e-300; v < 1e300; v *= 1.37 {
		got := NiceMax(v)
		m := got / math.Pow10(int(math.Floor(math.Log10(got)+1e-9)))
		if got < v || (math.Abs(m-1) > 1e-6 && math.Abs(m-2) > 1e-6 && math.Abs(m-5) > 1e-6) {
			t.Fatalf("NiceMax(%v) = %v (mantissa %v), want >= it with mantissa 1, 2 or 5", v, got, m)
		}
	}
	if got := NiceMax(5e-324); got < 5e-324 {
		t.Errorf("NiceMax(5e-324) = %v, want >= it", got)
	}
	for _, v := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		if got := NiceMax(v); !(got == v || math.IsNaN(got) && math.IsNaN(v)) {
			t.Errorf("NiceMax(%v) = %v, want it unchanged", v, got)
		}
	}
}

func TestFormatValue(t *testing.T) {
	tests := []struct {
		v    float64
		unit string
		want string
	}{
		{math.NaN(), "ms", "–"},
		{math.Inf(1), "", "∞"},
		{math.Inf(-1), "%", "-∞"},
		{0, "", "0"},
		{0, "%", "0%"},
		{0, "ms", "0s"},
		{950, "", "950"},
		{1200, "", "1.2k"},
		{1000, "", "1k"},
		{999.7, "", "1k"},
		{12345, "", "12k"},
		{3.4e6, "", "3.4M"},
		{3.4e6, "/s", "3.4M/s"},
		{12.3e3, "/s", "12k/s"},
		{123e3, "/s", "123k/s"},
		{2e21, "", "2e21"},
		{12, "%", "12%"},
		{0.5, "%", "0.5%"},
		{0.05, "", "0.05"},
		{0.123, "", "0.12"},
		{-1200, "", "-1.2k"},
		{-0.0001, "%", "-1e-4%"},
		{-1e-300, "%", "0%"}, // too small to show with the unit: no "-0%"
		{1500, "B", "1.5kB"},
		{0, "iB", "0B"},
		{512, "iB", "512B"},
		{3 << 20, "iB", "3MiB"},
		{1.5 * (1 << 30), "iB", "1.5GiB"},
		{700 << 20, "iB", "700MiB"},
		{-2048, "iB", "-2KiB"},
		{1500, "req/s", "1.5k"}, // unit too long: dropped
		{950, "ms", "950ms"},
		{1200, "ms", "1.2s"},
		{999.7, "ms", "1s"},
		{0.05, "ms", "50µs"},
		{1.2, "s", "1.2s"},
		{0.95, "s", "950ms"},
		{90, "s", "1.5m"},
		{59.96, "s", "1m"},
		{7200, "s", "2h"},
		{3 * 86400, "s", "3d"},
		{250, "us", "250µs"},
		{1500, "ns", "1.5µs"},
		{-1200, "ms", "-1.2s"},
	}
	for _, tt := range tests {
		if got := FormatValue(tt.v, tt.unit); got != tt.want {
			t.Errorf("FormatValue(%v, %q) = %q, want %q", tt.v, tt.unit, got, tt.want)
		}
	}
}

func FuzzFormatValue(f *testing.F) {
	for _, unit := range []string{"", "%", "/s", "B", "ms", "s", "ns", "µs", "req/s"} {
		for _, v := range []float64{0, 1, -1, 999.99, 1e21, -1e300, 5e-324, -5e-324, math.MaxFloat64, 0.000123} {
			f.Add(v, unit)
		}
	}
	f.Fuzz(func(t *testing.T, v float64, unit string) {
		s := FormatValue(v, unit)
		if w := ansi.StringWidth(s); w > LabelWidth || w == 0 {
			t.Fatalf("FormatValue(%v, %q) = %q, %d cells, want 1..%d", v, unit, s, w, LabelWidth)
		}
	})
}
