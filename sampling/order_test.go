package sampling

import (
	"math"
	"math/big"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestPRNSortSorts(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{0, 1, 2, 17, 1000, 100_000} {
		ids := testIDs(n)
		u := make([]float64, n)
		pi := make([]float64, n)
		for i := range u {
			u[i] = toUnit(r.Uint64())
			if i%50 == 49 {
				u[i] = u[i-1] // ties, broken by ID
			}
			pi[i] = float64(i)
		}
		// Reverse the frame so ID order and index order disagree.
		slices.Reverse(ids)
		want := make([]int32, n)
		for i := range want {
			want[i] = int32(i)
		}
		slices.SortFunc(want, func(a, b int32) int {
			switch {
			case u[a] < u[b]:
				return -1
			case u[a] > u[b]:
				return 1
			case ids[a] < ids[b]:
				return -1
			case ids[a] > ids[b]:
				return 1
			}
			return 0
		})
		recs := prnSort(u, pi, ids)
		got := make([]int32, n)
		for j, rec := range recs {
			got[j] = rec.i
			assert.Equal(t, u[rec.i], rec.u)
			assert.Equal(t, pi[rec.i], rec.pi)
		}
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

func TestExactSumOrderIndependent(t *testing.T) {
	r := rand.New(rand.NewPCG(8, 8))
	x := make([]float64, 10_000)
	for i := range x {
		x[i] = math.Exp(10 * r.NormFloat64())
	}
	x[0], x[1], x[2] = 0, 5e-324, math.MaxFloat64/1e6
	var a exactSum
	for _, v := range x {
		a.add(v)
	}
	want := a.value()
	// The exact total, by big.Float at full precision.
	acc := new(big.Float).SetPrec(2400)
	for _, v := range x {
		acc.Add(acc, new(big.Float).SetFloat64(v))
	}
	exact, _ := acc.Float64()
	assert.Equal(t, exact, want)
	for range 5 {
		r.Shuffle(len(x), func(i, j int) { x[i], x[j] = x[j], x[i] })
		var b, c exactSum
		for i, v := range x {
			if i%2 == 0 {
				b.add(v)
			} else {
				c.add(v)
			}
		}
		b.merge(&c)
		assert.Equal(t, want, b.value())
	}
	var z exactSum
	assert.Equal(t, 0.0, z.value())
	z.add(0.1)
	z.add(0.2)
	assert.Equal(t, 0.30000000000000004, z.value()) // the rounded exact sum of the two doubles
}
