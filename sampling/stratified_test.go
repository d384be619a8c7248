package sampling

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// stratFrame has strata "A" (100 units), "B" (60) and "C" (40) with
// lognormal weights.
func stratFrame() (ids, keys []string, w []float64) {
	r := rand.New(rand.NewPCG(9, 9))
	for i := range 200 {
		ids = append(ids, fmt.Sprintf("u%03d", i))
		switch {
		case i < 100:
			keys = append(keys, "A")
		case i < 160:
			keys = append(keys, "B")
		default:
			keys = append(keys, "C")
		}
		w = append(w, math.Exp(r.NormFloat64()))
	}
	return ids, keys, w
}

func sizesOf(s *StratifiedSample) map[string]int {
	m := map[string]int{}
	for _, h := range s.Strata {
		m[h.Key] = h.Size
	}
	return m
}

func TestStratifiedAllocations(t *testing.T) {
	ids, keys, w := stratFrame()
	for _, tc := range []struct {
		name string
		st   Stratified
		want map[string]int
	}{
		{"proportional", Stratified{N: 20}, map[string]int{"A": 10, "B": 6, "C": 4}},
		// 50·(100, 60, 40)/200 = 25, 15, 10.
		{"proportional rounding", Stratified{N: 21}, map[string]int{"A": 11, "B": 6, "C": 4}},
		// Neyman: N_h·S_h = 100, 180, 120 → 40·(0.25, 0.45, 0.30).
		{"neyman", Stratified{Allocation: Neyman, N: 40, Strata: map[string]Stratum{
			"A": {SD: 1}, "B": {SD: 3}, "C": {SD: 3}}}, map[string]int{"A": 10, "B": 18, "C": 12}},
		// C at least 8; the other 12 split 100:60.
		{"min", Stratified{N: 20, Strata: map[string]Stratum{"C": {Min: 8}}}, map[string]int{"A": 8, "B": 4, "C": 8}},
		// A at most 5; the other 15 split 60:40.
		{"max", Stratified{N: 20, Strata: map[string]Stratum{"A": {Max: 5}}}, map[string]int{"A": 5, "B": 9, "C": 6}},
		{"fixed", Stratified{Allocation: FixedCount, Default: Stratum{Count: 3}, Strata: map[string]Stratum{"B": {Count: 7, Design: Pareto}}},
			map[string]int{"A": 3, "B": 7, "C": 3}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := tc.st.Select(ids, keys, w, testSeed(1), "strat")
			require.NoError(t, err)
			assert.Equal(t, tc.want, sizesOf(s))
			total := 0
			for _, n := range tc.want {
				total += n
			}
			assert.Equal(t, total, s.Size)
			assert.Len(t, s.Selected, len(ids))
			for _, h := range s.Strata {
				assert.InDelta(t, float64(h.Size), h.Target, 1e-9, "stratum %s: fixed-size designs hit Σπ", h.Key)
			}
		})
	}
}

func TestStratifiedBySum(t *testing.T) {
	ids, keys, _ := stratFrame()
	pi := make([]float64, len(ids))
	for i := range pi {
		pi[i] = 0.1
		if keys[i] == "C" {
			pi[i] = 0.25 // Σ = 10
		}
	}
	s, err := Stratified{Allocation: BySum}.Select(ids, keys, pi, testSeed(2), "sum")
	require.NoError(t, err)
	assert.Equal(t, map[string]int{"A": 10, "B": 6, "C": 10}, sizesOf(s))
	assert.Equal(t, pi, s.Pi)

	pi[5] = 1.5
	_, err = Stratified{Allocation: BySum}.Select(ids, keys, pi, testSeed(2), "sum")
	assert.True(t, errors.Is(err, ErrBadProbability))
	assert.Contains(t, err.Error(), `unit 5 ("u005")`)
}

func TestStratifiedOrderIndependence(t *testing.T) {
	ids, keys, w := stratFrame()
	st := Stratified{N: 30, Strata: map[string]Stratum{"B": {Design: Poisson}, "C": {Design: Pareto}}}
	a, err := st.Select(ids, keys, w, testSeed(3), "o")
	require.NoError(t, err)
	perm := rand.New(rand.NewPCG(1, 3)).Perm(len(ids))
	ids2, keys2, w2 := make([]string, len(ids)), make([]string, len(ids)), make([]float64, len(ids))
	for i, j := range perm {
		ids2[j], keys2[j], w2[j] = ids[i], keys[i], w[i]
	}
	b, err := st.Select(ids2, keys2, w2, testSeed(3), "o")
	require.NoError(t, err)
	for i, j := range perm {
		assert.Equal(t, a.Selected[i], b.Selected[j])
		assert.Equal(t, a.Pi[i], b.Pi[j])
	}
	assert.Equal(t, a.Strata, b.Strata)
}

// TestStratifiedFrequencies: 20,000 seeded stratified draws (proportional,
// systematic in every stratum) include each unit with its reported π.
func TestStratifiedFrequencies(t *testing.T) {
	ids, keys, w := stratFrame()
	st := Stratified{N: 30}
	const R = 20_000
	counts := make([]int, len(ids))
	var pi []float64
	for r := range R {
		s, err := st.Select(ids, keys, w, testSeed(500_000+r), "f")
		require.NoError(t, err)
		require.Equal(t, 30, s.Size)
		pi = s.Pi
		for i, b := range s.Selected {
			if b {
				counts[i]++
			}
		}
	}
	checkFrequencies(t, counts, R, pi)
}

func TestStratifiedErrors(t *testing.T) {
	ids, keys, w := stratFrame()
	for _, tc := range []struct {
		name string
		st   Stratified
		mod  func(ids, keys []string, w []float64)
		err  error
		text string
	}{
		{"zero N", Stratified{}, nil, ErrBadSize, "N = 0"},
		{"N too large", Stratified{N: 201}, nil, ErrBadSize, "outside the bounds"},
		{"min too large", Stratified{N: 10, Strata: map[string]Stratum{"A": {Min: 11}}}, nil, ErrBadSize, ""},
		{"neyman SD", Stratified{Allocation: Neyman, N: 10, Default: Stratum{SD: 1}, Strata: map[string]Stratum{"B": {SD: math.NaN()}}}, nil, ErrBadWeight, `stratum "B"`},
		{"count too large", Stratified{Allocation: FixedCount, Default: Stratum{Count: 41}}, nil, ErrBadSize, `stratum "C"`},
		{"NaN weight", Stratified{N: 10}, func(_, _ []string, w []float64) { w[7] = math.NaN() }, ErrBadWeight, `unit 7 ("u007"): weight NaN`},
		{"negative weight", Stratified{N: 10}, func(_, _ []string, w []float64) { w[150] = -1 }, ErrBadWeight, `unit 150 ("u150")`},
		{"duplicate across strata", Stratified{N: 10}, func(ids, _ []string, _ []float64) { ids[199] = ids[3] }, ErrDuplicateUnit, `unit 199 ("u003"): same ID as unit 3`},
		{"duplicate within stratum", Stratified{N: 10}, func(ids, _ []string, _ []float64) { ids[9] = ids[3] }, ErrDuplicateUnit, `unit 9 ("u003"): same ID as unit 3`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ids, keys, w := append([]string(nil), ids...), append([]string(nil), keys...), append([]float64(nil), w...)
			if tc.mod != nil {
				tc.mod(ids, keys, w)
			}
			_, err := tc.st.Select(ids, keys, w, testSeed(4), "")
			require.Error(t, err)
			assert.True(t, errors.Is(err, tc.err), "%v", err)
			assert.Contains(t, err.Error(), tc.text)
		})
	}
	_, err := Stratified{N: 1}.Select(nil, nil, nil, testSeed(0), "")
	assert.True(t, errors.Is(err, ErrEmptyFrame))
	assert.Panics(t, func() { _, _ = Stratified{N: 1}.Select([]string{"a"}, nil, nil, testSeed(0), "") })
	assert.Equal(t, "neyman", Neyman.String())
}
