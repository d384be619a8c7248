package sampling

import (
	"math"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestParetoTruePiTwoUnits checks the numerical integral against the closed
// form for two uncertain units and n = 1: with odds O = u/(1−u), which are
// log-logistic, P(O_1/θ_1 < O_2/θ_2) = c(c−1−ln c)/(c−1)² for c = θ_1/θ_2.
func TestParetoTruePiTwoUnits(t *testing.T) {
	for _, l1 := range []float64{0.01, 0.1, 0.3, 0.5, 0.45} {
		l2 := 1 - l1
		p, err := ParetoProbabilities([]float64{l1, l2})
		require.NoError(t, err)
		c := (l1 / (1 - l1)) / (l2 / (1 - l2))
		want := c * (c - 1 - math.Log(c)) / ((c - 1) * (c - 1))
		if c == 1 {
			want = 0.5
		}
		assert.InDelta(t, want, p[0], 1e-8, "λ = %v", l1)
		assert.InDelta(t, 1-want, p[1], 1e-8, "λ = %v", l1)
	}
}

func TestParetoTruePiSumAndCloseness(t *testing.T) {
	_, lambda := heavyTailed(t, 150, 30)
	p, err := ParetoProbabilities(lambda)
	require.NoError(t, err)
	var sum, maxDiff float64
	for i := range p {
		sum += p[i]
		maxDiff = math.Max(maxDiff, math.Abs(p[i]-lambda[i]))
		if lambda[i] == 1 {
			assert.Equal(t, 1.0, p[i])
		}
	}
	// A fixed-size design's π sum to its size; 1e-6 is the documented
	// accuracy of the integral.
	assert.InDelta(t, 30, sum, 1e-6)
	t.Logf("N=150, n=30: max |true π − λ| = %.4f", maxDiff)
	assert.Less(t, maxDiff, 0.05, "Rosén: Pareto π are close to λ")
	assert.Greater(t, maxDiff, 1e-5, "but not equal: never pretend they are λ")
}

// TestParetoNormalApproximation compares the large-N approximation of the
// Poisson-binomial with the exact computation just at the exact limit
// (the approximation's error shrinks as N grows, like 1/σ).
func TestParetoNormalApproximation(t *testing.T) {
	_, lambda := heavyTailed(t, paretoExactLimit, 40)
	var lam []float64
	for _, l := range lambda {
		if l < 1 {
			lam = append(lam, l)
		}
	}
	slices.Sort(lam)
	var s float64
	for _, l := range lam {
		s += l
	}
	n := int(math.Round(s))
	exact := paretoTruePi(lam, n)
	require.LessOrEqual(t, len(lam), paretoExactLimit)
	approx := paretoTruePiWith(lam, n, false)
	var maxDiff float64
	for i := range lam {
		maxDiff = math.Max(maxDiff, math.Abs(exact[i]-approx[i]))
	}
	t.Logf("N=%d, n=%d: max |exact − normal approximation| = %.2g", len(lam), n, maxDiff)
	assert.Less(t, maxDiff, 1e-4)
}

// TestParetoShardsMerge: shards of the frame draw independently, each
// keeping its n smallest Pareto keys; the n smallest of the merged keys are
// exactly the single draw. This is what lets a 10^7-unit draw run in pieces.
func TestParetoShardsMerge(t *testing.T) {
	ids, pi := heavyTailed(t, 150, 30)
	seed := testSeed(11)
	single, err := Select(Pareto, ids, pi, seed, "shard")
	require.NoError(t, err)

	type cand struct {
		q  float64
		id string
	}
	var merged []cand
	const shards = 4
	n := 30 - countOnes(pi)
	for s := range shards {
		var local []cand
		for i := s; i < len(ids); i += shards { // interleaved shards
			if pi[i] > 0 && pi[i] < 1 {
				local = append(local, cand{ParetoKey(PRN(seed, "shard", ids[i]), pi[i]), ids[i]})
			}
		}
		slices.SortFunc(local, func(a, b cand) int {
			if a.q != b.q {
				if a.q < b.q {
					return -1
				}
				return 1
			}
			return 0
		})
		merged = append(merged, local[:min(n, len(local))]...)
	}
	slices.SortFunc(merged, func(a, b cand) int {
		if a.q < b.q {
			return -1
		}
		if a.q > b.q {
			return 1
		}
		return 0
	})
	want := map[string]bool{}
	for i, id := range ids {
		if pi[i] == 1 {
			want[id] = true
		}
	}
	for _, c := range merged[:n] {
		want[c.id] = true
	}
	for i, id := range ids {
		assert.Equal(t, want[id], single.Selected[i], "unit %s", id)
	}
	assert.Equal(t, 30, single.Size)
}

// TestParetoFrequencies: 20,000 seeded Pareto draws on the heavy-tailed
// vector include every unit with its reported true π (see checkFrequencies
// for the tolerances).
func TestParetoFrequencies(t *testing.T) {
	ids, pi := heavyTailed(t, 150, 30)
	truePi, err := ParetoProbabilities(pi)
	require.NoError(t, err)
	const R = 20_000
	counts := paretoCounts(t, ids, pi, R, 100_000)
	checkFrequencies(t, counts, R, truePi)
}
