package merkle

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math/bits"
	"runtime"
	"sync"
)

// HashSize is the size of a hash in bytes (SHA-256).
const HashSize = sha256.Size

// Bounds on published proofs: RFC 9162 trees of up to 2^40 leaves, whose
// proofs have at most 2·40 hashes; MaxProofLen leaves room to spare.
const (
	// MaxSize is the largest tree size the verifiers accept.
	MaxSize = 1 << 40
	// MaxProofLen is the largest number of hashes in a proof.
	MaxProofLen = 64
)

// ErrProof is wrapped by every error about a proof that does not verify or
// cannot be built.
var ErrProof = errors.New("merkle: bad proof")

// Hash is a SHA-256 value: a leaf hash, a node hash or a root.
type Hash [HashSize]byte

// String returns h as 64 lowercase hex digits.
func (h Hash) String() string { return hex.EncodeToString(h[:]) }

// ParseHash reads 64 lowercase hex digits, the form String writes; anything
// else (upper case, another length) is an error wrapping ErrProof.
func ParseHash(s string) (Hash, error) {
	var h Hash
	if len(s) != 2*HashSize {
		return h, fmt.Errorf("merkle: hash %q is not 64 hex digits: %w", clip(s), ErrProof)
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return h, fmt.Errorf("merkle: hash %q is not 64 lowercase hex digits: %w", clip(s), ErrProof)
		}
	}
	hex.Decode(h[:], []byte(s))
	return h, nil
}

// clip shortens a hostile string for an error message.
func clip(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}

// LeafHash returns SHA-256(0x00 ‖ leaf), the hash of a leaf (RFC 9162 §2.1.1).
func LeafHash(leaf []byte) Hash {
	h := sha256.New()
	h.Write([]byte{0})
	h.Write(leaf)
	var out Hash
	h.Sum(out[:0])
	return out
}

// LeafHashPrefixed returns the leaf hash of prefixed[1:] when prefixed[0]
// is already the 0x00 leaf prefix: SHA-256(prefixed), without a copy. It
// panics if prefixed does not start with 0x00.
func LeafHashPrefixed(prefixed []byte) Hash {
	if len(prefixed) == 0 || prefixed[0] != 0 {
		panic("merkle: LeafHashPrefixed: buffer does not start with the 0x00 leaf prefix")
	}
	return sha256.Sum256(prefixed)
}

// NodeHash returns SHA-256(0x01 ‖ l ‖ r), the hash of an interior node.
func NodeHash(l, r Hash) Hash {
	var buf [1 + 2*HashSize]byte
	buf[0] = 1
	copy(buf[1:], l[:])
	copy(buf[1+HashSize:], r[:])
	return sha256.Sum256(buf[:])
}

// EmptyRoot returns the root of the empty tree, SHA-256 of nothing.
func EmptyRoot() Hash { return sha256.Sum256(nil) }

// split returns the largest power of two below n (n ≥ 2).
func split(n uint64) uint64 { return 1 << (bits.Len64(n-1) - 1) }

// parallelRoot is the number of leaves above which Root hashes the two
// halves of a tree on two cores.
const parallelRoot = 1 << 15

// Root returns the Merkle Tree Hash of the leaf hashes (RFC 9162 §2.1.1).
// It keeps no tree: O(log n) memory.
func Root(leaves []Hash) Hash {
	switch len(leaves) {
	case 0:
		return EmptyRoot()
	case 1:
		return leaves[0]
	}
	k := int(split(uint64(len(leaves))))
	if len(leaves) >= parallelRoot && runtime.GOMAXPROCS(0) > 1 {
		var l Hash
		var wg sync.WaitGroup
		wg.Go(func() { l = Root(leaves[:k]) })
		r := Root(leaves[k:])
		wg.Wait()
		return NodeHash(l, r)
	}
	return NodeHash(Root(leaves[:k]), Root(leaves[k:]))
}
