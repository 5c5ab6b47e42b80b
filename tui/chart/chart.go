// Package chart draws the dashboard's live time-series charts (throughput,
// error rate, latency percentiles, metric series) as braille dots.
//
// Every chart of a frame shares one time axis: a cell column is the same
// instant in every chart, so the time cursor, the selected window and the
// timeline marks are given as cell columns and line up across panes.
//
// A chart is a pure function of its Chart value: Render reads the fields and
// writes text, keeping no state between calls, and imports no Bubble Tea.
//
// Why a rasteriser of our own rather than ntcharts: ntcharts styles every
// cell through lipgloss and measured about 2.7 ms per 98x17 chart per frame
// (v2), more than the whole 2 ms frame budget at 200x60 with about 8 charts.
// This package ORs dots into a byte grid and writes one precomputed SGR
// prefix/suffix per run of equally styled cells. BenchmarkRender98x17 (3
// series, fill, cursor, window, marks, truecolor styles; budget 50 µs) took
// about 15 µs of CPU per chart on a 2-core x86-64 VM, 1 allocation (the
// output); BenchmarkRender200x20 about 33 µs. See chart_bench_test.go.
//
// Braille gives each cell 2x4 dots, so a chart Width cells wide has 2*Width
// sub-columns (one value each) and 4*Height dot rows.
//
// A series is a line or an area (Series.Fill), and areas stack (Series.Base:
// errors drawn on top of successes). What the eye reads first must be true:
// an area at or below its base, and a missing value, draw nothing at all,
// while any value above its base draws at least one dot. Patterns (dotted,
// dashed, sparse lines; hatched areas) keep series apart without colour,
// and Blocks draws a one-area chart a row or two tall in eighth blocks. The
// y range ends on multiples of a 1, 2 or 5 step fitted to the data
// (NiceScale), which YAxis labels.
package chart

import (
	"math"
	"strings"
	"sync"
)

// Style is a precomputed pair of SGR strings written around a run of cells;
// the zero Style leaves the cells unstyled.
//
// Build it once per theme (for instance with StyleOf), not per frame. Inside
// the selected window a run is written as Window.Prefix, Prefix, cells,
// Suffix, Window.Suffix, so a Suffix that resets every attribute ("\x1b[m")
// is as correct as one that resets only what Prefix set ("\x1b[39m").
type Style struct {
	// Prefix is written before the run, e.g. "\x1b[38;5;2m".
	Prefix string
	// Suffix is written after the run, e.g. "\x1b[39m" or "\x1b[m".
	Suffix string
}

// Series is one line or area of a chart: one value per braille sub-column.
type Series struct {
	// Values holds one value per sub-column, len 2*Width (two dot columns per
	// cell); index 0 is the leftmost sub-column. Missing trailing values and
	// NaN are gaps that break the line; extra values are ignored; ±Inf and
	// values outside the range are clamped to its edges.
	Values []float64
	// Style is written around the runs of cells this series owns.
	Style Style
	// Fill draws the series as an area from Base (the bottom of the plot
	// when Base is nil or NaN) up to Values. An area at or below its base
	// draws nothing, so a zero never paints the bottom row; one above it
	// draws at least one dot, so a single error on a tall stack still shows.
	Fill bool
	// Base is where a Fill area starts, one value per sub-column: the top of
	// the area beneath it for a stacked chart (errors on successes).
	Base []float64
	// Pattern thins the series' dots so that series stay apart without
	// colour (NO_COLOR, 16 colours): Solid, Dotted, Dashed, Sparse for
	// lines, Hatched for areas.
	Pattern Pattern
	// Cut draws a line through the areas drawn before it: the dots just
	// above and below each of its dots are cleared, so that the line stays
	// visible inside a filled area without colour (a plan's throughput
	// over the measured one).
	Cut bool
}

// Pattern is how a series' dots are laid out, so that series differ by
// more than colour.
type Pattern uint8

// The patterns: lines skip sub-columns, a hatched area keeps every other dot
// in a checkerboard.
const (
	Solid   Pattern = iota // every sub-column
	Dotted                 // every other sub-column
	Dashed                 // two sub-columns on, two off
	Sparse                 // one sub-column in four
	Hatched                // areas: a checkerboard of dots
)

// draws reports whether a line with pattern p puts dots in sub-column x.
func (p Pattern) draws(x int) bool {
	switch p {
	case Dotted:
		return x%2 == 0
	case Dashed:
		return x%4 < 2
	case Sparse:
		return x%4 == 0
	}
	return true
}

// Key is a two-cell sample of the pattern for a legend, drawn as Render
// draws it: "⠒⠒" solid, "⠂⠂" dotted, "⠒ " dashed, "⠂ " sparse, "⢕⢕"
// hatched.
func (p Pattern) Key() string {
	switch p {
	case Dotted:
		return "⠂⠂"
	case Dashed:
		return "⠒ "
	case Sparse:
		return "⠂ "
	case Hatched:
		return "⢕⢕"
	}
	return "⠒⠒"
}

// hatchMask[sub] keeps the dots of sub-column sub whose row from the top
// has the sub-column's parity: a checkerboard across cells, since a cell
// is an even number of dot rows tall.
var hatchMask = [dotColsPerCell]uint8{
	brailleBit[0][0] | brailleBit[0][2],
	brailleBit[1][1] | brailleBit[1][3],
}

// Chart describes one chart: its size, y range, series, and the shared time
// cursor, selected window and marks (all in cell columns of the plot area).
//
// Overlap rule: when several series put dots in one cell, the dots are ORed
// and the cell takes the Style of the series latest in Series, so put the most
// important series last.
type Chart struct {
	// Width and Height are the plot area in cells; Render draws nothing when
	// either is below 1, or when the chart is absurdly large (over 32768 on a
	// side or 2^20 cells).
	Width, Height int

	// Min and Max are the y range when AutoScale is false and Min < Max
	// (swapped when Min > Max). With AutoScale, or when they give no usable
	// range, the range is computed from the data and [Min, Max] only widens
	// it (a floor on the span, e.g. 0..5 for an error rate); see Range.
	Min, Max float64
	// AutoScale computes the range from the data: it includes zero and is
	// rounded outwards with NiceMax, unless Tight is set.
	AutoScale bool
	// Tight makes the computed range fit the data (no zero, no rounding), for
	// gauges such as resident memory that never come near zero.
	Tight bool

	// Series are drawn in order; later series win the colour of shared cells.
	Series []Series
	// Fill draws the first series as an area (see Series.Fill).
	Fill bool
	// Blocks draws areas with the eighth blocks ▁▂▃▄▅▆▇█, one value per cell
	// (the larger of its two sub-columns), for charts a row or two tall
	// where braille dots are too faint. A cell holds one colour, so use it
	// for charts with a single area.
	Blocks bool

	// CursorCol is the cell column of the time cursor; out of range (e.g. -1)
	// means no cursor. Note the zero value puts the cursor at column 0. The
	// cursor is a full-height line: '│' in empty cells, and the cell's
	// braille in CursorStyle where there is data.
	CursorCol   int
	CursorStyle Style

	// WindowFrom and WindowTo select the cell columns [WindowFrom, WindowTo)
	// of the selected window, clipped to the plot; WindowTo <= WindowFrom
	// (e.g. -1, -1, or the zero value) means none. Its cells are wrapped in
	// WindowStyle, typically a background colour.
	WindowFrom, WindowTo int
	WindowStyle          Style

	// MarkCols are cell columns of timeline marks (deploys, alerts), drawn as
	// '┆' in MarkStyle in the column's empty cells; the cursor hides them.
	MarkCols  []int
	MarkStyle Style
}

// maxSide and maxCells bound the chart size: larger charts fit no terminal
// and would only make Render allocate without limit (and w*h overflow).
const (
	maxSide  = 1 << 15
	maxCells = 1 << 20
)

const (
	dotRowsPerCell = 4
	dotColsPerCell = 2

	// cursorRune and markRune are drawn in empty cells; both are one cell wide.
	cursorRune = '│'
	markRune   = '┆'
)

// brailleBit[sub][dy] is the bit of the braille pattern (U+2800 + bits) for
// the dot in sub-column sub (0 left, 1 right) and dot row dy counted from the
// top of the cell: Unicode numbers the dots 1,2,3,7 down the left column and
// 4,5,6,8 down the right one.
var brailleBit = [dotColsPerCell][dotRowsPerCell]uint8{
	{0x01, 0x02, 0x04, 0x40},
	{0x08, 0x10, 0x20, 0x80},
}

// Column flags of the composition pass.
const (
	colCursor uint8 = 1 << iota
	colMark
	colWindow
)

// scratch is the per-render working memory, pooled so that rendering a chart
// every frame does not allocate it again (Render stays safe for concurrent
// use, which a scratch kept in Chart would not be).
type scratch struct {
	dots  []uint8 // braille bits per cell, row-major
	block []uint8 // eighths of a block per cell (Blocks), 0 for none
	owner []int32 // style key per cell: 0 none, 1+i series i
	cols  []uint8 // column flags
	keys  []Style // style per key: none, series..., cursor, mark
	canon []int32 // first key with an identical Style, so equal styles merge runs
	out   []byte
	ends  []int // byte offset of each line's end in out
}

var scratchPool = sync.Pool{New: func() any { return new(scratch) }}

// Range returns the y range Render uses, lo < hi, both finite; the panes use
// it for the y-axis labels (see YAxis).
//
// Without AutoScale, a usable [Min, Max] is returned as given (swapped if
// Min > Max). Otherwise the range spans the finite values of every series,
// widened to include [Min, Max] when Min < Max and, unless Tight, zero; both
// ends are then rounded outwards to a multiple of the round step NiceScale
// picks for the chart's height, so the top fits the data and the y labels
// are round. Without data it is [0, 1]; a single value v (Tight) gives
// v ± |v|/10.
func (c *Chart) Range() (lo, hi float64) {
	lo, hi = c.Min, c.Max
	if lo > hi {
		lo, hi = hi, lo
	}
	given := isFinite(lo) && isFinite(hi) && lo < hi
	if given && !c.AutoScale {
		return lo, hi
	}

	b := bounds{lo: math.Inf(1), hi: math.Inf(-1)}
	if !c.Tight {
		b.add(0)
	}
	if given {
		b.add(lo)
		b.add(hi)
	}
	subCols := dotColsPerCell * max(c.Width, 0)
	for i := range c.Series {
		vals := c.Series[i].Values
		if len(vals) > subCols {
			vals = vals[:subCols]
		}
		for _, v := range vals {
			if v-v == 0 { // finite: v-v is NaN for NaN and ±Inf
				b.add(v)
			}
		}
	}
	if b.lo > b.hi {
		return 0, 1 // no finite value
	}
	lo, hi = b.lo, b.hi
	if lo == hi {
		if lo == 0 {
			return 0, 1
		}
		// Only Tight gets here with one value: centre it.
		pad := math.Abs(lo) / 10
		lo, hi = lo-pad, hi+pad
		if !(lo < hi) || !isFinite(lo) || !isFinite(hi) { // pad underflowed or overflowed
			v := b.hi
			lo, hi = math.Nextafter(v, math.Inf(-1)), math.Nextafter(v, math.Inf(1))
			if math.IsInf(lo, 0) {
				lo = v
			}
			if math.IsInf(hi, 0) {
				hi = v
			}
		}
		return lo, hi
	}
	lo, hi, _ = NiceScale(lo, hi, Intervals(c.Height))
	return lo, hi
}

// bounds accumulates the extremes of a set of finite values; it starts as
// lo = +Inf, hi = -Inf, so lo > hi until the first value.
type bounds struct{ lo, hi float64 }

func (b *bounds) add(v float64) {
	// Plain comparisons: the min and max builtins order NaN and ±0, which
	// costs a few ns per value and cannot happen here.
	if v < b.lo {
		b.lo = v
	}
	if v > b.hi {
		b.hi = v
	}
}

func isFinite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// Render writes the chart to buf: Height lines separated by "\n", without a
// trailing newline, each exactly Width terminal cells wide and each carrying
// its own complete SGR runs (so a pane may put an axis label before it).
func (c *Chart) Render(buf *strings.Builder) {
	s, ok := c.render()
	if !ok {
		return
	}
	buf.Grow(len(s.out))
	buf.Write(s.out)
	scratchPool.Put(s)
}

// Lines renders the chart like Render and returns its Height lines, nil when
// the chart is empty; the lines share one backing string.
func (c *Chart) Lines() []string {
	s, ok := c.render()
	if !ok {
		return nil
	}
	all := string(s.out)
	lines := make([]string, len(s.ends))
	start := 0
	for i, end := range s.ends {
		lines[i] = all[start:end]
		start = end + 1 // skip the '\n'
	}
	scratchPool.Put(s)
	return lines
}

// render rasterises and composes the chart into a pooled scratch, which the
// caller returns to the pool; ok is false when there is nothing to draw.
func (c *Chart) render() (s *scratch, ok bool) {
	w, h := c.Width, c.Height
	if w < 1 || h < 1 || w > maxSide || h > maxSide || w*h > maxCells {
		return nil, false
	}
	s = scratchPool.Get().(*scratch)
	s.reset(w, h)
	lo, hi := c.Range()
	c.plot(s, lo, hi)
	c.compose(s)
	return s, true
}

// reset sizes and clears the scratch for a w x h chart.
func (s *scratch) reset(w, h int) {
	n := w * h
	s.dots = resize(s.dots, n)
	s.block = resize(s.block, n)
	s.owner = resize(s.owner, n)
	s.cols = resize(s.cols, w)
	clear(s.dots)
	clear(s.block)
	clear(s.owner)
	clear(s.cols)
	s.out = s.out[:0]
	s.ends = s.ends[:0]
}

func resize[T any](b []T, n int) []T {
	if cap(b) < n {
		return make([]T, n)
	}
	return b[:n]
}

// plot ORs every series' dots into s.dots and records which series owns
// each cell's colour.
func (c *Chart) plot(s *scratch, lo, hi float64) {
	w, h := c.Width, c.Height
	rows := dotRowsPerCell * h
	top := float64(rows - 1)
	scale := top / (hi - lo)
	subCols := dotColsPerCell * w
	for si := range c.Series {
		ser := &c.Series[si]
		vals := ser.Values
		if len(vals) > subCols {
			vals = vals[:subCols]
		}
		owner := int32(si + 1)
		if ser.Fill || (c.Fill && si == 0) {
			if c.Blocks {
				c.blocks(s, ser, vals, lo, hi, owner)
			} else {
				c.area(s, ser, vals, lo, hi, owner)
			}
			continue
		}
		prev := -1 // dot row of the previous drawn sub-column, -1 after a gap
		for x, v := range vals {
			if math.IsNaN(v) {
				prev = -1
				continue
			}
			if !ser.Pattern.draws(x) {
				continue
			}
			r := dotRow(v, lo, scale, top)
			from, to := r, r
			switch {
			case prev < 0:
			case prev < r:
				from = prev + 1 // rise: connect from just above the previous dot
			case prev > r:
				to = prev - 1 // fall: connect from just below it
			}
			if ser.Cut {
				s.clearDot(w, rows, x, from-1)
				s.clearDot(w, rows, x, to+1)
			}
			s.column(w, rows, x, from, to, owner, 0xFF)
			prev = r
		}
	}
}

// areaRows maps v to how many dot rows of rows an area up to v fills,
// counted from lo: 0 at or below lo, rows at or above hi.
func areaRows(v, lo, hi float64, rows int) int {
	f := (v-lo)/(hi-lo)*float64(rows) + 0.5
	if !(f >= 0) { // negative, -Inf, or NaN
		return 0
	}
	if f >= float64(rows) {
		return rows
	}
	return int(f)
}

// area draws ser as an area from its base up to its values.
func (c *Chart) area(s *scratch, ser *Series, vals []float64, lo, hi float64, owner int32) {
	w, rows := c.Width, dotRowsPerCell*c.Height
	for x, v := range vals {
		base := lo
		if x < len(ser.Base) && !math.IsNaN(ser.Base[x]) {
			base = max(ser.Base[x], lo)
		}
		// Absent, or nothing above the base: no dot. The tolerance keeps
		// rounding (a rate times n over n) from drawing an error that is
		// not there.
		if math.IsNaN(v) || !(v > base+math.Abs(base)*1e-9) {
			continue
		}
		from, to := areaRows(base, lo, hi, rows), areaRows(v, lo, hi, rows)
		if to <= from { // too small for a dot row of its own: show one
			to = from + 1
			if to > rows {
				from, to = rows-1, rows
			}
		}
		mask := uint8(0xFF)
		if ser.Pattern == Hatched {
			mask = hatchMask[x%dotColsPerCell]
			// A one-row area whose row the checkerboard skips keeps its dot.
			if to-from == 1 && (rows-to+x)%2 != 0 {
				mask = 0xFF
			}
		}
		s.column(w, rows, x, from, to-1, owner, mask)
	}
}

// blockRunes are the lower eighth blocks, by eighths filled.
var blockRunes = [9]rune{' ', '▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'}

// blocks draws ser as an area of eighth blocks, one value per cell.
func (c *Chart) blocks(s *scratch, ser *Series, vals []float64, lo, hi float64, owner int32) {
	w, h := c.Width, c.Height
	eighths := 8 * h
	for col := range w {
		v := math.NaN()
		for x := dotColsPerCell * col; x < dotColsPerCell*(col+1) && x < len(vals); x++ {
			if !math.IsNaN(vals[x]) && (math.IsNaN(v) || vals[x] > v) {
				v = vals[x]
			}
		}
		if math.IsNaN(v) || !(v > lo) {
			continue
		}
		n := max(areaRows(v, lo, hi, eighths), 1)
		for row := h - 1; row >= 0 && n > 0; row-- {
			i := row*w + col
			s.block[i] = uint8(min(n, 8))
			s.owner[i] = owner
			n -= 8
		}
	}
}

// dotRow maps v to a dot row counted from the bottom, in [0, top], where
// scale is top/(hi-lo). NaN never reaches it; ±Inf and out-of-range values
// land on the edges.
func dotRow(v, lo, scale, top float64) int {
	f := (v-lo)*scale + 0.5
	if !(f >= 0) { // negative, -Inf, or NaN from Inf*0
		return 0
	}
	if f >= top {
		return int(top)
	}
	return int(f)
}

// column sets the dots of sub-column x from dot row from to dot row to
// (inclusive, counted from the bottom), keeping those in mask, and gives
// their cells to owner. It
// works a cell at a time with dotSpan masks, not a dot at a time: a filled
// 98x17 chart sets about 13,000 dots but only 3,300 cells.
func (s *scratch) column(w, rows, x, from, to int, owner int32, mask uint8) {
	sub := x % dotColsPerCell
	spans := &dotSpan[sub]
	// Dot rows from the top, top <= bottom, both >= 0: unsigned shifts and
	// masks instead of signed division.
	top, bottom := uint(rows-1-to), uint(rows-1-from)
	first, last := int(top/dotRowsPerCell), int(bottom/dotRowsPerCell)
	i := first*w + x/dotColsPerCell
	if first == last {
		s.set(i, spans[top%dotRowsPerCell][bottom%dotRowsPerCell]&mask, owner)
		return
	}
	s.set(i, spans[top%dotRowsPerCell][dotRowsPerCell-1]&mask, owner)
	full := spans[0][dotRowsPerCell-1] & mask
	for range last - first - 1 {
		i += w
		s.set(i, full, owner)
	}
	i += w
	s.set(i, spans[0][bottom%dotRowsPerCell]&mask, owner)
}

// clearDot clears the dot of sub-column x at dot row r (from the bottom),
// when the chart has that row.
func (s *scratch) clearDot(w, rows, x, r int) {
	if r < 0 || r >= rows {
		return
	}
	top := rows - 1 - r
	s.dots[(top/dotRowsPerCell)*w+x/dotColsPerCell] &^= brailleBit[x%dotColsPerCell][top%dotRowsPerCell]
}

// set ORs bits into cell i and gives it to owner when it adds a dot.
func (s *scratch) set(i int, bits uint8, owner int32) {
	if bits != 0 {
		s.dots[i] |= bits
		s.owner[i] = owner
	}
}

// dotSpan[sub][first][last] ORs brailleBit[sub][first..last].
var dotSpan = func() (t [dotColsPerCell][dotRowsPerCell][dotRowsPerCell]uint8) {
	for sub := range t {
		for first := range dotRowsPerCell {
			var m uint8
			for last := first; last < dotRowsPerCell; last++ {
				m |= brailleBit[sub][last]
				t[sub][first][last] = m
			}
		}
	}
	return t
}()

// compose writes the lines into s.out, one SGR prefix/suffix per run of
// cells with the same style and window membership.
func (c *Chart) compose(s *scratch) {
	w, h := c.Width, c.Height
	n := len(c.Series)
	cursorKey, markKey := int32(n+1), int32(n+2)

	s.keys = s.keys[:0]
	s.keys = append(s.keys, Style{})
	for i := range c.Series {
		s.keys = append(s.keys, c.Series[i].Style)
	}
	s.keys = append(s.keys, c.CursorStyle, c.MarkStyle)
	s.canon = resize(s.canon, len(s.keys))
	for k := range s.keys {
		s.canon[k] = int32(k)
		for j := range k {
			if s.keys[j] == s.keys[k] {
				s.canon[k] = int32(j)
				break
			}
		}
	}

	for _, col := range c.MarkCols {
		if col >= 0 && col < w {
			s.cols[col] |= colMark
		}
	}
	if c.CursorCol >= 0 && c.CursorCol < w {
		s.cols[c.CursorCol] |= colCursor
	}
	if from, to := max(c.WindowFrom, 0), min(c.WindowTo, w); from < to {
		for col := from; col < to; col++ {
			s.cols[col] |= colWindow
		}
	}

	win := c.WindowStyle
	sgrLen := len(win.Prefix) + len(win.Suffix)
	for _, st := range s.keys {
		sgrLen = max(sgrLen, len(st.Prefix)+len(st.Suffix)+len(win.Prefix)+len(win.Suffix))
	}
	// 3 bytes per cell (every glyph is 3 bytes of UTF-8 except the space) and
	// a guess of a few runs per line; append grows it if the guess is short.
	if need := h * (3*w + 1 + 4*sgrLen); cap(s.out) < need {
		s.out = make([]byte, 0, need)
	}

	out := s.out
	cols := s.cols[:w]
	for row := range h {
		if row > 0 {
			out = append(out, '\n')
		}
		dots, owners := s.dots[row*w:row*w+w], s.owner[row*w:row*w+w]
		blocks := s.block[row*w : row*w+w]
		run := int32(-1) // canonical key << 1 | in window
		var open Style
		openWin := false
		for col, flags := range cols {
			bits := dots[col]
			var key int32
			glyph := rune(' ')
			switch {
			case flags&colCursor != 0:
				key = cursorKey
				glyph = cursorRune
				if bits != 0 {
					glyph = 0x2800 + rune(bits)
				} else if blocks[col] != 0 {
					glyph = blockRunes[blocks[col]]
				}
			case blocks[col] != 0:
				key = owners[col]
				glyph = blockRunes[blocks[col]]
			case bits != 0:
				key = owners[col]
				glyph = 0x2800 + rune(bits)
			case flags&colMark != 0:
				key = markKey
				glyph = markRune
			}
			inWin := flags&colWindow != 0
			id := s.canon[key] << 1
			if inWin {
				id |= 1
			}
			if id != run {
				out = closeRun(out, open, openWin, win)
				open, openWin, run = s.keys[key], inWin, id
				if openWin {
					out = append(out, win.Prefix...)
				}
				out = append(out, open.Prefix...)
			}
			if glyph == ' ' {
				out = append(out, ' ')
			} else {
				// Every non-space glyph is in U+0800..U+FFFF: 3 bytes of UTF-8.
				out = append(out, byte(0xE0|glyph>>12), byte(0x80|(glyph>>6)&0x3F), byte(0x80|glyph&0x3F))
			}
		}
		out = closeRun(out, open, openWin, win)
		s.ends = append(s.ends, len(out))
	}
	s.out = out
}

// closeRun writes the suffixes of the open run.
func closeRun(out []byte, open Style, inWin bool, win Style) []byte {
	out = append(out, open.Suffix...)
	if inWin {
		out = append(out, win.Suffix...)
	}
	return out
}
