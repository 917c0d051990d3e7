//go:build !unix

package store

import "time"

// cpuTime is not measured here; BenchmarkOpenYears then reports 0 CPU.
func cpuTime() time.Duration { return 0 }
