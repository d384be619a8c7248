package workspace

import (
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/firedraw/firedraw/schedule"
	"github.com/firedraw/firedraw/schedule/protocol"
)

// RoundCheck is the verification of one round.
type RoundCheck struct {
	Round    int
	Drawn    bool
	Tasks    int
	Targeted int // targeted tasks verified (targeted.go)
	Problems []string
	// Notes are what a reader must see about a verified draw (a
	// single-operator seed, defaulted parties).
	Notes []string
}

// Verify checks the whole workspace from its files: the log's chain and
// the protocol's order, dates and seed derivation (protocol.State), then
// every drawn round: the disclosure's hash against the log, the snapshot
// files against the manifest's digests, the directory, history and pool
// rebuilt from them against the manifest, the draw re-run
// (schedule.Verify), the seed against the log, the recorded results
// against the tasks, and every publication against a results entry. A
// broken log stops at once (error); every other problem is listed in
// the round's check.
func (w *Workspace) Verify() ([]RoundCheck, error) {
	st, err := w.replay()
	if err != nil {
		return nil, err
	}
	var out []RoundCheck
	for n := 1; n <= w.Config.Period.Rounds; n++ {
		a := w.live(st, n)
		if a == nil || a.Draw == nil {
			continue
		}
		out = append(out, w.verifyRound(st, a, n))
	}
	return out, nil
}

func (w *Workspace) verifyRound(st *protocol.State, a *protocol.Attempt, n int) RoundCheck {
	rc := RoundCheck{Round: n, Drawn: true}
	bad := func(format string, args ...any) { rc.Problems = append(rc.Problems, fmt.Sprintf(format, args...)) }
	d, err := w.disclosure(st, n)
	if err != nil {
		bad("%v", err)
		return rc
	}
	rc.Tasks = len(d.Tasks)
	if d.Seed != a.Draw.Seed {
		bad("the disclosure's seed %s is not the seed %s the log derives", d.Seed, a.Draw.Seed)
	}
	in, _, err := w.roundInputs(a.Manifest)
	if err != nil {
		bad("%v", err)
		return rc
	}
	b, err := os.ReadFile(w.roundPath(n, Disclosure))
	if err != nil {
		bad("%v", err)
		return rc
	}
	rep, err := schedule.Verify(schedule.Published{Manifest: a.Manifest, Attempt: a, Disclosure: b}, in.frame, in.pool)
	var ve *schedule.VerifyError
	switch {
	case errors.As(err, &ve):
		bad("%s: %d difference(s) with the re-run draw", w.roundPath(n, Disclosure), len(ve.Diffs)+ve.More)
		for i, df := range ve.Diffs {
			if i == 10 {
				bad("… and %d more", len(ve.Diffs)+ve.More-10)
				break
			}
			bad("  %s", df)
		}
	case err != nil:
		bad("%s: %v", w.roundPath(n, Disclosure), err)
	default:
		rc.Notes = rep.Notes
	}
	rc.Targeted = w.verifyTargeted(a, n, in, d, b, bad)
	w.verifyResults(st, d, n, bad)
	if dt, err := w.withTargeted(st, n, d); err != nil {
		bad("%v", err)
	} else {
		w.verifyPublications(dt, a, n, bad)
		w.verifyCorrections(dt, a, n, bad)
	}
	rc.Notes = append(rc.Notes, w.attemptNotes(st, a, n)...)
	return rc
}

// verifyResults checks the recorded results against the tasks.
func (w *Workspace) verifyResults(st *protocol.State, d *schedule.Disclosure, n int, bad func(string, ...any)) {
	res, err := w.results(n)
	if err != nil {
		bad("%v", err)
		return
	}
	tasks, _, err := w.roundTasks(st, n, d) // random and targeted tasks
	if err != nil {
		bad("%v", err)
		return
	}
	seen := map[string]bool{}
	for _, in := range res {
		t, ok := tasks[in.ID]
		switch {
		case !ok:
			bad("%s: result for task %s, not a task of round %d", w.roundPath(n, ResultsName), in.ID, n)
		case t.Unit != in.UnitID:
			bad("%s: task %s visits %s, the result names %s", w.roundPath(n, ResultsName), in.ID, t.Unit, in.UnitID)
		case schedule.DayOf(in.Date) < t.Date:
			bad("%s: task %s: result dated %s, before the visit on %s", w.roundPath(n, ResultsName), in.ID, schedule.DayOf(in.Date), t.Date)
		case seen[in.ID]:
			bad("%s: task %s recorded twice", w.roundPath(n, ResultsName), in.ID)
		}
		seen[in.ID] = true
	}
}

// RoundStatus is where a round stands.
type RoundStatus struct {
	Round     int
	Stage     string // "not started", "manifest", "committed k/n", "revealed k/n", "late source in", "drawn"
	Next      string // the next step
	Tasks     int
	Recorded  int
	Published int
	// Abandoned counts the round's abandoned attempts, Corrections the
	// corrections logged for its results.
	Abandoned   int
	Corrections int
}

// Status returns every round's stage and the overdue results as of now.
func (w *Workspace) Status(now time.Time) ([]RoundStatus, []Overdue, error) {
	st, err := w.replay()
	if err != nil {
		return nil, nil, err
	}
	var out []RoundStatus
	var overdue []Overdue
	for n := 1; n <= w.Config.Period.Rounds; n++ {
		rs := RoundStatus{Round: n, Stage: "not started", Next: "manifest"}
		rs.Abandoned = len(st.Attempts(w.Config.Period.ID, n))
		a := w.live(st, n)
		if a != nil {
			rs.Abandoned--
		}
		if a == nil && rs.Abandoned > 0 {
			rs.Stage, rs.Next = fmt.Sprintf("abandoned (%d attempt(s))", rs.Abandoned), "manifest (a new attempt)"
		}
		if a != nil {
			k := len(a.Manifest.Randomness.Parties)
			rs.Stage, rs.Next = "manifest", "contribute -step commit"
			if len(a.Commitments) > 0 {
				rs.Stage = fmt.Sprintf("committed %d/%d", len(a.Commitments), k)
				rs.Next = "contribute -step reveal (after every commitment)"
			}
			if len(a.Reveals) > 0 {
				rs.Stage, rs.Next = fmt.Sprintf("revealed %d/%d", len(a.Reveals), k), "contribute -step dice / beacon, then draw"
			}
			if a.Draw != nil {
				rs.Stage, rs.Next = "drawn", "tasks; record; publish"
				rs.Corrections = len(w.corrections(a, n))
				if err := w.roundCounts(st, n, now, &rs, &overdue); err != nil {
					return nil, nil, err
				}
			}
		}
		out = append(out, rs)
	}
	return out, overdue, nil
}

func (w *Workspace) roundCounts(st *protocol.State, n int, now time.Time, rs *RoundStatus, overdue *[]Overdue) error {
	d, err := w.disclosure(st, n)
	if err != nil {
		return err
	}
	res, err := w.results(n)
	if err != nil {
		return err
	}
	pub, err := w.published(n)
	if err != nil {
		return err
	}
	rec := map[string]bool{}
	for _, in := range res {
		rec[in.ID] = true
	}
	rs.Tasks, rs.Recorded, rs.Published = len(d.Tasks), len(res), len(pub)
	for _, t := range d.Tasks {
		if !pub[t.ID] && t.ResultsDue < schedule.DayOf(now) {
			*overdue = append(*overdue, Overdue{Round: n, Task: t.ID, Unit: t.Unit, Due: t.ResultsDue, Recorded: rec[t.ID]})
		}
	}
	td, err := w.targeted(st, n)
	if err != nil {
		return err
	}
	*overdue = append(*overdue, targetedOverdue(td, n, schedule.DayOf(now), pub, rec)...)
	return nil
}
