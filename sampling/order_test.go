package sampling

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestPRNOrderSorts(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{0, 1, 2, 17, 1000, 100_000} {
		ids := testIDs(n)
		u := make([]float64, n)
		for i := range u {
			u[i] = toUnit(r.Uint64())
			if i%50 == 49 {
				u[i] = u[i-1] // ties, broken by ID
			}
		}
		idx := make([]int32, n)
		for i := range idx {
			idx[i] = int32(n - 1 - i)
		}
		want := slices.Clone(idx)
		slices.SortFunc(want, func(a, b int32) int {
			if lessPRN(a, b, u, ids) {
				return -1
			}
			if lessPRN(b, a, u, ids) {
				return 1
			}
			return 0
		})
		got := prnOrder(u, ids, idx)
		assert.Equal(t, want, got, "n=%d", n)
	}
}

func TestNeumaier(t *testing.T) {
	var k neumaier
	k.add(1e16)
	k.add(1)
	k.add(-1e16)
	assert.Equal(t, 1.0, k.value())
}
