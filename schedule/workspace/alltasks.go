package workspace

import (
	"github.com/firedraw/firedraw/schedule"
	"github.com/firedraw/firedraw/schedule/protocol"
)

// withTargeted returns round n's disclosure with its targeted tasks (those
// not visited by a random task) added to its tasks, in a copy: results,
// publications and corrections name either kind of task.
func (w *Workspace) withTargeted(st *protocol.State, n int, d *schedule.Disclosure) (*schedule.Disclosure, error) {
	td, err := w.targeted(st, n)
	if err != nil || td == nil {
		return d, err
	}
	c := *d
	c.Tasks = append([]schedule.Task(nil), d.Tasks...)
	for _, t := range td.Tasks {
		if t.RandomTask == "" {
			c.Tasks = append(c.Tasks, schedule.Task{ID: t.ID, Unit: t.Unit, Date: t.Date, ResultsDue: t.ResultsDue, Teams: t.Teams})
		}
	}
	return &c, nil
}
