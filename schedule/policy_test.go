package schedule

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/firedraw/firedraw/risk"
)

// plainUnits returns n units with IDs u0, u1, … and no flags.
func plainUnits(n int) []risk.Unit {
	u := make([]risk.Unit, n)
	for i := range u {
		u[i] = risk.Unit{ID: fmt.Sprintf("u%d", i), Category: risk.StreetShop, District: "d"}
	}
	return u
}

func TestPolicyAnnualDefaultsAndFloors(t *testing.T) {
	for _, tc := range []struct {
		name  string
		p     Policy
		unit  risk.Unit
		level risk.Level
		want  float64
	}{
		{"low default", Policy{}, risk.Unit{ID: "a"}, risk.Low, 0.05},
		{"general default", Policy{}, risk.Unit{ID: "a"}, risk.LevelGeneral, 0.2},
		{"higher default", Policy{}, risk.Unit{ID: "a"}, risk.Higher, 0.6},
		{"high default", Policy{}, risk.Unit{ID: "a"}, risk.High, 1},
		{"custom high", Policy{Frequencies: [risk.NumLevels]float64{risk.High: 4}}, risk.Unit{ID: "a"}, risk.High, 4},
		{"custom keeps other defaults", Policy{Frequencies: [risk.NumLevels]float64{risk.High: 4}}, risk.Unit{ID: "a"}, risk.Low, 0.05},
		{"crowded key unit floor", Policy{}, risk.Unit{ID: "a", KeyUnit: true, CrowdedPlace: true}, risk.Low, 1},
		{"crowded-place category key unit floor", Policy{}, risk.Unit{ID: "a", KeyUnit: true, Category: risk.CrowdedPlaceCategory}, risk.LevelGeneral, 1},
		{"crowded place not key: no floor", Policy{}, risk.Unit{ID: "a", CrowdedPlace: true}, risk.Low, 0.05},
		{"key unit not crowded: no floor", Policy{}, risk.Unit{ID: "a", KeyUnit: true}, risk.Low, 0.05},
		{"high fire risk floor", Policy{}, risk.Unit{ID: "a", HighFireRisk: true}, risk.Low, 2},
		{"both floors: the larger", Policy{}, risk.Unit{ID: "a", HighFireRisk: true, KeyUnit: true, CrowdedPlace: true}, risk.Higher, 2},
		{"custom floors", Policy{CrowdedKeyFloor: 3, HighFireRiskFloor: 0.5}, risk.Unit{ID: "a", KeyUnit: true, CrowdedPlace: true}, risk.Low, 3},
		{"floor never lowers", Policy{Frequencies: [risk.NumLevels]float64{risk.High: 6}}, risk.Unit{ID: "a", HighFireRisk: true}, risk.High, 6},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := tc.p.Annual([]risk.Unit{tc.unit}, []risk.Level{tc.level}, nil)
			require.NoError(t, err)
			require.Len(t, f, 1)
			assert.Equal(t, tc.want, f[0])
		})
	}
}

func TestPolicyAnnualStrength(t *testing.T) {
	// Two levels with different score profiles; the Low level holds a unit
	// with score 0, which must stay above zero at every strength.
	units := plainUnits(8)
	levels := []risk.Level{risk.Low, risk.Low, risk.Low, risk.Low, risk.High, risk.High, risk.High, risk.High}
	scores := []float64{0, 0.1, 0.2, 0.5, 0.6, 0.7, 0.8, 0.9}
	for _, s := range []float64{0, 0.25, 0.5, 0.9, 1} {
		t.Run(fmt.Sprintf("s=%v", s), func(t *testing.T) {
			p := Policy{Strength: s}
			f, err := p.Annual(units, levels, scores)
			require.NoError(t, err)
			sum := Summarize(levels, f)
			// Level totals are preserved: n_L · f_L.
			assert.InDelta(t, 4*0.05, sum[risk.Low].Inspections, 1e-12)
			assert.InDelta(t, 4*1.0, sum[risk.High].Inspections, 1e-12)
			for k := range f {
				assert.Greater(t, f[k], 0.0, "unit %d exempt", k)
			}
			// Within a level, a higher score never means a lower frequency,
			// and strictly higher when s > 0 and no floor binds.
			for k := 1; k < len(f); k++ {
				if levels[k] != levels[k-1] {
					continue
				}
				if s == 0 {
					assert.Equal(t, f[k-1], f[k])
				} else {
					assert.LessOrEqual(t, f[k-1], f[k])
				}
			}
		})
	}

	t.Run("s=0.5 formula", func(t *testing.T) {
		// High level: mean score 0.75, w = 0.5 + 0.5·score/0.75; no floor binds.
		f, err := Policy{Strength: 0.5}.Annual(units[4:], levels[4:], scores[4:])
		require.NoError(t, err)
		for k, sc := range scores[4:] {
			assert.InDelta(t, 0.5+0.5*sc/0.75, f[k], 1e-15)
		}
	})
	t.Run("s=1 proportional", func(t *testing.T) {
		f, err := Policy{Strength: 1}.Annual(units[4:], levels[4:], scores[4:])
		require.NoError(t, err)
		for k, sc := range scores[4:] {
			assert.InDelta(t, sc/0.75, f[k], 1e-15)
		}
	})
	t.Run("s=1 score zero floored at MinShare", func(t *testing.T) {
		// Low level: scores 0, 0.1, 0.2, 0.5 (mean 0.2), raw weights
		// 0, 0.5, 1, 2.5. Unit 0 is raised to 0.1, the others scaled by
		// (4−0.1)/4 = 0.975, which keeps them above 0.1.
		f, err := Policy{Strength: 1}.Annual(units[:4], levels[:4], scores[:4])
		require.NoError(t, err)
		want := []float64{0.1, 0.5 * 0.975, 0.975, 2.5 * 0.975}
		for k := range want {
			assert.InDelta(t, 0.05*want[k], f[k], 1e-15, "unit %d", k)
		}
	})
	t.Run("cascading MinShare floor", func(t *testing.T) {
		// Raw weights at s=1 with scores 0, 0.03, 0.97 (mean 1/3): 0, 0.09,
		// 2.91. Flooring only unit 0 scales unit 1 to 0.09·2.9/3 < 0.1, so
		// both are floored, and unit 2 gets 3 − 0.2 = 2.8.
		f, err := Policy{Strength: 1, Frequencies: [risk.NumLevels]float64{1, 1, 1, 1}}.Annual(plainUnits(3), make([]risk.Level, 3), []float64{0, 0.03, 0.97})
		require.NoError(t, err)
		assert.InDeltaSlice(t, []float64{0.1, 0.1, 2.8}, f, 1e-12)
	})
	t.Run("all scores zero", func(t *testing.T) {
		f, err := Policy{Strength: 1}.Annual(plainUnits(3), make([]risk.Level, 3), []float64{0, 0, 0})
		require.NoError(t, err)
		assert.Equal(t, []float64{0.05, 0.05, 0.05}, f)
	})
	t.Run("floors after weighting", func(t *testing.T) {
		u := plainUnits(2)
		u[0].HighFireRisk = true
		f, err := Policy{Strength: 1}.Annual(u, []risk.Level{risk.High, risk.High}, []float64{0.2, 0.6})
		require.NoError(t, err)
		assert.Equal(t, 2.0, f[0])          // weight 0.5 → f 0.5, floored to 2
		assert.InDelta(t, 1.5, f[1], 1e-15) // weight 1.5
		assert.Greater(t, f[0]+f[1], 2*1.0, "floors add inspections")
	})
}

func TestPolicyAnnualErrors(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	one := plainUnits(1)
	for _, tc := range []struct {
		name   string
		p      Policy
		levels []risk.Level
		scores []float64
		is     error
		msg    string
	}{
		{"negative frequency", Policy{Frequencies: [risk.NumLevels]float64{risk.Higher: -1}}, nil, nil, ErrBadPolicy, "Frequencies[higher]"},
		{"NaN frequency", Policy{Frequencies: [risk.NumLevels]float64{risk.Low: nan}}, nil, nil, ErrBadPolicy, "Frequencies[low]"},
		{"Inf frequency", Policy{Frequencies: [risk.NumLevels]float64{risk.High: inf}}, nil, nil, ErrBadPolicy, "Frequencies[high]"},
		{"negative crowded floor", Policy{CrowdedKeyFloor: -1}, nil, nil, ErrBadPolicy, "CrowdedKeyFloor"},
		{"NaN fire floor", Policy{HighFireRiskFloor: nan}, nil, nil, ErrBadPolicy, "HighFireRiskFloor"},
		{"Inf fire floor", Policy{HighFireRiskFloor: inf}, nil, nil, ErrBadPolicy, "HighFireRiskFloor"},
		{"strength above 1", Policy{Strength: 1.5}, nil, nil, ErrBadPolicy, "Strength"},
		{"negative strength", Policy{Strength: -0.1}, nil, nil, ErrBadPolicy, "Strength"},
		{"NaN strength", Policy{Strength: nan}, nil, nil, ErrBadPolicy, "Strength"},
		{"MinShare above 1", Policy{MinShare: 2}, nil, nil, ErrBadPolicy, "MinShare"},
		{"NaN score", Policy{Strength: 0.5}, nil, []float64{nan}, ErrBadScore, `unit 0 ("u0"): score NaN`},
		{"score above 1", Policy{Strength: 0.5}, nil, []float64{1.5}, ErrBadScore, `("u0")`},
		{"negative score at s=0", Policy{}, nil, []float64{-0.5}, ErrBadScore, `("u0")`},
		{"bad level", Policy{}, []risk.Level{risk.Level(9)}, nil, ErrBadLevel, `("u0"): level Level(9)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			levels := tc.levels
			if levels == nil {
				levels = []risk.Level{risk.Low}
			}
			f, err := tc.p.Annual(one, levels, tc.scores)
			require.Error(t, err)
			assert.ErrorIs(t, err, tc.is)
			assert.Contains(t, err.Error(), tc.msg)
			assert.Nil(t, f)
		})
	}
}

func TestPolicyAnnualPanics(t *testing.T) {
	assert.PanicsWithValue(t, "schedule: Policy.Annual: 2 units but 1 levels", func() {
		_, _ = Policy{}.Annual(plainUnits(2), []risk.Level{risk.Low}, nil)
	})
	assert.PanicsWithValue(t, "schedule: Policy.Annual: 2 units but 0 scores", func() {
		_, _ = Policy{Strength: 1}.Annual(plainUnits(2), []risk.Level{risk.Low, risk.Low}, nil)
	})
	assert.Panics(t, func() { Summarize([]risk.Level{risk.Low}, nil) })
}

func TestSummarize(t *testing.T) {
	s := Summarize([]risk.Level{risk.Low, risk.High, risk.Low}, []float64{0.05, 1, 0.5})
	assert.Equal(t, LevelSummary{Level: risk.Low, Units: 2, Inspections: 0.55, MinFrequency: 0.05, MaxFrequency: 0.5}, s[risk.Low])
	assert.Equal(t, LevelSummary{Level: risk.LevelGeneral}, s[risk.LevelGeneral])
	assert.Equal(t, LevelSummary{Level: risk.High, Units: 1, Inspections: 1, MinFrequency: 1, MaxFrequency: 1}, s[risk.High])
}

func TestStratumKey(t *testing.T) {
	assert.Equal(t, "high/Xicheng", StratumKey(risk.High, "Xicheng"))
	assert.Equal(t, "general/", StratumKey(risk.LevelGeneral, ""))
}

func TestPolicyProbabilities(t *testing.T) {
	t.Run("no cap: f/rounds", func(t *testing.T) {
		levels := []risk.Level{risk.Low, risk.LevelGeneral, risk.Higher, risk.High}
		pi, err := Policy{}.Probabilities(plainUnits(4), levels, nil, 4)
		require.NoError(t, err)
		assert.InDeltaSlice(t, []float64{0.0125, 0.05, 0.15, 0.25}, pi, 1e-15)
	})
	t.Run("cap redistributes within the level", func(t *testing.T) {
		// High level f = (2, 0.5, 0.5, 0.5) in one round: unit 0 is capped
		// at 1 and its excess 1 spread over the others: (3.5−1)/3 each. The
		// Low unit is untouched.
		u := plainUnits(5)
		u[0].HighFireRisk = true
		levels := []risk.Level{risk.High, risk.High, risk.High, risk.High, risk.Low}
		p := Policy{Frequencies: [risk.NumLevels]float64{risk.High: 0.5}}
		pi, err := p.Probabilities(u, levels, nil, 1)
		require.NoError(t, err)
		assert.InDeltaSlice(t, []float64{1, 2.5 / 3, 2.5 / 3, 2.5 / 3, 0.05}, pi, 1e-12)
	})
	t.Run("demand above level size: all taken", func(t *testing.T) {
		u := plainUnits(3)
		u[0].HighFireRisk = true
		pi, err := Policy{}.Probabilities(u, []risk.Level{risk.High, risk.High, risk.High}, nil, 1)
		require.NoError(t, err)
		assert.Equal(t, []float64{1, 1, 1}, pi)
	})
	t.Run("every pi in (0,1] and level totals kept", func(t *testing.T) {
		const n = 2000
		u := plainUnits(n)
		levels := make([]risk.Level, n)
		scores := make([]float64, n)
		for k := range u {
			levels[k] = risk.Level(k % risk.NumLevels)
			scores[k] = float64((k*7919)%1000) / 999 // spread over [0, 1], some 0
			u[k].HighFireRisk = k%97 == 0
			u[k].KeyUnit = k%13 == 0
			u[k].CrowdedPlace = k%5 == 0
		}
		p := Policy{Strength: 1, Frequencies: [risk.NumLevels]float64{risk.High: 3}}
		f, err := p.Annual(u, levels, scores)
		require.NoError(t, err)
		pi, err := p.Probabilities(u, levels, scores, 4)
		require.NoError(t, err)
		capped := 0
		for k := range pi {
			require.True(t, pi[k] > 0 && pi[k] <= 1, "unit %d: π %v", k, pi[k])
			if f[k]/4 > 1 {
				capped++
				assert.Equal(t, 1.0, pi[k])
			}
		}
		require.Positive(t, capped, "the test must exercise the cap")
		fs, ps := Summarize(levels, f), Summarize(levels, pi)
		for l := range fs {
			assert.InDelta(t, fs[l].Inspections/4, ps[l].Inspections, 1e-9, "level %v", risk.Level(l))
		}
	})
	t.Run("bad rounds", func(t *testing.T) {
		for _, r := range []int{0, -3} {
			_, err := Policy{}.Probabilities(plainUnits(1), []risk.Level{risk.Low}, nil, r)
			assert.ErrorIs(t, err, ErrBadPolicy)
			assert.Contains(t, err.Error(), "rounds")
		}
	})
	t.Run("annual errors pass through", func(t *testing.T) {
		_, err := Policy{Strength: 2}.Probabilities(plainUnits(1), []risk.Level{risk.Low}, []float64{0.5}, 12)
		assert.ErrorIs(t, err, ErrBadPolicy)
	})
}

func BenchmarkPolicyProbabilities(b *testing.B) {
	for _, n := range []int{1e5, 1e6} {
		b.Run("N="+strconv.FormatFloat(float64(n), 'e', -1, 64), func(b *testing.B) {
			rng := rand.New(rand.NewPCG(1, 2))
			u := plainUnits(n)
			levels := make([]risk.Level, n)
			scores := make([]float64, n)
			for k := range u {
				levels[k] = risk.Level(rng.IntN(risk.NumLevels))
				scores[k] = rng.Float64() * rng.Float64()
				u[k].HighFireRisk = rng.IntN(200) == 0
			}
			p := Policy{Strength: 1}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := p.Probabilities(u, levels, scores, 4); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// naiveLevelWeights is the plain fixed-point iteration that levelWeights
// shortcuts: floor every unit whose scaled weight is below minShare,
// rescale the others to keep the total, repeat until nothing changes.
func naiveLevelWeights(scores []float64, s, minShare float64) []float64 {
	n := float64(len(scores))
	var sum float64
	for _, v := range scores {
		sum += v
	}
	w := make([]float64, len(scores))
	for k, v := range scores {
		w[k] = (1 - s) + s*v/(sum/n)
	}
	floored := make([]bool, len(w))
	for {
		var rest float64
		j := 0
		for k := range w {
			if floored[k] {
				j++
			} else {
				rest += w[k]
			}
		}
		scale := (n - float64(j)*minShare) / rest
		changed := false
		for k := range w {
			if !floored[k] && w[k]*scale < minShare {
				floored[k], changed = true, true
			}
		}
		if !changed {
			out := make([]float64, len(w))
			for k := range w {
				out[k] = w[k] * scale
				if floored[k] {
					out[k] = minShare
				}
			}
			return out
		}
	}
}

func TestLevelWeightsMatchesNaive(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for trial := range 200 {
		n := 1 + rng.IntN(300)
		scores := make([]float64, n)
		for k := range scores {
			switch rng.IntN(3) {
			case 0: // zero scores happen
			case 1:
				scores[k] = rng.Float64() * rng.Float64() * rng.Float64()
			default:
				scores[k] = rng.Float64()
			}
		}
		scores[rng.IntN(n)] = 1 // at least one positive
		s := []float64{0.3, 0.9, 1}[trial%3]
		m := []float64{0.01, 0.1, 0.5, 0.95}[trial%4]
		p := Policy{Strength: s, MinShare: m, Frequencies: [risk.NumLevels]float64{1, 1, 1, 1}}
		got, err := p.Annual(plainUnits(n), make([]risk.Level, n), scores)
		require.NoError(t, err)
		want := naiveLevelWeights(scores, s, m)
		var total float64
		for k := range got {
			require.InDelta(t, want[k], got[k], 1e-9, "trial %d unit %d", trial, k)
			require.GreaterOrEqual(t, got[k], m*(1-1e-12), "trial %d unit %d below MinShare", trial, k)
			total += got[k]
		}
		require.InDelta(t, float64(n), total, 1e-9*float64(n), "trial %d: level total", trial)
	}
	t.Run("MinShare 1 is equal weighting", func(t *testing.T) {
		f, err := Policy{Strength: 1, MinShare: 1}.Annual(plainUnits(3), make([]risk.Level, 3), []float64{0, 0.2, 0.9})
		require.NoError(t, err)
		assert.InDeltaSlice(t, []float64{0.05, 0.05, 0.05}, f, 1e-15)
	})
}
