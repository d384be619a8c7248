package protocol_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/firedraw/firedraw/schedule/protocol"
)

// Quicknet round 1000 (emitted 2023-08-23T15:59:24Z), as served by
// https://api.drand.sh/<quicknet>/public/1000; schedule/beacon's tests
// pin the same vector.
const (
	round1000Sig        = "b44679b9a59af2ec876b1a6b1ad52ea9b1615fc3982b19576350f93447cb1125e342b73a8dd2bacbe47e4b6b63ed5e39"
	round1000Randomness = "fe290beca10872ef2fb164d2aa4442de4566183ec51c56ff3cd603d930e54fdd"
)

// realBeaconManifest names quicknet round 1000 as the late source of the
// September 2023 round, with the reveal deadline an hour before it.
func realBeaconManifest() *protocol.Manifest {
	m := testManifest()
	m.Period = protocol.Period{ID: "2023/24", Start: "2023-09-01", Length: "month", Rounds: 12}
	m.Round = protocol.Round{Number: 1, First: "2023-09-01", Last: "2023-09-30"}
	m.AsOf = "2023-08-15T00:00:00Z"
	m.Targeted.Since = "2023-07-15T00:00:00Z"
	m.Settings.HistoryStart = "2021-01-01"
	m.Calendar = protocol.Calendar{Holidays: []string{}, MakeupDays: []string{}}
	m.Randomness.CommitBy, m.Randomness.RevealBy = "2023-08-20T12:00:00Z", "2023-08-23T15:00:00Z"
	m.Randomness.Beacon = protocol.BeaconPlan{Chain: protocol.QuicknetChain, Round: 1000, Time: "2023-08-23T15:59:24Z"}
	return m
}

// TestStateRealBeacon replays a log whose late source is a real drand
// round, verified offline.
func TestStateRealBeacon(t *testing.T) {
	f := newFixture(t, realBeaconManifest())
	f.add("2023-08-16T09:00:00Z", protocol.KindManifest, &protocol.ManifestBody{Manifest: f.hash})
	for _, p := range f.m.Randomness.Parties {
		f.commitment("2023-08-18T10:00:00Z", p)
	}
	for _, p := range f.m.Randomness.Parties {
		f.reveal("2023-08-22T10:00:00Z", p)
	}
	beacon := func(sig, randomness string) *protocol.BeaconBody {
		return &protocol.BeaconBody{Manifest: f.hash, Chain: protocol.QuicknetChain, Round: 1000, Signature: sig, Randomness: randomness}
	}
	good := *f
	good.entries = append([]protocol.Entry(nil), f.entries...)
	good.add("2023-08-23T16:00:00Z", protocol.KindBeacon, beacon(round1000Sig, round1000Randomness))
	src, err := protocol.Manifests(f.m)
	require.NoError(t, err)
	st := protocol.NewState(src, protocol.Drand)
	require.NoError(t, st.Replay(good.entries))
	a, _ := st.Attempt(f.hash)
	assert.Equal(t, round1000Randomness, a.Beacon)

	// A forged signature, or the right one with another randomness, is refused.
	forged := []byte(round1000Sig)
	forged[10] ^= 1
	for _, b := range []*protocol.BeaconBody{beacon(string(forged), round1000Randomness), beacon(round1000Sig, hexOf("fe"))} {
		bad := *f
		bad.entries = append([]protocol.Entry(nil), f.entries...)
		bad.add("2023-08-23T16:00:00Z", protocol.KindBeacon, b)
		err := protocol.NewState(src, protocol.Drand).Replay(bad.entries)
		requireRule(t, err, 7, protocol.RuleBeacon)
	}
}
