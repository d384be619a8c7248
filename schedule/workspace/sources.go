package workspace

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/firedraw/firedraw/risk"
	"github.com/firedraw/firedraw/risk/recordio"
	"github.com/firedraw/firedraw/schedule"
	"github.com/firedraw/firedraw/schedule/protocol"
)

// The snapshot modes (Config.Snapshots.Mode).
const (
	SnapshotCopy   = "copy"   // record sets copied into snapshots/
	SnapshotDigest = "digest" // digests and where the record files live
)

// Files of a round kept in digest-only snapshot mode.
const (
	SourcesName = "sources.json" // where each record set's file lives, with its size and SHA-256 then
	AddedName   = "added.jsonl"  // the recorded results the round added to the inspections
)

// sourcesFile is a round's sources.json.
type sourcesFile struct {
	Mode string       `json:"mode"`
	Sets []sourceFile `json:"sets"`
}

// sourceFile is where one record set's file lives; Bytes and SHA256
// describe the file when the manifest was built (the manifest's digest
// is of the records as of the as-of time, not of the file).
type sourceFile struct {
	Set    string `json:"set"`
	File   string `json:"file"` // absolute; empty: no file, no records
	Bytes  int64  `json:"bytes"`
	SHA256 string `json:"sha256"`
}

// keepSnapshot keeps round n's snapshot in the configured mode and
// returns its digests: copies (writeSnapshot), or digests and sources
// (writeSources). A copy-mode round has no sources.json.
func (w *Workspace) keepSnapshot(n int, view *risk.Records, asOf time.Time, files recordio.Files, added []risk.Inspection) (protocol.Records, error) {
	if w.Config.SnapshotMode() == SnapshotDigest {
		return w.writeSources(n, view, asOf, files, added)
	}
	for _, name := range []string{SourcesName, AddedName} { // left by a failed digest-mode attempt
		if err := os.Remove(w.roundPath(n, name)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return protocol.Records{}, err
		}
	}
	return w.writeSnapshot(view, asOf)
}

// writeSources keeps round n's snapshot in digest-only mode: the digests
// of the as-of view (returned, for the manifest), where each record file
// lives with its size and SHA-256, and the results added to the
// inspections.
func (w *Workspace) writeSources(n int, view *risk.Records, asOf time.Time, files recordio.Files, added []risk.Inspection) (protocol.Records, error) {
	digests, err := schedule.Snapshot(view, asOf)
	if err != nil {
		return protocol.Records{}, err
	}
	sf := sourcesFile{Mode: SnapshotDigest}
	for _, s := range snapshotSets {
		src := sourceFile{Set: s.name}
		if name := *s.file(&files); name != "" {
			if src.File, err = filepath.Abs(name); err != nil {
				return protocol.Records{}, err
			}
			if src.Bytes, src.SHA256, err = fileDigest(src.File); err != nil {
				return protocol.Records{}, err
			}
		}
		sf.Sets = append(sf.Sets, src)
	}
	b, err := json.MarshalIndent(sf, "", " ")
	if err != nil {
		return protocol.Records{}, err
	}
	var buf bytes.Buffer
	if err := recordio.WriteInspectionsJSONL(&buf, added); err != nil {
		return protocol.Records{}, err
	}
	if err := writeFile(w.roundPath(n, AddedName), buf.Bytes()); err != nil {
		return protocol.Records{}, err
	}
	return digests, writeFile(w.roundPath(n, SourcesName), append(b, '\n'))
}

// fileDigest returns a file's size and SHA-256.
func fileDigest(name string) (int64, string, error) {
	f, err := os.Open(name)
	if err != nil {
		return 0, "", err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	return n, hex.EncodeToString(h.Sum(nil)), err
}

// readSources reads round n's sources.json; ok is false when the round
// keeps copies (no such file).
func (w *Workspace) readSources(n int) (*sourcesFile, bool, error) {
	path := w.roundPath(n, SourcesName)
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	var sf sourcesFile
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&sf); err != nil {
		return nil, false, fmt.Errorf("%s: %w", path, err)
	}
	if sf.Mode != SnapshotDigest || len(sf.Sets) != len(snapshotSets) {
		return nil, false, fmt.Errorf("%s: mode %q with %d sets, want %q with %d: %w", path, sf.Mode, len(sf.Sets), SnapshotDigest, len(snapshotSets), ErrVerify)
	}
	for i, s := range snapshotSets {
		if sf.Sets[i].Set != s.name {
			return nil, false, fmt.Errorf("%s: set %d is %q, want %q: %w", path, i+1, sf.Sets[i].Set, s.name, ErrVerify)
		}
	}
	return &sf, true, nil
}

// loadSources rebuilds a digest-only round's records: the record files
// where sources.json says they live, as of the manifest's as-of time,
// with the results the round added; the caller checks the digests.
func (w *Workspace) loadSources(m *protocol.Manifest, sf *sourcesFile) (*risk.Records, error) {
	n := m.Round.Number
	var files recordio.Files
	for i, s := range snapshotSets {
		*s.file(&files) = sf.Sets[i].File
	}
	rec, err := LoadRecords(files)
	if err != nil {
		return nil, fmt.Errorf("round %d keeps only digests (%s): its record files must be kept: %w", n, w.roundPath(n, SourcesName), err)
	}
	view, _ := asOfView(rec, m.AsOfTime())
	path := w.roundPath(n, AddedName)
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	added, _, err := recordio.LoadInspections(f, recordio.LoadOptions{Source: path, Format: recordio.JSONL})
	if err != nil {
		return nil, err
	}
	view.Inspections = append(slices.Clip(view.Inspections), added...)
	return view, nil
}

// changedSources names the record files whose size or SHA-256 differ
// from when the manifest was built (a reader's hint when a digest does
// not match: the file changed).
func changedSources(sf *sourcesFile) []string {
	var out []string
	for _, s := range sf.Sets {
		if s.File == "" {
			continue
		}
		n, h, err := fileDigest(s.File)
		switch {
		case err != nil:
			out = append(out, fmt.Sprintf("%s: %v", s.File, err))
		case n != s.Bytes || h != s.SHA256:
			out = append(out, fmt.Sprintf("%s changed since the manifest (%d bytes then, %d now)", s.File, s.Bytes, n))
		}
	}
	return out
}
