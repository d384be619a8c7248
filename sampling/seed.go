package sampling

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
)

// Seed is the 32-byte secret from which every random number of a draw is
// derived. Publish its Commitment before the draw and the Seed itself after:
// anyone can then recompute the draw (see PRN) and check that the revealed
// seed matches the commitment.
type Seed [32]byte

// NewSeed reads 32 bytes from r. Callers pass crypto/rand.Reader for a real
// draw; tests pass a deterministic reader.
func NewSeed(r io.Reader) (Seed, error) {
	var s Seed
	if r == nil {
		return s, errors.New("sampling: NewSeed: nil reader")
	}
	if _, err := io.ReadFull(r, s[:]); err != nil {
		return Seed{}, fmt.Errorf("sampling: NewSeed: %w", err)
	}
	return s, nil
}

// ParseSeed decodes a seed written as exactly 64 hexadecimal digits (either
// case), the form String returns.
func ParseSeed(s string) (Seed, error) {
	var seed Seed
	if len(s) != 2*len(seed) {
		return Seed{}, fmt.Errorf("sampling: seed %q: want 64 hex digits, have %d characters", s, len(s))
	}
	if _, err := hex.Decode(seed[:], []byte(s)); err != nil {
		return Seed{}, fmt.Errorf("sampling: seed %q: %w", s, err)
	}
	return seed, nil
}

// String returns the seed as 64 lowercase hexadecimal digits.
func (s Seed) String() string { return hex.EncodeToString(s[:]) }

// Commitment returns the lowercase hexadecimal SHA-256 digest of the 32 seed
// bytes (FIPS 180-4). Publishing it binds the drawer to the seed without
// revealing it.
func (s Seed) Commitment() string {
	d := sha256.Sum256(s[:])
	return hex.EncodeToString(d[:])
}
