package schedule

import (
	"fmt"
	"slices"
	"strings"

	"github.com/firedraw/firedraw/risk"
	"github.com/firedraw/firedraw/risk/alert"
	"github.com/firedraw/firedraw/sampling"
	"github.com/firedraw/firedraw/schedule/content"
	"github.com/firedraw/firedraw/schedule/protocol"
	"github.com/google/uuid"
)

// PlanTargeted plans the targeted tasks of the round a manifest fixes:
// one inspection per target, outside the random draw, staffed by the
// same team rules as the random tasks, and returns their disclosure.
// random is the round's disclosure (PlanRound of the same manifest,
// frame, pool and seed). Every step is a function of (manifest, frame,
// pool, seed, random, targets) only:
//
//  1. Binding: the frame and pool must hash to the manifest's digests and
//     the targets to its Targeted.Targets digest (TargetsDigest), which
//     was published before any randomness existed: a target added,
//     dropped or changed afterwards is refused (ErrManifestMismatch).
//     Every target is checked: a unit of the frame, reason incident or
//     other, a visit (not remote; in sealed mode no method or focus), at
//     least one trigger of a rule the manifest names, at or above its
//     severity, raised after its since time and before its as-of time.
//  2. Overlap rule — one visit: a target that the random draw drew is not
//     visited twice. Its targeted task names the random task (RandomTask)
//     and takes its date and teams; the outcome is recorded once, as the
//     random task's, so the random sample and its estimates are
//     unchanged.
//  3. Every other target gets a visit of its own. Visit order: ascending
//     PRN of OrderStream under TargetedSeed (ties by ID).
//  4. Dates: within each district, visits spread over the round's first
//     Targeted.WithinDays working days in proportion to the district's
//     inspectors available each day (the random draw's rule, on fewer
//     days).
//  5. Teams: Staffing.Assign's random greedy then augmenting paths, in
//     TeamStream under TargetedSeed, with every inspector's visits in the
//     random tasks counted against DailyCap and MaxPerRound; eligibility
//     (category, district), conflicts, the last lead rule and leave as
//     for random teams. A visit whose team cannot be formed on its date
//     moves to the nearest working day of the round with enough eligible
//     inspectors off leave (the random draw's LeaveAlgorithm); one that
//     no day helps is an error wrapping ErrInfeasible.
//  6. Task IDs TaskID(TargetedDrawID(random draw ID), unit), results due
//     the manifest's ResultsDueDays working days after the visit.
//
// PlanTargeted returns a complete disclosure or an error, never a
// partial plan. With no targets the disclosure has no tasks.
func PlanTargeted(m *protocol.Manifest, frame *Frame, pool *Pool, seed sampling.Seed, random *Disclosure, targets []Target) (*TargetedDisclosure, error) {
	cfg, round, err := ConfigOf(m)
	if err != nil {
		return nil, err
	}
	h, err := checkTargetedInputs(m, frame, pool, seed, random)
	if err != nil {
		return nil, err
	}
	if err := checkTargets(m, frame, targets); err != nil {
		return nil, err
	}
	drawn := make(map[string]*Task, len(random.Tasks))
	for i := range random.Tasks {
		drawn[random.Tasks[i].Unit] = &random.Tasks[i]
	}
	td := newTargeted(m, h, seed, random)
	tid := uuid.MustParse(td.DrawID)
	var own []int32
	ownTarget := map[string]*Target{}
	for i := range targets {
		t := &targets[i]
		if rt, ok := drawn[t.Unit]; ok {
			td.Tasks = append(td.Tasks, mergedTask(tid, t, rt))
			continue
		}
		own = append(own, frame.index[t.Unit])
		ownTarget[t.Unit] = t
	}
	visits, err := staffTargets(cfg, frame, pool, round, m, seed, random, own)
	if err != nil {
		return nil, err
	}
	ds, _ := cfg.Calendar.compile()
	for _, v := range visits {
		t := ownTarget[v.visit.UnitID]
		task := taskOf(tid, t)
		task.Date, task.ResultsDue, task.Teams = v.visit.Date, ds.addWorkingDays(v.visit.Date, cfg.resultsDue()), v.teams
		td.Tasks = append(td.Tasks, task)
	}
	slices.SortFunc(td.Tasks, func(a, b TargetedTask) int { return strings.Compare(a.Unit, b.Unit) })
	return td, nil
}

// checkTargetedInputs checks the frame and pool against the manifest and
// that random is the manifest's draw under seed; it returns the
// manifest's hash.
func checkTargetedInputs(m *protocol.Manifest, frame *Frame, pool *Pool, seed sampling.Seed, random *Disclosure) (string, error) {
	h, err := m.Hash()
	if err != nil {
		return "", err
	}
	if err := checkInputs(m, frame, pool); err != nil {
		return "", err
	}
	cfg, _, _ := ConfigOf(m)
	if err := cfg.Staffing.check(pool); err != nil {
		return "", err
	}
	switch {
	case random == nil:
		return "", fmt.Errorf("schedule: targeted tasks need the round's random disclosure: %w", ErrBadInput)
	case random.Manifest != h:
		return "", fmt.Errorf("schedule: targeted: the random disclosure names manifest %s, not %s: %w", random.Manifest, h, ErrManifestMismatch)
	case random.Seed != seed.String():
		return "", fmt.Errorf("schedule: targeted: seed %s differs from the random disclosure's %s: %w", seed, random.Seed, ErrBadInput)
	case random.DrawID != DrawID(h).String():
		return "", fmt.Errorf("schedule: targeted: the random disclosure's draw ID %s is not the manifest's: %w", random.DrawID, ErrBadInput)
	}
	return h, nil
}

// checkTargets is step 1 of PlanTargeted for the targets: their digest
// is the manifest's, and each follows the manifest's selection.
func checkTargets(m *protocol.Manifest, frame *Frame, targets []Target) error {
	d, err := TargetsDigest(targets)
	if err != nil {
		return err
	}
	if d != m.Targeted.Targets {
		return fmt.Errorf("schedule: the %d targets given have digest %s, the manifest fixed %d targets with digest %s: %w",
			d.Count, d.SHA256, m.Targeted.Targets.Count, m.Targeted.Targets.SHA256, ErrManifestMismatch)
	}
	for i := range targets {
		t := &targets[i]
		if _, ok := frame.index[t.Unit]; !ok {
			return fmt.Errorf("schedule: target %q: not in the directory: %w", t.Unit, ErrBadInput)
		}
		if err := checkTarget(m, t); err != nil {
			return fmt.Errorf("schedule: target %q: %w", t.Unit, err)
		}
	}
	return nil
}

// checkTarget checks one target's fields against the manifest's
// selection (what a reader of the published tasks can check too).
func checkTarget(m *protocol.Manifest, t *Target) error {
	reason, err := risk.ParseReason(t.Reason)
	if err != nil || (reason != risk.IncidentFollowUp && reason != risk.OtherReason) {
		return fmt.Errorf("reason %q: want %v or %v: %w", t.Reason, risk.IncidentFollowUp, risk.OtherReason, ErrBadInput)
	}
	if m.Sealed {
		if t.Method != "" || len(t.Focus) != 0 {
			return fmt.Errorf("sealed mode: a method or focus (scoped by level) would reveal the level: %w", ErrBadInput)
		}
	} else if meth, err := content.ParseMethod(t.Method); err != nil || meth == content.Remote {
		return fmt.Errorf("method %q: a targeted inspection is a visit, not remote: %w", t.Method, ErrBadInput)
	}
	if t.Focus == nil {
		return fmt.Errorf("focus is null, not []: %w", ErrBadInput)
	}
	if len(t.Triggers) == 0 {
		return fmt.Errorf("no trigger: %w", ErrBadInput)
	}
	incident := false
	for i := range t.Triggers {
		tr := &t.Triggers[i]
		if err := checkTrigger(m, tr); err != nil {
			return err
		}
		if i > 0 && compareTriggers(&t.Triggers[i-1], tr) >= 0 {
			return fmt.Errorf("trigger of rule %s out of order or repeated: %w", tr.Rule, ErrBadInput)
		}
		incident = incident || tr.Rule == alert.RuleFire.String() || tr.Rule == alert.RuleFireAlarm.String()
	}
	if incident != (reason == risk.IncidentFollowUp) {
		return fmt.Errorf("reason %q: a fire or fire alarm trigger makes it %q, any other %q: %w",
			t.Reason, risk.IncidentFollowUp, risk.OtherReason, ErrBadInput)
	}
	if want := maxSeverity(t.Triggers); t.Severity != want {
		return fmt.Errorf("severity %q is not its triggers' highest %q: %w", t.Severity, want, ErrBadInput)
	}
	return nil
}

// compareTriggers orders triggers as sortTriggers does.
func compareTriggers(a, b *Trigger) int {
	if c := strings.Compare(a.Rule, b.Rule); c != 0 {
		return c
	}
	if c := strings.Compare(a.Raised, b.Raised); c != 0 {
		return c
	}
	return strings.Compare(a.Severity, b.Severity)
}

// checkTrigger checks a trigger's rule, severity and times against the
// manifest's selection.
func checkTrigger(m *protocol.Manifest, tr *Trigger) error {
	r, err := alert.ParseRule(tr.Rule)
	if err != nil {
		return fmt.Errorf("trigger rule: %w: %w", err, ErrBadInput)
	}
	if !m.Targeted.HasRule(r) {
		return fmt.Errorf("trigger rule %s: not among the manifest's targeted rules %q: %w", tr.Rule, m.Targeted.Rules, ErrBadInput)
	}
	sev, err := alert.ParseSeverity(tr.Severity)
	if err != nil {
		return fmt.Errorf("trigger of rule %s: %w: %w", tr.Rule, err, ErrBadInput)
	}
	if minSev, _ := alert.ParseSeverity(m.Targeted.MinSeverity); sev < minSev {
		return fmt.Errorf("trigger of rule %s: severity %s below the manifest's %s: %w", tr.Rule, tr.Severity, m.Targeted.MinSeverity, ErrBadInput)
	}
	times := []string{tr.Raised, tr.From, tr.To}
	for _, e := range tr.Evidence {
		times = append(times, e.First, e.Last)
	}
	for _, s := range times {
		if _, err := protocol.ParseTime(s); err != nil {
			return fmt.Errorf("trigger of rule %s: %w: %w", tr.Rule, err, ErrBadInput)
		}
	}
	if tr.Raised <= m.Targeted.Since || tr.Raised >= m.AsOf {
		return fmt.Errorf("trigger of rule %s raised %s: not after the manifest's since %s and before its as-of %s: %w",
			tr.Rule, tr.Raised, m.Targeted.Since, m.AsOf, ErrBadInput)
	}
	if tr.Count < 0 || len(tr.Evidence) == 0 {
		return fmt.Errorf("trigger of rule %s: count %d, %d evidence: %w", tr.Rule, tr.Count, len(tr.Evidence), ErrBadInput)
	}
	return nil
}

// maxSeverity returns the name of the highest severity of checked
// triggers.
func maxSeverity(tr []Trigger) string {
	var m alert.Severity
	for _, t := range tr {
		s, _ := alert.ParseSeverity(t.Severity)
		m = max(m, s)
	}
	return m.String()
}

// newTargeted returns the targeted disclosure of the manifest's round
// with its header filled in and no tasks.
func newTargeted(m *protocol.Manifest, h string, seed sampling.Seed, random *Disclosure) *TargetedDisclosure {
	return &TargetedDisclosure{
		Format: TargetedFormatVersion, Library: LibraryVersion, Algorithm: m.Targeted.Algorithm,
		Manifest: h, ManifestSeq: random.ManifestSeq, Seed: seed.String(),
		RandomDrawID: random.DrawID, DrawID: TargetedDrawID(uuid.MustParse(random.DrawID)).String(),
		Period: m.Period.ID, Round: random.Round, WithinDays: m.Targeted.WithinDays,
		Tasks: []TargetedTask{},
	}
}

// taskOf returns target t's task, undated and unstaffed.
func taskOf(tid uuid.UUID, t *Target) TargetedTask {
	return TargetedTask{
		ID: TaskID(tid, t.Unit).String(), Unit: t.Unit, Reason: t.Reason, Severity: t.Severity,
		Method: t.Method, Focus: slices.Clone(t.Focus), Triggers: t.Triggers,
	}
}

// mergedTask is the targeted task of target t, drawn at random as task
// rt: the random visit, its date and teams (overlap rule).
func mergedTask(tid uuid.UUID, t *Target, rt *Task) TargetedTask {
	task := taskOf(tid, t)
	task.RandomTask, task.Date, task.ResultsDue = rt.ID, rt.Date, rt.ResultsDue
	task.Teams = make([]Team, len(rt.Teams))
	for i, tm := range rt.Teams {
		task.Teams[i] = Team{Department: tm.Department, Inspectors: slices.Clone(tm.Inspectors)}
	}
	return task
}

// staffedVisit is a dated visit and its teams.
type staffedVisit struct {
	visit Visit
	teams []Team
}

// staffTargets orders, dates and staffs the visits to the frame units
// own (steps 3–5 of PlanTargeted).
func staffTargets(cfg *Config, frame *Frame, pool *Pool, round int, m *protocol.Manifest, seed sampling.Seed, random *Disclosure, own []int32) ([]staffedVisit, error) {
	if len(own) == 0 {
		return nil, nil
	}
	r := cfg.Rounds[round]
	ds, _ := cfg.Calendar.compile()
	workdays := ds.workingDays(r)
	if len(workdays) == 0 {
		return nil, fmt.Errorf("schedule: targeted: %s has no working day for its %d targeted tasks: %w", r, len(own), ErrCapacity)
	}
	window := workdays[:min(len(workdays), m.Targeted.WithinDays)]
	tseed := TargetedSeed(seed)
	slices.Sort(own)
	visits := visitsInOrder(frame, own, tseed, OrderStream(m.Period.ID, round+1))
	assignDates(pool, window, visits)
	teams, err := assignTargeted(cfg.Staffing, pool, tseed, m.Period.ID, round+1, visits, random.Tasks, workdays)
	if err != nil {
		return nil, err
	}
	out := make([]staffedVisit, len(visits))
	for i := range visits {
		out[i] = staffedVisit{visit: visits[i], teams: teams[i]}
	}
	return out, nil
}

// assignTargeted staffs the targeted visits with the random tasks'
// inspectors busy (assignAfter) and, by the random draw's leave rule
// (LeaveAlgorithm), re-dates a visit left short to the nearest working
// day of the round (the later on a tie) on which enough of its eligible
// inspectors are off leave, then staffs every visit again, until all are
// staffed or a short visit has no day left (an error wrapping
// ErrInfeasible that names the visits and why).
func assignTargeted(s Staffing, pool *Pool, seed sampling.Seed, periodID string, round int, visits []Visit, busy []Task, workdays []Day) ([][]Team, error) {
	var problems []string
	staff := func() (teams [][]Team, short []int, err error) {
		teams, short, problems, err = assignAfter(s, pool, seed, periodID, round, visits, busy)
		return teams, short, err
	}
	return redate(s, pool, round, visits, workdays, staff, func() []string { return problems })
}

// assignAfter is Staffing.Assign with the inspectors of the tasks busy
// already: each of their visits counts against DailyCap on its date and
// against MaxPerRound, and is never moved. It returns the teams, the
// visits left short (sorted) and why.
func assignAfter(s Staffing, pool *Pool, seed sampling.Seed, periodID string, round int, visits []Visit, busy []Task) ([][]Team, []int, []string, error) {
	depts := s.departments()
	out := make([][]Team, len(visits))
	for v := range out {
		out[v] = make([]Team, len(depts))
	}
	var problems []string
	shortSet := map[int]bool{}
	for di, dept := range depts {
		a := newAssigner(s, pool, seed, periodID, round, dept, visits)
		if err := a.preload(busy); err != nil {
			return nil, nil, nil, err
		}
		a.greedy()
		a.augment()
		problems = append(problems, a.problems()...)
		for v := range visits {
			if len(a.team[v]) < a.size {
				shortSet[v] = true
			}
			t := Team{Department: dept, Inspectors: make([]string, len(a.team[v]))}
			for j, i := range a.team[v] {
				t.Inspectors[j] = pool.insp[i].ID
			}
			out[v][di] = t
		}
	}
	short := make([]int, 0, len(shortSet))
	for v := range shortSet {
		short = append(short, v)
	}
	slices.Sort(short)
	return out, short, problems, nil
}

// preload counts the visits of the tasks' inspectors of the assigner's
// department in its day and round loads.
func (a *assigner) preload(tasks []Task) error {
	for i := range tasks {
		t := &tasks[i]
		for _, tm := range t.Teams {
			if tm.Department != a.dept {
				continue
			}
			for _, id := range tm.Inspectors {
				k, ok := a.pool.index[id]
				if !ok {
					return fmt.Errorf("schedule: targeted: random task %s (unit %q): inspector %q not in the pool: %w", t.ID, t.Unit, id, ErrBadInput)
				}
				a.dayLd[dayKey{k, t.Date}]++
				a.roundLd[k]++
			}
		}
	}
	return nil
}
