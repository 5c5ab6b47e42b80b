package plan

import (
	"math"
	"strconv"
	"strings"

	"github.com/sobang/sobang/sources/sanitize"
)

// Figure is one number of a thread group: written in the plan (Raw, with
// its references resolved) or computed from such numbers.
type Figure struct {
	Raw        string   // as the plan writes it; "" for a computed or absent figure
	N          float64  // the value, when Known
	Known      bool     // N holds the value
	Unresolved []string // references that kept it from being known
}

func figure(e *Element, res *Resolver, name string) Figure {
	raw, ok := e.Str(name)
	if !ok {
		return Figure{}
	}
	f := Figure{Raw: sanitize.Value(raw)}
	v := res.Resolve(raw)
	f.Unresolved = v.Unresolved
	if n, ok := v.Number(); ok {
		f.N, f.Known = n, true
	}
	return f
}

func known(n float64) Figure { return Figure{N: n, Known: true} }

// times scales a known figure (minutes to seconds).
func (f Figure) times(k float64) Figure {
	if f.Known {
		f.N *= k
	}
	return f
}

// ThreadGroup is a thread group's shape. Seconds throughout; a figure
// that the plan leaves to a property or variable that could not be
// resolved is not Known.
type ThreadGroup struct {
	Element *Element
	// Type is "standard", "setUp", "tearDown", "ultimate", "stepping",
	// "concurrency", "arrivals", "free-form arrivals", "open model".
	Type string
	// Threads is the most threads the group runs at once (for Arrivals,
	// its concurrency limit).
	Threads Figure
	// RampUp is how long it takes to start them.
	RampUp Figure
	// Delay is the wait before the first thread starts.
	Delay Figure
	// Hold is how long the plateau lasts (plugin groups).
	Hold Figure
	// Duration is how long the group runs: the scheduler's duration for a
	// core group (not Known when the scheduler is off), the whole schedule
	// for a plugin group.
	Duration Figure
	// Loops is the loop count of a core group; -1 loops forever.
	Loops Figure
	// Scheduler is the core group's "Specify thread lifetime".
	Scheduler bool
	// IgnoredDuration is a duration written while the scheduler is off,
	// which JMeter ignores.
	IgnoredDuration string
	// Rate is the Arrivals group's target arrivals per second.
	Rate Figure
	// Rows are an Ultimate Thread Group's schedule.
	Rows []UTGRow
}

// UTGRow is one row of an Ultimate Thread Group's schedule.
type UTGRow struct {
	Threads, Delay, Startup, Hold, Shutdown Figure
}

// Core reports whether the group is one of JMeter's own.
func (t *ThreadGroup) Core() bool {
	switch t.Type {
	case "standard", "setUp", "tearDown":
		return true
	}
	return false
}

// Forever reports whether a core group loops forever (loops -1).
func (t *ThreadGroup) Forever() bool {
	return t.Core() && t.Loops.Known && t.Loops.N < 0
}

func threadGroups(p *Plan) []*ThreadGroup {
	var out []*ThreadGroup
	p.Root.Walk(func(e *Element) bool {
		if e.Kind == KindThreadGroup {
			out = append(out, readThreadGroup(e, p.res))
			return false
		}
		return true
	})
	return out
}

func readThreadGroup(e *Element, res *Resolver) *ThreadGroup {
	t := &ThreadGroup{Element: e}
	short := e.Class
	if i := strings.LastIndexByte(short, '.'); i >= 0 {
		short = short[i+1:]
	}
	f := func(name string) Figure { return figure(e, res, name) }
	switch short {
	case "SetupThreadGroup":
		t.Type = "setUp"
	case "PostThreadGroup":
		t.Type = "tearDown"
	case "UltimateThreadGroup":
		t.Type = "ultimate"
	case "SteppingThreadGroup":
		t.Type = "stepping"
	case "ConcurrencyThreadGroup":
		t.Type = "concurrency"
	case "ArrivalsThreadGroup":
		t.Type = "arrivals"
	case "FreeFormArrivalsThreadGroup":
		t.Type = "free-form arrivals"
	case "OpenModelThreadGroup":
		t.Type = "open model"
	default:
		t.Type = "standard"
	}
	switch t.Type {
	case "standard", "setUp", "tearDown":
		t.Threads = f("ThreadGroup.num_threads")
		t.RampUp = f("ThreadGroup.ramp_time")
		t.Loops = f("LoopController.loops")
		t.Delay = f("ThreadGroup.delay")
		t.Scheduler = e.Bool("ThreadGroup.scheduler", false)
		d := f("ThreadGroup.duration")
		if t.Scheduler {
			t.Duration = d
		} else if d.Raw != "" && !(d.Known && d.N == 0) {
			t.IgnoredDuration = d.Raw
		}
	case "ultimate":
		readUTG(t, e, res)
	case "stepping":
		t.Threads = f("ThreadGroup.num_threads")
		t.Delay = f("Threads initial delay")
		t.Hold = f("flighttime")
		step, period, stop, stopPeriod := f("Start users count"), f("Start users period"), f("Stop users count"), f("Stop users period")
		ramp := f("rampUp")
		if t.Threads.Known && step.Known && period.Known && step.N > 0 {
			steps := math.Ceil(t.Threads.N / step.N)
			r := (steps-1)*period.N + ramp.N
			t.RampUp = known(math.Max(r, 0))
			if t.Delay.Known && t.Hold.Known && stop.Known && stopPeriod.Known {
				down := 0.0
				if stop.N > 0 {
					down = math.Ceil(t.Threads.N/stop.N) * stopPeriod.N
				}
				t.Duration = known(t.Delay.N + t.RampUp.N + t.Hold.N + down)
			}
		}
	case "concurrency", "arrivals":
		unit := 1.0
		if u, _ := e.Str("Unit"); strings.EqualFold(strings.TrimSpace(u), "M") {
			unit = 60
		}
		t.RampUp = f("RampUp").times(unit)
		t.Hold = f("Hold").times(unit)
		if t.Type == "concurrency" {
			t.Threads = f("TargetLevel")
		} else {
			t.Rate = f("TargetLevel").times(1 / unit)
			t.Threads = f("ConcurrencyLimit")
		}
		if t.RampUp.Known && t.Hold.Known {
			t.Duration = known(t.RampUp.N + t.Hold.N)
		} else if t.RampUp.Known && t.Hold.Raw == "" {
			t.Duration = known(t.RampUp.N)
		}
	}
	return t
}

func readUTG(t *ThreadGroup, e *Element, res *Resolver) {
	data := e.Prop("ultimatethreadgroupdata")
	if data == nil {
		data = e.Prop("threads_schedule")
	}
	if data != nil {
		for _, row := range data.Children {
			if len(row.Children) < 5 {
				continue
			}
			cell := func(i int) Figure {
				fg := Figure{Raw: sanitize.Value(row.Children[i].Text)}
				v := res.Resolve(row.Children[i].Text)
				fg.Unresolved = v.Unresolved
				fg.N, fg.Known = v.Number()
				return fg
			}
			t.Rows = append(t.Rows, UTGRow{Threads: cell(0), Delay: cell(1), Startup: cell(2), Hold: cell(3), Shutdown: cell(4)})
		}
	}
	threads, end, first := 0.0, 0.0, math.Inf(1)
	allKnown := true
	for _, r := range t.Rows {
		if !(r.Threads.Known && r.Delay.Known && r.Startup.Known && r.Hold.Known && r.Shutdown.Known) {
			allKnown = false
			continue
		}
		threads += r.Threads.N
		end = math.Max(end, r.Delay.N+r.Startup.N+r.Hold.N+r.Shutdown.N)
		first = math.Min(first, r.Delay.N)
	}
	if !allKnown {
		return
	}
	t.Threads = known(threads)
	t.Duration = known(end)
	if len(t.Rows) > 0 {
		t.Delay = known(first)
		t.RampUp = known(t.Rows[0].Startup.N)
		t.Hold = known(t.Rows[0].Hold.N)
	} else {
		t.RampUp = known(0)
	}
}

// Planned returns how many threads the group plans to run at t seconds
// after the test starts, and whether the plan says (every figure it needs
// is known). Threads start evenly over the ramp-up, as JMeter starts
// them; a core group without a scheduler has no planned end (its threads
// end with their loops), so its plateau lasts.
func (t *ThreadGroup) Planned(at float64) (float64, bool) {
	switch t.Type {
	case "standard", "setUp", "tearDown":
		if !t.Threads.Known || !t.RampUp.Known {
			return 0, false
		}
		delay := 0.0
		if t.Scheduler && t.Delay.Known {
			delay = t.Delay.N
		}
		if t.Scheduler && t.Duration.Known && t.Duration.N > 0 && at >= delay+t.Duration.N {
			return 0, true
		}
		return ramp(at-delay, t.Threads.N, t.RampUp.N), true
	case "ultimate":
		if !t.Threads.Known {
			return 0, false
		}
		sum := 0.0
		for _, r := range t.Rows {
			x := at - r.Delay.N
			switch {
			case x < 0:
			case x < r.Startup.N+r.Hold.N:
				sum += ramp(x, r.Threads.N, r.Startup.N)
			default:
				sum += r.Threads.N - ramp(x-r.Startup.N-r.Hold.N, r.Threads.N, r.Shutdown.N)
			}
		}
		return sum, true
	case "concurrency":
		if !t.Threads.Known || !t.RampUp.Known {
			return 0, false
		}
		if t.Duration.Known && at >= t.Duration.N {
			return 0, true
		}
		steps := 0.0
		if f := figureOf(t.Element, "Steps"); f.Known && f.N > 0 && t.RampUp.N > 0 {
			steps = f.N
		}
		if steps > 0 && at >= 0 && at < t.RampUp.N {
			step := t.RampUp.N / steps
			return math.Min(t.Threads.N, t.Threads.N*math.Floor(at/step+1)/steps), true
		}
		return ramp(at, t.Threads.N, t.RampUp.N), true
	}
	return 0, false
}

// ramp is how many of n threads have started x seconds into a ramp of r
// seconds: 0 before it, n after it.
func ramp(x, n, r float64) float64 {
	switch {
	case x < 0:
		return 0
	case r <= 0 || x >= r:
		return n
	}
	return math.Floor(n*x/r) + 1
}

// figureOf reads a literal figure of the element, without references.
func figureOf(e *Element, name string) Figure {
	raw, _ := e.Str(name)
	var f Figure
	f.Raw = raw
	if n, err := strconv.ParseFloat(strings.TrimSpace(raw), 64); err == nil {
		f.N, f.Known = n, true
	}
	return f
}
