//go:build unix

package loadtesttest

import (
	"syscall"
	"time"
)

// ProcessCPU returns the CPU time this process has used, user and system.
func ProcessCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
