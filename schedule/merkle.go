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

// merkleLevels returns every level of the tree over the leaf hashes, from
// the leaves (levels[0], not copied) up to the root. Each level pairs the
// nodes of the one below and carries a last unpaired node up unchanged,
// which builds the same tree as RFC 9162's split at the largest power of
// two below n (a left subtree of 2^k leaves is always complete). It costs
// n−1 node hashes and about n hashes of memory.
func merkleLevels(leaves []hash) [][]hash {
	levels := [][]hash{leaves}
	for cur := leaves; len(cur) > 1; {
		next := make([]hash, (len(cur)+1)/2)
		pairs := func(lo, hi int) {
			for j := lo; j < hi; j++ {
				if 2*j+1 < len(cur) {
					next[j] = nodeHash(cur[2*j], cur[2*j+1])
				} else {
					next[j] = cur[2*j]
				}
			}
		}
		// Large levels are hashed on every core, in contiguous chunks.
		if w := runtime.GOMAXPROCS(0); w > 1 && len(next) >= 1<<14 {
			var wg sync.WaitGroup
			for c := range w {
				wg.Add(1)
				go func() { defer wg.Done(); pairs(c*len(next)/w, (c+1)*len(next)/w) }()
			}
			wg.Wait()
		} else {
			pairs(0, len(next))
		}
		levels = append(levels, next)
		cur = next
	}
	return levels
}

// Proofs calls fn with every unit's leaf and inclusion proof under
// MerkleRoot, in leaf (unit-ID) order: the Leaf and Proof that Proof
// returns for each unit, for the cost of building the tree once
// (O(n log n) in all and O(n) memory, where n calls of Proof cost O(n²)).
// It stops at, and returns, the first error fn returns. Like Proof, it
// needs the planner's (or Verify's) copy of the leaves: on an open,
// parsed or withheld disclosure it returns Proof's error, wrapping
// ErrProof, without calling fn.
//
// fn may keep the Proof: each has its own Path.
func (d *Disclosure) Proofs(fn func(Leaf, Proof) error) error {
	if !d.Sealed || len(d.leaves) == 0 {
		// The conditions under which Proof fails for every unit: let it
		// report them, in its words.
		if _, _, err := d.Proof(""); err != nil {
			return err
		}
	}
	levels := merkleLevels(d.leaves)
	levels = levels[:len(levels)-1] // the root is on no path
	// The audit path of leaf m holds, at each level ℓ from the leaf up,
	// the sibling (m>>ℓ)^1 of m's ancestor, unless that ancestor is carried
	// up unpaired. Consecutive leaves share most of their path, so each
	// level keeps the hex of the sibling it last encoded.
	const digits = 2 * sha256.Size
	hexes := make([][digits]byte, len(levels))
	encoded := make([]int, len(levels))
	for l := range encoded {
		encoded[l] = -1
	}
	buf := make([]byte, 0, len(levels)*digits)
	for i := range d.all {
		buf = buf[:0]
		for l, lv := range levels {
			s := (i >> l) ^ 1
			if s >= len(lv) {
				continue
			}
			if encoded[l] != s {
				hex.Encode(hexes[l][:], lv[s][:])
				encoded[l] = s
			}
			buf = append(buf, hexes[l][:]...)
		}
		// One string per proof holds the whole path; Path's entries are
		// its 64-digit slices.
		str := string(buf)
		p := Proof{Index: i, Size: len(d.leaves), Path: make([]string, len(buf)/digits)}
		for j := range p.Path {
			p.Path[j] = str[j*digits : (j+1)*digits]
		}
		if err := fn(d.all[i], p); err != nil {
			return err
		}
	}
	return nil
}

// Proof is the inclusion proof of one unit's leaf: its position in the
// ID-sorted leaves, the number of leaves and the audit path (hex SHA-256
// values, from the leaf up).
type Proof struct {
	Index int      `json:"index"`
	Size  int      `json:"size"`
	Path  []string `json:"path"`
}

// Bounds of a proof read from a file: a tree of at most 2^40 leaves has
// paths of at most 40 steps; 64 leaves room and bounds the work.
const (
	maxProofSize = 1 << 40
	maxProofPath = 64
)

// VerifyProof checks that leaf, at proof.Index of proof.Size leaves, is
// under the hex Merkle root of a draw of units units (RFC 9162
// §2.1.3.2): the size must be units — the count the manifest fixed and
// the disclosure names (Disclosure.UnitCount) —, the index below it, and
// the path at most 64 steps. Take root and units from the disclosure,
// never from the proof's own file. It returns an error wrapping ErrProof
// when the leaf is not there.
func VerifyProof(root string, units int, leaf Leaf, proof Proof) error {
	want, err := hex.DecodeString(root)
	if err != nil || len(want) != sha256.Size {
		return fmt.Errorf("schedule: Merkle root %q is not 64 hex digits: %w", root, ErrProof)
	}
	switch {
	case proof.Size != units || units > maxProofSize:
		return fmt.Errorf("schedule: proof of a tree of %d leaves, but the draw has %d units: %w", proof.Size, units, ErrProof)
	case proof.Index < 0 || proof.Index >= proof.Size:
		return fmt.Errorf("schedule: proof index %d outside a tree of %d leaves: %w", proof.Index, proof.Size, ErrProof)
	case len(proof.Path) > maxProofPath:
		return fmt.Errorf("schedule: proof of %d steps, at most %d: %w", len(proof.Path), maxProofPath, ErrProof)
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
