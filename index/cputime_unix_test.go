//go:build unix

package index

import (
	"syscall"
	"time"
)

// cpuTime is the CPU the process has used, user and system, in all its
// threads (the garbage collector's too): what a benchmark costs whatever
// else the machine runs.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
