package beacon

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/cloudflare/circl/sign/bls"
)

// ErrBeacon is wrapped by every error of this package.
var ErrBeacon = errors.New("beacon: round does not verify")

// Quicknet's published parameters (its /info document).
const (
	// QuicknetHash is the chain hash of quicknet.
	QuicknetHash = "52db9ba70e0cc0f6eaf7803dd07447a1f5477735fd3f661792ba94600c84e971"
	// QuicknetPublicKey is quicknet's group public key on G2, compressed.
	QuicknetPublicKey = "83cf0f2896adee7eb8b5f01fcad3912212c437e0073e911fb90022d3e760183c8c4b450b6a0a6c3ac6a5776a2d1064510d1fec758c921cc22b0e17e63aaf4bcb5ed66304de9cf809bd274ca73bab4af5a6e9c76a4bc09e76eae8991ef5ece45a"
	// QuicknetGenesis is the Unix time of quicknet's round 1.
	QuicknetGenesis = 1692803367
	// QuicknetPeriod is the time between two rounds, in seconds.
	QuicknetPeriod = 3
	// QuicknetScheme is quicknet's signature scheme.
	QuicknetScheme = "bls-unchained-g1-rfc9380"
	// SignatureSize is the size of a compressed G1 signature.
	SignatureSize = 48
)

// Chain is a drand chain's public parameters. Only the unchained G1
// scheme (QuicknetScheme) is supported.
type Chain struct {
	Hash      string // chain hash, hex
	PublicKey string // group public key on G2, compressed, hex
	Genesis   int64  // Unix time of round 1
	Period    int64  // seconds between rounds, > 0
	Scheme    string // QuicknetScheme
}

// Quicknet returns the League of Entropy quicknet chain.
func Quicknet() Chain {
	return Chain{Hash: QuicknetHash, PublicKey: QuicknetPublicKey, Genesis: QuicknetGenesis,
		Period: QuicknetPeriod, Scheme: QuicknetScheme}
}

// RoundAt returns the latest round published at or before t (0 before
// genesis). It panics if c.Period is not positive.
func (c Chain) RoundAt(t time.Time) uint64 {
	c.mustPeriod()
	s := t.Unix()
	if s < c.Genesis {
		return 0
	}
	return uint64((s-c.Genesis)/c.Period) + 1
}

// TimeOf returns the time at which round is published (round ≥ 1); round
// 0 gives the genesis time. It panics if c.Period is not positive.
func (c Chain) TimeOf(round uint64) time.Time {
	c.mustPeriod()
	if round == 0 {
		round = 1
	}
	return time.Unix(c.Genesis+int64(round-1)*c.Period, 0).UTC()
}

func (c Chain) mustPeriod() {
	if c.Period <= 0 {
		panic(fmt.Sprintf("beacon: chain %s has period %d", c.Hash, c.Period))
	}
}

// Message returns the message signed for round: SHA-256 of the round as 8
// big-endian bytes.
func Message(round uint64) [sha256.Size]byte {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], round)
	return sha256.Sum256(b[:])
}

// Verify checks the signature of round (48 bytes, compressed G1) under the
// chain's public key and returns the round's randomness, SHA-256 of the
// signature. Round 0 does not exist. It returns an error wrapping
// ErrBeacon when the signature, the key or the scheme is not right.
func (c Chain) Verify(round uint64, signature []byte) ([sha256.Size]byte, error) {
	var zero [sha256.Size]byte
	if c.Scheme != QuicknetScheme {
		return zero, fmt.Errorf("beacon: chain %s: scheme %q is not supported (want %s): %w", c.Hash, c.Scheme, QuicknetScheme, ErrBeacon)
	}
	if round == 0 {
		return zero, fmt.Errorf("beacon: chain %s: there is no round 0: %w", c.Hash, ErrBeacon)
	}
	if len(signature) != SignatureSize {
		return zero, fmt.Errorf("beacon: chain %s round %d: signature of %d bytes, want %d: %w", c.Hash, round, len(signature), SignatureSize, ErrBeacon)
	}
	key, err := hex.DecodeString(c.PublicKey)
	var pk bls.PublicKey[bls.KeyG2SigG1]
	if err != nil || pk.UnmarshalBinary(key) != nil || !pk.Validate() {
		return zero, fmt.Errorf("beacon: chain %s: public key is not a point of G2: %w", c.Hash, ErrBeacon)
	}
	msg := Message(round)
	if !bls.Verify(&pk, msg[:], signature) {
		return zero, fmt.Errorf("beacon: chain %s round %d: signature %x does not verify: %w", c.Hash, round, signature, ErrBeacon)
	}
	return sha256.Sum256(signature), nil
}

// ParseSignature reads a signature written as 96 lowercase hex digits.
func ParseSignature(s string) ([]byte, error) {
	if len(s) != 2*SignatureSize {
		return nil, fmt.Errorf("beacon: signature %q is not %d hex digits: %w", clip(s), 2*SignatureSize, ErrBeacon)
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return nil, fmt.Errorf("beacon: signature %q is not lowercase hex: %w", clip(s), ErrBeacon)
		}
	}
	b, _ := hex.DecodeString(s)
	return b, nil
}

func clip(s string) string {
	if len(s) > 100 {
		return s[:100] + "…"
	}
	return s
}
