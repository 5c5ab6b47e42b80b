package record

import (
	"context"
	"fmt"
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
	g := &group{rec: rec, sinks: make([]sources.Sink, len(rec.Header.Sources)), done: make(chan struct{})}
	out := make([]sources.Source, len(rec.Header.Sources))
	for i, s := range rec.Header.Sources {
		info := sources.Info{Name: path + ":" + s.Name, Kind: s.Kind, Offset: s.Offset, Clock: clock}
		if s.Zone != "" {
			if loc, err := time.LoadLocation(s.Zone); err == nil {
				info.Zone = loc
			}
		}
		out[i] = &replay{g: g, index: i, info: info}
	}
	return out, nil
}

// group is the sources of one recording, read by one pass.
type group struct {
	rec *Recording

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
	warnings, err := g.rec.Walk(0, func(it Item) error {
		e := it.Entry
		if e == nil {
			return nil // marks and notes are the replay's, not a source's
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
