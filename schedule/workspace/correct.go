package workspace

import (
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/firedraw/firedraw/risk"
	"github.com/firedraw/firedraw/schedule"
	"github.com/firedraw/firedraw/schedule/protocol"
)

// The fields of a published result that a correction may change, and
// the form of their values (as a publication writes them).
const (
	FieldResult     = "result"     // pass or fail
	FieldDate       = "date"       // the visit's day, YYYY-MM-DD
	FieldViolations = "violations" // "CODE (severity); CODE (severity)", or "-" for none
)

// NoViolations is the value of a violations correction that removes
// every violation.
const NoViolations = "-"

// Correction is a logged correction of a published result.
type Correction struct {
	Round  int
	Seq    int64 // the correction entry
	Time   time.Time
	Of     int64 // the results entry that published the corrected result
	Task   string
	Field  string
	Value  string
	Reason string
}

// Correct logs a correction of a published result of round n: the task,
// the field (FieldResult, FieldDate or FieldViolations), its corrected
// value and why. The entry names the results entry that published the
// result (the latest that holds the task); nothing is rewritten — the
// publication and the recorded results stay as they were, the
// correction holds from its entry on, for the history of later rounds'
// manifests and for estimates. It refuses to run before the result is
// published (a correction names the log entry it corrects); a corrected
// date may not be before the task's visit nor after now.
func (w *Workspace) Correct(n int, task, field, value, reason string, now time.Time) (*Correction, error) {
	if err := w.checkRound(n); err != nil {
		return nil, err
	}
	st, err := w.replay()
	if err != nil {
		return nil, err
	}
	a := w.live(st, n)
	if a == nil || a.Draw == nil {
		return nil, fmt.Errorf("round %d is not drawn: draw it, then record and publish its results before correcting one: %w", n, ErrOrder)
	}
	reason = strings.TrimSpace(reason)
	if reason == "" || len(reason) > 1024 {
		return nil, fmt.Errorf("round %d: task %s: give the reason for the correction (1 to 1024 bytes)", n, task)
	}
	d, err := w.disclosure(st, n)
	if err == nil {
		d, err = w.withTargeted(st, n, d) // a targeted task's result can be corrected too
	}
	if err != nil {
		return nil, err
	}
	t := findTask(d, task)
	if t == nil {
		return nil, fmt.Errorf("round %d has no task %s: %w", n, task, ErrResult)
	}
	of, err := w.publishedIn(a, n, task)
	if err != nil {
		return nil, err
	}
	if err := checkCorrection(d, t, field, value, now); err != nil {
		return nil, err
	}
	if cur := w.currentValue(a, n, task, field, of); cur == value {
		return nil, fmt.Errorf("round %d: task %s: the %s is %s already", n, task, field, value)
	}
	body := &protocol.CorrectionBody{Manifest: a.Hash, Of: of.Seq, Task: task, Field: field, Value: value, Reason: reason}
	if err := w.append(now, protocol.KindCorrection, n, body); err != nil {
		return nil, err
	}
	e := w.entries[len(w.entries)-1]
	return &Correction{Round: n, Seq: e.Seq, Time: e.Time, Of: of.Seq, Task: task, Field: field, Value: value, Reason: reason}, nil
}

func findTask(d *schedule.Disclosure, id string) *schedule.Task {
	for i := range d.Tasks {
		if d.Tasks[i].ID == id {
			return &d.Tasks[i]
		}
	}
	return nil
}

// publishedResult is a task's result as a logged publication holds it.
type publishedResult struct {
	Seq    int64 // the results entry
	Result Published
}

// publishedIn returns the latest logged publication of round n that
// holds the task's result.
func (w *Workspace) publishedIn(a *protocol.Attempt, n int, task string) (publishedResult, error) {
	files, err := w.loggedPublications(a, n)
	if err != nil {
		return publishedResult{}, err
	}
	var out publishedResult
	found := false
	for _, f := range files {
		for _, r := range f.pub.Results {
			if r.Task == task {
				out, found = publishedResult{Seq: f.entry.Seq, Result: r}, true
			}
		}
	}
	if !found {
		return out, fmt.Errorf("round %d: task %s: its result is not published yet: record and publish it first (a correction names the log entry that published it): %w",
			n, task, ErrOrder)
	}
	return out, nil
}

// loggedPublication is a publication file with the entry that logged it.
type loggedPublication struct {
	entry resultsEntry
	pub   *Publication
}

// loggedPublications returns round n's publications that a results
// entry of the attempt logs, in log order.
func (w *Workspace) loggedPublications(a *protocol.Attempt, n int) ([]loggedPublication, error) {
	names, err := w.publications(n)
	if err != nil {
		return nil, err
	}
	byHash := map[string]string{}
	for _, name := range names {
		b, err := os.ReadFile(name)
		if err != nil {
			return nil, err
		}
		byHash[protocol.HashBytes(b)] = name
	}
	var out []loggedPublication
	for _, e := range w.resultsEntries(a) {
		name, ok := byHash[e.Hash]
		if !ok {
			continue
		}
		p, err := readPublication(name)
		if err != nil {
			return nil, err
		}
		out = append(out, loggedPublication{entry: e, pub: p})
	}
	return out, nil
}

// checkCorrection checks a corrected value: its form for the field, and
// a date not before the task's visit nor after now.
func checkCorrection(d *schedule.Disclosure, t *schedule.Task, field, value string, now time.Time) error {
	bad := func(format string, a ...any) error {
		return fmt.Errorf("round %d: task %s: %s %q: %s: %w", d.Round.Number, t.ID, field, value, fmt.Sprintf(format, a...), ErrResult)
	}
	switch field {
	case FieldResult:
		if _, err := risk.ParseResult(value); err != nil {
			return bad("want pass or fail")
		}
	case FieldDate:
		day, err := protocol.ParseDate(value)
		if err != nil {
			return bad("want YYYY-MM-DD")
		}
		if err := schedule.VerifyResults(d, []schedule.PublishedResult{{Task: t.ID, Unit: t.Unit, Date: schedule.DayOf(day)}}, now); err != nil {
			return bad("%v", err)
		}
	case FieldViolations:
		if _, err := parseViolations(value); err != nil {
			return bad("%v", err)
		}
	default:
		return bad("want the field %s, %s or %s", FieldResult, FieldDate, FieldViolations)
	}
	return nil
}

// parseViolations reads a violations value: NoViolations, or
// "CODE (severity)" items separated by "; ", as a publication lists them.
func parseViolations(s string) ([]risk.Violation, error) {
	if s == NoViolations {
		return nil, nil
	}
	var out []risk.Violation
	for _, item := range strings.Split(s, "; ") {
		code, sev, ok := strings.Cut(item, " (")
		if !ok || code == "" || !strings.HasSuffix(sev, ")") {
			return nil, fmt.Errorf("%q: want CODE (severity), items separated by \"; \", or %q for none", item, NoViolations)
		}
		v, err := risk.ParseSeverity(strings.TrimSuffix(sev, ")"))
		if err != nil {
			return nil, fmt.Errorf("%q: %w", item, err)
		}
		out = append(out, risk.Violation{Code: code, Severity: v})
	}
	return out, nil
}

// violationsValue writes violations as a publication lists them.
func violationsValue(vs []string) string {
	if len(vs) == 0 {
		return NoViolations
	}
	return strings.Join(vs, "; ")
}

// corrections returns the corrections of results logged for an
// attempt, in log order.
func (w *Workspace) corrections(a *protocol.Attempt, n int) []Correction {
	var out []Correction
	for _, e := range w.entries[a.Seq:] {
		if e.Kind != protocol.KindCorrection {
			continue
		}
		b, err := protocol.ParseBody(e.Kind, e.Body)
		if err != nil { // protocol.State has parsed it already
			panic("workspace: a replayed correction entry does not parse: " + err.Error())
		}
		c := b.(*protocol.CorrectionBody)
		if c.Manifest != a.Hash || c.Task == "" {
			continue
		}
		out = append(out, Correction{Round: n, Seq: e.Seq, Time: e.Time, Of: c.Of, Task: c.Task, Field: c.Field, Value: c.Value, Reason: c.Reason})
	}
	return out
}

// currentValue returns a field of a published result as the log's
// corrections leave it.
func (w *Workspace) currentValue(a *protocol.Attempt, n int, task, field string, p publishedResult) string {
	v := map[string]string{FieldResult: p.Result.Result, FieldDate: p.Result.Date, FieldViolations: violationsValue(p.Result.Violations)}[field]
	for _, c := range w.corrections(a, n) {
		if c.Task == task && c.Field == field {
			v = c.Value
		}
	}
	return v
}

// corrected applies the attempt's corrections to round n's recorded
// results (which are not modified): what later rounds' history and the
// estimates read.
func (w *Workspace) corrected(a *protocol.Attempt, n int, res []risk.Inspection) ([]risk.Inspection, error) {
	cs := w.corrections(a, n)
	if len(cs) == 0 {
		return res, nil
	}
	at := make(map[string]int, len(res))
	for i := range res {
		at[res[i].ID] = i
	}
	out := make([]risk.Inspection, len(res))
	copy(out, res)
	for _, c := range cs {
		i, ok := at[c.Task]
		if !ok {
			return nil, fmt.Errorf("round %d: log entry %d corrects task %s, which has no recorded result in %s: %w", n, c.Seq, c.Task, ResultsName, ErrVerify)
		}
		if err := applyCorrection(&out[i], c); err != nil {
			return nil, fmt.Errorf("round %d: log entry %d: %w", n, c.Seq, err)
		}
	}
	return out, nil
}

func applyCorrection(in *risk.Inspection, c Correction) error {
	switch c.Field {
	case FieldResult:
		r, err := risk.ParseResult(c.Value)
		if err != nil {
			return err
		}
		in.Result = r
	case FieldDate:
		d, err := protocol.ParseDate(c.Value)
		if err != nil {
			return err
		}
		in.Date = d
	case FieldViolations:
		vs, err := parseViolations(c.Value)
		if err != nil {
			return err
		}
		in.Violations = vs
	default:
		return fmt.Errorf("task %s: field %q: want %s, %s or %s: %w", c.Task, c.Field, FieldResult, FieldDate, FieldViolations, ErrVerify)
	}
	return nil
}

// verifyCorrections checks round n's corrections: each names a results
// entry whose publication holds the task, and a value of the right form
// for its field (a date neither before the task's visit nor after the
// correction).
func (w *Workspace) verifyCorrections(d *schedule.Disclosure, a *protocol.Attempt, n int, bad func(string, ...any)) {
	cs := w.corrections(a, n)
	if len(cs) == 0 {
		return
	}
	pubs, err := w.loggedPublications(a, n)
	if err != nil {
		bad("%v", err)
		return
	}
	holds := map[int64]map[string]bool{}
	for _, p := range pubs {
		holds[p.entry.Seq] = map[string]bool{}
		for _, r := range p.pub.Results {
			holds[p.entry.Seq][r.Task] = true
		}
	}
	for _, c := range cs {
		t := findTask(d, c.Task)
		switch {
		case t == nil:
			bad("log entry %d corrects task %s, not a task of round %d", c.Seq, c.Task, n)
		case !holds[c.Of][c.Task]:
			bad("log entry %d corrects task %s as published by entry %d, whose publication does not hold it", c.Seq, c.Task, c.Of)
		default:
			if err := checkCorrection(d, t, c.Field, c.Value, c.Time); err != nil {
				bad("log entry %d: %v", c.Seq, err)
			}
		}
	}
}
