package sampling_test

import (
	"encoding/binary"
	"math"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/firedraw/firedraw/sampling"
)

// TestPoolUnbiasedWithWaitingUnits: rounds whose π differ, with a third
// of the units at π = 0 in each round (waiting after an inspection, as in
// independent mode), pooled. The pooled total must be unbiased for its
// estimand, the mean over the rounds of each round's total over its
// units with π > 0, and its estimated variance must match the Monte
// Carlo variance.
func TestPoolUnbiasedWithWaitingUnits(t *testing.T) {
	const N, rounds, reps = 600, 3, 2000
	ids := make([]string, N)
	y := make([]float64, N)
	pis := make([][]float64, rounds)
	var estimand float64
	for k := range N {
		ids[k] = "unit-" + strconv.Itoa(k)
		if k%7 == 0 || k%11 == 0 {
			y[k] = 1
		}
	}
	for r := range rounds {
		pis[r] = make([]float64, N)
		for k := range N {
			if k%rounds == r {
				continue // waiting this round: π = 0
			}
			pis[r][k] = 0.05 + 0.3*float64(k%5)/4
			estimand += y[k] / rounds
		}
	}
	var sum, sum2, sumVar float64
	var s sampling.Sample
	for rep := range reps {
		parts := make([]sampling.Survey, rounds)
		var ys []float64
		for r := range rounds {
			var seed sampling.Seed
			binary.LittleEndian.PutUint64(seed[:], uint64(rep)+1)
			binary.LittleEndian.PutUint64(seed[8:], uint64(r)+100)
			require.NoError(t, sampling.SelectInto(&s, sampling.Systematic, ids, pis[r], seed, "pool"))
			sv, idx := sampling.SurveyOf(&s, nil)
			parts[r] = sv
			for _, k := range idx {
				ys = append(ys, y[k])
			}
		}
		est, err := sampling.Estimator{}.SurveyTotal(sampling.Pool(parts...), ys)
		require.NoError(t, err)
		sum += est.Value
		sum2 += est.Value * est.Value
		sumVar += est.Variance
	}
	mean := sum / reps
	mcVar := (sum2 - reps*mean*mean) / (reps - 1)
	t.Logf("estimand %.2f, mean pooled total %.2f, estimated/Monte Carlo variance %.3f", estimand, mean, sumVar/reps/mcVar)
	// Unbiased: within 4 Monte Carlo standard errors.
	assert.InDelta(t, estimand, mean, 4*math.Sqrt(mcVar/reps))
	// The Monte Carlo variance of 2,000 replicates has a relative standard
	// error of about √(2/2000) ≈ 3.2 %; ±15 % is about 4.5 of them, room
	// for Deville's approximation.
	assert.InDelta(t, 1, sumVar/reps/mcVar, 0.15)
}
