package merkle

import (
	"fmt"
	"math/bits"
	"runtime"
	"sync"
)

// Tree is a Merkle tree that keeps the hash of every complete subtree:
// levels[ℓ][k] covers leaves [k·2^ℓ, (k+1)·2^ℓ). The zero Tree is the empty
// tree, ready for Append.
type Tree struct {
	levels [][]Hash
}

// parallelLevel is the number of nodes above which NewTree hashes a level
// on every core, in contiguous chunks.
const parallelLevel = 1 << 14

// NewTree returns the tree over the leaf hashes. It keeps leaves as its
// bottom level (the caller must not modify them afterwards) and costs n−1
// node hashes.
func NewTree(leaves []Hash) *Tree {
	t := &Tree{levels: [][]Hash{leaves}}
	for cur := leaves; len(cur) > 1; {
		next := make([]Hash, len(cur)/2)
		pairs := func(lo, hi int) {
			for j := lo; j < hi; j++ {
				next[j] = NodeHash(cur[2*j], cur[2*j+1])
			}
		}
		if w := runtime.GOMAXPROCS(0); w > 1 && len(next) >= parallelLevel {
			var wg sync.WaitGroup
			for c := range w {
				wg.Go(func() { pairs(c*len(next)/w, (c+1)*len(next)/w) })
			}
			wg.Wait()
		} else {
			pairs(0, len(next))
		}
		t.levels = append(t.levels, next)
		cur = next
	}
	return t
}

// Append adds a leaf hash at the end of the tree, in amortized O(1).
func (t *Tree) Append(leaf Hash) {
	if len(t.levels) == 0 {
		t.levels = [][]Hash{nil}
	}
	t.levels[0] = append(t.levels[0], leaf)
	for l := 0; len(t.levels[l])%2 == 0; l++ {
		lv := t.levels[l]
		if l+1 == len(t.levels) {
			t.levels = append(t.levels, nil)
		}
		t.levels[l+1] = append(t.levels[l+1], NodeHash(lv[len(lv)-2], lv[len(lv)-1]))
	}
}

// Size returns the number of leaves.
func (t *Tree) Size() uint64 {
	if len(t.levels) == 0 {
		return 0
	}
	return uint64(len(t.levels[0]))
}

// Leaf returns the hash of leaf i. It panics if i ≥ Size().
func (t *Tree) Leaf(i uint64) Hash {
	if i >= t.Size() {
		panic(fmt.Sprintf("merkle: Leaf(%d) of a tree of %d leaves", i, t.Size()))
	}
	return t.levels[0][i]
}

// Root returns the root of the whole tree.
func (t *Tree) Root() Hash { return t.RootAt(t.Size()) }

// RootAt returns the root of the tree's first size leaves: the root the
// log had when it held size entries. It panics if size > Size().
func (t *Tree) RootAt(size uint64) Hash {
	t.check(size)
	if size == 0 {
		return EmptyRoot()
	}
	return t.subtree(0, size)
}

func (t *Tree) check(size uint64) {
	if size > t.Size() {
		panic(fmt.Sprintf("merkle: size %d beyond a tree of %d leaves", size, t.Size()))
	}
}

// subtree returns MTH(D[lo:hi]) for a node of an RFC 9162 tree: lo is a
// multiple of the largest power of two below hi−lo (or of hi−lo itself).
// A complete node is looked up; an incomplete one (the right edge of a
// smaller tree) is split, O(log n) steps.
func (t *Tree) subtree(lo, hi uint64) Hash {
	n := hi - lo
	if n&(n-1) == 0 {
		l := bits.TrailingZeros64(n)
		return t.levels[l][lo>>l]
	}
	k := split(n)
	return NodeHash(t.subtree(lo, lo+k), t.subtree(lo+k, hi))
}

// Node returns the hash of the node at height level (0: the leaves) and
// position index of the tree of Size() leaves, which covers leaves
// [index·2^level, min(Size(), (index+1)·2^level)), and whether that node
// exists. A node at the right edge covers fewer leaves; RFC 9162's tree
// carries it up unpaired.
func (t *Tree) Node(level int, index uint64) (Hash, bool) {
	if level < 0 || level >= 64 || index >= t.Size()>>level+1 {
		return Hash{}, false
	}
	lo := index << level
	if lo >= t.Size() {
		return Hash{}, false
	}
	return t.subtree(lo, min(t.Size(), lo+1<<level)), true
}

// InclusionProof returns the audit path of leaf index in the tree of the
// first size leaves (RFC 9162 §2.1.3.1 PATH), from the leaf up. It returns
// an error wrapping ErrProof if index ≥ size, and panics if size > Size().
func (t *Tree) InclusionProof(index, size uint64) ([]Hash, error) {
	t.check(size)
	if index >= size {
		return nil, fmt.Errorf("merkle: leaf index %d outside a tree of %d leaves: %w", index, size, ErrProof)
	}
	// Descend from the root, collecting the sibling of every subtree that
	// holds the leaf; the path lists them from the leaf up.
	down := make([]Hash, 0, bits.Len64(size))
	lo, hi := uint64(0), size
	for hi-lo > 1 {
		k := split(hi - lo)
		if index < lo+k {
			down = append(down, t.subtree(lo+k, hi))
			hi = lo + k
		} else {
			down = append(down, t.subtree(lo, lo+k))
			lo += k
		}
	}
	reverse(down)
	return down, nil
}

// ConsistencyProof returns the proof that the tree of the first old leaves
// is a prefix of the tree of the first size leaves (RFC 9162 §2.1.4.1
// PROOF). The proof is empty when old is 0 or old == size. It returns an
// error wrapping ErrProof if old > size, and panics if size > Size().
func (t *Tree) ConsistencyProof(old, size uint64) ([]Hash, error) {
	t.check(size)
	if old > size {
		return nil, fmt.Errorf("merkle: old size %d is larger than new size %d: %w", old, size, ErrProof)
	}
	if old == 0 || old == size {
		return []Hash{}, nil
	}
	// SUBPROOF(m, D[lo:hi], b) appends one hash per level to the proof of
	// a smaller subtree: collect them top-down, then reverse.
	up := make([]Hash, 0, 2*bits.Len64(size))
	m, lo, hi, whole := old, uint64(0), size, true
	for m != hi-lo {
		k := split(hi - lo)
		if m <= k {
			up = append(up, t.subtree(lo+k, hi))
			hi = lo + k
		} else {
			up = append(up, t.subtree(lo, lo+k))
			m -= k
			lo += k
			whole = false
		}
	}
	if !whole {
		up = append(up, t.subtree(lo, hi))
	}
	reverse(up)
	return up, nil
}

func reverse(h []Hash) {
	for i, j := 0, len(h)-1; i < j; i, j = i+1, j-1 {
		h[i], h[j] = h[j], h[i]
	}
}
