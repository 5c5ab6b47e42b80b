package batch

import (
	"context"
	"errors"
	"fmt"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/tail"
)

// FileHandler is the format-specific half of a load-test file source (each
// source's handler implements it directly): the tail.Handler that parses,
// plus what RunFile needs at the end of input. Its Batcher reports tail's
// health changes and failures.
type FileHandler interface {
	tail.Handler
	// Err is a fatal format error found while handling data (not a JTL,
	// not k6 output), nil when none.
	Err() error
	// Finish flushes the parser at the end of input.
	Finish()
	// Done pushes the final health (and any summary warning).
	Done()
	// Out is the handler's Batcher.
	Out() *Batcher
}

// FileSource is a source that reads one file through a FileHandler made for
// each run; the load-test formats' New functions return one.
type FileSource struct {
	info    sources.Info
	follow  bool
	handler func(ctx context.Context, sink sources.Sink, info sources.Info) FileHandler
}

// NewFileSource returns a source reading info.Name with the handlers
// handler makes, following the file as it grows with follow. An empty
// info.Kind becomes kind.
func NewFileSource(info sources.Info, kind sources.Kind, follow bool,
	handler func(ctx context.Context, sink sources.Sink, info sources.Info) FileHandler) *FileSource {
	if info.Kind == "" {
		info.Kind = kind
	}
	return &FileSource{info: info, follow: follow, handler: handler}
}

// Info identifies the source.
func (s *FileSource) Info() sources.Info { return s.info }

// Run reads the file into sink until its end (without follow) or until ctx
// ends (see RunFile).
func (s *FileSource) Run(ctx context.Context, sink sources.Sink) error {
	return RunFile(ctx, s.info, s.follow, s.handler(ctx, sink, s.info))
}

// RunFile reads the file of info into h until its end (without follow) or
// until ctx ends, as every load-test file source does. It returns nil at the
// end of a readable file, and an error naming the file for input that is
// not of the handler's format; bad rows are counted, never fatal. A cut gzip
// keeps what was read before the cut, with a warning.
func RunFile(ctx context.Context, info sources.Info, follow bool, h FileHandler) error {
	out := h.Out()
	err := tail.File(ctx, info.Name, tail.Options{Follow: follow, Wait: info.Wait, Status: out.Status, Clock: info.Clock, Progress: out.SetProgress}, h)
	if ctx.Err() != nil {
		return nil
	}
	if err == nil {
		err = h.Err()
	}
	truncated := errors.Is(err, tail.ErrTruncatedGzip)
	if err != nil && !truncated {
		out.Fail(err)
		return err
	}
	h.Finish()
	if err := h.Err(); err != nil {
		out.Fail(err)
		return err
	}
	if truncated {
		out.Warn(fmt.Sprintf("gzip data is truncated: kept the %d samples read before the cut", out.Samples))
	}
	h.Done()
	if out.Err != nil && ctx.Err() == nil {
		return fmt.Errorf("%s: %w", info.Name, out.Err)
	}
	return nil
}
