package chart

import (
	"math"
	"strings"
	"testing"
)

// TestAreas covers what the throughput chart and the error strip rely on:
// an area at zero or absent draws nothing, stacked areas start where the
// one below ends, and a small non-zero value still shows.
func TestAreas(t *testing.T) {
	a, e := testStyle("a"), testStyle("e")
	tests := []struct {
		name  string
		chart Chart
		want  []string
	}{
		{
			name:  "zero and absent draw nothing",
			chart: Chart{Width: 3, Height: 1, Max: 4, CursorCol: -1, Series: []Series{{Fill: true, Style: a, Values: []float64{0, 0, nan, nan, 0, nan}}}},
			want:  []string{"   "},
		},
		{
			name:  "the first series' Fill draws nothing at zero either",
			chart: Chart{Width: 2, Height: 1, Max: 3, CursorCol: -1, Fill: true, Series: []Series{{Values: []float64{0, 1, 3, nan}}}},
			want:  []string{"⢀⡇"},
		},
		{
			name: "rounding above the base is no area",
			chart: Chart{Width: 1, Height: 1, Max: 30, CursorCol: -1, Series: []Series{
				{Fill: true, Style: a, Values: []float64{13.0 / 3 * 3, nan}},
				{Fill: true, Style: e, Base: []float64{13.0 / 3 * 3, nan}, Values: []float64{math.Nextafter(13, 14), nan}},
			}},
			want: []string{"<a>⡄</a>"},
		},
		{
			name:  "a tiny value shows one dot",
			chart: Chart{Width: 1, Height: 2, Max: 1000, CursorCol: -1, Series: []Series{{Fill: true, Values: []float64{1, 0}}}},
			want:  []string{" ", "⡀"},
		},
		{
			name: "errors stack on successes",
			// successes 2,2 | 0,0 | 4,4 ; totals 4,4 | 4,4 | 4,4: the first
			// cell half and half, the second all errors, the third no error.
			chart: Chart{Width: 3, Height: 1, Max: 4, CursorCol: -1, Series: []Series{
				{Fill: true, Style: a, Values: []float64{2, 2, 0, 0, 4, 4}},
				{Fill: true, Style: e, Base: []float64{2, 2, 0, 0, 4, 4}, Values: []float64{4, 4, 4, 4, 4, 4}},
			}},
			want: []string{"<e>⣿⣿</e><a>⣿</a>"},
		},
		{
			name: "one error on a tall success area still shows",
			chart: Chart{Width: 1, Height: 1, Max: 400, CursorCol: -1, Series: []Series{
				{Fill: true, Style: a, Values: []float64{400, nan}},
				{Fill: true, Style: e, Base: []float64{400, nan}, Values: []float64{401, nan}},
			}},
			want: []string{"<e>⡇</e>"},
		},
		{
			name: "hatched errors",
			chart: Chart{Width: 2, Height: 1, Max: 4, CursorCol: -1, Series: []Series{
				{Fill: true, Style: e, Pattern: Hatched, Values: []float64{4, 4, 4, 4}},
			}},
			want: []string{"<e>⢕⢕</e>"},
		},
		{
			name:  "blocks for a one-row strip, blank where absent",
			chart: Chart{Width: 4, Height: 1, Min: 0, Max: 100, Blocks: true, CursorCol: -1, Series: []Series{{Fill: true, Values: []float64{50, 50, nan, nan, 100, 100, 0, 0}}}},
			want:  []string{"▄ █ "},
		},
		{
			name:  "dotted line on every other sub-column",
			chart: Chart{Width: 2, Height: 1, Max: 1, CursorCol: -1, Series: []Series{{Pattern: Dotted, Values: []float64{0, 0, 0, 0}}}},
			want:  []string{"⡀⡀"},
		},
		{
			name: "a line cuts through an area: the dots above and below it cleared",
			chart: Chart{Width: 2, Height: 1, Max: 3, CursorCol: -1, Series: []Series{
				{Fill: true, Values: []float64{3, 3, 3, 3}},
				{Cut: true, Values: []float64{1, 1, nan, nan}},
			}},
			want: []string{"⠭⣿"},
		},
		{
			name: "a line without Cut vanishes in an area",
			chart: Chart{Width: 1, Height: 1, Max: 3, CursorCol: -1, Series: []Series{
				{Fill: true, Values: []float64{3, 3}},
				{Values: []float64{1, 1}},
			}},
			want: []string{"⣿"},
		},
		{
			name:  "sparse line on one sub-column in four",
			chart: Chart{Width: 4, Height: 1, Max: 1, CursorCol: -1, Series: []Series{{Pattern: Sparse, Values: []float64{0, 0, 0, 0, 0, 0, 0, 0}}}},
			want:  []string{"⡀ ⡀ "},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.chart.Lines()
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("Lines() =\n%q\nwant\n%q", got, tt.want)
			}
		})
	}
}

// TestStripFixedScale: a chart with a given range keeps it whatever the
// data, so 5% errors never look like 100%.
func TestStripFixedScale(t *testing.T) {
	c := Chart{Width: 2, Height: 1, Min: 0, Max: 100, Blocks: true, CursorCol: -1,
		Series: []Series{{Fill: true, Values: []float64{5, 5, 5, 5}}}}
	if lo, hi := c.Range(); lo != 0 || hi != 100 {
		t.Fatalf("Range() = %v, %v; want 0, 100", lo, hi)
	}
	if got := c.Lines()[0]; got != "▁▁" {
		t.Errorf("5%% of a one-row strip = %q, want the lowest block", got)
	}
}

// TestNiceScale checks that the y range ends on a multiple of a round step
// just above the data, and that every y label is such a multiple.
func TestNiceScale(t *testing.T) {
	tests := []struct {
		lo, hi        float64
		intervals     int
		wantLo, wantH float64
		wantStep      float64
	}{
		{0, 113, 1, 0, 200, 200},
		{0, 113, 2, 0, 200, 100},
		{0, 113, 5, 0, 150, 50},
		{0, 2800, 2, 0, 4000, 2000},
		{0, 2800, 5, 0, 3000, 1000},
		{0, 21, 2, 0, 40, 20},
		{0, 20, 1, 0, 20, 20},
		{-3, 1.5, 3, -4, 2, 2},
		{300, 730, 3, 200, 800, 200},
	}
	for _, tt := range tests {
		lo, hi, step := NiceScale(tt.lo, tt.hi, tt.intervals)
		if lo != tt.wantLo || hi != tt.wantH || step != tt.wantStep {
			t.Errorf("NiceScale(%v, %v, %d) = %v, %v, %v; want %v, %v, %v", tt.lo, tt.hi, tt.intervals, lo, hi, step, tt.wantLo, tt.wantH, tt.wantStep)
		}
	}
	for _, height := range []int{1, 2, 3, 5, 8, 17, 40} {
		for _, max := range []float64{0.3, 7, 113, 2800, 45678} {
			c := Chart{Width: 1, Height: height, AutoScale: true, Series: []Series{{Values: []float64{0, max}}}}
			lo, hi := c.Range()
			if hi < max || lo != 0 {
				t.Fatalf("height %d, max %v: range %v..%v does not hold the data", height, max, lo, hi)
			}
			_, _, step := NiceScale(lo, hi, Intervals(height))
			if hi-max > 2*step {
				t.Errorf("height %d, max %v: top %v is more than two steps (%v) above the data", height, max, hi, step)
			}
			for _, l := range YAxis(lo, hi, height, "") {
				l = strings.TrimSpace(l)
				if l == "" {
					continue
				}
				if !roundLabel(l) {
					t.Errorf("height %d, max %v: label %q is not round (range %v..%v)", height, max, l, lo, hi)
				}
			}
		}
	}
}

// roundLabel reports whether a label's digits are 1, 2, 5 (or 1.5, 2.5...)
// times a power of ten: at most two significant digits, the second 0 or 5.
func roundLabel(l string) bool {
	digits := strings.TrimLeft(strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, l), "0")
	digits = strings.TrimRight(digits, "0")
	return len(digits) <= 1 || len(digits) == 2 && digits[1] == '5'
}

// TestPatternKeys: a legend's sample is what Render draws for a flat line.
func TestPatternKeys(t *testing.T) {
	for _, p := range []Pattern{Solid, Dotted, Dashed, Sparse} {
		c := Chart{Width: 2, Height: 1, Min: 0, Max: 2, CursorCol: -1, Series: []Series{{Pattern: p, Values: []float64{1, 1, 1, 1}}}}
		// Over a longer run the pattern repeats: compare the first two cells.
		if got := c.Lines()[0]; got != p.Key() {
			t.Errorf("pattern %d draws %q, its key is %q", p, got, p.Key())
		}
	}
	c := Chart{Width: 2, Height: 1, Max: 1, CursorCol: -1, Series: []Series{{Fill: true, Pattern: Hatched, Values: []float64{1, 1, 1, 1}}}}
	if got := c.Lines()[0]; got != Hatched.Key() {
		t.Errorf("hatched draws %q, its key is %q", got, Hatched.Key())
	}
	_ = math.NaN()
}
