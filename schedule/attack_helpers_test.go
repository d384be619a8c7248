package schedule_test

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/firedraw/firedraw/risk"
	"github.com/firedraw/firedraw/risk/synthcity"
	"github.com/firedraw/firedraw/sampling"
	"github.com/firedraw/firedraw/schedule"
	"github.com/firedraw/firedraw/schedule/protocol"
)

// attackCity is the small city every attack runs on: 300 units and 80
// inspectors, records as of 2026-01-01.
var attackCity = sync.OnceValue(func() *synthcity.City {
	c, err := synthcity.Generate(synthcity.Config{Units: 300, Seed: 5, Inspectors: 80})
	if err != nil {
		panic(err)
	}
	return c
})

// attackParties are the three parties of an honest draw.
var attackParties = []string{"fire-service", "market-regulator", "notary"}

// scenario is an honest draw of February 2026 under the protocol, built
// through the public API, which each attack then tries to subvert.
type scenario struct {
	rec     *risk.Records
	asOf    time.Time
	assess  *schedule.Assessment
	pool    *schedule.Pool
	cfg     *schedule.Config
	m       *protocol.Manifest
	hash    string
	secrets []string
	dice    string
	entries []protocol.Entry
	attempt *protocol.Attempt
	seed    sampling.Seed
	d       *schedule.Disclosure
	bytes   []byte
}

// at returns a time of the scenario's timeline.
func at(s string) time.Time {
	t, err := protocol.ParseTime(s)
	if err != nil {
		panic(err)
	}
	return t
}

// honest runs the whole protocol for round index `round` (1: February) of
// the attack city under cfg edited by edit.
func honest(t testing.TB, round int, edit func(cfg *schedule.Config)) *scenario {
	t.Helper()
	c := attackCity()
	s := &scenario{rec: &c.Records, asOf: c.AsOf, dice: "27182818284590452353"}
	var err error
	s.assess, err = schedule.Assess(s.rec, s.asOf, schedule.AssessConfig{})
	require.NoError(t, err)
	s.pool, err = schedule.NewPool(s.rec.Inspectors)
	require.NoError(t, err)
	rounds, err := schedule.Period(s.asOf, 12, schedule.Month)
	require.NoError(t, err)
	s.cfg = &schedule.Config{Rounds: rounds, HistoryStart: s.assess.HistoryStart}
	if edit != nil {
		edit(s.cfg)
	}
	s.m, err = schedule.NewManifest(s.cfg, round, s.assess.Frame, s.pool, s.params(round))
	require.NoError(t, err)
	s.hash, err = s.m.Hash()
	require.NoError(t, err)
	for i := range attackParties {
		s.secrets = append(s.secrets, strings.Repeat(string("123456789"[i+round%3])+"a", 32))
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
	return s
}

// params are the manifest's parameters for a round: the snapshot, the
// default scoring, three parties and a dice roll, deadlines before the
// round starts.
func (s *scenario) params(round int) schedule.ManifestParams {
	snap, err := schedule.Snapshot(s.rec, s.asOf)
	if err != nil {
		panic(err)
	}
	md, _ := schedule.ModelDigest(nil, risk.FeatureConfig{}, risk.LevelConfig{})
	start := s.cfg.Rounds[round].Start
	return schedule.ManifestParams{PeriodID: "2026", AsOf: s.asOf, Records: snap, Model: md,
		Randomness: protocol.Randomness{Parties: attackParties,
			CommitBy: protocol.FormatTime(start.AddDate(0, 0, -7)), RevealBy: protocol.FormatTime(start.AddDate(0, 0, -4)),
			Dice: protocol.DicePlan{At: protocol.FormatTime(start.AddDate(0, 0, -3)), Digits: 20}}}
}

// logSteps logs the manifest, commitments, reveals and dice.
func (s *scenario) logSteps(t testing.TB) {
	t.Helper()
	start := at(s.m.Round.First + "T00:00:00Z")
	s.add(t, start.AddDate(0, 0, -10), protocol.KindManifest, &protocol.ManifestBody{Manifest: s.hash})
	for i, p := range attackParties {
		c, err := protocol.Commit(s.hash, p, s.secrets[i])
		require.NoError(t, err)
		s.add(t, start.AddDate(0, 0, -9), protocol.KindCommitment, &protocol.CommitmentBody{Manifest: s.hash, Party: p, Commitment: c})
	}
	for i, p := range attackParties {
		s.add(t, start.AddDate(0, 0, -5), protocol.KindReveal, &protocol.RevealBody{Manifest: s.hash, Party: p, Secret: s.secrets[i]})
	}
	s.add(t, start.AddDate(0, 0, -3), protocol.KindDice, &protocol.DiceBody{Manifest: s.hash, Digits: s.dice})
}

// logDraw logs b as the draw's disclosure, with the seed the log derives.
func (s *scenario) logDraw(t testing.TB, b []byte) {
	t.Helper()
	start := at(s.m.Round.First + "T00:00:00Z")
	s.add(t, start.AddDate(0, 0, -2), protocol.KindDraw, &protocol.DrawBody{Manifest: s.hash, Seed: s.seed.String(), Disclosure: protocol.HashBytes(b)})
	s.attempt = s.state(t).attemptOf(t, s.hash)
}

// republish replaces the logged disclosure with b, as an operator who
// controls the log would: the draw entry then names b's hash.
func (s *scenario) republish(t testing.TB, b []byte) {
	t.Helper()
	s.entries = s.entries[:len(s.entries)-1]
	s.bytes = b
	s.logDraw(t, b)
}

func (s *scenario) add(t testing.TB, tm time.Time, kind protocol.Kind, body any) {
	t.Helper()
	b, err := protocol.MarshalBody(body)
	require.NoError(t, err)
	s.entries = append(s.entries, protocol.Entry{Seq: int64(len(s.entries)), Time: tm, Kind: kind, Period: s.m.Period.ID, Round: s.m.Round.Number, Body: b})
}

// replayed is a State over the scenario's log.
type replayed struct{ st *protocol.State }

func (s *scenario) state(t testing.TB, extra ...*protocol.Manifest) replayed {
	t.Helper()
	src, err := protocol.Manifests(append(extra, s.m)...)
	require.NoError(t, err)
	st := protocol.NewState(src, nil)
	require.NoError(t, st.Replay(s.entries))
	return replayed{st}
}

func (r replayed) attemptOf(t testing.TB, h string) *protocol.Attempt {
	t.Helper()
	a, ok := r.st.Attempt(h)
	require.True(t, ok)
	return a
}

func (s *scenario) published() schedule.Published {
	return schedule.Published{Manifest: s.m, Attempt: s.attempt, Disclosure: s.bytes}
}

// requireCaught checks that Verify (auditor tier, or public when frame is
// nil) refuses the scenario with a difference that mentions want.
func (s *scenario) requireCaught(t testing.TB, frame *schedule.Frame, pool *schedule.Pool, want string) {
	t.Helper()
	var err error
	if frame == nil {
		_, err = schedule.VerifyPublic(s.published())
	} else {
		_, err = schedule.Verify(s.published(), frame, pool)
	}
	require.ErrorIs(t, err, schedule.ErrVerify)
	var ve *schedule.VerifyError
	require.True(t, errors.As(err, &ve))
	require.Contains(t, strings.Join(ve.Diffs, "\n"), want)
}
