package sampling

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestPoissonFrequencies: 20,000 seeded Poisson draws include every unit
// with frequency π_k (tolerances in checkFrequencies); the mean size is
// Σπ = 30 with variance Σπ(1−π).
func TestPoissonFrequencies(t *testing.T) {
	ids, pi := heavyTailed(t, 150, 30)
	const R = 20_000
	counts := drawCounts(t, Poisson, ids, pi, R, 400_000)
	checkFrequencies(t, counts, R, pi)
	var total, v float64
	for i, c := range counts {
		total += float64(c)
		v += pi[i] * (1 - pi[i])
	}
	// The mean of R sizes has sd sqrt(v/R); 4.5 of them.
	assert.InDelta(t, 30, total/R, 4.5*math.Sqrt(v/R))
}

func TestPoissonRule(t *testing.T) {
	sel := make([]bool, 3)
	poisson([]float64{0.5, 0.5, 0.2}, []float64{0.49, 0.5, 0.1}, sel)
	assert.Equal(t, []bool{true, false, true}, sel)
}
