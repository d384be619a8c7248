package protocol_test

import (
	"crypto/sha256"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/firedraw/firedraw/schedule/protocol"
)

// hexOf returns a 64-digit hex value made of one repeated byte.
func hexOf(b string) string { return strings.Repeat(b, 32) }

// testManifest is a valid three-party manifest for round 1 (January 2026)
// of a monthly period, with a quicknet beacon round emitted after the
// reveal deadline.
func testManifest() *protocol.Manifest {
	revealBy := "2025-12-29T12:00:00Z"
	rt, _ := protocol.ParseTime(revealBy)
	round, _ := protocol.BeaconRoundAfter(protocol.QuicknetChain, rt.Add(time.Hour))
	bt, _ := protocol.BeaconTime(protocol.QuicknetChain, round)
	d := protocol.Digest{Count: 300, SHA256: hexOf("01")}
	return &protocol.Manifest{
		Format: protocol.ManifestFormat, Library: "firedraw/schedule-test",
		Algorithms: protocol.Algorithms{Seed: protocol.SeedAlgorithm, PRN: "prn/v1", Draw: "systematic/v1", Spread: "spread/v2",
			Team: "team/v2", Dates: "dates/v1", TaskID: "uuid5/v1", Merkle: "rfc9162-sha256/v1", Hashing: "canonical-binary/v1",
			Continuity: "open-tasks/v1", Leave: "redate-nearest/v1"},
		Period: protocol.Period{ID: "2026", Start: "2026-01-01", Length: "month", Rounds: 12},
		Round:  protocol.Round{Number: 1, First: "2026-01-01", Last: "2026-01-31"},
		AsOf:   "2025-12-20T00:00:00Z",
		Records: protocol.Records{Units: d, Telemetry: protocol.Digest{Count: 9000, SHA256: hexOf("02")},
			Incidents: protocol.Digest{Count: 10, SHA256: hexOf("03")}, Inspections: protocol.Digest{Count: 400, SHA256: hexOf("04")},
			Credit: protocol.Digest{Count: 300, SHA256: hexOf("05")}, Inspectors: protocol.Digest{Count: 40, SHA256: hexOf("06")}},
		Frame: protocol.Frame{Directory: d, History: protocol.Digest{Count: 300, SHA256: hexOf("07")},
			Pool: protocol.Digest{Count: 40, SHA256: hexOf("08")}},
		Model:  protocol.Model{Weights: hexOf("09"), Config: hexOf("0a")},
		Policy: protocol.Policy{Low: 0.05, General: 0.2, Higher: 0.6, High: 1, CrowdedKeyFloor: 1, HighFireRiskFloor: 2, MinShare: 0.1},
		Mode:   "independent",
		Settings: protocol.Settings{HistoryStart: "2024-01-01", MaxQuiet: 6, TeamSize: 2, DailyCap: 4,
			Departments: []string{}, ResultsDueDays: 20},
		Calendar: protocol.Calendar{Holidays: []string{"2026-01-01"}, MakeupDays: []string{"2026-01-04"}},
		Targeted: protocol.Targeted{Algorithm: protocol.TargetedAlgorithm, AlertConfig: hexOf("0b"), MinSeverity: "serious",
			Rules: []string{"fire", "fire-alarm", "device-shielded"}, OpenOnly: true, Since: "2025-11-20T00:00:00Z", WithinDays: 5,
			Targets: protocol.Digest{Count: 3, SHA256: hexOf("0c")}},
		Randomness: protocol.Randomness{
			Parties:  []string{"fire-service", "market-regulator", "notary"},
			CommitBy: "2025-12-24T12:00:00Z", RevealBy: revealBy,
			Beacon:    protocol.BeaconPlan{Chain: protocol.QuicknetChain, Round: round, Time: protocol.FormatTime(bt)},
			NonReveal: protocol.NonRevealRule,
		},
	}
}

// fakeSignature is the only signature fakeBeacon accepts; the tests of
// this package check the protocol's rules, schedule/beacon checks real
// drand signatures.
var fakeSignature = []byte("a signature of the planned round")

func fakeBeacon(chain string, round uint64, sig []byte) ([]byte, error) {
	if string(sig) != string(fakeSignature) {
		return nil, errors.New("bad signature")
	}
	r := sha256.Sum256(sig)
	return r[:], nil
}

// fixture builds the log of one attempt.
type fixture struct {
	t       *testing.T
	m       *protocol.Manifest
	hash    string
	secrets map[string]string
	entries []protocol.Entry
}

func newFixture(t *testing.T, m *protocol.Manifest) *fixture {
	t.Helper()
	require.NoError(t, m.Validate())
	h, err := m.Hash()
	require.NoError(t, err)
	f := &fixture{t: t, m: m, hash: h, secrets: map[string]string{}}
	for i, p := range m.Randomness.Parties {
		f.secrets[p] = strings.Repeat(string(rune('a'+i)), 64)
	}
	return f
}

// add appends an entry of the fixture's period and round.
func (f *fixture) add(at string, kind protocol.Kind, body any) *fixture {
	f.t.Helper()
	return f.addAs(at, kind, f.m.Period.ID, f.m.Round.Number, body)
}

func (f *fixture) addAs(at string, kind protocol.Kind, period string, round int, body any) *fixture {
	f.t.Helper()
	tm, err := protocol.ParseTime(at)
	require.NoError(f.t, err)
	b, err := protocol.MarshalBody(body)
	require.NoError(f.t, err)
	f.entries = append(f.entries, protocol.Entry{Seq: int64(len(f.entries)), Time: tm, Kind: kind, Period: period, Round: round, Body: b})
	return f
}

func (f *fixture) commitment(at, party string) *fixture {
	f.t.Helper()
	c, err := protocol.Commit(f.hash, party, f.secrets[party])
	require.NoError(f.t, err)
	return f.add(at, protocol.KindCommitment, &protocol.CommitmentBody{Manifest: f.hash, Party: party, Commitment: c})
}

func (f *fixture) reveal(at, party string) *fixture {
	return f.add(at, protocol.KindReveal, &protocol.RevealBody{Manifest: f.hash, Party: party, Secret: f.secrets[party]})
}

func (f *fixture) beacon(at string) *fixture {
	r := sha256.Sum256(fakeSignature)
	b := f.m.Randomness.Beacon
	return f.add(at, protocol.KindBeacon, &protocol.BeaconBody{Manifest: f.hash, Chain: b.Chain, Round: b.Round,
		Signature: hexBytes(fakeSignature), Randomness: hexBytes(r[:])})
}

// seed derives the seed the log's contributions give, with the parties
// in skip defaulted.
func (f *fixture) seed(skip ...string) string {
	f.t.Helper()
	r := sha256.Sum256(fakeSignature)
	in := protocol.SeedInputs{Manifest: f.hash, Beacon: hexBytes(r[:])}
	for _, p := range f.m.Randomness.Parties {
		c := protocol.Contribution{Party: p, Secret: f.secrets[p]}
		for _, s := range skip {
			if s == p {
				c.Secret = ""
			}
		}
		in.Parties = append(in.Parties, c)
	}
	s, err := protocol.DeriveSeed(in)
	require.NoError(f.t, err)
	return s.String()
}

func (f *fixture) draw(at, seed string) *fixture {
	return f.add(at, protocol.KindDraw, &protocol.DrawBody{Manifest: f.hash, Seed: seed, Disclosure: hexOf("ee")})
}

// honest returns the fixture with the whole honest protocol logged.
func (f *fixture) honest() *fixture {
	f.add("2025-12-20T09:00:00Z", protocol.KindManifest, &protocol.ManifestBody{Manifest: f.hash})
	for _, p := range f.m.Randomness.Parties {
		f.commitment("2025-12-22T10:00:00Z", p)
	}
	for _, p := range f.m.Randomness.Parties {
		f.reveal("2025-12-26T10:00:00Z", p)
	}
	f.beacon(f.m.Randomness.Beacon.Time)
	return f.draw("2025-12-30T09:00:00Z", f.seed())
}

// replay replays the fixture's log with its manifest (and others).
func (f *fixture) replay(others ...*protocol.Manifest) (*protocol.State, error) {
	f.t.Helper()
	src, err := protocol.Manifests(append(others, f.m)...)
	require.NoError(f.t, err)
	st := protocol.NewState(src, fakeBeacon)
	return st, st.Replay(f.entries)
}

// requireRule checks that err is a *RuleError for entry seq and rule.
func requireRule(t *testing.T, err error, seq int64, rule string) {
	t.Helper()
	require.Error(t, err)
	var re *protocol.RuleError
	require.True(t, errors.As(err, &re), "%v is not a RuleError", err)
	require.ErrorIs(t, err, protocol.ErrRule)
	require.Equal(t, rule, re.Rule, "%v", err)
	require.Equal(t, seq, re.Seq, "%v", err)
}

func hexBytes(b []byte) string {
	const digits = "0123456789abcdef"
	out := make([]byte, 0, 2*len(b))
	for _, c := range b {
		out = append(out, digits[c>>4], digits[c&15])
	}
	return string(out)
}
