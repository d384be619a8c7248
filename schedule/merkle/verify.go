package merkle

import "fmt"

// VerifyInclusion checks that leaf (a leaf hash) is at index in a tree of
// size leaves whose root is root, with the audit path proof (RFC 9162
// §2.1.3.2). It returns nil or an error wrapping ErrProof.
func VerifyInclusion(leaf Hash, index, size uint64, proof []Hash, root Hash) error {
	if err := checkSize(size, len(proof)); err != nil {
		return err
	}
	if index >= size {
		return fmt.Errorf("merkle: leaf index %d outside a tree of %d leaves: %w", index, size, ErrProof)
	}
	r, err := rootFromInclusion(leaf, index, size, proof)
	if err != nil {
		return err
	}
	if r != root {
		return fmt.Errorf("merkle: leaf %d of %d leads to root %s, not %s: %w", index, size, r, root, ErrProof)
	}
	return nil
}

func checkSize(size uint64, proofLen int) error {
	if size > MaxSize {
		return fmt.Errorf("merkle: tree size %d above the bound %d: %w", size, uint64(MaxSize), ErrProof)
	}
	if proofLen > MaxProofLen {
		return fmt.Errorf("merkle: proof of %d hashes above the bound %d: %w", proofLen, MaxProofLen, ErrProof)
	}
	return nil
}

// rootFromInclusion is RFC 9162 §2.1.3.2 steps 2–6 (index < size).
func rootFromInclusion(leaf Hash, index, size uint64, proof []Hash) (Hash, error) {
	fn, sn := index, size-1
	r := leaf
	for _, p := range proof {
		if sn == 0 {
			return r, fmt.Errorf("merkle: inclusion proof of leaf %d of %d is too long (%d hashes): %w", index, size, len(proof), ErrProof)
		}
		if fn&1 == 1 || fn == sn {
			r = NodeHash(p, r)
			for fn&1 == 0 && fn != 0 {
				fn >>= 1
				sn >>= 1
			}
		} else {
			r = NodeHash(r, p)
		}
		fn >>= 1
		sn >>= 1
	}
	if sn != 0 {
		return r, fmt.Errorf("merkle: inclusion proof of leaf %d of %d is too short (%d hashes): %w", index, size, len(proof), ErrProof)
	}
	return r, nil
}

// VerifyConsistency checks that the tree of oldSize leaves with root
// oldRoot is a prefix of the tree of newSize leaves with root newRoot,
// with the consistency proof (RFC 9162 §2.1.4.2). Equal sizes need an empty
// proof and equal roots; old size 0 needs an empty proof and oldRoot ==
// EmptyRoot(). It returns nil or an error wrapping ErrProof.
func VerifyConsistency(oldSize, newSize uint64, oldRoot, newRoot Hash, proof []Hash) error {
	if err := checkSize(newSize, len(proof)); err != nil {
		return err
	}
	switch {
	case oldSize > newSize:
		return fmt.Errorf("merkle: the tree shrank from %d to %d leaves: %w", oldSize, newSize, ErrProof)
	case oldSize == newSize || oldSize == 0:
		return trivialConsistency(oldSize, newSize, oldRoot, newRoot, proof)
	case len(proof) == 0:
		return fmt.Errorf("merkle: empty consistency proof from %d to %d leaves: %w", oldSize, newSize, ErrProof)
	}
	fr, sr, err := rootsFromConsistency(oldSize, newSize, oldRoot, proof)
	if err != nil {
		return err
	}
	if fr != oldRoot {
		return fmt.Errorf("merkle: consistency proof from %d to %d leaves gives old root %s, not %s: %w", oldSize, newSize, fr, oldRoot, ErrProof)
	}
	if sr != newRoot {
		return fmt.Errorf("merkle: consistency proof from %d to %d leaves gives new root %s, not %s: %w", oldSize, newSize, sr, newRoot, ErrProof)
	}
	return nil
}

func trivialConsistency(oldSize, newSize uint64, oldRoot, newRoot Hash, proof []Hash) error {
	if len(proof) != 0 {
		return fmt.Errorf("merkle: consistency proof from %d to %d leaves must be empty, has %d hashes: %w", oldSize, newSize, len(proof), ErrProof)
	}
	if oldSize == 0 {
		if oldRoot != EmptyRoot() {
			return fmt.Errorf("merkle: root %s of the empty tree is not %s: %w", oldRoot, EmptyRoot(), ErrProof)
		}
		return nil
	}
	if oldRoot != newRoot {
		return fmt.Errorf("merkle: two roots for one tree of %d leaves (%s, %s): %w", oldSize, oldRoot, newRoot, ErrProof)
	}
	return nil
}

// rootsFromConsistency is RFC 9162 §2.1.4.2 steps 2–7 (0 < oldSize <
// newSize, proof not empty): the old and new roots the proof leads to.
func rootsFromConsistency(oldSize, newSize uint64, oldRoot Hash, proof []Hash) (fr, sr Hash, err error) {
	if oldSize&(oldSize-1) == 0 {
		proof = append([]Hash{oldRoot}, proof...)
	}
	fn, sn := oldSize-1, newSize-1
	for fn&1 == 1 {
		fn >>= 1
		sn >>= 1
	}
	fr, sr = proof[0], proof[0]
	for _, c := range proof[1:] {
		if sn == 0 {
			return fr, sr, fmt.Errorf("merkle: consistency proof from %d to %d leaves is too long: %w", oldSize, newSize, ErrProof)
		}
		if fn&1 == 1 || fn == sn {
			fr = NodeHash(c, fr)
			sr = NodeHash(c, sr)
			for fn&1 == 0 && fn != 0 {
				fn >>= 1
				sn >>= 1
			}
		} else {
			sr = NodeHash(sr, c)
		}
		fn >>= 1
		sn >>= 1
	}
	if sn != 0 {
		return fr, sr, fmt.Errorf("merkle: consistency proof from %d to %d leaves is too short: %w", oldSize, newSize, ErrProof)
	}
	return fr, sr, nil
}
