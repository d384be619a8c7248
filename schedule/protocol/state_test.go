package protocol_test

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/firedraw/firedraw/schedule/protocol"
	"github.com/firedraw/firedraw/schedule/tlog"
)

func TestStateHonest(t *testing.T) {
	f := newFixture(t, testManifest()).honest()
	f.add("2026-01-25T09:00:00Z", protocol.KindResults, &protocol.ResultsBody{Manifest: f.hash, Results: hexOf("aa"), Count: 3})
	f.add("2026-01-26T09:00:00Z", protocol.KindCorrection, &protocol.CorrectionBody{Manifest: f.hash, Of: 9, Reason: "a typo in a result"})
	f.add("2026-01-27T09:00:00Z", protocol.KindCorrection, &protocol.CorrectionBody{Manifest: f.hash, Of: 9,
		Task: "T1", Field: "result", Value: "fail", Reason: "the violation was left out"})
	st, err := f.replay()
	require.NoError(t, err)
	a, ok := st.Attempt(f.hash)
	require.True(t, ok)
	seed, err := a.Seed()
	require.NoError(t, err)
	assert.Equal(t, f.seed(), seed.String())
	assert.Empty(t, a.Defaulted())
	assert.EqualValues(t, 8, a.DrawSeq)
	assert.Len(t, st.Attempts("2026", 1), 1)
	assert.Equal(t, []int64{9}, a.ResultsSeq)
}

func TestStateDefaultedParty(t *testing.T) {
	f := newFixture(t, testManifest())
	f.add("2025-12-20T09:00:00Z", protocol.KindManifest, &protocol.ManifestBody{Manifest: f.hash})
	for _, p := range f.m.Randomness.Parties {
		f.commitment("2025-12-22T10:00:00Z", p)
	}
	f.reveal("2025-12-26T10:00:00Z", "fire-service").reveal("2025-12-26T10:00:00Z", "notary")
	f.beacon(f.m.Randomness.Beacon.Time)
	f.draw("2025-12-30T09:00:00Z", f.seed("market-regulator"))
	st, err := f.replay()
	require.NoError(t, err)
	a, _ := st.Attempt(f.hash)
	assert.Equal(t, []string{"market-regulator"}, a.Defaulted())
}

func TestStateRules(t *testing.T) {
	manifest := func(f *fixture) *fixture {
		return f.add("2025-12-20T09:00:00Z", protocol.KindManifest, &protocol.ManifestBody{Manifest: f.hash})
	}
	commitAll := func(f *fixture) *fixture {
		manifest(f)
		for _, p := range f.m.Randomness.Parties {
			f.commitment("2025-12-22T10:00:00Z", p)
		}
		return f
	}
	revealAll := func(f *fixture) *fixture {
		commitAll(f)
		for _, p := range f.m.Randomness.Parties {
			f.reveal("2025-12-26T10:00:00Z", p)
		}
		return f
	}
	for _, tc := range []struct {
		name string
		log  func(f *fixture)
		seq  int64
		rule string
	}{
		{"manifest unknown", func(f *fixture) {
			f.add("2025-12-20T09:00:00Z", protocol.KindManifest, &protocol.ManifestBody{Manifest: hexOf("77")})
		}, 0, protocol.RuleManifestFile},
		{"manifest twice", func(f *fixture) { manifest(f); manifest(f) }, 1, protocol.RuleManifestOnce},
		{"manifest before as-of", func(f *fixture) {
			f.add("2025-12-19T09:00:00Z", protocol.KindManifest, &protocol.ManifestBody{Manifest: f.hash})
		}, 0, protocol.RuleManifestTime},
		{"manifest after commitment deadline", func(f *fixture) {
			f.add("2025-12-25T09:00:00Z", protocol.KindManifest, &protocol.ManifestBody{Manifest: f.hash})
		}, 0, protocol.RuleManifestTime},
		{"entry before manifest", func(f *fixture) { f.commitment("2025-12-22T10:00:00Z", "notary") }, 0, protocol.RuleUnknownManifest},
		{"time goes back", func(f *fixture) { manifest(f).commitment("2025-12-19T10:00:00Z", "notary") }, 1, protocol.RuleOrder},
		{"not canonical", func(f *fixture) {
			manifest(f)
			f.entries[0].Body = append(f.entries[0].Body, ' ')
		}, 0, protocol.RuleBody},
		{"stranger commits", func(f *fixture) {
			manifest(f)
			f.secrets["mayor"] = hexOf("99")
			f.commitment("2025-12-22T10:00:00Z", "mayor")
		}, 1, protocol.RuleParty},
		{"commits twice", func(f *fixture) {
			manifest(f).commitment("2025-12-22T10:00:00Z", "notary").commitment("2025-12-22T11:00:00Z", "notary")
		}, 2, protocol.RuleOncePerParty},
		{"commits late", func(f *fixture) { manifest(f).commitment("2025-12-24T12:00:01Z", "notary") }, 1, protocol.RuleCommitDeadline},
		{"reveal before all committed", func(f *fixture) {
			manifest(f).commitment("2025-12-22T10:00:00Z", "notary").reveal("2025-12-22T11:00:00Z", "notary")
		}, 2, protocol.RuleCommitOrder},
		{"commitment after a reveal", func(f *fixture) {
			manifest(f).commitment("2025-12-22T10:00:00Z", "notary").commitment("2025-12-22T10:00:00Z", "fire-service")
			f.reveal("2025-12-24T13:00:00Z", "notary")
			f.commitment("2025-12-24T13:00:00Z", "market-regulator")
		}, 4, protocol.RuleCommitOrder},
		{"reveal without commitment", func(f *fixture) {
			manifest(f).commitment("2025-12-22T10:00:00Z", "notary").reveal("2025-12-25T11:00:00Z", "fire-service")
		}, 2, protocol.RuleCommitOrder},
		{"reveal late", func(f *fixture) { commitAll(f).reveal("2025-12-29T12:00:01Z", "notary") }, 4, protocol.RuleRevealDeadline},
		{"reveal another secret", func(f *fixture) {
			commitAll(f)
			f.secrets["notary"] = hexOf("98")
			f.reveal("2025-12-26T10:00:00Z", "notary")
		}, 4, protocol.RuleRevealMatches},
		{"reveal twice", func(f *fixture) {
			commitAll(f).reveal("2025-12-26T10:00:00Z", "notary").reveal("2025-12-26T10:00:00Z", "notary")
		}, 5, protocol.RuleOncePerParty},
		{"beacon before reveal deadline", func(f *fixture) { revealAll(f).beacon("2025-12-29T12:00:00Z") }, 7, protocol.RuleLateSource},
		{"beacon twice", func(f *fixture) {
			revealAll(f).beacon(f.m.Randomness.Beacon.Time).beacon(f.m.Randomness.Beacon.Time)
		}, 8, protocol.RuleLateSource},
		{"beacon bad signature", func(f *fixture) {
			revealAll(f)
			b := f.m.Randomness.Beacon
			f.add(b.Time, protocol.KindBeacon, &protocol.BeaconBody{Manifest: f.hash, Chain: b.Chain, Round: b.Round,
				Signature: "abcd", Randomness: hexOf("cd")})
		}, 7, protocol.RuleBeacon},
		{"beacon other round", func(f *fixture) {
			revealAll(f)
			b := f.m.Randomness.Beacon
			f.add(b.Time, protocol.KindBeacon, &protocol.BeaconBody{Manifest: f.hash, Chain: b.Chain, Round: b.Round + 1,
				Signature: hexBytes(fakeSignature), Randomness: hexOf("cd")})
		}, 7, protocol.RuleBeacon},
		{"dice not planned", func(f *fixture) {
			revealAll(f).add("2025-12-30T09:00:00Z", protocol.KindDice, &protocol.DiceBody{Manifest: f.hash, Digits: "12345678901234567890"})
		}, 7, protocol.RuleLateSource},
		{"draw before beacon", func(f *fixture) { revealAll(f).draw("2025-12-30T09:00:00Z", f.seed()) }, 7, protocol.RuleDrawAfter},
		{"draw with another seed", func(f *fixture) {
			revealAll(f).beacon(f.m.Randomness.Beacon.Time).draw("2025-12-30T09:00:00Z", hexOf("42"))
		}, 8, protocol.RuleSeed},
		{"draw twice", func(f *fixture) { f.honest().draw("2025-12-30T10:00:00Z", f.seed()) }, 9, protocol.RuleOneDraw},
		{"draw after round", func(f *fixture) {
			revealAll(f).beacon(f.m.Randomness.Beacon.Time).draw("2026-02-01T00:00:00Z", f.seed())
		}, 8, protocol.RuleDrawInRound},
		{"results before draw", func(f *fixture) {
			revealAll(f).add("2026-01-10T00:00:00Z", protocol.KindResults, &protocol.ResultsBody{Manifest: f.hash, Results: hexOf("aa")})
		}, 7, protocol.RuleResults},
		{"results before the round", func(f *fixture) {
			f.honest().add("2025-12-31T00:00:00Z", protocol.KindResults, &protocol.ResultsBody{Manifest: f.hash, Results: hexOf("aa")})
		}, 9, protocol.RuleResults},
		{"correction of a result not in a results entry", func(f *fixture) {
			f.honest().add("2026-01-10T00:00:00Z", protocol.KindCorrection, &protocol.CorrectionBody{Manifest: f.hash, Of: 8,
				Task: "T1", Field: "result", Value: "fail", Reason: "x"})
		}, 9, protocol.RuleCorrection},
		{"correction of a result without its value", func(f *fixture) {
			f.honest().add("2026-01-25T09:00:00Z", protocol.KindResults, &protocol.ResultsBody{Manifest: f.hash, Results: hexOf("aa"), Count: 3})
			f.add("2026-01-26T09:00:00Z", protocol.KindCorrection, &protocol.CorrectionBody{Manifest: f.hash, Of: 9,
				Task: "T1", Field: "result", Reason: "x"})
		}, 10, protocol.RuleCorrection},
		{"correction of the future", func(f *fixture) {
			f.honest().add("2026-01-10T00:00:00Z", protocol.KindCorrection, &protocol.CorrectionBody{Manifest: f.hash, Of: 12, Reason: "x"})
		}, 9, protocol.RuleCorrection},
		{"after abandon", func(f *fixture) {
			commitAll(f).add("2025-12-23T00:00:00Z", protocol.KindAbandon, &protocol.AbandonBody{Manifest: f.hash, Reason: "wrong snapshot"})
			f.reveal("2025-12-26T10:00:00Z", "notary")
		}, 5, protocol.RuleAbandoned},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, testManifest())
			tc.log(f)
			_, err := f.replay()
			requireRule(t, err, tc.seq, tc.rule)
		})
	}
}

func TestStateNoBeaconVerifier(t *testing.T) {
	f := newFixture(t, testManifest()).honest()
	src, err := protocol.Manifests(f.m)
	require.NoError(t, err)
	err = protocol.NewState(src, nil).Replay(f.entries)
	requireRule(t, err, 7, protocol.RuleBeacon)
	assert.Contains(t, err.Error(), "never taken on trust")
}

func FuzzParseBody(f *testing.F) {
	b, err := protocol.MarshalBody(&protocol.BeaconBody{Manifest: hexOf("ab"), Chain: protocol.QuicknetChain, Round: 7, Signature: "00", Randomness: hexOf("cd")})
	require.NoError(f, err)
	f.Add("beacon", b)
	f.Add("reveal", []byte(`{"manifest":"ab","party":"x","secret":"y"}`))
	f.Fuzz(func(t *testing.T, kind string, in []byte) {
		v, err := protocol.ParseBody(protocol.Kind(kind), in)
		if err != nil {
			return
		}
		out, err := protocol.MarshalBody(v)
		require.NoError(t, err)
		require.Equal(t, in, out)
	})
}

// TestReplayLog runs the protocol over a real log file: appended,
// written, read back (chain checked) and replayed.
func TestReplayLog(t *testing.T) {
	f := newFixture(t, testManifest()).honest()
	var l tlog.Log
	for _, e := range f.entries {
		_, err := l.Append(tlog.Entry{Time: e.Time, Kind: e.Kind, Period: e.Period, Round: e.Round, Body: e.Body})
		require.NoError(t, err)
	}
	var buf bytes.Buffer
	_, err := l.WriteTo(&buf)
	require.NoError(t, err)
	back, err := tlog.Read(&buf, tlog.Limits{})
	require.NoError(t, err)
	src, err := protocol.Manifests(f.m)
	require.NoError(t, err)
	st, err := protocol.ReplayLog(back, src, fakeBeacon)
	require.NoError(t, err)
	a, ok := st.Attempt(f.hash)
	require.True(t, ok)
	assert.NotNil(t, a.Draw)
}
