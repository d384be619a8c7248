package workspace

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/firedraw/firedraw/risk"
	"github.com/firedraw/firedraw/risk/alert"
	"github.com/firedraw/firedraw/schedule"
	"github.com/firedraw/firedraw/schedule/content"
	"github.com/firedraw/firedraw/schedule/protocol"
)

// Targeted inspections in a workspace: each round's manifest commits the
// targets of the alerts (content.TargetPolicy's defaults, raised since
// the previous round's as-of time) before any randomness exists; the draw
// plans and logs their tasks (TargetedName) after the random draw, under
// the round's seed; their results are recorded like the random tasks'
// (reason incident or other) and feed the history.
const (
	// TargetedName is a round's targeted disclosure (published).
	TargetedName = "targeted.json"
	// TargetedTasksName is a round's targeted task list for the teams.
	TargetedTasksName = "targeted_tasks.csv"
)

// targetPolicy returns round n's target selection: the default rules
// and severity, alerts raised after the previous round's as-of time (for
// round 1, the as-of time one round length earlier).
func (w *Workspace) targetPolicy(n int, asOf time.Time) content.TargetPolicy {
	rounds := w.Config.Rounds()
	since := asOf.Add(-rounds[0].End.Sub(rounds[0].Start))
	if n > 1 {
		since = w.Config.AsOfTime(rounds[n-2])
	}
	return content.TargetPolicy{Since: since}
}

// targets evaluates the alerts of the snapshot in.rec as of asOf and
// returns round n's targets (without method and focus in sealed mode).
func (w *Workspace) targets(n int, asOf time.Time, in *inputs) ([]schedule.Target, content.TargetPolicy, error) {
	rec := in.rec
	tp := w.targetPolicy(n, asOf)
	rep, err := alert.Evaluate(rec.Telemetry, rec.Incidents, asOf, alert.Config{})
	if err != nil {
		return nil, tp, err
	}
	ts, err := in.dir.Targets(rec.Units, rep, &tp, nil)
	if err != nil {
		return nil, tp, err
	}
	if w.Config.Planner.Sealed {
		ts = schedule.SealedTargets(ts)
	}
	return ts, tp, nil
}

// targetedSection returns the Targeted section of round n's manifest.
func (w *Workspace) targetedSection(n int, asOf time.Time, in *inputs) (protocol.Targeted, error) {
	ts, tp, err := w.targets(n, asOf, in)
	if err != nil {
		return protocol.Targeted{}, err
	}
	return schedule.TargetedSection(&schedule.TargetedParams{Policy: tp, Targets: ts}, asOf)
}

// planTargeted plans round n's targeted tasks after its random draw d,
// from the round's snapshot (the targets must be the ones the manifest
// committed), and writes the targeted disclosure and task list; Draw
// logs them (logTargeted) after the draw entry.
func (w *Workspace) planTargeted(n int, a *protocol.Attempt, in *inputs, d *schedule.Disclosure) (*schedule.TargetedDisclosure, []byte, error) {
	m := a.Manifest
	ts, _, err := w.targets(n, m.AsOfTime(), in)
	if err != nil {
		return nil, nil, err
	}
	seed, err := a.Seed()
	if err != nil {
		return nil, nil, err
	}
	td, err := schedule.PlanTargeted(m, in.frame, in.pool, seed, d, ts)
	if err != nil {
		return nil, nil, fmt.Errorf("round %d: targeted tasks: %w", n, err)
	}
	b, err := td.MarshalCanonical()
	if err != nil {
		return nil, nil, err
	}
	if err := writeFile(w.roundPath(n, TargetedName), b); err != nil {
		return nil, nil, err
	}
	csvb, err := TargetedTasksCSV(n, td, in.units, poolNames(in.pool), w.Config.Language(), w.Config.Output.CSVBOM)
	if err != nil {
		return nil, nil, err
	}
	return td, b, writeFile(w.roundPath(n, TargetedTasksName), csvb)
}

// logTargeted logs round n's targeted entry: the targeted disclosure's
// hash and task count.
func (w *Workspace) logTargeted(n int, now time.Time, a *protocol.Attempt, td *schedule.TargetedDisclosure, b []byte) error {
	body := &protocol.TargetedBody{Manifest: a.Hash, Targeted: protocol.HashBytes(b), Count: int64(len(td.Tasks))}
	return w.append(now, protocol.KindTargeted, n, body)
}

func poolNames(pool *schedule.Pool) map[string]risk.Inspector {
	insp := map[string]risk.Inspector{}
	for _, i := range pool.Inspectors() {
		insp[i.ID] = i
	}
	return insp
}

// targeted reads round n's targeted disclosure, which the log's
// targeted entry must hash; nil if the round has none.
func (w *Workspace) targeted(st *protocol.State, n int) (*schedule.TargetedDisclosure, error) {
	a := w.live(st, n)
	if a == nil || a.Targeted == nil {
		return nil, nil
	}
	path := w.roundPath(n, TargetedName)
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if h := protocol.HashBytes(b); h != a.Targeted.Targeted {
		return nil, fmt.Errorf("%s: SHA-256 %s, but the log's targeted entry says %s: %w", path, h, a.Targeted.Targeted, ErrVerify)
	}
	td, err := schedule.ParseTargeted(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return td, nil
}

// roundTasks returns round n's tasks by ID — the random tasks of d and
// the targeted tasks visited on their own (a targeted unit drawn at
// random too is visited, and recorded, as its random task) — and the
// reason each result is recorded with: random, or the targeted task's
// (incident or other), so that it feeds the history as a non-random
// inspection.
func (w *Workspace) roundTasks(st *protocol.State, n int, d *schedule.Disclosure) (map[string]*schedule.Task, map[string]risk.Reason, error) {
	tasks := make(map[string]*schedule.Task, len(d.Tasks))
	reasons := make(map[string]risk.Reason, len(d.Tasks))
	for i := range d.Tasks {
		tasks[d.Tasks[i].ID] = &d.Tasks[i]
		reasons[d.Tasks[i].ID] = risk.RandomDraw
	}
	td, err := w.targeted(st, n)
	if err != nil || td == nil {
		return tasks, reasons, err
	}
	for _, t := range td.Tasks {
		if t.RandomTask != "" {
			continue
		}
		r, err := risk.ParseReason(t.Reason)
		if err != nil || r == risk.RandomDraw {
			return nil, nil, fmt.Errorf("round %d: targeted task %s: reason %q: %w", n, t.ID, t.Reason, ErrVerify)
		}
		tasks[t.ID] = &schedule.Task{ID: t.ID, Unit: t.Unit, Date: t.Date, ResultsDue: t.ResultsDue, Teams: t.Teams}
		reasons[t.ID] = r
	}
	return tasks, reasons, nil
}

// verifyTargeted checks round n's targeted tasks: the public tier
// (schedule.VerifyTargetedPublic), then the targets re-derived from the
// snapshot and the tasks re-planned (schedule.VerifyTargeted).
func (w *Workspace) verifyTargeted(a *protocol.Attempt, n int, in *inputs, d *schedule.Disclosure, disclosure []byte, bad func(string, ...any)) int {
	m := a.Manifest
	if a.Targeted == nil {
		if m.Targeted.Targets.Count > 0 {
			bad("the manifest committed %d targets, but the log holds no targeted entry", m.Targeted.Targets.Count)
		}
		return 0
	}
	b, err := os.ReadFile(w.roundPath(n, TargetedName))
	if err != nil {
		bad("%v", err)
		return 0
	}
	ts, _, err := w.targets(n, m.AsOfTime(), in)
	if err != nil {
		bad("%v", err)
		return 0
	}
	pub := schedule.Published{Manifest: m, Attempt: a, Disclosure: disclosure}
	td, err := schedule.VerifyTargeted(pub, d, b, in.frame, in.pool, ts)
	var te *schedule.TargetedVerifyError
	switch {
	case errors.As(err, &te):
		bad("%s: %d difference(s)", w.roundPath(n, TargetedName), len(te.Diffs)+te.More)
		for i, df := range te.Diffs {
			if i == 10 {
				bad("… and %d more", len(te.Diffs)+te.More-10)
				break
			}
			bad("  %s", df)
		}
		return 0
	case err != nil:
		bad("%s: %v", w.roundPath(n, TargetedName), err)
		return 0
	}
	return len(td.Tasks)
}

// targetedOverdue lists round n's targeted tasks (visited on their own)
// whose results were due before today and are not published.
func targetedOverdue(td *schedule.TargetedDisclosure, n int, today schedule.Day, done, recorded map[string]bool) []Overdue {
	if td == nil {
		return nil
	}
	var out []Overdue
	for _, t := range td.Tasks {
		if t.RandomTask == "" && !done[t.ID] && t.ResultsDue < today {
			out = append(out, Overdue{Round: n, Task: t.ID, Unit: t.Unit, Due: t.ResultsDue, Recorded: recorded[t.ID]})
		}
	}
	return out
}

var targetedHeader = map[string][]string{
	"en": {"round", "task_id", "unit_id", "unit_name", "district", "address", "date", "results_due", "random_task", "reason",
		"severity", "method", "focus", "inspectors", "inspector_ids", "triggers"},
	"zh": {"轮次", "任务编号", "单位编号", "单位名称", "辖区", "地址", "检查日期", "结果公示截止", "同时随机抽中的任务", "原因",
		"严重程度", "检查方式", "检查重点", "检查人员", "检查人员编号", "触发预警"},
}

// TargetedTasksCSV writes round n's targeted task list: one row per task,
// by unit ID, with the unit's name, district and address, the visit and
// results-due dates, the random task that visits it if the unit was drawn
// too, the reason, severity, method and focus, the inspectors by name and
// ID, and the triggers' explanations in lang ("zh" or "en"), " | "
// between them; bom starts the file with a UTF-8 byte-order mark.
func TargetedTasksCSV(n int, td *schedule.TargetedDisclosure, units map[string]*risk.Unit, insp map[string]risk.Inspector, lang string, withBOM bool) ([]byte, error) {
	var buf bytes.Buffer
	if withBOM {
		buf.WriteString(bom)
	}
	cw := csv.NewWriter(&buf)
	if err := cw.Write(header(targetedHeader, lang)); err != nil {
		return nil, err
	}
	for _, t := range td.Tasks {
		var name, district, address string
		if u := units[t.Unit]; u != nil {
			name, district = u.Name, u.District
			if a, ok := u.Attr("address"); ok && !a.Numeric {
				address = a.Text
			}
		}
		var why []string
		for _, tr := range t.Triggers {
			x := tr.ExplanationEN
			if lang == "zh" {
				x = tr.ExplanationZH
			}
			why = append(why, tr.Rule+" ("+tr.Severity+", "+tr.Raised+"): "+x)
		}
		names, ids := teamText(t.Teams, insp)
		row := []string{strconv.Itoa(n), t.ID, t.Unit, name, district, address, t.Date.String(), t.ResultsDue.String(), t.RandomTask,
			t.Reason, t.Severity, t.Method, strings.Join(t.Focus, ";"), names, ids, strings.Join(why, " | ")}
		if err := cw.Write(row); err != nil {
			return nil, err
		}
	}
	cw.Flush()
	return buf.Bytes(), cw.Error()
}

// TargetedTasks returns round n's targeted task list as CSV in lang,
// with a byte-order mark if bom is set (see TargetedTasksCSV).
func (w *Workspace) TargetedTasks(n int, lang string, withBOM bool) ([]byte, error) {
	st, err := w.replay()
	if err != nil {
		return nil, err
	}
	if err := w.checkRound(n); err != nil {
		return nil, err
	}
	a := w.live(st, n)
	if a == nil || a.Targeted == nil {
		return nil, fmt.Errorf("round %d has no targeted tasks yet: draw it first: %w", n, ErrOrder)
	}
	td, err := w.targeted(st, n)
	if err != nil {
		return nil, err
	}
	in, _, err := w.roundInputs(a.Manifest)
	if err != nil {
		return nil, err
	}
	return TargetedTasksCSV(n, td, in.units, poolNames(in.pool), lang, withBOM)
}
