// Package merkle implements the Merkle Tree Hash of RFC 9162 §2.1 (Certificate
// Transparency v2) with SHA-256: leaf and node hashes, roots, inclusion proofs
// and consistency proofs, with their verifiers.
//
//	leaves := []merkle.Hash{merkle.LeafHash(a), merkle.LeafHash(b), merkle.LeafHash(c)}
//	t := merkle.NewTree(leaves)
//	root := t.Root()
//	path, _ := t.InclusionProof(1, t.Size())           // RFC 9162 PATH(1, D[3])
//	err := merkle.VerifyInclusion(leaves[1], 1, 3, path, root)
//	proof, _ := t.ConsistencyProof(2, 3)                // RFC 9162 PROOF(2, D[3])
//	err = merkle.VerifyConsistency(2, 3, oldRoot, root, proof)
//
// A leaf hashes as SHA-256(0x00 ‖ leaf) and a node as SHA-256(0x01 ‖ left ‖
// right), so a leaf cannot pass for a node. A tree of n > 1 leaves is split at
// the largest power of two below n; the empty tree hashes to SHA-256 of
// nothing.
//
// Sizes and indices are uint64 in the verifiers, whose inputs come from
// published proofs, and are bounded by MaxSize (2^40 leaves); a proof holds at
// most MaxProofLen (64) hashes. The verifiers never allocate in proportion to
// a number they read. Every failure wraps ErrProof.
//
// A Tree keeps every complete subtree's hash (2n hashes of memory), so a
// proof for any leaf, or between any two sizes up to the tree's, costs
// O(log² n) hashes at most and O(log n) for most. Append adds a leaf in
// amortized O(1). A Tree is not safe for concurrent Append; its other
// methods may be called concurrently. NewTree hashes large levels on every
// core (GOMAXPROCS).
package merkle
