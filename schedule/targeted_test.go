package schedule_test

import (
	"bytes"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/firedraw/firedraw/risk"
	"github.com/firedraw/firedraw/risk/alert"
	"github.com/firedraw/firedraw/risk/synthcity"
	"github.com/firedraw/firedraw/schedule"
	"github.com/firedraw/firedraw/schedule/content"
	"github.com/firedraw/firedraw/schedule/protocol"
)

// targetedScenario is an honest draw (as scenario) whose manifest
// commits the round's targets, followed by the targeted tasks and their
// log entry.
type targetedScenario struct {
	*scenario
	rep     *alert.Report
	targets []schedule.Target
	td      *schedule.TargetedDisclosure
	tbytes  []byte
}

// buildTargeted runs the protocol for round index `round` of the period
// starting at the records' as-of month, with the targets of the alerts
// the default TargetPolicy selects since a month before the as-of time.
func buildTargeted(t testing.TB, c *synthcity.City, round int) *targetedScenario {
	t.Helper()
	s := &scenario{rec: &c.Records, asOf: c.AsOf, dice: "27182818284590452353"}
	var err error
	s.assess, err = schedule.Assess(s.rec, s.asOf, schedule.AssessConfig{})
	require.NoError(t, err)
	s.pool, err = schedule.NewPool(s.rec.Inspectors)
	require.NoError(t, err)
	rounds, err := schedule.Period(time.Date(s.asOf.Year(), s.asOf.Month(), 1, 0, 0, 0, 0, time.UTC), 12, schedule.Month)
	require.NoError(t, err)
	s.cfg = &schedule.Config{Rounds: rounds, HistoryStart: s.assess.HistoryStart}
	ts := &targetedScenario{scenario: s}
	ts.rep, err = alert.Evaluate(s.rec.Telemetry, s.rec.Incidents, s.asOf, alert.Config{})
	require.NoError(t, err)
	tp := content.TargetPolicy{Since: s.asOf.AddDate(0, -1, 0)}
	ts.targets, err = s.assess.Targets(s.rec.Units, ts.rep, &tp, nil)
	require.NoError(t, err)
	params := s.params(round)
	params.Targeted, err = schedule.TargetedSection(&schedule.TargetedParams{Policy: tp, Targets: ts.targets}, s.asOf)
	require.NoError(t, err)
	s.m, err = schedule.NewManifest(s.cfg, round, s.assess.Frame, s.pool, params)
	require.NoError(t, err)
	s.hash, err = s.m.Hash()
	require.NoError(t, err)
	for i := range attackParties {
		s.secrets = append(s.secrets, strings.Repeat(string("123456789"[i])+"b", 32))
	}
	s.logSteps(t)
	s.attempt = s.state(t).attemptOf(t, s.hash)
	s.seed, err = s.attempt.Seed()
	require.NoError(t, err)
	s.d, err = schedule.PlanRound(s.m, s.assess.Frame, s.pool, s.seed, s.attempt.Seq)
	require.NoError(t, err)
	s.bytes, err = s.d.MarshalCanonical()
	require.NoError(t, err)
	s.logDraw(t, s.bytes)
	ts.td, err = schedule.PlanTargeted(s.m, s.assess.Frame, s.pool, s.seed, s.d, ts.targets)
	require.NoError(t, err)
	ts.tbytes, err = ts.td.MarshalCanonical()
	require.NoError(t, err)
	ts.logTargeted(t, ts.tbytes, int64(len(ts.td.Tasks)))
	return ts
}

// logTargeted logs b as the round's targeted disclosure, an hour after
// the draw.
func (ts *targetedScenario) logTargeted(t testing.TB, b []byte, count int64) {
	t.Helper()
	start := at(ts.m.Round.First + "T00:00:00Z")
	ts.add(t, start.AddDate(0, 0, -2).Add(time.Hour), protocol.KindTargeted,
		&protocol.TargetedBody{Manifest: ts.hash, Targeted: protocol.HashBytes(b), Count: count})
	ts.attempt = ts.state(t).attemptOf(t, ts.hash)
}

// republishTargeted replaces the logged targeted disclosure with b, as
// an operator who controls the log would.
func (ts *targetedScenario) republishTargeted(t testing.TB, b []byte) {
	t.Helper()
	ts.entries = ts.entries[:len(ts.entries)-1]
	ts.tbytes = b
	ts.logTargeted(t, b, ts.m.Targeted.Targets.Count)
}

// verifyPublic runs the public tier on the scenario's files.
func (ts *targetedScenario) verifyPublic() (*schedule.TargetedDisclosure, error) {
	return schedule.VerifyTargetedPublic(ts.published(), ts.d, ts.tbytes)
}

// verifyAuditor re-derives the frame, pool and targets from the records
// and runs the auditor tier.
func (ts *targetedScenario) verifyAuditor(t testing.TB) (*schedule.TargetedDisclosure, error) {
	t.Helper()
	a, pool, err := schedule.AuditFrame(ts.m, ts.rec, schedule.AssessConfig{})
	require.NoError(t, err)
	targets, err := schedule.AuditTargets(ts.m, ts.rec, a, alert.Config{}, nil)
	require.NoError(t, err)
	return schedule.VerifyTargeted(ts.published(), ts.d, ts.tbytes, a.Frame, pool, targets)
}

var defaultTargetedRound struct {
	sync.Mutex
	ts *targetedScenario
}

// defaultTargeted is the default city's February round with its
// targets, built once by the first test that needs it (read-only: copy
// before changing, see copyTargeted).
func defaultTargeted(t testing.TB) *targetedScenario {
	t.Helper()
	d := &defaultTargetedRound
	d.Lock()
	defer d.Unlock()
	if d.ts == nil {
		d.ts = buildTargeted(t, synthcity.Default(), 1)
	}
	return d.ts
}

// TestEarlyWarningTargetedDisclosed: every target of the default city's
// round has exactly one targeted task, disclosed with its triggers (rule,
// severity at or above the manifest's, raised since the previous round,
// evidence, explanations), a reason other than random and an ID of its
// own; the public and the auditor tiers verify it.
func TestEarlyWarningTargetedDisclosed(t *testing.T) {
	ts := defaultTargeted(t)
	require.NotEmpty(t, ts.targets, "the default city has serious alerts in the month before its as-of date")
	require.Len(t, ts.td.Tasks, len(ts.targets))
	randomIDs := map[string]bool{}
	for _, rt := range ts.d.Tasks {
		randomIDs[rt.ID] = true
	}
	rules := content.DefaultTargetRules()
	for i, task := range ts.td.Tasks {
		assert.Equal(t, ts.targets[i].Unit, task.Unit, "tasks by unit")
		assert.False(t, randomIDs[task.ID], "a targeted task's ID is its own")
		assert.Contains(t, []string{"incident", "other"}, task.Reason)
		assert.NotEqual(t, "remote", task.Method, "a targeted inspection is a visit")
		assert.NotEmpty(t, task.Focus)
		require.NotEmpty(t, task.Triggers)
		for _, tr := range task.Triggers {
			sev, err := alert.ParseSeverity(tr.Severity)
			require.NoError(t, err)
			assert.GreaterOrEqual(t, sev, alert.Serious, "only alerts at or above the configured severity make tasks")
			r, err := alert.ParseRule(tr.Rule)
			require.NoError(t, err)
			assert.Contains(t, rules, r)
			assert.NotEmpty(t, tr.ExplanationZH)
			assert.NotEmpty(t, tr.ExplanationEN)
			assert.NotEmpty(t, tr.Evidence)
			assert.Greater(t, tr.Raised, ts.m.Targeted.Since, "raised after the previous round")
		}
	}
	back, err := ts.verifyPublic()
	require.NoError(t, err)
	b, err := back.MarshalCanonical()
	require.NoError(t, err)
	assert.Equal(t, string(ts.tbytes), string(b), "the disclosure reads back to the same bytes")
	_, err = ts.verifyAuditor(t)
	require.NoError(t, err)
}

// TestEarlyWarningTargetedLoad: with the default target policy the
// targeted tasks of the default city's round do not outnumber its random
// tasks (every serious alert gave 185 against about 130), and they are
// fewer than every serious alert would give.
func TestEarlyWarningTargetedLoad(t *testing.T) {
	ts := defaultTargeted(t)
	t.Logf("%d random tasks, %d targeted", len(ts.d.Tasks), len(ts.td.Tasks))
	assert.Less(t, len(ts.td.Tasks), len(ts.d.Tasks))
	all := content.Targets(ts.rep, ts.m.Targeted.SinceTime(), alert.Serious)
	assert.Less(t, len(ts.td.Tasks), len(all))
}

// TestEarlyWarningTargetedStaffing: targeted teams follow the random
// draw's team rules — the team size, each inspector once, not the unit's
// last lead — and, counting the random tasks' visits, nobody exceeds the
// daily cap; visits fall in the round's first WithinDays working days;
// a unit drawn at random too is visited once, by its random task.
func TestEarlyWarningTargetedStaffing(t *testing.T) {
	ts := defaultTargeted(t)
	first := ts.cfg.Calendar.WorkingDays(ts.cfg.Rounds[1])[:ts.m.Targeted.WithinDays]
	perDay := map[string]int{}
	count := func(id string, d schedule.Day) { perDay[id+"/"+d.String()]++ }
	random := map[string]schedule.Task{}
	for _, rt := range ts.d.Tasks {
		random[rt.Unit] = rt
		for _, tm := range rt.Teams {
			for _, id := range tm.Inspectors {
				count(id, rt.Date)
			}
		}
	}
	own := 0
	for _, task := range ts.td.Tasks {
		require.Len(t, task.Teams, 1, "one team without departments")
		team := task.Teams[0].Inspectors
		assert.Len(t, team, 2, "teams of two by default")
		assert.Len(t, slices.Compact(slices.Sorted(slices.Values(team))), len(team), "no inspector twice")
		if rt, ok := random[task.Unit]; ok {
			assert.Equal(t, rt.ID, task.RandomTask)
			assert.Equal(t, rt.Date, task.Date)
			assert.Equal(t, rt.Teams, task.Teams)
			continue
		}
		own++
		assert.Empty(t, task.RandomTask)
		assert.Contains(t, first, task.Date, "unit %s: a targeted visit is prompt", task.Unit)
		u, ok := ts.assess.Frame.Unit(task.Unit)
		require.True(t, ok)
		assert.NotEqual(t, u.LastLead, team[0], "unit %s: not led by its last lead", task.Unit)
		for _, id := range team {
			count(id, task.Date)
		}
	}
	assert.Positive(t, own)
	for k, n := range perDay {
		assert.LessOrEqual(t, n, 4, "%s: at most the default daily cap of 4 visits", k)
	}
}

// TestEarlyWarningTargetedDeterministic: the same inputs give the same
// bytes; another seed gives other teams for the same targets.
func TestEarlyWarningTargetedDeterministic(t *testing.T) {
	ts := defaultTargeted(t)
	again, err := schedule.PlanTargeted(ts.m, ts.assess.Frame, ts.pool, ts.seed, ts.d, ts.targets)
	require.NoError(t, err)
	b, err := again.MarshalCanonical()
	require.NoError(t, err)
	assert.Equal(t, string(ts.tbytes), string(b))
	other := ts.seed
	other[0] ^= 1
	d, err := schedule.PlanRound(ts.m, ts.assess.Frame, ts.pool, other, ts.attempt.Seq)
	require.NoError(t, err)
	td, err := schedule.PlanTargeted(ts.m, ts.assess.Frame, ts.pool, other, d, ts.targets)
	require.NoError(t, err)
	differ := false
	for i := range td.Tasks {
		differ = differ || !slices.Equal(td.Tasks[i].Teams[0].Inspectors, ts.td.Tasks[i].Teams[0].Inspectors)
	}
	assert.True(t, differ, "targeted teams follow the seed")
}

// TestEarlyWarningTargetedRecorded: a targeted-only task's outcome
// enters the history as an inspection with its own ID and reason
// incident or other; a task visited by a random task is recorded once,
// as that task.
func TestEarlyWarningTargetedRecorded(t *testing.T) {
	ts := defaultTargeted(t)
	for _, task := range ts.td.Tasks {
		date := time.Date(2026, 2, 10, 0, 0, 0, 0, time.UTC)
		in, err := task.Inspection(date, risk.Pass, nil)
		if task.RandomTask != "" {
			require.ErrorIs(t, err, schedule.ErrBadInput)
			continue
		}
		require.NoError(t, err)
		assert.Equal(t, task.ID, in.ID)
		assert.NotEqual(t, risk.RandomDraw, in.Reason)
		assert.Len(t, in.Inspectors, 2)
	}
}

// TestEarlyWarningTargetedSealed: in sealed mode the committed targets
// carry no method or focus (scoped by level); PlanTargeted refuses
// targets that do.
func TestEarlyWarningTargetedSealed(t *testing.T) {
	ts := defaultTargeted(t)
	m := *ts.m
	m.Sealed = true
	_, err := schedule.PlanTargeted(&m, ts.assess.Frame, ts.pool, ts.seed, ts.d, ts.targets)
	require.Error(t, err)
	sealed := schedule.SealedTargets(ts.targets)
	for _, s := range sealed {
		assert.Empty(t, s.Method)
		assert.Empty(t, s.Focus)
	}
}

// edited re-marshals an edited copy of the scenario's disclosure.
func (ts *targetedScenario) edited(t testing.TB, edit func(td *schedule.TargetedDisclosure)) []byte {
	t.Helper()
	td, err := schedule.ParseTargeted(ts.tbytes)
	require.NoError(t, err)
	edit(td)
	b, err := td.MarshalCanonical()
	require.NoError(t, err)
	return b
}

// copyTargeted returns a copy of the default scenario whose log and
// files an attack may change.
func copyTargeted(t testing.TB) *targetedScenario {
	t.Helper()
	ts := defaultTargeted(t)
	s := *ts.scenario
	s.entries = slices.Clone(ts.entries)
	c := *ts
	c.scenario = &s
	return &c
}

// TestEarlyWarningTargetedTamper: the public tier names a change to a
// targeted task's target or date, or the header; the auditor tier names
// a change of team; both accept the untouched disclosure.
func TestEarlyWarningTargetedTamper(t *testing.T) {
	own := -1
	for i, task := range defaultTargeted(t).td.Tasks {
		if task.RandomTask == "" {
			own = i
			break
		}
	}
	require.GreaterOrEqual(t, own, 0)
	for _, tc := range []struct {
		name    string
		edit    func(td *schedule.TargetedDisclosure)
		auditor bool
		naming  string
	}{
		{"date", func(td *schedule.TargetedDisclosure) { td.Tasks[own].Date += 40 }, false, "not a working day of the round"},
		{"date in the round", func(td *schedule.TargetedDisclosure) {
			td.Tasks[own].Date += 7 // a week later, the same weekday
			td.Tasks[own].ResultsDue += 7
		}, true, "date"},
		{"focus", func(td *schedule.TargetedDisclosure) { td.Tasks[own].Focus = td.Tasks[own].Focus[1:] }, false, "added, dropped or changed"},
		{"trigger", func(td *schedule.TargetedDisclosure) { td.Tasks[own].Triggers[0].ExplanationEN = "nothing happened" }, false, "added, dropped or changed"},
		{"severity", func(td *schedule.TargetedDisclosure) { td.Tasks[own].Severity = "critical" }, false, "severity"},
		{"reason", func(td *schedule.TargetedDisclosure) { td.Tasks[own].Reason = "random" }, false, "reason"},
		{"id", func(td *schedule.TargetedDisclosure) { td.Tasks[own].ID = td.RandomDrawID }, false, "ID"},
		{"seed", func(td *schedule.TargetedDisclosure) { td.Seed = strings.Repeat("0", 64) }, false, "seed"},
		{"window", func(td *schedule.TargetedDisclosure) { td.WithinDays = 20 }, false, "within_days"},
		{"lead swapped", func(td *schedule.TargetedDisclosure) {
			team := td.Tasks[own].Teams[0].Inspectors
			team[0], team[1] = team[1], team[0]
		}, true, "teams"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ts := copyTargeted(t)
			ts.republishTargeted(t, ts.edited(t, tc.edit))
			_, err := ts.verifyPublic()
			if tc.auditor {
				require.NoError(t, err, "the public does not hold the pool")
				_, err = ts.verifyAuditor(t)
			}
			require.ErrorIs(t, err, schedule.ErrVerify)
			assert.ErrorContains(t, err, tc.naming)
		})
	}
}

// TestAttackTargetAddedAfterSeed: an operator who, once the seed is
// known, adds a target (say a competitor's unit, with a plausible
// trigger) cannot plan it — the manifest committed the target list
// before the seed — and if it publishes and logs such a disclosure
// anyway, the public tier names the mismatch with the manifest.
func TestAttackTargetAddedAfterSeed(t *testing.T) {
	ts := copyTargeted(t)
	var victim string
	for _, u := range ts.rec.Units {
		if _, ok := slices.BinarySearchFunc(ts.targets, u.ID, func(x schedule.Target, id string) int { return strings.Compare(x.Unit, id) }); !ok {
			victim = u.ID
			break
		}
	}
	extra := ts.targets[0]
	extra.Unit = victim
	more := slices.Clone(ts.targets)
	more = append(more, extra)
	slices.SortFunc(more, func(a, b schedule.Target) int { return strings.Compare(a.Unit, b.Unit) })
	_, err := schedule.PlanTargeted(ts.m, ts.assess.Frame, ts.pool, ts.seed, ts.d, more)
	require.ErrorIs(t, err, schedule.ErrManifestMismatch)

	b := ts.edited(t, func(td *schedule.TargetedDisclosure) {
		task := td.Tasks[0]
		task.Unit, task.RandomTask = victim, ""
		td.Tasks = append(td.Tasks, task)
		slices.SortFunc(td.Tasks, func(a, b schedule.TargetedTask) int { return strings.Compare(a.Unit, b.Unit) })
	})
	ts.republishTargeted(t, b)
	_, err = ts.verifyPublic()
	require.ErrorIs(t, err, schedule.ErrVerify)
	assert.ErrorContains(t, err, "added, dropped or changed")
}

// TestAttackTargetRemovedAfterSeed: dropping a target after the seed (to
// spare a unit the visit) is refused by the planner and named by the
// public tier; the log entry's count must also be the manifest's.
func TestAttackTargetRemovedAfterSeed(t *testing.T) {
	ts := copyTargeted(t)
	_, err := schedule.PlanTargeted(ts.m, ts.assess.Frame, ts.pool, ts.seed, ts.d, ts.targets[1:])
	require.ErrorIs(t, err, schedule.ErrManifestMismatch)

	b := ts.edited(t, func(td *schedule.TargetedDisclosure) { td.Tasks = td.Tasks[1:] })
	ts.republishTargeted(t, b)
	_, err = ts.verifyPublic()
	require.ErrorIs(t, err, schedule.ErrVerify)
	assert.ErrorContains(t, err, "added, dropped or changed")

	// Logging the true count of the shortened list breaks the log rule.
	ts.entries = ts.entries[:len(ts.entries)-1]
	start := at(ts.m.Round.First + "T00:00:00Z")
	ts.add(t, start.AddDate(0, 0, -2).Add(time.Hour), protocol.KindTargeted,
		&protocol.TargetedBody{Manifest: ts.hash, Targeted: protocol.HashBytes(b), Count: ts.m.Targeted.Targets.Count - 1})
	src, err := protocol.Manifests(ts.m)
	require.NoError(t, err)
	err = protocol.NewState(src, nil).Replay(ts.entries)
	require.ErrorIs(t, err, protocol.ErrRule)
	assert.ErrorContains(t, err, protocol.RuleTargeted)
}

// TestAttackTargetedTeamChanged: an operator who swaps a targeted
// visit's inspector for a friendly one keeps the team's shape, so the
// public tier (without the pool) passes it, but the auditor tier
// re-derives the teams from the seed and names the task.
func TestAttackTargetedTeamChanged(t *testing.T) {
	ts := copyTargeted(t)
	var unit string
	b := ts.edited(t, func(td *schedule.TargetedDisclosure) {
		for i := range td.Tasks {
			if td.Tasks[i].RandomTask == "" {
				team := td.Tasks[i].Teams[0].Inspectors
				for _, in := range ts.pool.Inspectors() {
					if !slices.Contains(team, in.ID) {
						team[1] = in.ID
						break
					}
				}
				unit = td.Tasks[i].Unit
				return
			}
		}
	})
	ts.republishTargeted(t, b)
	_, err := ts.verifyPublic()
	require.NoError(t, err)
	_, err = ts.verifyAuditor(t)
	require.ErrorIs(t, err, schedule.ErrVerify)
	assert.ErrorContains(t, err, unit)
	assert.ErrorContains(t, err, "teams")
}

// TestAttackTargetedWithoutDraw: a targeted entry for a round that has
// no draw yet (targets staffed before the seed, or a round never drawn)
// breaks the log rule, and so does a second targeted entry.
func TestAttackTargetedWithoutDraw(t *testing.T) {
	ts := copyTargeted(t)
	src, err := protocol.Manifests(ts.m)
	require.NoError(t, err)
	draw := len(ts.entries) - 2 // the draw, then the targeted entry
	require.Equal(t, protocol.KindDraw, ts.entries[draw].Kind)
	before := slices.Clone(ts.entries[:draw])
	tgt := ts.entries[draw+1]
	tgt.Seq = int64(draw)
	err = protocol.NewState(src, nil).Replay(append(before, tgt))
	require.ErrorIs(t, err, protocol.ErrRule)
	assert.ErrorContains(t, err, protocol.RuleTargeted)

	twice := slices.Clone(ts.entries)
	again := ts.entries[draw+1]
	again.Seq = int64(len(twice))
	err = protocol.NewState(src, nil).Replay(append(twice, again))
	require.ErrorIs(t, err, protocol.ErrRule)
	assert.ErrorContains(t, err, "already")

	// The public tier refuses a targeted disclosure without its entry.
	ts.entries = ts.entries[:draw+1]
	ts.attempt = ts.state(t).attemptOf(t, ts.hash)
	_, err = ts.verifyPublic()
	require.ErrorIs(t, err, schedule.ErrVerify)
	assert.ErrorContains(t, err, "no targeted entry")
}

// TestAttackTargetsSwappedBeforeManifest: the targets must be the ones
// the records make: an auditor re-deriving them from the committed
// snapshot names a unit the operator added before publishing the
// manifest.
func TestAttackTargetsSwappedBeforeManifest(t *testing.T) {
	ts := defaultTargeted(t)
	a, pool, err := schedule.AuditFrame(ts.m, ts.rec, schedule.AssessConfig{})
	require.NoError(t, err)
	targets, err := schedule.AuditTargets(ts.m, ts.rec, a, alert.Config{}, nil)
	require.NoError(t, err)
	_, err = schedule.VerifyTargeted(ts.published(), ts.d, ts.tbytes, a.Frame, pool, targets[1:])
	require.ErrorIs(t, err, schedule.ErrVerify)
	assert.ErrorContains(t, err, "is published but the records do not make it a target")
	_, err = schedule.AuditTargets(ts.m, ts.rec, a, alert.Config{FaultRepeat: 2}, nil)
	require.ErrorIs(t, err, schedule.ErrManifestMismatch, "another alert configuration than the committed one")
}

// FuzzParseTargeted: ParseTargeted never panics, and what it accepts is
// canonical: it marshals back to the same bytes.
func FuzzParseTargeted(f *testing.F) {
	ts := defaultTargeted(f)
	f.Add(ts.tbytes)
	f.Add([]byte(`{"format":"firedraw-targeted/2","tasks":[]}` + "\n"))
	f.Add(bytes.Replace(ts.tbytes, []byte(`"tasks":[`), []byte(`"tasks" :[`), 1))
	f.Fuzz(func(t *testing.T, b []byte) {
		td, err := schedule.ParseTargeted(b)
		if err != nil {
			require.ErrorIs(t, err, schedule.ErrBadInput)
			return
		}
		out, err := td.MarshalCanonical()
		require.NoError(t, err)
		require.Equal(t, string(b), string(out))
	})
}
