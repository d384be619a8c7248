package schedule

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestUnitProof(t *testing.T) {
	_, _, td := verifyFixture(t, true)
	d := td.d
	var lines [][]byte
	require.NoError(t, d.Proofs(func(l Leaf, p Proof) error {
		b, err := (&UnitProof{Unit: l.ID, Leaf: l, Proof: p}).Marshal()
		lines = append(lines, b)
		return err
	}))
	require.Len(t, lines, 500)
	for _, line := range lines[:20] {
		p, err := ParseUnitProof(line)
		require.NoError(t, err)
		require.NoError(t, d.VerifyUnitProof(p))
	}
	assert.NotContains(t, string(lines[0]), "root", "a proof file carries no root")

	s := string(lines[3])
	for _, tc := range []struct{ name, in string }{
		{"another unit's leaf", strings.Replace(s, `"unit":"U00003"`, `"unit":"U00004"`, 1)},
		{"duplicate key", strings.Replace(s, `"unit":"U00003"`, `"unit":"U00004","unit":"U00003"`, 1)},
		{"unknown level", strings.Replace(s, `"level":"`, `"level":"x`, 1)},
		{"null path", s[:strings.Index(s, `"path":`)] + `"path":null}}` + "\n"},
		{"too long", string(bytes.Repeat([]byte(" "), MaxUnitProofBytes+1))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.NotEqual(t, s, tc.in)
			_, err := ParseUnitProof([]byte(tc.in))
			assert.ErrorIs(t, err, ErrProof)
		})
	}
}

func FuzzParseUnitProof(f *testing.F) {
	f.Add([]byte(`{"unit":"a","leaf":{"id":"a","district":"d","level":"low","pi":0.5,"prn":0.25,"selected":true},"proof":{"index":0,"size":2,"path":["` + strings.Repeat("ab", 32) + `"]}}` + "\n"))
	f.Add([]byte(`{"unit":"a","leaf":{"id":"a","district":"d","level":"low","pi":0.5,"prn":0.25,"selected":true},"proof":{"index":-1,"size":1099511627777,"path":[]}}` + "\n"))
	root := strings.Repeat("00", 32)
	f.Fuzz(func(t *testing.T, in []byte) {
		p, err := ParseUnitProof(in)
		if err != nil {
			return
		}
		out, err := p.Marshal()
		require.NoError(t, err)
		require.Equal(t, in, out, "only canonical bytes are accepted")
		// Checking it never panics, whatever its index, size and path.
		d := &Disclosure{Sealed: true, MerkleRoot: root, UnitCount: p.Proof.Size}
		_ = d.VerifyUnitProof(p)
	})
}
