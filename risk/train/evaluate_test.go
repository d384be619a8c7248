package train

import (
	"math"
	"testing"

	"github.com/firedraw/firedraw/risk"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestEvaluateHandComputed(t *testing.T) {
	// 8 units, 3 positives, scores with ties.
	scores := []float64{0.9, 0.8, 0.8, 0.6, 0.6, 0.6, 0.3, 0.1}
	y := []bool{true, false, true, false, true, false, false, false}
	// AUC by pairs (positive, negative): positives at 0.9, 0.8, 0.6;
	// negatives at 0.8, 0.6, 0.6, 0.3, 0.1.
	// 0.9 beats all 5 → 5; 0.8 beats 4, ties 1 → 4.5; 0.6 beats 2, ties 2 → 3.
	// AUC = 12.5 / 15.
	wantAUC := 12.5 / 15
	ev, err := Evaluate(scores, y, EvalConfig{K: []int{1, 2, 4}, TopShares: []float64{0.25, 0.5}, Bins: 2})
	require.NoError(t, err)
	assert.InDelta(t, wantAUC, ev.AUC, 1e-15)
	assert.Equal(t, 8, ev.N)
	assert.Equal(t, 3, ev.Positives)
	assert.Equal(t, 3.0/8, ev.BaseRate)
	// k=1: {0.9} → 1 positive. k=2: 0.9 plus half of the tied pair at 0.8
	// (one positive of two) → 1.5. k=4: 0.9, both 0.8, and one of the three
	// tied at 0.6 (one positive of three) → 2 + 1/3.
	wantTP := []float64{1, 1.5, 2 + 1.0/3}
	for i, k := range []int{1, 2, 4} {
		assert.Equal(t, k, ev.AtK[i].K)
		assert.InDelta(t, wantTP[i]/float64(k), ev.AtK[i].Precision, 1e-15, "precision@%d", k)
		assert.InDelta(t, wantTP[i]/3, ev.AtK[i].Recall, 1e-15, "recall@%d", k)
		assert.InDelta(t, wantTP[i]/float64(k)/(3.0/8), ev.AtK[i].Lift, 1e-12, "lift@%d", k)
	}
	// Top 25 % = 2 units → 1.5 of 3 positives; top 50 % = 4 units → 7/3 of 3.
	assert.Equal(t, 2, ev.Top[0].Units)
	assert.InDelta(t, 0.5, ev.Top[0].Captured, 1e-15)
	assert.InDelta(t, 2.0, ev.Top[0].Lift, 1e-12)
	assert.InDelta(t, 7.0/9, ev.Top[1].Captured, 1e-15)
	// Brier: Σ (s−y)² / 8.
	var b float64
	for i, s := range scores {
		d := s
		if y[i] {
			d = s - 1
		}
		b += d * d
	}
	assert.InDelta(t, b/8, ev.Brier, 1e-15)
	hand := (0.01 + 0.64 + 0.04 + 0.36 + 0.16 + 0.36 + 0.09 + 0.01) / 8
	assert.InDelta(t, hand, ev.Brier, 1e-15)
	// Reliability: 2 bins of 4 units, lowest scores first.
	require.Len(t, ev.Reliability, 2)
	lo, hi := ev.Reliability[0], ev.Reliability[1]
	assert.Equal(t, 4, lo.N)
	assert.InDelta(t, (0.1+0.3+0.6+0.6)/4, lo.MeanScore, 1e-15)
	assert.InDelta(t, 0.1, lo.Lo, 0)
	assert.InDelta(t, 0.6, lo.Hi, 0)
	assert.InDelta(t, (0.9+0.8+0.8+0.6)/4, hi.MeanScore, 1e-15)
	// The tied 0.6 group is split by unit index (stable order): units 3, 4
	// come first in decreasing order, so units 4 and 5 fall in the low bin.
	assert.InDelta(t, 1.0/4, lo.Observed, 1e-15)
	assert.InDelta(t, 2.0/4, hi.Observed, 1e-15)

	auc, err := AUC(scores, y)
	require.NoError(t, err)
	assert.Equal(t, ev.AUC, auc)
	p, err := PrecisionAt(scores, y, 2)
	require.NoError(t, err)
	assert.Equal(t, 0.75, p)
	r, err := RecallAt(scores, y, 4)
	require.NoError(t, err)
	assert.InDelta(t, 7.0/9, r, 1e-15)
	c, err := CapturedInTop(scores, y, 0.25)
	require.NoError(t, err)
	assert.Equal(t, 0.5, c)
}

func TestAUCExtremes(t *testing.T) {
	y := []bool{false, false, true, true}
	for _, tc := range []struct {
		name   string
		scores []float64
		want   float64
	}{
		{"perfect", []float64{1, 2, 3, 4}, 1},
		{"reversed", []float64{4, 3, 2, 1}, 0},
		{"all tied", []float64{5, 5, 5, 5}, 0.5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, err := AUC(tc.scores, y)
			require.NoError(t, err)
			assert.Equal(t, tc.want, a)
		})
	}
	// Scores outside [0, 1]: no Brier, no reliability.
	ev, err := Evaluate([]float64{1, 2, 3, 4}, y, EvalConfig{})
	require.NoError(t, err)
	assert.True(t, math.IsNaN(ev.Brier))
	assert.Nil(t, ev.Reliability)
}

func TestEvaluateErrors(t *testing.T) {
	for _, tc := range []struct {
		name   string
		scores []float64
		y      []bool
		cfg    EvalConfig
		is     error
		text   string
	}{
		{"lengths", []float64{1, 2}, []bool{true}, EvalConfig{}, ErrBadOutcome, "2 scores for 1 outcomes"},
		{"all zero", []float64{1, 2}, []bool{false, false}, EvalConfig{}, ErrBadOutcome, "0 of 2"},
		{"all one", []float64{1, 2}, []bool{true, true}, EvalConfig{}, ErrBadOutcome, "2 of 2"},
		{"NaN", []float64{1, math.NaN()}, []bool{true, false}, EvalConfig{}, risk.ErrBadFeature, "unit 1"},
		{"k", []float64{1, 2}, []bool{true, false}, EvalConfig{K: []int{3}}, ErrBadOutcome, "k = 3"},
		{"share", []float64{1, 2}, []bool{true, false}, EvalConfig{TopShares: []float64{0}}, ErrBadOutcome, "share 0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Evaluate(tc.scores, tc.y, tc.cfg)
			require.Error(t, err)
			assert.ErrorIs(t, err, tc.is)
			assert.Contains(t, err.Error(), tc.text)
		})
	}
}
