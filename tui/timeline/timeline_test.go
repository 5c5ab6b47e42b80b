package timeline

import (
	"testing"
	"time"
)

const now = int64(1_764_074_299_500) // 2025-11-25T12:38:19.5Z

func TestLiveViewFollowsNow(t *testing.T) {
	tl := New(0)
	from, to := tl.View(now)
	if to != 1_764_074_300_000 || to-from != DefaultRange.Milliseconds() {
		t.Fatalf("live view = [%d,%d), want 5 minutes ending at the next second", from, to)
	}
	if !tl.Live() || tl.Cursor(now) != 1_764_074_297_000 {
		t.Fatalf("live cursor = %d, want the last complete second (2 s lag)", tl.Cursor(now))
	}
}

func TestMovePausesAndStepsOneColumn(t *testing.T) {
	tl := New(5 * time.Minute)
	tl.Columns = 100 // 300 s over 100 columns: 3 s a column
	tl.Move(-1, now)
	if tl.Live() {
		t.Fatal("moving the cursor must pause")
	}
	if got, want := tl.Cursor(now), int64(1_764_074_297_000-3000); got != want {
		t.Fatalf("cursor = %d, want %d (one 3 s column back)", got, want)
	}
	tl.Move(-10, now)
	if got, want := tl.Cursor(now), int64(1_764_074_297_000-33000); got != want {
		t.Fatalf("cursor after 10 more = %d, want %d", got, want)
	}
	tl.GoLive()
	if !tl.Live() || tl.Cursor(now+5000) != 1_764_074_302_000 {
		t.Fatal("end must return to live and follow now")
	}
}

func TestStepNeverBelowOneSecond(t *testing.T) {
	tl := New(time.Minute)
	tl.Columns = 300
	if got := tl.StepMS(now); got != 1000 {
		t.Fatalf("step = %d, want 1000", got)
	}
}

func TestCursorMovesRangeWhenLeavingIt(t *testing.T) {
	tl := New(time.Minute)
	tl.Columns = 60
	tl.Move(-90, now) // 90 s back, beyond the 60 s range
	from, to := tl.View(now)
	c := tl.Cursor(now)
	if c < from || c >= to {
		t.Fatalf("cursor %d outside view [%d,%d)", c, from, to)
	}
	if to-from != time.Minute.Milliseconds() {
		t.Fatalf("range changed to %d", to-from)
	}
}

func TestCursorClampedToData(t *testing.T) {
	tl := New(time.Minute)
	tl.SetData(now-30_000, now-10_000, true)
	tl.SetCursor(now-3_600_000, now)
	if got := tl.Cursor(now); got != floorTo(now-30_000, 1000) {
		t.Fatalf("cursor = %d, want clamped to the data start", got)
	}
	tl.SetCursor(now+3_600_000, now)
	if got := tl.Cursor(now); got != floorTo(now, 1000) {
		t.Fatalf("cursor = %d, want clamped to now", got)
	}
}

func TestFitPastData(t *testing.T) {
	cases := []struct {
		name        string
		first, last int64
		want        bool
	}{
		{"a run from yesterday", now - 26*3600_000, now - 24*3600_000, true},
		{"data inside the live range", now - 60_000, now - 1000, false},
		{"ends just before the range", now - 700_000, now - 301_000, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tl := New(0)
			tl.SetData(c.first, c.last, true)
			if got := tl.FitPast(now); got != c.want {
				t.Fatalf("FitPast = %v, want %v", got, c.want)
			}
			if !c.want {
				if !tl.Live() {
					t.Fatal("must stay live")
				}
				return
			}
			from, to := tl.View(now)
			if tl.Live() || from > c.first || to <= c.last {
				t.Fatalf("paused=%v view [%d,%d) must hold [%d,%d]", !tl.Live(), from, to, c.first, c.last)
			}
			if tl.Cursor(now) != floorTo(c.last, 1000) {
				t.Fatalf("cursor %d, want the last second %d", tl.Cursor(now), floorTo(c.last, 1000))
			}
		})
	}
	tl := New(0)
	if tl.FitPast(now) {
		t.Fatal("no data yet counts as live")
	}
}

func TestZoomSteps(t *testing.T) {
	tl := New(5 * time.Minute)
	var got []int64
	for range 5 {
		tl.Zoom(+1, now)
		got = append(got, tl.RangeMS())
	}
	want := []int64{900_000, 3_600_000, 0, 0, 0}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("zoom out steps = %v, want %v", got, want)
		}
	}
	tl.Zoom(-1, now)
	if tl.RangeMS() != 3_600_000 {
		t.Fatalf("zoom in from whole run = %d", tl.RangeMS())
	}
	for range 6 {
		tl.Zoom(-1, now)
	}
	if tl.RangeMS() != 60_000 {
		t.Fatalf("zoom in bottoms at 1m, got %d", tl.RangeMS())
	}
	since := New(0)
	since.SetSince(now - 2*3600_000)
	if from, _ := since.View(now); from != now-2*3600_000 {
		t.Fatalf("--since view starts at %d", from)
	}
	since.Zoom(-1, now)
	if since.RangeMS() != 3_600_000 {
		t.Fatalf("zoom in from a 2h --since = %d, want 1h", since.RangeMS())
	}
}

func TestWindowSelection(t *testing.T) {
	tl := New(time.Minute)
	tl.Columns = 60
	tl.SetCursor(now-20_000, now)
	tl.MarkWindow(now)
	if _, _, ok := tl.Window(); ok {
		t.Fatal("one press must not make a window yet")
	}
	tl.Move(-5, now) // the end may come before the start
	tl.MarkWindow(now)
	from, to, ok := tl.Window()
	if !ok || from != floorTo(now-25_000, 1000) || to != floorTo(now-20_000, 1000)+1000 {
		t.Fatalf("window = [%d,%d) %v", from, to, ok)
	}
	tl.ClearWindow()
	if _, _, ok := tl.Window(); ok {
		t.Fatal("esc must clear the window")
	}
}

func TestMarks(t *testing.T) {
	tl := New(time.Minute)
	tl.SetCursor(now-30_000, now)
	tl.AddMark(now)
	tl.SetCursor(now-10_000, now)
	tl.AddMark(now)
	tl.SetCursor(now-20_000, now)
	tl.NextMark(now)
	if tl.Cursor(now) != floorTo(now-10_000, 1000) {
		t.Fatal("' must jump to the next mark")
	}
	tl.NextMark(now)
	if tl.Cursor(now) != floorTo(now-30_000, 1000) {
		t.Fatal("' must wrap to the first mark")
	}
	tl.AddMark(now) // same second again removes it
	if len(tl.Marks()) != 1 {
		t.Fatalf("marks = %v", tl.Marks())
	}
}

func TestColumnMapping(t *testing.T) {
	from, to := int64(0), int64(60_000)
	if Column(30_000, from, to, 60) != 30 || Column(60_000, from, to, 60) != -1 || Column(-1, from, to, 60) != -1 {
		t.Fatal("Column mapping")
	}
	if TimeAt(30, from, to, 60) != 30_000 {
		t.Fatal("TimeAt mapping")
	}
}

// TestViewFitsTheRun: a run shorter than the range is shown whole (at least
// MinFit), growing with it when live; a longer one slides as before; the
// view never starts before the data.
func TestViewFitsTheRun(t *testing.T) {
	sec := int64(1000)
	nowSec := now / 1000 * 1000
	tests := []struct {
		name           string
		live           bool
		rng            time.Duration
		first, last    int64
		wantFrom, want int64 // the view's [from, to)
	}{
		{"live, 3 min run in a 5 min range", true, 5 * time.Minute, nowSec - 180*sec, nowSec, nowSec - 180*sec, nowSec + sec},
		{"live, 10 s run: at least a minute", true, 5 * time.Minute, nowSec - 10*sec, nowSec, nowSec - 10*sec, nowSec - 10*sec + 60*sec},
		{"live, run longer than the range", true, 5 * time.Minute, nowSec - 900*sec, nowSec, nowSec + sec - 300*sec, nowSec + sec},
		{"live whole run", true, 0, nowSec - 30*sec, nowSec, nowSec - 30*sec, nowSec + 30*sec},
		{"paused, 3 min run", false, 5 * time.Minute, nowSec - 180*sec, nowSec - 1, nowSec - 180*sec, nowSec},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tl := New(tt.rng)
			tl.SetData(tt.first, tt.last, true)
			if tt.rng == 0 {
				tl.Zoom(1, now) // a 30 s run: straight to the whole run
			}
			if !tt.live {
				tl.SetCursor(tt.last, now)
			}
			from, to := tl.View(now)
			if from != tt.wantFrom || to != tt.want {
				t.Fatalf("view [%d, %d), want [%d, %d) (relative to now: [%d, %d) vs [%d, %d))",
					from, to, tt.wantFrom, tt.want, from-nowSec, to-nowSec, tt.wantFrom-nowSec, tt.want-nowSec)
			}
		})
	}
}

// TestZoomStopsAtTheWholeRun: zooming out goes to the whole run instead of a
// range longer than the run, and zooming in from the whole run starts below
// the run's span.
func TestZoomStopsAtTheWholeRun(t *testing.T) {
	tl := New(5 * time.Minute)
	tl.SetData(now-20*60_000, now, true) // a 20-minute run
	var got []int64
	for _, dir := range []int{1, 1, 1, -1, -1, -1, -1} {
		tl.Zoom(dir, now)
		got = append(got, tl.RangeMS())
	}
	want := []int64{15 * 60_000, 0, 0, 15 * 60_000, 5 * 60_000, 60_000, 60_000}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("ranges %v, want %v", got, want)
		}
	}
}

// TestLoadOpenPastOpenLive: while loading, the view fits the data read so
// far, paused on its last second; the session then opens paused at the end
// or live with the range it was started with.
func TestLoadOpenPastOpenLive(t *testing.T) {
	tl := New(5 * time.Minute)
	if tl.OpenPast() {
		t.Fatal("OpenPast without data must do nothing")
	}
	tl.SetData(now-3_600_000, now-3_000_000, true)
	tl.Load()
	from, to := tl.View(now)
	if tl.Live() || tl.Cursor(now) != (now-3_000_000)/1000*1000 || from != (now-3_600_000)/1000*1000 || to > now-2_999_000 {
		t.Fatalf("loading: live %v, cursor %d, view [%d, %d)", tl.Live(), tl.Cursor(now), from, to)
	}
	tl.OpenLive()
	if !tl.Live() || tl.RangeMS() != 5*60_000 {
		t.Fatalf("OpenLive: live %v range %d, want live with 5m", tl.Live(), tl.RangeMS())
	}
	if !tl.OpenPast() || tl.Live() || tl.RangeMS() != 0 {
		t.Fatal("OpenPast must pause on the whole run")
	}
}

func TestLagBounds(t *testing.T) {
	tl := New(0)
	for _, tt := range []struct{ set, want time.Duration }{
		{0, LiveLag}, {5 * time.Second, 5 * time.Second}, {time.Minute, MaxLiveLag},
	} {
		tl.SetLag(tt.set)
		if tl.Lag() != tt.want || tl.Cursor(now) != (now-tt.want.Milliseconds())/1000*1000 {
			t.Errorf("SetLag(%v): lag %v cursor %d", tt.set, tl.Lag(), tl.Cursor(now))
		}
	}
}
