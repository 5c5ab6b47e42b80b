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
	"strings"

	"github.com/sobang/sobang/sources/sanitize"
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
			fmt.Fprintln(os.Stderr, "sobang:", safeText(ee.err.Error()))
		}
		return ee.code
	}
	// Cobra's own errors are usage errors (unknown flag, bad value).
	fmt.Fprintln(os.Stderr, "sobang:", safeText(err.Error()))
	fmt.Fprintln(os.Stderr, "Run 'sobang --help' for usage.")
	return exitUsage
}

// safeText makes a message safe to print on a terminal, line by line
// (sanitize.Value): a file name, a response message or a flag's value in
// it may hold escape sequences, and a URL its password. Every message to
// stderr that holds more than our own words goes through it.
func safeText(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = sanitize.Value(l)
	}
	return strings.Join(lines, "\n")
}

// printWarning prints a warning on stderr, made safe by safeText.
func printWarning(format string, args ...any) {
	fmt.Fprintln(os.Stderr, "sobang: warning:", safeText(fmt.Sprintf(format, args...)))
}
