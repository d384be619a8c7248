package protocol

import (
	"fmt"
	"time"
)

// QuicknetChain is the chain hash of drand's "quicknet" network
// (bls-unchained-g1-rfc9380, a round every 3 s since genesis 1692803367).
const QuicknetChain = "52db9ba70e0cc0f6eaf7803dd07447a1f5477735fd3f661792ba94600c84e971"

const (
	quicknetGenesis = 1692803367 // Unix seconds of round 1
	quicknetPeriod  = 3          // seconds between rounds
	// maxBeaconRound bounds a round number (about 3,000 years of
	// quicknet), so that its time fits comfortably in an int64.
	maxBeaconRound = 1 << 35
)

// BeaconTime returns the time drand emits round `round` of the chain.
// Only QuicknetChain is known.
func BeaconTime(chain string, round uint64) (time.Time, error) {
	if chain != QuicknetChain {
		return time.Time{}, fmt.Errorf("beacon chain %q: only drand quicknet (%s) is known", chain, QuicknetChain)
	}
	if round < 1 || round > maxBeaconRound {
		return time.Time{}, fmt.Errorf("beacon round %d outside [1, %d]", round, uint64(maxBeaconRound))
	}
	return time.Unix(quicknetGenesis+int64(round-1)*quicknetPeriod, 0).UTC(), nil
}

// BeaconRoundAfter returns the first round of the chain emitted strictly
// after t (quicknet only).
func BeaconRoundAfter(chain string, t time.Time) (uint64, error) {
	if chain != QuicknetChain {
		return 0, fmt.Errorf("beacon chain %q: only drand quicknet (%s) is known", chain, QuicknetChain)
	}
	s := t.Unix() - quicknetGenesis
	if s < 0 {
		return 1, nil
	}
	return uint64(s/quicknetPeriod) + 2, nil
}
