package schedule

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/firedraw/firedraw/sampling"
	"github.com/firedraw/firedraw/schedule/protocol"
	"github.com/google/uuid"
)

func samplingPRN(seed sampling.Seed, stream, id string) float64 {
	return sampling.PRN(seed, stream, id)
}

func uuidParse(s string) (uuid.UUID, error) { return uuid.Parse(s) }

// testOperator is the party of the tests' single-operator draws.
const testOperator = "operator"

// testDraw is one round drawn under the protocol: its manifest, the log
// of its steps, the seed the log derives and the disclosure.
type testDraw struct {
	m       *protocol.Manifest
	hash    string
	entries []protocol.Entry
	attempt *protocol.Attempt
	seed    sampling.Seed
	d       *Disclosure
	bytes   []byte
}

// published returns what the public holds about the draw.
func (td *testDraw) published() Published {
	return Published{Manifest: td.m, Attempt: td.attempt, Disclosure: td.bytes}
}

// testParams returns single-operator manifest parameters for a round
// starting at start, with record digests that match frame and pool.
func testParams(frame *Frame, pool *Pool, start time.Time) ManifestParams {
	fake := protocol.Digest{SHA256: strings.Repeat("ab", 32)}
	units := protocol.Digest{Count: int64(frame.Len()), SHA256: frame.Hash()}
	insp := protocol.Digest{Count: int64(pool.Len()), SHA256: pool.Hash()}
	return ManifestParams{
		PeriodID: "2026",
		AsOf:     start.AddDate(0, 0, -10),
		Records:  protocol.Records{Units: units, Telemetry: fake, Incidents: fake, Inspections: fake, Credit: fake, Inspectors: insp},
		Model:    protocol.Model{Weights: strings.Repeat("cd", 32), Config: strings.Repeat("ef", 32)},
		Randomness: protocol.Randomness{
			SingleOperator: true, Parties: []string{testOperator},
			CommitBy: protocol.FormatTime(start.AddDate(0, 0, -5)), RevealBy: protocol.FormatTime(start.AddDate(0, 0, -3)),
		},
	}
}

// logEntry returns an entry of the draw's log.
func logEntry(seq int64, at time.Time, kind protocol.Kind, m *protocol.Manifest, body any) protocol.Entry {
	b, err := protocol.MarshalBody(body)
	if err != nil {
		panic(err)
	}
	return protocol.Entry{Seq: seq, Time: at, Kind: kind, Period: m.Period.ID, Round: m.Round.Number, Body: b}
}

// draw runs the whole single-operator protocol for round `round` of cfg
// on frame and pool (the operator's secret is secret's hex), and plans
// the round.
func draw(cfg *Config, frame *Frame, pool *Pool, round int, secret sampling.Seed) (*testDraw, error) {
	if err := cfg.check(); err != nil {
		return nil, err
	}
	if round < 0 || round >= len(cfg.Rounds) {
		return nil, ErrBadRound
	}
	start := cfg.Rounds[round].Start
	m, err := NewManifest(cfg, round, frame, pool, testParams(frame, pool, start))
	if err != nil {
		return nil, err
	}
	td := &testDraw{m: m}
	if td.hash, err = m.Hash(); err != nil {
		return nil, err
	}
	c, err := protocol.Commit(td.hash, testOperator, secret.String())
	if err != nil {
		return nil, err
	}
	td.entries = []protocol.Entry{
		logEntry(0, start.AddDate(0, 0, -9), protocol.KindManifest, m, &protocol.ManifestBody{Manifest: td.hash}),
		logEntry(1, start.AddDate(0, 0, -8), protocol.KindCommitment, m, &protocol.CommitmentBody{Manifest: td.hash, Party: testOperator, Commitment: c}),
		logEntry(2, start.AddDate(0, 0, -4), protocol.KindReveal, m, &protocol.RevealBody{Manifest: td.hash, Party: testOperator, Secret: secret.String()}),
	}
	src, _ := protocol.Manifests(m)
	st := protocol.NewState(src, nil)
	if err := st.Replay(td.entries); err != nil {
		return nil, err
	}
	td.attempt, _ = st.Attempt(td.hash)
	if td.seed, err = td.attempt.Seed(); err != nil {
		return nil, err
	}
	if td.d, err = PlanRound(m, frame, pool, td.seed, 0); err != nil {
		return nil, err
	}
	if td.bytes, err = td.d.MarshalCanonical(); err != nil {
		return nil, err
	}
	td.entries = append(td.entries, logEntry(3, start.AddDate(0, 0, -2), protocol.KindDraw, m,
		&protocol.DrawBody{Manifest: td.hash, Seed: td.seed.String(), Disclosure: protocol.HashBytes(td.bytes)}))
	if err := st.Apply(td.entries[3]); err != nil {
		return nil, err
	}
	return td, nil
}

// mustDraw is draw for tests that expect no error.
func mustDraw(t testing.TB, cfg *Config, frame *Frame, pool *Pool, round int, secret sampling.Seed) *testDraw {
	t.Helper()
	td, err := draw(cfg, frame, pool, round, secret)
	require.NoError(t, err)
	return td
}

// republish replaces the draw's disclosure with d (as a dishonest
// operator would) and logs it as the draw: the log's draw entry then
// names d's bytes.
func (td *testDraw) republish(t testing.TB, d *Disclosure) {
	t.Helper()
	b, err := d.MarshalCanonical()
	require.NoError(t, err)
	td.rehash(t, b)
}

// rehash logs b as the draw's disclosure.
func (td *testDraw) rehash(t testing.TB, b []byte) {
	t.Helper()
	td.bytes = b
	last := td.entries[len(td.entries)-1]
	td.entries[len(td.entries)-1] = logEntry(last.Seq, last.Time, protocol.KindDraw, td.m,
		&protocol.DrawBody{Manifest: td.hash, Seed: td.seed.String(), Disclosure: protocol.HashBytes(b)})
	src, _ := protocol.Manifests(td.m)
	st := protocol.NewState(src, nil)
	require.NoError(t, st.Replay(td.entries))
	td.attempt, _ = st.Attempt(td.hash)
}

// verifyDiffs runs Verify and returns its differences.
func verifyDiffs(td *testDraw, frame *Frame, pool *Pool) ([]string, error) {
	_, err := Verify(td.published(), frame, pool)
	var ve *VerifyError
	if errors.As(err, &ve) {
		return ve.Diffs, err
	}
	return nil, err
}
