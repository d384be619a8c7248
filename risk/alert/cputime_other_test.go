//go:build !unix

package alert_test

import "time"

// cpuTime returns 0: the process's CPU time is unknown here.
func cpuTime() time.Duration { return 0 }
