//go:build race

package main

// raceEnabled is set when the race detector runs: it slows every
// process it instruments, so the evaluation suite plays one failure and
// measures no ranks (see eval_test.go).
const raceEnabled = true
