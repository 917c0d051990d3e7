//go:build !unix

package workbook

import "time"

// cpuTime is not measured here: the read budget then applies to wall time
// alone.
func cpuTime() time.Duration { return 0 }
