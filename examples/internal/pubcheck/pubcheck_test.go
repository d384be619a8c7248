package pubcheck_test

import (
	"bytes"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/firedraw/firedraw/examples/internal/drawflow"
	"github.com/firedraw/firedraw/examples/internal/pubcheck"
	"github.com/firedraw/firedraw/risk/synthcity"
	"github.com/firedraw/firedraw/schedule"
)

// published draws round 2 of a 200-unit synthetic city under the
// protocol, with three simulated parties and a fixed random stream, and
// returns its published files (and, sealed, its proofs).
func published(t testing.TB, sealed bool) (pubcheck.Files, *drawflow.Result) {
	t.Helper()
	asOf := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	c, err := synthcity.Generate(synthcity.Config{Units: 300, Seed: 3, AsOf: asOf})
	require.NoError(t, err)
	rounds, err := schedule.Period(asOf, 12, schedule.Month)
	require.NoError(t, err)
	var seed [32]byte
	seed[0] = 7
	res, err := drawflow.Run(drawflow.Inputs{Records: &c.Records, AsOf: asOf,
		Config: &schedule.Config{Rounds: rounds, Sealed: sealed}, Round: 1, PeriodID: "2026",
		Parties: drawflow.DefaultParties(), Rand: rand.NewChaCha8(seed)})
	require.NoError(t, err)
	var log bytes.Buffer
	_, err = res.Log.WriteTo(&log)
	require.NoError(t, err)
	return pubcheck.Files{Log: log.Bytes(), Rounds: []pubcheck.RoundFiles{
		{Name: "rounds/02", Manifest: res.ManifestBytes, Disclosure: res.DisclosureBytes, Targeted: res.TargetedBytes}}}, res
}

func TestCheck(t *testing.T) {
	f, res := published(t, false)
	unit := res.Disclosure.Tasks[0].Unit
	tests := []struct {
		name   string
		change func(f *pubcheck.Files)
		want   []string // substrings of the problems; none: verified
	}{
		{"untouched", func(*pubcheck.Files) {}, nil},
		{"changed task", func(f *pubcheck.Files) {
			d, err := schedule.ParseDisclosure(f.Rounds[0].Disclosure)
			require.NoError(t, err)
			d.Tasks[0].PRN /= 2 // a PRN the seed does not give
			f.Rounds[0].Disclosure, err = d.MarshalCanonical()
			require.NoError(t, err)
		}, []string{"disclosure hashes to", `task of unit "` + unit + `": PRN`}},
		{"broken chain", func(f *pubcheck.Files) {
			lines := bytes.SplitAfter(f.Log, []byte("\n"))
			lines[1] = bytes.Replace(lines[1], []byte(`:00Z"`), []byte(`:01Z"`), 1)
			f.Log = bytes.Join(lines, nil)
		}, []string{"entry 2: prev does not match the hash of entry 1", "not checked"}},
		{"manifest not logged", func(f *pubcheck.Files) {
			f.Rounds[0].Manifest = bytes.Replace(f.Rounds[0].Manifest, []byte(`"as_of":"2026-`), []byte(`"as_of":"2025-`), 1)
		}, []string{"manifest"}},
		{"no rounds", func(f *pubcheck.Files) { f.Rounds = nil }, []string{}},
		{"changed targeted task", func(f *pubcheck.Files) {
			td, err := schedule.ParseTargeted(f.Rounds[0].Targeted)
			require.NoError(t, err)
			require.NotEmpty(t, td.Tasks, "the city has targets")
			td.Tasks[0].Triggers[0].ExplanationEN = "nothing happened"
			f.Rounds[0].Targeted, err = td.MarshalCanonical()
			require.NoError(t, err)
		}, []string{"targeted disclosure hashes to", "in the changed targeted disclosure", "targets were added, dropped or changed"}},
		{"targeted file missing", func(f *pubcheck.Files) { f.Rounds[0].Targeted = nil }, []string{"targeted disclosure hashes to"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g := pubcheck.Files{Log: bytes.Clone(f.Log), Rounds: append([]pubcheck.RoundFiles(nil), f.Rounds...)}
			tc.change(&g)
			rep := pubcheck.Check(g)
			var all []string
			all = append(all, rep.Log.Problems...)
			for _, r := range rep.Rounds {
				all = append(all, r.Problems...)
			}
			if tc.want == nil {
				require.True(t, rep.Verified, "%q", all)
				assert.Equal(t, uint64(res.Log.Len()), rep.Log.Size)
				assert.Equal(t, res.Disclosure.Seed, rep.Rounds[0].Seed)
				return
			}
			assert.False(t, rep.Verified)
			joined := ""
			for _, p := range all {
				joined += p + "\n"
			}
			for _, w := range tc.want {
				assert.Contains(t, joined, w)
			}
		})
	}
}

func TestCheckProof(t *testing.T) {
	f, res := published(t, true)
	rep := pubcheck.Check(f)
	require.True(t, rep.Verified, "%+v", rep)
	var lines [][]byte
	require.NoError(t, res.Disclosure.Proofs(func(l schedule.Leaf, p schedule.Proof) error {
		b, err := (&schedule.UnitProof{Unit: l.ID, Leaf: l, Proof: p}).Marshal()
		lines = append(lines, b)
		return err
	}))
	require.NotEmpty(t, lines)
	got, err := rep.CheckProof("rounds/02", bytes.TrimSuffix(lines[0], []byte("\n")))
	require.NoError(t, err)
	assert.NotEmpty(t, got.Unit)

	forged := bytes.Replace(lines[0], []byte(`"prn":0.`), []byte(`"prn":0.9`), 1)
	_, err = rep.CheckProof("rounds/02", forged)
	require.ErrorIs(t, err, pubcheck.ErrProof)
	_, err = rep.CheckProof("rounds/09", lines[0])
	require.ErrorIs(t, err, pubcheck.ErrProof)
}
