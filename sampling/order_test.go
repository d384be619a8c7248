package sampling

import (
	"math"
	"math/big"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
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

// TestSortBucketSizes checks sortBucket against a comparison sort on
// buckets of every regime: insertion sort alone, one counting pass, and
// two passes (buckets above 2^12 units, as in frames above a million), with
// clustered keys, ties in the key broken by u and ties in u broken by ID.
func TestSortBucketSizes(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, m := range []int{2, 16, 17, 4095, 4096, 4097, 40_000, 70_000} {
		ids := testIDs(m)
		slices.Reverse(ids)
		u := make([]float64, m)
		recs := make([]ordRec, m)
		for i := range recs {
			x := r.Uint64()
			if i%7 == 0 {
				x &^= 1<<60 - 1 // clustered in a few sub-buckets
			}
			u[i] = toUnit(x)
			if i%50 == 49 {
				u[i] = u[i-1]
			}
			recs[i] = ordRec{pi: float64(i), key: uint32(prnBits(u[i]) >> (52 - prnBucketBits - 32)), i: int32(i)}
			if i%31 == 30 {
				// Same key, different u below the key's bits.
				u[i] = u[i-1] + 0x1p-52
				recs[i].key = recs[i-1].key
			}
		}
		want := slices.Clone(recs)
		slices.SortStableFunc(want, func(a, b ordRec) int {
			if lessOrd(&a, &b, u, ids) {
				return -1
			}
			if lessOrd(&b, &a, u, ids) {
				return 1
			}
			return 0
		})
		var sb sortBuf
		first, second := sb.sortBucket(recs, u, ids)
		require.Equal(t, want, recs, "m=%d", m)
		require.Equal(t, [2]int{-1, -1}, [2]int{first, second}, "m=%d", m)
		// A duplicate ID: same PRN, same ID, anywhere in the bucket.
		if m >= 4 {
			ids[m/3] = ids[m/2]
			u[m/3] = u[m/2]
			for j := range recs {
				if recs[j].i == int32(m/3) {
					recs[j].key = uint32(prnBits(u[m/2]) >> (52 - prnBucketBits - 32))
				}
			}
			r.Shuffle(m, func(i, j int) { recs[i], recs[j] = recs[j], recs[i] })
			first, second = sb.sortBucket(recs, u, ids)
			require.Equal(t, [2]int{m / 3, m / 2}, [2]int{first, second}, "m=%d", m)
		}
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
