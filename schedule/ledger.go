package schedule

import (
	"fmt"
	"sort"
	"time"

	"github.com/firedraw/firedraw/risk"
)

// Outcome is the result of one task's visit.
type Outcome struct {
	TaskID string
	// Date is the day of the visit; zero means the task's date.
	Date       time.Time
	Result     risk.Result
	Violations []risk.Violation
}

// DueResult is one task whose results must be published by Due.
type DueResult struct {
	TaskID    string
	Unit      string
	Round     int // the round's number in its period (1-based), as the disclosure names it
	Date      Day // the task's date
	Due       Day
	Recorded  bool // an Outcome has been recorded
	Published Day  // NoDay until MarkPublished
	Outcome   Outcome
}

// Ledger records the outcomes of the tasks of one or more disclosed
// rounds, lists the results due for publication, and turns the outcomes
// into next period's inspection history. It is not safe for concurrent
// use.
type Ledger struct {
	tasks   map[string]*ledgerEntry
	ordered []*ledgerEntry // by due date, then task ID
}

type ledgerEntry struct {
	task    Task
	round   int
	outcome *Outcome
	pub     Day
}

// NewLedger indexes the tasks of the given disclosures. A task ID that
// occurs twice (the same round given twice) is an error wrapping
// ErrBadInput.
func NewLedger(ds ...*Disclosure) (*Ledger, error) {
	l := &Ledger{tasks: map[string]*ledgerEntry{}}
	for _, d := range ds {
		for _, t := range d.Tasks {
			if _, dup := l.tasks[t.ID]; dup {
				return nil, fmt.Errorf("schedule: ledger: task %s (unit %q, round %d) given twice: %w", t.ID, t.Unit, d.Round.Number, ErrBadInput)
			}
			e := &ledgerEntry{task: t, round: d.Round.Number, pub: NoDay}
			l.tasks[t.ID] = e
			l.ordered = append(l.ordered, e)
		}
	}
	sort.Slice(l.ordered, func(i, j int) bool {
		a, b := l.ordered[i], l.ordered[j]
		if a.task.ResultsDue != b.task.ResultsDue {
			return a.task.ResultsDue < b.task.ResultsDue
		}
		return a.task.ID < b.task.ID
	})
	return l, nil
}

// Record stores the outcome of a task. Errors name the task: an unknown
// task ID (ErrUnknownTask); an outcome already recorded, a bad result or
// severity, a failed inspection without violations or a passed one with
// some, a rectification deadline before the visit (ErrBadInput).
func (l *Ledger) Record(o Outcome) error {
	e, ok := l.tasks[o.TaskID]
	if !ok {
		return fmt.Errorf("schedule: ledger: outcome for task %q: %w", o.TaskID, ErrUnknownTask)
	}
	who := fmt.Sprintf("schedule: ledger: task %s (unit %q)", o.TaskID, e.task.Unit)
	if e.outcome != nil {
		return fmt.Errorf("%s: outcome already recorded: %w", who, ErrBadInput)
	}
	if o.Result != risk.Pass && o.Result != risk.Fail {
		return fmt.Errorf("%s: result %v: %w", who, o.Result, ErrBadInput)
	}
	if (o.Result == risk.Fail) != (len(o.Violations) > 0) {
		return fmt.Errorf("%s: result %v with %d violation(s): a failed inspection lists its violations, a passed one none: %w",
			who, o.Result, len(o.Violations), ErrBadInput)
	}
	day := e.task.Date
	if !o.Date.IsZero() {
		day = DayOf(o.Date)
	}
	o.Date = day.Time()
	vs := make([]risk.Violation, len(o.Violations))
	for i, v := range o.Violations {
		if v.Severity > risk.Major {
			return fmt.Errorf("%s: violation %d (%q): severity %v: %w", who, i, v.Code, v.Severity, ErrBadInput)
		}
		if !v.Deadline.IsZero() && DayOf(v.Deadline) < day {
			return fmt.Errorf("%s: violation %d (%q): rectification deadline %s before the visit on %s: %w",
				who, i, v.Code, DayOf(v.Deadline), day, ErrBadInput)
		}
		vs[i] = v
	}
	o.Violations = vs
	e.outcome = &o
	return nil
}

// MarkPublished records that the results of a task were published on the
// given day. The outcome must have been recorded.
func (l *Ledger) MarkPublished(taskID string, on time.Time) error {
	e, ok := l.tasks[taskID]
	if !ok {
		return fmt.Errorf("schedule: ledger: publication of task %q: %w", taskID, ErrUnknownTask)
	}
	if e.outcome == nil {
		return fmt.Errorf("schedule: ledger: task %s (unit %q): no outcome recorded to publish: %w", taskID, e.task.Unit, ErrBadInput)
	}
	e.pub = DayOf(on)
	return nil
}

// Due lists the tasks whose results must be published on or before the
// given day and are not published yet, by due date then task ID; Recorded
// says whether the outcome is in (a task due with no outcome is overdue
// fieldwork).
func (l *Ledger) Due(by time.Time) []DueResult {
	limit := DayOf(by)
	var out []DueResult
	for _, e := range l.ordered {
		if e.task.ResultsDue > limit {
			break
		}
		if e.pub != NoDay {
			continue
		}
		out = append(out, e.due())
	}
	return out
}

func (e *ledgerEntry) due() DueResult {
	r := DueResult{TaskID: e.task.ID, Unit: e.task.Unit, Round: e.round, Date: e.task.Date, Due: e.task.ResultsDue, Published: e.pub}
	if e.outcome != nil {
		r.Recorded = true
		r.Outcome = *e.outcome
	}
	return r
}

// Inspections returns the recorded outcomes as inspection records for the
// next period's history (NewFrame) and risk features: ID = task ID,
// Reason = risk.RandomDraw, inspectors = every team's members in order
// (the first team's lead first). Sorted by date, then ID.
func (l *Ledger) Inspections() []risk.Inspection {
	var out []risk.Inspection
	for _, e := range l.ordered {
		if e.outcome == nil {
			continue
		}
		var insp []string
		for _, t := range e.task.Teams {
			insp = append(insp, t.Inspectors...)
		}
		out = append(out, risk.Inspection{
			ID: e.task.ID, UnitID: e.task.Unit, Date: e.outcome.Date, Inspectors: insp,
			Result: e.outcome.Result, Reason: risk.RandomDraw, Violations: append([]risk.Violation(nil), e.outcome.Violations...),
		})
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].Date.Equal(out[j].Date) {
			return out[i].Date.Before(out[j].Date)
		}
		return out[i].ID < out[j].ID
	})
	return out
}
