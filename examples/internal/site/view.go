package site

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/firedraw/firedraw/schedule"
	"github.com/firedraw/firedraw/schedule/protocol"
	"github.com/firedraw/firedraw/schedule/tlog"
)

// TasksPerPage is the number of tasks on one static page of a round's
// task list; the first page is also on the round's section of index.html.
const TasksPerPage = 500

// inlineTasks is the number of tasks shown on index.html per round.
const inlineTasks = 20

// roundView is what the templates show about a round.
type roundView struct {
	Name, Title string
	Round       *Round
	Hash        string
	ManifestLog *LogEntry
	Commitments []*LogEntry
	Reveals     []*LogEntry
	Late        []*LogEntry // beacon and dice entries
	Draw        *LogEntry
	Others      []*LogEntry // abandon, results, correction
	Alerts      []*LogEntry // alert entries of the round's period and round
	TargetedLog *LogEntry   // the targeted entry
	// Targeted are the first TasksPerPage targeted tasks (all of them are
	// in targeted.json), TargetedCount their number.
	Targeted      []schedule.TargetedTask
	TargetedCount int
	SeedSteps     []seedStep
	Seed          string
	Tasks         []schedule.Task // the first inlineTasks
	Pages         []pageLink
	Overdue       []schedule.Task
	OverdueCount  int
	ResultsCount  int64
	DueDates      []dueCount
}

type seedStep struct{ What, Value string }

type pageLink struct {
	Href  string
	Label string
}

type dueCount struct {
	Due   schedule.Day
	Tasks int
	Late  bool
}

// view builds the round's view: its log entries, grouped by the manifest
// they name, the seed's derivation and the results' deadlines.
func view(w *Workspace, r *Round, now time.Time) *roundView {
	v := &roundView{Name: r.Name, Round: r, Title: r.Name}
	if r.Manifest != nil {
		v.Hash, _ = r.Manifest.Hash()
		v.Title = fmt.Sprintf("%s · %d", r.Manifest.Period.ID, r.Manifest.Round.Number)
	}
	for i := range w.Entries {
		v.place(&w.Entries[i])
	}
	v.seedSteps()
	if d := r.Disclosure; d != nil {
		v.Tasks = d.Tasks[:min(len(d.Tasks), inlineTasks)]
		for p := 0; p*TasksPerPage < len(d.Tasks); p++ {
			hi := min((p+1)*TasksPerPage, len(d.Tasks))
			v.Pages = append(v.Pages, pageLink{taskPage(r.Name, p), fmt.Sprintf("%d–%d", p*TasksPerPage+1, hi)})
		}
		v.deadlines(d, now)
	}
	if td := r.Targeted; td != nil {
		v.TargetedCount = len(td.Tasks)
		v.Targeted = td.Tasks[:min(len(td.Tasks), TasksPerPage)]
	}
	return v
}

// taskPage is the site path of a round's task page p (from 0).
func taskPage(round string, p int) string { return fmt.Sprintf("%s/tasks-%03d.html", round, p+1) }

// place files a log entry under the round when its body names the
// round's manifest.
func (v *roundView) place(e *LogEntry) {
	if m := v.Round.Manifest; m != nil && e.Err == "" && e.Entry.Kind == tlog.KindAlert &&
		e.Entry.Period == m.Period.ID && e.Entry.Round == m.Round.Number {
		v.Alerts = append(v.Alerts, e)
		return
	}
	if e.Body == nil || v.Hash == "" || manifestOf(e.Body) != v.Hash {
		return
	}
	switch e.Entry.Kind {
	case tlog.KindManifest:
		v.ManifestLog = e
	case tlog.KindCommitment:
		v.Commitments = append(v.Commitments, e)
	case tlog.KindReveal:
		v.Reveals = append(v.Reveals, e)
	case tlog.KindBeacon, tlog.KindDice:
		v.Late = append(v.Late, e)
	case tlog.KindDraw:
		v.Draw = e
	case tlog.KindTargeted:
		v.TargetedLog = e
	default:
		if b, ok := e.Body.(*protocol.ResultsBody); ok {
			v.ResultsCount += b.Count
		}
		v.Others = append(v.Others, e)
	}
}

// manifestOf returns the manifest hash a body names.
func manifestOf(b any) string {
	switch b := b.(type) {
	case *protocol.ManifestBody:
		return b.Manifest
	case *protocol.CommitmentBody:
		return b.Manifest
	case *protocol.RevealBody:
		return b.Manifest
	case *protocol.BeaconBody:
		return b.Manifest
	case *protocol.DiceBody:
		return b.Manifest
	case *protocol.DrawBody:
		return b.Manifest
	case *protocol.AbandonBody:
		return b.Manifest
	case *protocol.ResultsBody:
		return b.Manifest
	case *protocol.CorrectionBody:
		return b.Manifest
	case *protocol.TargetedBody:
		return b.Manifest
	}
	return ""
}

// labels are the Chinese and English names of the alert rules, the
// severities and the reasons of targeted inspections.
var labels = map[string][2]string{
	"fire": {"火灾", "fire"}, "fire-alarm": {"火警报警", "fire alarm"}, "device-offline": {"设备离线", "device offline"},
	"fault-unresolved": {"故障未处理", "fault unresolved"}, "fault-repeated": {"故障频发", "repeated faults"},
	"device-shielded": {"设备被屏蔽", "device shielded"}, "pressure-low": {"消防水压低", "water pressure low"},
	"electrical-repeated": {"电气报警频发", "repeated electrical alarms"},
	"info":                {"提示", "info"}, "warning": {"警告", "warning"}, "serious": {"严重", "serious"}, "critical": {"危急", "critical"},
	"incident": {"警情跟进", "incident follow-up"}, "other": {"预警触发", "alert-triggered"},
	"on-site": {"现场检查", "on-site"}, "remote": {"非现场监管", "remote"}, "document-review": {"书面核查", "document review"},
	"joint": {"联合检查", "joint inspection"},
}

// label returns the Chinese (lang "zh") or English name of an alert
// rule, severity, reason or method; the value itself if it has none.
func label(lang, s string) string {
	l, ok := labels[s]
	if !ok {
		return s
	}
	if lang == "zh" {
		return l[0]
	}
	return l[1]
}

// seedSteps writes out the seed's derivation (protocol.DeriveSeed) from
// the logged reveals and late source, and the seed it gives.
func (v *roundView) seedSteps() {
	m := v.Round.Manifest
	if m == nil {
		return
	}
	in := protocol.SeedInputs{Manifest: v.Hash}
	v.SeedSteps = append(v.SeedSteps, seedStep{`"firedraw/seed/v1" 0x00`, "prefix"}, seedStep{"manifest", v.Hash})
	secrets := map[string]string{}
	for _, e := range v.Reveals {
		b := e.Body.(*protocol.RevealBody)
		secrets[b.Party] = b.Secret
	}
	for _, p := range m.Randomness.Parties {
		s, ok := secrets[p]
		if !ok {
			s = "defaulted"
		}
		in.Parties = append(in.Parties, protocol.Contribution{Party: p, Secret: secrets[p]})
		v.SeedSteps = append(v.SeedSteps, seedStep{p + " 0x00 … 0x00", s})
	}
	for _, e := range v.Late {
		switch b := e.Body.(type) {
		case *protocol.BeaconBody:
			in.Beacon = b.Randomness
		case *protocol.DiceBody:
			in.Dice = b.Digits
		}
	}
	v.SeedSteps = append(v.SeedSteps, seedStep{"beacon (drand)", orNone(in.Beacon)}, seedStep{"0x00 dice", orNone(in.Dice)})
	if seed, err := protocol.DeriveSeed(in); err == nil {
		v.Seed = seed.String()
	} else {
		v.Seed = "— " + err.Error()
	}
}

func orNone(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// deadlines counts the tasks by results-due date and lists the overdue
// ones: due before now while the log's results entries cover fewer
// results than there are tasks.
func (v *roundView) deadlines(d *schedule.Disclosure, now time.Time) {
	today := schedule.DayOf(now)
	byDue := map[schedule.Day]int{}
	var order []schedule.Day
	for _, t := range d.Tasks {
		if byDue[t.ResultsDue] == 0 {
			order = append(order, t.ResultsDue)
		}
		byDue[t.ResultsDue]++
		if t.ResultsDue < today && v.ResultsCount < int64(len(d.Tasks)) {
			v.OverdueCount++
			if len(v.Overdue) < inlineTasks {
				v.Overdue = append(v.Overdue, t)
			}
		}
	}
	sortDays(order)
	for _, day := range order {
		v.DueDates = append(v.DueDates, dueCount{day, byDue[day], day < today && v.ResultsCount < int64(len(d.Tasks))})
	}
}

func sortDays(d []schedule.Day) {
	for i := 1; i < len(d); i++ {
		for j := i; j > 0 && d[j] < d[j-1]; j-- {
			d[j], d[j-1] = d[j-1], d[j]
		}
	}
}

// taskMethod returns a task's method and focus items when the
// disclosure has them (disclosure format of the content issue), or "—".
func taskMethod(t schedule.Task) string {
	b, err := json.Marshal(t)
	if err != nil {
		return "—"
	}
	var m struct {
		Method string   `json:"method"`
		Focus  []string `json:"focus"`
	}
	if json.Unmarshal(b, &m) != nil || m.Method == "" {
		return "—"
	}
	if len(m.Focus) > 0 {
		return m.Method + " (" + strings.Join(m.Focus, "、") + ")"
	}
	return m.Method
}

// teamNames writes a task's teams: "dept: a, b; …".
func teamNames(ts []schedule.Team) string {
	var parts []string
	for _, t := range ts {
		s := strings.Join(t.Inspectors, "、")
		if t.Department != "" {
			s = t.Department + ": " + s
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, "; ")
}
