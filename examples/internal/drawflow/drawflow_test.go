package drawflow_test

import (
	"bytes"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/firedraw/firedraw/examples/internal/drawflow"
	"github.com/firedraw/firedraw/risk/alert"
	"github.com/firedraw/firedraw/risk/synthcity"
	"github.com/firedraw/firedraw/schedule"
	"github.com/firedraw/firedraw/schedule/content"
	"github.com/firedraw/firedraw/schedule/protocol"
	"github.com/firedraw/firedraw/schedule/tlog"
)

// chachaReader is a deterministic stand-in for crypto/rand in tests.
func chachaReader(seed byte) *rand.ChaCha8 {
	var s [32]byte
	s[0] = seed
	return rand.NewChaCha8(s)
}

func city(t *testing.T, asOf time.Time) *synthcity.City {
	t.Helper()
	c, err := synthcity.Generate(synthcity.Config{Units: 300, Seed: 3, AsOf: asOf})
	require.NoError(t, err)
	return c
}

// verify replays the published log and checks the disclosure at both
// tiers, as examples/verify does.
func verify(t *testing.T, c *synthcity.City, res *drawflow.Result) *schedule.Report {
	t.Helper()
	var buf bytes.Buffer
	_, err := res.Log.WriteTo(&buf)
	require.NoError(t, err)
	l, err := tlog.Read(&buf, tlog.Limits{})
	require.NoError(t, err)
	m, err := protocol.ParseManifest(res.ManifestBytes)
	require.NoError(t, err)
	src, err := protocol.Manifests(m)
	require.NoError(t, err)
	st, err := protocol.ReplayLog(l, src, protocol.Drand)
	require.NoError(t, err)
	a, ok := st.Attempt(res.Hash)
	require.True(t, ok)
	pub := schedule.Published{Manifest: m, Attempt: a, Disclosure: res.DisclosureBytes}
	_, err = schedule.VerifyPublic(pub)
	require.NoError(t, err)
	as, pool, err := schedule.AuditFrame(m, &c.Records, schedule.AssessConfig{})
	require.NoError(t, err)
	r, err := schedule.Verify(pub, as.Frame, pool)
	require.NoError(t, err)
	return r
}

func TestRunParties(t *testing.T) {
	asOf := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	c := city(t, asOf)
	rounds, err := schedule.Period(asOf, 12, schedule.Month)
	require.NoError(t, err)
	var steps []string
	res, err := drawflow.Run(drawflow.Inputs{Records: &c.Records, AsOf: asOf, Config: &schedule.Config{Rounds: rounds},
		Round: 1, PeriodID: "2026", Parties: drawflow.DefaultParties(), Rand: chachaReader(1),
		Step: func(name, detail string) { steps = append(steps, name) }})
	require.NoError(t, err)
	assert.Equal(t, []string{"manifest", "targets", "commit", "commit", "commit", "deadline", "reveal", "reveal", "reveal", "deadline", "dice", "seed", "draw", "targeted"}, steps)
	assert.Equal(t, 10, res.Log.Len(), "manifest, 3 commitments, 3 reveals, dice, draw, targeted")
	assert.Equal(t, res.Manifest.Targeted.Targets.Count, int64(len(res.Targeted.Tasks)), "one targeted task per committed target")
	_, err = schedule.VerifyTargetedPublic(schedule.Published{Manifest: res.Manifest, Attempt: res.Attempt, Disclosure: res.DisclosureBytes},
		res.Disclosure, res.TargetedBytes)
	require.NoError(t, err)
	assert.False(t, res.Disclosure.SingleOperator)
	r := verify(t, c, res)
	assert.Empty(t, r.Notes)

	// Round 0 starts on the as-of day: no room to publish a manifest first.
	_, err = drawflow.Run(drawflow.Inputs{Records: &c.Records, AsOf: asOf, Config: &schedule.Config{Rounds: rounds},
		Round: 0, PeriodID: "2026", Parties: drawflow.DefaultParties(), Rand: chachaReader(1)})
	require.ErrorContains(t, err, "draw a later round")
}

func TestRunSingleOperator(t *testing.T) {
	asOf := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	c := city(t, asOf)
	rounds, err := schedule.Period(asOf, 12, schedule.Month)
	require.NoError(t, err)
	res, err := drawflow.Run(drawflow.Inputs{Records: &c.Records, AsOf: asOf, Config: &schedule.Config{Rounds: rounds},
		Round: 1, PeriodID: "2026", Parties: []string{"operator"}, SingleOperator: true, Secrets: []string{strings.Repeat("07", 32)}})
	require.NoError(t, err)
	assert.True(t, res.Disclosure.SingleOperator)
	r := verify(t, c, res)
	require.Len(t, r.Notes, 1)
	assert.Contains(t, r.Notes[0], "offers no protection against the operator")
}

// TestRunRealBeacon uses a recorded drand quicknet round (1000, emitted
// 2023-08-23T15:59:24Z; schedule/beacon pins it) as the late source of
// the September 2023 round.
func TestRunRealBeacon(t *testing.T) {
	asOf := time.Date(2023, 8, 15, 0, 0, 0, 0, time.UTC)
	c := city(t, asOf)
	rounds, err := schedule.Period(time.Date(2023, 9, 1, 0, 0, 0, 0, time.UTC), 12, schedule.Month)
	require.NoError(t, err)
	in := drawflow.Inputs{Records: &c.Records, AsOf: asOf, Config: &schedule.Config{Rounds: rounds},
		Round: 0, PeriodID: "2023/24", Parties: drawflow.DefaultParties(), Rand: chachaReader(2),
		Beacon: &drawflow.Beacon{Round: 1000, Signature: "b44679b9a59af2ec876b1a6b1ad52ea9b1615fc3982b19576350f93447cb1125e342b73a8dd2bacbe47e4b6b63ed5e39"}}
	res, err := drawflow.Run(in)
	require.NoError(t, err)
	assert.Equal(t, "fe290beca10872ef2fb164d2aa4442de4566183ec51c56ff3cd603d930e54fdd", res.Attempt.Beacon)
	verify(t, c, res)

	in.Beacon.Signature = strings.Replace(in.Beacon.Signature, "b4", "b5", 1)
	in.Rand, in.Secrets = chachaReader(2), nil
	_, err = drawflow.Run(in)
	require.ErrorIs(t, err, protocol.ErrRule)
	assert.Contains(t, err.Error(), protocol.RuleBeacon)
}

// TestEarlyWarningTargetedLeave: on a 400-unit city with 20 inspectors,
// a targeted visit's eligible inspectors are on leave on the day it was
// first given; the visit moves to the nearest day its team can be formed
// (the random draw's leave rule) instead of failing the draw, and the
// targeted tasks still verify at both tiers.
func TestEarlyWarningTargetedLeave(t *testing.T) {
	asOf := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	c, err := synthcity.Generate(synthcity.Config{Units: 400, Seed: 3, AsOf: asOf})
	require.NoError(t, err)
	rounds, err := schedule.Period(asOf, 12, schedule.Month)
	require.NoError(t, err)
	res, err := drawflow.Run(drawflow.Inputs{Records: &c.Records, AsOf: asOf, Config: &schedule.Config{Rounds: rounds},
		Round: 1, PeriodID: "2026", Parties: []string{"operator"}, SingleOperator: true, Secrets: []string{strings.Repeat("0f", 32)},
		Targets: content.TargetPolicy{Since: asOf.Add(-rounds[1].End.Sub(rounds[1].Start))}})
	require.NoError(t, err)
	window := (&schedule.Calendar{}).WorkingDays(rounds[1])[:res.Manifest.Targeted.WithinDays]
	leave := map[string][]time.Time{}
	for _, in := range c.Records.Inspectors {
		leave[in.ID] = in.Leave
	}
	moved := 0
	for _, task := range res.Targeted.Tasks {
		if task.RandomTask != "" || slices.Contains(window, task.Date) {
			continue
		}
		moved++
		for _, id := range task.Teams[0].Inspectors {
			for _, d := range leave[id] {
				assert.NotEqual(t, task.Date, schedule.DayOf(d), "inspector %s is on leave on %s", id, task.Date)
			}
		}
	}
	assert.Positive(t, moved, "a visit left the first days because its team was on leave")
	pub := schedule.Published{Manifest: res.Manifest, Attempt: res.Attempt, Disclosure: res.DisclosureBytes}
	_, err = schedule.VerifyTargetedPublic(pub, res.Disclosure, res.TargetedBytes)
	require.NoError(t, err)
	a, pool, err := schedule.AuditFrame(res.Manifest, &c.Records, schedule.AssessConfig{})
	require.NoError(t, err)
	ts, err := schedule.AuditTargets(res.Manifest, &c.Records, a, alert.Config{}, nil)
	require.NoError(t, err)
	_, err = schedule.VerifyTargeted(pub, res.Disclosure, res.TargetedBytes, a.Frame, pool, ts)
	require.NoError(t, err)
}
