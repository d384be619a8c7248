//go:build !unix

package risk

import "time"

// cpuTime returns 0: the process's CPU time is unknown here.
func cpuTime() time.Duration { return 0 }
