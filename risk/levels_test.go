package risk

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// levelFixture is a hand-built table of 10 units with scores 0.05 … 0.95.
func levelFixture() ([]Unit, *Table, []float64) {
	units := make([]Unit, 10)
	ids := make([]string, 10)
	scores := make([]float64, 10)
	x := make([]float64, 10*2) // cred_dishonest, hist_open_major
	for i := range units {
		ids[i] = string(rune('a' + i))
		units[i].ID = ids[i]
		scores[i] = 0.05 + 0.1*float64(i)
	}
	units[0].KeyUnit = true      // Low by score ⇒ General
	units[1].HighFireRisk = true // Low ⇒ Higher
	x[2*2+1] = 1                 // unit c: open major ⇒ Higher
	x[3*2+0] = 1                 // unit d: dishonest ⇒ High
	units[9].KeyUnit = true      // already High: no change
	units[4].HighFireRisk = true // unit e
	x[4*2+0] = 1                 // e: both; dishonesty wins
	return units, &Table{Names: []string{FeatCredDishonest, FeatHistOpenMajor}, UnitIDs: ids, X: x}, scores
}

func TestAssignLevelsThresholdsAndOverrides(t *testing.T) {
	units, tab, scores := levelFixture()
	got, err := AssignLevels(units, tab, scores, LevelConfig{Thresholds: [3]float64{0.3, 0.6, 0.9}})
	require.NoError(t, err)
	want := []struct {
		score, level Level
		rule         string
		overrides    []string
	}{
		{Low, LevelGeneral, RuleKeyUnit, []string{RuleKeyUnit}},
		{Low, Higher, RuleHighFireRisk, []string{RuleHighFireRisk}},
		{Low, Higher, RuleOpenMajor, []string{RuleOpenMajor}},
		{LevelGeneral, High, RuleDishonest, []string{RuleDishonest}},
		{LevelGeneral, High, RuleDishonest, []string{RuleDishonest, RuleHighFireRisk}},
		{LevelGeneral, LevelGeneral, "score 0.55 ≥ 0.3", nil},
		{Higher, Higher, "score 0.65 ≥ 0.6", nil},
		{Higher, Higher, "score 0.75 ≥ 0.6", nil},
		{Higher, Higher, "score 0.85 ≥ 0.6", nil},
		{High, High, "score 0.95 ≥ 0.9", []string{RuleKeyUnit}},
	}
	for i, w := range want {
		assert.Equal(t, w.score, got[i].ScoreLevel, "unit %d", i)
		assert.Equal(t, w.level, got[i].Level, "unit %d", i)
		assert.Equal(t, w.rule, got[i].Rule, "unit %d", i)
		assert.Equal(t, w.overrides, got[i].Overrides, "unit %d", i)
	}

	noOv, err := AssignLevels(units, tab, scores, LevelConfig{Thresholds: [3]float64{0.3, 0.6, 0.9}, NoOverrides: true})
	require.NoError(t, err)
	assert.Equal(t, Low, noOv[0].Level)
	assert.Equal(t, "score 0.05 below every threshold", noOv[0].Rule)
}

func TestAssignLevelsShares(t *testing.T) {
	units, tab, scores := levelFixture()
	// Default shares 40/40/15/5 of 10 units: the top round(0.5) = 1 unit
	// is High (math.Round rounds halves away from zero), the top 2 at
	// least Higher, the top 6 at least General.
	got, err := AssignLevels(units, tab, scores, LevelConfig{NoOverrides: true})
	require.NoError(t, err)
	var count [NumLevels]int
	for _, a := range got {
		count[a.Level]++
	}
	assert.Equal(t, [NumLevels]int{4, 4, 1, 1}, count)
	assert.Equal(t, "score 0.95 ≥ 0.95 (top 5 %)", got[9].Rule)
	assert.Equal(t, "score 0.85 ≥ 0.85 (top 20 %)", got[8].Rule)

	// Ties share a level: every score equal ⇒ every unit High.
	same := make([]float64, len(scores))
	got, err = AssignLevels(units, tab, same, LevelConfig{NoOverrides: true})
	require.NoError(t, err)
	for _, a := range got {
		assert.Equal(t, High, a.Level)
	}
}

func TestAssignLevelsErrors(t *testing.T) {
	units, tab, scores := levelFixture()
	bad := append([]Unit(nil), units...)
	bad[3].ID = "zz"
	_, err := AssignLevels(bad, tab, scores, LevelConfig{})
	assert.ErrorIs(t, err, ErrFeatureMismatch)
	assert.Contains(t, err.Error(), `"zz"`)
	_, err = AssignLevels(units, tab, scores[:3], LevelConfig{})
	assert.ErrorIs(t, err, ErrFeatureMismatch)
	_, err = AssignLevels(units, tab, scores, LevelConfig{Shares: [4]float64{0.5, 0.5, 0.5, 0}})
	assert.Error(t, err)
	_, err = AssignLevels(units, tab, scores, LevelConfig{Thresholds: [3]float64{0.5, 0.4, 0.9}})
	assert.Error(t, err)
	noCols := &Table{Names: []string{"x"}, UnitIDs: tab.UnitIDs, X: make([]float64, 10)}
	_, err = AssignLevels(units, noCols, scores, LevelConfig{})
	assert.ErrorIs(t, err, ErrFeatureMismatch)
	assert.Contains(t, err.Error(), FeatCredDishonest)
}
