package tui

import (
	"testing"
	"time"

	"github.com/sobang/sobang/sources"
)

// BenchmarkFrameAllPanesChanged renders a 200x60 frame in which all three
// panes re-render, as on every live tick: new data in each and a moved
// cursor. It must hold at most 2 ms per frame.
func BenchmarkFrameAllPanesChanged(b *testing.B) {
	now := t0.Add(125 * time.Second)
	m := fixtureModel(now, 200, 60)
	m.View()
	h := sources.Health{State: sources.StateFollowing, Detail: "following"}
	var cursor int64 = t0.Add(30 * time.Second).UnixMilli()
	for b.Loop() {
		// New data in every pane: bump each part's version the way Apply does.
		for i := range 3 {
			m.store.Apply(sources.Batch{Source: i, Health: &h})
		}
		m.store.Load.Version++
		m.store.Logs.Version++
		m.store.Metrics.Version++
		cursor += 1000
		if cursor > t0.Add(110*time.Second).UnixMilli() {
			cursor = t0.Add(30 * time.Second).UnixMilli()
		}
		m.tl.SetCursor(cursor, now.UnixMilli())
		m.dirty = true
		_ = m.View()
	}
}

// BenchmarkFrameUnchanged renders a frame in which nothing changed (a tick
// without data). It must hold at most 0.1 ms per frame.
func BenchmarkFrameUnchanged(b *testing.B) {
	now := t0.Add(125 * time.Second)
	m := fixtureModel(now, 200, 60)
	m.View()
	for b.Loop() {
		_ = m.View()
	}
}
