package merkle

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The reference vectors of Certificate Transparency: the eight leaves and
// the roots of their prefixes, the inclusion and consistency proofs, as in
// github.com/transparency-dev/merkle proof/verify_test.go (the same values
// as the certificate-transparency C++ and Go reference tests).
var (
	ctLeaves = []string{"", "00", "10", "2021", "3031", "40414243",
		"5051525354555657", "606162636465666768696a6b6c6d6e6f"}
	ctRoots = []string{
		"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
		"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
		"aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
		"d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
		"4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
		"76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
		"ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
		"5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
	}
	ctInclusion = []struct {
		index, size uint64 // index is 0-based
		proof       []string
	}{
		{0, 8, []string{"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
			"5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
			"6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
		{5, 8, []string{"bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
			"ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
			"d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
		{2, 3, []string{"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"}},
		{1, 5, []string{"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
			"5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
			"bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}},
		{0, 1, nil},
	}
	ctConsistency = []struct {
		old, size uint64
		proof     []string
	}{
		{1, 1, nil},
		{1, 8, []string{"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
			"5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
			"6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
		{6, 8, []string{"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
			"ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
			"d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
		{2, 5, []string{"5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
			"bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}},
		{6, 7, []string{"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
			"b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
			"d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
	}
)

func ctTree(t *testing.T) *Tree {
	t.Helper()
	hs := make([]Hash, len(ctLeaves))
	for i, l := range ctLeaves {
		b, err := hex.DecodeString(l)
		require.NoError(t, err)
		hs[i] = LeafHash(b)
	}
	return NewTree(hs)
}

func hashes(t *testing.T, ss []string) []Hash {
	t.Helper()
	out := make([]Hash, len(ss))
	for i, s := range ss {
		h, err := ParseHash(s)
		require.NoError(t, err)
		out[i] = h
	}
	return out
}

func TestReferenceRoots(t *testing.T) {
	tr := ctTree(t)
	assert.Equal(t, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", EmptyRoot().String())
	assert.Equal(t, EmptyRoot(), tr.RootAt(0))
	for i, want := range ctRoots {
		size := uint64(i + 1)
		assert.Equal(t, want, tr.RootAt(size).String(), "RootAt(%d)", size)
		assert.Equal(t, want, Root(tr.levels[0][:size]).String(), "Root of %d leaves", size)
	}
}

func TestReferenceInclusion(t *testing.T) {
	tr := ctTree(t)
	for _, tc := range ctInclusion {
		t.Run(fmt.Sprintf("%d of %d", tc.index, tc.size), func(t *testing.T) {
			want := hashes(t, tc.proof)
			got, err := tr.InclusionProof(tc.index, tc.size)
			require.NoError(t, err)
			assert.Equal(t, want, got)
			root := tr.RootAt(tc.size)
			require.NoError(t, VerifyInclusion(tr.Leaf(tc.index), tc.index, tc.size, want, root))
			for _, p := range corruptInclusion(tc.index, tc.size, want) {
				assert.ErrorIs(t, VerifyInclusion(tr.Leaf(tc.index), p.index, p.size, p.proof, root), ErrProof, p.name)
			}
			assert.ErrorIs(t, VerifyInclusion(LeafHash([]byte("wrong")), tc.index, tc.size, want, root), ErrProof)
			assert.ErrorIs(t, VerifyInclusion(tr.Leaf(tc.index), tc.index, tc.size, want, EmptyRoot()), ErrProof)
		})
	}
}

func TestReferenceConsistency(t *testing.T) {
	tr := ctTree(t)
	for _, tc := range ctConsistency {
		t.Run(fmt.Sprintf("%d to %d", tc.old, tc.size), func(t *testing.T) {
			want := hashes(t, tc.proof)
			got, err := tr.ConsistencyProof(tc.old, tc.size)
			require.NoError(t, err)
			assert.Equal(t, want, got)
			r1, r2 := tr.RootAt(tc.old), tr.RootAt(tc.size)
			require.NoError(t, VerifyConsistency(tc.old, tc.size, r1, r2, want))
			if len(want) == 0 {
				return
			}
			for _, p := range corruptConsistency(tc.old, tc.size, want) {
				assert.ErrorIs(t, VerifyConsistency(p.index, p.size, r1, r2, p.proof), ErrProof, p.name)
			}
			assert.ErrorIs(t, VerifyConsistency(tc.old, tc.size, r2, r1, want), ErrProof, "swapped roots")
			assert.ErrorIs(t, VerifyConsistency(tc.old, tc.size, r1, EmptyRoot(), want), ErrProof, "wrong new root")
		})
	}
}

type probe struct {
	name        string
	index, size uint64
	proof       []Hash
}

// corrupt returns the proof, altered in the ways a forger would try.
func corrupt(index, size uint64, proof []Hash) []probe {
	some := sha256.Sum256([]byte("some hash"))
	ps := []probe{
		{"index-1", index - 1, size, proof},
		{"index+1", index + 1, size, proof},
		{"index^2", index ^ 2, size, proof},
		{"size*2", index, size * 2, proof},
		{"size/2", index, size / 2, proof},
		{"trailing hash", index, size, append(append([]Hash{}, proof...), some)},
		{"preceding hash", index, size, append([]Hash{some}, proof...)},
	}
	for i := range proof {
		p := append([]Hash{}, proof...)
		p[i][0] ^= 8
		ps = append(ps, probe{fmt.Sprintf("bit flipped in proof[%d]", i), index, size, p})
	}
	if len(proof) > 0 {
		ps = append(ps, probe{"last hash removed", index, size, proof[:len(proof)-1]})
	}
	return ps
}

func corruptInclusion(index, size uint64, proof []Hash) []probe {
	return corrupt(index, size, proof)
}

func corruptConsistency(old, size uint64, proof []Hash) []probe {
	ps := corrupt(old, size, proof)
	return append(ps, probe{"empty proof", old, size, nil})
}

// refRoot is RFC 9162's recursive MTH, written from the definition.
func refRoot(leaves []Hash) Hash {
	switch n := len(leaves); n {
	case 0:
		return sha256.Sum256(nil)
	case 1:
		return leaves[0]
	default:
		k := 1
		for 2*k < n {
			k *= 2
		}
		return NodeHash(refRoot(leaves[:k]), refRoot(leaves[k:]))
	}
}

func testLeaves(n int) []Hash {
	hs := make([]Hash, n)
	for i := range hs {
		hs[i] = LeafHash(fmt.Append(nil, i))
	}
	return hs
}

// TestAllSizes checks every proof between every pair of sizes up to 40
// against the recursive definition, and the Append-built tree against
// NewTree.
func TestAllSizes(t *testing.T) {
	const n = 40
	leaves := testLeaves(n)
	tr := NewTree(leaves)
	var grown Tree
	for size := uint64(0); size <= n; size++ {
		if size > 0 {
			grown.Append(leaves[size-1])
		}
		root := refRoot(leaves[:size])
		require.Equal(t, root, tr.RootAt(size), "size %d", size)
		require.Equal(t, root, grown.Root(), "appended, size %d", size)
		for i := uint64(0); i < size; i++ {
			p, err := tr.InclusionProof(i, size)
			require.NoError(t, err)
			require.NoError(t, VerifyInclusion(leaves[i], i, size, p, root), "leaf %d of %d", i, size)
			q, err := grown.InclusionProof(i, size)
			require.NoError(t, err)
			require.Equal(t, p, q)
		}
		for old := uint64(0); old <= size; old++ {
			p, err := tr.ConsistencyProof(old, size)
			require.NoError(t, err)
			require.NoError(t, VerifyConsistency(old, size, tr.RootAt(old), root, p), "%d to %d", old, size)
		}
	}
}

func TestLarge(t *testing.T) {
	// Above the sizes at which Root and NewTree use every core.
	leaves := testLeaves(1<<15 + 3)
	want := refRoot(leaves)
	assert.Equal(t, want, Root(leaves))
	tr := NewTree(leaves)
	assert.Equal(t, want, tr.Root())
	for _, i := range []uint64{0, 1 << 14, 1<<15 - 1, 1 << 15, 1<<15 + 2} {
		p, err := tr.InclusionProof(i, tr.Size())
		require.NoError(t, err)
		assert.NoError(t, VerifyInclusion(leaves[i], i, tr.Size(), p, want))
	}
}

func TestNode(t *testing.T) {
	leaves := testLeaves(11)
	tr := NewTree(leaves)
	for _, tc := range []struct {
		level  int
		index  uint64
		lo, hi int
		ok     bool
	}{
		{0, 10, 10, 11, true},
		{0, 11, 0, 0, false},
		{1, 5, 10, 11, true}, // carried up unpaired
		{2, 2, 8, 11, true},  // incomplete right edge
		{3, 1, 8, 11, true},
		{4, 0, 0, 11, true}, // the root
		{4, 1, 0, 0, false},
		{-1, 0, 0, 0, false},
		{64, 0, 0, 0, false},
		{1, 1 << 62, 0, 0, false},
	} {
		h, ok := tr.Node(tc.level, tc.index)
		require.Equal(t, tc.ok, ok, "level %d index %d", tc.level, tc.index)
		if ok {
			assert.Equal(t, refRoot(leaves[tc.lo:tc.hi]), h, "level %d index %d", tc.level, tc.index)
		}
	}
}

func TestErrors(t *testing.T) {
	tr := NewTree(testLeaves(5))
	_, err := tr.InclusionProof(5, 5)
	assert.ErrorIs(t, err, ErrProof)
	_, err = tr.ConsistencyProof(4, 3)
	assert.ErrorIs(t, err, ErrProof)
	assert.Panics(t, func() { tr.RootAt(6) })
	assert.Panics(t, func() { tr.Leaf(5) })
	assert.Panics(t, func() { LeafHashPrefixed([]byte{1}) })
	assert.Equal(t, LeafHash([]byte("ab")), LeafHashPrefixed([]byte("\x00ab")))

	long := make([]Hash, MaxProofLen+1)
	for _, tc := range []struct {
		name string
		err  error
	}{
		{"size above bound", VerifyInclusion(Hash{}, 0, MaxSize+1, nil, Hash{})},
		{"proof above bound", VerifyInclusion(Hash{}, 0, 1<<40, long, Hash{})},
		{"index = size", VerifyInclusion(Hash{}, 3, 3, nil, Hash{})},
		{"empty tree", VerifyInclusion(Hash{}, 0, 0, nil, EmptyRoot())},
		{"shrank", VerifyConsistency(3, 2, Hash{}, Hash{}, nil)},
		{"same size, two roots", VerifyConsistency(3, 3, Hash{1}, Hash{2}, nil)},
		{"same size, a proof", VerifyConsistency(3, 3, Hash{}, Hash{}, []Hash{{}})},
		{"empty tree, wrong root", VerifyConsistency(0, 3, Hash{}, Hash{}, nil)},
		{"consistency proof above bound", VerifyConsistency(1, 3, Hash{}, Hash{}, long)},
		{"consistency size above bound", VerifyConsistency(1, MaxSize+1, Hash{}, Hash{}, []Hash{{}})},
	} {
		assert.ErrorIs(t, tc.err, ErrProof, tc.name)
	}
	assert.NoError(t, VerifyConsistency(0, 3, EmptyRoot(), Hash{7}, nil))
}

func TestParseHash(t *testing.T) {
	good := "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	h, err := ParseHash(good)
	require.NoError(t, err)
	assert.Equal(t, EmptyRoot(), h)
	for _, bad := range []string{"", good[:63], good + "0", "E3" + good[2:], "g3" + good[2:], " " + good[1:]} {
		_, err := ParseHash(bad)
		assert.ErrorIs(t, err, ErrProof, "%q", bad)
	}
}

// FuzzParseHash: ParseHash never panics and accepts exactly what String
// writes.
func FuzzParseHash(f *testing.F) {
	f.Add("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
	f.Add("E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		h, err := ParseHash(s)
		if err == nil && h.String() != s {
			t.Fatalf("ParseHash(%q) = %s", s, h)
		}
	})
}

// FuzzVerify: the verifiers never panic on any sizes and proof, and accept
// a proof only if it is the one the tree builds (for small trees).
func FuzzVerify(f *testing.F) {
	f.Add(uint64(2), uint64(5), []byte{1, 2, 3})
	f.Add(uint64(6), uint64(8), []byte{})
	f.Add(uint64(1<<40), uint64(1<<40+1), []byte{})
	leaves := testLeaves(64)
	tr := NewTree(leaves)
	f.Fuzz(func(t *testing.T, a, b uint64, raw []byte) {
		var proof []Hash
		for len(raw) > 0 && len(proof) <= MaxProofLen {
			var h Hash
			n := copy(h[:], raw)
			raw = raw[n:]
			proof = append(proof, h)
		}
		small := a < 64 && b <= 64
		if small && a < b {
			want, _ := tr.InclusionProof(a, b)
			err := VerifyInclusion(leaves[a], a, b, proof, tr.RootAt(b))
			if err == nil && !equal(want, proof) {
				t.Fatalf("inclusion %d of %d: forged proof accepted", a, b)
			}
		} else {
			_ = VerifyInclusion(Hash{}, a, b, proof, Hash{})
		}
		if small && a < b && a > 0 {
			want, _ := tr.ConsistencyProof(a, b)
			err := VerifyConsistency(a, b, tr.RootAt(a), tr.RootAt(b), proof)
			if err == nil && !equal(want, proof) {
				t.Fatalf("consistency %d to %d: forged proof accepted", a, b)
			}
		} else {
			_ = VerifyConsistency(a, b, Hash{}, Hash{}, proof)
		}
	})
}

func equal(a, b []Hash) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// BenchmarkNewTree builds the tree of n leaves (n−1 node hashes).
func BenchmarkNewTree(b *testing.B) {
	for _, n := range []int{1e3, 1e6} {
		leaves := testLeaves(n)
		b.Run(fmt.Sprintf("N=1e%d", len(fmt.Sprint(n))-1), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				NewTree(leaves)
			}
		})
	}
}

// BenchmarkInclusionProof proves the last leaf of a tree of n leaves (on
// the incomplete right edge, the costliest case).
func BenchmarkInclusionProof(b *testing.B) {
	for _, n := range []int{1e3, 1e6} {
		tr := NewTree(testLeaves(n))
		b.Run(fmt.Sprintf("N=1e%d", len(fmt.Sprint(n))-1), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := tr.InclusionProof(uint64(n-1), uint64(n)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
