package logs

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strings"
	"sync"
	"time"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/sanitize"
	"github.com/sobang/sobang/sources/tail"
)

// Backoff between two runs of a log command that exited: doubling from
// the first to the last, back to the first after a run as long as the
// last.
const (
	commandFirstBackoff = time.Second
	commandLastBackoff  = 30 * time.Second
)

// commandRunner runs a log command (Options.Command) through sh -c, its
// standard output read as a stream and its standard error shown as the
// source's status, restarted with backoff when it exits if restart is set.
type commandRunner struct {
	command string
	restart bool
	clock   sources.Clock
	h       tail.Handler
	status  func(sources.Health)
	warn    func(string)

	mu      sync.Mutex
	lastErr string // the last line the current run wrote on its standard error
}

// run runs the command until ctx ends (restarting it), or once.
func (c *commandRunner) run(ctx context.Context) error {
	delay := commandFirstBackoff
	for {
		started := c.clock.Now()
		err := c.once(ctx)
		if ctx.Err() != nil {
			return nil
		}
		what := "exited"
		if err != nil {
			what = err.Error()
		}
		c.mu.Lock()
		if c.lastErr != "" {
			what += ": " + c.lastErr
			c.lastErr = ""
		}
		c.mu.Unlock()
		if !c.restart {
			if err != nil {
				c.warn(fmt.Sprintf("%s: %s", c.command, what))
			}
			return nil
		}
		if c.clock.Now().Sub(started) >= commandLastBackoff {
			delay = commandFirstBackoff
		}
		c.status(sources.Health{State: sources.StateDown, Err: fmt.Sprintf("%s (next run in %s)", what, delay), Since: c.clock.Now()})
		t := c.clock.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-t.C():
		}
		delay = min(2*delay, commandLastBackoff)
	}
}

// once runs the command to its end (or ctx's), and says how it ended.
func (c *commandRunner) once(ctx context.Context) error {
	cmd := exec.CommandContext(ctx, "sh", "-c", c.command)
	ownGroup(cmd)
	cmd.WaitDelay = time.Second
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	c.status(sources.Health{State: sources.StateFollowing, Detail: "running " + c.command, Since: c.clock.Now()})
	stderrDone := make(chan struct{})
	go func() {
		defer close(stderrDone)
		c.stderr(stderr)
	}()
	streamErr := tail.Stream(ctx, c.clock, stdout, c.h)
	select {
	case <-stderrDone:
	case <-ctx.Done(): // Wait closes the pipes a grandchild may hold
	}
	waitErr := cmd.Wait()
	if streamErr != nil {
		return streamErr
	}
	var exit *exec.ExitError
	if errors.As(waitErr, &exit) {
		return fmt.Errorf("exited with %s", exit.ProcessState)
	}
	return waitErr
}

// stderr shows each line the command writes on its standard error as the
// source's status.
func (c *commandRunner) stderr(r io.Reader) {
	br := bufio.NewReaderSize(r, 4096)
	for {
		line, err := br.ReadSlice('\n')
		if text := strings.TrimSpace(string(line)); text != "" {
			text = sanitize.Value(text)
			c.mu.Lock()
			c.lastErr = text
			c.mu.Unlock()
			c.status(sources.Health{State: sources.StateFollowing, Detail: c.command + ": " + text, Since: c.clock.Now()})
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			// A line longer than the buffer: its start was shown.
			for errors.Is(err, bufio.ErrBufferFull) {
				_, err = br.ReadSlice('\n')
			}
		}
		if err != nil {
			return
		}
	}
}
