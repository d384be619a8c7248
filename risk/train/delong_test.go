package train

import (
	"encoding/csv"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// readCSV returns the rows after the header of testdata/risk/name.
func readCSV(t *testing.T, name string) [][]string {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "..", "testdata", "risk", name))
	require.NoError(t, err)
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	require.NoError(t, err)
	require.Greater(t, len(rows), 1, name)
	return rows[1:]
}

func parseF(t *testing.T, s string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(s, 64)
	require.NoError(t, err, s)
	return v
}

// TestEvaluateDeLong matches R's pROC (var and ci.auc, method "delong")
// on the golden files of examples/peers/delong_golden.R: scores with
// ties within and across classes (300 units), 1,000 units with 5 %
// positives, and 9 units. The tolerance 1e-9 is far above the rounding
// of two O(N log N) sums in float64 and far below any error of method.
func TestEvaluateDeLong(t *testing.T) {
	for _, name := range []string{"ties", "smooth", "tiny"} {
		t.Run(name, func(t *testing.T) {
			var scores []float64
			var y []bool
			for _, r := range readCSV(t, "delong_"+name+"_data.csv") {
				scores = append(scores, parseF(t, r[0]))
				y = append(y, r[1] == "1")
			}
			g := readCSV(t, "delong_"+name+"_golden.csv")[0]
			ev, err := Evaluate(scores, y, EvalConfig{})
			require.NoError(t, err)
			got := ev.AUCInterval
			const tol = 1e-9
			assert.InDelta(t, parseF(t, g[0]), got.AUC, tol, "AUC")
			assert.InDelta(t, ev.AUC, got.AUC, tol, "AUC of Evaluate")
			assert.InDelta(t, parseF(t, g[1]), got.Var, tol, "variance")
			assert.InDelta(t, parseF(t, g[2]), got.Lower, tol, "lower")
			assert.InDelta(t, parseF(t, g[3]), got.Upper, tol, "upper")
			assert.InDelta(t, math.Sqrt(got.Var), got.SE, 1e-15)
			assert.Equal(t, 0.95, got.Level)
		})
	}
}

// TestDeLongHand is the 9-unit case worked by hand: positives score 0.6
// and 0.3, negatives 0.7, 0.4, 0.3, 0.2, 0.2, 0.2, 0.1. The positives'
// placements are 6/7 and 4.5/7 (a tie counts one half), so AUC = 0.75;
// their variance is 0.0229592 (S10, over m = 2), the negatives'
// placements 1, 0, 0.5, 0, 0, 0, 0 have variance 0.1458333 (S01, over
// n = 7): Var = 0.0229592/2 + 0.1458333/7 = 0.0323129, and the 95 %
// interval 0.75 ± 1.959964·0.179758 is [0.39768, 1] after clipping.
func TestDeLongHand(t *testing.T) {
	scores := []float64{0.6, 0.3, 0.7, 0.4, 0.3, 0.2, 0.2, 0.2, 0.1}
	y := []bool{true, true, false, false, false, false, false, false, false}
	r, err := DeLong(scores, y, 0)
	require.NoError(t, err)
	assert.InDelta(t, 0.75, r.AUC, 1e-15)
	assert.InDelta(t, (1.5/7)*(1.5/7)/2/2+(7.0/48)/7, r.Var, 1e-15) // S01 = 7/48 = 0.1458333
	assert.InDelta(t, 0.0323129, r.Var, 1e-7)
	assert.InDelta(t, 0.39768, r.Lower, 1e-5)
	assert.Equal(t, 1.0, r.Upper, "clipped")
	r90, err := DeLong(scores, y, 0.9)
	require.NoError(t, err)
	assert.Greater(t, r90.Lower, r.Lower, "a 90 % interval is narrower")
}

// placementDeLong is the O(mn) definition: ψ(x, y) = 1, ½ or 0 as the
// positive's score x is above, equal to or below the negative's y;
// V10ᵢ = meanⱼ ψ(xᵢ, yⱼ), V01ⱼ = meanᵢ ψ(xᵢ, yⱼ) (DeLong et al. 1988).
func placementDeLong(pos, neg []float64) (auc, v float64) {
	psi := func(x, y float64) float64 {
		switch {
		case x > y:
			return 1
		case x == y:
			return 0.5
		}
		return 0
	}
	m, n := float64(len(pos)), float64(len(neg))
	v10, v01 := make([]float64, len(pos)), make([]float64, len(neg))
	for i, x := range pos {
		for j, y := range neg {
			p := psi(x, y)
			v10[i] += p / n
			v01[j] += p / m
			auc += p / (m * n)
		}
	}
	variance := func(x []float64, mean float64) float64 {
		var ss float64
		for _, v := range x {
			ss += (v - mean) * (v - mean)
		}
		return ss / float64(len(x)-1)
	}
	return auc, variance(v10, auc)/m + variance(v01, auc)/n
}

// TestDeLongPlacements checks the midrank algorithm against the O(mn)
// definition on random data, with and without ties (scores rounded to
// one decimal), to 1e-12 (rounding of sums of a few hundred terms).
func TestDeLongPlacements(t *testing.T) {
	r := rand.New(rand.NewPCG(17, 1))
	for trial := range 40 {
		n := 2 + r.IntN(300)
		scores := make([]float64, n)
		y := make([]bool, n)
		var pos, neg []float64
		for i := range scores {
			y[i] = i < 2 || (i >= 4 && r.Float64() < 0.3) // at least 2 of each class
			scores[i] = r.NormFloat64() + 0.7*boolF(y[i])
			if trial%2 == 0 {
				scores[i] = math.Round(scores[i]*10) / 10
			}
			if y[i] {
				pos = append(pos, scores[i])
			} else {
				neg = append(neg, scores[i])
			}
		}
		got, err := DeLong(scores, y, 0.95)
		require.NoError(t, err)
		auc, v := placementDeLong(pos, neg)
		assert.InDelta(t, auc, got.AUC, 1e-12, "trial %d", trial)
		assert.InDelta(t, v, got.Var, 1e-12, "trial %d", trial)
	}
}

func TestDeLongEdges(t *testing.T) {
	for _, tc := range []struct {
		name          string
		scores        []float64
		y             []bool
		auc, lo, hi   float64
		nanVar, error bool
	}{
		{name: "separated", scores: []float64{3, 2, 1, 0}, y: []bool{true, true, false, false}, auc: 1, lo: 1, hi: 1},
		{name: "one positive", scores: []float64{3, 2, 1}, y: []bool{true, false, false}, auc: 1, nanVar: true},
		{name: "one class", scores: []float64{3, 2}, y: []bool{true, true}, error: true},
		{name: "NaN score", scores: []float64{math.NaN(), 2}, y: []bool{true, false}, error: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := DeLong(tc.scores, tc.y, 0)
			if tc.error {
				require.Error(t, err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.auc, r.AUC)
			if tc.nanVar {
				assert.True(t, math.IsNaN(r.Var) && math.IsNaN(r.Lower) && math.IsNaN(r.Upper))
				return
			}
			assert.Equal(t, tc.lo, r.Lower)
			assert.Equal(t, tc.hi, r.Upper)
		})
	}
	for _, level := range []float64{-0.1, 1, math.NaN()} {
		_, err := DeLong([]float64{1, 0}, []bool{true, false}, level)
		assert.ErrorIs(t, err, ErrBadOutcome, "level %v", level)
	}
}
