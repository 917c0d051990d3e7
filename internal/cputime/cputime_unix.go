//go:build unix

// Package cputime reads the CPU time this process has used, for
// benchmarks and the time budgets of fuzz tests: unlike wall time it does
// not grow when other work shares the machine.
package cputime

import (
	"syscall"
	"time"
)

// Used returns the user and system CPU time this process has used.
func Used() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
