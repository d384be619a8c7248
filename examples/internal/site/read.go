package site

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/firedraw/firedraw/schedule"
	"github.com/firedraw/firedraw/schedule/protocol"
	"github.com/firedraw/firedraw/schedule/tlog"
)

// File names in a workspace and on the site.
const (
	LogName        = "log.jsonl"
	ManifestName   = "manifest.json"
	DisclosureName = "disclosure.json"
	TargetedName   = "targeted.json"
	RoundsDir      = "rounds"
	PublishDir     = "publications"
)

// Workspace is the published part of a workspace, as read from disk.
type Workspace struct {
	Log     []byte
	Entries []LogEntry // every line of the log, parsed leniently
	Rounds  []Round
	// Publications are the files of publications/, by name.
	Publications map[string][]byte
	// Abandoned are the manifests of abandoned attempts
	// (rounds/NN/abandoned/SEQ/manifest.json), by site path: the log names
	// them, so the verifier needs them.
	Abandoned map[string][]byte
}

// LogEntry is one line of the log: its entry when it parses, else Err.
type LogEntry struct {
	Line  int
	Entry tlog.Entry
	Body  any // a protocol …Body, nil when it does not parse
	Err   string
}

// Round is one round's published files.
type Round struct {
	Name           string // "rounds/01"
	ManifestBytes  []byte
	DisclosureByte []byte
	TargetedBytes  []byte               // targeted.json (nil: none published)
	Manifest       *protocol.Manifest   // nil when it does not parse
	Disclosure     *schedule.Disclosure // nil when it does not parse
	// Targeted are the round's targeted inspections, outside the random
	// draw (nil when none are published or they do not parse).
	Targeted *schedule.TargetedDisclosure
	Problems []string // why either does not parse
}

// Read reads the published files of the workspace in dir. It fails only
// when a file cannot be read; files that do not parse or verify are read
// all the same (the page's verifier says what is wrong with them).
func Read(dir string) (*Workspace, error) {
	w := &Workspace{Publications: map[string][]byte{}}
	var err error
	if w.Log, err = os.ReadFile(filepath.Join(dir, LogName)); err != nil {
		return nil, fmt.Errorf("site: %w", err)
	}
	w.Entries = parseEntries(w.Log)
	dirs, err := roundDirs(dir)
	if err != nil {
		return nil, err
	}
	for _, rd := range dirs {
		r, err := readRound(rd.src, rd.name)
		if err != nil {
			return nil, err
		}
		w.Rounds = append(w.Rounds, *r)
	}
	if err := readPublications(filepath.Join(dir, PublishDir), w.Publications); err != nil {
		return nil, err
	}
	return w, readAbandoned(dir, w)
}

// readAbandoned reads the manifests of abandoned attempts.
func readAbandoned(dir string, w *Workspace) error {
	names, err := filepath.Glob(filepath.Join(dir, RoundsDir, "*", "abandoned", "*", ManifestName))
	if err != nil {
		return fmt.Errorf("site: %w", err)
	}
	w.Abandoned = map[string][]byte{}
	for _, name := range names {
		b, err := os.ReadFile(name)
		if err != nil {
			return fmt.Errorf("site: %w", err)
		}
		rel, err := filepath.Rel(dir, name)
		if err != nil {
			return fmt.Errorf("site: %w", err)
		}
		w.Abandoned[filepath.ToSlash(rel)] = b
	}
	return nil
}

type roundDir struct{ src, name string }

// roundDirs finds the rounds: rounds/NN/ holding a manifest, or the
// directory itself when it holds one (examples/draw's output).
func roundDirs(dir string) ([]roundDir, error) {
	if _, err := os.Stat(filepath.Join(dir, ManifestName)); err == nil {
		b, err := os.ReadFile(filepath.Join(dir, ManifestName))
		if err != nil {
			return nil, fmt.Errorf("site: %w", err)
		}
		name := RoundsDir + "/01"
		if m, err := protocol.ParseManifest(b); err == nil {
			name = fmt.Sprintf("%s/%02d", RoundsDir, m.Round.Number)
		}
		return []roundDir{{dir, name}}, nil
	}
	ents, err := os.ReadDir(filepath.Join(dir, RoundsDir))
	if err != nil {
		return nil, fmt.Errorf("site: %s holds neither %s nor %s/: %w", dir, ManifestName, RoundsDir, err)
	}
	var out []roundDir
	for _, e := range ents {
		src := filepath.Join(dir, RoundsDir, e.Name())
		if _, err := os.Stat(filepath.Join(src, ManifestName)); e.IsDir() && err == nil {
			out = append(out, roundDir{src, RoundsDir + "/" + e.Name()})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out, nil
}

// readRound reads a round's manifest, disclosure and targeted tasks (a
// round not drawn yet has no disclosure).
func readRound(src, name string) (*Round, error) {
	r := &Round{Name: name}
	var err error
	if r.ManifestBytes, err = os.ReadFile(filepath.Join(src, ManifestName)); err != nil {
		return nil, fmt.Errorf("site: %w", err)
	}
	if r.Manifest, err = protocol.ParseManifest(r.ManifestBytes); err != nil {
		r.Problems = append(r.Problems, err.Error())
	}
	r.DisclosureByte, err = os.ReadFile(filepath.Join(src, DisclosureName))
	switch {
	case os.IsNotExist(err):
		return r, nil
	case err != nil:
		return nil, fmt.Errorf("site: %w", err)
	}
	if r.Disclosure, err = schedule.ParseDisclosure(r.DisclosureByte); err != nil {
		r.Problems = append(r.Problems, err.Error())
	}
	r.TargetedBytes, err = os.ReadFile(filepath.Join(src, TargetedName))
	switch {
	case os.IsNotExist(err):
		return r, nil
	case err != nil:
		return nil, fmt.Errorf("site: %w", err)
	}
	if r.Targeted, err = schedule.ParseTargeted(r.TargetedBytes); err != nil {
		r.Problems = append(r.Problems, err.Error())
	}
	return r, nil
}

// readPublications reads the files of publications/ (none: no results
// published yet).
func readPublications(dir string, into map[string][]byte) error {
	ents, err := os.ReadDir(dir)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("site: %w", err)
	}
	for _, e := range ents {
		if e.IsDir() || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			return fmt.Errorf("site: %w", err)
		}
		into[e.Name()] = b
	}
	return nil
}

// parseEntries parses each line of the log on its own, without the chain
// (the verifier checks it): a broken log is still shown.
func parseEntries(log []byte) []LogEntry {
	var out []LogEntry
	for i, line := range bytes.SplitAfter(log, []byte("\n")) {
		if len(line) == 0 {
			continue
		}
		le := LogEntry{Line: i + 1}
		e, err := tlog.ParseEntry(line)
		if err != nil {
			le.Err = err.Error()
		} else {
			le.Entry = e
			if b, err := protocol.ParseBody(e.Kind, e.Body); err == nil {
				le.Body = b
			}
		}
		out = append(out, le)
	}
	return out
}
