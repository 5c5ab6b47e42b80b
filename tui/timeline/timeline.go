// Package timeline is the shared time axis of the dashboard: the one cursor,
// the visible range and its zoom, the one selected window, the marks, and
// whether the session is live or paused.
//
// It is pure state and arithmetic on epoch milliseconds, with no Bubble Tea
// import, so that every rule (past data, zoom, stepping) is unit-tested
// without a terminal. Panes never own a cursor of their own: they read this.
package timeline

import (
	"math"
	"slices"
	"sort"
	"time"
)

// Zooms are the visible ranges `+` and `-` step through; 0 is the whole run.
var Zooms = []time.Duration{time.Minute, 5 * time.Minute, 15 * time.Minute, time.Hour, 0}

// DefaultRange is the visible range of a live session without --range.
const DefaultRange = 5 * time.Minute

// Timeline is the shared time state. The zero value is not ready: use New.
type Timeline struct {
	live     bool
	cursorMS int64
	rangeMS  int64 // visible span; 0 means the whole run
	liveMS   int64 // the range a live session shows (New's), for going live after loading
	endMS    int64 // paused: the right edge of the visible range
	since    int64 // live with --since: the fixed left edge, 0 when unset
	lagMS    int64 // how far behind now the live cursor sits (SetLag)

	windowFrom, windowTo int64 // selected window [from, to), 0/0 when none
	windowStart          int64 // first `v` pressed, waiting for the second; 0 when not
	marks                []int64

	// Columns is the width in cells of the widest chart; the cursor steps
	// one column. The layout sets it.
	Columns int

	// Data range, updated by the app from the store.
	firstMS, lastMS int64
	hasData         bool
}

// New returns a live timeline showing the last r (DefaultRange when 0).
func New(r time.Duration) *Timeline {
	if r <= 0 {
		r = DefaultRange
	}
	return &Timeline{live: true, rangeMS: r.Milliseconds(), liveMS: r.Milliseconds(), lagMS: LiveLag.Milliseconds(), Columns: 80}
}

// SetSince makes a live session whose range starts at sinceMS.
func (t *Timeline) SetSince(sinceMS int64) { t.since = sinceMS }

// SetData tells the timeline the store's data range.
func (t *Timeline) SetData(firstMS, lastMS int64, ok bool) {
	t.firstMS, t.lastMS, t.hasData = firstMS, lastMS, ok
}

// Live reports whether the cursor follows now.
func (t *Timeline) Live() bool { return t.live }

// RangeMS returns the visible span, 0 for the whole run.
func (t *Timeline) RangeMS() int64 { return t.rangeMS }

// MinFit is the shortest span the axis fits a run into: a run of a few
// seconds is drawn from the left edge and grows into it, rather than a
// handful of seconds stretched over the width.
const MinFit = time.Minute

// View returns the visible range [from, to) at time nowMS. The range never
// starts before the data: while the run is shorter than the range, the view
// is the whole run (at least MinFit), growing with it when live.
func (t *Timeline) View(nowMS int64) (fromMS, toMS int64) {
	if t.live {
		toMS = ceilTo(nowMS, 1000)
		switch {
		case t.since != 0:
			return t.since, toMS
		case t.rangeMS == 0:
			fromMS = toMS - DefaultRange.Milliseconds()
		default:
			fromMS = toMS - t.rangeMS
		}
		if first := floorTo(t.firstMS, 1000); t.hasData && first < toMS && (t.rangeMS == 0 || fromMS < first) {
			fromMS = first
			toMS = max(toMS, fromMS+MinFit.Milliseconds())
		}
		return fromMS, toMS
	}
	if t.rangeMS == 0 {
		if !t.hasData {
			return t.endMS - DefaultRange.Milliseconds(), t.endMS
		}
		fromMS = floorTo(t.firstMS, 1000)
		return fromMS, max(ceilTo(t.lastMS+1, 1000), fromMS+MinFit.Milliseconds())
	}
	fromMS, toMS = t.endMS-t.rangeMS, t.endMS
	if first := floorTo(t.firstMS, 1000); t.hasData && fromMS < first {
		// Slide right to the data's start, and no further than its end
		// when the whole run is shorter than the range.
		fromMS, toMS = first, first+t.rangeMS
		end := max(ceilTo(t.lastMS+1, 1000), fromMS+MinFit.Milliseconds(), t.cursorMS+1000)
		toMS = min(toMS, end)
	}
	return fromMS, toMS
}

// Fitted reports whether the view shows the whole run because the run is
// shorter than the range (or the range is the whole run).
func (t *Timeline) Fitted(nowMS int64) bool {
	if t.rangeMS == 0 {
		return true
	}
	if t.since != 0 || !t.hasData {
		return false
	}
	from, to := t.View(nowMS)
	return from == floorTo(t.firstMS, 1000) && to-from < t.rangeMS
}

// LiveLag is the least the live cursor sits behind now: the current second
// is still being written (a JTL arrives in flushed chunks, a sample is
// written when it ends), so its figures would read low.
const LiveLag = 2 * time.Second

// MaxLiveLag bounds the live cursor's lag however slow the requests are:
// further behind, live would no longer read as now; the seconds it shows
// before they are final say so instead.
const MaxLiveLag = 30 * time.Second

// SetLag sets how far behind now the live cursor sits: d, kept between
// LiveLag and MaxLiveLag. The dashboard sets it from the longest recent
// request, so that the live cursor shows a second only once every request
// started in it has been written.
func (t *Timeline) SetLag(d time.Duration) {
	t.lagMS = min(max(d, LiveLag), MaxLiveLag).Milliseconds()
}

// Lag returns how far behind now the live cursor sits.
func (t *Timeline) Lag() time.Duration { return time.Duration(t.lagMS) * time.Millisecond }

// Cursor returns the cursor instant. Live, it is the newest second old
// enough to be complete (SetLag).
func (t *Timeline) Cursor(nowMS int64) int64 {
	if t.live {
		return floorTo(nowMS-t.lagMS, 1000)
	}
	return t.cursorMS
}

// StepMS is one chart column at the current zoom, never less than a second.
func (t *Timeline) StepMS(nowMS int64) int64 {
	from, to := t.View(nowMS)
	cols := int64(max(t.Columns, 1))
	step := ceilTo((to-from+cols-1)/cols, 1000)
	return max(step, 1000)
}

// Move moves the cursor n steps (negative: back in time) and pauses.
func (t *Timeline) Move(n int, nowMS int64) {
	step := t.StepMS(nowMS)
	cur := t.Cursor(nowMS)
	t.pause(nowMS)
	t.SetCursor(cur+int64(n)*step, nowMS)
}

// SetCursor puts the cursor at ms (clamped to the data and now) and pauses;
// the visible range follows so the cursor stays in view.
func (t *Timeline) SetCursor(ms, nowMS int64) {
	t.pause(nowMS)
	limit := floorTo(nowMS, 1000)
	if t.hasData && t.lastMS > limit {
		limit = floorTo(t.lastMS, 1000)
	}
	ms = min(ms, limit)
	if t.hasData {
		ms = max(ms, floorTo(t.firstMS, 1000))
	}
	t.cursorMS = floorTo(ms, 1000)
	if t.rangeMS == 0 {
		return
	}
	from, to := t.View(nowMS)
	switch {
	case t.cursorMS < from:
		// Stepping back past the left edge: keep the cursor near the left.
		t.endMS = ceilTo(t.cursorMS+t.rangeMS*9/10, 1000)
	case t.cursorMS >= to:
		t.endMS = ceilTo(t.cursorMS+1000, 1000)
	}
}

// pause freezes the visible range where it is now.
func (t *Timeline) pause(nowMS int64) {
	if !t.live {
		return
	}
	from, to := t.View(nowMS)
	t.cursorMS = t.Cursor(nowMS)
	t.live = false
	t.endMS = to
	if t.since != 0 {
		t.rangeMS = to - from
		t.since = 0
	}
}

// GoLive returns to following now.
func (t *Timeline) GoLive() { t.live = true }

// ToggleLive pauses a live session at now, or resumes a paused one.
func (t *Timeline) ToggleLive(nowMS int64) {
	if t.live {
		t.pause(nowMS)
		return
	}
	t.live = true
}

// Zoom changes the visible range by one step of Zooms: dir > 0 zooms out to
// the next longer range (the whole run last), dir < 0 zooms in to the next
// shorter one. Paused, the new range is centred on the cursor.
func (t *Timeline) Zoom(dir int, nowMS int64) {
	cur := t.rangeMS
	if t.since != 0 {
		from, to := t.View(nowMS)
		cur = to - from
	}
	// The run's span: no zoom longer than it, since the view never
	// reaches past the data (View).
	span := int64(math.MaxInt64)
	if t.hasData {
		last := t.lastMS
		if t.live {
			last = max(last, nowMS)
		}
		span = max(last-t.firstMS, MinFit.Milliseconds())
	}
	next := cur
	if dir < 0 {
		if cur == 0 {
			cur = span
		}
		for _, z := range Zooms {
			if z == 0 {
				continue
			}
			if ms := z.Milliseconds(); ms < cur {
				next = ms
			}
		}
	} else if cur != 0 {
		next = 0
		for _, z := range Zooms {
			if ms := z.Milliseconds(); ms > cur && ms < span {
				next = ms
				break
			}
		}
	}
	t.since = 0
	t.rangeMS = next
	if !t.live && t.rangeMS != 0 {
		t.endMS = ceilTo(t.cursorMS+t.rangeMS/2, 1000)
	}
}

// Load shows the data read so far while the sources are still reading the
// data that existed when they started: paused on the whole of it, the
// cursor on its last second, until Open decides. Without data it does
// nothing.
func (t *Timeline) Load() {
	if t.since == 0 {
		t.OpenPast()
	}
}

// OpenPast starts the session paused at the data's end: the whole run in
// view, the cursor on its last second. It returns false without data.
func (t *Timeline) OpenPast() bool {
	if !t.hasData {
		return false
	}
	t.live = false
	t.since = 0
	t.rangeMS = 0
	t.cursorMS = floorTo(t.lastMS, 1000)
	t.endMS = ceilTo(t.lastMS+1, 1000)
	return true
}

// OpenLive starts (or resumes) following now with the range of a live
// session, as after Load.
func (t *Timeline) OpenLive() {
	if !t.live {
		t.rangeMS = t.liveMS
	}
	t.live = true
}

// FitPast starts the session paused on past data: when every source has read
// its existing data and the newest of it is older than the visible range,
// the range fits all the data and the cursor sits on its last second.
// It returns whether it did so.
func (t *Timeline) FitPast(nowMS int64) bool {
	if !t.hasData || !t.live {
		return false
	}
	from, _ := t.View(nowMS)
	if t.lastMS >= from {
		return false
	}
	return t.OpenPast()
}

// MarkWindow handles `v`: the first press marks the window's start at the
// cursor, the second its end (the window then spans both seconds whole).
func (t *Timeline) MarkWindow(nowMS int64) {
	cur := t.Cursor(nowMS)
	if t.windowStart == 0 {
		t.windowStart = cur
		if t.live {
			t.pause(nowMS)
		}
		return
	}
	t.SetWindow(t.windowStart, cur)
	t.windowStart = 0
}

// SetWindow selects the window spanning the seconds of a and b, in any order.
func (t *Timeline) SetWindow(aMS, bMS int64) {
	a, b := min(aMS, bMS), max(aMS, bMS)
	t.windowFrom, t.windowTo = floorTo(a, 1000), floorTo(b, 1000)+1000
	t.windowStart = 0
}

// ClearWindow removes the selection (and a half-made one).
func (t *Timeline) ClearWindow() { t.windowFrom, t.windowTo, t.windowStart = 0, 0, 0 }

// Window returns the selected window, ok false when none.
func (t *Timeline) Window() (fromMS, toMS int64, ok bool) {
	return t.windowFrom, t.windowTo, t.windowTo != 0
}

// Selecting reports whether `v` was pressed once, and where.
func (t *Timeline) Selecting() (startMS int64, ok bool) { return t.windowStart, t.windowStart != 0 }

// AddMark sets a mark at the cursor (a second press on the same second
// removes it), and says whether it set one.
func (t *Timeline) AddMark(nowMS int64) (set bool) {
	cur := t.Cursor(nowMS)
	i := sort.Search(len(t.marks), func(i int) bool { return t.marks[i] >= cur })
	if i < len(t.marks) && t.marks[i] == cur {
		t.marks = append(t.marks[:i], t.marks[i+1:]...)
		return false
	}
	t.marks = append(t.marks, 0)
	copy(t.marks[i+1:], t.marks[i:])
	t.marks[i] = cur
	return true
}

// SetMarks replaces the marks with ms (a recording's), kept in time order
// and each once.
func (t *Timeline) SetMarks(ms []int64) {
	t.marks = append(t.marks[:0], ms...)
	sort.Slice(t.marks, func(i, j int) bool { return t.marks[i] < t.marks[j] })
	t.marks = slices.Compact(t.marks)
}

// Marks returns the marks in time order.
func (t *Timeline) Marks() []int64 { return t.marks }

// NextMark moves the cursor to the first mark after it, wrapping around.
func (t *Timeline) NextMark(nowMS int64) bool {
	if len(t.marks) == 0 {
		return false
	}
	cur := t.Cursor(nowMS)
	next := t.marks[0]
	for _, m := range t.marks {
		if m > cur {
			next = m
			break
		}
	}
	t.SetCursor(next, nowMS)
	return true
}

// Column returns the chart column (0..cols-1) of instant ms in [from, to),
// -1 when outside.
func Column(ms, fromMS, toMS int64, cols int) int {
	if ms < fromMS || ms >= toMS || cols <= 0 || toMS <= fromMS {
		return -1
	}
	return int((ms - fromMS) * int64(cols) / (toMS - fromMS))
}

// TimeAt returns the start instant of chart column col.
func TimeAt(col int, fromMS, toMS int64, cols int) int64 {
	if cols <= 0 {
		return fromMS
	}
	return fromMS + int64(col)*(toMS-fromMS)/int64(cols)
}

func floorTo(v, unit int64) int64 {
	q := v / unit
	if v%unit != 0 && v < 0 {
		q--
	}
	return q * unit
}

func ceilTo(v, unit int64) int64 { return -floorTo(-v, unit) }
