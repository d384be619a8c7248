package train

import (
	"testing"
	"time"

	"github.com/firedraw/firedraw/risk"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCrossValidate(t *testing.T) {
	tab, y := simulate(11, 3000, -1, []float64{1, -0.5}, []float64{0, 0}, []float64{1, 1})
	a, err := CrossValidate(tab, y, 5, 42, FitConfig{Lambda: 1e-3})
	require.NoError(t, err)
	b, err := CrossValidate(tab, y, 5, 42, FitConfig{Lambda: 1e-3})
	require.NoError(t, err)
	assert.Equal(t, a.Scores, b.Scores, "same seed, same result")
	// Folds are stratified: each holds a fifth of the positives (±1).
	var pos [5]int
	total := 0
	for i, f := range a.Fold {
		if y[i] {
			pos[f]++
			total++
		}
	}
	for _, p := range pos {
		assert.InDelta(t, float64(total)/5, float64(p), 1)
	}
	// Out-of-fold AUC is close to the AUC of the true linear predictor
	// (0.746 on this sample).
	eta := make([]float64, len(y))
	for i := range y {
		eta[i] = tab.At(i, 0) - 0.5*tab.At(i, 1)
	}
	truth, err := AUC(eta, y)
	require.NoError(t, err)
	assert.InDelta(t, truth, a.Evaluation.AUC, 0.01)
	assert.Len(t, a.Models, 5)
	c, err := CrossValidate(tab, y, 5, 43, FitConfig{Lambda: 1e-3})
	require.NoError(t, err)
	assert.NotEqual(t, a.Fold, c.Fold, "another seed, other folds")
	_, err = CrossValidate(tab, y, 1, 42, FitConfig{})
	assert.ErrorIs(t, err, ErrBadOutcome)
	_, err = CrossValidate(tab, y[:10], 5, 42, FitConfig{})
	assert.ErrorIs(t, err, ErrBadOutcome)
}

func TestTemporalSplit(t *testing.T) {
	rec := fixtureRecords()
	// Outcomes after the cut: a fire at U1, a major violation at U2, a
	// minor one at U3, and a fire at U3 after the horizon.
	rec.Incidents = append(rec.Incidents, risk.Incident{UnitID: "U1", Time: fxAsOf.Add(24 * time.Hour), Type: risk.Fire},
		risk.Incident{UnitID: "U3", Time: fxAsOf.AddDate(2, 0, 0), Type: risk.Fire})
	rec.Inspections = append(rec.Inspections,
		risk.Inspection{UnitID: "U2", Date: fxAsOf.AddDate(0, 3, 0), Violations: []risk.Violation{{Severity: risk.Major}}},
		risk.Inspection{UnitID: "U3", Date: fxAsOf.AddDate(0, 3, 0), Violations: []risk.Violation{{Severity: risk.Minor}}})
	s, err := TemporalSplit(rec, fxAsOf, SplitConfig{})
	require.NoError(t, err)
	assert.Equal(t, []bool{true, true, false}, s.Y)
	assert.Equal(t, fxAsOf.Add(365*24*time.Hour), s.End)
	want, err := risk.Extract(fixtureRecords(), fxAsOf, risk.FeatureConfig{})
	require.NoError(t, err)
	assert.Equal(t, want.X, s.Table.X, "features ignore the outcome period")
	s, err = TemporalSplit(rec, fxAsOf, SplitConfig{FiresOnly: true})
	require.NoError(t, err)
	assert.Equal(t, []bool{true, false, false}, s.Y)
	s, err = TemporalSplit(rec, fxAsOf, SplitConfig{Horizon: 3 * 365 * 24 * time.Hour, FiresOnly: true})
	require.NoError(t, err)
	assert.Equal(t, []bool{true, false, true}, s.Y)
}
