package plan

import (
	"math"
	"strconv"
	"strings"
)

// ctMode is how a Constant Throughput Timer shares its target.
type ctMode int

const (
	ctThisThread  ctMode = iota // each thread aims at the target
	ctAll                       // all active threads together
	ctGroup                     // the active threads of each thread group together
	ctAllShared                 // all active threads, shared
	ctGroupShared               // each thread group's active threads, shared
	ctUnknownMode               // a mode sobang does not know
)

var ctModeNames = [...]string{"per thread", "all active threads", "per thread group", "all active threads, shared",
	"per thread group, shared", "unknown mode"}

// readCTMode reads calcMode in its three saved forms: an int (0-4), the
// JMeter 6 string calcMode.1-5, or the old display string; absent is
// "this thread only", as JMeter reads it.
func readCTMode(e *Element) ctMode {
	raw, ok := e.Str("calcMode")
	raw = strings.TrimSpace(raw)
	if !ok || raw == "" {
		return ctThisThread
	}
	if n, err := strconv.Atoi(raw); err == nil && n >= 0 && n <= 4 {
		return ctMode(n)
	}
	if n, err := strconv.Atoi(strings.TrimPrefix(raw, "calcMode.")); err == nil && n >= 1 && n <= 5 {
		return ctMode(n - 1)
	}
	switch strings.ToLower(raw) {
	case "this thread only":
		return ctThisThread
	case "all active threads":
		return ctAll
	case "all active threads in current thread group":
		return ctGroup
	case "all active threads (shared)":
		return ctAllShared
	case "all active threads in current thread group (shared)":
		return ctGroupShared
	}
	return ctUnknownMode
}

// shapeStep is one row of a Throughput Shaping Timer's load profile: the
// rate goes from start to end (per second) over dur seconds.
type shapeStep struct{ start, end, dur float64 }

// tpTimer is a throughput timer with its target read and resolved.
type tpTimer struct {
	class  string  // ConstantThroughputTimer, PreciseThroughputTimer, VariableThroughputTimer
	perSec float64 // the target per second (constant and precise)
	raw    string  // the target as configured, for the description
	mode   ctMode
	steps  []shapeStep
	groups []*ThreadGroup // the enabled thread groups it paces
}

// throughputTimer reads a throughput timer's target; false when it cannot
// be resolved to numbers.
func (p *Plan) throughputTimer(e *Element) (tpTimer, bool) {
	num := func(prop string) (float64, bool) {
		raw, ok := e.Str(prop)
		if !ok {
			return 0, false
		}
		return p.Resolve(raw).Number()
	}
	t := tpTimer{class: shortClass(e.Class)}
	switch t.class {
	case "ConstantThroughputTimer":
		perMin, ok := num("throughput")
		if !ok {
			return t, false
		}
		t.perSec, t.mode = perMin/60, readCTMode(e)
		t.raw = strconv.FormatFloat(perMin, 'f', -1, 64) + "/min"
		return t, t.mode != ctUnknownMode
	case "PreciseThroughputTimer":
		n, ok1 := num("throughput")
		period, ok2 := num("throughputPeriod")
		if !ok1 || !ok2 || period <= 0 {
			return t, false
		}
		t.perSec = n / period
		t.raw = strconv.FormatFloat(n, 'f', -1, 64) + " per " + strconv.FormatFloat(period, 'f', -1, 64) + " s"
		return t, true
	case "VariableThroughputTimer":
		prof := e.Prop("load_profile")
		if prof == nil {
			return t, false
		}
		for _, row := range prof.Children {
			if len(row.Children) < 3 {
				continue
			}
			var v [3]float64
			for i := range v {
				n, ok := p.Resolve(row.Children[i].Text).Number()
				if !ok {
					return t, false
				}
				v[i] = n
			}
			t.steps = append(t.steps, shapeStep{v[0], v[1], v[2]})
		}
		return t, len(t.steps) > 0
	}
	return t, false
}

// describe says what the timer aims at.
func (t tpTimer) describe() string {
	switch t.class {
	case "ConstantThroughputTimer":
		return "constant throughput " + t.raw + " (" + ctModeNames[t.mode] + ")"
	case "PreciseThroughputTimer":
		return "precise throughput " + t.raw + " (per thread group)"
	}
	most, total := 0.0, 0.0
	for _, s := range t.steps {
		most = math.Max(most, math.Max(s.start, s.end))
		total += s.dur
	}
	return "throughput shaping: " + plural(len(t.steps), "step") + ", up to " + strconv.FormatFloat(most, 'f', -1, 64) +
		"/s over " + strconv.FormatFloat(total, 'f', -1, 64) + " s"
}

// shape is the shaping timer's target at seconds into the test, 0 after
// its last step.
func (t tpTimer) shape(at float64) float64 {
	for _, s := range t.steps {
		if at < s.dur {
			return s.start + (s.end-s.start)*at/s.dur
		}
		at -= s.dur
	}
	return 0
}

// rate is the timer's target at seconds into the test, with the threads
// its groups plan to run then; false where a group's plan is not known.
func (t tpTimer) rate(at float64) (float64, bool) {
	threads, running := 0.0, 0
	for _, tg := range t.groups {
		n, ok := tg.Planned(at)
		if !ok {
			return 0, false
		}
		threads += n
		if n > 0 {
			running++
		}
	}
	if running == 0 {
		return 0, true
	}
	switch t.class {
	case "VariableThroughputTimer":
		return t.shape(at), true
	case "PreciseThroughputTimer":
		return t.perSec * float64(running), true
	}
	switch t.mode {
	case ctThisThread:
		return t.perSec * threads, true
	case ctGroup, ctGroupShared:
		return t.perSec * float64(running), true
	}
	return t.perSec, true
}

// PlannedThroughput returns the samples per second the plan's enabled
// throughput timers (Constant Throughput Timer, Precise Throughput Timer,
// the plugins' Throughput Shaping Timer) aim at that many seconds after
// the test starts, added up, with each timer's thread groups' planned
// threads where its target is per thread; false where a figure it needs
// is not known. Nil when no throughput timer runs, or one's target cannot
// be resolved.
func (p *Plan) PlannedThroughput() func(at float64) (float64, bool) {
	var active []*ThreadGroup
	for _, tg := range p.ThreadGroups {
		if tg.Element.Active() && !underWorkBench(tg.Element) {
			active = append(active, tg)
		}
	}
	var timers []tpTimer
	unknown := false
	p.Root.Walk(func(e *Element) bool {
		if !e.Enabled || e.Kind == KindWorkBench {
			return false
		}
		switch shortClass(e.Class) {
		case "ConstantThroughputTimer", "PreciseThroughputTimer", "VariableThroughputTimer":
		default:
			return true
		}
		t, ok := p.throughputTimer(e)
		if !ok {
			unknown = true
			return false
		}
		for x := e.Parent; x != nil; x = x.Parent {
			if x.Kind == KindThreadGroup {
				t.groups = []*ThreadGroup{groupOf(p, x)}
				break
			}
		}
		if t.groups == nil {
			t.groups = active // a timer above the thread groups paces each of them
		}
		timers = append(timers, t)
		return false
	})
	if len(timers) == 0 || unknown {
		return nil
	}
	return func(at float64) (float64, bool) {
		sum := 0.0
		for _, t := range timers {
			r, ok := t.rate(at)
			if !ok {
				return 0, false
			}
			sum += r
		}
		return sum, true
	}
}

// groupOf returns the thread group read from element e.
func groupOf(p *Plan, e *Element) *ThreadGroup {
	for _, tg := range p.ThreadGroups {
		if tg.Element == e {
			return tg
		}
	}
	return readThreadGroup(e, p.res)
}
