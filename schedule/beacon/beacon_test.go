package beacon

import (
	"encoding/hex"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Real quicknet rounds, as served by https://api.drand.sh/<QuicknetHash>/public/<round>.
// Round 1000: quoted in drand timelock test material (the quicknet /public/1000
// document); round 657413: github.com/mcdcam/python-drand-verify README.md
// (a wrapper of github.com/noislabs/drand-verify), with its randomness.
var vectors = []struct {
	round      uint64
	signature  string
	randomness string
}{
	{1000, "b44679b9a59af2ec876b1a6b1ad52ea9b1615fc3982b19576350f93447cb1125e342b73a8dd2bacbe47e4b6b63ed5e39",
		"fe290beca10872ef2fb164d2aa4442de4566183ec51c56ff3cd603d930e54fdd"},
	{657413, "b713718a38ae728dfd477991af2822e08d2f305e47718cef9f7848ce4050e7be41076862b98fad56e91a6b85b89cd97b",
		"fc1873a13f3545aeade8401532ef5519920652eee6b0d2b19ca12643b87b3587"},
}

func TestVerify(t *testing.T) {
	ch := Quicknet()
	for _, v := range vectors {
		sig, err := ParseSignature(v.signature)
		require.NoError(t, err)
		r, err := ch.Verify(v.round, sig)
		require.NoError(t, err, "round %d", v.round)
		assert.Equal(t, v.randomness, hex.EncodeToString(r[:]))
	}
}

func TestVerifyRejects(t *testing.T) {
	ch := Quicknet()
	sig, err := ParseSignature(vectors[0].signature)
	require.NoError(t, err)
	other, err := ParseSignature(vectors[1].signature)
	require.NoError(t, err)
	flip := func(i int, bit byte) []byte {
		b := append([]byte(nil), sig...)
		b[i] ^= bit
		return b
	}
	wrongKey := ch
	wrongKey.PublicKey = "a0b862a7527fee3a731bcb59280ab6abd62d5c0b6ea03dc4ddf6612fdfc9d01f01c31542541771903475eb1ec6615f8d0df0b8b6dce385811d6dcf8cbefb8759e5e616a3dfd054c928940766d9a5b9db91e3b697e5d70a975181e007f"
	badKey := ch
	badKey.PublicKey = ch.PublicKey[:190] + "00"
	chained := ch
	chained.Scheme = "pedersen-bls-chained"
	for _, tc := range []struct {
		name  string
		chain Chain
		round uint64
		sig   []byte
	}{
		{"last bit flipped", ch, 1000, flip(47, 1)},
		{"middle bit flipped", ch, 1000, flip(20, 0x10)},
		{"compression flag flipped", ch, 1000, flip(0, 0x80)},
		{"wrong round", ch, 1001, sig},
		{"another round's signature", ch, 1000, other},
		{"round 0", ch, 0, sig},
		{"short", ch, 1000, sig[:47]},
		{"empty", ch, 1000, nil},
		{"wrong chain's key", wrongKey, 1000, sig},
		{"key not on the curve", badKey, 1000, sig},
		{"chained scheme", chained, 1000, sig},
		{"identity", ch, 1000, append([]byte{0xc0}, make([]byte, 47)...)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.chain.Verify(tc.round, tc.sig)
			assert.ErrorIs(t, err, ErrBeacon)
		})
	}
}

func TestRoundTime(t *testing.T) {
	ch := Quicknet()
	genesis := time.Unix(QuicknetGenesis, 0)
	for _, tc := range []struct {
		t     time.Time
		round uint64
	}{
		{genesis.Add(-time.Second), 0},
		{genesis, 1},
		{genesis.Add(2999 * time.Millisecond), 1},
		{genesis.Add(3 * time.Second), 2},
		{genesis.Add(2997 * time.Second), 1000},
	} {
		assert.Equal(t, tc.round, ch.RoundAt(tc.t), "%v", tc.t)
	}
	for _, r := range []uint64{1, 2, 1000, 657413, 1 << 32} {
		assert.Equal(t, r, ch.RoundAt(ch.TimeOf(r)))
	}
	assert.Equal(t, "2023-08-23T15:59:24Z", ch.TimeOf(1000).Format(time.RFC3339))
	assert.Panics(t, func() { Chain{}.RoundAt(genesis) })
}

func TestParseSignature(t *testing.T) {
	s := vectors[0].signature
	for _, bad := range []string{"", s[:94], s + "00", "B4" + s[2:], "zz" + s[2:]} {
		_, err := ParseSignature(bad)
		assert.ErrorIs(t, err, ErrBeacon, "%q", bad)
	}
}

// FuzzVerify: Verify never panics on any signature bytes, and accepts none
// but the real one for round 1000.
func FuzzVerify(f *testing.F) {
	sig, _ := hex.DecodeString(vectors[0].signature)
	f.Add(uint64(1000), sig[:47])
	f.Add(uint64(1001), sig)
	f.Add(uint64(1), make([]byte, 48))
	ch := Quicknet()
	f.Fuzz(func(t *testing.T, round uint64, s []byte) {
		if _, err := ch.Verify(round, s); err == nil && !(round == 1000 && string(s) == string(sig)) {
			t.Fatalf("round %d signature %x verifies", round, s)
		}
	})
}

// BenchmarkVerify verifies one quicknet round (two pairings).
func BenchmarkVerify(b *testing.B) {
	ch := Quicknet()
	sig, _ := hex.DecodeString(vectors[0].signature)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ch.Verify(1000, sig); err != nil {
			b.Fatal(err)
		}
	}
}
