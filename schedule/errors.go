package schedule

import (
	"errors"
	"strings"
)

// Sentinel errors wrapped by every error of this package, for use with
// errors.Is. The wrapping error names the round, unit, inspector or date
// concerned.
var (
	// ErrBadRound reports a round that is empty, misordered or overlaps
	// another one.
	ErrBadRound = errors.New("bad round")
	// ErrBadInput reports an invalid unit, inspector, frequency or
	// configuration value.
	ErrBadInput = errors.New("bad input")
	// ErrPool reports an inspector pool that is empty or too small.
	ErrPool = errors.New("inspector pool too small")
	// ErrCapacity reports a round whose drawn workload exceeds the
	// inspector-days available.
	ErrCapacity = errors.New("capacity exceeded")
	// ErrInfeasible reports units that cannot be staffed with a valid team.
	ErrInfeasible = errors.New("no valid team")
	// ErrVerify reports a disclosure that differs from the re-run draw.
	ErrVerify = errors.New("disclosure does not verify")
	// ErrProof reports a Merkle proof that does not lead to the root.
	ErrProof = errors.New("bad Merkle proof")
	// ErrUnknownTask reports a result recorded against an unknown task.
	ErrUnknownTask = errors.New("unknown task")
	// ErrBadPolicy reports a Policy field (or a round count) that is
	// negative, NaN, infinite or out of range.
	ErrBadPolicy = errors.New("bad policy")
	// ErrBadScore reports a risk score that is NaN or outside [0, 1].
	ErrBadScore = errors.New("bad score")
	// ErrBadLevel reports a risk level outside Low…High.
	ErrBadLevel = errors.New("bad level")
)

// writeCapped writes the first show items joined by "; ", then more(n)
// for the n items left out, if any.
func writeCapped(b *strings.Builder, items []string, show int, more func(n int) string) {
	for i, it := range items {
		if i == show {
			b.WriteString(more(len(items) - show))
			return
		}
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(it)
	}
}
