package chart

import (
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

var nan = math.NaN()

// sgrStyle returns a real SGR style with foreground colour n, for width checks.
func sgrStyle(n int) Style {
	return Style{Prefix: "\x1b[38;5;" + strconv.Itoa(n) + "m", Suffix: "\x1b[m"}
}

// testStyle returns a visible, easily counted style for golden strings.
func testStyle(name string) Style { return Style{Prefix: "<" + name + ">", Suffix: "</" + name + ">"} }

func TestRenderGolden(t *testing.T) {
	tests := []struct {
		name  string
		chart Chart
		want  []string
	}{
		{
			name:  "flat line at the bottom",
			chart: Chart{Width: 2, Height: 1, Max: 1, CursorCol: -1, Series: []Series{{Values: []float64{0, 0, 0, 0}}}},
			want:  []string{"⣀⣀"},
		},
		{
			name:  "flat line at the top",
			chart: Chart{Width: 2, Height: 1, Max: 1, CursorCol: -1, Series: []Series{{Values: []float64{1, 1, 1, 1}}}},
			want:  []string{"⠉⠉"},
		},
		{
			name: "ramp climbs one dot row per sub-column",
			// dot rows 0,1,2,3 from the bottom: bits 0x40, 0x20 | 0x02, 0x08
			chart: Chart{Width: 2, Height: 1, Max: 3, CursorCol: -1, Series: []Series{{Values: []float64{0, 1, 2, 3}}}},
			want:  []string{"⡠⠊"},
		},
		{
			name: "steep ramp is connected vertically",
			// 0 then 3: the second sub-column fills rows 1..3 (0x20|0x10|0x08)
			// beside the first dot (0x40)
			chart: Chart{Width: 1, Height: 1, Max: 3, CursorCol: -1, Series: []Series{{Values: []float64{0, 3}}}},
			want:  []string{"⡸"},
		},
		{
			name: "gap breaks the line",
			// 0, NaN, 3, 3: the 3 after the gap is not joined to the 0
			chart: Chart{Width: 2, Height: 1, Max: 3, CursorCol: -1, Series: []Series{{Values: []float64{0, nan, 3, 3}}}},
			want:  []string{"⡀⠉"},
		},
		{
			name:  "without the gap the same values are joined",
			chart: Chart{Width: 2, Height: 1, Max: 3, CursorCol: -1, Series: []Series{{Values: []float64{0, 0, 3, 3}}}},
			want:  []string{"⣀⠏"},
		},
		{
			name: "spike over two cell rows",
			// 0,7,0,0 over 8 dot rows: up the right column of the first cell,
			// down the left column of the second.
			chart: Chart{Width: 2, Height: 2, Max: 7, CursorCol: -1, Series: []Series{{Values: []float64{0, 7, 0, 0}}}},
			want:  []string{"⢸⡆", "⡸⣇"},
		},
		{
			name:  "missing values are a gap, extra values ignored",
			chart: Chart{Width: 2, Height: 1, Max: 1, CursorCol: -1, Series: []Series{{Values: []float64{1}}, {Values: []float64{0, 0, 0, 0, 1, 1}}}},
			want:  []string{"⣁⣀"},
		},
		{
			name:  "infinities and out-of-range values are clamped",
			chart: Chart{Width: 2, Height: 1, Min: 0, Max: 1, CursorCol: -1, Series: []Series{{Values: []float64{math.Inf(1), 5, math.Inf(-1), -5}}}},
			want:  []string{"⠉⣆"},
		},
		{
			name:  "min above max is swapped",
			chart: Chart{Width: 2, Height: 1, Min: 3, Max: 0, CursorCol: -1, Series: []Series{{Values: []float64{0, 1, 2, 3}}}},
			want:  []string{"⡠⠊"},
		},
		{
			name:  "empty chart is spaces",
			chart: Chart{Width: 3, Height: 2, CursorCol: -1},
			want:  []string{"   ", "   "},
		},
		{
			name:  "cursor is a line in empty cells and styled braille over data",
			chart: Chart{Width: 3, Height: 2, Max: 7, CursorCol: 1, CursorStyle: testStyle("c"), Series: []Series{{Values: []float64{0, 0, 0, 0, 0, 0}}}},
			want:  []string{" <c>│</c> ", "⣀<c>⣀</c>⣀"},
		},
		{
			name:  "window wraps its cells, data runs nest inside",
			chart: Chart{Width: 4, Height: 1, Max: 1, CursorCol: -1, WindowFrom: 1, WindowTo: 3, WindowStyle: testStyle("w"), Series: []Series{{Style: testStyle("a"), Values: []float64{nan, nan, 0, 0, nan, nan, nan, nan}}}},
			want:  []string{" <w><a>⣀</a></w><w> </w> "},
		},
		{
			name:  "window is clipped to the plot",
			chart: Chart{Width: 3, Height: 1, CursorCol: -1, WindowFrom: -5, WindowTo: 2, WindowStyle: testStyle("w")},
			want:  []string{"<w>  </w> "},
		},
		{
			name:  "marks in empty cells, hidden by the cursor and by data",
			chart: Chart{Width: 4, Height: 2, Max: 7, CursorCol: 3, MarkCols: []int{0, 3, 9, -1}, MarkStyle: testStyle("m"), Series: []Series{{Values: []float64{0, 0}}}},
			want:  []string{"<m>┆</m>  │", "⣀  │"},
		},
		{
			name: "shared cells OR their dots and take the last series' style",
			chart: Chart{Width: 2, Height: 1, Max: 3, CursorCol: -1, Series: []Series{
				{Style: testStyle("a"), Values: []float64{0, 0, 0, 0}},
				{Style: testStyle("b"), Values: []float64{3, 3, nan, nan}},
			}},
			want: []string{"<b>⣉</b><a>⣀</a>"},
		},
		{
			name: "equal styles merge into one run",
			chart: Chart{Width: 3, Height: 1, Max: 3, CursorCol: -1, Series: []Series{
				{Style: testStyle("a"), Values: []float64{0, 0, nan, nan, nan, nan}},
				{Style: testStyle("a"), Values: []float64{nan, nan, 3, 3, nan, nan}},
			}},
			want: []string{"<a>⣀⠉</a> "},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.chart.Lines()
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("Lines() =\n%q\nwant\n%q", got, tt.want)
			}
			var b strings.Builder
			tt.chart.Render(&b)
			if b.String() != strings.Join(tt.want, "\n") {
				t.Errorf("Render() = %q, want %q", b.String(), strings.Join(tt.want, "\n"))
			}
		})
	}
}

// TestLinesExactWidth checks the contract panes rely on to lay out a frame:
// Height lines, each exactly Width cells, styles and all.
func TestLinesExactWidth(t *testing.T) {
	for _, size := range [][2]int{{1, 1}, {4, 2}, {17, 3}, {98, 17}, {200, 20}} {
		c := benchChart(size[0], size[1])
		lines := c.Lines()
		if len(lines) != size[1] {
			t.Fatalf("%dx%d: got %d lines, want %d", size[0], size[1], len(lines), size[1])
		}
		for i, l := range lines {
			if w := ansi.StringWidth(l); w != size[0] {
				t.Errorf("%dx%d: line %d is %d cells wide, want %d: %q", size[0], size[1], i, w, size[0], l)
			}
			if n := strings.Count(l, "\x1b["); n%2 != 0 {
				t.Errorf("%dx%d: line %d has %d SGR sequences, want pairs: %q", size[0], size[1], i, n, l)
			}
		}
	}
}

// TestStyleRuns counts prefixes: one per run of equally styled cells, not
// one per cell.
func TestStyleRuns(t *testing.T) {
	a, b := testStyle("a"), testStyle("b")
	flat := func(v float64, from, to int) []float64 {
		vals := make([]float64, 16)
		for i := range vals {
			vals[i] = nan
			if i >= 2*from && i < 2*to {
				vals[i] = v
			}
		}
		return vals
	}
	// Cells 0-2 series a, 3-5 series b, 6-7 empty; a window over cells 2-4
	// splits runs at its edges: a | a+w | b+w | b | empty.
	c := Chart{Width: 8, Height: 1, Max: 1, CursorCol: -1, WindowFrom: 2, WindowTo: 5, WindowStyle: testStyle("w"),
		Series: []Series{{Style: a, Values: flat(0, 0, 3)}, {Style: b, Values: flat(0, 3, 6)}}}
	line := c.Lines()[0]
	for _, tc := range []struct {
		prefix string
		want   int
	}{{"<a>", 2}, {"<b>", 2}, {"<w>", 2}} {
		if got := strings.Count(line, tc.prefix); got != tc.want {
			t.Errorf("%s appears %d times, want %d, in %q", tc.prefix, got, tc.want, line)
		}
	}
	want := "<a>⣀⣀</a><w><a>⣀</a></w><w><b>⣀⣀</b></w><b>⣀</b>  "
	if line != want {
		t.Errorf("line = %q, want %q", line, want)
	}

	// A long run of one style over a wide chart is still one prefix per line.
	wide := benchChart(98, 17)
	wide.Series = wide.Series[:1]
	wide.Fill, wide.CursorCol, wide.WindowFrom, wide.WindowTo = false, -1, -1, -1
	for i := range wide.Series[0].Values {
		wide.Series[0].Values[i] = 0
	}
	for i, l := range wide.Lines() {
		want := 0
		if i == 16 {
			want = 1
		}
		if got := strings.Count(l, wide.Series[0].Style.Prefix); got != want {
			t.Errorf("flat wide chart line %d has %d prefixes, want %d", i, got, want)
		}
	}
}

func TestRenderDegenerate(t *testing.T) {
	for _, c := range []Chart{
		{},
		{Width: 0, Height: 5},
		{Width: 5, Height: 0},
		{Width: -3, Height: -1, Series: []Series{{Values: []float64{1, 2}}}},
		{Width: maxSide + 1, Height: 1},
		{Width: 1, Height: 1 << 40},
		{Width: 2048, Height: 1024},
	} {
		var b strings.Builder
		c.Render(&b)
		if b.Len() != 0 {
			t.Errorf("%dx%d: Render wrote %q, want nothing", c.Width, c.Height, b.String())
		}
		if l := c.Lines(); l != nil {
			t.Errorf("%dx%d: Lines() = %q, want nil", c.Width, c.Height, l)
		}
	}
}

func TestRenderWritesNoTrailingNewline(t *testing.T) {
	var b strings.Builder
	b.WriteString("before|")
	c := Chart{Width: 2, Height: 3, CursorCol: -1}
	c.Render(&b)
	if got, want := b.String(), "before|  \n  \n  "; got != want {
		t.Errorf("Render appended %q, want %q", got, want)
	}
}

func TestRange(t *testing.T) {
	inf := math.Inf(1)
	tests := []struct {
		name   string
		chart  Chart
		lo, hi float64
	}{
		{"fixed", Chart{Min: 10, Max: 20, Series: []Series{{Values: []float64{500}}}}, 10, 20},
		{"fixed swapped", Chart{Min: 20, Max: 10}, 10, 20},
		{"zero value autoscales", Chart{Width: 2, Series: []Series{{Values: []float64{3, 730}}}}, 0, 1000},
		{"autoscale includes zero", Chart{Width: 2, AutoScale: true, Series: []Series{{Values: []float64{300, 730}}}}, 0, 1000},
		{"autoscale negative", Chart{Width: 2, AutoScale: true, Series: []Series{{Values: []float64{-3, 1.5}}}}, -5, 5},
		{"autoscale negative, taller", Chart{Width: 2, Height: 4, AutoScale: true, Series: []Series{{Values: []float64{-3, 1.5}}}}, -4, 2},
		{"autoscale ignores NaN and Inf", Chart{Width: 2, AutoScale: true, Series: []Series{{Values: []float64{nan, inf, -inf, 4}}}}, 0, 5},
		{"autoscale ignores values past the width", Chart{Width: 1, AutoScale: true, Series: []Series{{Values: []float64{1, 2, 900}}}}, 0, 2},
		{"autoscale floor", Chart{Width: 2, AutoScale: true, Max: 5, Series: []Series{{Values: []float64{0.2, 0.3}}}}, 0, 5},
		{"autoscale past the floor", Chart{Width: 2, AutoScale: true, Max: 5, Series: []Series{{Values: []float64{7}}}}, 0, 10},
		{"no data", Chart{Width: 2, AutoScale: true}, 0, 1},
		{"all zero", Chart{Width: 2, AutoScale: true, Series: []Series{{Values: []float64{0, 0}}}}, 0, 1},
		{"tight", Chart{Width: 2, Height: 4, AutoScale: true, Tight: true, Series: []Series{{Values: []float64{300, 730}}}}, 200, 800},
		{"tight single value", Chart{Width: 2, AutoScale: true, Tight: true, Series: []Series{{Values: []float64{100, 100}}}}, 90, 110},
		{"NaN bounds autoscale", Chart{Width: 1, Min: nan, Max: 3, Series: []Series{{Values: []float64{7}}}}, 0, 10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lo, hi := tt.chart.Range()
			if lo != tt.lo || hi != tt.hi {
				t.Errorf("Range() = %v, %v; want %v, %v", lo, hi, tt.lo, tt.hi)
			}
		})
	}
	// Extreme single values still give a usable range.
	for _, v := range []float64{math.MaxFloat64, -math.MaxFloat64, 5e-324, -5e-324} {
		c := Chart{Width: 1, AutoScale: true, Tight: true, Series: []Series{{Values: []float64{v}}}}
		lo, hi := c.Range()
		if !(lo < hi) || !isFinite(lo) || !isFinite(hi) {
			t.Errorf("Tight range of %v = %v, %v; want finite lo < hi", v, lo, hi)
		}
	}
}

// TestRenderConcurrent renders one chart from several goroutines; with -race
// it proves the pooled scratch is never shared.
func TestRenderConcurrent(t *testing.T) {
	c := benchChart(40, 8)
	want := strings.Join(c.Lines(), "\n")
	done := make(chan string)
	for range 4 {
		go func() {
			var got string
			for range 20 {
				var b strings.Builder
				c.Render(&b)
				got = b.String()
			}
			done <- got
		}()
	}
	for range 4 {
		if got := <-done; got != want {
			t.Errorf("concurrent render differs:\n%q\nwant\n%q", got, want)
		}
	}
}

func FuzzRender(f *testing.F) {
	f.Add(4, 2, 0.0, 0.0, true, false, 1, 0, 3, []byte{0, 10, 200, 255, 3})
	f.Add(98, 17, 0.0, 100.0, false, true, 50, 20, 40, []byte("some bytes to turn into values"))
	f.Add(1, 1, 5.0, -5.0, false, false, -1, -1, -1, []byte{})
	f.Add(0, 3, 0.0, 0.0, true, true, 0, 0, 0, []byte{1})
	f.Fuzz(func(t *testing.T, w, h int, lo, hi float64, auto, fill bool, cursor, from, to int, data []byte) {
		// Keep sizes terminal-like so the fuzzer spends its time on values.
		w, h = w%300, h%100
		specials := []float64{nan, math.Inf(1), math.Inf(-1), 0, math.Copysign(0, -1), math.MaxFloat64, -math.MaxFloat64, 5e-324, 1e-9, 1e9}
		c := Chart{Width: w, Height: h, Min: lo, Max: hi, AutoScale: auto, Tight: fill && auto, Fill: fill,
			CursorCol: cursor, CursorStyle: sgrStyle(1), WindowFrom: from, WindowTo: to, WindowStyle: Style{"\x1b[48;5;4m", "\x1b[49m"},
			MarkCols: []int{cursor + 1, from, to}, MarkStyle: sgrStyle(2), Blocks: fill && cursor%3 == 0}
		for s := range 3 {
			vals := make([]float64, 0, len(data))
			for i, d := range data {
				switch {
				case d < 20:
					vals = append(vals, specials[int(d)%len(specials)])
				default:
					vals = append(vals, float64(int(d)*(s+1)-i)*lo/7)
				}
			}
			ser := Series{Values: vals, Style: sgrStyle(3 + s%2), Pattern: Pattern(s + cursor&3)}
			if s == 1 && fill { // an area stacked on the first series
				ser.Fill, ser.Base = true, c.Series[0].Values
			}
			c.Series = append(c.Series, ser)
		}
		lines := c.Lines()
		if w < 1 || h < 1 {
			if lines != nil {
				t.Fatalf("%dx%d: got %d lines, want none", w, h, len(lines))
			}
			return
		}
		if len(lines) != h {
			t.Fatalf("%dx%d: got %d lines", w, h, len(lines))
		}
		for i, l := range lines {
			if got := ansi.StringWidth(l); got != w {
				t.Fatalf("%dx%d: line %d is %d cells: %q", w, h, i, got, l)
			}
		}
		if rlo, rhi := c.Range(); !(rlo < rhi) {
			t.Fatalf("Range() = %v, %v, want lo < hi", rlo, rhi)
		}
	})
}
