package main

import (
	"context"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/sobang/sobang/cmd/sobang/internal/demo"
	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/loadtest/jtl"
	"github.com/sobang/sobang/sources/logs"
	"github.com/sobang/sobang/sources/metrics/scrape"
	"github.com/sobang/sobang/sources/store"
	"github.com/sobang/sobang/themes"
	"github.com/sobang/sobang/tui"
)

// BenchmarkDemoFirstFrame measures what `sobang demo` does before its first
// frame: start the bank service and the load, build the three sources and
// the dashboard, render a 120x40 frame. It must hold at most 500 ms from
// start to the first frame (first-frame-ms; the terminal's own set-up, a few
// ms, comes on top).
func BenchmarkDemoFirstFrame(b *testing.B) {
	theme, err := themes.Load("dark", "")
	if err != nil {
		b.Fatal(err)
	}
	var worst time.Duration
	for b.Loop() {
		start := time.Now()
		ctx, cancel := context.WithCancel(context.Background())
		world, err := demo.Start(ctx, demo.Config{Dir: b.TempDir(), Duration: time.Minute, Start: start})
		if err != nil {
			b.Fatal(err)
		}
		srcs := []sources.Source{
			jtl.New(sources.Info{Name: world.JTLPath(), Kind: sources.KindJTL, Wait: true}, jtl.Options{Follow: true}),
			scrape.New(sources.Info{Name: world.MetricsURL(), Kind: sources.KindScrape}, scrape.Options{Follow: true}),
			logs.New(sources.Info{Name: world.LogPath(), Kind: sources.KindLog, Wait: true}, logs.Options{Follow: true}),
		}
		hub := sources.NewHub()
		var infos []sources.Info
		for _, s := range srcs {
			hub.Add(s)
			infos = append(infos, s.Info())
		}
		m := tui.New(tui.Options{Hub: hub, Store: store.New(infos), Theme: theme, LoadEnded: world.LoadEnded()})
		hub.Start(ctx)
		m.Init()
		m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
		if v := m.View(); v.Content == "" {
			b.Fatal("empty first frame")
		}
		worst = max(worst, time.Since(start))
		cancel()
		world.Close()
		waitHub(hub)
	}
	b.ReportMetric(float64(worst.Microseconds())/1000, "first-frame-ms")
}
