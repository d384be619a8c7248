package protocol_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/firedraw/firedraw/schedule/protocol"
)

func TestManifestRoundTrip(t *testing.T) {
	m := testManifest()
	b, err := m.Marshal()
	require.NoError(t, err)
	assert.True(t, bytes.HasSuffix(b, []byte("}\n")))
	assert.NotContains(t, string(b), " ", "no insignificant space")
	got, err := protocol.ParseManifest(b)
	require.NoError(t, err)
	assert.Equal(t, m, got)
	h1, err := m.Hash()
	require.NoError(t, err)
	assert.Equal(t, protocol.HashBytes(b), h1)

	// nil lists encode as [] and hash like empty ones.
	m2 := testManifest()
	m2.Settings.Departments = nil
	h2, err := m2.Hash()
	require.NoError(t, err)
	assert.Equal(t, h1, h2)
}

func TestManifestValidate(t *testing.T) {
	for _, tc := range []struct {
		name  string
		edit  func(m *protocol.Manifest)
		field string // named in the error
	}{
		{"format", func(m *protocol.Manifest) { m.Format = "firedraw/manifest/v0" }, "format"},
		{"mode", func(m *protocol.Manifest) { m.Mode = "targeted" }, "mode"},
		{"rotation", func(m *protocol.Manifest) { m.Mode = "rotation" }, "mode"},
		{"non-reveal rule", func(m *protocol.Manifest) { m.Randomness.NonReveal = "retry" }, "randomness.non_reveal"},
		{"rounds zero", func(m *protocol.Manifest) { m.Period.Rounds = 0 }, "period.rounds"},
		{"rounds huge", func(m *protocol.Manifest) { m.Period.Rounds = 2000000000 }, "period.rounds"},
		{"round beyond period", func(m *protocol.Manifest) { m.Round.Number = 13 }, "round.number"},
		{"round dates", func(m *protocol.Manifest) { m.Round.Last = "2026-01-30" }, "round"},
		{"period start", func(m *protocol.Manifest) { m.Period.Start = "2026-01-02" }, "period.start"},
		{"length", func(m *protocol.Manifest) { m.Period.Length = "week" }, "period.length"},
		{"results due huge", func(m *protocol.Manifest) { m.Settings.ResultsDueDays = 1000000000 }, "settings.results_due_days"},
		{"results due zero", func(m *protocol.Manifest) { m.Settings.ResultsDueDays = 0 }, "settings.results_due_days"},
		{"team size", func(m *protocol.Manifest) { m.Settings.TeamSize = 17 }, "settings.team_size"},
		{"max quiet unresolved", func(m *protocol.Manifest) { m.Settings.MaxQuiet = 0 }, "settings.max_quiet_rounds"},
		{"duplicate department", func(m *protocol.Manifest) { m.Settings.Departments = []string{"fire", "fire"} }, "settings.departments"},
		{"history after round", func(m *protocol.Manifest) { m.Settings.HistoryStart = "2026-02-01" }, "settings.history_start"},
		{"holidays unsorted", func(m *protocol.Manifest) { m.Calendar.Holidays = []string{"2026-02-01", "2026-01-01"} }, "calendar.holidays"},
		{"holiday and make-up", func(m *protocol.Manifest) { m.Calendar.MakeupDays = []string{"2026-01-01"} }, "calendar"},
		{"date form", func(m *protocol.Manifest) { m.Calendar.Holidays = []string{"2026-1-1"} }, "calendar.holidays"},
		{"level exempt", func(m *protocol.Manifest) { m.Policy.Low = 1e-300 }, "policy.low"},
		{"level NaN-free", func(m *protocol.Manifest) { m.Policy.High = 0 }, "policy.high"},
		{"min share", func(m *protocol.Manifest) { m.Policy.MinShare = 0.001 }, "policy.min_share"},
		{"strength", func(m *protocol.Manifest) { m.Policy.Strength = 1.5 }, "policy.strength"},
		{"digest hex", func(m *protocol.Manifest) { m.Records.Credit.SHA256 = strings.ToUpper(hexOf("ab")) }, "records.credit.sha256"},
		{"unit count", func(m *protocol.Manifest) { m.Frame.Directory.Count = 299 }, "frame"},
		{"pool count", func(m *protocol.Manifest) { m.Frame.Pool.Count = 41 }, "frame.pool.count"},
		{"one party", func(m *protocol.Manifest) { m.Randomness.Parties = []string{"fire-service"} }, "randomness.parties"},
		{"party twice", func(m *protocol.Manifest) { m.Randomness.Parties = []string{"notary", "notary"} }, "randomness.parties"},
		{"party with NUL", func(m *protocol.Manifest) { m.Randomness.Parties[0] = "fire\x00service" }, "randomness.parties"},
		{"no late source", func(m *protocol.Manifest) { m.Randomness.Beacon = protocol.BeaconPlan{} }, "randomness"},
		{"single operator with two", func(m *protocol.Manifest) { m.Randomness.SingleOperator = true }, "randomness.parties"},
		{"commit after round start", func(m *protocol.Manifest) {
			m.Randomness.CommitBy, m.Randomness.RevealBy = "2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z"
		}, "randomness.commit_by"},
		{"reveal before commit", func(m *protocol.Manifest) { m.Randomness.RevealBy = "2025-12-24T12:00:00Z" }, "randomness.reveal_by"},
		{"as-of after commit", func(m *protocol.Manifest) { m.AsOf = "2025-12-25T00:00:00Z" }, "as_of"},
		{"time form", func(m *protocol.Manifest) { m.AsOf = "2025-12-20T00:00:00+08:00" }, "as_of"},
		{"beacon before reveal deadline", func(m *protocol.Manifest) {
			rt, _ := protocol.ParseTime("2025-12-28T00:00:00Z")
			r, _ := protocol.BeaconRoundAfter(protocol.QuicknetChain, rt)
			bt, _ := protocol.BeaconTime(protocol.QuicknetChain, r)
			m.Randomness.Beacon.Round, m.Randomness.Beacon.Time = r, protocol.FormatTime(bt)
		}, "randomness.beacon.round"},
		{"beacon time wrong", func(m *protocol.Manifest) { m.Randomness.Beacon.Time = "2025-12-29T13:00:00Z" }, "randomness.beacon.time"},
		{"beacon chain unknown", func(m *protocol.Manifest) { m.Randomness.Beacon.Chain = hexOf("aa") }, "randomness.beacon"},
		{"targeted algorithm", func(m *protocol.Manifest) { m.Targeted.Algorithm = "targeted/v1" }, "targeted.algorithm"},
		{"targeted severity", func(m *protocol.Manifest) { m.Targeted.MinSeverity = "grave" }, "targeted.min_severity"},
		{"targeted rule unknown", func(m *protocol.Manifest) { m.Targeted.Rules = []string{"fire", "smoke"} }, "targeted.rules"},
		{"targeted rules unsorted", func(m *protocol.Manifest) { m.Targeted.Rules = []string{"fire-alarm", "fire"} }, "targeted.rules"},
		{"targeted rule twice", func(m *protocol.Manifest) { m.Targeted.Rules = []string{"fire", "fire"} }, "targeted.rules"},
		{"targeted since after as-of", func(m *protocol.Manifest) { m.Targeted.Since = "2025-12-20T00:00:00Z" }, "targeted.since"},
		{"targeted within", func(m *protocol.Manifest) { m.Targeted.WithinDays = 0 }, "targeted.within_days"},
		{"targeted more targets than units", func(m *protocol.Manifest) { m.Targeted.Targets.Count = 301 }, "targeted.targets.count"},
		{"targets without rules", func(m *protocol.Manifest) { m.Targeted.Rules = []string{} }, "targeted.targets.count"},
		{"targeted digest", func(m *protocol.Manifest) { m.Targeted.Targets.SHA256 = "00" }, "targeted.targets.sha256"},
		{"alert config digest", func(m *protocol.Manifest) { m.Targeted.AlertConfig = "" }, "targeted.alert_config_sha256"},
		{"dice too few", func(m *protocol.Manifest) {
			m.Randomness.Dice = protocol.DicePlan{At: "2025-12-30T10:00:00Z", Digits: 19}
		}, "randomness.dice.digits"},
		{"dice before reveal deadline", func(m *protocol.Manifest) {
			m.Randomness.Dice = protocol.DicePlan{At: "2025-12-29T10:00:00Z", Digits: 20}
		}, "randomness.dice.at"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := testManifest()
			tc.edit(m)
			err := m.Validate()
			require.ErrorIs(t, err, protocol.ErrManifest)
			assert.Contains(t, err.Error(), "field "+tc.field+":")
		})
	}
}

func TestManifestSingleOperator(t *testing.T) {
	m := testManifest()
	m.Randomness.SingleOperator = true
	m.Randomness.Parties = []string{"operator"}
	m.Randomness.Beacon = protocol.BeaconPlan{}
	require.NoError(t, m.Validate(), "a single operator needs no late source")
}

func TestParseManifestCanonicalOnly(t *testing.T) {
	b, err := testManifest().Marshal()
	require.NoError(t, err)
	s := string(b)
	for _, tc := range []struct{ name, in string }{
		{"duplicate key", strings.Replace(s, `"mode":"independent"`, `"mode":"rotation","mode":"independent"`, 1)},
		{"case-variant key", strings.Replace(s, `"mode":`, `"Mode":`, 1)},
		{"unknown key", strings.Replace(s, `"sealed":false`, `"sealed":false,"extra":1`, 1)},
		{"number spelling", strings.Replace(s, `"rounds":12`, `"rounds":12.0`, 1)},
		{"exponent", strings.Replace(s, `"rounds":12`, `"rounds":1.2e1`, 1)},
		{"space", strings.Replace(s, `"rounds":12`, `"rounds": 12`, 1)},
		{"escape", strings.Replace(s, `"id":"2026"`, `"id":"\u0032026"`, 1)},
		{"no newline", strings.TrimSuffix(s, "\n")},
		{"trailing data", s + "{}"},
		{"null list", strings.Replace(s, `"departments":[]`, `"departments":null`, 1)},
		{"invalid UTF-8", strings.Replace(s, `"id":"2026"`, "\"id\":\"20\xff26\"", 1)},
		{"too big", s + strings.Repeat(" ", protocol.MaxManifestBytes)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.NotEqual(t, s, tc.in, "the edit applies")
			_, err := protocol.ParseManifest([]byte(tc.in))
			require.ErrorIs(t, err, protocol.ErrManifest)
		})
	}
}

func FuzzParseManifest(f *testing.F) {
	b, err := testManifest().Marshal()
	require.NoError(f, err)
	f.Add(b)
	f.Add([]byte(`{"format":"firedraw/manifest/v1"}`))
	f.Add([]byte(`{"period":{"rounds":2000000000}}`))
	f.Fuzz(func(t *testing.T, in []byte) {
		m, err := protocol.ParseManifest(in)
		if err != nil {
			return
		}
		// Whatever is accepted is valid and canonical.
		require.NoError(t, m.Validate())
		out, err := m.Marshal()
		require.NoError(t, err)
		require.Equal(t, in, out)
	})
}
