package sampling

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSystematicFrequencies: 20,000 seeded systematic draws on the
// heavy-tailed vector include every unit with frequency π_k (tolerances in
// checkFrequencies), and every draw has size exactly n = 30.
func TestSystematicFrequencies(t *testing.T) {
	ids, pi := heavyTailed(t, 150, 30)
	const R = 20_000
	counts := drawCounts(t, Systematic, ids, pi, R, 200_000)
	checkFrequencies(t, counts, R, pi)
}

// TestSystematicFractionalSize: with Σπ = 7.4 the size is 7 or 8, 8 with
// probability 0.4, and each π is still exact.
func TestSystematicFractionalSize(t *testing.T) {
	ids := testIDs(40)
	w := make([]float64, 40)
	for i := range w {
		w[i] = float64(1 + i%7)
	}
	pi, err := InclusionProbabilities(w, 7.4)
	require.NoError(t, err)
	const R = 20_000
	counts := make([]int, len(ids))
	eight := 0
	for r := range R {
		s, err := Select(Systematic, ids, pi, testSeed(300_000+r), "")
		require.NoError(t, err)
		require.Contains(t, []int{7, 8}, s.Size)
		if s.Size == 8 {
			eight++
		}
		for i, b := range s.Selected {
			if b {
				counts[i]++
			}
		}
	}
	// Binomial(20000, 0.4): sd 69; 4.5 sd.
	assert.InDelta(t, 0.4*R, float64(eight), 4.5*math.Sqrt(R*0.4*0.6))
	checkFrequencies(t, counts, R, pi)
}

// TestSystematicExactSizeLarge: at 10^5 units with a total that rounding
// leaves a few ulps off the integer, the size is still exactly n.
func TestSystematicExactSizeLarge(t *testing.T) {
	ids, pi := heavyTailed(t, 100_000, 1000)
	for r := range 5 {
		s, err := Select(Systematic, ids, pi, testSeed(r), "big")
		require.NoError(t, err)
		assert.Equal(t, 1000, s.Size)
	}
}

func TestSystematicCertainAndZero(t *testing.T) {
	// Units 3 and 0 in that PRN order with π 0.5 each (units 1 and 2 are
	// certain or impossible and skipped): the start picks one of them.
	recs := []unitRec{{0.1, 0.5, 3}, {0.2, 1, 1}, {0.3, 0, 2}, {0.4, 0.5, 0}}
	sel := make([]bool, 4)
	systematic(recs, 0.25, sel)
	assert.Equal(t, []bool{false, false, false, true}, sel)
	clear(sel)
	systematic(recs, 0.75, sel)
	assert.Equal(t, []bool{true, false, false, false}, sel)
}
