package workspace

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"time"

	"github.com/firedraw/firedraw/risk"
	"github.com/firedraw/firedraw/risk/recordio"
	"github.com/firedraw/firedraw/schedule"
	"github.com/firedraw/firedraw/schedule/protocol"
)

// newManifest builds round n's manifest with schedule.NewManifest: the
// configuration, the frame and pool digests, the snapshot's digests, the
// model's digest, the randomness plan and the targets (targeted.go).
func (w *Workspace) newManifest(n int, asOf time.Time, digests protocol.Records, in *inputs, dl deadlines) (*protocol.Manifest, error) {
	model, err := schedule.ModelDigest(in.model, risk.FeatureConfig{}, risk.LevelConfig{})
	if err != nil {
		return nil, err
	}
	targeted, err := w.targetedSection(n, asOf, in)
	if err != nil {
		return nil, err
	}
	m, err := schedule.NewManifest(w.Config.Schedule(in.dir.HistoryStart), n-1, in.frame, in.pool, schedule.ManifestParams{
		PeriodID: w.Config.Period.ID, AsOf: asOf, Records: digests, Model: model, Randomness: w.randomness(dl), Targeted: targeted,
	})
	if err != nil {
		return nil, err
	}
	// A round some seeds could not staff is refused before it is logged.
	if err := schedule.CheckStaffing(m, in.frame, in.pool); err != nil {
		return nil, err
	}
	return m, nil
}

// randomness is the round's randomness plan: the parties, the deadlines
// and the late source — a drand quicknet round, the first emitted after
// the reveal deadline plus one hour, or a public dice meeting one hour
// after the reveal deadline.
func (w *Workspace) randomness(dl deadlines) protocol.Randomness {
	p := w.Config.Protocol
	out := protocol.Randomness{SingleOperator: p.SingleOperator, Parties: slices.Clone(p.Parties),
		CommitBy: protocol.FormatTime(dl.commit), RevealBy: protocol.FormatTime(dl.reveal),
		NonReveal: protocol.NonRevealRule}
	if p.SingleOperator && len(out.Parties) == 0 {
		out.Parties = []string{"operator"}
	}
	late := dl.reveal.Add(time.Hour)
	switch p.LateSource {
	case "drand":
		round, _ := protocol.BeaconRoundAfter(protocol.QuicknetChain, late)
		t, _ := protocol.BeaconTime(protocol.QuicknetChain, round)
		out.Beacon = protocol.BeaconPlan{Chain: protocol.QuicknetChain, Round: round, Time: protocol.FormatTime(t)}
	case "dice":
		out.Dice = protocol.DicePlan{At: protocol.FormatTime(late), Digits: p.DiceDigits}
	}
	return out
}

// openFile is a round's open.json: the open tasks committed with the
// manifest (in the frame's history hash).
type openFile struct {
	Open []openTask `json:"open"`
}

type openTask struct {
	Task  string `json:"task"`
	Unit  string `json:"unit"`
	Round int    `json:"round"`
	Date  string `json:"date"`
}

func openList(ts []schedule.OpenTask) []openTask {
	out := make([]openTask, 0, len(ts))
	for _, t := range ts {
		out = append(out, openTask{Task: t.TaskID, Unit: t.Unit, Round: t.Round, Date: t.Date.String()})
	}
	return out
}

// readOpen reads round n's open tasks.
func (w *Workspace) readOpen(n int) ([]schedule.OpenTask, error) {
	path := w.roundPath(n, OpenName)
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var f openFile
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	out := make([]schedule.OpenTask, 0, len(f.Open))
	for _, t := range f.Open {
		d, err := protocol.ParseDate(t.Date)
		if err != nil {
			return nil, fmt.Errorf("%s: task %s: %w", path, t.Task, err)
		}
		out = append(out, schedule.OpenTask{TaskID: t.Task, Unit: t.Unit, Round: t.Round, Date: schedule.DayOf(d)})
	}
	return out, nil
}

// manifests reads every round's manifest file present, those of
// abandoned attempts included.
func (w *Workspace) manifests() ([]*protocol.Manifest, error) {
	var out []*protocol.Manifest
	for n := 1; n <= w.Config.Period.Rounds; n++ {
		old, err := w.abandonedManifests(n)
		if err != nil {
			return nil, err
		}
		for _, path := range append(old, w.roundPath(n, ManifestName)) {
			b, err := os.ReadFile(path)
			if errors.Is(err, os.ErrNotExist) {
				continue
			}
			if err != nil {
				return nil, err
			}
			m, err := protocol.ParseManifest(b)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", path, err)
			}
			out = append(out, m)
		}
	}
	return out, nil
}

// replay replays the log against the manifest files.
func (w *Workspace) replay() (*protocol.State, error) {
	ms, err := w.manifests()
	if err != nil {
		return nil, err
	}
	src, err := protocol.Manifests(ms...)
	if err != nil {
		return nil, err
	}
	st := protocol.NewState(src, protocol.Drand)
	if err := st.Replay(w.entries); err != nil {
		return nil, fmt.Errorf("%s: %w", w.path(LogFile), err)
	}
	return st, nil
}

// live returns round n's live attempt (its last, not abandoned), or nil.
func (w *Workspace) live(st *protocol.State, n int) *protocol.Attempt {
	as := st.Attempts(w.Config.Period.ID, n)
	if len(as) == 0 || as[len(as)-1].Abandoned {
		return nil
	}
	return as[len(as)-1]
}

// disclosure reads round n's disclosure, which must be drawn.
func (w *Workspace) disclosure(st *protocol.State, n int) (*schedule.Disclosure, error) {
	a := w.live(st, n)
	if a == nil || a.Draw == nil {
		return nil, fmt.Errorf("round %d is not drawn: %w", n, ErrOrder)
	}
	path := w.roundPath(n, Disclosure)
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if h := protocol.HashBytes(b); h != a.Draw.Disclosure {
		return nil, fmt.Errorf("%s: SHA-256 %s, but the log's draw entry says %s: %w", path, h, a.Draw.Disclosure, ErrVerify)
	}
	d, err := schedule.ParseDisclosure(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return d, nil
}

// results reads round n's recorded results (none yet: empty).
func (w *Workspace) results(n int) ([]risk.Inspection, error) {
	path := w.roundPath(n, ResultsName)
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	in, _, err := recordio.LoadInspections(f, recordio.LoadOptions{Source: path, Format: recordio.JSONL})
	return in, err
}

// roundInputs rebuilds what round n's draw reads from its files: the
// snapshot (checked against the manifest), the open tasks, and the
// configuration; the frame's digests are checked against the manifest.
func (w *Workspace) roundInputs(m *protocol.Manifest) (*inputs, *schedule.Config, error) {
	rec, err := w.loadSnapshot(m)
	if err != nil {
		return nil, nil, err
	}
	open, err := w.readOpen(m.Round.Number)
	if err != nil {
		return nil, nil, err
	}
	in, err := w.inputs(rec, m.AsOfTime(), open)
	if err != nil {
		return nil, nil, err
	}
	f := m.Frame
	if in.frame.Hash() != f.Directory.SHA256 || in.frame.HistoryHash() != f.History.SHA256 || in.pool.Hash() != f.Pool.SHA256 {
		return nil, nil, fmt.Errorf("round %d: the directory, history or pool rebuilt from the snapshot and %s differ from the manifest's: %w",
			m.Round.Number, OpenName, ErrVerify)
	}
	hs, err := protocol.ParseDate(m.Settings.HistoryStart)
	if err != nil {
		return nil, nil, err
	}
	return in, w.Config.Schedule(hs), nil
}
