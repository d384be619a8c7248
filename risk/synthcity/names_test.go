package synthcity

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// validUSCC checks both check characters of a unified social credit code
// in the form the standards state them: Σ w_i·c_i + c_18 ≡ 0 (mod 31)
// (GB 32100-2015) and, for the organisation code in positions 9–17,
// Σ w_i·c_i + c_9 ≡ 0 (mod 11) with X = 10 (GB 11714-1997).
func validUSCC(id string) bool {
	if len(id) != 18 {
		return false
	}
	sum := 0
	for i := range 18 {
		v := strings.IndexByte(usccChars, id[i])
		if v < 0 {
			return false
		}
		if i < 17 {
			sum += v * usccWeights[i]
		} else {
			sum += v
		}
	}
	if sum%31 != 0 {
		return false
	}
	org := [8]int{3, 7, 9, 10, 5, 8, 4, 2}
	sum = 0
	for i := range 8 {
		c := id[8+i]
		if c < '0' || c > '9' {
			return false
		}
		sum += int(c-'0') * org[i]
	}
	switch c := id[16]; {
	case c == 'X':
		sum += 10
	case c >= '0' && c <= '9':
		sum += int(c - '0')
	default:
		return false
	}
	return sum%11 == 0
}

func TestUSCC(t *testing.T) {
	for _, body := range []uint64{0, 1, 12345678, maxUnits - 1} {
		for _, ind := range []bool{false, true} {
			id := uscc(ind, 330102, body)
			assert.True(t, validUSCC(id), id)
		}
	}
	good := uscc(false, 330102, 4711)
	for _, bad := range []string{good[:17] + "Z", good[:16] + "Y" + good[17:], good[:10] + "5" + good[11:]} {
		if bad != good {
			assert.False(t, validUSCC(bad), "%s: a changed character is caught", bad)
		}
	}
	seen := map[string]bool{}
	for _, u := range Default().Units {
		require.True(t, validUSCC(u.ID), u.ID)
		require.False(t, seen[u.ID])
		seen[u.ID] = true
	}
}

func TestDistrictNames(t *testing.T) {
	names := districtNames(300)
	require.Len(t, names, 300)
	seen := map[string]bool{}
	for _, n := range names {
		require.False(t, seen[n], n)
		seen[n] = true
		require.True(t, strings.HasSuffix(n, "区"), n)
	}
	assert.Equal(t, []string{"上城区", "西湖区", "拱墅区"}, districtNames(3))
	assert.Equal(t, names[:8], districtNames(8), "names do not depend on the count")
}
