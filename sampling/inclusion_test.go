package sampling

import (
	"cmp"
	"encoding/csv"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestInclusionProbabilitiesR compares with R's
// sampling::inclusionprobabilities on the vectors written by
// examples/peers/inclusion_golden.R (R is not needed to run this test).
// Tolerance: 1e-12 relative, the contract; both sides round differently
// (R rescales iteratively and sums in long double).
func TestInclusionProbabilitiesR(t *testing.T) {
	files, err := filepath.Glob(goldenPath("inclusion_*.csv"))
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(files), 7)
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			n, w, want := readInclusionGolden(t, f)
			got, err := InclusionProbabilities(w, n)
			require.NoError(t, err)
			var sum float64
			for i := range w {
				if want[i] == 0 {
					assert.Zerof(t, got[i], "unit %d", i)
				} else {
					assert.InEpsilonf(t, want[i], got[i], 1e-12, "unit %d", i)
				}
				sum += got[i]
			}
			assert.InDelta(t, n, sum, 1e-9*n)
		})
	}
}

func readInclusionGolden(t *testing.T, path string) (n float64, w, pi []float64) {
	t.Helper()
	fh, err := os.Open(path)
	require.NoError(t, err)
	defer fh.Close()
	rows, err := csv.NewReader(fh).ReadAll()
	require.NoError(t, err)
	require.Equal(t, []string{"n", "w", "pi"}, rows[0])
	for _, r := range rows[1:] {
		var v [3]float64
		for j := range v {
			v[j], err = strconv.ParseFloat(r[j], 64)
			require.NoError(t, err)
		}
		n = v[0]
		w = append(w, v[1])
		pi = append(pi, v[2])
	}
	return n, w, pi
}

// naiveInclusion is the iteration of Tillé 2006 (Algorithm 2.1) as R codes
// it, one full pass per round.
func naiveInclusion(w []float64, n float64) []float64 {
	pi := make([]float64, len(w))
	var s float64
	for _, x := range w {
		s += x
	}
	for i, x := range w {
		pi[i] = n * x / s
	}
	for {
		capped, rest := 0, 0.0
		for _, p := range pi {
			if p >= 1 {
				capped++
			} else {
				rest += p
			}
		}
		changed := false
		for i, p := range pi {
			if p >= 1 {
				if p != 1 {
					changed = true
				}
				pi[i] = 1
			} else {
				pi[i] = p / rest * (n - float64(capped))
				if pi[i] >= 1 {
					changed = true
				}
			}
		}
		if !changed {
			return pi
		}
	}
}

func TestInclusionProbabilitiesMatchesIteration(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for trial := range 200 {
		N := 1 + r.IntN(300)
		w := make([]float64, N)
		pos := 0
		for i := range w {
			switch r.IntN(10) {
			case 0:
				w[i] = 0
			case 1:
				w[i] = float64(1 + r.IntN(3)) // ties
			default:
				w[i] = math.Exp(2 * r.NormFloat64())
			}
			if w[i] > 0 {
				pos++
			}
		}
		if pos == 0 {
			continue
		}
		n := 1 + r.Float64()*float64(pos-1)
		if r.IntN(2) == 0 {
			n = math.Floor(n)
		}
		got, err := InclusionProbabilities(w, n)
		require.NoError(t, err)
		want := naiveInclusion(w, n)
		for i := range w {
			require.InDeltaf(t, want[i], got[i], 1e-12*math.Max(want[i], 1e-300)+1e-300, "trial %d unit %d (w=%v n=%v)", trial, i, w[i], n)
		}
	}
}

func TestInclusionProbabilitiesErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		w    []float64
		n    float64
		err  error
		text string
	}{
		{"NaN", []float64{1, math.NaN(), 2}, 1, ErrBadWeight, "sampling: unit 1: weight NaN: bad weight"},
		{"+Inf", []float64{1, 2, math.Inf(1)}, 1, ErrBadWeight, "unit 2: weight +Inf"},
		{"-Inf", []float64{math.Inf(-1)}, 1, ErrBadWeight, "unit 0: weight -Inf"},
		{"negative", []float64{1, -0.5}, 1, ErrBadWeight, "unit 1: weight -0.5"},
		{"all zero", []float64{0, 0}, 1, ErrBadWeight, "all 2 weights are zero"},
		{"empty", nil, 1, ErrEmptyFrame, ""},
		{"n zero", []float64{1, 2}, 0, ErrBadSize, ""},
		{"n negative", []float64{1, 2}, -1, ErrBadSize, ""},
		{"n NaN", []float64{1, 2}, math.NaN(), ErrBadSize, ""},
		{"n too big", []float64{1, 2, 0}, 2.5, ErrBadSize, "exceeds the 2 units"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := InclusionProbabilities(tc.w, tc.n)
			require.Error(t, err)
			assert.True(t, errors.Is(err, tc.err), "%v", err)
			assert.Contains(t, err.Error(), tc.text)
		})
	}
}

func TestInclusionProbabilitiesDoesNotModify(t *testing.T) {
	w := []float64{5, 1, 100, 2}
	_, err := InclusionProbabilities(w, 2)
	require.NoError(t, err)
	assert.Equal(t, []float64{5, 1, 100, 2}, w)
}

func TestLargest(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 5))
	for _, tc := range []struct {
		name string
		gen  func(i int) float64
	}{
		{"random", func(int) float64 { return r.Float64() }},
		{"ascending", func(i int) float64 { return float64(i) }},
		{"descending", func(i int) float64 { return float64(-i) }},
		{"few values", func(int) float64 { return float64(r.IntN(3)) }},
		{"constant", func(int) float64 { return 7 }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, k := range []int{1, 5, 100, 999, 1000, 1500} {
				x := make([]float64, 1000)
				for i := range x {
					x[i] = tc.gen(i)
				}
				want := slices.Clone(x)
				slices.SortFunc(want, func(a, b float64) int { return cmp.Compare(b, a) })
				got := slices.Clone(largest(x, k))
				slices.SortFunc(got, func(a, b float64) int { return cmp.Compare(b, a) })
				assert.Equal(t, want[:min(k, len(want))], got, "k=%d", k)
			}
		})
	}
}

// TestInclusionProbabilitiesManyCandidates exercises the buffer cuts of the
// first pass (N ≫ m) on ascending input, the worst case for a threshold.
func TestInclusionProbabilitiesManyCandidates(t *testing.T) {
	w := make([]float64, 200_000)
	for i := range w {
		w[i] = float64(i + 1)
	}
	w[len(w)-1] = 1e12 // capped
	got, err := InclusionProbabilities(w, 50)
	require.NoError(t, err)
	want := naiveInclusion(w, 50)
	for i := range w {
		require.InEpsilon(t, want[i], got[i], 1e-12, "unit %d", i)
	}
}
