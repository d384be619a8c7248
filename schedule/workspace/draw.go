package workspace

import (
	"fmt"
	"time"

	"github.com/firedraw/firedraw/risk"
	"github.com/firedraw/firedraw/schedule"
	"github.com/firedraw/firedraw/schedule/protocol"
)

// DrawReport says what a round's draw produced.
type DrawReport struct {
	Round      int
	Seed       string
	Defaulted  []string // parties that did not reveal
	Disclosure *schedule.Disclosure
	// Targeted are the round's targeted tasks, outside the random draw.
	Targeted *schedule.TargetedDisclosure
}

// Draw derives round n's seed from the logged contributions, plans the
// round on its snapshot, writes the disclosure, the task list and every
// unit's π with its reason, and logs the draw; then plans, writes and
// logs the targeted tasks the manifest committed (targeted.go). It refuses to run before
// the reveal deadline or before a planned late source is logged.
func (w *Workspace) Draw(n int, now time.Time) (*DrawReport, error) {
	a, err := w.attemptFor(n)
	if err != nil {
		return nil, err
	}
	m := a.Manifest
	_, rb := m.Deadlines()
	switch {
	case !now.After(rb):
		return nil, fmt.Errorf("round %d: the draw comes after the reveal deadline %s: reveal first: %w", n, m.Randomness.RevealBy, ErrOrder)
	case m.Randomness.HasDice() && a.Dice == "":
		return nil, fmt.Errorf("round %d: roll the dice first (contribute -step dice): %w", n, ErrOrder)
	case m.Randomness.HasBeacon() && a.Beacon == "":
		return nil, fmt.Errorf("round %d: log drand round %d first (contribute -step beacon -signature HEX): %w", n, m.Randomness.Beacon.Round, ErrOrder)
	}
	seed, err := a.Seed()
	if err != nil {
		return nil, err
	}
	in, cfg, err := w.roundInputs(m)
	if err != nil {
		return nil, err
	}
	d, err := schedule.PlanRound(m, in.frame, in.pool, seed, a.Seq)
	if err != nil {
		return nil, fmt.Errorf("round %d: %w", n, err)
	}
	b, err := d.MarshalCanonical()
	if err != nil {
		return nil, err
	}
	if err := writeFile(w.roundPath(n, Disclosure), b); err != nil {
		return nil, err
	}
	if err := w.writeOutputs(n, d, in, cfg); err != nil {
		return nil, err
	}
	td, tb, err := w.planTargeted(n, a, in, d)
	if err != nil {
		return nil, err
	}
	body := &protocol.DrawBody{Manifest: a.Hash, Seed: seed.String(), Disclosure: protocol.HashBytes(b)}
	if err := w.append(now, protocol.KindDraw, n, body); err != nil {
		return nil, err
	}
	if err := w.logTargeted(n, now, a, td, tb); err != nil {
		return nil, err
	}
	return &DrawReport{Round: n, Seed: seed.String(), Defaulted: a.Defaulted(), Disclosure: d, Targeted: td}, nil
}

// writeOutputs writes the task list and the reasons of round n.
func (w *Workspace) writeOutputs(n int, d *schedule.Disclosure, in *inputs, cfg *schedule.Config) error {
	reasons, err := schedule.Reasons(cfg, in.frame, n-1)
	if err != nil {
		return err
	}
	units := in.units
	insp := map[string]risk.Inspector{}
	for _, i := range in.pool.Inspectors() {
		insp[i.ID] = i
	}
	lang := w.Config.Language()
	tasks, err := TasksCSV(n, d, units, insp, in.frame, lang, w.Config.Output.CSVBOM)
	if err != nil {
		return err
	}
	if err := writeFile(w.roundPath(n, TasksName), tasks); err != nil {
		return err
	}
	rs, err := ReasonsCSV(n, d, reasons, units, lang, w.Config.Output.CSVBOM)
	if err != nil {
		return err
	}
	return writeFile(w.roundPath(n, ReasonsName), rs)
}

// Tasks returns round n's task list as CSV in lang, with a byte-order
// mark if bom is set (see TasksCSV).
func (w *Workspace) Tasks(n int, lang string, withBOM bool) ([]byte, error) {
	st, err := w.replay()
	if err != nil {
		return nil, err
	}
	if err := w.checkRound(n); err != nil {
		return nil, err
	}
	d, err := w.disclosure(st, n)
	if err != nil {
		return nil, fmt.Errorf("round %d has no task list yet: draw it first: %w", n, ErrOrder)
	}
	in, _, err := w.roundInputs(w.live(st, n).Manifest)
	if err != nil {
		return nil, err
	}
	insp := map[string]risk.Inspector{}
	for _, i := range in.pool.Inspectors() {
		insp[i.ID] = i
	}
	return TasksCSV(n, d, in.units, insp, in.frame, lang, withBOM)
}

// LogSize returns the number of entries in the log.
func (w *Workspace) LogSize() int { return len(w.entries) }
