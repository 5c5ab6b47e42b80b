package tui

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/loadtest/jtl"
	"github.com/sobang/sobang/sources/logs"
	"github.com/sobang/sobang/sources/store"
	"github.com/sobang/sobang/themes"
)

// BenchmarkIngestLive feeds 100k log lines/s and 5k JTL samples/s into
// files that the real tailing sources follow, while the model drains the hub
// on its tick and renders a 200x60 frame, as the program does. One op is one
// second of that load (run it with -benchtime 5x).
//
// It must hold: no queue growth (queued-batches stays near 0 at the end of
// every second), at most one core of CPU for the whole process including the
// writer (cpu-cores <= 1), and a key press changing the frame within 100 ms
// even when it arrives just as a tick starts (key-ms <= 100).
func BenchmarkIngestLive(b *testing.B) {
	dir := b.TempDir()
	logPath, jtlPath := filepath.Join(dir, "app.log"), filepath.Join(dir, "run.jtl")
	logF, _ := os.Create(logPath)
	jtlF, _ := os.Create(jtlPath)
	defer logF.Close()
	defer jtlF.Close()
	lw, jw := bufio.NewWriterSize(logF, 1<<20), bufio.NewWriterSize(jtlF, 1<<20)
	fmt.Fprintln(jw, "timeStamp,elapsed,label,responseCode,responseMessage,threadName,dataType,success,failureMessage,bytes,sentBytes,grpThreads,allThreads,URL,Latency,IdleTime,Connect")
	jw.Flush()

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	hub := sources.NewHub()
	srcs := []sources.Source{
		logs.New(sources.Info{Name: logPath, Kind: sources.KindLog}, logs.Options{Follow: true}),
		jtl.New(sources.Info{Name: jtlPath, Kind: sources.KindJTL}, jtl.Options{Follow: true}),
	}
	var infos []sources.Info
	for _, s := range srcs {
		hub.Add(s)
		infos = append(infos, s.Info())
	}
	theme, _ := themes.Load("dark", "")
	m := New(Options{Hub: hub, Store: store.New(infos), Theme: theme, Zone: time.UTC})
	m.Update(tea.WindowSizeMsg{Width: 200, Height: 60})
	hub.Start(ctx)

	const linesPerSec, samplesPerSec, chunks = 100_000, 5_000, 20
	var ru0 syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru0)
	start := time.Now()
	worstKey := time.Duration(0)
	lineNo := 0
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		secStart := time.Now()
		for c := 0; c < chunks; c++ {
			now := time.Now()
			stamp := now.UTC().Format("2006-01-02T15:04:05.000Z07:00")
			for range linesPerSec / chunks {
				lineNo++
				lvl := " INFO"
				if lineNo%50 == 0 {
					lvl = "ERROR"
				}
				fmt.Fprintf(lw, "%s %s 4242 --- [bank] [exec-%d] c.e.bank.web.Controller            : request %d served\n", stamp, lvl, lineNo%8, lineNo)
			}
			for k := range samplesPerSec / chunks {
				fmt.Fprintf(jw, "%d,%d,GET item,200,OK,Users 1-%d,text,true,,512,128,20,20,http://127.0.0.1/x,10,0,1\n", now.UnixMilli(), 10+k%90, k%20)
			}
			lw.Flush()
			jw.Flush()
			// One tick of the program: drain, then render.
			t0 := time.Now()
			m.Update(tickMsg(t0))
			m.View()
			tick := time.Since(t0)
			// A key arriving as that tick began waits for it, then is handled.
			k0 := time.Now()
			m.Update(tea.KeyPressMsg{Code: tea.KeyLeft})
			m.View()
			m.Update(tea.KeyPressMsg{Code: tea.KeyEnd})
			if d := tick + time.Since(k0); d > worstKey {
				worstKey = d
			}
			if sleep := time.Until(secStart.Add(time.Duration(c+1) * time.Second / chunks)); sleep > 0 {
				time.Sleep(sleep)
			}
		}
	}
	b.StopTimer()
	wall := time.Since(start)
	var ru1 syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru1)
	cpu := time.Duration(ru1.Utime.Nano()-ru0.Utime.Nano()+ru1.Stime.Nano()-ru0.Stime.Nano()) * time.Nanosecond
	b.ReportMetric(cpu.Seconds()/wall.Seconds(), "cpu-cores")
	b.ReportMetric(float64(hub.Queued()), "queued-batches")
	b.ReportMetric(float64(worstKey.Microseconds())/1000, "key-ms")
	// Let the last flushes arrive, then check nothing was lost.
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) && (m.store.Logs.Len() < lineNo || m.store.Load.Samples < int64(b.N*samplesPerSec)) {
		time.Sleep(50 * time.Millisecond)
		m.Update(tickMsg(time.Now()))
	}
	if m.store.Logs.Len() != lineNo || m.store.Load.Samples != int64(b.N*samplesPerSec) {
		b.Fatalf("ingested %d log entries of %d and %d samples of %d", m.store.Logs.Len(), lineNo, m.store.Load.Samples, b.N*samplesPerSec)
	}
}

// BenchmarkJTLLive20k appends 20k samples/s to a JTL that the real jtl
// source follows, while the model ticks as the program does, and measures
// how long each written chunk takes to be in the store (and so in the next
// frame). One op is one second (-benchtime 5x). It must hold: a JTL growing
// by 20k samples/s shows in the pane within 1 s (worst-ms <= 1000).
func BenchmarkJTLLive20k(b *testing.B) {
	dir := b.TempDir()
	jtlPath := filepath.Join(dir, "run.jtl")
	jtlF, _ := os.Create(jtlPath)
	defer jtlF.Close()
	jw := bufio.NewWriterSize(jtlF, 1<<20)
	fmt.Fprintln(jw, "timeStamp,elapsed,label,responseCode,responseMessage,threadName,dataType,success,failureMessage,bytes,sentBytes,grpThreads,allThreads,URL,Latency,IdleTime,Connect")
	jw.Flush()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	hub := sources.NewHub()
	src := jtl.New(sources.Info{Name: jtlPath, Kind: sources.KindJTL}, jtl.Options{Follow: true})
	hub.Add(src)
	theme, _ := themes.Load("dark", "")
	m := New(Options{Hub: hub, Store: store.New([]sources.Info{src.Info()}), Theme: theme, Zone: time.UTC})
	m.Update(tea.WindowSizeMsg{Width: 200, Height: 60})
	hub.Start(ctx)

	const perSec, chunks = 20_000, 20
	type pending struct {
		total   int64
		written time.Time
	}
	var queue []pending
	var written int64
	worst := time.Duration(0)
	tick := func() {
		m.Update(tickMsg(time.Now()))
		m.View()
		for len(queue) > 0 && m.store.Load.Samples >= queue[0].total {
			worst = max(worst, time.Since(queue[0].written))
			queue = queue[1:]
		}
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		secStart := time.Now()
		for c := 0; c < chunks; c++ {
			now := time.Now()
			for k := range perSec / chunks {
				fmt.Fprintf(jw, "%d,%d,GET item,200,OK,Users 1-%d,text,true,,512,128,20,20,http://127.0.0.1/x,10,0,1\n", now.UnixMilli(), 10+k%90, k%20)
			}
			jw.Flush()
			written += perSec / chunks
			queue = append(queue, pending{written, time.Now()})
			tick()
			for time.Until(secStart.Add(time.Duration(c+1)*time.Second/chunks)) > 0 {
				time.Sleep(5 * time.Millisecond)
				tick()
			}
		}
	}
	deadline := time.Now().Add(5 * time.Second)
	for len(queue) > 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
		tick()
	}
	b.StopTimer()
	if len(queue) > 0 {
		b.Fatalf("%d chunks never reached the store", len(queue))
	}
	b.ReportMetric(float64(worst.Microseconds())/1000, "worst-ms")
}
