package protocol_test

import (
	"crypto/rand"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/firedraw/firedraw/schedule/protocol"
)

// The vectors below were computed with Python's hashlib from the
// construction in the package doc, independently of this code:
//
//	hashlib.sha256(b"firedraw/seed/v1\0" + mh.encode() + b"".join(p.encode() + b"\0" +
//	    (s or "defaulted").encode() + b"\0" for p, s in parties) + beacon.encode() + b"\0" + dice.encode())
func TestDeriveSeedVector(t *testing.T) {
	in := protocol.SeedInputs{
		Manifest: hexOf("ab"),
		Parties: []protocol.Contribution{
			{Party: "fire-service", Secret: hexOf("11")},
			{Party: "market-regulator"}, // defaulted
			{Party: "notary", Secret: hexOf("33")},
		},
		Beacon: hexOf("cd"),
		Dice:   "31415926535897932384",
	}
	seed, err := protocol.DeriveSeed(in)
	require.NoError(t, err)
	assert.Equal(t, "8a3ff34908d4637914abf515dae22a95985976708a1c1eab202e71659683967f", seed.String())

	c, err := protocol.Commit(hexOf("ab"), "notary", hexOf("33"))
	require.NoError(t, err)
	assert.Equal(t, "faa7385ee9bf939d550bb689421d9e6553abea307d0cc607d4b68f2ccd2a50d9", c)
}

func TestDeriveSeedInputs(t *testing.T) {
	base := protocol.SeedInputs{Manifest: hexOf("ab"), Parties: []protocol.Contribution{{Party: "a", Secret: hexOf("11")}, {Party: "b"}}}
	s0, err := protocol.DeriveSeed(base)
	require.NoError(t, err)
	for _, tc := range []struct {
		name string
		edit func(in *protocol.SeedInputs)
	}{
		{"manifest", func(in *protocol.SeedInputs) { in.Manifest = hexOf("ac") }},
		{"secret", func(in *protocol.SeedInputs) { in.Parties[0].Secret = hexOf("12") }},
		{"reveal instead of default", func(in *protocol.SeedInputs) { in.Parties[1].Secret = hexOf("22") }},
		{"party order", func(in *protocol.SeedInputs) { in.Parties[0], in.Parties[1] = in.Parties[1], in.Parties[0] }},
		{"beacon", func(in *protocol.SeedInputs) { in.Beacon = hexOf("cd") }},
		{"dice", func(in *protocol.SeedInputs) { in.Dice = strings.Repeat("7", 20) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := base
			in.Parties = append([]protocol.Contribution(nil), base.Parties...)
			tc.edit(&in)
			s, err := protocol.DeriveSeed(in)
			require.NoError(t, err)
			assert.NotEqual(t, s0, s)
		})
	}
	for _, tc := range []struct {
		name string
		edit func(in *protocol.SeedInputs)
	}{
		{"no party", func(in *protocol.SeedInputs) { in.Parties = nil }},
		{"short secret", func(in *protocol.SeedInputs) { in.Parties[0].Secret = "11" }},
		{"upper-case secret", func(in *protocol.SeedInputs) { in.Parties[0].Secret = strings.Repeat("AB", 32) }},
		{"manifest hash", func(in *protocol.SeedInputs) { in.Manifest = "ab" }},
		{"beacon", func(in *protocol.SeedInputs) { in.Beacon = "cd" }},
		{"dice letters", func(in *protocol.SeedInputs) { in.Dice = strings.Repeat("x", 20) }},
		{"dice short", func(in *protocol.SeedInputs) { in.Dice = "123" }},
		{"party NUL", func(in *protocol.SeedInputs) { in.Parties[1].Party = "b\x00" }},
	} {
		t.Run("refuses "+tc.name, func(t *testing.T) {
			in := base
			in.Parties = append([]protocol.Contribution(nil), base.Parties...)
			tc.edit(&in)
			_, err := protocol.DeriveSeed(in)
			require.ErrorIs(t, err, protocol.ErrContribution)
		})
	}
}

func TestCommitReveal(t *testing.T) {
	secret, err := protocol.NewSecret(rand.Reader)
	require.NoError(t, err)
	require.NoError(t, protocol.CheckSecret(secret))
	c, err := protocol.Commit(hexOf("ab"), "notary", secret)
	require.NoError(t, err)
	require.NoError(t, protocol.CheckReveal(hexOf("ab"), "notary", secret, c))
	other, err := protocol.NewSecret(rand.Reader)
	require.NoError(t, err)
	err = protocol.CheckReveal(hexOf("ab"), "notary", other, c)
	require.ErrorIs(t, err, protocol.ErrContribution)
	assert.Contains(t, err.Error(), `"notary"`)
	require.ErrorIs(t, protocol.CheckReveal(hexOf("ac"), "notary", secret, c), protocol.ErrContribution, "bound to the manifest")
	require.ErrorIs(t, protocol.CheckReveal(hexOf("ab"), "fire-service", secret, c), protocol.ErrContribution, "bound to the party")
}

func ExampleDeriveSeed() {
	seed, _ := protocol.DeriveSeed(protocol.SeedInputs{
		Manifest: strings.Repeat("ab", 32),
		Parties: []protocol.Contribution{
			{Party: "fire-service", Secret: strings.Repeat("11", 32)},
			{Party: "market-regulator"}, // did not reveal: "defaulted"
			{Party: "notary", Secret: strings.Repeat("33", 32)},
		},
		Beacon: strings.Repeat("cd", 32),
		Dice:   "31415926535897932384",
	})
	fmt.Println(seed)
	// Output: 8a3ff34908d4637914abf515dae22a95985976708a1c1eab202e71659683967f
}
