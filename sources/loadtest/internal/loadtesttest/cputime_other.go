//go:build !unix

package loadtesttest

import "time"

// ProcessCPU is not measured here; benchmarks then report wall time only.
func ProcessCPU() time.Duration { return 0 }
