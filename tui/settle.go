package tui

import (
	"math"
	"time"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/tui/timeline"
)

// settle sets the live cursor's lag from the longest recent request (a
// second is final once every request started in it has ended and been
// read) and returns where the seconds that may still change begin: the
// start of the first unsettled second, math.MaxInt64 when no load-test
// source can add to any second.
func (m *Model) settle(nowMS int64) int64 {
	lag := max(timeline.LiveLag, time.Duration(m.store.Load.LongestRequest())*time.Millisecond+settleMargin)
	m.tl.SetLag(lag)
	live := false
	for _, src := range m.store.Sources {
		live = live || (src.Info.Kind.Group() == sources.KindLoadTest && src.Health.Live())
	}
	if !live {
		return math.MaxInt64
	}
	return (floorSec(nowMS-lag.Milliseconds()) + 1) * 1000
}

// settling reports whether the cursor's second may still change: requests
// that started in it may still be running, so its figures are not final.
func (f *frame) settling() bool { return f.cursorMS >= f.unsettledMS }
