package schedule

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestAppendMatchesEncodingJSON pins the hashed lines to the same number
// and string forms as the disclosure's encoding/json output.
func TestAppendMatchesEncodingJSON(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	floats := []float64{0, 1, -1, 0.1, 1.0 / 3, 1e-7, 1.5e-9, 2e21, 123456789, 0.05 / 12, math.SmallestNonzeroFloat64, math.MaxFloat64}
	for range 2000 {
		floats = append(floats, math.Ldexp(r.Float64(), r.IntN(200)-100))
	}
	for _, x := range floats {
		want, err := marshalCanonical(x)
		require.NoError(t, err)
		assert.Equal(t, string(want[:len(want)-1]), string(appendFloat(nil, x)), "%v", x)
	}
	for _, s := range []string{"", "plain", `q"uote\`, "tab\tnl\nret\r", "\x01\x1f", "<html>&", "消防安全重点单位", "bad\xffutf8", "\u2028", "\u2029x"} {
		want, err := marshalCanonical(s)
		require.NoError(t, err)
		assert.Equal(t, string(want[:len(want)-1]), string(appendString(nil, s)), "%q", s)
	}
	assert.Panics(t, func() { appendFloat(nil, math.NaN()) })
}

func TestMarshalCanonical(t *testing.T) {
	b, err := marshalCanonical(struct {
		B string  `json:"b"`
		A float64 `json:"a"`
	}{"<&>", 0.1})
	require.NoError(t, err)
	assert.Equal(t, "{\"b\":\"<&>\",\"a\":0.1}\n", string(b))
	_, err = marshalCanonical(math.Inf(1))
	assert.Error(t, err)
}
