package workspace

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/firedraw/firedraw/schedule/protocol"
)

// AbandonedDir holds, under a round's directory, the files of its
// abandoned attempts: rounds/NN/abandoned/SEQ/manifest.json and open.json,
// SEQ being the abandoned manifest's log entry. They stay published: the
// log names them, and verify replays the log against them.
const AbandonedDir = "abandoned"

// AbandonReport says what Abandon logged.
type AbandonReport struct {
	Round    int
	Manifest string // the abandoned manifest's hash
	Seq      int64  // its manifest entry
	// Again says whether the round can still be given a new manifest:
	// before By, so that the new attempt's commitments, reveals and late
	// source (RedrawWindow each, then an hour) end before the round
	// starts.
	Again bool
	By    time.Time
}

// Abandon logs that round n's manifest, logged but not drawn, is given
// up, with the reason (a party that never revealed and a late source
// that never came, a wrong record file): the attempt stays in the log
// and its files move to rounds/NN/abandoned/SEQ/, and the round may then
// be given a new manifest (while its commitment deadline has not
// passed). A drawn round is never abandoned — its results are corrected
// (Correct) — and a round without a manifest has nothing to abandon.
func (w *Workspace) Abandon(n int, reason string, now time.Time) (*AbandonReport, error) {
	reason = strings.TrimSpace(reason)
	if err := w.checkRound(n); err != nil {
		return nil, err
	}
	st, err := w.replay()
	if err != nil {
		return nil, err
	}
	a := w.live(st, n)
	switch {
	case a == nil:
		return nil, fmt.Errorf("round %d has no manifest to abandon: build it first (manifest): %w", n, ErrOrder)
	case a.Draw != nil:
		return nil, fmt.Errorf("round %d is drawn: a drawn round is not abandoned; correct a wrong result with correct: %w", n, ErrOrder)
	case reason == "" || len(reason) > 1024:
		return nil, fmt.Errorf("round %d: give the reason for abandoning it (1 to 1024 bytes)", n)
	}
	if at, known := outcomeKnowable(a, now); known {
		return nil, fmt.Errorf("round %d: every input of the seed exists since %s, so the draw's outcome may be known and abandoning now would choose it: draw the round (a party that did not reveal is defaulted): %w",
			n, protocol.FormatTime(at), ErrOrder)
	}
	dir := w.abandonedPath(n, a.Seq)
	moved := []string{ManifestName, OpenName, SourcesName, AddedName}
	for _, name := range moved {
		b, err := os.ReadFile(w.roundPath(n, name))
		if errors.Is(err, os.ErrNotExist) && (name == SourcesName || name == AddedName) {
			continue // a copy-mode round
		}
		if err != nil {
			return nil, err
		}
		if err := writeFile(filepath.Join(dir, name), b); err != nil {
			return nil, err
		}
	}
	if err := w.append(now, protocol.KindAbandon, n, &protocol.AbandonBody{Manifest: a.Hash, Reason: reason}); err != nil {
		return nil, err
	}
	for _, name := range moved {
		if err := os.Remove(w.roundPath(n, name)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return nil, err
		}
	}
	by := w.Config.Rounds()[n-1].Start.Add(-2*RedrawWindow - time.Hour)
	return &AbandonReport{Round: n, Manifest: a.Hash, Seq: a.Seq, Again: now.Before(by), By: by}, nil
}

// abandonedPath is the directory of round n's attempt whose manifest is
// log entry seq, once abandoned.
func (w *Workspace) abandonedPath(n int, seq int64) string {
	return w.roundPath(n, filepath.Join(AbandonedDir, fmt.Sprint(seq)))
}

// abandonedManifests returns the manifest files of round n's abandoned
// attempts, by name.
func (w *Workspace) abandonedManifests(n int) ([]string, error) {
	return filepath.Glob(w.roundPath(n, filepath.Join(AbandonedDir, "*", ManifestName)))
}

// outcomeKnowable reports whether every input of the attempt's seed
// exists at now, and since when: every planned late source's time has
// come (its value is public, logged or not); without a late source, the
// reveals are complete or their deadline has passed.
func outcomeKnowable(a *protocol.Attempt, now time.Time) (time.Time, bool) {
	r := a.Manifest.Randomness
	var last time.Time
	if r.HasBeacon() {
		last, _ = protocol.ParseTime(r.Beacon.Time)
	}
	if r.HasDice() {
		if at, _ := protocol.ParseTime(r.Dice.At); at.After(last) {
			last = at
		}
	}
	if !last.IsZero() {
		return last, !now.Before(last)
	}
	_, revealBy := a.Manifest.Deadlines()
	if len(a.Reveals) == len(r.Parties) {
		return now, true
	}
	return revealBy, now.After(revealBy)
}

// attemptNotes says what a reader must see about round n besides its
// draw: its abandoned attempts and its corrections.
func (w *Workspace) attemptNotes(st *protocol.State, a *protocol.Attempt, n int) []string {
	var out []string
	for _, b := range st.Attempts(w.Config.Period.ID, n) {
		if b.Abandoned {
			out = append(out, fmt.Sprintf("attempt of manifest %s (log entry %d) abandoned at entry %d: %s", b.Hash, b.Seq, b.AbandonSeq, b.Reason))
		}
	}
	for _, c := range w.corrections(a, n) {
		out = append(out, fmt.Sprintf("log entry %d corrects task %s (published by entry %d): %s = %s: %s", c.Seq, c.Task, c.Of, c.Field, c.Value, c.Reason))
	}
	return out
}
