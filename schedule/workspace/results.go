package workspace

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/firedraw/firedraw/risk/recordio"
	"github.com/firedraw/firedraw/schedule"
	"github.com/firedraw/firedraw/schedule/protocol"
)

// ErrResult reports a result that does not fit its round's tasks; the
// error names the file and the task.
var ErrResult = errors.New("bad result")

// Record records the results of round n's tasks from an inspections file
// (CSV or JSON Lines, as the inspections record format, with the task ID
// as inspection_id). Tasks are the random tasks (reason random) and the
// targeted tasks visited on their own (reason incident or other, from the
// targeted disclosure), so that both feed the history. Every result is checked before any is kept: an
// unknown task, a unit other than the task's, a task given twice or
// already recorded, a date before the visit or after now are errors
// naming the file and the task. The team defaults to the task's.
func (w *Workspace) Record(n int, file string, now time.Time) (int, error) {
	st, err := w.replay()
	if err != nil {
		return 0, err
	}
	if err := w.checkRound(n); err != nil {
		return 0, err
	}
	d, err := w.disclosure(st, n)
	if err != nil {
		return 0, fmt.Errorf("round %d is not drawn yet: draw it before recording results: %w", n, ErrOrder)
	}
	rec, err := LoadRecords(recordio.Files{Inspections: file})
	if err != nil {
		return 0, err
	}
	old, err := w.results(n)
	if err != nil {
		return 0, err
	}
	tasks, reasons, err := w.roundTasks(st, n, d) // random and targeted tasks
	if err != nil {
		return 0, err
	}
	seen := map[string]bool{}
	for _, in := range old {
		seen[in.ID] = true
	}
	today := schedule.DayOf(now)
	for i := range rec.Inspections {
		in := &rec.Inspections[i]
		bad := func(format string, a ...any) error {
			return fmt.Errorf("%s: result %d (task %s): %s: %w", file, i+1, in.ID, fmt.Sprintf(format, a...), ErrResult)
		}
		t, ok := tasks[in.ID]
		switch {
		case !ok:
			return 0, bad("no such task in round %d", n)
		case in.UnitID != t.Unit:
			return 0, bad("unit %s, but the task visits %s", in.UnitID, t.Unit)
		case seen[in.ID]:
			return 0, bad("recorded twice")
		case schedule.DayOf(in.Date) < t.Date:
			return 0, bad("dated %s, before the visit on %s", schedule.DayOf(in.Date), t.Date)
		case schedule.DayOf(in.Date) > today:
			return 0, bad("dated %s, after today (%s)", schedule.DayOf(in.Date), today)
		}
		seen[in.ID] = true
		in.Reason = reasons[in.ID]
		if len(in.Inspectors) == 0 {
			for _, tm := range t.Teams {
				in.Inspectors = append(in.Inspectors, tm.Inspectors...)
			}
		}
	}
	all := append(slices.Clone(old), rec.Inspections...)
	var buf bytes.Buffer
	if err := recordio.WriteInspectionsJSONL(&buf, all); err != nil {
		return 0, err
	}
	return len(rec.Inspections), writeFile(w.roundPath(n, ResultsName), buf.Bytes())
}

// Published is one result in a publication.
type Published struct {
	Task       string   `json:"task"`
	Unit       string   `json:"unit"`
	Date       string   `json:"date"`
	Result     string   `json:"result"`
	Violations []string `json:"violations"` // "code (severity)"
}

// Publication is a results publication of one round.
type Publication struct {
	Period  string      `json:"period"`
	Round   int         `json:"round"`
	Date    string      `json:"date"`
	Results []Published `json:"results"`
}

// Overdue is a task whose results were due for publication and are not
// published (Recorded says whether they are at least recorded).
type Overdue struct {
	Round    int
	Task     string
	Unit     string
	Due      schedule.Day
	Recorded bool
}

// PublishReport lists what Publish published and what is overdue.
type PublishReport struct {
	Files   []string
	Count   int
	Overdue []Overdue
	// Corrections lists every correction of published results in the
	// log, by round then log order: they are published by their entries.
	Corrections []Correction
}

// Publish writes, for every drawn round with recorded results not yet
// published, a publication file (publications/NN-YYYYMMDDThhmmss.json)
// and logs it; it lists the results whose due date (working days after
// the visit) has passed unpublished.
func (w *Workspace) Publish(now time.Time) (*PublishReport, error) {
	st, err := w.replay()
	if err != nil {
		return nil, err
	}
	rep := &PublishReport{}
	for n := 1; n <= w.Config.Period.Rounds; n++ {
		a := w.live(st, n)
		if a == nil || a.Draw == nil {
			continue
		}
		if err := w.publishRound(st, a, n, now, rep); err != nil {
			return nil, err
		}
		rep.Corrections = append(rep.Corrections, w.corrections(a, n)...)
	}
	return rep, nil
}

func (w *Workspace) publishRound(st *protocol.State, a *protocol.Attempt, n int, now time.Time, rep *PublishReport) error {
	d, err := w.disclosure(st, n)
	if err != nil {
		return err
	}
	res, err := w.results(n)
	if err != nil {
		return err
	}
	done, err := w.published(n)
	if err != nil {
		return err
	}
	pub := Publication{Period: w.Config.Period.ID, Round: n, Date: protocol.FormatDate(now), Results: []Published{}}
	recorded := map[string]bool{}
	for _, in := range res {
		recorded[in.ID] = true
		if done[in.ID] {
			continue
		}
		p := Published{Task: in.ID, Unit: in.UnitID, Date: protocol.FormatDate(in.Date), Result: in.Result.String(), Violations: []string{}}
		for _, v := range in.Violations {
			p.Violations = append(p.Violations, v.Code+" ("+v.Severity.String()+")")
		}
		pub.Results = append(pub.Results, p)
		done[in.ID] = true
	}
	today := schedule.DayOf(now)
	for _, t := range d.Tasks {
		if !done[t.ID] && t.ResultsDue < today {
			rep.Overdue = append(rep.Overdue, Overdue{Round: n, Task: t.ID, Unit: t.Unit, Due: t.ResultsDue, Recorded: recorded[t.ID]})
		}
	}
	td, err := w.targeted(st, n)
	if err != nil {
		return err
	}
	rep.Overdue = append(rep.Overdue, targetedOverdue(td, n, today, done, recorded)...)
	if len(pub.Results) == 0 || now.Before(a.Manifest.RoundFirst()) {
		return nil
	}
	dt, err := w.withTargeted(st, n, d)
	if err != nil {
		return err
	}
	if err := checkToPublish(dt, &pub, now); err != nil {
		return err
	}
	b, err := json.MarshalIndent(pub, "", " ")
	if err != nil {
		return err
	}
	b = append(b, '\n')
	name := publicationName(n, now)
	if err := writeFile(w.path(name), b); err != nil {
		return err
	}
	body := &protocol.ResultsBody{Manifest: a.Hash, Results: protocol.HashBytes(b), Count: int64(len(pub.Results))}
	if err := w.append(now, protocol.KindResults, n, body); err != nil {
		return err
	}
	rep.Files = append(rep.Files, name)
	rep.Count += len(pub.Results)
	return nil
}

// publications returns round n's publication files, by name.
func (w *Workspace) publications(n int) ([]string, error) {
	names, err := filepath.Glob(w.path(PublishDir, fmt.Sprintf("%02d-*.json", n)))
	slices.Sort(names)
	return names, err
}

// published returns the task IDs of round n's published results.
func (w *Workspace) published(n int) (map[string]bool, error) {
	names, err := w.publications(n)
	if err != nil {
		return nil, err
	}
	out := map[string]bool{}
	for _, name := range names {
		p, err := readPublication(name)
		if err != nil {
			return nil, err
		}
		for _, r := range p.Results {
			out[r.Task] = true
		}
	}
	return out, nil
}

func readPublication(name string) (*Publication, error) {
	b, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	var p Publication
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return &p, nil
}
