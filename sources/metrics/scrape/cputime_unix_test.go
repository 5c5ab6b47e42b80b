//go:build unix

package scrape

import (
	"syscall"
	"time"
)

// processCPU returns the CPU time this process has used, user and system:
// benchmarks report it beside the wall time, which on a shared machine
// counts the time other processes held the cores.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
