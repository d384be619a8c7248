package schedule

import (
	"fmt"
	"strings"
	"time"

	"github.com/firedraw/firedraw/schedule/protocol"
)

// PublishedResult is what a results publication says of one task: the
// task's ID, the unit visited and the day of the visit.
type PublishedResult struct {
	Task string
	Unit string
	Date Day
}

// VerifyResults checks results published for a drawn round against its
// disclosure (public tier; the disclosure must have verified first):
// every result names a task of the round and that task's unit, once;
// its visit is dated neither before the task's own visit date (a unit
// visited before the day it was drawn for was not visited by the draw)
// nor after loggedAt, the time of the log's results entry that
// published it (no record is dated after the time it was published).
// Tasks without a result are not an error: results come in over weeks.
//
// Every problem is listed, naming the task and the dates, in a
// *ResultsError wrapping ErrVerify.
func VerifyResults(d *Disclosure, results []PublishedResult, loggedAt time.Time) error {
	var df diffs
	tasks := make(map[string]*Task, len(d.Tasks))
	for i := range d.Tasks {
		tasks[d.Tasks[i].ID] = &d.Tasks[i]
	}
	seen := make(map[string]bool, len(results))
	logged := DayOf(loggedAt)
	for _, r := range results {
		t, ok := tasks[r.Task]
		switch {
		case !ok:
			df.add("result for task %s: no such task in round %d", r.Task, d.Round.Number)
			continue
		case seen[r.Task]:
			df.add("task %s: result published twice", r.Task)
		case r.Unit != t.Unit:
			df.add("task %s: the result names unit %s, the task visits %s", r.Task, r.Unit, t.Unit)
		}
		seen[r.Task] = true
		switch {
		case r.Date < t.Date:
			df.add("task %s (unit %s): result dated %s, before the task's visit date %s", r.Task, t.Unit, r.Date, t.Date)
		case r.Date > logged:
			df.add("task %s (unit %s): result dated %s, after it was published (log entry at %s)",
				r.Task, t.Unit, r.Date, protocol.FormatTime(loggedAt))
		}
	}
	if len(df.list) > 0 {
		return &ResultsError{Round: d.Round.Number, Problems: df.list, More: df.more}
	}
	return nil
}

// ResultsError is returned by VerifyResults: every published result that
// does not fit its round's tasks, as a readable line naming the task. It
// wraps ErrVerify.
type ResultsError struct {
	Round    int
	Problems []string
	// More counts the problems beyond the listed ones.
	More int
}

func (e *ResultsError) Error() string {
	const show = 5
	var b strings.Builder
	fmt.Fprintf(&b, "schedule: results of round %d: %d problem(s): ", e.Round, len(e.Problems)+e.More)
	writeCapped(&b, e.Problems, show, func(rest int) string { return fmt.Sprintf("; … (%d more)", rest+e.More) })
	b.WriteString(": ")
	b.WriteString(ErrVerify.Error())
	return b.String()
}

// Unwrap returns ErrVerify.
func (e *ResultsError) Unwrap() error { return ErrVerify }
