package tui

import (
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/store"
	"github.com/sobang/sobang/tui/chart"
	"github.com/sobang/sobang/tui/timeline"
)

// frame is everything a pane is a view of, computed once per View.
type frame struct {
	st       *Styles
	store    *store.Store
	nowMS    int64
	fromMS   int64 // visible range [from, to)
	toMS     int64
	cursorMS int64
	// unsettledMS is where the seconds that may still change begin (see
	// Model.settle): the cursor's figures are final only before it.
	unsettledMS int64
	winFrom     int64 // selected window, 0/0 when none
	winTo       int64
	marks       []int64
	zone        *time.Location
	live        bool
	replay      bool              // a replay (Options.Replay): live is its clock playing
	label       string            // the label opened in the load-test pane, "" when none
	path        string            // the shared filter: the open label's request path, "" when none
	filters     [paneCount]string // each pane's / filter
	// planned is the test plan's threads since the test's start, nil
	// without a plan (Options.PlannedThreads).
	planned  func(time.Duration) (float64, bool)
	planName string // the plan's file name, for the legend
	// plannedRate is the plan's throughput since the test's start, nil
	// without a throughput timer (Options.PlannedThroughput).
	plannedRate func(time.Duration) (float64, bool)
	plan        *sources.PlanView // the plan beside the results, nil without one
	events      []int64           // when the events happened (change.Events), marked on the time axes
	incidents   [][2]int64        // the incidents' spans [from, to) in ms, drawn as bands on the time axes
	// instant are the server's values at the cursor's second by series
	// identity (Options.PromQL's ValuesAt), for series asked at a step
	// coarser than a second; nil while none are known for this cursor.
	instant map[string]float64
	// thresholds are the lines across metric charts by family name or
	// query (Options.Thresholds).
	thresholds map[string]float64
	// exemplars are the server's exemplars by histogram family over the
	// range shown (Options.PromQL's Exemplars), nil while none are known.
	exemplars map[string][]sources.Exemplar
}

// key identifies the time state of a frame, for pane caches.
type frameKey struct {
	from, to, cursor, winFrom, winTo int64
	marks                            int
	live, settling                   bool
	path                             string
}

func (f *frame) key() frameKey {
	return frameKey{f.fromMS, f.toMS, f.cursorMS, f.winFrom, f.winTo, len(f.marks), f.live, f.settling(), f.path}
}

// clock formats an instant as HH:MM:SS in the display zone.
func (f *frame) clock(ms int64) string {
	return time.UnixMilli(ms).In(f.zone).Format("15:04:05")
}

// col maps an instant to a chart column of a chart w cells wide.
func (f *frame) col(ms int64, w int) int {
	return timeline.Column(ms, f.fromMS, f.toMS, w)
}

// decorate sets the cursor, window and marks of a chart w cells wide.
func (f *frame) decorate(c *chart.Chart) {
	w := c.Width
	c.CursorCol = f.col(f.cursorMS, w)
	c.CursorStyle = f.st.Cursor
	c.WindowFrom, c.WindowTo = -1, -1
	if f.winTo != 0 {
		a, b := f.col(f.winFrom, w), f.col(f.winTo-1, w)
		if f.winFrom < f.fromMS {
			a = 0
		}
		if f.winTo > f.toMS {
			b = w - 1
		}
		if a >= 0 && b >= 0 {
			c.WindowFrom, c.WindowTo = a, b+1
		}
	}
	c.WindowStyle = f.st.Window
	c.MarkCols = c.MarkCols[:0]
	for _, m := range f.marks {
		if x := f.col(m, w); x >= 0 {
			c.MarkCols = append(c.MarkCols, x)
		}
	}
	c.MarkStyle = f.st.Mark
}

// fit pads or cuts s (which may hold SGR sequences) to exactly w cells.
func fit(s string, w int) string {
	if w <= 0 {
		return ""
	}
	n := ansi.StringWidth(s)
	if n == w {
		return s
	}
	if n < w {
		return s + strings.Repeat(" ", w-n)
	}
	s = ansi.Truncate(s, w-1, "…")
	if n := ansi.StringWidth(s); n < w {
		s += strings.Repeat(" ", w-n)
	}
	return s
}

// fitPlain pads or cuts text without escape sequences to exactly w cells,
// starting skip cells in (for sideways scrolling).
func fitPlain(s string, skip, w int) string {
	if w <= 0 {
		return ""
	}
	if skip > 0 {
		s = ansi.Cut(s, skip, skip+w)
	}
	if isASCII(s) {
		if len(s) > w {
			return s[:w-1] + "…"
		}
		return s + strings.Repeat(" ", w-len(s))
	}
	return fit(s, w)
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// box draws a bordered pane of exactly w x h cells with the title (and a
// health note) in the top border and the content lines inside.
func box(st *Styles, title, note string, noteStyle chart.Style, lines []string, w, h int, focused bool) string {
	if w < 2 || h < 2 {
		return strings.Repeat(strings.Repeat(" ", max(w, 0))+"\n", max(h-1, 0)) + strings.Repeat(" ", max(w, 0))
	}
	border, titleSt := st.Border, st.Title
	// The focused pane's border is heavy as well as coloured, so it shows
	// without colour (NO_COLOR) and in any theme.
	tl, tr, bl, br, hz, vt := "╭", "╮", "╰", "╯", "─", "│"
	if focused {
		border, titleSt = st.BorderFocused, st.TitleFocused
		tl, tr, bl, br, hz, vt = "┏", "┓", "┗", "┛", "━", "┃"
	}
	var b strings.Builder
	b.Grow(w * h * 2)
	inner := w - 2
	// Top: ╭─ Title ─ note ───╮
	b.WriteString(border.Prefix + tl + hz + border.Suffix)
	used := 1
	t := " " + title + " "
	if tw := ansi.StringWidth(t); tw <= inner-1 {
		b.WriteString(wrap(titleSt, t))
		used += tw
	}
	if note != "" && inner-used > 4 {
		n := ansi.Truncate(" "+note+" ", inner-used-1, "…")
		b.WriteString(wrap(noteStyle, n))
		used += ansi.StringWidth(n)
	}
	b.WriteString(border.Prefix + strings.Repeat(hz, max(inner-used, 0)) + tr + border.Suffix)
	for i := 0; i < h-2; i++ {
		b.WriteByte('\n')
		b.WriteString(border.Prefix + vt + border.Suffix)
		if i < len(lines) {
			b.WriteString(fit(lines[i], inner))
		} else {
			b.WriteString(strings.Repeat(" ", inner))
		}
		b.WriteString(border.Prefix + vt + border.Suffix)
	}
	b.WriteByte('\n')
	b.WriteString(border.Prefix + bl + strings.Repeat(hz, inner) + br + border.Suffix)
	return b.String()
}

// numbered is a pane's title with the key that focuses it: "[1] Load test".
func numbered(pane int, title string) string {
	return "[" + itoa(pane+1) + "] " + title
}
