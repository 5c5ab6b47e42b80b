// Command sobang is a terminal dashboard for tracing a failure while it
// happens: load-test results, Prometheus metrics and logs in linked panes on
// one time axis.
//
// This package is the command line and the wiring only: it parses arguments,
// builds sources, and hands them to the dashboard or the report. It must not
// parse formats or draw panes itself.
package main

import (
	"errors"
	"fmt"
	"os"
)

// Exit codes.
const (
	exitOK      = 0
	exitFailure = 1 // the job failed (a check did not pass, a crash)
	exitUsage   = 2 // bad usage or unreadable input
)

// exitError carries an exit code with its message.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func usageErr(format string, args ...any) error {
	return &exitError{exitUsage, fmt.Errorf(format, args...)}
}

func main() {
	os.Exit(run(os.Args[1:]))
}

func run(args []string) int {
	cmd := newRootCmd()
	cmd.SetArgs(args)
	err := cmd.Execute()
	if err == nil {
		return exitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil && ee.err.Error() != "" {
			fmt.Fprintln(os.Stderr, "sobang:", ee.err)
		}
		return ee.code
	}
	// Cobra's own errors are usage errors (unknown flag, bad value).
	fmt.Fprintln(os.Stderr, "sobang:", err)
	fmt.Fprintln(os.Stderr, "Run 'sobang --help' for usage.")
	return exitUsage
}
