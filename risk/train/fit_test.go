package train

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/firedraw/firedraw/risk"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// simulate draws n units from a known logistic model with independent
// features x_j ~ N(mean_j, sd_j²).
func simulate(seed uint64, n int, intercept float64, beta, mean, sd []float64) (*risk.Table, []bool) {
	r := rand.New(rand.NewPCG(seed, 7))
	p := len(beta)
	names := make([]string, p)
	for j := range names {
		names[j] = string(rune('a' + j))
	}
	ids := make([]string, n)
	x := make([]float64, n*p)
	y := make([]bool, n)
	for i := 0; i < n; i++ {
		ids[i] = "u" + string(rune(i))
		eta := intercept
		for j := 0; j < p; j++ {
			v := mean[j] + sd[j]*r.NormFloat64()
			x[i*p+j] = v
			eta += beta[j] * v
		}
		y[i] = r.Float64() < 1/(1+math.Exp(-eta))
	}
	return &risk.Table{Names: names, UnitIDs: ids, X: x}, y
}

func TestFitRecoversCoefficients(t *testing.T) {
	// n = 20,000 units: the standard error of each coefficient is about
	// 1/√(n·Var(x)·p(1−p)) ≈ 0.02 for the unit-variance features, so a
	// tolerance of 0.1 is 5 standard errors (the seed is fixed anyway).
	beta := []float64{0.8, -0.5, 0.3, 0, 0.05}
	mean := []float64{0, 1, -2, 0, 100}
	sd := []float64{1, 1, 1, 1, 10} // the last one exercises standardisation
	tab, y := simulate(1, 20000, -1, beta, mean, sd)
	m, info, err := Fit(tab, y, FitConfig{})
	require.NoError(t, err)
	assert.Equal(t, "GradientThreshold", info.Status)
	// The model is centred on the training means: intercept on the
	// original scale is Intercept − Σ Coef·Center.
	b0 := m.Intercept
	for j, term := range m.Terms {
		assert.Equal(t, tab.Names[j], term.Feature)
		assert.InDelta(t, beta[j], term.Coef, 0.1/sd[j], "β_%s", term.Feature)
		b0 -= term.Coef * term.Center
	}
	assert.InDelta(t, -1, b0, 0.15)
	// The last feature has sd 10: its tolerance is 0.1/10 on the original scale.
	assert.InDelta(t, 0.05, m.Terms[4].Coef, 0.01)

	// Deterministic: the same fit twice gives identical bits.
	m2, _, err := Fit(tab, y, FitConfig{})
	require.NoError(t, err)
	assert.Equal(t, m, m2)
}

func TestFitRegularisationShrinks(t *testing.T) {
	tab, y := simulate(2, 2000, 0, []float64{1, -1}, []float64{0, 0}, []float64{1, 1})
	m0, _, err := Fit(tab, y, FitConfig{})
	require.NoError(t, err)
	m1, _, err := Fit(tab, y, FitConfig{Lambda: 1})
	require.NoError(t, err)
	for j := range m0.Terms {
		assert.Less(t, math.Abs(m1.Terms[j].Coef), math.Abs(m0.Terms[j].Coef))
	}
	// Class weights of 3 for positives raise the intercept by about log 3.
	mw, _, err := Fit(tab, y, FitConfig{ClassWeights: [2]float64{1, 3}})
	require.NoError(t, err)
	assert.InDelta(t, m0.Intercept+math.Log(3), mw.Intercept, 0.1)
}

func TestFitBinned(t *testing.T) {
	// y depends on x through a step: logit −2 below 0, +1 above; z is noise.
	r := rand.New(rand.NewPCG(3, 3))
	n := 10000
	x := make([]float64, 2*n)
	y := make([]bool, n)
	ids := make([]string, n)
	for i := 0; i < n; i++ {
		ids[i] = "u"
		x[2*i], x[2*i+1] = r.NormFloat64(), r.NormFloat64()
		eta := -2.0
		if x[2*i] >= 0 {
			eta = 1
		}
		y[i] = r.Float64() < 1/(1+math.Exp(-eta))
	}
	tab := &risk.Table{Names: []string{"x", "z"}, UnitIDs: ids, X: x}
	m, _, err := Fit(tab, y, FitConfig{Bins: 4, Lambda: 1e-4})
	require.NoError(t, err)
	tx := m.Terms[0]
	require.True(t, tx.Binned())
	require.Len(t, tx.Edges, 3)
	assert.InDelta(t, 0, tx.Edges[1], 0.05) // the median of N(0,1)
	// Effects of bins below 0 agree, bins above agree, and the jump is 3.
	assert.InDelta(t, tx.Effects[0], tx.Effects[1], 0.3)
	assert.InDelta(t, tx.Effects[2], tx.Effects[3], 0.3)
	assert.InDelta(t, 3, tx.Effects[2]-tx.Effects[1], 0.3)
	// Binned contributions still sum to the logit.
	s, err := m.Score(tab)
	require.NoError(t, err)
	c := s.Contributions(7, nil)
	assert.InDelta(t, s.Logit[7]-m.Intercept, c[0]+c[1], 1e-12)
}

func TestFitErrors(t *testing.T) {
	tab := &risk.Table{Names: []string{"x"}, UnitIDs: []string{"a", "b", "c", "d"}, X: []float64{-2, -1, 1, 2}}
	for _, tc := range []struct {
		name string
		tab  *risk.Table
		y    []bool
		cfg  FitConfig
		is   error
		text string
	}{
		{"lengths", tab, []bool{true, false}, FitConfig{}, ErrBadOutcome, "2 outcomes for 4 units"},
		{"all zero", tab, []bool{false, false, false, false}, FitConfig{}, ErrBadOutcome, "0 of 4"},
		{"all one", tab, []bool{true, true, true, true}, FitConfig{}, ErrBadOutcome, "4 of 4"},
		{"NaN", &risk.Table{Names: []string{"x"}, UnitIDs: []string{"a", "b"}, X: []float64{1, math.NaN()}},
			[]bool{true, false}, FitConfig{}, risk.ErrBadFeature, `feature "x" of unit "b"`},
		{"separable", tab, []bool{false, false, true, true}, FitConfig{}, ErrNotConverged, "separable"},
		{"iterations", &risk.Table{Names: []string{"x"}, UnitIDs: []string{"a", "b", "c", "d"}, X: []float64{-2, 1, -1, 2}},
			[]bool{false, false, true, true}, FitConfig{MaxIter: 1, GradTol: 1e-15}, ErrNotConverged, "status"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := Fit(tc.tab, tc.y, tc.cfg)
			require.Error(t, err)
			assert.ErrorIs(t, err, tc.is)
			assert.Contains(t, err.Error(), tc.text)
		})
	}
	// Separable data fit fine with a penalty.
	_, _, err := Fit(tab, []bool{false, false, true, true}, FitConfig{Lambda: 0.1})
	assert.NoError(t, err)
}

func TestQuantileEdges(t *testing.T) {
	assert.Nil(t, risk.QuantileEdges([]float64{0, 1, 0, 1}, 4)) // a flag stays linear
	assert.Nil(t, risk.QuantileEdges([]float64{1, 2, 3}, 1))
	assert.Equal(t, []float64{3, 5, 7}, risk.QuantileEdges([]float64{8, 7, 6, 5, 4, 3, 2, 1}, 4))
	// Many values at the minimum: no empty bin.
	assert.Equal(t, []float64{5}, risk.QuantileEdges([]float64{0, 0, 0, 0, 0, 0, 5, 9}, 4))
}

func TestFitLog1p(t *testing.T) {
	// y depends on log(1+c) for a count-like c ≥ 0; z is a flag.
	r := rand.New(rand.NewPCG(4, 4))
	n := 20000
	x := make([]float64, 2*n)
	y := make([]bool, n)
	ids := make([]string, n)
	for i := 0; i < n; i++ {
		c := math.Floor(math.Exp(2 * r.Float64() * 2))
		z := float64(r.IntN(2))
		x[2*i], x[2*i+1] = c, z
		eta := -2 + 0.8*math.Log1p(c) - 0.5*z
		y[i] = r.Float64() < 1/(1+math.Exp(-eta))
	}
	tab := &risk.Table{Names: []string{"c", "z"}, UnitIDs: ids, X: x}
	m, _, err := Fit(tab, y, FitConfig{Log1p: true})
	require.NoError(t, err)
	assert.Equal(t, risk.TransformLog1p, m.Terms[0].Transform)
	assert.Equal(t, "", m.Terms[1].Transform, "a flag is not transformed")
	// Same tolerance argument as TestFitRecoversCoefficients.
	assert.InDelta(t, 0.8, m.Terms[0].Coef, 0.1)
	assert.InDelta(t, -0.5, m.Terms[1].Coef, 0.1)
	s, err := m.Score(tab)
	require.NoError(t, err)
	c := s.Contributions(3, nil)
	assert.Equal(t, m.Terms[0].Coef*(math.Log1p(x[6])-m.Terms[0].Center), c[0], "the term sees log(1+x)")
	assert.InDelta(t, s.Logit[3]-m.Intercept, c[0]+c[1], 1e-12)
	bad := &risk.Model{Terms: []risk.Term{{Feature: "c", Transform: "sqrt"}}}
	_, err = bad.Score(tab)
	assert.ErrorIs(t, err, risk.ErrBadFeature)
	assert.Contains(t, err.Error(), `"sqrt"`)
}
