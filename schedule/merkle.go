package schedule

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/bits"
	"runtime"
	"sync"
)

// Merkle tree over the units' leaves, as in Certificate Transparency
// (RFC 9162 §2.1): leaves in unit-ID order, leaf hash
// SHA-256(0x00 ‖ canonical leaf), node hash SHA-256(0x01 ‖ left ‖ right),
// and a tree of n leaves split at the largest power of two below n. The
// 0x00/0x01 prefixes keep a leaf from passing for a node.

type hash = [sha256.Size]byte

func leafHash(leaf []byte) hash {
	h := sha256.New()
	h.Write([]byte{0})
	h.Write(leaf)
	var out hash
	h.Sum(out[:0])
	return out
}

// leafHashPrefixed hashes a buffer that already starts with the 0x00
// leaf prefix (no allocation).
func leafHashPrefixed(prefixed []byte) hash { return sha256.Sum256(prefixed) }

func nodeHash(l, r hash) hash {
	var buf [1 + 2*sha256.Size]byte
	buf[0] = 1
	copy(buf[1:], l[:])
	copy(buf[1+sha256.Size:], r[:])
	return sha256.Sum256(buf[:])
}

// splitPoint returns the largest power of two below n (n ≥ 2).
func splitPoint(n int) int { return 1 << (bits.Len(uint(n-1)) - 1) }

// merkleRoot returns the root of the leaf hashes; the empty tree hashes to
// SHA-256 of nothing.
func merkleRoot(leaves []hash) hash {
	switch len(leaves) {
	case 0:
		return sha256.Sum256(nil)
	case 1:
		return leaves[0]
	}
	k := splitPoint(len(leaves))
	// The two halves of large trees are independent: use a second core.
	if len(leaves) >= 1<<15 && runtime.GOMAXPROCS(0) > 1 {
		var l hash
		var wg sync.WaitGroup
		wg.Add(1)
		go func() { defer wg.Done(); l = merkleRoot(leaves[:k]) }()
		r := merkleRoot(leaves[k:])
		wg.Wait()
		return nodeHash(l, r)
	}
	return nodeHash(merkleRoot(leaves[:k]), merkleRoot(leaves[k:]))
}

// merklePath returns the audit path of leaf m (RFC 9162 §2.1.3.1).
func merklePath(m int, leaves []hash) []hash {
	if len(leaves) <= 1 {
		return nil
	}
	k := splitPoint(len(leaves))
	if m < k {
		return append(merklePath(m, leaves[:k]), merkleRoot(leaves[k:]))
	}
	return append(merklePath(m-k, leaves[k:]), merkleRoot(leaves[:k]))
}

// Proof is the inclusion proof of one unit's leaf: its position in the
// ID-sorted leaves, the number of leaves and the audit path (hex SHA-256
// values, from the leaf up).
type Proof struct {
	Index int      `json:"index"`
	Size  int      `json:"size"`
	Path  []string `json:"path"`
}

// VerifyProof checks that leaf, at proof.Index of proof.Size leaves, is
// under the hex Merkle root (RFC 9162 §2.1.3.2). It returns an error
// wrapping ErrProof when it is not.
func VerifyProof(root string, leaf Leaf, proof Proof) error {
	want, err := hex.DecodeString(root)
	if err != nil || len(want) != sha256.Size {
		return fmt.Errorf("schedule: Merkle root %q is not 64 hex digits: %w", root, ErrProof)
	}
	if proof.Index < 0 || proof.Index >= proof.Size {
		return fmt.Errorf("schedule: proof index %d outside a tree of %d leaves: %w", proof.Index, proof.Size, ErrProof)
	}
	path := make([]hash, len(proof.Path))
	for i, p := range proof.Path {
		b, err := hex.DecodeString(p)
		if err != nil || len(b) != sha256.Size {
			return fmt.Errorf("schedule: proof step %d %q is not 64 hex digits: %w", i, p, ErrProof)
		}
		copy(path[i][:], b)
	}
	fn, sn := proof.Index, proof.Size-1
	r := leafHash(leaf.appendCanonical(nil))
	for _, p := range path {
		if sn == 0 {
			return fmt.Errorf("schedule: proof of unit %q is too long: %w", leaf.ID, ErrProof)
		}
		if fn&1 == 1 || fn == sn {
			r = nodeHash(p, r)
			if fn&1 == 0 {
				for fn&1 == 0 && fn != 0 {
					fn >>= 1
					sn >>= 1
				}
			}
		} else {
			r = nodeHash(r, p)
		}
		fn >>= 1
		sn >>= 1
	}
	if sn != 0 || !bytes.Equal(r[:], want) {
		return fmt.Errorf("schedule: leaf of unit %q (index %d) does not lead to root %s: %w", leaf.ID, proof.Index, root, ErrProof)
	}
	return nil
}
