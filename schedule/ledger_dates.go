package schedule

import (
	"fmt"
	"time"

	"github.com/firedraw/firedraw/risk"
)

// RecordAt stores the outcome of a task as Record does, after checking
// its dates against the task and today (now): an outcome whose visit is
// dated before the task's date or after now, or a violation rectified
// before the visit or after now, is refused with an error wrapping
// risk.ErrFuture (after now) or risk.ErrBadTime (before the visit) and
// ErrBadInput, naming the task, the field and the date. A zero o.Date is
// the task's date. Use RecordAt wherever the time is known: Record alone
// cannot tell an outcome from the future.
func (l *Ledger) RecordAt(o Outcome, now time.Time) error {
	e, ok := l.tasks[o.TaskID]
	if !ok {
		return fmt.Errorf("schedule: ledger: outcome for task %q: %w", o.TaskID, ErrUnknownTask)
	}
	who := fmt.Sprintf("schedule: ledger: task %s (unit %q)", o.TaskID, e.task.Unit)
	today := DayOf(now)
	day := e.task.Date
	if !o.Date.IsZero() {
		day = DayOf(o.Date)
	}
	switch {
	case day > today:
		return fmt.Errorf("%s: field \"date\": visit on %s after today %s: %w: %w", who, day, today, risk.ErrFuture, ErrBadInput)
	case day < e.task.Date:
		return fmt.Errorf("%s: field \"date\": visit on %s before the task's date %s: %w: %w", who, day, e.task.Date, risk.ErrBadTime, ErrBadInput)
	}
	for i, v := range o.Violations {
		if v.Rectified.IsZero() {
			continue
		}
		switch r := DayOf(v.Rectified); {
		case r > today:
			return fmt.Errorf("%s: violation %d (%q): field \"rectified\": %s after today %s: %w: %w", who, i, v.Code, r, today, risk.ErrFuture, ErrBadInput)
		case r < day:
			return fmt.Errorf("%s: violation %d (%q): field \"rectified\": %s before the visit on %s: %w: %w", who, i, v.Code, r, day, risk.ErrBadTime, ErrBadInput)
		}
	}
	return l.Record(o)
}
