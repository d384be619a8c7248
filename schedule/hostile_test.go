package schedule_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/firedraw/firedraw/risk"
	"github.com/firedraw/firedraw/risk/synthcity"
	"github.com/firedraw/firedraw/sampling"
	"github.com/firedraw/firedraw/schedule"
	"github.com/firedraw/firedraw/schedule/protocol"
)

// TestHostileFutureInspectionAssess plants a random-draw inspection dated
// 2030 on a unit: before the fix the frame took it as the unit's last
// visit and gave it π = 0 in every round of 2026. Assess must leave it
// out (and report it), or refuse it with StrictDates.
func TestHostileFutureInspectionAssess(t *testing.T) {
	city, err := synthcity.Generate(synthcity.Config{Units: 120, Seed: 3})
	require.NoError(t, err)
	recs := city.Records
	clean, err := schedule.Assess(&recs, city.AsOf, schedule.AssessConfig{})
	require.NoError(t, err)
	assert.Zero(t, clean.Dates.LeftOut)
	// A unit with a chance in every round of the clean city.
	var unit string
	for id, p := range roundPis(t, city, clean) {
		if !slices.Contains(p, 0) && (unit == "" || id < unit) {
			unit = id
		}
	}
	require.NotEmpty(t, unit)

	future := time.Date(2030, 3, 1, 0, 0, 0, 0, time.UTC)
	recs.Inspections = append(append([]risk.Inspection(nil), recs.Inspections...), risk.Inspection{
		ID: "FUTURE-1", UnitID: unit, Date: future, Inspectors: []string{recs.Inspectors[0].ID, recs.Inspectors[1].ID},
		Result: risk.Pass, Reason: risk.RandomDraw,
	})

	_, err = schedule.Assess(&recs, city.AsOf, schedule.AssessConfig{StrictDates: true})
	require.ErrorIs(t, err, risk.ErrFuture)
	assert.Contains(t, err.Error(), `column "date" of record "FUTURE-1": value "2030-03-01"`)

	assessed, err := schedule.Assess(&recs, city.AsOf, schedule.AssessConfig{})
	require.NoError(t, err)
	require.NotNil(t, assessed.Dates)
	assert.Equal(t, 1, assessed.Dates.LeftOut)
	fu, ok := assessed.Frame.Unit(unit)
	require.True(t, ok)
	was, _ := clean.Frame.Unit(unit)
	assert.Equal(t, was.LastRandom, fu.LastRandom, "the 2030 inspection is no visit as of %s", city.AsOf)
	assert.Equal(t, clean.HistoryStart, assessed.HistoryStart)
	for r, pi := range roundPis(t, city, assessed)[unit] {
		assert.Positive(t, pi, "round %d: the unit keeps its chance", r)
	}
}

// roundPis returns each unit's π in every monthly round of the year from
// the city's as-of date: the π PlanRound draws with (schedule.Reasons).
func roundPis(t *testing.T, city *synthcity.City, a *schedule.Assessment) map[string][]float64 {
	t.Helper()
	rounds, err := schedule.Period(city.AsOf, 12, schedule.Month)
	require.NoError(t, err)
	cfg := &schedule.Config{Rounds: rounds, HistoryStart: a.HistoryStart}
	units := a.Frame.Units()
	out := map[string][]float64{}
	for r := range rounds {
		rs, err := schedule.Reasons(cfg, a.Frame, r)
		require.NoError(t, err)
		for k, reason := range rs {
			out[units[k].ID] = append(out[units[k].ID], reason.Pi)
		}
	}
	return out
}

// planSingle plans round r of cfg under a single-operator manifest whose
// deadlines fall before the round (the record digests stand in for
// schedule.Snapshot's: PlanRound checks the frame and pool, not them).
func planSingle(t *testing.T, cfg *schedule.Config, frame *schedule.Frame, pool *schedule.Pool, r int, asOf time.Time) *schedule.Disclosure {
	t.Helper()
	d := protocol.Digest{SHA256: strings.Repeat("0", 64)}
	start := cfg.Rounds[r].Start
	m, err := schedule.NewManifest(cfg, r, frame, pool, schedule.ManifestParams{PeriodID: "2026", AsOf: asOf,
		Records: protocol.Records{Units: protocol.Digest{Count: int64(frame.Len()), SHA256: d.SHA256}, Telemetry: d, Incidents: d,
			Inspections: d, Credit: d, Inspectors: protocol.Digest{Count: int64(pool.Len()), SHA256: d.SHA256}},
		Model: protocol.Model{Weights: d.SHA256, Config: d.SHA256},
		Randomness: protocol.Randomness{SingleOperator: true, Parties: []string{"operator"},
			CommitBy: protocol.FormatTime(start.AddDate(0, 0, -7)), RevealBy: protocol.FormatTime(start.AddDate(0, 0, -4))}})
	require.NoError(t, err)
	seed, err := sampling.ParseSeed(strings.Repeat("3c", 32))
	require.NoError(t, err)
	disc, err := schedule.PlanRound(m, frame, pool, seed, 2)
	require.NoError(t, err)
	return disc
}

// TestHostileOutcomeDates records outcomes dated after today (2031) or
// before their visit: RecordAt refuses each, naming the task and field.
func TestHostileOutcomeDates(t *testing.T) {
	city, err := synthcity.Generate(synthcity.Config{Units: 120, Seed: 3})
	require.NoError(t, err)
	assessed, err := schedule.Assess(&city.Records, city.AsOf, schedule.AssessConfig{})
	require.NoError(t, err)
	rounds, err := schedule.Period(city.AsOf, 12, schedule.Month)
	require.NoError(t, err)
	pool, err := schedule.NewPool(city.Inspectors)
	require.NoError(t, err)
	cfg := &schedule.Config{Rounds: rounds, HistoryStart: assessed.HistoryStart}
	disc := planSingle(t, cfg, assessed.Frame, pool, 1, city.AsOf)
	require.NotEmpty(t, disc.Tasks)
	task := disc.Tasks[0]
	visit := task.Date.Time()
	now := visit.AddDate(0, 1, 0)
	major := func(rectified time.Time) []risk.Violation {
		return []risk.Violation{{Code: "V1", Severity: risk.Major, Rectified: rectified}}
	}
	for _, tc := range []struct {
		name    string
		o       schedule.Outcome
		wantErr error
		want    string
	}{
		{"visit in 2031", schedule.Outcome{TaskID: task.ID, Date: time.Date(2031, 5, 1, 0, 0, 0, 0, time.UTC), Result: risk.Pass},
			risk.ErrFuture, `field "date": visit on 2031-05-01 after today`},
		{"visit before the task's date", schedule.Outcome{TaskID: task.ID, Date: visit.AddDate(0, 0, -3), Result: risk.Pass},
			risk.ErrBadTime, `field "date": visit on ` + visit.AddDate(0, 0, -3).Format(time.DateOnly) + " before the task's date"},
		{"rectified in 2031", schedule.Outcome{TaskID: task.ID, Result: risk.Fail, Violations: major(time.Date(2031, 1, 2, 0, 0, 0, 0, time.UTC))},
			risk.ErrFuture, `violation 0 ("V1"): field "rectified": 2031-01-02 after today`},
		{"rectified before the visit", schedule.Outcome{TaskID: task.ID, Result: risk.Fail, Violations: major(visit.AddDate(0, 0, -1))},
			risk.ErrBadTime, `field "rectified": ` + visit.AddDate(0, 0, -1).Format(time.DateOnly) + " before the visit"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l, err := schedule.NewLedger(disc)
			require.NoError(t, err)
			err = l.RecordAt(tc.o, now)
			require.ErrorIs(t, err, tc.wantErr)
			require.ErrorIs(t, err, schedule.ErrBadInput)
			assert.Contains(t, err.Error(), "task "+task.ID)
			assert.Contains(t, err.Error(), tc.want)
			assert.Empty(t, l.Inspections(), "nothing is recorded")
		})
	}
	l, err := schedule.NewLedger(disc)
	require.NoError(t, err)
	require.NoError(t, l.RecordAt(schedule.Outcome{TaskID: task.ID, Result: risk.Fail, Violations: major(visit)}, now))
	assert.Len(t, l.Inspections(), 1, "a visit on its date, rectified on the spot, is recorded")
}
