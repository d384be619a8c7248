package schedule_test

import (
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/firedraw/firedraw/risk"
	"github.com/firedraw/firedraw/risk/synthcity"
	"github.com/firedraw/firedraw/schedule"
)

// smallCity is a 200-unit synthetic city, generated once.
var smallCity = sync.OnceValues(func() (*synthcity.City, error) {
	return synthcity.Generate(synthcity.Config{Units: 200})
})

// copyRecords returns a copy of the records whose slices can be reordered
// or edited without touching the shared city.
func copyRecords(r *risk.Records) *risk.Records {
	return &risk.Records{
		Units: slices.Clone(r.Units), Telemetry: slices.Clone(r.Telemetry), Incidents: slices.Clone(r.Incidents),
		Inspections: slices.Clone(r.Inspections), Credit: slices.Clone(r.Credit), Inspectors: slices.Clone(r.Inspectors),
	}
}

// stepByStep is Assess written out as the example programs did
// before it existed: the reference its frame must match to the byte.
func stepByStep(t *testing.T, rec *risk.Records, asOf time.Time, cfg schedule.AssessConfig) (*schedule.Frame, []float64, time.Time) {
	t.Helper()
	model := cfg.Model
	if model == nil {
		model = risk.DefaultModel()
	}
	table, err := risk.Extract(rec, asOf, cfg.Features)
	require.NoError(t, err)
	scores, err := model.Score(table)
	require.NoError(t, err)
	as, err := risk.AssignLevels(rec.Units, table, scores.Prob, cfg.Levels)
	require.NoError(t, err)
	levels := make([]risk.Level, len(as))
	for k := range as {
		levels[k] = as[k].Level
	}
	annual, err := cfg.Policy.Annual(rec.Units, levels, scores.Prob)
	require.NoError(t, err)
	frame, err := schedule.NewFrame(rec.Units, levels, annual, rec.Inspections)
	require.NoError(t, err)
	var start time.Time
	for _, in := range rec.Inspections {
		if start.IsZero() || in.Date.Before(start) {
			start = in.Date
		}
	}
	return frame, annual, start
}

func TestAssess(t *testing.T) {
	city, err := smallCity()
	require.NoError(t, err)
	// A model of two of the default model's terms.
	small := &risk.Model{Name: "two terms", Intercept: -2, Terms: risk.DefaultModel().Terms[:2]}
	for _, tc := range []struct {
		name string
		cfg  schedule.AssessConfig
		edit func(*risk.Records)
		// noHistory: the records hold no inspection.
		noHistory bool
	}{
		{name: "zero config"},
		{name: "model", cfg: schedule.AssessConfig{Model: small}},
		{name: "features", cfg: schedule.AssessConfig{Features: risk.FeatureConfig{HalfLife: 90 * 24 * time.Hour}}},
		{name: "levels", cfg: schedule.AssessConfig{Levels: risk.LevelConfig{Shares: [risk.NumLevels]float64{0.25, 0.25, 0.25, 0.25}, NoOverrides: true}}},
		{name: "policy", cfg: schedule.AssessConfig{Policy: schedule.Policy{Frequencies: [risk.NumLevels]float64{0.1, 0.5, 2, 6}, Strength: 0.5}}},
		{name: "shuffled records", edit: func(r *risk.Records) {
			rng := rand.New(rand.NewPCG(7, 8))
			rng.Shuffle(len(r.Units), func(i, j int) { r.Units[i], r.Units[j] = r.Units[j], r.Units[i] })
			rng.Shuffle(len(r.Inspections), func(i, j int) { r.Inspections[i], r.Inspections[j] = r.Inspections[j], r.Inspections[i] })
			rng.Shuffle(len(r.Telemetry), func(i, j int) { r.Telemetry[i], r.Telemetry[j] = r.Telemetry[j], r.Telemetry[i] })
		}},
		{name: "no inspections", edit: func(r *risk.Records) { r.Inspections = nil }, noHistory: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := copyRecords(&city.Records)
			if tc.edit != nil {
				tc.edit(rec)
			}
			d, err := schedule.Assess(rec, city.AsOf, tc.cfg)
			require.NoError(t, err)
			frame, annual, start := stepByStep(t, rec, city.AsOf, tc.cfg)
			assert.Equal(t, frame.Hash(), d.Frame.Hash(), "directory hash")
			assert.Equal(t, frame.HistoryHash(), d.Frame.HistoryHash(), "history hash")
			assert.Equal(t, annual, d.Annual)
			assert.Equal(t, start, d.HistoryStart)
			assert.Equal(t, tc.noHistory, d.HistoryStart.IsZero())

			// The parts are parallel to the records' units.
			n := len(rec.Units)
			require.Equal(t, n, d.Frame.Len())
			require.Len(t, d.Levels, n)
			require.Len(t, d.Annual, n)
			require.Equal(t, n, d.Scores.Len())
			require.Equal(t, n, d.Table.Rows())
			for k, u := range rec.Units {
				fu, ok := d.Frame.Unit(u.ID)
				require.True(t, ok, u.ID)
				assert.Equal(t, d.Levels[k].Level, fu.Level, u.ID)
				assert.Equal(t, d.Annual[k], fu.Annual, u.ID)
				assert.Equal(t, u.ID, d.Table.UnitIDs[k])
			}
		})
	}

	// Order does not matter: the shuffled city has the zero config's frame.
	a, err := schedule.Assess(copyRecords(&city.Records), city.AsOf, schedule.AssessConfig{})
	require.NoError(t, err)
	rec := copyRecords(&city.Records)
	slices.Reverse(rec.Units)
	slices.Reverse(rec.Inspections)
	b, err := schedule.Assess(rec, city.AsOf, schedule.AssessConfig{})
	require.NoError(t, err)
	assert.Equal(t, a.Frame.Hash(), b.Frame.Hash())
	assert.Equal(t, a.Frame.HistoryHash(), b.Frame.HistoryHash())
	assert.Equal(t, a.HistoryStart, b.HistoryStart)
}

func TestAssessErrors(t *testing.T) {
	city, err := smallCity()
	require.NoError(t, err)
	for _, tc := range []struct {
		name string
		cfg  schedule.AssessConfig
		edit func(*risk.Records)
		want error // nil: any error
	}{
		{name: "duplicate unit", edit: func(r *risk.Records) { r.Units[1].ID = r.Units[0].ID }, want: risk.ErrDuplicateID},
		{name: "inspection of an unknown unit", edit: func(r *risk.Records) { r.Inspections[0].UnitID = "nobody" }, want: risk.ErrUnknownUnit},
		{name: "model of an unknown feature", cfg: schedule.AssessConfig{Model: &risk.Model{Terms: []risk.Term{{Feature: "no_such_feature", Coef: 1}}}}},
		{name: "bad level shares", cfg: schedule.AssessConfig{Levels: risk.LevelConfig{Shares: [risk.NumLevels]float64{0.5, 0.1, 0.1, 0.1}}}},
		{name: "bad policy", cfg: schedule.AssessConfig{Policy: schedule.Policy{Strength: 2}}, want: schedule.ErrBadPolicy},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := copyRecords(&city.Records)
			if tc.edit != nil {
				tc.edit(rec)
			}
			d, err := schedule.Assess(rec, city.AsOf, tc.cfg)
			require.Error(t, err)
			assert.Nil(t, d)
			if tc.want != nil {
				assert.ErrorIs(t, err, tc.want)
			}
		})
	}
	assert.PanicsWithValue(t, "schedule: Assess of nil records", func() {
		_, _ = schedule.Assess(nil, city.AsOf, schedule.AssessConfig{})
	})
}
