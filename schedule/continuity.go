package schedule

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"slices"
	"sort"
)

// ContinuityAlgorithm names the open-task rule, part of the committed
// algorithm: in independent mode a unit with an open task (drawn in an
// earlier round, results not yet in) has π = 0 while the task is open,
// unless its frequency demands a visit every round (per-round
// probability 1). Rotation mode keeps its fixed rhythm, whose gaps are
// already at least ⌊1/π⌋ rounds.
const ContinuityAlgorithm = "open-tasks/v1"

// OpenTask is a task of an earlier round whose results are not in yet.
type OpenTask struct {
	TaskID string
	Unit   string
	// Round is the task's round, numbered from 1 as in every output.
	Round int
	Date  Day
}

// WithOpen returns a copy of the frame in which the units of the open
// tasks are open (see ContinuityAlgorithm). The open tasks are part of
// the frame's history and of its HistoryHash. An unknown unit, an empty
// task ID or a unit listed twice is an error wrapping ErrBadInput.
func (f *Frame) WithOpen(open []OpenTask) (*Frame, error) {
	g := &Frame{units: f.units, index: f.index, strata: f.strata, leads: f.leads, static: f.static, hist: f.hist}
	if len(open) == 0 {
		return g, nil
	}
	g.open = make(map[int32]OpenTask, len(open))
	for _, t := range open {
		k, ok := f.index[t.Unit]
		if !ok {
			return nil, fmt.Errorf("schedule: open task %q: unit %q not in the directory: %w", t.TaskID, t.Unit, ErrBadInput)
		}
		if t.TaskID == "" {
			return nil, fmt.Errorf("schedule: open task of unit %q has no ID: %w", t.Unit, ErrBadInput)
		}
		if _, dup := g.open[k]; dup {
			return nil, fmt.Errorf("schedule: unit %q has two open tasks: %w", t.Unit, ErrBadInput)
		}
		g.open[k] = t
	}
	return g, nil
}

// Open returns the frame's open tasks, sorted by unit ID.
func (f *Frame) Open() []OpenTask {
	ks := make([]int32, 0, len(f.open))
	for k := range f.open {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	out := make([]OpenTask, len(ks))
	for i, k := range ks {
		out[i] = f.open[k]
	}
	return out
}

// openHash returns the history hash with the open tasks folded in: the
// hex SHA-256 of the history hash's hex digits, "\x00open\x00", then for
// each open task in unit-ID order its canonical encoding (unit, task
// ID, round, date).
func (f *Frame) openHash(history string) string {
	h := sha256.New()
	h.Write([]byte(history))
	h.Write([]byte("\x00open\x00"))
	var b []byte
	for _, t := range f.Open() {
		b = appendString(b[:0], t.Unit)
		b = appendString(b, t.TaskID)
		b = appendInt(b, t.Round)
		b = appendDay(b, t.Date)
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// applyContinuity sets π = 0 for the open units of an independent round
// whose per-round probability is below 1 (ContinuityAlgorithm).
func applyContinuity(cfg *Config, frame *Frame, pi []float64) {
	if cfg.Mode != Independent || len(frame.open) == 0 {
		return
	}
	perYear := float64(12 / cfg.monthsPerRound())
	keys := make([]int32, 0, len(frame.open))
	for k := range frame.open {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(a, b int) bool { return keys[a] < keys[b] })
	for _, k := range keys {
		if math.Min(1, frame.units[k].Annual/perYear) < 1 {
			pi[k] = 0
		}
	}
}
