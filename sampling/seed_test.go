package sampling

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSeedRoundTrip(t *testing.T) {
	var src [32]byte
	for i := range src {
		src[i] = byte(i)
	}
	s, err := NewSeed(bytes.NewReader(src[:]))
	require.NoError(t, err)
	assert.Equal(t, "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f", s.String())
	back, err := ParseSeed(s.String())
	require.NoError(t, err)
	assert.Equal(t, s, back)
	upper, err := ParseSeed(strings.ToUpper(s.String()))
	require.NoError(t, err)
	assert.Equal(t, s, upper)

	d := sha256.Sum256(src[:])
	assert.Equal(t, hex.EncodeToString(d[:]), s.Commitment())
	// SHA-256 of 32 zero bytes, a published constant.
	assert.Equal(t, "66687aadf862bd776c8fc18b8e9f8e20089714856ee233b3902a591d0d5f2925", Seed{}.Commitment())
}

func TestSeedErrors(t *testing.T) {
	_, err := NewSeed(bytes.NewReader(make([]byte, 31)))
	assert.True(t, errors.Is(err, io.ErrUnexpectedEOF), "short reader: %v", err)
	_, err = NewSeed(nil)
	assert.Error(t, err)
	for _, tc := range []struct{ name, in string }{
		{"empty", ""},
		{"short", strings.Repeat("a", 63)},
		{"long", strings.Repeat("a", 65)},
		{"non-hex", strings.Repeat("g", 64)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseSeed(tc.in)
			assert.Error(t, err)
		})
	}
}
