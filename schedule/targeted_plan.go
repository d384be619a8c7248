//go:build firedraw_targeted_port

package schedule

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/firedraw/firedraw/risk"
	"github.com/firedraw/firedraw/risk/alert"
	"github.com/firedraw/firedraw/sampling"
	"github.com/firedraw/firedraw/schedule/content"
	"github.com/google/uuid"
)

// PlanTargeted plans the targeted tasks of round `round` (an index into
// cfg.Rounds): one inspection per target, outside the random draw,
// staffed by the same team rules as the random tasks, and returns their
// disclosure. Every step is a function of (cfg, frame, pool, in) only:
//
//  1. Checks: the configuration, the round, in.Seed against
//     in.Random's commitment, the frame and pool against in.Random's
//     digests, the staffing, and every target (a unit of
//     the frame, listed once, a reason other than random, not remote, at
//     least one trigger with a known rule and severity).
//  2. Overlap rule — one visit: a target the random disclosure drew
//     (a task of in.Random) is not visited twice. Its targeted task
//     names the random task (RandomTask) and takes its date and teams;
//     its focus is the target's focus followed by the random task's
//     other items, and its triggers are disclosed. The outcome is
//     recorded once, as the random task's (reason random), so the random
//     sample and its estimates are unchanged.
//  3. Every other target gets a visit of its own. Visit order: ascending
//     PRN of stream "order/<round>" under TargetedSeed (ties by ID).
//  4. Dates: within each district, visits spread over the round's first
//     in.Within working days in proportion to the district's inspectors
//     available each day (the random draw's rule, on fewer days).
//  5. Teams: Staffing.Assign's random greedy then augmenting paths, under
//     TargetedSeed, with every inspector's visits in in.Random's tasks
//     counted against DailyCap and MaxPerRound; eligibility (category,
//     district), conflicts, the last lead rule and leave as for random
//     teams. An unstaffable target is an error wrapping ErrInfeasible.
//  6. Task IDs TaskID(TargetedDrawID(random draw ID), unit), results due
//     Config.ResultsDue working days after the visit.
//
// PlanTargeted returns a complete disclosure or an error, never a
// partial plan. With no targets the disclosure has no tasks.
func PlanTargeted(cfg *Config, frame *Frame, pool *Pool, round int, in *TargetedInput) (*TargetedDisclosure, error) {
	if err := checkTargeted(cfg, frame, pool, round, in); err != nil {
		return nil, err
	}
	targets, err := normTargets(frame, in.Targets)
	if err != nil {
		return nil, err
	}
	drawn := make(map[string]*Task, len(in.Random.Tasks))
	for i := range in.Random.Tasks {
		drawn[in.Random.Tasks[i].Unit] = &in.Random.Tasks[i]
	}
	td := newTargeted(cfg, round, in)
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
	visits, err := staffTargets(cfg, frame, pool, round, in, own)
	if err != nil {
		return nil, err
	}
	ds, _ := cfg.Calendar.compile()
	for _, v := range visits {
		t := ownTarget[v.visit.UnitID]
		td.Tasks = append(td.Tasks, TargetedTask{
			ID: TaskID(tid, t.Unit).String(), Unit: t.Unit, RandomTask: "", Reason: t.Reason.String(),
			Severity: maxSeverity(t.Triggers), Date: v.visit.Date, ResultsDue: ds.addWorkingDays(v.visit.Date, cfg.resultsDue()),
			Teams: v.teams, Method: t.Method.String(), Focus: slices.Clone(t.Focus), Triggers: t.Triggers,
		})
	}
	slices.SortFunc(td.Tasks, func(a, b TargetedTask) int { return cmp.Compare(a.Unit, b.Unit) })
	return td, nil
}

// checkTargeted is step 1 of PlanTargeted but for the targets.
func checkTargeted(cfg *Config, frame *Frame, pool *Pool, round int, in *TargetedInput) error {
	if err := cfg.check(); err != nil {
		return err
	}
	if round < 0 || round >= len(cfg.Rounds) {
		return fmt.Errorf("schedule: targeted: round %d outside the period's %d rounds: %w", round, len(cfg.Rounds), ErrBadRound)
	}
	if in == nil || in.Random == nil {
		return fmt.Errorf("schedule: targeted tasks of round %d need the round's random disclosure: %w", round, ErrBadInput)
	}
	r := in.Random
	if r.Round.Index != round {
		return fmt.Errorf("schedule: targeted: random disclosure of round %d given for round %d: %w", r.Round.Index, round, ErrBadInput)
	}
	if err := r.Commitment.Check(in.Seed); err != nil {
		return fmt.Errorf("schedule: targeted: %s: %w", cfg.Rounds[round], err)
	}
	if r.Seed != "" && r.Seed != in.Seed.String() {
		return fmt.Errorf("schedule: targeted: seed %s differs from the random disclosure's %s: %w", in.Seed, r.Seed, ErrCommitment)
	}
	if r.DrawID != r.Commitment.DrawID(round).String() {
		return fmt.Errorf("schedule: targeted: random disclosure's draw ID %s is not its commitment's: %w", r.DrawID, ErrBadInput)
	}
	if in.Within < 0 {
		return fmt.Errorf("schedule: targeted: Within %d is negative: %w", in.Within, ErrBadInput)
	}
	if in.MinSeverity > alert.Critical {
		return fmt.Errorf("schedule: targeted: minimum severity %v: %w", in.MinSeverity, ErrBadInput)
	}
	if frame.Len() == 0 {
		return fmt.Errorf("schedule: targeted: empty directory: %w", ErrBadInput)
	}
	if frame.Hash() != r.Directory.SHA256 || frame.HistoryHash() != r.History.SHA256 || pool.Hash() != r.Pool.SHA256 {
		return fmt.Errorf("schedule: targeted: the frame or pool is not the one the random disclosure of round %d was planned on: %w", round, ErrBadInput)
	}
	return cfg.Staffing.check(pool)
}

// normTargets checks the targets and returns copies sorted by unit, each
// with its triggers sorted.
func normTargets(frame *Frame, in []Target) ([]Target, error) {
	out := make([]Target, len(in))
	for i := range in {
		t := in[i]
		who := fmt.Sprintf("schedule: target %q", t.Unit)
		if _, ok := frame.index[t.Unit]; !ok {
			return nil, fmt.Errorf("%s: not in the directory: %w", who, ErrBadInput)
		}
		if t.Reason != risk.IncidentFollowUp && t.Reason != risk.OtherReason {
			return nil, fmt.Errorf("%s: reason %v: want %v or %v: %w", who, t.Reason, risk.IncidentFollowUp, risk.OtherReason, ErrBadInput)
		}
		if _, err := content.ParseMethod(t.Method.String()); err != nil || t.Method == content.Remote {
			return nil, fmt.Errorf("%s: method %v: a targeted inspection is a visit, not remote: %w", who, t.Method, ErrBadInput)
		}
		if len(t.Triggers) == 0 {
			return nil, fmt.Errorf("%s: no trigger: %w", who, ErrBadInput)
		}
		for _, tr := range t.Triggers {
			if err := checkTrigger(&tr); err != nil {
				return nil, fmt.Errorf("%s: %w", who, err)
			}
		}
		t.Focus = slices.Clone(t.Focus)
		if t.Focus == nil {
			t.Focus = []string{}
		}
		t.Triggers = cloneTriggers(t.Triggers)
		sortTriggers(t.Triggers)
		out[i] = t
	}
	slices.SortFunc(out, func(a, b Target) int { return cmp.Compare(a.Unit, b.Unit) })
	for i := 1; i < len(out); i++ {
		if out[i].Unit == out[i-1].Unit {
			return nil, fmt.Errorf("schedule: target %q listed twice: %w", out[i].Unit, ErrBadInput)
		}
	}
	return out, nil
}

// checkTrigger checks a trigger's rule, severity and times.
func checkTrigger(tr *Trigger) error {
	if _, err := alert.ParseRule(tr.Rule); err != nil {
		return fmt.Errorf("trigger rule: %w: %w", err, ErrBadInput)
	}
	if _, err := alert.ParseSeverity(tr.Severity); err != nil {
		return fmt.Errorf("trigger of rule %s: %w: %w", tr.Rule, err, ErrBadInput)
	}
	times := []string{tr.Raised, tr.From, tr.To}
	for _, e := range tr.Evidence {
		times = append(times, e.First, e.Last)
	}
	for _, s := range times {
		if !validTime(s) {
			return fmt.Errorf("trigger of rule %s: time %q: want UTC %s: %w", tr.Rule, s, TimeLayout, ErrBadInput)
		}
	}
	if tr.Count < 0 {
		return fmt.Errorf("trigger of rule %s: count %d is negative: %w", tr.Rule, tr.Count, ErrBadInput)
	}
	return nil
}

func cloneTriggers(tr []Trigger) []Trigger {
	out := slices.Clone(tr)
	for i := range out {
		out[i].Evidence = slices.Clone(out[i].Evidence)
		if out[i].Evidence == nil {
			out[i].Evidence = []TriggerEvidence{}
		}
	}
	return out
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

// newTargeted returns the targeted disclosure of round with its header
// filled in and no tasks.
func newTargeted(cfg *Config, round int, in *TargetedInput) *TargetedDisclosure {
	r := in.Random
	since := ""
	if !in.Since.IsZero() {
		since = fmtTime(in.Since)
	}
	minSev := ""
	if in.MinSeverity != 0 {
		minSev = in.MinSeverity.String()
	}
	st := r.Staffing
	st.Departments = slices.Clone(st.Departments)
	if st.Departments == nil {
		st.Departments = []string{}
	}
	return &TargetedDisclosure{
		Format: TargetedFormatVersion, Library: LibraryVersion, Algorithm: TargetedAlgorithm,
		DrawID: TargetedDrawID(uuid.MustParse(r.DrawID)).String(), RandomDrawID: r.DrawID, Seed: r.Seed,
		Period:      PeriodInfo{Start: DayOf(cfg.Rounds[0].Start), Rounds: len(cfg.Rounds), Length: cfg.Length.String()},
		Round:       RoundInfo{Index: round, First: DayOf(cfg.Rounds[round].Start), Last: DayOf(cfg.Rounds[round].End) - 1},
		MinSeverity: minSev, Since: since, WithinDays: in.within(),
		Staffing: st, Directory: r.Directory, History: r.History, Pool: r.Pool,
		Tasks: []TargetedTask{},
	}
}

// mergedTask is the targeted task of target t, drawn at random as task
// rt: the random visit with the targeted focus added (overlap rule).
func mergedTask(tid uuid.UUID, t *Target, rt *Task) TargetedTask {
	focus := slices.Clone(t.Focus)
	for _, f := range rt.Focus {
		if !slices.Contains(focus, f) {
			focus = append(focus, f)
		}
	}
	teams := make([]Team, len(rt.Teams))
	for i, tm := range rt.Teams {
		teams[i] = Team{Department: tm.Department, Inspectors: slices.Clone(tm.Inspectors)}
	}
	return TargetedTask{
		ID: TaskID(tid, t.Unit).String(), Unit: t.Unit, RandomTask: rt.ID, Reason: risk.RandomDraw.String(),
		Severity: maxSeverity(t.Triggers), Date: rt.Date, ResultsDue: rt.ResultsDue, Teams: teams,
		Method: t.Method.String(), Focus: focus, Triggers: t.Triggers,
	}
}

// staffedVisit is a dated visit and its teams.
type staffedVisit struct {
	visit Visit
	teams []Team
}

// staffTargets orders, dates and staffs the visits to the frame units
// own (steps 3–5 of PlanTargeted).
func staffTargets(cfg *Config, frame *Frame, pool *Pool, round int, in *TargetedInput, own []int32) ([]staffedVisit, error) {
	if len(own) == 0 {
		return nil, nil
	}
	r := cfg.Rounds[round]
	ds, _ := cfg.Calendar.compile()
	workdays := ds.workingDays(r)
	if len(workdays) == 0 {
		return nil, fmt.Errorf("schedule: targeted: %s has no working day for its %d targeted tasks: %w", r, len(own), ErrCapacity)
	}
	workdays = workdays[:min(len(workdays), in.within())]
	seed := TargetedSeed(in.Seed, DayOf(cfg.Rounds[0].Start), round)
	slices.Sort(own)
	visits := visitsInOrder(frame, own, seed, round)
	assignDates(pool, workdays, visits)
	teams, err := assignAfter(cfg.Staffing, pool, seed, round, visits, in.Random.Tasks)
	if err != nil {
		return nil, err
	}
	out := make([]staffedVisit, len(visits))
	for i := range visits {
		out[i] = staffedVisit{visit: visits[i], teams: teams[i]}
	}
	return out, nil
}

// assignAfter is Staffing.Assign with the inspectors of the tasks busy
// already: each of their visits counts against DailyCap on its date and
// against MaxPerRound, and is never moved.
func assignAfter(s Staffing, pool *Pool, seed sampling.Seed, round int, visits []Visit, busy []Task) ([][]Team, error) {
	depts := s.departments()
	out := make([][]Team, len(visits))
	for v := range out {
		out[v] = make([]Team, len(depts))
	}
	var problems []string
	for di, dept := range depts {
		a := newAssigner(s, pool, seed, round, dept, visits)
		if err := a.preload(busy); err != nil {
			return nil, err
		}
		a.greedy()
		a.augment()
		problems = append(problems, a.problems()...)
		for v := range visits {
			t := Team{Department: dept, Inspectors: make([]string, len(a.team[v]))}
			for j, i := range a.team[v] {
				t.Inspectors[j] = pool.insp[i].ID
			}
			out[v][di] = t
		}
	}
	if len(problems) > 0 {
		return nil, &InfeasibleError{Round: round, Problems: problems}
	}
	return out, nil
}

// preload counts the visits of the tasks' inspectors in the assigner's
// day and round loads.
func (a *assigner) preload(tasks []Task) error {
	for i := range tasks {
		t := &tasks[i]
		for _, tm := range t.Teams {
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
