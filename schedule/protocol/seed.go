package protocol

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"io"

	"github.com/firedraw/firedraw/sampling"
)

// Domain-separation prefixes of the two hashes of the seed construction
// (see the package doc).
const (
	commitPrefix = "firedraw/commit/v1\x00"
	seedPrefix   = "firedraw/seed/v1\x00"
	// SeedAlgorithm names the seed construction (Algorithms.Seed).
	SeedAlgorithm = "seed/v1"
)

// NewSecret reads MinSecretBytes bytes from r (crypto/rand.Reader for a
// real draw) and returns them as lowercase hex: a party's secret.
func NewSecret(r io.Reader) (string, error) {
	b := make([]byte, MinSecretBytes)
	if _, err := io.ReadFull(r, b); err != nil {
		return "", fmt.Errorf("protocol: new secret: %w", err)
	}
	return hex.EncodeToString(b), nil
}

// CheckSecret accepts MinSecretBytes to MaxSecretBytes bytes written as
// lowercase hex digits.
func CheckSecret(secret string) error {
	n := len(secret) / 2
	if len(secret)%2 != 0 || n < MinSecretBytes || n > MaxSecretBytes {
		return fmt.Errorf("protocol: secret of %d characters: want %d to %d bytes as lowercase hex: %w",
			len(secret), MinSecretBytes, MaxSecretBytes, ErrContribution)
	}
	if b, err := hex.DecodeString(secret); err != nil || hex.EncodeToString(b) != secret {
		return fmt.Errorf("protocol: secret is not lowercase hex: %w", ErrContribution)
	}
	return nil
}

// Commit returns the commitment of party to secret under the manifest
// hash (64 lowercase hex digits each):
//
//	SHA-256("firedraw/commit/v1" 0x00 ‖ manifestHash ‖ 0x00 ‖ party ‖ 0x00 ‖ secret)
//
// with manifestHash and secret as their lowercase hex text. Binding the
// manifest hash means a commitment cannot be carried over to another
// manifest, round or period. Commit returns an error wrapping
// ErrContribution for a malformed hash, party or secret.
func Commit(manifestHash, party, secret string) (string, error) {
	if err := checkContribution(manifestHash, party, secret); err != nil {
		return "", err
	}
	h := sha256.New()
	for _, s := range []string{commitPrefix, manifestHash, "\x00", party, "\x00", secret} {
		io.WriteString(h, s)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// CheckReveal reports whether secret is the one party committed to under
// the manifest hash; the error wraps ErrContribution and names the party.
func CheckReveal(manifestHash, party, secret, commitment string) error {
	c, err := Commit(manifestHash, party, secret)
	if err != nil {
		return err
	}
	if subtle.ConstantTimeCompare([]byte(c), []byte(commitment)) != 1 {
		return fmt.Errorf("protocol: the secret revealed by %q hashes to %s, not to its commitment %s: %w",
			party, c, commitment, ErrContribution)
	}
	return nil
}

func checkContribution(manifestHash, party, secret string) error {
	if err := checkHex("manifest hash", manifestHash, 32); err != nil {
		return fmt.Errorf("%w: %w", err, ErrContribution)
	}
	if err := checkName("party", party, MaxNameBytes); err != nil {
		return fmt.Errorf("%w: %w", err, ErrContribution)
	}
	return CheckSecret(secret)
}

// Contribution is one party's input to the seed: its revealed secret, or
// "" when it did not reveal by the deadline (it then contributes
// Defaulted).
type Contribution struct {
	Party  string
	Secret string
}

// SeedInputs is everything the seed is derived from.
type SeedInputs struct {
	// Manifest is the manifest hash (64 lowercase hex digits).
	Manifest string
	// Parties holds one contribution per party, in the manifest's order.
	Parties []Contribution
	// Beacon is the beacon randomness as 64 lowercase hex digits, or ""
	// without a beacon.
	Beacon string
	// Dice is the rolled digits (ASCII '0'…'9'), or "" without dice.
	Dice string
}

// DeriveSeed returns the draw's seed:
//
//	SHA-256("firedraw/seed/v1" 0x00 ‖ manifest ‖
//	        for each party in manifest order: party ‖ 0x00 ‖ (secret or "defaulted") ‖ 0x00 ‖
//	        beacon ‖ 0x00 ‖ dice)
//
// every value as its text (hex in lowercase). It returns an error
// wrapping ErrContribution for a malformed input.
func DeriveSeed(in SeedInputs) (sampling.Seed, error) {
	if err := checkSeedInputs(in); err != nil {
		return sampling.Seed{}, err
	}
	h := sha256.New()
	io.WriteString(h, seedPrefix)
	io.WriteString(h, in.Manifest)
	for _, c := range in.Parties {
		v := c.Secret
		if v == "" {
			v = Defaulted
		}
		for _, s := range []string{c.Party, "\x00", v, "\x00"} {
			io.WriteString(h, s)
		}
	}
	for _, s := range []string{in.Beacon, "\x00", in.Dice} {
		io.WriteString(h, s)
	}
	var seed sampling.Seed
	h.Sum(seed[:0])
	return seed, nil
}

func checkSeedInputs(in SeedInputs) error {
	if len(in.Parties) == 0 || len(in.Parties) > MaxParties {
		return fmt.Errorf("protocol: %d parties outside [1, %d]: %w", len(in.Parties), MaxParties, ErrContribution)
	}
	if err := checkHex("manifest hash", in.Manifest, 32); err != nil {
		return fmt.Errorf("%w: %w", err, ErrContribution)
	}
	for _, c := range in.Parties {
		if err := checkName("party", c.Party, MaxNameBytes); err != nil {
			return fmt.Errorf("%w: %w", err, ErrContribution)
		}
		if c.Secret == "" {
			continue
		}
		if err := CheckSecret(c.Secret); err != nil {
			return fmt.Errorf("protocol: party %q: %w", c.Party, err)
		}
	}
	if in.Beacon != "" {
		if err := checkHex("beacon randomness", in.Beacon, 32); err != nil {
			return fmt.Errorf("%w: %w", err, ErrContribution)
		}
	}
	return CheckDice(in.Dice, len(in.Dice))
}

// CheckDice accepts "" (no dice) or exactly want decimal digits.
func CheckDice(dice string, want int) error {
	if dice == "" {
		return nil
	}
	if len(dice) != want || want < MinDiceDigits || want > MaxDiceDigits {
		return fmt.Errorf("protocol: dice roll of %d digits, want %d (between %d and %d): %w",
			len(dice), want, MinDiceDigits, MaxDiceDigits, ErrContribution)
	}
	for i := 0; i < len(dice); i++ {
		if dice[i] < '0' || dice[i] > '9' {
			return fmt.Errorf("protocol: dice roll %q holds a non-digit: %w", dice, ErrContribution)
		}
	}
	return nil
}
