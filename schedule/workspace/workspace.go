package workspace

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/firedraw/firedraw/schedule/protocol"
	"github.com/firedraw/firedraw/schedule/tlog"
)

// ErrOrder reports a step run out of order; the error says what must
// come first.
var ErrOrder = errors.New("step out of order")

// File names inside a workspace.
const (
	ConfigFile    = "config.json"
	RoundsDir     = "rounds"
	SnapshotsDir  = "snapshots"
	PrivateDir    = "private" // the simulated parties' secrets: never publish
	PublishDir    = "publications"
	ManifestName  = "manifest.json"
	OpenName      = "open.json"
	Disclosure    = "disclosure.json"
	TasksName     = "tasks.csv"
	ReasonsName   = "reasons.csv"
	ResultsName   = "results.jsonl"
	SnapshotsName = "snapshots.json"
)

// Workspace is one period's directory. Open it with Open (or Init); it
// is not safe for concurrent use, and two programs must not run steps on
// one workspace at the same time.
type Workspace struct {
	Dir    string
	Config *Config
	// log is the public log; entries are what the protocol reads of its
	// entries.
	log     *tlog.Log
	entries []protocol.Entry
}

// Init sets up a period in dir (created if missing; it must not hold a
// workspace yet) from a configuration file's bytes, validated first.
func Init(dir string, config []byte, name string) (*Workspace, error) {
	cfg, err := ParseConfig(config, name)
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(filepath.Join(dir, ConfigFile)); err == nil {
		return nil, fmt.Errorf("%s already holds a workspace (%s): %w", dir, ConfigFile, ErrOrder)
	}
	for _, d := range []string{RoundsDir, SnapshotsDir, PrivateDir, PublishDir} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			return nil, err
		}
	}
	if err := os.Chmod(filepath.Join(dir, PrivateDir), 0o700); err != nil {
		return nil, err
	}
	if err := writeFile(filepath.Join(dir, ConfigFile), config); err != nil {
		return nil, err
	}
	return &Workspace{Dir: dir, Config: cfg}, nil
}

// Open opens the workspace in dir: its configuration and its log, whose
// chain is checked.
func Open(dir string) (*Workspace, error) {
	path := filepath.Join(dir, ConfigFile)
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%s is not a workspace (no %s): run init first: %w", dir, ConfigFile, ErrOrder)
	}
	if err != nil {
		return nil, err
	}
	cfg, err := ParseConfig(b, path)
	if err != nil {
		return nil, err
	}
	w := &Workspace{Dir: dir, Config: cfg}
	if w.log, w.entries, err = readLog(w.path(LogFile)); err != nil {
		return nil, err
	}
	return w, nil
}

func (w *Workspace) path(elem ...string) string {
	return filepath.Join(append([]string{w.Dir}, elem...)...)
}

// roundDir returns the directory of round n (from 1): rounds/01 ….
func (w *Workspace) roundPath(n int, name string) string {
	return w.path(RoundsDir, fmt.Sprintf("%02d", n), name)
}

// append logs an entry.
func (w *Workspace) append(now time.Time, kind protocol.Kind, round int, body any) error {
	if w.log == nil {
		w.log = &tlog.Log{}
	}
	e, err := appendLog(w.path(LogFile), w.log, now, kind, w.Config.Period.ID, round, body)
	if err != nil {
		return err
	}
	w.entries = append(w.entries, e)
	return nil
}

// LogHead returns the head of the workspace's log (its size and Merkle
// root), what a mirror keeps to check later that the log only grew
// (tlog.VerifyConsistency with Log().ConsistencyProof).
func (w *Workspace) LogHead() tlog.Head {
	if w.log == nil {
		return tlog.Head{}
	}
	return w.log.Head()
}

// Log returns the workspace's log as read and appended to. The caller
// must not append to it.
func (w *Workspace) Log() *tlog.Log {
	if w.log == nil {
		w.log = &tlog.Log{}
	}
	return w.log
}

// writeFile writes b to path whole: a temporary file renamed over it.
func writeFile(path string, b []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// checkRound returns an error for a round number outside the period.
func (w *Workspace) checkRound(n int) error {
	if n < 1 || n > w.Config.Period.Rounds {
		return fmt.Errorf("round %d: the period %s has rounds 1…%d", n, w.Config.Period.ID, w.Config.Period.Rounds)
	}
	return nil
}
