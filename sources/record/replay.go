package record

import (
	"context"
	"fmt"
	"math"
	"sync"
	"time"

	"github.com/sobang/sobang/sources"
)

// Sources returns one source per source recorded at path. They read the
// file together, once: the last of them to start reads every frame once
// and pushes each batch to the sink of the source that recorded it, in
// their recorded order, then to each a batch that says it caught up with a
// Done health stamped on clock (nil means sources.Wall), which each
// source's Info carries. They must therefore all be run at the same time,
// as the hub runs its sources; each one's Run returns once the file has
// been read (or its context ended).
//
// What the recording's reading found wrong (damage, a cut end, frames of a
// newer sobang) is among the warnings of the first source.
func Sources(path string, clock sources.Clock) ([]sources.Source, error) {
	rec, err := Open(path)
	if err != nil {
		return nil, err
	}
	return rec.sources(clock, false), nil
}

// Sources returns the recording's sources, as the package's Sources does
// for its path.
func (r *Recording) Sources(clock sources.Clock) []sources.Source {
	return r.sources(clock, false)
}

// Paced returns the recording's sources as Sources does, read in one pass
// as the clock (a sources.ReplayClock) runs, in data time: what a source
// held when the session started (a file recorded whole: every batch up to
// the one that said it caught up) is pushed at once; every later batch
// when the clock reaches the newest data time in it (with its source's
// offset), and never before a batch recorded before it, so that batches
// keep their recorded order and a batch of a source that arrived late
// waits for the one that arrived before it. A batch without a data time
// (health, warnings) goes with the batch before it. The sources say they
// caught up when every batch has been pushed.
func (r *Recording) Paced(clock sources.Clock) []sources.Source {
	return r.sources(clock, true)
}

// DataSpan returns the first and last data time the recording holds, with
// its sources' offsets, from its index (nothing is decoded); false when it
// holds no timed record or is of format version 1. With sources of
// different offsets, the span is widened by the smallest and the largest.
func (r *Recording) DataSpan() (first, last time.Time, ok bool) {
	lo, hi := int64(noDataMin), int64(noDataMax)
	for _, f := range r.frames {
		if f.Kind == FrameBatches && f.HasData() {
			lo, hi = min(lo, f.MinMS), max(hi, f.MaxMS)
		}
	}
	if lo > hi {
		return time.Time{}, time.Time{}, false
	}
	var offLo, offHi time.Duration
	for i, s := range r.Header.Sources {
		if i == 0 || s.Offset < offLo {
			offLo = s.Offset
		}
		if i == 0 || s.Offset > offHi {
			offHi = s.Offset
		}
	}
	return time.UnixMilli(lo).Add(offLo), time.UnixMilli(hi).Add(offHi), true
}

func (r *Recording) sources(clock sources.Clock, paced bool) []sources.Source {
	path := r.Path
	g := &group{rec: r, paced: paced, sinks: make([]sources.Sink, len(r.Header.Sources)), done: make(chan struct{})}
	out := make([]sources.Source, len(r.Header.Sources))
	for i, s := range r.Header.Sources {
		info := sources.Info{Name: path + ":" + s.Name, Kind: s.Kind, Offset: s.Offset, Clock: clock}
		if s.Zone != "" {
			if loc, err := time.LoadLocation(s.Zone); err == nil {
				info.Zone = loc
			}
		}
		out[i] = &replay{g: g, index: i, info: info}
	}
	return out
}

// group is the sources of one recording, read by one pass.
type group struct {
	rec   *Recording
	paced bool // batches pushed as the clock reaches them (Paced)

	mu       sync.Mutex
	sinks    []sources.Sink // each source's, once its Run has started
	started  int
	done     chan struct{} // closed when the pass has ended
	err      error         // what ended the pass, if not the file's end
	warnings []string      // what the pass found wrong, set before done
}

// ReadWarnings returns what reading the recording found wrong (damage, a
// cut end, frames of a newer sobang), once src, the first source Sources
// returned, has run; nil for any other source. The same warnings are among
// src's, for the store; a command says them on stderr too.
func ReadWarnings(src sources.Source) []string {
	r, ok := src.(*replay)
	if !ok || r.index != 0 {
		return nil
	}
	select {
	case <-r.g.done:
		return r.g.warnings
	default:
		return nil
	}
}

// replay is one recorded source, read back.
type replay struct {
	g     *group
	index int
	info  sources.Info
}

// Info returns the recorded source's identity, named after the recording.
func (r *replay) Info() sources.Info { return r.info }

// Run registers the source's sink; the last source to start reads the
// file for all of them.
func (r *replay) Run(ctx context.Context, sink sources.Sink) error {
	g := r.g
	g.mu.Lock()
	if g.sinks[r.index] != nil {
		g.mu.Unlock()
		return fmt.Errorf("%s: already running", r.info.Name)
	}
	g.sinks[r.index] = sink
	g.started++
	last := g.started == len(g.sinks)
	g.mu.Unlock()
	if last {
		g.err = g.pass(ctx, sources.OrWall(r.info.Clock))
		close(g.done)
	} else {
		select {
		case <-g.done:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if g.err != nil {
		_ = sources.SetHealth(ctx, sink, sources.OrWall(r.info.Clock), sources.Health{State: sources.StateFailed, Err: g.err.Error()})
		return g.err
	}
	return nil
}

// pass reads the recording once, pushing each batch to its source's sink,
// then each source's end.
func (g *group) pass(ctx context.Context, clock sources.Clock) error {
	n := make([]int, len(g.sinks))
	formats := make([]string, len(g.sinks))
	var clean cleaner
	var pace pacer
	if g.paced {
		pace = pacer{clock: clock, whole: make([]bool, len(g.sinks)), offsets: make([]int64, len(g.sinks)), release: math.MinInt64}
		for i := range pace.whole {
			pace.whole[i] = true
			pace.offsets[i] = g.rec.Header.Sources[i].Offset.Milliseconds()
		}
	}
	warnings, err := g.rec.Walk(0, func(it Item) error {
		e := it.Entry
		if e == nil {
			return nil // marks and notes are the replay's, not a source's
		}
		if g.paced {
			if err := pace.wait(ctx, e); err != nil {
				return err
			}
		}
		n[e.Source]++
		if e.Batch.Health != nil {
			formats[e.Source] = e.Batch.Health.Format
		}
		clean.batch(&e.Batch)
		// The recorded source caught up with its input during the session,
		// most often long before the recording ended; replayed, it has
		// caught up only at its end (pushed below), so that a dashboard
		// deciding live or past decides on the whole recording, and always
		// the same way.
		e.Batch.CaughtUp = false
		// How far the recorded source had read its file says nothing of
		// how far the recording has been read.
		e.Batch.Progress = sources.Progress{}
		return g.sinks[e.Source].Push(ctx, e.Batch)
	})
	if err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return err
	}
	if ctx.Err() != nil {
		return nil
	}
	g.warnings = append(append([]string(nil), g.rec.Warnings...), warnings...)
	for i, sink := range g.sinks {
		end := sources.Batch{CaughtUp: true}
		if i == 0 {
			end.Warnings = g.warnings
		}
		end.Health = &sources.Health{
			State:  sources.StateDone,
			Detail: fmt.Sprintf("replayed %d batches from %s", n[i], g.rec.Path),
			Since:  clock.Now(),
			Format: formats[i],
		}
		if err := sink.Push(ctx, end); err != nil {
			return nil
		}
	}
	return nil
}

// pacer holds each batch of a paced pass until the clock reaches it.
type pacer struct {
	clock   sources.Clock
	whole   []bool  // per source: still in what it held when the session started
	offsets []int64 // per source: its offset, in milliseconds
	release int64   // data time (Unix ms) the last batch was released at
}

// wait returns once e's release time has come, or ctx has ended.
func (p *pacer) wait(ctx context.Context, e *Entry) error {
	src := e.Source
	if p.whole[src] {
		// Recorded whole, or the part of a source read before it caught
		// up: present from the start.
		p.whole[src] = !e.Batch.CaughtUp
		return ctx.Err()
	}
	if lo, hi := dataRange(&e.Batch, noDataMin, noDataMax); lo <= hi {
		p.release = max(p.release, hi+p.offsets[src])
	}
	if p.release == math.MinInt64 {
		return ctx.Err()
	}
	at := time.UnixMilli(p.release)
	for {
		d := at.Sub(p.clock.Now())
		if d <= 0 {
			return ctx.Err()
		}
		if err := sources.Sleep(ctx, p.clock, d); err != nil {
			return err
		}
	}
}
