package workspace

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/firedraw/firedraw/risk"
	"github.com/firedraw/firedraw/risk/recordio"
	"github.com/firedraw/firedraw/risk/synthcity"
	"github.com/firedraw/firedraw/schedule/beacon"
	"github.com/firedraw/firedraw/schedule/protocol"
	"github.com/firedraw/firedraw/schedule/tlog"
)

// smallWorkspace sets up a workspace for a 30-unit city (two districts,
// so that its 20 inspectors staff every team) with the 2026 example
// configuration, edited by edit.
func smallWorkspace(t *testing.T, edit func(string) string) (*Workspace, recordio.Files) {
	t.Helper()
	dir := t.TempDir()
	c, err := synthcity.Generate(synthcity.Config{Units: 30, Districts: 2, Seed: 7, AsOf: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)})
	require.NoError(t, err)
	f := recordio.Files{Units: "units.csv", Telemetry: "telemetry.csv", Incidents: "incidents.csv",
		Inspections: "inspections.csv", Credit: "credit.csv", Inspectors: "inspectors.csv"}
	for name, write := range map[string]func(*bytes.Buffer) error{
		f.Units:       func(b *bytes.Buffer) error { return recordio.WriteUnitsCSV(b, c.Units) },
		f.Telemetry:   func(b *bytes.Buffer) error { return recordio.WriteTelemetryCSV(b, c.Telemetry) },
		f.Incidents:   func(b *bytes.Buffer) error { return recordio.WriteIncidentsCSV(b, c.Incidents) },
		f.Inspections: func(b *bytes.Buffer) error { return recordio.WriteInspectionsCSV(b, c.Inspections) },
		f.Credit:      func(b *bytes.Buffer) error { return recordio.WriteCreditCSV(b, c.Credit) },
		f.Inspectors:  func(b *bytes.Buffer) error { return recordio.WriteInspectorsCSV(b, c.Inspectors) },
	} {
		var b bytes.Buffer
		require.NoError(t, write(&b))
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), b.Bytes(), 0o644))
	}
	for _, p := range []*string{&f.Units, &f.Telemetry, &f.Incidents, &f.Inspections, &f.Credit, &f.Inspectors} {
		*p = filepath.Join(dir, *p)
	}
	cfg := string(DefaultConfig())
	if edit != nil {
		cfg = edit(cfg)
	}
	w, err := Init(filepath.Join(dir, "ws"), []byte(cfg), "config.json")
	require.NoError(t, err)
	return w, f
}

// secret is party i's fixed secret (64 hex digits), so that the tests
// are deterministic.
func secret(i int) string { return strings.Repeat(fmt.Sprintf("%02x", 0x10+i), 32) }

// contribute logs every party's commitment and reveal for round 1 of
// 2026 (deadlines 2025-12-27 and 2025-12-29).
func contribute(t *testing.T, w *Workspace) {
	t.Helper()
	for i, p := range w.Config.Protocol.Parties {
		_, err := w.Commit(1, p, secret(i), nil, time.Date(2025, 12, 26, 10, i, 0, 0, time.UTC))
		require.NoError(t, err)
	}
	for i, p := range w.Config.Protocol.Parties {
		require.NoError(t, w.Reveal(1, p, secret(i), time.Date(2025, 12, 28, 10, i, 0, 0, time.UTC)))
	}
}

func TestWorkspaceStepsInOrder(t *testing.T) {
	w, files := smallWorkspace(t, nil)
	day := func(d, h int) time.Time { return time.Date(2025, 12, d, h, 0, 0, 0, time.UTC) }
	for _, tc := range []struct {
		name string
		step func() error
		want string
	}{
		{"draw before manifest", func() error { _, err := w.Draw(1, day(30, 9)); return err }, "round 1 has no manifest"},
		{"round 2 before round 1", func() error { _, err := w.Manifest(2, files, time.Date(2026, 1, 26, 0, 0, 0, 0, time.UTC)); return err }, "round 1 is not drawn yet"},
		{"manifest before as-of", func() error { _, err := w.Manifest(1, files, day(24, 9)); return err }, "has not come yet"},
		{"round 0", func() error { _, err := w.Manifest(0, files, day(26, 0)); return err }, "rounds 1…12"},
		{"estimate before results", func() error { _, err := w.Estimate(IndicatorFail); return err }, "record results first"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.step()
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}

	_, err := w.Manifest(1, files, day(25, 9))
	require.NoError(t, err)
	_, err = w.Beacon(1, strings.Repeat("00", beacon.SignatureSize), day(30, 9))
	require.ErrorIs(t, err, ErrOrder, "the manifest plans dice, not a beacon")
	contribute(t, w)
	_, err = w.Draw(1, day(29, 12))
	require.ErrorIs(t, err, ErrOrder, "before the dice")
	_, err = w.Dice(1, "12345678901234567890", nil, day(29, 2))
	require.NoError(t, err)
	d, err := w.Draw(1, day(29, 3))
	require.NoError(t, err)
	assert.Equal(t, 1, d.Round)
	_, err = w.Draw(1, day(29, 4))
	require.ErrorIs(t, err, ErrOrder, "drawn once")

	// The workspace reopens from its files and verifies.
	v, err := Open(w.Dir)
	require.NoError(t, err)
	assert.Equal(t, w.LogHead(), v.LogHead())
	assert.Equal(t, uint64(v.LogSize()), v.LogHead().Size)
	checks, err := v.Verify()
	require.NoError(t, err)
	require.Len(t, checks, 1)
	assert.Empty(t, checks[0].Problems)
}

func TestWorkspaceBeaconStep(t *testing.T) {
	w, files := smallWorkspace(t, func(c string) string {
		return strings.Replace(c, `"late_source": "dice",
    "dice_digits": 20`, `"late_source": "drand",
    "dice_digits": 0`, 1)
	})
	_, err := w.Manifest(1, files, time.Date(2025, 12, 25, 9, 0, 0, 0, time.UTC))
	require.NoError(t, err)
	contribute(t, w)
	st, err := w.replay()
	require.NoError(t, err)
	plan := w.live(st, 1).Manifest.Randomness.Beacon
	at, err := protocol.BeaconTime(plan.Chain, plan.Round)
	require.NoError(t, err)
	assert.Equal(t, time.Date(2025, 12, 29, 1, 0, 3, 0, time.UTC).Unix()/3, at.Unix()/3,
		"the first quicknet round after the reveal deadline + 1 h")

	sig := strings.Repeat("ab", beacon.SignatureSize)
	_, err = w.Beacon(1, sig, at.Add(-time.Second))
	require.ErrorIs(t, err, ErrOrder, "not emitted yet")
	_, err = w.Beacon(1, sig, at)
	require.ErrorIs(t, err, beacon.ErrBeacon, "a signature that does not verify is refused")
	_, err = w.Beacon(1, "not hex", at)
	require.ErrorIs(t, err, beacon.ErrBeacon)
	_, err = w.Draw(1, at)
	require.ErrorIs(t, err, ErrOrder)
	assert.Contains(t, err.Error(), "-step beacon")
	assert.Equal(t, 4+2*len(w.Config.Protocol.Parties)-3, w.LogSize(), "nothing logged by the refused steps")
}

func TestReadLogRejectsTampering(t *testing.T) {
	w, files := smallWorkspace(t, nil)
	_, err := w.Manifest(1, files, time.Date(2025, 12, 25, 9, 0, 0, 0, time.UTC))
	require.NoError(t, err)
	contribute(t, w)
	path := w.path(LogFile)
	good, err := os.ReadFile(path)
	require.NoError(t, err)
	for _, tc := range []struct {
		name   string
		tamper func([]byte) []byte
	}{
		{"a body byte", func(b []byte) []byte { return bytes.Replace(b, []byte(`"party":"`), []byte(`"party":"X`), 1) }},
		{"an entry dropped", func(b []byte) []byte { _, rest, _ := bytes.Cut(b, []byte("\n")); return rest }},
		{"a space", func(b []byte) []byte { return bytes.Replace(b, []byte(`,"kind"`), []byte(`, "kind"`), 1) }},
		{"no final newline", func(b []byte) []byte { return b[:len(b)-1] }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), LogFile)
			require.NoError(t, os.WriteFile(p, tc.tamper(bytes.Clone(good)), 0o644))
			_, _, err := readLog(p)
			require.Error(t, err)
			assert.True(t, errors.Is(err, tlog.ErrLog) || strings.Contains(err.Error(), "canonical"), "%v", err)
			assert.Contains(t, err.Error(), p, "the error names the file")
		})
	}
}

// FuzzReadLog: readLog never panics, and a log it accepts is written
// back byte for byte.
func FuzzReadLog(f *testing.F) {
	var l tlog.Log
	body, _ := protocol.MarshalBody(&protocol.ManifestBody{Manifest: strings.Repeat("ab", 32)})
	at := time.Date(2025, 12, 25, 9, 0, 0, 0, time.UTC)
	for i := range 3 {
		_, err := l.Append(tlog.Entry{Time: at.Add(time.Duration(i) * time.Minute), Kind: tlog.KindManifest, Period: "2026", Round: i + 1, Body: body})
		require.NoError(f, err)
	}
	var buf bytes.Buffer
	_, err := l.WriteTo(&buf)
	require.NoError(f, err)
	f.Add(buf.Bytes())
	f.Add([]byte{})
	f.Add([]byte("{}\n"))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, b []byte) {
		p := filepath.Join(dir, "log.jsonl")
		require.NoError(t, os.WriteFile(p, b, 0o644))
		l, entries, err := readLog(p)
		if err != nil {
			return
		}
		require.Len(t, entries, l.Len())
		var out bytes.Buffer
		_, err = l.WriteTo(&out)
		require.NoError(t, err)
		assert.True(t, bytes.Equal(b, out.Bytes()), "written back differently")
	})
}

// appendTelemetry appends one copy of the files' first telemetry event,
// dated at, to the telemetry file.
func appendTelemetry(t *testing.T, files recordio.Files, at time.Time) {
	t.Helper()
	rec, err := LoadRecords(recordio.Files{Telemetry: files.Telemetry})
	require.NoError(t, err)
	require.NotEmpty(t, rec.Telemetry)
	e := rec.Telemetry[0]
	e.Time = at
	var b bytes.Buffer
	require.NoError(t, recordio.WriteTelemetryCSV(&b, []risk.TelemetryEvent{e}))
	_, row, _ := bytes.Cut(b.Bytes(), []byte("\n"))
	f, err := os.OpenFile(files.Telemetry, os.O_APPEND|os.O_WRONLY, 0)
	require.NoError(t, err)
	_, err = f.Write(row)
	require.NoError(t, err)
	require.NoError(t, f.Close())
}

// TestWorkspaceDigestSnapshots: with "snapshots": {"mode": "digest"} a
// round keeps no copies, only where its record files live; it keeps
// verifying while the files grow by later records, and stops — naming
// the round, the set and the changed file — when a record dated before
// its as-of time appears.
func TestWorkspaceDigestSnapshots(t *testing.T) {
	w, files := smallWorkspace(t, func(c string) string {
		return strings.Replace(c, `"csv_bom": true}`, `"csv_bom": true},
  "snapshots": {"mode": "digest"}`, 1)
	})
	require.Equal(t, SnapshotDigest, w.Config.SnapshotMode())
	_, err := w.Manifest(1, files, time.Date(2025, 12, 25, 9, 0, 0, 0, time.UTC))
	require.NoError(t, err)
	contribute(t, w)
	_, err = w.Dice(1, "12345678901234567890", nil, time.Date(2025, 12, 29, 2, 0, 0, 0, time.UTC))
	require.NoError(t, err)
	_, err = w.Draw(1, time.Date(2025, 12, 29, 3, 0, 0, 0, time.UTC))
	require.NoError(t, err)
	copies, err := filepath.Glob(w.path(SnapshotsDir, "*"))
	require.NoError(t, err)
	assert.Empty(t, copies, "no copies of the records")
	sf, ok, err := w.readSources(1)
	require.NoError(t, err)
	require.True(t, ok)
	assert.Equal(t, files.Units, sf.Sets[0].File)

	verify := func() []string {
		v, err := Open(w.Dir)
		require.NoError(t, err)
		checks, err := v.Verify()
		require.NoError(t, err)
		require.Len(t, checks, 1)
		return checks[0].Problems
	}
	assert.Empty(t, verify())
	appendTelemetry(t, files, time.Date(2026, 1, 5, 8, 0, 0, 0, time.UTC))
	assert.Empty(t, verify(), "a record dated after the as-of time changes nothing")
	appendTelemetry(t, files, time.Date(2025, 12, 20, 8, 0, 0, 0, time.UTC))
	problems := verify()
	require.NotEmpty(t, problems)
	assert.Contains(t, problems[0], "snapshot of round 1: telemetry")
	assert.Contains(t, problems[0], files.Telemetry+" changed since the manifest")
}
