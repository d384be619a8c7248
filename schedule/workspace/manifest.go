package workspace

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/firedraw/firedraw/risk"
	"github.com/firedraw/firedraw/risk/recordio"
	"github.com/firedraw/firedraw/schedule"
	"github.com/firedraw/firedraw/schedule/protocol"
)

// ErrVerify reports a workspace file that does not match what was
// committed; the error names the round and the file.
var ErrVerify = errors.New("does not verify")

// ManifestReport says what a round's manifest fixed.
type ManifestReport struct {
	Round   int
	Hash    string
	AsOf    time.Time
	Units   int
	Open    int // units kept out for an open task
	LeftOut LeftOut
	Records protocol.Records
}

// Manifest builds round n's manifest (n from 1) from the record files as
// of the round's as-of time, together with the results recorded in the
// workspace, stores the snapshot and logs the manifest. It refuses to run
// before round n−1 is drawn, before the as-of time, or after the
// commitment deadline.
func (w *Workspace) Manifest(n int, files recordio.Files, now time.Time) (*ManifestReport, error) {
	st, err := w.replay()
	if err != nil {
		return nil, err
	}
	dl, err := w.canManifest(st, n, now)
	if err != nil {
		return nil, err
	}
	asOf := w.Config.AsOfTime(w.Config.Rounds()[n-1])
	rec, err := LoadRecords(files)
	if err != nil {
		return nil, err
	}
	view, lo := asOfView(rec, asOf)
	fromFiles := len(view.Inspections)
	open, err := w.addResults(st, view, n, asOf)
	if err != nil {
		return nil, err
	}
	digests, err := w.keepSnapshot(n, view, asOf, files, view.Inspections[fromFiles:])
	if err != nil {
		return nil, err
	}
	in, err := w.inputs(view, asOf, open)
	if err != nil {
		return nil, err
	}
	m, err := w.newManifest(n, asOf, digests, in, dl)
	if err != nil {
		return nil, fmt.Errorf("round %d: manifest: %w", n, err)
	}
	b, err := m.Marshal()
	if err != nil {
		return nil, err
	}
	if _, dup := st.Attempt(protocol.HashBytes(b)); dup {
		return nil, fmt.Errorf("round %d: the manifest is the one already logged (%s): %w", n, protocol.HashBytes(b), ErrOrder)
	}
	ob, err := json.Marshal(openFile{Open: openList(open)})
	if err != nil {
		return nil, err
	}
	if err := writeFile(w.roundPath(n, OpenName), append(ob, '\n')); err != nil {
		return nil, err
	}
	if err := writeFile(w.roundPath(n, ManifestName), b); err != nil {
		return nil, err
	}
	h := protocol.HashBytes(b)
	if err := w.append(now, protocol.KindManifest, n, &protocol.ManifestBody{Manifest: h}); err != nil {
		return nil, err
	}
	return &ManifestReport{Round: n, Hash: h, AsOf: asOf, Units: in.frame.Len(), Open: len(open), LeftOut: lo, Records: digests}, nil
}

// canManifest checks the order — round n−1 drawn, no live attempt at n,
// as-of ≤ now < commitment deadline — and returns the deadlines of the
// new attempt (deadlinesFor).
func (w *Workspace) canManifest(st *protocol.State, n int, now time.Time) (deadlines, error) {
	if err := w.checkRound(n); err != nil {
		return deadlines{}, err
	}
	if a := w.live(st, n); a != nil {
		if a.Draw != nil {
			return deadlines{}, fmt.Errorf("round %d is drawn already: record its results, or build round %d's manifest: %w", n, n+1, ErrOrder)
		}
		return deadlines{}, fmt.Errorf("round %d has a manifest already (%s): contribute next, or abandon it first: %w", n, a.Hash, ErrOrder)
	}
	if n > 1 {
		if a := w.live(st, n-1); a == nil || a.Draw == nil {
			return deadlines{}, fmt.Errorf("round %d is not drawn yet: draw round %d before building round %d's manifest: %w", n-1, n-1, n, ErrOrder)
		}
	}
	r := w.Config.Rounds()[n-1]
	if asOf := w.Config.AsOfTime(r); now.Before(asOf) {
		return deadlines{}, fmt.Errorf("round %d's as-of time %s has not come yet (it is %s): build the manifest after it: %w",
			n, protocol.FormatTime(asOf), protocol.FormatTime(now), ErrOrder)
	}
	dl := w.deadlinesFor(st, n, now)
	if !now.Before(dl.commit) {
		return deadlines{}, fmt.Errorf("round %d's commitment deadline %s has passed: the round cannot be drawn under this configuration: %w",
			n, protocol.FormatTime(dl.commit), ErrOrder)
	}
	if late := dl.reveal.Add(time.Hour); len(st.Attempts(w.Config.Period.ID, n)) > 0 && late.After(r.Start) {
		return deadlines{}, fmt.Errorf("round %d: a new attempt's commitments, reveals and late source (until %s) no longer fit before the round starts on %s: %w",
			n, protocol.FormatTime(late), r.Start.Format(time.DateOnly), ErrOrder)
	}
	return dl, nil
}

// deadlines are an attempt's commitment and reveal deadlines.
type deadlines struct{ commit, reveal time.Time }

// RedrawWindow is the time the parties get to commit, and then to
// reveal, in an attempt that follows an abandoned one.
const RedrawWindow = 24 * time.Hour

// deadlinesFor returns the deadlines of round n's next attempt: the
// configured ones for the first; after an abandoned attempt (whose
// deadlines may have passed, and whose manifest would otherwise be
// rebuilt byte for byte) they are re-planned from now: commitments
// until RedrawWindow after the next whole hour, reveals for
// RedrawWindow more, the late source an hour after that — the whole
// before the round starts.
func (w *Workspace) deadlinesFor(st *protocol.State, n int, now time.Time) deadlines {
	r := w.Config.Rounds()[n-1]
	if len(st.Attempts(w.Config.Period.ID, n)) == 0 {
		return deadlines{commit: w.Config.CommitDeadline(r), reveal: w.Config.RevealDeadline(r)}
	}
	commit := now.UTC().Truncate(time.Hour).Add(time.Hour + RedrawWindow)
	return deadlines{commit: commit, reveal: commit.Add(RedrawWindow)}
}

// addResults adds the results recorded for earlier rounds, dated before
// asOf, to the view's inspections (an inspection file row with the same
// ID wins), and returns the open tasks: earlier tasks without results
// (none when the configuration lets open units be drawn).
func (w *Workspace) addResults(st *protocol.State, view *risk.Records, n int, asOf time.Time) ([]schedule.OpenTask, error) {
	have := make(map[string]bool, len(view.Inspections))
	for i := range view.Inspections {
		have[view.Inspections[i].ID] = true
	}
	view.Inspections = slices.Clone(view.Inspections)
	var open []schedule.OpenTask
	for r := 1; r < n; r++ {
		d, err := w.disclosure(st, r)
		if err != nil {
			return nil, err
		}
		res, err := w.results(r)
		if err != nil {
			return nil, err
		}
		if res, err = w.corrected(w.live(st, r), r, res); err != nil {
			return nil, err
		}
		done := map[string]bool{}
		for _, in := range res {
			done[in.ID] = true
			if !have[in.ID] && in.Date.Before(asOf) {
				view.Inspections = append(view.Inspections, in)
			}
		}
		for _, t := range d.Tasks {
			if !done[t.ID] && !w.Config.Planner.RedrawOpen {
				open = append(open, schedule.OpenTask{TaskID: t.ID, Unit: t.Unit, Round: r, Date: t.Date})
			}
		}
	}
	// A unit drawn in two open rounds (its frequency demands it) keeps
	// the later task.
	slices.SortStableFunc(open, func(a, b schedule.OpenTask) int {
		if a.Unit != b.Unit {
			if a.Unit < b.Unit {
				return -1
			}
			return 1
		}
		return b.Round - a.Round
	})
	open = slices.CompactFunc(open, func(a, b schedule.OpenTask) bool { return a.Unit == b.Unit })
	return open, nil
}

// inputs is what a round's draw reads, built from a snapshot.
type inputs struct {
	rec   *risk.Records // the snapshot (targeted.go evaluates its alerts)
	units map[string]*risk.Unit
	dir   *schedule.Assessment
	frame *schedule.Frame
	pool  *schedule.Pool
	model *risk.Model
}

// inputs builds the directory (features, scores, levels, frequencies),
// the frame with the open tasks and the pool with the configured cap.
func (w *Workspace) inputs(rec *risk.Records, asOf time.Time, open []schedule.OpenTask) (*inputs, error) {
	model, err := w.model()
	if err != nil {
		return nil, err
	}
	dir, err := schedule.Assess(rec, asOf, schedule.AssessConfig{Model: model, Policy: w.Config.SamplingPolicy()})
	if err != nil {
		return nil, err
	}
	frame, err := dir.Frame.WithOpen(open)
	if err != nil {
		return nil, err
	}
	insp := slices.Clone(rec.Inspectors)
	for i := range insp {
		if insp[i].MaxPerRound == 0 {
			insp[i].MaxPerRound = w.Config.Staffing.MaxPerRound
		}
	}
	pool, err := schedule.NewPool(insp)
	if err != nil {
		return nil, fmt.Errorf("inspectors: %w", err)
	}
	units := make(map[string]*risk.Unit, len(rec.Units))
	for i := range rec.Units {
		units[rec.Units[i].ID] = &rec.Units[i]
	}
	return &inputs{rec: rec, units: units, dir: dir, frame: frame, pool: pool, model: model}, nil
}

// model loads the configured model, or the default expert model.
func (w *Workspace) model() (*risk.Model, error) {
	name := w.Config.Records.Model
	if name == "" {
		return risk.DefaultModel(), nil
	}
	if !filepath.IsAbs(name) {
		name = w.path(name)
	}
	b, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	var m risk.Model
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return &m, m.Validate()
}
