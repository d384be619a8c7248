package protocol_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/firedraw/firedraw/schedule/protocol"
)

// Attacks on the protocol's data and rules (issue #12, classes a–k).
// Each builds the attack through the public API and shows it impossible
// by construction or refused with a message naming the rule. The attacks
// that need a draw (records, π, proofs, disclosures) are in schedule.

// TestAttackGrindSeeds (class a): the operator, one of the parties,
// tries many secrets to steer the seed. It must commit before the
// commitment deadline; afterwards only the committed secret is accepted,
// and the seed also takes the beacon round emitted after the reveal
// deadline, so no secret it can still choose has a known outcome.
func TestAttackGrindSeeds(t *testing.T) {
	f := newFixture(t, testManifest())
	f.add("2025-12-20T09:00:00Z", protocol.KindManifest, &protocol.ManifestBody{Manifest: f.hash})
	for _, p := range f.m.Randomness.Parties {
		f.commitment("2025-12-22T10:00:00Z", p)
	}
	f.reveal("2025-12-26T10:00:00Z", "market-regulator").reveal("2025-12-26T10:00:00Z", "notary")
	// Having seen the others' secrets, the operator grinds: it tries
	// secrets until one gives a seed it likes, and reveals that one.
	ground := f.secrets["fire-service"]
	for i := range 500 {
		ground = fmt.Sprintf("%064x", i+1)
	}
	f.secrets["fire-service"] = ground
	f.reveal("2025-12-26T11:00:00Z", "fire-service")
	_, err := f.replay()
	requireRule(t, err, 6, protocol.RuleRevealMatches)

	// Nor can it reveal the beacon early to pick between revealing and
	// withholding: the beacon is only accepted after the reveal deadline.
	g := newFixture(t, testManifest())
	g.add("2025-12-20T09:00:00Z", protocol.KindManifest, &protocol.ManifestBody{Manifest: g.hash})
	for _, p := range g.m.Randomness.Parties {
		g.commitment("2025-12-22T10:00:00Z", p)
	}
	g.beacon("2025-12-27T00:00:00Z")
	_, err = g.replay()
	requireRule(t, err, 4, protocol.RuleLateSource)

	// And a seed it computed by itself is not the log's.
	h := newFixture(t, testManifest()).honest()
	h.entries = h.entries[:len(h.entries)-1]
	h.draw("2025-12-30T09:00:00Z", hexOf("5e"))
	_, err = h.replay()
	requireRule(t, err, 8, protocol.RuleSeed)
	assert.Contains(t, err.Error(), "the log's contributions derive")
}

// TestAttackSettingsChangedAfterCommitments (class b): once the
// randomness is known the operator publishes a manifest with another
// max_quiet (or policy, as-of date, model, record snapshot). The
// commitments bind the first manifest's hash, so they do not match the
// new one, and a second manifest for the round needs a logged abandon.
func TestAttackSettingsChangedAfterCommitments(t *testing.T) {
	f := newFixture(t, testManifest()).honest()
	for _, edit := range []func(m *protocol.Manifest){
		func(m *protocol.Manifest) { m.Settings.MaxQuiet = 1 },
		func(m *protocol.Manifest) { m.Settings.ExcludeVisited = true },
		func(m *protocol.Manifest) { m.Policy.Strength = 1 },
		func(m *protocol.Manifest) { m.AsOf = "2025-12-21T00:00:00Z" },
		func(m *protocol.Manifest) { m.Model.Weights = hexOf("aa") },
		func(m *protocol.Manifest) { m.Records.Inspections.Count-- },
	} {
		m2 := testManifest()
		edit(m2)
		h2, err := m2.Hash()
		require.NoError(t, err)
		require.NotEqual(t, f.hash, h2)
		for _, p := range f.m.Randomness.Parties {
			c := f.entries[1+slicesIndex(f.m.Randomness.Parties, p)]
			body, err := protocol.ParseBody(c.Kind, c.Body)
			require.NoError(t, err)
			err = protocol.CheckReveal(h2, p, f.secrets[p], body.(*protocol.CommitmentBody).Commitment)
			require.ErrorIs(t, err, protocol.ErrContribution, "a commitment to manifest 1 does not open under manifest 2")
		}
	}
	m2 := testManifest()
	m2.Settings.MaxQuiet = 1
	h2, _ := m2.Hash()
	f.add("2025-12-30T10:00:00Z", protocol.KindManifest, &protocol.ManifestBody{Manifest: h2})
	_, err := f.replay(m2)
	requireRule(t, err, 9, protocol.RuleManifestTime)
}

func slicesIndex(s []string, v string) int {
	for i, x := range s {
		if x == v {
			return i
		}
	}
	return -1
}

// TestAttackRelabelRound (class c): January published as round 4 of a
// period starting in September keeps the dates but changes the streams.
// The manifest's round dates must be those its period implies, and every
// log entry's period and round must be its manifest's.
func TestAttackRelabelRound(t *testing.T) {
	// January as round 4 of a period from October is a valid label, but
	// one fixed before the randomness: relabelling afterwards changes the
	// manifest hash, and the commitments no longer open.
	jan := newFixture(t, testManifest())
	m := testManifest()
	m.Period.ID, m.Period.Start, m.Round.Number = "2025/26", "2025-10-01", 4
	relabelled := newFixture(t, m)
	c, err := protocol.Commit(jan.hash, "notary", jan.secrets["notary"])
	require.NoError(t, err)
	require.ErrorIs(t, protocol.CheckReveal(relabelled.hash, "notary", jan.secrets["notary"], c), protocol.ErrContribution)
	assert.NotEqual(t, jan.seed(), relabelled.seed())

	// A label whose dates are not January's is refused outright.
	m = testManifest()
	m.Period.Start, m.Round.Number = "2025-09-01", 4
	err = m.Validate()
	require.ErrorIs(t, err, protocol.ErrManifest)
	assert.Contains(t, err.Error(), "runs 2025-12-01..2025-12-31, not 2026-01-01..2026-01-31")

	f := newFixture(t, testManifest())
	f.addAs("2025-12-20T09:00:00Z", protocol.KindManifest, "2025", 4, &protocol.ManifestBody{Manifest: f.hash})
	_, err = f.replay()
	requireRule(t, err, 0, protocol.RuleLabel)

	f = newFixture(t, testManifest()).honest()
	f.entries = f.entries[:len(f.entries)-1]
	f.addAs("2025-12-30T09:00:00Z", protocol.KindDraw, "2026", 4, &protocol.DrawBody{Manifest: f.hash, Seed: f.seed(), Disclosure: hexOf("ee")})
	_, err = f.replay()
	requireRule(t, err, 8, protocol.RuleLabel)
}

// TestAttackRedraw (class d): the operator draws again and publishes the
// outcome it prefers. A second draw entry is refused; a second manifest
// for the round is refused while the first is live; abandoning the first
// is possible only in the log, where everyone sees both attempts.
func TestAttackRedraw(t *testing.T) {
	f := newFixture(t, testManifest()).honest()
	f.draw("2025-12-30T09:05:00Z", f.seed())
	_, err := f.replay()
	requireRule(t, err, 9, protocol.RuleOneDraw)
	assert.Contains(t, err.Error(), "a second draw of a round is refused")

	m2 := testManifest()
	m2.AsOf = "2025-12-20T00:00:01Z"
	h2, _ := m2.Hash()
	g := newFixture(t, testManifest()).honest()
	g.add("2025-12-21T09:00:00Z", protocol.KindManifest, &protocol.ManifestBody{Manifest: h2})
	_, err = g.replay(m2)
	requireRule(t, err, 9, protocol.RuleOrder) // and even in order:
	g = newFixture(t, testManifest())
	g.add("2025-12-20T09:00:00Z", protocol.KindManifest, &protocol.ManifestBody{Manifest: g.hash})
	g.add("2025-12-21T09:00:00Z", protocol.KindManifest, &protocol.ManifestBody{Manifest: h2})
	_, err = g.replay(m2)
	requireRule(t, err, 1, protocol.RuleOneDraw)

	g.entries = g.entries[:1]
	g.add("2025-12-21T08:00:00Z", protocol.KindAbandon, &protocol.AbandonBody{Manifest: g.hash, Reason: "snapshot incomplete"})
	g.add("2025-12-21T09:00:00Z", protocol.KindManifest, &protocol.ManifestBody{Manifest: h2})
	st, err := g.replay(m2)
	require.NoError(t, err)
	attempts := st.Attempts("2026", 1)
	require.Len(t, attempts, 2, "the abandoned attempt stays visible")
	assert.True(t, attempts[0].Abandoned)
	assert.Equal(t, "snapshot incomplete", attempts[0].Reason)
}

// TestAttackCommitmentTiming (class e): a commitment back-dated, missing,
// or given after the round starts.
func TestAttackCommitmentTiming(t *testing.T) {
	// After the round starts: refused by the manifest (deadline) and the log.
	m := testManifest()
	m.Randomness.CommitBy = "2026-01-05T00:00:00Z"
	m.Randomness.RevealBy = "2026-01-06T00:00:00Z"
	require.ErrorContains(t, m.Validate(), "is not before the round starts")
	f := newFixture(t, testManifest())
	f.add("2025-12-20T09:00:00Z", protocol.KindManifest, &protocol.ManifestBody{Manifest: f.hash})
	f.commitment("2026-01-02T00:00:00Z", "notary")
	_, err := f.replay()
	requireRule(t, err, 1, protocol.RuleCommitDeadline)

	// Back-dated: an entry cannot be dated before the one it follows.
	f = newFixture(t, testManifest())
	f.add("2025-12-20T09:00:00Z", protocol.KindManifest, &protocol.ManifestBody{Manifest: f.hash})
	f.commitment("2025-12-20T08:00:00Z", "notary")
	_, err = f.replay()
	requireRule(t, err, 1, protocol.RuleOrder)

	// Missing: a draw whose seed claims a party's secret that was never
	// committed cannot be logged; the party is defaulted instead.
	f = newFixture(t, testManifest())
	f.add("2025-12-20T09:00:00Z", protocol.KindManifest, &protocol.ManifestBody{Manifest: f.hash})
	f.commitment("2025-12-22T10:00:00Z", "notary").commitment("2025-12-22T10:00:00Z", "market-regulator")
	f.reveal("2025-12-26T10:00:00Z", "notary").reveal("2025-12-26T10:00:00Z", "market-regulator")
	f.reveal("2025-12-26T10:00:00Z", "fire-service")
	_, err = f.replay()
	requireRule(t, err, 5, protocol.RuleCommitOrder)
	assert.Contains(t, err.Error(), "reveals without a commitment")

	// Empty: a commitment must be a SHA-256.
	f = newFixture(t, testManifest())
	f.add("2025-12-20T09:00:00Z", protocol.KindManifest, &protocol.ManifestBody{Manifest: f.hash})
	f.add("2025-12-22T10:00:00Z", protocol.KindCommitment, &protocol.CommitmentBody{Manifest: f.hash, Party: "notary"})
	_, err = f.replay()
	requireRule(t, err, 1, protocol.RuleCommitDeadline)
	assert.Contains(t, err.Error(), "malformed")
}

// TestAttackPolicyExemptsLevel (class h): frequency 1e-300 for a level,
// or a within-level share that starves units, is refused.
func TestAttackPolicyExemptsLevel(t *testing.T) {
	for _, tc := range []struct {
		name  string
		edit  func(p *protocol.Policy)
		field string
	}{
		{"tiny low", func(p *protocol.Policy) { p.Low = 1e-300 }, "policy.low"},
		{"tiny general", func(p *protocol.Policy) { p.General = 1e-300 }, "policy.general"},
		{"zero high", func(p *protocol.Policy) { p.High = 0 }, "policy.high"},
		{"negative floor", func(p *protocol.Policy) { p.CrowdedKeyFloor = -1 }, "policy.crowded_key_floor"},
		{"starving share", func(p *protocol.Policy) { p.MinShare = 1e-9 }, "policy.min_share"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := testManifest()
			tc.edit(&m.Policy)
			err := m.Validate()
			require.ErrorIs(t, err, protocol.ErrManifest)
			assert.Contains(t, err.Error(), tc.field)
			assert.Contains(t, err.Error(), "floor")
		})
	}
}

// TestAttackHostileManifest (class i): counts and day spans that would
// exhaust memory or time are refused before anything is allocated.
func TestAttackHostileManifest(t *testing.T) {
	b, err := testManifest().Marshal()
	require.NoError(t, err)
	for _, tc := range []struct{ name, from, to, field string }{
		{"rounds", `"rounds":12`, `"rounds":2000000000`, "period.rounds"},
		{"results due", `"results_due_days":20`, `"results_due_days":1000000000`, "settings.results_due_days"},
		{"team size", `"team_size":2`, `"team_size":1000000000`, "settings.team_size"},
		{"max quiet", `"max_quiet_rounds":6`, `"max_quiet_rounds":1000000000`, "settings.max_quiet_rounds"},
		{"units", `"units":{"count":300`, `"units":{"count":9000000000000000`, "records.units.count"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := strings.Replace(string(b), tc.from, tc.to, 1)
			require.NotEqual(t, string(b), in)
			_, err := protocol.ParseManifest([]byte(in))
			require.ErrorIs(t, err, protocol.ErrManifest)
			assert.Contains(t, err.Error(), tc.field)
		})
	}
	_, err = protocol.ParseManifest(make([]byte, protocol.MaxManifestBytes+1))
	require.ErrorContains(t, err, "exceeds")
}

// TestAttackDuplicateKeyManifest (class g): a manifest or log body with
// a duplicate or case-variant key, which two readers could read in two
// ways, is refused.
func TestAttackDuplicateKeyManifest(t *testing.T) {
	b, err := testManifest().Marshal()
	require.NoError(t, err)
	for _, in := range []string{
		strings.Replace(string(b), `"exclude_visited":false`, `"exclude_visited":true,"exclude_visited":false`, 1),
		strings.Replace(string(b), `"exclude_visited":false`, `"exclude_visited":false,"Exclude_Visited":true`, 1),
	} {
		_, err := protocol.ParseManifest([]byte(in))
		require.ErrorIs(t, err, protocol.ErrManifest)
	}
	_, err = protocol.ParseBody(protocol.KindDraw, []byte(`{"manifest":"a","seed":"b","Seed":"c","disclosure_sha256":"d"}`))
	require.Error(t, err)
}

// TestAttackSeedReuseAcrossRounds (class k): the same secrets used for
// two rounds give two unrelated seeds, because the seed binds the
// manifest, which names the period and round; a commitment made for one
// round does not open for another.
func TestAttackSeedReuseAcrossRounds(t *testing.T) {
	jan := newFixture(t, testManifest())
	febM := testManifest()
	febM.Round = protocol.Round{Number: 2, First: "2026-02-01", Last: "2026-02-28"}
	require.NoError(t, febM.Validate())
	feb := newFixture(t, febM)
	assert.NotEqual(t, jan.hash, feb.hash)
	assert.NotEqual(t, jan.seed(), feb.seed(), "same secrets, same beacon, two rounds: two seeds")
	c, err := protocol.Commit(jan.hash, "notary", jan.secrets["notary"])
	require.NoError(t, err)
	require.ErrorIs(t, protocol.CheckReveal(feb.hash, "notary", jan.secrets["notary"], c), protocol.ErrContribution)
}
