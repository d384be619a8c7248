package schedule

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"github.com/firedraw/firedraw/schedule/merkle"
)

// Merkle tree over the units' leaves, as in Certificate Transparency
// (RFC 9162 §2.1, package schedule/merkle): leaves in unit-ID order, leaf
// hash SHA-256(0x00 ‖ canonical leaf), node hash SHA-256(0x01 ‖ left ‖
// right), and a tree of n leaves split at the largest power of two below
// n. The 0x00/0x01 prefixes keep a leaf from passing for a node.

type hash = merkle.Hash

func leafHash(leaf []byte) hash { return merkle.LeafHash(leaf) }

// leafHashPrefixed hashes a buffer that already starts with the 0x00
// leaf prefix (no allocation).
func leafHashPrefixed(prefixed []byte) hash { return merkle.LeafHashPrefixed(prefixed) }

// merkleRoot returns the root of the leaf hashes; the empty tree hashes to
// SHA-256 of nothing.
func merkleRoot(leaves []hash) hash { return merkle.Root(leaves) }

// merklePath returns the audit path of leaf m (RFC 9162 §2.1.3.1), for the
// cost of building the tree (n−1 node hashes).
func merklePath(m int, leaves []hash) []hash {
	path, err := merkle.NewTree(leaves).InclusionProof(uint64(m), uint64(len(leaves)))
	if err != nil {
		panic("schedule: merklePath: " + err.Error())
	}
	return path
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
	tree := merkle.NewTree(d.leaves)
	height := 0 // levels below the root
	for 1<<height < len(d.leaves) {
		height++
	}
	// The audit path of leaf m holds, at each level ℓ from the leaf up,
	// the sibling (m>>ℓ)^1 of m's ancestor, unless that ancestor is carried
	// up unpaired (the sibling does not exist). Consecutive leaves share
	// most of their path, so each level keeps the hex of the sibling it
	// last encoded.
	const digits = 2 * sha256.Size
	hexes := make([][digits]byte, height)
	exists := make([]bool, height)
	encoded := make([]int, height)
	for l := range encoded {
		encoded[l] = -1
	}
	buf := make([]byte, 0, height*digits)
	for i := range d.all {
		buf = buf[:0]
		for l := range height {
			s := (i >> l) ^ 1
			if encoded[l] != s {
				h, ok := tree.Node(l, uint64(s))
				hex.Encode(hexes[l][:], h[:])
				exists[l], encoded[l] = ok, s
			}
			if exists[l] {
				buf = append(buf, hexes[l][:]...)
			}
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

// VerifyProof checks that leaf, at proof.Index of proof.Size leaves, is
// under the hex Merkle root of a draw of units units (RFC 9162
// §2.1.3.2, merkle.VerifyInclusion, with its bounds on the size and the
// path's length): the size must be units — the count the manifest fixed
// and the disclosure names (Disclosure.UnitCount) —, and the index below
// it. Take root and units from the disclosure, never from the proof's own
// file. It returns an error wrapping ErrProof when the leaf is not there.
func VerifyProof(root string, units int, leaf Leaf, proof Proof) error {
	want, err := hex.DecodeString(root)
	if err != nil || len(want) != sha256.Size {
		return fmt.Errorf("schedule: Merkle root %q is not 64 hex digits: %w", root, ErrProof)
	}
	switch {
	case proof.Size != units || int64(units) > merkle.MaxSize:
		return fmt.Errorf("schedule: proof of a tree of %d leaves, but the draw has %d units: %w", proof.Size, units, ErrProof)
	case proof.Index < 0 || proof.Index >= proof.Size:
		return fmt.Errorf("schedule: proof index %d outside a tree of %d leaves: %w", proof.Index, proof.Size, ErrProof)
	case len(proof.Path) > merkle.MaxProofLen:
		return fmt.Errorf("schedule: proof of unit %q has %d steps, at most %d: %w", leaf.ID, len(proof.Path), merkle.MaxProofLen, ErrProof)
	}
	path := make([]hash, len(proof.Path))
	for i, p := range proof.Path {
		b, err := hex.DecodeString(p)
		if err != nil || len(b) != sha256.Size {
			return fmt.Errorf("schedule: proof step %d %q is not 64 hex digits: %w", i, p, ErrProof)
		}
		copy(path[i][:], b)
	}
	err = merkle.VerifyInclusion(leafHash(leaf.appendCanonical(nil)), uint64(proof.Index), uint64(proof.Size), path, hash(want))
	if err != nil {
		return fmt.Errorf("schedule: leaf of unit %q (index %d) does not lead to root %s: %v: %w", leaf.ID, proof.Index, root, err, ErrProof)
	}
	return nil
}
