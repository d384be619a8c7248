//go:build firedraw_targeted_port

package schedule_test

import (
	"errors"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/firedraw/firedraw/risk"
	"github.com/firedraw/firedraw/risk/alert"
	"github.com/firedraw/firedraw/risk/synthcity"
	"github.com/firedraw/firedraw/sampling"
	"github.com/firedraw/firedraw/schedule"
)

// targetedRound is the first monthly round of the default city's year,
// drawn at random, with its serious alerts as targets.
type targetedRound struct {
	rec     *risk.Records
	cfg     *schedule.Config
	frame   *schedule.Frame
	pool    *schedule.Pool
	in      *schedule.TargetedInput
	targets []schedule.Target
}

var targetedSeed = sampling.Seed{1, 4, 14} // any fixed seed

// buildTargeted assesses rec at asOf, draws round 0 of the year from
// asOf's month with seed and builds the targets of the alerts of
// severity ≥ serious raised in the month before asOf.
func buildTargeted(rec *risk.Records, asOf time.Time, seed sampling.Seed) (*targetedRound, error) {
	as, err := schedule.Assess(rec, asOf, schedule.AssessConfig{})
	if err != nil {
		return nil, err
	}
	pool, err := schedule.NewPool(rec.Inspectors)
	if err != nil {
		return nil, err
	}
	rounds, err := schedule.Period(time.Date(asOf.Year(), asOf.Month(), 1, 0, 0, 0, 0, time.UTC), 12, schedule.Month)
	if err != nil {
		return nil, err
	}
	cfg := &schedule.Config{Rounds: rounds, HistoryStart: as.HistoryStart}
	random, err := schedule.PlanRound(cfg, as.Frame, pool, 0, seed, schedule.Commit(seed, asOf.AddDate(0, 0, -7)))
	if err != nil {
		return nil, err
	}
	rep, err := alert.Evaluate(rec.Telemetry, rec.Incidents, asOf, alert.Config{})
	if err != nil {
		return nil, err
	}
	since := asOf.AddDate(0, -1, 0)
	targets, err := as.Targets(rec.Units, rep, since, alert.Serious, nil)
	if err != nil {
		return nil, err
	}
	return &targetedRound{rec: rec, cfg: cfg, frame: as.Frame, pool: pool, targets: targets,
		in: &schedule.TargetedInput{Random: random, Seed: seed, Targets: targets, MinSeverity: alert.Serious, Since: since}}, nil
}

func newTargetedRound(t testing.TB, rec *risk.Records, asOf time.Time, seed sampling.Seed) *targetedRound {
	t.Helper()
	r, err := buildTargeted(rec, asOf, seed)
	require.NoError(t, err)
	return r
}

var defaultTargetedOnce = sync.OnceValues(func() (*targetedRound, error) {
	c := synthcity.Default()
	return buildTargeted(&c.Records, c.AsOf, targetedSeed)
})

// defaultTargeted is the default city's first round with its targets,
// built once.
func defaultTargeted(t testing.TB) *targetedRound {
	t.Helper()
	r, err := defaultTargetedOnce()
	require.NoError(t, err)
	return r
}

func (r *targetedRound) plan(t testing.TB) *schedule.TargetedDisclosure {
	t.Helper()
	td, err := schedule.PlanTargeted(r.cfg, r.frame, r.pool, 0, r.in)
	require.NoError(t, err)
	return td
}

// TestEarlyWarningTargetedDisclosed: every target of the default city's
// round has exactly one targeted task, disclosed with its triggers
// (rule, severity, raised time, evidence, explanations), a reason other
// than random, and an ID of its own; the disclosure reads back to the
// same bytes.
func TestEarlyWarningTargetedDisclosed(t *testing.T) {
	r := defaultTargeted(t)
	require.NotEmpty(t, r.targets, "the default city has serious alerts in the month before its as-of date")
	td := r.plan(t)
	require.Len(t, td.Tasks, len(r.targets))
	randomIDs := map[string]bool{}
	for _, rt := range r.in.Random.Tasks {
		randomIDs[rt.ID] = true
	}
	for i, task := range td.Tasks {
		assert.Equal(t, r.targets[i].Unit, task.Unit, "tasks by unit")
		assert.False(t, randomIDs[task.ID], "a targeted task's ID is its own")
		require.NotEmpty(t, task.Triggers)
		for _, tr := range task.Triggers {
			sev, err := alert.ParseSeverity(tr.Severity)
			require.NoError(t, err)
			assert.GreaterOrEqual(t, sev, alert.Serious, "only alerts at or above the configured severity make tasks")
			_, err = alert.ParseRule(tr.Rule)
			assert.NoError(t, err)
			assert.NotEmpty(t, tr.ExplanationZH)
			assert.NotEmpty(t, tr.ExplanationEN)
			assert.NotEmpty(t, tr.Evidence)
			assert.Greater(t, tr.Raised, td.Since, "raised after the previous round")
		}
		if task.RandomTask == "" {
			assert.Contains(t, []string{"incident", "other"}, task.Reason)
		} else {
			assert.Equal(t, "random", task.Reason)
		}
		assert.NotEqual(t, "remote", task.Method, "a targeted inspection is a visit")
		assert.NotEmpty(t, task.Focus)
	}
	b, err := td.MarshalCanonical()
	require.NoError(t, err)
	back, err := schedule.ParseTargeted(b)
	require.NoError(t, err)
	b2, err := back.MarshalCanonical()
	require.NoError(t, err)
	assert.Equal(t, string(b), string(b2))
	assert.NoError(t, schedule.VerifyTargeted(r.cfg, r.frame, r.pool, 0, r.in, back))
}

// TestEarlyWarningTargetedStaffing: targeted teams follow the random
// draw's team rules — one team per department of at least two
// inspectors, each qualified for the unit's category and district,
// without a declared conflict, not the unit's last lead, not on leave —
// and, counting the random tasks' visits, nobody exceeds the daily cap;
// visits fall in the round's first Within working days.
func TestEarlyWarningTargetedStaffing(t *testing.T) {
	r := defaultTargeted(t)
	td := r.plan(t)
	byID := map[string]risk.Inspector{}
	for _, in := range r.pool.Inspectors() {
		byID[in.ID] = in
	}
	first := r.cfg.Calendar.WorkingDays(r.cfg.Rounds[0])[:schedule.DefaultTargetedWithin]
	perDay := map[string]int{}
	count := func(id string, d schedule.Day) { perDay[id+"/"+d.String()]++ }
	for _, rt := range r.in.Random.Tasks {
		for _, tm := range rt.Teams {
			for _, id := range tm.Inspectors {
				count(id, rt.Date)
			}
		}
	}
	for _, task := range td.Tasks {
		u, ok := r.frame.Unit(task.Unit)
		require.True(t, ok)
		if task.RandomTask == "" {
			assert.Contains(t, first, task.Date, "unit %s: a targeted visit is prompt", task.Unit)
		}
		require.Len(t, task.Teams, 1, "one team without departments")
		team := task.Teams[0].Inspectors
		assert.GreaterOrEqual(t, len(team), 2)
		assert.Len(t, slices.Compact(slices.Sorted(slices.Values(team))), len(team), "no inspector twice")
		if task.RandomTask == "" {
			assert.NotEqual(t, u.LastLead, team[0], "unit %s: not led by its last lead", task.Unit)
		}
		for _, id := range team {
			in := byID[id]
			assert.Contains(t, in.Districts, u.District, "unit %s, inspector %s: district", task.Unit, id)
			assert.Contains(t, in.Categories, u.Category, "unit %s, inspector %s: category", task.Unit, id)
			assert.NotContains(t, in.Conflicts, task.Unit, "unit %s, inspector %s: conflict", task.Unit, id)
			for _, l := range in.Leave {
				assert.NotEqual(t, task.Date, schedule.DayOf(l), "unit %s, inspector %s: on leave", task.Unit, id)
			}
			if task.RandomTask == "" {
				count(id, task.Date)
			}
		}
	}
	for k, n := range perDay {
		assert.LessOrEqual(t, n, schedule.DefaultDailyCap, "inspector-day %s", k)
	}
}

// TestEarlyWarningTargetedBusyCounts: an inspector whose random visits
// reach his per-round cap gets no targeted visit. The random round is
// re-drawn with every second busy inspector's MaxPerRound set to his
// random load (the greedy draw then picks the same teams), so the cap
// binds exactly when targeted teams are drawn. (Capping every busy
// inspector leaves the default city's targets unstaffable: nearly
// everyone has a random visit in a month.)
func TestEarlyWarningTargetedBusyCounts(t *testing.T) {
	c := synthcity.Default()
	base := defaultTargeted(t)
	load := map[string]int{}
	for _, rt := range base.in.Random.Tasks {
		for _, tm := range rt.Teams {
			for _, id := range tm.Inspectors {
				load[id]++
			}
		}
	}
	require.NotEmpty(t, load)
	rec := c.Records
	rec.Inspectors = slices.Clone(rec.Inspectors)
	capped := map[string]bool{}
	busy := 0
	for _, in := range base.pool.Inspectors() { // by ID
		if load[in.ID] > 0 {
			capped[in.ID] = busy%2 == 0
			busy++
		}
	}
	for i := range rec.Inspectors {
		if id := rec.Inspectors[i].ID; capped[id] {
			rec.Inspectors[i].MaxPerRound = load[id]
		}
	}
	r := newTargetedRound(t, &rec, c.AsOf, targetedSeed)
	require.Equal(t, len(base.in.Random.Tasks), len(r.in.Random.Tasks))
	for i, rt := range r.in.Random.Tasks {
		assert.Equal(t, base.in.Random.Tasks[i].Teams, rt.Teams, "same random teams under exact caps")
	}
	uncapped := 0 // capped inspectors in the teams drawn without caps
	for _, task := range base.plan(t).Tasks {
		if task.RandomTask == "" {
			for _, id := range task.Teams[0].Inspectors {
				if capped[id] {
					uncapped++
				}
			}
		}
	}
	require.Positive(t, uncapped, "without the caps the capped inspectors are drawn")
	td, err := schedule.PlanTargeted(r.cfg, r.frame, r.pool, 0, r.in)
	require.NoError(t, err)
	for _, task := range td.Tasks {
		if task.RandomTask != "" {
			continue
		}
		for _, id := range task.Teams[0].Inspectors {
			assert.False(t, capped[id], "unit %s: inspector %s is at his cap with random visits", task.Unit, id)
		}
	}
}

// TestEarlyWarningTargetedDeterministic: the same inputs in any order
// give the same bytes; another seed gives other teams (the targeted
// stream is drawn from the seed).
func TestEarlyWarningTargetedDeterministic(t *testing.T) {
	r := defaultTargeted(t)
	want, err := r.plan(t).MarshalCanonical()
	require.NoError(t, err)
	rng := rand.New(rand.NewPCG(14, 1)) // any fixed stream
	for range 3 {
		in := *r.in
		in.Targets = slices.Clone(r.targets)
		rng.Shuffle(len(in.Targets), func(i, j int) { in.Targets[i], in.Targets[j] = in.Targets[j], in.Targets[i] })
		for i := range in.Targets {
			tr := slices.Clone(in.Targets[i].Triggers)
			rng.Shuffle(len(tr), func(a, b int) { tr[a], tr[b] = tr[b], tr[a] })
			in.Targets[i].Triggers = tr
		}
		td, err := schedule.PlanTargeted(r.cfg, r.frame, r.pool, 0, &in)
		require.NoError(t, err)
		got, err := td.MarshalCanonical()
		require.NoError(t, err)
		assert.Equal(t, string(want), string(got))
	}
	// Records in another order: the same frame, alerts and targets.
	c := synthcity.Default()
	rec := copyRecords(&c.Records)
	rng.Shuffle(len(rec.Units), func(i, j int) { rec.Units[i], rec.Units[j] = rec.Units[j], rec.Units[i] })
	rng.Shuffle(len(rec.Telemetry), func(i, j int) { rec.Telemetry[i], rec.Telemetry[j] = rec.Telemetry[j], rec.Telemetry[i] })
	rng.Shuffle(len(rec.Inspectors), func(i, j int) { rec.Inspectors[i], rec.Inspectors[j] = rec.Inspectors[j], rec.Inspectors[i] })
	got, err := newTargetedRound(t, rec, c.AsOf, targetedSeed).plan(t).MarshalCanonical()
	require.NoError(t, err)
	assert.Equal(t, string(want), string(got))

	other := newTargetedRound(t, &c.Records, c.AsOf, sampling.Seed{2}).plan(t)
	mine := r.plan(t)
	differ := false
	for i := range mine.Tasks {
		if mine.Tasks[i].RandomTask == "" && !slices.Equal(mine.Tasks[i].Teams[0].Inspectors, other.Tasks[i].Teams[0].Inspectors) {
			differ = true
		}
	}
	assert.True(t, differ, "targeted teams follow the seed")
}

// TestEarlyWarningTargetedTamper: VerifyTargeted names every change to a
// targeted task or the header, and accepts the untouched disclosure.
func TestEarlyWarningTargetedTamper(t *testing.T) {
	r := defaultTargeted(t)
	require.NoError(t, schedule.VerifyTargeted(r.cfg, r.frame, r.pool, 0, r.in, r.plan(t)))
	for _, tc := range []struct {
		name   string
		edit   func(td *schedule.TargetedDisclosure)
		naming string
	}{
		{"date", func(td *schedule.TargetedDisclosure) { td.Tasks[0].Date++ }, "date"},
		{"team", func(td *schedule.TargetedDisclosure) {
			team := td.Tasks[0].Teams[0].Inspectors
			team[0], team[1] = team[1], team[0]
		}, "teams"},
		{"inspector", func(td *schedule.TargetedDisclosure) { td.Tasks[0].Teams[0].Inspectors[1] = "I-999999" }, "teams"},
		{"focus", func(td *schedule.TargetedDisclosure) { td.Tasks[0].Focus = td.Tasks[0].Focus[1:] }, "focus"},
		{"trigger", func(td *schedule.TargetedDisclosure) { td.Tasks[0].Triggers[0].ExplanationEN = "nothing happened" }, "triggers"},
		{"severity", func(td *schedule.TargetedDisclosure) { td.Tasks[0].Severity = "warning" }, "severity"},
		{"reason", func(td *schedule.TargetedDisclosure) { td.Tasks[0].Reason = "random" }, "reason"},
		{"dropped", func(td *schedule.TargetedDisclosure) { td.Tasks = td.Tasks[1:] }, "missing"},
		{"added", func(td *schedule.TargetedDisclosure) {
			extra := td.Tasks[0]
			extra.Unit = "U-not-targeted"
			td.Tasks = append(td.Tasks, extra)
		}, "not in the re-run"},
		{"seed", func(td *schedule.TargetedDisclosure) { td.Seed = "00" }, "seed"},
		{"window", func(td *schedule.TargetedDisclosure) { td.WithinDays = 20 }, "within_days"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			td := r.plan(t)
			tc.edit(td)
			err := schedule.VerifyTargeted(r.cfg, r.frame, r.pool, 0, r.in, td)
			require.ErrorIs(t, err, schedule.ErrVerify)
			assert.ErrorContains(t, err, tc.naming)
		})
	}
}

// TestEarlyWarningTargetedOverlap: a unit both drawn at random and
// targeted in the round is visited once. Its targeted task names the
// random task, takes its date and teams, adds the targeted focus to the
// random task's, and discloses the trigger; its outcome is recorded once,
// as the random inspection. A targeted-only task's outcome enters the
// history with reason incident or other.
func TestEarlyWarningTargetedOverlap(t *testing.T) {
	r := defaultTargeted(t)
	require.NotEmpty(t, r.in.Random.Tasks)
	rt := r.in.Random.Tasks[0]
	crafted := r.targets[0]
	crafted.Unit = rt.Unit
	crafted.Focus = []string{"FAC-1"}
	in := *r.in
	in.Targets = append(slices.DeleteFunc(slices.Clone(r.targets), func(x schedule.Target) bool { return x.Unit == rt.Unit }), crafted)
	td, err := schedule.PlanTargeted(r.cfg, r.frame, r.pool, 0, &in)
	require.NoError(t, err)
	require.NoError(t, schedule.VerifyTargeted(r.cfg, r.frame, r.pool, 0, &in, td))
	i := slices.IndexFunc(td.Tasks, func(x schedule.TargetedTask) bool { return x.Unit == rt.Unit })
	require.GreaterOrEqual(t, i, 0)
	m := td.Tasks[i]
	assert.Equal(t, rt.ID, m.RandomTask)
	assert.Equal(t, rt.Date, m.Date)
	assert.Equal(t, rt.Teams, m.Teams)
	assert.Equal(t, "FAC-1", m.Focus[0], "the targeted focus first")
	for _, f := range rt.Focus {
		assert.Contains(t, m.Focus, f, "the random task's focus kept")
	}
	assert.Equal(t, crafted.Triggers, m.Triggers)
	rec, err := m.Inspection(rt.Date.Time(), risk.Pass, nil)
	require.NoError(t, err)
	assert.Equal(t, rt.ID, rec.ID, "one visit: the random task's record")
	assert.Equal(t, risk.RandomDraw, rec.Reason)

	j := slices.IndexFunc(td.Tasks, func(x schedule.TargetedTask) bool { return x.RandomTask == "" })
	require.GreaterOrEqual(t, j, 0)
	own := td.Tasks[j]
	rec, err = own.Inspection(own.Date.Time(), risk.Pass, nil)
	require.NoError(t, err)
	assert.Equal(t, own.ID, rec.ID)
	assert.Contains(t, []risk.Reason{risk.IncidentFollowUp, risk.OtherReason}, rec.Reason)
	assert.Equal(t, own.Teams[0].Inspectors, rec.Inspectors)
}

// TestEarlyWarningTargetedErrors: bad inputs are refused with the
// sentinel and the unit named.
func TestEarlyWarningTargetedErrors(t *testing.T) {
	r := defaultTargeted(t)
	for _, tc := range []struct {
		name string
		edit func(in *schedule.TargetedInput)
		want error
	}{
		{"twice", func(in *schedule.TargetedInput) { in.Targets = append(in.Targets, in.Targets[0]) }, schedule.ErrBadInput},
		{"unknown unit", func(in *schedule.TargetedInput) { in.Targets[0].Unit = "U-nowhere" }, schedule.ErrBadInput},
		{"random reason", func(in *schedule.TargetedInput) { in.Targets[0].Reason = risk.RandomDraw }, schedule.ErrBadInput},
		{"no trigger", func(in *schedule.TargetedInput) { in.Targets[0].Triggers = nil }, schedule.ErrBadInput},
		{"bad time", func(in *schedule.TargetedInput) {
			in.Targets[0].Triggers = slices.Clone(in.Targets[0].Triggers)
			in.Targets[0].Triggers[0].Raised = "2026-01-01 00:00"
		}, schedule.ErrBadInput},
		{"wrong seed", func(in *schedule.TargetedInput) { in.Seed = sampling.Seed{9} }, schedule.ErrCommitment},
		{"negative window", func(in *schedule.TargetedInput) { in.Within = -1 }, schedule.ErrBadInput},
		{"no random disclosure", func(in *schedule.TargetedInput) { in.Random = nil }, schedule.ErrBadInput},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := *r.in
			in.Targets = slices.Clone(r.targets)
			tc.edit(&in)
			_, err := schedule.PlanTargeted(r.cfg, r.frame, r.pool, 0, &in)
			require.Error(t, err)
			assert.True(t, errors.Is(err, tc.want), "%v", err)
		})
	}
}

// FuzzParseTargeted: ParseTargeted never panics, and whatever it accepts
// re-encodes to the same bytes.
func FuzzParseTargeted(f *testing.F) {
	r := defaultTargeted(f)
	b, err := r.plan(f).MarshalCanonical()
	require.NoError(f, err)
	f.Add(b)
	f.Add([]byte(`{"format":"firedraw-targeted/1"}` + "\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		td, err := schedule.ParseTargeted(b)
		if err != nil {
			require.ErrorIs(t, err, schedule.ErrBadInput)
			return
		}
		back, err := td.MarshalCanonical()
		require.NoError(t, err)
		require.Equal(t, string(b), string(back))
	})
}
