package plan

import (
	"fmt"
	"strconv"
	"strings"
)

// FormatFigure renders a thread group's figure: its value with unit, or
// the plan's text marked "(unresolved)" when a reference could not be
// resolved.
func FormatFigure(f Figure, unit string) string {
	switch {
	case f.Known:
		return strconv.FormatFloat(f.N, 'f', -1, 64) + unit
	case len(f.Unresolved) > 0:
		return f.Raw + " (unresolved)"
	case strings.TrimSpace(f.Raw) == "":
		return "empty"
	}
	return strconv.Quote(f.Raw)
}

// Describe says what the thread group does in one line: its name, type,
// threads, ramp-up and how it ends.
func (tg *ThreadGroup) Describe() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s (%s", tg.Element.Name, tg.Type)
	if !tg.Element.Active() {
		b.WriteString(", disabled")
	}
	b.WriteString("): ")
	threads := " threads"
	if tg.Threads.Known && tg.Threads.N == 1 {
		threads = " thread"
	}
	fmt.Fprintf(&b, "%s%s, ramp-up %s", FormatFigure(tg.Threads, ""), threads, FormatFigure(tg.RampUp, " s"))
	if tg.Core() {
		if tg.Loops.Known && tg.Loops.N < 0 {
			b.WriteString(", loops forever")
		} else {
			fmt.Fprintf(&b, ", loops %s", FormatFigure(tg.Loops, ""))
		}
		if tg.Scheduler {
			fmt.Fprintf(&b, ", duration %s", FormatFigure(tg.Duration, " s"))
		}
		if tg.Delay.Known && tg.Delay.N > 0 && tg.Scheduler {
			fmt.Fprintf(&b, ", delay %s", FormatFigure(tg.Delay, " s"))
		}
		return b.String()
	}
	if tg.Rate.Known {
		// A rate per minute turned per second: four figures say enough.
		fmt.Fprintf(&b, ", %s arrivals/s", strconv.FormatFloat(tg.Rate.N, 'g', 4, 64))
	}
	if tg.Hold.Known {
		fmt.Fprintf(&b, ", hold %s", FormatFigure(tg.Hold, " s"))
	}
	if tg.Duration.Known {
		fmt.Fprintf(&b, ", %s in all", FormatFigure(tg.Duration, " s"))
	}
	return b.String()
}
