package sources

import (
	"context"
	"fmt"
	"runtime/debug"
	"sync"
)

// Hub is the Sink every source of a program pushes into: one bounded queue
// per source, drained by the store's Pump on the UI's tick.
type Hub struct {
	mu      sync.Mutex
	sources []Source
	queues  []chan Batch
	panics  chan *Panic
	wg      sync.WaitGroup
	errs    []error
	depth   int // batches each source's queue holds
}

// NewHub returns an empty hub whose queues hold HubQueueBatches batches.
func NewHub() *Hub { return NewHubDepth(HubQueueBatches) }

// NewHubDepth returns an empty hub whose queues hold depth batches (at
// least one): a headless reader, which applies batches as fast as they
// come, needs no more than HeadlessQueueBatches.
func NewHubDepth(depth int) *Hub {
	return &Hub{panics: make(chan *Panic, 8), depth: max(depth, 1)}
}

// Add registers a source and returns its index; call before Start.
func (h *Hub) Add(s Source) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.sources = append(h.sources, s)
	h.queues = append(h.queues, make(chan Batch, h.depth))
	h.errs = append(h.errs, nil)
	return len(h.sources) - 1
}

// Sources returns the registered sources in index order.
func (h *Hub) Sources() []Source {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]Source(nil), h.sources...)
}

// Panics delivers panics recovered in source goroutines.
func (h *Hub) Panics() <-chan *Panic { return h.panics }

// Start runs every registered source in its own goroutine.
func (h *Hub) Start(ctx context.Context) {
	for i, s := range h.Sources() {
		sink := &indexedSink{hub: h, index: i}
		h.Go(fmt.Sprintf("source %s", s.Info().Name), func() {
			err := s.Run(ctx, sink)
			h.mu.Lock()
			h.errs[i] = err
			h.mu.Unlock()
		})
	}
}

// Go runs f in a goroutine that recovers its own panic and hands it to
// Panics, so the program can restore the terminal before reporting it.
func (h *Hub) Go(where string, f func()) {
	h.wg.Add(1)
	go func() {
		defer h.wg.Done()
		defer func() {
			if v := recover(); v != nil {
				p, ok := v.(*Panic) // re-raised by RaiseIfPanic: keep its stack
				if !ok {
					p = &Panic{Where: where, Value: v, Stack: debug.Stack()}
				}
				select {
				case h.panics <- p:
				default:
				}
			}
		}()
		f()
	}()
}

// Wait blocks until every goroutine started by Start and Go has returned.
func (h *Hub) Wait() { h.wg.Wait() }

// Err returns the error source i ended with, if it has ended.
func (h *Hub) Err(i int) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.errs[i]
}

// Drain appends every queued batch to dst without blocking, at most
// HubDrainBatches per source so that one busy source cannot starve a frame.
func (h *Hub) Drain(dst []Batch) []Batch {
	h.mu.Lock()
	queues := h.queues
	h.mu.Unlock()
	for _, q := range queues {
	perSource:
		for n := 0; n < HubDrainBatches; n++ {
			select {
			case b := <-q:
				dst = append(dst, b)
			default:
				break perSource
			}
		}
	}
	return dst
}

// Queued returns how many batches wait in all queues (a measure of lag).
func (h *Hub) Queued() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := 0
	for _, q := range h.queues {
		n += len(q)
	}
	return n
}

type indexedSink struct {
	hub   *Hub
	index int
}

func (s *indexedSink) Push(ctx context.Context, b Batch) error {
	b.Source = s.index
	select {
	case s.hub.queues[s.index] <- b:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Collect is a Sink that keeps every batch in memory, for headless commands
// and tests.
type Collect struct {
	mu      sync.Mutex
	Batches []Batch
}

// Push appends the batch.
func (c *Collect) Push(ctx context.Context, b Batch) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	c.Batches = append(c.Batches, b)
	c.mu.Unlock()
	return nil
}

// Take returns the batches collected so far and forgets them.
func (c *Collect) Take() []Batch {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := c.Batches
	c.Batches = nil
	return out
}

// Func adapts a function to a Sink.
type Func func(ctx context.Context, b Batch) error

// Push calls f.
func (f Func) Push(ctx context.Context, b Batch) error { return f(ctx, b) }

// ReportPanic hands a panic recovered elsewhere (a goroutine the hub did not
// start) to Panics.
func (h *Hub) ReportPanic(where string, value any, stack []byte) {
	select {
	case h.panics <- &Panic{Where: where, Value: value, Stack: stack}:
	default:
	}
}
