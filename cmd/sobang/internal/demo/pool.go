package demo

import (
	"context"
	"errors"
	"sync/atomic"
	"time"
)

// errPoolTimeout is returned when no connection became free within the
// acquire timeout (HikariCP's connectionTimeout).
var errPoolTimeout = errors.New("connection is not available, request timed out")

// pool simulates a HikariCP pool: a counting semaphore of size connections.
// Waiters are served in arrival order (blocked channel senders are FIFO).
type pool struct {
	slots    chan struct{}
	size     int
	pending  atomic.Int64
	timeouts atomic.Int64
}

// newPool returns a pool with size connections, all idle.
func newPool(size int) *pool {
	return &pool{slots: make(chan struct{}, size), size: size}
}

// acquire takes a connection, waiting at most timeout, or until ctx ends.
func (p *pool) acquire(ctx context.Context, timeout time.Duration) error {
	select {
	case p.slots <- struct{}{}:
		return nil
	default:
	}
	p.pending.Add(1)
	defer p.pending.Add(-1)
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case p.slots <- struct{}{}:
		return nil
	case <-timer.C:
		p.timeouts.Add(1)
		return errPoolTimeout
	case <-ctx.Done():
		return ctx.Err()
	}
}

// release returns a connection taken by acquire.
func (p *pool) release() { <-p.slots }

// poolStats is a snapshot as HikariCP prints it in its timeout message.
type poolStats struct {
	total, active, idle, waiting int
}

// stats returns the current pool state.
func (p *pool) stats() poolStats {
	active := len(p.slots)
	return poolStats{total: p.size, active: active, idle: p.size - active, waiting: int(p.pending.Load())}
}
