package tui

import (
	"fmt"
	"strings"
	"testing"

	"github.com/sobang/sobang/sources/store/sketch"
)

// TestLatencyShowsNoFraction: the dashboard keeps the sketch's estimates
// (any window, within 1%) but never shows a fraction of a millisecond, which
// no sample of JMeter or Gatling had; below 50 ms, where a sketch bucket
// holds one whole millisecond, the shown value is the exact one (a true 8 ms
// p95, estimated 7.92, shows as 8ms).
func TestLatencyShowsNoFraction(t *testing.T) {
	for v := 1; v < 1000; v++ {
		var s sketch.Sketch
		for range 100 {
			s.Add(float64(v))
		}
		got := ms(s.Quantile(0.95))
		if strings.Contains(got, ".") {
			t.Fatalf("%d ms shows as %s", v, got)
		}
		if want := fmt.Sprintf("%dms", v); v < 50 && got != want {
			t.Errorf("%d ms shows as %s, want %s", v, got, want)
		}
	}
	var s sketch.Sketch
	for i := range 100 {
		switch {
		case i < 50:
			s.Add(5)
		case i < 95:
			s.Add(8)
		default:
			s.Add(465)
		}
	}
	if got := ms(s.Quantile(0.95)); got != "8ms" {
		t.Errorf("p95 of the boundary shows as %s, want 8ms", got)
	}
}
