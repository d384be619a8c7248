package protocol

import (
	"fmt"
	"time"

	"github.com/firedraw/firedraw/schedule/beacon"
)

// QuicknetChain is the chain hash of drand's "quicknet" network, the one
// beacon a manifest may name (schedule/beacon verifies its rounds
// offline).
const QuicknetChain = beacon.QuicknetHash

// maxBeaconRound bounds a round number (about 3,000 years of quicknet),
// so that its time fits comfortably in an int64.
const maxBeaconRound = 1 << 35

// BeaconTime returns the time drand emits round `round` of the chain.
// Only QuicknetChain is known.
func BeaconTime(chain string, round uint64) (time.Time, error) {
	if chain != QuicknetChain {
		return time.Time{}, fmt.Errorf("beacon chain %q: only drand quicknet (%s) is known", chain, QuicknetChain)
	}
	if round < 1 || round > maxBeaconRound {
		return time.Time{}, fmt.Errorf("beacon round %d outside [1, %d]", round, uint64(maxBeaconRound))
	}
	return beacon.Quicknet().TimeOf(round), nil
}

// BeaconRoundAfter returns the first round of the chain emitted strictly
// after t (quicknet only).
func BeaconRoundAfter(chain string, t time.Time) (uint64, error) {
	if chain != QuicknetChain {
		return 0, fmt.Errorf("beacon chain %q: only drand quicknet (%s) is known", chain, QuicknetChain)
	}
	return beacon.Quicknet().RoundAt(t) + 1, nil
}

// Drand is the BeaconVerifier of drand quicknet: it checks a round's BLS
// signature offline against quicknet's public key (schedule/beacon) and
// returns its randomness, SHA-256 of the signature.
func Drand(chain string, round uint64, signature []byte) ([]byte, error) {
	if chain != QuicknetChain {
		return nil, fmt.Errorf("beacon chain %q: only drand quicknet (%s) is verified", chain, QuicknetChain)
	}
	r, err := beacon.Quicknet().Verify(round, signature)
	if err != nil {
		return nil, err
	}
	return r[:], nil
}
