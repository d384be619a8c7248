package sampling

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSmallSamples: every estimator answers from one sampled unit on,
// with the documented fallback and warning where a variance is undefined.
func TestSmallSamples(t *testing.T) {
	inf := math.Inf(1)
	for _, tc := range []struct {
		name     string
		sv       Survey
		y        []float64
		variance VarianceMethod
		warn     []WarningKind // of the Hájek proportion
		lower    float64       // of the proportion's interval (NaN: not checked)
		upper    float64
	}{
		{name: "one unit", sv: Survey{Pi: []float64{0.1}}, y: []float64{1},
			warn: []WarningKind{LonelyUnit, NoDegreesOfFreedom}, lower: 0, upper: 1},
		{name: "one unit poisson", sv: Survey{Pi: []float64{0.1}}, y: []float64{0}, variance: PoissonVariance,
			warn: []WarningKind{NoDegreesOfFreedom}, lower: 0, upper: 1},
		{name: "one certain unit", sv: Survey{Pi: []float64{1}}, y: []float64{1},
			lower: 1, upper: 1},
		// Two units, one certain: Deville's variance needs two uncertain
		// units, so the uncertain one gets the Poisson variance.
		{name: "one uncertain of two", sv: Survey{Pi: []float64{0.5, 1}}, y: []float64{1, 0},
			warn: []WarningKind{LonelyUnit}, lower: math.NaN()},
		// Two zeros: no variation, so Clopper–Pearson for 0 of 2 with one
		// degree of freedom, [0, 1 − 0.025^(1/2)].
		{name: "no variation", sv: Survey{Pi: []float64{0.5, 0.25}}, y: []float64{0, 0},
			warn: []WarningKind{NoVariation}, lower: 0, upper: 1 - math.Sqrt(0.025)},
		{name: "all ones", sv: Survey{Pi: []float64{0.5, 0.25, 0.2}}, y: []float64{1, 1, 1},
			warn: []WarningKind{NoVariation}, lower: math.Pow(0.025, 1.0/3), upper: 1},
		// One unit in each of two strata: no degrees of freedom.
		{name: "lonely strata", sv: Survey{Pi: []float64{0.5, 0.25}, Strata: []string{"a", "b"}}, y: []float64{1, 0},
			warn: []WarningKind{LonelyUnit, LonelyUnit, NoDegreesOfFreedom}, lower: 0, upper: 1}, // one LonelyUnit per stratum
		{name: "lonely stratum beside a full one", sv: Survey{Pi: []float64{0.5, 0.25, 0.25, 0.2}, Strata: []string{"a", "b", "b", "b"}},
			y: []float64{1, 0, 1, 0}, warn: []WarningKind{LonelyUnit}, lower: math.NaN()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := Estimator{Variance: tc.variance}
			tot, err := e.SurveyTotal(tc.sv, tc.y)
			require.NoError(t, err)
			mean, err := e.SurveyMean(tc.sv, tc.y)
			require.NoError(t, err)
			prop, err := e.SurveyProportion(tc.sv, tc.y)
			require.NoError(t, err)
			var kinds []WarningKind
			for _, w := range prop.Warnings {
				kinds = append(kinds, w.Kind)
			}
			assert.ElementsMatch(t, tc.warn, kinds, "warnings %v", prop.Warnings)
			if !math.IsNaN(tc.lower) {
				assert.InDelta(t, tc.lower, prop.Lower, 1e-12)
				assert.InDelta(t, tc.upper, prop.Upper, 1e-12)
			}
			for _, est := range []Estimate{tot, mean, prop} {
				assert.False(t, math.IsNaN(est.Value))
				assert.LessOrEqual(t, est.Lower, est.Value)
				assert.GreaterOrEqual(t, est.Upper, est.Value)
				if est.DF <= 0 && tc.sv.Pi[0] < 1 {
					assert.Equal(t, inf, est.Variance)
				}
			}
		})
	}
}

// TestSRSDesignEffect: under simple random sampling without replacement
// (equal π = n/N, Deville's variance = the SRS variance) the design
// effect of the Hájek mean is exactly 1 and the effective sample size n.
func TestSRSDesignEffect(t *testing.T) {
	y := []float64{3, 7, 1, 4, 10, 2}
	pi := make([]float64, len(y))
	for k := range pi {
		pi[k] = 6.0 / 20
	}
	for _, f := range []func() (Estimate, error){
		func() (Estimate, error) { return Estimator{}.HajekMean(y, pi) },
		func() (Estimate, error) { return Estimator{}.Total(y, pi) },
	} {
		est, err := f()
		require.NoError(t, err)
		assert.InDelta(t, 1, est.Deff, 1e-12)
		assert.InDelta(t, 6, est.NEff, 1e-12)
		assert.Equal(t, 5, est.DF)
		// Equal terms: Satterthwaite's df would exceed n − 1 uncapped.
		assert.LessOrEqual(t, est.EffectiveDF, 5.0)
	}
}

// TestPoolByHand: pooling two independent rounds averages their totals
// and divides the sum of their variances by R² = 4; the pooled Hájek mean
// is the ratio of the pooled totals.
func TestPoolByHand(t *testing.T) {
	r0 := Survey{Pi: []float64{0.5, 0.25, 0.2}}
	y0 := []float64{1, 0, 1}
	r1 := Survey{Pi: []float64{0.5, 0.5}}
	y1 := []float64{0, 1}
	e := Estimator{}
	t0, err := e.SurveyTotal(r0, y0)
	require.NoError(t, err)
	t1, err := e.SurveyTotal(r1, y1)
	require.NoError(t, err)
	pooled := Pool(r0, r1)
	assert.Equal(t, []int{0, 0, 0, 1, 1}, pooled.Rounds)
	assert.Equal(t, 2, pooled.NumRounds)
	y := append(append([]float64{}, y0...), y1...)
	tot, err := e.SurveyTotal(pooled, y)
	require.NoError(t, err)
	assert.InDelta(t, (t0.Value+t1.Value)/2, tot.Value, 1e-12)
	assert.InDelta(t, (t0.Variance+t1.Variance)/4, tot.Variance, 1e-12)
	assert.Equal(t, 3, tot.DF) // 5 units in 2 parts
	// The Hájek mean: (1/0.5 + 1/0.2 + 1/0.5) / (2+4+5 + 2+2).
	mean, err := e.SurveyMean(pooled, y)
	require.NoError(t, err)
	assert.InDelta(t, 9.0/15, mean.Value, 1e-12)
	// A round that sampled nobody still counts: three rounds, the third
	// empty, divide the total by 3.
	three := Pool(r0, r1, Survey{})
	tot3, err := e.SurveyTotal(three, y)
	require.NoError(t, err)
	assert.InDelta(t, (t0.Value+t1.Value)/3, tot3.Value, 1e-12)
}

// TestStratifiedSumsStrata: a stratified total is the sum of the strata's
// totals and its variance the sum of their variances.
func TestStratifiedSumsStrata(t *testing.T) {
	sv := Survey{Pi: []float64{0.5, 0.25, 0.2, 0.1, 0.1, 0.3}, Strata: []string{"b", "a", "b", "a", "a", "b"}}
	y := []float64{1, 4, 2, 7, 1, 3}
	e := Estimator{}
	got, err := e.SurveyTotal(sv, y)
	require.NoError(t, err)
	a, err := e.Total([]float64{4, 7, 1}, []float64{0.25, 0.1, 0.1})
	require.NoError(t, err)
	b, err := e.Total([]float64{1, 2, 3}, []float64{0.5, 0.2, 0.3})
	require.NoError(t, err)
	assert.InDelta(t, a.Value+b.Value, got.Value, 1e-12)
	assert.InDelta(t, a.Variance+b.Variance, got.Variance, 1e-12)
	assert.Equal(t, 4, got.DF)
}

func TestSurveyErrors(t *testing.T) {
	e := Estimator{}
	_, err := e.SurveyTotal(Survey{Pi: []float64{0.5}, Rounds: []int{2}, NumRounds: 2}, []float64{1})
	assert.ErrorIs(t, err, ErrBadEstimate)
	assert.ErrorContains(t, err, "round 2 outside [0, 2)")
	_, err = e.SurveyTotal(Survey{Pi: []float64{0.5}, NumRounds: -1}, []float64{1})
	assert.ErrorIs(t, err, ErrBadEstimate)
	_, err = e.SurveyProportion(Survey{Pi: []float64{0.5, 0.5}}, []float64{1, 2})
	assert.ErrorContains(t, err, "value 2 outside [0, 1]")
	_, err = e.SurveyMean(Survey{}, nil)
	assert.ErrorContains(t, err, "empty sample")
	assert.PanicsWithValue(t, "sampling: Estimator.SurveyTotal: 1 probabilities but 2 strata and 0 rounds", func() {
		_, _ = e.SurveyTotal(Survey{Pi: []float64{0.5}, Strata: []string{"a", "b"}}, []float64{1})
	})
}

func TestIntervalMethodNames(t *testing.T) {
	for m := range numIntervalMethods {
		got, err := ParseIntervalMethod(" " + m.String() + " ")
		require.NoError(t, err)
		assert.Equal(t, m, got)
	}
	_, err := ParseIntervalMethod("wilson")
	assert.ErrorIs(t, err, ErrBadEstimate)
	assert.Equal(t, "IntervalMethod(9)", IntervalMethod(9).String())
	assert.Equal(t, BetaInterval, IntervalMethod(0), "the default")
	assert.Equal(t, "stratum a: one unit with π < 1: Poisson variance used", Warning{Kind: LonelyUnit, Part: "stratum a"}.String())
}

func FuzzParseIntervalMethod(f *testing.F) {
	for _, s := range []string{"logit", "BETA", " normal", "", "mean", "\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ParseIntervalMethod(s)
		if err != nil {
			return
		}
		back, err := ParseIntervalMethod(m.String())
		if err != nil || back != m {
			t.Fatalf("%q parsed to %v, which does not round-trip", s, m)
		}
	})
}

// TestStratifiedDomains: a stratified draw estimated with its strata.
// When the domains are the strata themselves, each domain's total and
// variance are that stratum's own (the other strata add 0), and the
// Survey route (SurveyOf, SurveyDomains) gives the same numbers.
func TestStratifiedDomains(t *testing.T) {
	const N = 300
	ids := testIDs(N)
	keys := make([]string, N)
	y := make([]float64, N)
	for k := range keys {
		keys[k] = []string{"high", "low", "mid"}[k%3]
		y[k] = float64((k * 13) % 7)
	}
	st := Stratified{Allocation: FixedCount, Strata: map[string]Stratum{"high": {Count: 30}, "low": {Count: 5}, "mid": {Count: 1}}}
	s, err := st.Select(ids, keys, nil, Seed{7}, "strat")
	require.NoError(t, err)
	e := Estimator{}
	got, err := e.StratifiedDomains(&s.Sample, keys, y, keys)
	require.NoError(t, err)
	require.Len(t, got, 3)
	sv, idx := SurveyOf(&s.Sample, keys)
	ys := make([]float64, len(idx))
	ds := make([]string, len(idx))
	for i, k := range idx {
		ys[i], ds[i] = y[k], keys[k]
	}
	viaSurvey, err := e.SurveyDomains(sv, ys, ds)
	require.NoError(t, err)
	for j, d := range got {
		assert.Equal(t, 100, d.Units)
		var yh, ph []float64
		for i := range ys {
			if ds[i] == d.Domain {
				yh, ph = append(yh, ys[i]), append(ph, sv.Pi[i])
			}
		}
		own, err := e.Total(yh, ph)
		require.NoError(t, err)
		assert.InDelta(t, own.Value, d.Total.Value, 1e-9, d.Domain)
		if d.Domain != "mid" {
			assert.InDelta(t, own.Variance, d.Total.Variance, 1e-9, d.Domain)
		}
		assert.Equal(t, viaSurvey[j].Total.Value, d.Total.Value)
		assert.Equal(t, viaSurvey[j].Mean.Variance, d.Mean.Variance)
		if d.Domain == "mid" {
			// One unit: alone it has no degrees of freedom; as a domain
			// of the whole sample its total falls back to the Poisson
			// variance, and its mean has none.
			assert.Equal(t, math.Inf(1), own.Variance)
			assert.Contains(t, d.Mean.Warnings, Warning{Kind: NoDegreesOfFreedom})
			assert.Contains(t, d.Total.Warnings, Warning{Kind: LonelyUnit, Part: "stratum mid"})
		}
	}
}
