package workspace

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/firedraw/firedraw/risk"
	"github.com/firedraw/firedraw/risk/recordio"
	"github.com/firedraw/firedraw/schedule"
	"github.com/firedraw/firedraw/schedule/protocol"
)

// osFS opens names as given (absolute or relative to the working
// directory), so that loader errors name each file as the user wrote it.
type osFS struct{}

func (osFS) Open(name string) (fs.File, error) { return os.Open(name) }

// LeftOut reports the records dated at or after a round's as-of time,
// which the round does not read.
type LeftOut struct {
	Count int
	// First lists the first few, as "telemetry unit U1 2026-01-30T08:00:00Z".
	First []string
}

// leftOutShown is the number of left-out records named.
const leftOutShown = 5

func (l *LeftOut) add(set, id string, t time.Time) {
	l.Count++
	if len(l.First) < leftOutShown {
		l.First = append(l.First, fmt.Sprintf("%s %s %s", set, id, protocol.FormatTime(t)))
	}
}

// LoadRecords loads the record files (as the programs' record flags
// name them; relative names are relative to the workspace directory
// unless files came from flags).
func LoadRecords(files recordio.Files) (*risk.Records, error) {
	rec, _, err := recordio.LoadRecords(osFS{}, files, recordio.LoadOptions{})
	return rec, err
}

// asOfView returns the records as they stood at asOf: telemetry,
// incidents, inspections and credit dated at or after it left out (and
// reported), a rectification dated at or after it forgotten (the
// violation was still open). Units and inspectors are undated. The input
// is not modified.
func asOfView(rec *risk.Records, asOf time.Time) (*risk.Records, LeftOut) {
	var lo LeftOut
	out := &risk.Records{Units: rec.Units, Inspectors: rec.Inspectors}
	for _, e := range rec.Telemetry {
		if e.Time.Before(asOf) {
			out.Telemetry = append(out.Telemetry, e)
		} else {
			lo.add("telemetry", "unit "+e.UnitID+" device "+e.DeviceID, e.Time)
		}
	}
	for _, e := range rec.Incidents {
		if e.Time.Before(asOf) {
			out.Incidents = append(out.Incidents, e)
		} else {
			lo.add("incident", "unit "+e.UnitID, e.Time)
		}
	}
	for _, in := range rec.Inspections {
		if !in.Date.Before(asOf) {
			lo.add("inspection", in.ID, in.Date)
			continue
		}
		vs := make([]risk.Violation, len(in.Violations))
		for i, v := range in.Violations {
			if !v.Rectified.IsZero() && !v.Rectified.Before(asOf) {
				v.Rectified = time.Time{}
			}
			vs[i] = v
		}
		in.Violations = vs
		out.Inspections = append(out.Inspections, in)
	}
	for _, c := range rec.Credit {
		if c.AsOf.Before(asOf) {
			out.Credit = append(out.Credit, c)
		} else {
			lo.add("credit", "unit "+c.UnitID, c.AsOf)
		}
	}
	return out, lo
}

// snapshotSet is one record set of a snapshot: its name and writer.
type snapshotSet struct {
	name   string
	digest func(*protocol.Records) *protocol.Digest
	write  func(io.Writer, *risk.Records) error
	file   func(*recordio.Files) *string
}

var snapshotSets = []snapshotSet{
	{"units", func(r *protocol.Records) *protocol.Digest { return &r.Units },
		func(w io.Writer, r *risk.Records) error { return recordio.WriteUnitsCSV(w, r.Units) },
		func(f *recordio.Files) *string { return &f.Units }},
	{"telemetry", func(r *protocol.Records) *protocol.Digest { return &r.Telemetry },
		func(w io.Writer, r *risk.Records) error { return recordio.WriteTelemetryCSV(w, r.Telemetry) },
		func(f *recordio.Files) *string { return &f.Telemetry }},
	{"incidents", func(r *protocol.Records) *protocol.Digest { return &r.Incidents },
		func(w io.Writer, r *risk.Records) error { return recordio.WriteIncidentsCSV(w, r.Incidents) },
		func(f *recordio.Files) *string { return &f.Incidents }},
	{"inspections", func(r *protocol.Records) *protocol.Digest { return &r.Inspections },
		func(w io.Writer, r *risk.Records) error { return recordio.WriteInspectionsCSV(w, r.Inspections) },
		func(f *recordio.Files) *string { return &f.Inspections }},
	{"credit", func(r *protocol.Records) *protocol.Digest { return &r.Credit },
		func(w io.Writer, r *risk.Records) error { return recordio.WriteCreditCSV(w, r.Credit) },
		func(f *recordio.Files) *string { return &f.Credit }},
	{"inspectors", func(r *protocol.Records) *protocol.Digest { return &r.Inspectors },
		func(w io.Writer, r *risk.Records) error { return recordio.WriteInspectorsCSV(w, r.Inspectors) },
		func(f *recordio.Files) *string { return &f.Inspectors }},
}

// snapshotName is the content-addressed file of a record set:
// snapshots/<set>-<digest>.csv.gz (the record format's CSV, which
// loads fastest), the digest being the set's order-independent
// canonical SHA-256 over its JSON Lines form (schedule.Snapshot), so the
// name says what the file must hold whatever its bytes.
func snapshotName(set string, d protocol.Digest) string {
	return filepath.Join(SnapshotsDir, set+"-"+d.SHA256+".csv.gz")
}

// writeSnapshot digests the as-of view and stores each record set once
// under its digest (a set unchanged since an earlier round is not
// written again).
func (w *Workspace) writeSnapshot(view *risk.Records, asOf time.Time) (protocol.Records, error) {
	digests, err := schedule.Snapshot(view, asOf)
	if err != nil {
		return protocol.Records{}, err
	}
	for _, s := range snapshotSets {
		path := w.path(snapshotName(s.name, *s.digest(&digests)))
		if _, err := os.Stat(path); err == nil {
			continue
		}
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
		if err := s.write(zw, view); err != nil {
			return protocol.Records{}, err
		}
		if err := zw.Close(); err != nil {
			return protocol.Records{}, err
		}
		if err := writeFile(path, buf.Bytes()); err != nil {
			return protocol.Records{}, err
		}
	}
	return digests, nil
}

// loadSnapshot loads a round's record sets — from the snapshot files the
// manifest names, or in digest-only mode from the record files where
// sources.json says they live, as of the as-of time — and checks that
// they digest to the manifest's values.
func (w *Workspace) loadSnapshot(m *protocol.Manifest) (*risk.Records, error) {
	sf, digestOnly, err := w.readSources(m.Round.Number)
	if err != nil {
		return nil, err
	}
	var rec *risk.Records
	if digestOnly {
		rec, err = w.loadSources(m, sf)
	} else {
		var files recordio.Files
		for _, s := range snapshotSets {
			*s.file(&files) = w.path(snapshotName(s.name, *s.digest(&m.Records)))
		}
		rec, err = LoadRecords(files)
	}
	if err != nil {
		return nil, fmt.Errorf("snapshot of round %d: %w", m.Round.Number, err)
	}
	got, err := schedule.Snapshot(rec, m.AsOfTime())
	if err != nil {
		return nil, fmt.Errorf("snapshot of round %d: %w", m.Round.Number, err)
	}
	for _, s := range snapshotSets {
		if g, want := *s.digest(&got), *s.digest(&m.Records); g != want {
			err := fmt.Errorf("snapshot of round %d: %s: the files hold %d records with digest %s, the manifest says %d with %s",
				m.Round.Number, s.name, g.Count, g.SHA256, want.Count, want.SHA256)
			if digestOnly {
				err = fmt.Errorf("%w (digest-only: %s)", err, strings.Join(append(changedSources(sf), "the records as of the as-of time must not change"), "; "))
			}
			return nil, fmt.Errorf("%w: %w", err, ErrVerify)
		}
	}
	return rec, nil
}
