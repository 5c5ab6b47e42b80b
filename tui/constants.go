package tui

import (
	"time"

	"github.com/sobang/sobang/sources/store"
)

// The dashboard's cadence, in one place with its sizes so that their
// trade-offs can be read together. The time axis's own constants (the
// default range, the live cursor's least and greatest lag) are
// timeline.DefaultRange, timeline.LiveLag and timeline.MaxLiveLag.
const (
	// tickInterval is the coalescing tick: every tick drains the hub once
	// and redraws only what changed (20 Hz).
	tickInterval = 50 * time.Millisecond
	// clockGapWarn is how far apart two sources' data must be before the
	// dashboard suspects a wrong --tz or a clock offset; the report warns
	// from the same gap.
	clockGapWarn = store.ClockGapWarn
	// settleMargin is what a request written when it ends takes to reach
	// the store: a followed file's poll, a batch's linger and the tick,
	// rounded up. The live cursor's lag is the longest recent request plus
	// this (settle.go).
	settleMargin = 500 * time.Millisecond
	// growingFor is how long after a file last grew the status line still
	// says growing: longer than JMeter takes to fill its 8 KB buffer in a
	// slow test.
	growingFor = 30 * time.Second
)

// The dashboard's smallest usable terminal and its layout switch.
const (
	// MinWidth and MinHeight are the smallest terminal the dashboard draws
	// in; below them it says how large it needs to be.
	MinWidth, MinHeight = 80, 24
	// wideLayout is the width from which load test and metrics sit side by
	// side.
	wideLayout = 140
	// tabbedBelow is the height below which the panes stack into tabs: one
	// pane at a time under a tab bar, since three panes in fewer rows leave
	// each chart a row tall.
	tabbedBelow = 32
)
