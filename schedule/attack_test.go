package schedule_test

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/firedraw/firedraw/risk"
	"github.com/firedraw/firedraw/sampling"
	"github.com/firedraw/firedraw/schedule"
	"github.com/firedraw/firedraw/schedule/protocol"
)

// The attack suite of issue #12: each test builds an attack on a draw
// through the public API, as a corrupt official would, and shows it
// impossible by construction or caught with a message naming what is
// wrong. Attacks on the protocol's data and log rules alone are in
// schedule/protocol (TestAttack… there too).

func TestAttackHonestBaseline(t *testing.T) {
	s := honest(t, 1, nil)
	_, err := schedule.VerifyPublic(s.published())
	require.NoError(t, err)
	a, pool, err := schedule.AuditFrame(s.m, s.rec, schedule.AssessConfig{})
	require.NoError(t, err)
	_, err = schedule.Verify(s.published(), a.Frame, pool)
	require.NoError(t, err)
}

// (a) The operator grinds: it tries seeds until a unit it favours is not
// drawn, and publishes that draw. The log derives the seed from every
// party's committed secret and the dice rolled after the reveals; the
// disclosure must name that seed, so the ground draw is refused.
func TestAttackGrindSeeds(t *testing.T) {
	s := honest(t, 1, nil)
	target := ""
	for _, tk := range s.d.Tasks { // a drawn unit that some seed leaves out
		if tk.Pi < 0.5 {
			target = tk.Unit
			break
		}
	}
	require.NotEmpty(t, target)
	var ground []byte
	for i := range 500 {
		var seed sampling.Seed
		seed[0], seed[1] = byte(i), byte(i>>8)
		d, err := schedule.PlanRound(s.m, s.assess.Frame, s.pool, seed, s.attempt.Seq)
		require.NoError(t, err)
		if !slices.ContainsFunc(d.Tasks, func(tk schedule.Task) bool { return tk.Unit == target }) {
			ground, err = d.MarshalCanonical()
			require.NoError(t, err)
			break
		}
	}
	require.NotNil(t, ground, "a seed without the target exists")
	s.republish(t, ground)
	s.requireCaught(t, nil, nil, "but the manifest and the log give")
}

// (b) Records, policy, settings, as-of date or model changed after the
// randomness is known. The manifest fixed them all: the planner refuses
// other inputs, the auditor's rebuild names the difference, and a new
// manifest's hash opens none of the commitments.
func TestAttackInputsChangedAfterRandomness(t *testing.T) {
	s := honest(t, 1, nil)
	// One record removed: another unit of a drawn unit's stratum.
	drop := s.d.Units[0].ID
	rec := *s.rec
	rec.Units = slices.DeleteFunc(slices.Clone(rec.Units), func(u risk.Unit) bool { return u.ID == drop })
	rec.Telemetry = slices.DeleteFunc(slices.Clone(rec.Telemetry), func(e risk.TelemetryEvent) bool { return e.UnitID == drop })
	rec.Incidents = slices.DeleteFunc(slices.Clone(rec.Incidents), func(e risk.Incident) bool { return e.UnitID == drop })
	rec.Inspections = slices.DeleteFunc(slices.Clone(rec.Inspections), func(e risk.Inspection) bool { return e.UnitID == drop })
	rec.Credit = slices.DeleteFunc(slices.Clone(rec.Credit), func(e risk.CreditRecord) bool { return e.UnitID == drop })
	a, err := schedule.Assess(&rec, s.asOf, schedule.AssessConfig{})
	require.NoError(t, err)
	_, err = schedule.PlanRound(s.m, a.Frame, s.pool, s.seed, s.attempt.Seq)
	require.ErrorIs(t, err, schedule.ErrManifestMismatch)
	assert.Contains(t, err.Error(), "the directory given has 299 entries, the manifest fixed 300")
	_, _, err = schedule.AuditFrame(s.m, &rec, schedule.AssessConfig{})
	require.ErrorIs(t, err, schedule.ErrManifestMismatch)
	assert.Contains(t, err.Error(), "snapshot")

	for _, tc := range []struct {
		name string
		edit func(cfg *schedule.Config)
	}{
		{"max_quiet", func(cfg *schedule.Config) { cfg.MaxQuiet = 1 }},
		{"exclude_visited", func(cfg *schedule.Config) { cfg.ExcludeVisited = true }},
		{"policy", func(cfg *schedule.Config) { cfg.Policy.Strength = 1 }},
		{"history start", func(cfg *schedule.Config) { cfg.HistoryStart = cfg.HistoryStart.AddDate(1, 0, 0) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := *s.cfg
			tc.edit(&cfg)
			m2, err := schedule.NewManifest(&cfg, 1, s.assess.Frame, s.pool, s.params(1))
			require.NoError(t, err)
			h2, err := m2.Hash()
			require.NoError(t, err)
			// The re-draw under the new manifest cannot reuse the log.
			d2, err := schedule.PlanRound(m2, s.assess.Frame, s.pool, s.seed, s.attempt.Seq)
			require.NoError(t, err)
			b2, err := d2.MarshalCanonical()
			require.NoError(t, err)
			bad := *s
			bad.entries = slices.Clone(s.entries)
			bad.republish(t, b2)
			bad.requireCaught(t, nil, nil, "manifest "+h2+", but the manifest and the log give "+s.hash)
		})
	}
	// The as-of date or the model: the auditor's rebuild differs.
	_, _, err = schedule.AuditFrame(s.m, s.rec, schedule.AssessConfig{Features: risk.FeatureConfig{HalfLife: 100 * 24 * time.Hour}})
	require.ErrorIs(t, err, schedule.ErrManifestMismatch)
	assert.Contains(t, err.Error(), "scoring")
	m2 := *s.m
	m2.AsOf = "2025-12-01T00:00:00Z"
	_, _, err = schedule.AuditFrame(&m2, s.rec, schedule.AssessConfig{})
	require.ErrorIs(t, err, schedule.ErrFutureRecord, "records after the claimed as-of time")
}

// (c) A round relabelled: January published as round 4 of another period
// changes the team streams. The disclosure must carry the manifest's
// period and round, and the streams bind both.
func TestAttackRelabelRound(t *testing.T) {
	s := honest(t, 1, nil)
	for _, tc := range []struct {
		name string
		edit func(d *schedule.Disclosure)
		want string
	}{
		{"round", func(d *schedule.Disclosure) { d.Round.Number = 4 }, "round {4"},
		{"period", func(d *schedule.Disclosure) { d.Period = "2025/26" }, "period 2025/26, but the manifest and the log give 2026"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := schedule.ParseDisclosure(s.bytes)
			require.NoError(t, err)
			tc.edit(d)
			b, err := d.MarshalCanonical()
			require.NoError(t, err)
			bad := *s
			bad.entries = slices.Clone(s.entries)
			bad.republish(t, b)
			bad.requireCaught(t, nil, nil, tc.want)
		})
	}
	assert.NotEqual(t, schedule.TeamStream("2026", 2, ""), schedule.TeamStream("2025/26", 4, ""))
}

// (d) The operator re-draws and publishes the favourite: a second draw
// entry, or a second manifest for the round without a logged abandon, is
// refused; a disclosure that is not the one the log names is refused; an
// abandoned attempt stays visible to everyone.
func TestAttackRedraw(t *testing.T) {
	s := honest(t, 1, nil)
	replay := func(entries []protocol.Entry, ms ...*protocol.Manifest) (*protocol.State, error) {
		src, err := protocol.Manifests(append(ms, s.m)...)
		require.NoError(t, err)
		st := protocol.NewState(src, nil)
		return st, st.Replay(entries)
	}
	last := s.entries[len(s.entries)-1]
	again := last
	again.Seq++
	_, err := replay(append(slices.Clone(s.entries), again))
	require.ErrorIs(t, err, protocol.ErrRule)
	assert.Contains(t, err.Error(), "a second draw of a round is refused")

	cfg := *s.cfg
	cfg.MaxQuiet = 1
	m2, err := schedule.NewManifest(&cfg, 1, s.assess.Frame, s.pool, s.params(1))
	require.NoError(t, err)
	h2, _ := m2.Hash()
	body, _ := protocol.MarshalBody(&protocol.ManifestBody{Manifest: h2})
	// After the randomness, a new manifest is past its commitment deadline…
	second := protocol.Entry{Seq: last.Seq + 1, Time: last.Time, Kind: protocol.KindManifest, Period: "2026", Round: 2, Body: body}
	_, err = replay(append(slices.Clone(s.entries), second), m2)
	require.ErrorIs(t, err, protocol.ErrRule)
	assert.Contains(t, err.Error(), protocol.RuleManifestTime)
	// …and before it, the first attempt must be abandoned in the log.
	second.Seq, second.Time = 1, s.entries[0].Time
	_, err = replay([]protocol.Entry{s.entries[0], second}, m2)
	require.ErrorIs(t, err, protocol.ErrRule)
	assert.Contains(t, err.Error(), protocol.RuleOneDraw)
	abandon, _ := protocol.MarshalBody(&protocol.AbandonBody{Manifest: s.hash, Reason: "settings revised"})
	second.Seq = 2
	st, err := replay([]protocol.Entry{s.entries[0], {Seq: 1, Time: s.entries[0].Time, Kind: protocol.KindAbandon,
		Period: "2026", Round: 2, Body: abandon}, second}, m2)
	require.NoError(t, err)
	attempts := st.Attempts("2026", 2)
	require.Len(t, attempts, 2, "the abandoned attempt stays in the log")
	assert.True(t, attempts[0].Abandoned)

	// A draw made under another seed, published without being logged.
	var other sampling.Seed
	other[0] = 1
	d2, err := schedule.PlanRound(s.m, s.assess.Frame, s.pool, other, s.attempt.Seq)
	require.NoError(t, err)
	b2, _ := d2.MarshalCanonical()
	_, err = schedule.VerifyPublic(schedule.Published{Manifest: s.m, Attempt: s.attempt, Disclosure: b2})
	require.ErrorIs(t, err, schedule.ErrVerify)
	assert.Contains(t, err.Error(), fmt.Sprintf("but the log's draw entry %d names %s", s.attempt.DrawSeq, protocol.HashBytes(s.bytes)))
}

// (e) The commitment back-dated, missing, or given after the round
// starts: the manifest cannot set the deadline after the round's start,
// a late commitment or a back-dated entry breaks the log, and a reveal
// without a commitment is refused.
func TestAttackCommitmentTiming(t *testing.T) {
	s := honest(t, 1, nil)
	p := s.params(1)
	p.Randomness.CommitBy, p.Randomness.RevealBy = "2026-02-03T00:00:00Z", "2026-02-04T00:00:00Z"
	p.Randomness.Dice.At = "2026-02-05T00:00:00Z"
	_, err := schedule.NewManifest(s.cfg, 1, s.assess.Frame, s.pool, p)
	require.ErrorIs(t, err, protocol.ErrManifest)
	assert.Contains(t, err.Error(), "randomness.commit_by: 2026-02-03T00:00:00Z is not before the round starts on 2026-02-01")

	for _, tc := range []struct {
		name string
		edit func(es []protocol.Entry) []protocol.Entry
		rule string
	}{
		{"after the deadline", func(es []protocol.Entry) []protocol.Entry {
			es[3].Time = at("2026-01-25T00:00:01Z") // the deadline is 2026-01-25T00:00:00Z
			return es
		}, protocol.RuleCommitDeadline},
		{"back-dated", func(es []protocol.Entry) []protocol.Entry {
			es[2].Time = es[0].Time.Add(-time.Hour)
			return es
		}, protocol.RuleOrder},
		{"missing", func(es []protocol.Entry) []protocol.Entry {
			es = append(es[:3:3], es[4:]...)
			for i := range es {
				es[i].Seq = int64(i)
			}
			return es
		}, protocol.RuleCommitOrder},
	} {
		t.Run(tc.name, func(t *testing.T) {
			es := tc.edit(slices.Clone(s.entries))
			src, _ := protocol.Manifests(s.m)
			err := protocol.NewState(src, nil).Replay(es)
			require.ErrorIs(t, err, protocol.ErrRule)
			assert.Contains(t, err.Error(), tc.rule)
		})
	}
}

// (f) A future-dated history record: an inspection dated after the
// as-of time would give a unit π = 0 for the year. The snapshot refuses
// it, so no manifest can include it, and an auditor given it is refused.
func TestAttackFutureDatedRecord(t *testing.T) {
	s := honest(t, 1, nil)
	rec := *s.rec
	rec.Inspections = append(slices.Clone(rec.Inspections), risk.Inspection{
		ID: "planted", UnitID: s.d.Tasks[0].Unit, Date: s.asOf.AddDate(0, 0, 20), Inspectors: []string{rec.Inspectors[0].ID}})
	_, err := schedule.Snapshot(&rec, s.asOf)
	require.ErrorIs(t, err, schedule.ErrFutureRecord)
	assert.Contains(t, err.Error(), "inspection record planted: date 2026-01-21T00:00:00Z is not before the as-of time 2026-01-01T00:00:00Z")
	_, _, err = schedule.AuditFrame(s.m, &rec, schedule.AssessConfig{})
	require.ErrorIs(t, err, schedule.ErrFutureRecord)
}

// (g) A disclosure with "tasks" and "Tasks" keys (two readers, two
// stories), or bytes that are not JSON in a unit ID or a number, is
// refused by the strict decoder before anything is compared.
func TestAttackDuplicateKeyDisclosure(t *testing.T) {
	s := honest(t, 1, nil)
	orig := string(s.bytes)
	i := strings.Index(orig, `,"excluded":`)
	require.Positive(t, i)
	for _, tc := range []struct{ name, in string }{
		{"tasks and Tasks", orig[:i] + `,"Tasks":[]` + orig[i:]},
		{"duplicate tasks", orig[:i] + `,"tasks":[]` + orig[i:]},
		{"NUL in an ID", strings.Replace(orig, `{"id":"`, "{\"id\":\"\x00", 1)},
		{"00.5", strings.Replace(orig, `"pi":0.`, `"pi":00.`, 1)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.NotEqual(t, orig, tc.in)
			_, err := schedule.ParseDisclosure([]byte(tc.in))
			require.ErrorIs(t, err, schedule.ErrBadInput)
			bad := *s
			bad.entries = slices.Clone(s.entries)
			bad.republish(t, []byte(tc.in))
			bad.requireCaught(t, nil, nil, "schedule: disclosure:")
		})
	}
}

// (h) A policy that exempts a level (1e-300 inspections a year) or starves
// units inside a level is refused: frequencies have a floor.
func TestAttackPolicyExemptsLevel(t *testing.T) {
	s := honest(t, 1, nil)
	for _, tc := range []struct {
		name string
		edit func(p *schedule.Policy)
		want string
	}{
		{"level", func(p *schedule.Policy) { p.Frequencies[risk.Low], p.Frequencies[risk.LevelGeneral] = 1e-300, 1e-300 }, "policy.low"},
		{"units inside a level", func(p *schedule.Policy) { p.Strength, p.MinShare = 1, 1e-9 }, "policy.min_share"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := *s.cfg
			tc.edit(&cfg.Policy)
			_, err := schedule.NewManifest(&cfg, 1, s.assess.Frame, s.pool, s.params(1))
			require.ErrorIs(t, err, protocol.ErrManifest)
			assert.Contains(t, err.Error(), tc.want)
			assert.Contains(t, err.Error(), "floor")
		})
	}
	// A manifest file edited to exempt a level does not even parse.
	b, err := s.m.Marshal()
	require.NoError(t, err)
	_, err = protocol.ParseManifest(bytes.Replace(b, []byte(`"low":0.05`), []byte(`"low":1e-300`), 1))
	require.ErrorIs(t, err, protocol.ErrManifest)
}

// (i) Hostile files that would exhaust memory or time: huge counts and
// day spans, deep nesting, oversized files and counts that disagree with
// the manifest are refused before anything proportional is allocated.
func TestAttackHostileInput(t *testing.T) {
	s := honest(t, 1, nil)
	mb, err := s.m.Marshal()
	require.NoError(t, err)
	for _, tc := range []struct{ name, from, to, want string }{
		{"rounds", `"rounds":12`, `"rounds":2000000000`, "period.rounds"},
		{"results due", `"results_due_days":20`, `"results_due_days":1e9`, "not canonical"},
		{"results due, integer", `"results_due_days":20`, `"results_due_days":1000000000`, "settings.results_due_days"},
		{"units", `"count":300,`, `"count":999999999999999,`, "count"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := bytes.Replace(mb, []byte(tc.from), []byte(tc.to), 1)
			require.NotEqual(t, mb, in)
			_, err := protocol.ParseManifest(in)
			require.ErrorIs(t, err, protocol.ErrManifest)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
	deep := []byte(strings.Repeat("[", 100000) + strings.Repeat("]", 100000) + "\n")
	_, err = schedule.ParseDisclosure(deep)
	require.ErrorIs(t, err, schedule.ErrBadInput)
	_, err = protocol.ParseManifest(deep)
	require.ErrorIs(t, err, protocol.ErrManifest)

	// A disclosure claiming another unit count than the manifest's.
	d, err := schedule.ParseDisclosure(s.bytes)
	require.NoError(t, err)
	d.UnitCount = 1 << 30
	b, _ := d.MarshalCanonical()
	bad := *s
	bad.entries = slices.Clone(s.entries)
	bad.republish(t, b)
	bad.requireCaught(t, nil, nil, "unit count 1073741824, but the manifest and the log give 300")
}

// (j) A proof with a forged size, index or root: the size must be the
// manifest's unit count, the index below it, and the root the
// disclosure's, which the log ties to the manifest; a root written in the
// proof file is never trusted (the file has none).
func TestAttackForgedProof(t *testing.T) {
	s := honest(t, 1, func(cfg *schedule.Config) { cfg.Sealed = true })
	var proofs []schedule.UnitProof
	require.NoError(t, s.d.Proofs(func(l schedule.Leaf, p schedule.Proof) error {
		proofs = append(proofs, schedule.UnitProof{Unit: l.ID, Leaf: l, Proof: p})
		return nil
	}))
	p := proofs[5]
	require.NoError(t, s.d.VerifyUnitProof(&p))
	for _, tc := range []struct {
		name string
		edit func(p *schedule.UnitProof)
		want string
	}{
		{"size", func(p *schedule.UnitProof) { p.Proof.Size = 8; p.Proof.Path = p.Proof.Path[:3] }, "proof of a tree of 8 leaves, but the draw has 300 units"},
		{"index", func(p *schedule.UnitProof) { p.Proof.Index = 300 }, "proof index 300 outside a tree of 300 leaves"},
		{"negative index", func(p *schedule.UnitProof) { p.Proof.Index = -1 }, "proof index -1"},
		{"level", func(p *schedule.UnitProof) { p.Leaf.Level, p.Leaf.LevelStr = risk.High, "high" }, "does not lead to root"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q := p
			q.Proof.Path = slices.Clone(p.Proof.Path)
			tc.edit(&q)
			err := s.d.VerifyUnitProof(&q)
			require.ErrorIs(t, err, schedule.ErrProof)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
	// A one-leaf tree whose root is the forged leaf itself: accepted only
	// by a checker that trusts a root it was handed with the proof.
	forged := p
	forged.Leaf.Selected = !forged.Leaf.Selected
	forged.Proof = schedule.Proof{Index: 0, Size: 1, Path: []string{}}
	require.ErrorIs(t, s.d.VerifyUnitProof(&forged), schedule.ErrProof)
	// A forged root in the disclosure: the auditor's re-run names it.
	d, err := schedule.ParseDisclosure(s.bytes)
	require.NoError(t, err)
	d.MerkleRoot = strings.Repeat("0", 64)
	b, _ := d.MarshalCanonical()
	bad := *s
	bad.entries = slices.Clone(s.entries)
	bad.republish(t, b)
	a, pool, err := schedule.AuditFrame(s.m, s.rec, schedule.AssessConfig{})
	require.NoError(t, err)
	bad.requireCaught(t, a.Frame, pool, "Merkle root "+strings.Repeat("0", 64)+", want")
}

// (k) A seed reused across rounds: the same secrets and dice for two
// rounds give two seeds (the seed binds the manifest, which names the
// round), and even one seed forced on two rounds gives unrelated PRNs
// (the streams bind the period and the round).
func TestAttackSeedReuseAcrossRounds(t *testing.T) {
	feb, mar := honest(t, 1, nil), honest(t, 2, nil)
	mar2 := *mar
	mar2.secrets = feb.secrets
	assert.NotEqual(t, feb.hash, mar.hash)
	in := feb.attempt.SeedInputs()
	in.Manifest = mar.hash
	s2, err := protocol.DeriveSeed(in)
	require.NoError(t, err)
	assert.NotEqual(t, feb.seed, s2, "same secrets and dice, another round: another seed")

	// The same seed forced on March: no unit keeps its February PRN.
	d, err := schedule.PlanRound(mar.m, mar.assess.Frame, mar.pool, feb.seed, mar.attempt.Seq)
	require.NoError(t, err)
	a, pool, err := schedule.AuditFrame(feb.m, feb.rec, schedule.AssessConfig{})
	require.NoError(t, err)
	r, err := schedule.Verify(feb.published(), a.Frame, pool)
	require.NoError(t, err)
	febPRN := map[string]float64{}
	for _, l := range r.Disclosure.Units {
		febPRN[l.ID] = l.PRN
	}
	shared := 0
	for _, l := range d.Units {
		if febPRN[l.ID] == l.PRN {
			shared++
		}
	}
	assert.Zero(t, shared, "PRNs shared between two rounds drawn with one seed")
}
