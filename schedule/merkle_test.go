package schedule

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/firedraw/firedraw/risk"
	"github.com/firedraw/firedraw/schedule/merkle"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// refRoot is RFC 9162's recursive MTH definition, written independently.
func refRoot(leaves [][]byte) hash {
	n := len(leaves)
	if n == 0 {
		return sha256.Sum256(nil)
	}
	if n == 1 {
		return sha256.Sum256(append([]byte{0}, leaves[0]...))
	}
	k := 1
	for k*2 < n {
		k *= 2
	}
	l, r := refRoot(leaves[:k]), refRoot(leaves[k:])
	return sha256.Sum256(append(append([]byte{1}, l[:]...), r[:]...))
}

func TestMerkle(t *testing.T) {
	for _, n := range []int{0, 1, 2, 3, 4, 5, 7, 8, 9, 31, 100} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			raw := make([][]byte, n)
			leaves := make([]Leaf, n)
			hs := make([]hash, n)
			for i := range raw {
				leaves[i] = Leaf{ID: fmt.Sprintf("u%03d", i), Pi: 0.25, PRN: float64(i+1) / float64(n+2), Selected: i%3 == 0}
				raw[i] = leaves[i].appendCanonical(nil)
				hs[i] = leafHash(raw[i])
			}
			root := merkleRoot(hs)
			assert.Equal(t, refRoot(raw), root)
			rootHex := hex.EncodeToString(root[:])
			for i := range leaves {
				path := merklePath(i, hs)
				p := Proof{Index: i, Size: n}
				for _, h := range path {
					p.Path = append(p.Path, hex.EncodeToString(h[:]))
				}
				require.NoError(t, VerifyProof(rootHex, n, leaves[i], p), "leaf %d", i)
				bad := leaves[i]
				bad.Selected = !bad.Selected
				assert.ErrorIs(t, VerifyProof(rootHex, n, bad, p), ErrProof)
				if n > 1 {
					wrong := p
					wrong.Index = (i + 1) % n
					assert.ErrorIs(t, VerifyProof(rootHex, n, leaves[i], wrong), ErrProof)
				}
			}
		})
	}
}

func TestMerkleLarge(t *testing.T) {
	// Above the parallel threshold the two cores must agree with the
	// sequential definition.
	n := 1<<15 + 3
	raw := make([][]byte, n)
	hs := make([]hash, n)
	for i := range raw {
		raw[i] = []byte(fmt.Sprint(i))
		hs[i] = leafHash(raw[i])
	}
	assert.Equal(t, refRoot(raw), merkleRoot(hs))
}

func TestVerifyProofErrors(t *testing.T) {
	l := Leaf{ID: "a"}
	root := hex.EncodeToString(make([]byte, 32))
	for _, tc := range []struct {
		name  string
		root  string
		units int
		p     Proof
	}{
		{"bad root", "zz", 1, Proof{Index: 0, Size: 1}},
		{"index", root, 1, Proof{Index: 1, Size: 1}},
		{"negative index", root, 1, Proof{Index: -1, Size: 1}},
		{"bad step", root, 2, Proof{Index: 0, Size: 2, Path: []string{"x"}}},
		{"too long", root, 1, Proof{Index: 0, Size: 1, Path: []string{root}}},
		{"path over 64", root, 2, Proof{Index: 0, Size: 2, Path: make([]string, 65)}},
		{"size not the draw's", root, 3, Proof{Index: 0, Size: 1}},
		{"wrong root", root, 1, Proof{Index: 0, Size: 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.ErrorIs(t, VerifyProof(tc.root, tc.units, l, tc.p), ErrProof)
		})
	}
}

// TestSealed: a sealed disclosure publishes no leaf; every unit gets a
// proof of its own leaf against the published root; an auditor with the
// directory verifies the whole draw.
func TestSealed(t *testing.T) {
	f, p, td := verifyFixture(t, true)
	d, err := ParseDisclosure(td.bytes)
	require.NoError(t, err)
	assert.Empty(t, d.Units)
	assert.Empty(t, d.Strata, "stratum keys name levels")
	for _, tk := range d.Tasks {
		require.Zero(t, tk.Pi, "a drawn unit's π reveals its level")
	}
	_, _, err = d.Proof("U00001")
	assert.ErrorIs(t, err, ErrProof, "a parsed disclosure has no leaves")
	_, err = VerifyPublic(td.published())
	require.NoError(t, err, "the public checks every drawn unit's PRN")
	r, err := Verify(td.published(), f, p)
	require.NoError(t, err)
	d = r.Disclosure
	for _, u := range f.Units()[:50] {
		leaf, proof, err := d.Proof(u.ID)
		require.NoError(t, err)
		assert.Equal(t, u.ID, leaf.ID)
		assert.Equal(t, u.Level, leaf.Level)
		require.NoError(t, VerifyProof(d.MerkleRoot, d.UnitCount, leaf, proof))
	}
	_, _, err = d.Proof("nobody")
	assert.ErrorIs(t, err, ErrProof)

	for _, tc := range []struct {
		name   string
		tamper func(d *Disclosure)
		want   string
	}{
		{"publish a leaf", func(d *Disclosure) { d.Units = []Leaf{{ID: "U00000", LevelStr: "low"}} }, "sealed disclosure publishes 1 unit leaves"},
		{"publish a π", func(d *Disclosure) { d.Tasks[0].Pi = 0.25 }, "which reveals its level"},
		{"publish strata", func(d *Disclosure) { d.Strata = []StratumCount{{Key: "high/D1"}} }, "and 1 strata"},
		{"change the root", func(d *Disclosure) { d.MerkleRoot = d.MerkleRoot[1:] + "0" }, "Merkle root"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			td := *td
			d, err := ParseDisclosure(td.bytes)
			require.NoError(t, err)
			tc.tamper(d)
			td.republish(t, d)
			diffs, err := verifyDiffs(&td, f, p)
			assert.ErrorIs(t, err, ErrVerify)
			assert.Contains(t, strings.Join(diffs, "; "), tc.want)
		})
	}

	// Open disclosures publish every leaf and have no proofs.
	_, _, open := verifyFixture(t, false)
	r, err = Verify(open.published(), f, p)
	require.NoError(t, err)
	_, _, err = r.Disclosure.Proof("U00001")
	assert.ErrorIs(t, err, ErrProof)
}

// sealedDisclosure is a planner's sealed disclosure of n synthetic leaves,
// built without a draw.
func sealedDisclosure(n int) *Disclosure {
	d := &Disclosure{Sealed: true, UnitCount: n, all: make([]Leaf, n), leaves: make([]hash, n)}
	for i := range d.all {
		lv := risk.Level(i % int(risk.NumLevels))
		d.all[i] = Leaf{ID: fmt.Sprintf("u%07d", i), District: fmt.Sprintf("D%d", i%3), Level: lv, LevelStr: lv.String(),
			Pi: 0.5 / float64(i%7+1), PRN: float64(i+1) / float64(n+2), Selected: i%5 == 0}
		d.leaves[i] = leafHash(d.all[i].appendCanonical(nil))
	}
	root := merkleRoot(d.leaves)
	d.MerkleRoot = hex.EncodeToString(root[:])
	return d
}

// checkProofs asserts that Proofs hands out, in leaf order, exactly what
// Proof returns for every unit, and that every proof verifies.
func checkProofs(t *testing.T, d *Disclosure) {
	t.Helper()
	i := 0
	require.NoError(t, d.Proofs(func(leaf Leaf, p Proof) error {
		wantLeaf, wantProof, err := d.Proof(d.all[i].ID)
		require.NoError(t, err)
		assert.Equal(t, wantLeaf, leaf, "leaf %d", i)
		assert.Equal(t, wantProof, p, "proof of leaf %d", i)
		assert.NoError(t, VerifyProof(d.MerkleRoot, d.UnitCount, leaf, p), "leaf %d", i)
		i++
		return nil
	}))
	assert.Equal(t, len(d.all), i, "one call per leaf")
}

func TestProofs(t *testing.T) {
	for _, n := range []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 16, 17, 31, 33, 100, 255, 256, 257, 300} {
		t.Run(fmt.Sprint(n), func(t *testing.T) { checkProofs(t, sealedDisclosure(n)) })
	}
	t.Run("planned", func(t *testing.T) {
		// A real sealed draw of 500 units, its leaves filled by Verify.
		f, p, td := verifyFixture(t, true)
		r, err := Verify(td.published(), f, p)
		require.NoError(t, err)
		d := r.Disclosure
		require.Len(t, d.Leaves(), 500)
		checkProofs(t, d)
	})
	t.Run("parallel levels", func(t *testing.T) {
		// Above the size at which levels are hashed on every core: the
		// root and a sample of the proofs must not change. (Proof costs
		// O(n) a unit: checking them all would take O(n²).)
		d := sealedDisclosure(1<<15 + 5)
		assert.Equal(t, merkleRoot(d.leaves), merkle.NewTree(d.leaves).Root())
		sample := map[int]bool{0: true, 1: true, 1 << 14: true, 1<<15 - 1: true, 1 << 15: true, 1<<15 + 4: true}
		i := 0
		require.NoError(t, d.Proofs(func(leaf Leaf, p Proof) error {
			if sample[i] {
				wantLeaf, wantProof, err := d.Proof(d.all[i].ID)
				require.NoError(t, err)
				assert.Equal(t, wantLeaf, leaf, "leaf %d", i)
				assert.Equal(t, wantProof, p, "proof of leaf %d", i)
			}
			i++
			return nil
		}))
		assert.Equal(t, len(d.all), i)
	})
}

func TestProofsErrors(t *testing.T) {
	_, _, open := verifyFixture(t, false)
	o, err := ParseDisclosure(open.bytes)
	require.NoError(t, err)
	_, _, sealed := verifyFixture(t, true)
	parsed, err := ParseDisclosure(sealed.bytes)
	require.NoError(t, err)
	for _, tc := range []struct {
		name string
		d    *Disclosure
	}{
		{"open", o},
		{"parsed sealed", parsed},
		{"empty", sealedDisclosure(0)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, want := tc.d.Proof("u0000001")
			require.ErrorIs(t, want, ErrProof)
			called := false
			err := tc.d.Proofs(func(Leaf, Proof) error { called = true; return nil })
			assert.ErrorIs(t, err, ErrProof)
			assert.Equal(t, want.Error(), err.Error(), "the error Proof gives")
			assert.False(t, called)
		})
	}
	t.Run("fn error stops", func(t *testing.T) {
		stop := errors.New("stop")
		calls := 0
		err := sealedDisclosure(20).Proofs(func(Leaf, Proof) error {
			calls++
			if calls == 3 {
				return stop
			}
			return nil
		})
		assert.Equal(t, stop, err)
		assert.Equal(t, 3, calls)
	})
}

// BenchmarkProofs: every unit's proof from one tree. On 2 shared cores,
// units=1e5 takes about 0.17 s and 147 MB (the 100,000 proofs' paths),
// where one call of Proof at that size takes about 20 ms (it recomputes
// the subtree roots), so 1e5 calls would take about 2,000 s.
func BenchmarkProofs(b *testing.B) {
	for _, bc := range []struct {
		name string
		n    int
	}{{"units=1e3", 1e3}, {"units=1e5", 1e5}} {
		d := sealedDisclosure(bc.n)
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				steps := 0
				if err := d.Proofs(func(_ Leaf, p Proof) error { steps += len(p.Path); return nil }); err != nil {
					b.Fatal(err)
				}
				if steps == 0 {
					b.Fatal("no proof steps")
				}
			}
		})
	}
}
