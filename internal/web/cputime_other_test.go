//go:build !unix

package web

import "time"

// cpuTime is not measured here; the load benchmark then reports 0 CPU.
func cpuTime() time.Duration { return 0 }
