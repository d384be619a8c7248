package schedule

import (
	"sort"

	"github.com/firedraw/firedraw/sampling"
)

// LeaveAlgorithm names the rule that re-dates a visit its team cannot be
// formed for on its date (inspectors on leave, or at their caps), part of
// the committed algorithm: see assignWithLeave.
const LeaveAlgorithm = "redate-nearest/v1"

// assignWithLeave staffs the visits (Staffing.Assign) and, when some
// visit cannot be staffed on its date although it has enough eligible
// inspectors (the only other causes being leave and caps), re-dates it
// within the round instead of failing the draw. The rule (LeaveAlgorithm):
//
//  1. Staff every visit as Assign does; a visit left short with at least
//     TeamSize eligible inspectors (in every department) is movable.
//  2. Each movable visit moves to the nearest working day of the round
//     not tried for it yet on which at least TeamSize of its eligible
//     inspectors (in each department) are not on leave — nearest in
//     days from its first date, the later day first on a tie.
//  3. Staff again from scratch with the new dates (the team draws keep
//     their PRN order: TeamStream does not depend on the date), and
//     repeat until every visit is staffed or a short visit has no day
//     left; then the error is Assign's, naming the visits and why.
//
// Team members are re-staffed by the same draw: on any date a team is
// the first free eligible inspectors in the visit's random order, so an
// inspector on leave is passed over. A draw that Assign staffs at once
// is unchanged, so disclosures made before this rule still verify.
// Everything is a function of the visits, the pool and the seed.
func assignWithLeave(s Staffing, pool *Pool, seed sampling.Seed, periodID string, round int, visits []Visit, workdays []Day) ([][]Team, error) {
	staff := func() ([][]Team, []int, error) { return s.assignShort(pool, seed, periodID, round, visits) }
	problems := func() []string { return shortProblems(s, pool, seed, periodID, round, visits) }
	return redate(s, pool, round, visits, workdays, staff, problems)
}

// redate is the loop of the leave rule (LeaveAlgorithm): staff the
// visits; move each visit left short to its nearest working day not tried
// for it yet (nextDay); staff every visit again; until all are staffed
// (the teams) or no short visit has a day left (an InfeasibleError with
// problems' lines). staff returns the teams and the visits left short.
func redate(s Staffing, pool *Pool, round int, visits []Visit, workdays []Day, staff func() ([][]Team, []int, error), problems func() []string) ([][]Team, error) {
	teams, short, err := staff()
	if err != nil || len(short) == 0 {
		return teams, err
	}
	orig := make(map[int]Day, len(short))
	tried := make(map[int]map[Day]bool, len(short))
	for {
		moved := false
		for _, v := range short {
			if _, ok := orig[v]; !ok {
				orig[v] = visits[v].Date
				tried[v] = map[Day]bool{visits[v].Date: true}
			}
			if d, ok := nextDay(s, pool, &visits[v], orig[v], tried[v], workdays); ok {
				tried[v][d] = true
				visits[v].Date = d
				moved = true
			}
		}
		if !moved {
			return nil, &InfeasibleError{Round: round, Problems: problems()}
		}
		if teams, short, err = staff(); err != nil || len(short) == 0 {
			return teams, err
		}
	}
}

// nextDay returns the nearest untried working day (later first on a
// tie) on which the visit has TeamSize eligible inspectors off leave in
// every department; false if none is left or the visit lacks eligible
// inspectors altogether (no date can help).
func nextDay(s Staffing, pool *Pool, v *Visit, from Day, tried map[Day]bool, workdays []Day) (Day, bool) {
	cands := make([][]int32, 0, len(s.departments()))
	for _, dept := range s.departments() {
		c, _ := pool.eligible(nil, v.UnitID, v.District, v.Category, v.LastLead, dept, s.teamSize())
		if len(c) < s.teamSize() {
			return 0, false
		}
		cands = append(cands, c)
	}
	order := append([]Day(nil), workdays...)
	sort.SliceStable(order, func(a, b int) bool {
		da, db := dist(order[a], from), dist(order[b], from)
		if da != db {
			return da < db
		}
		return order[a] > order[b]
	})
	for _, d := range order {
		if tried[d] {
			continue
		}
		ok := true
		for _, c := range cands {
			free := 0
			for _, i := range c {
				if !pool.onLeave(i, d) {
					free++
				}
			}
			ok = ok && free >= s.teamSize()
		}
		if ok {
			return d, true
		}
	}
	return 0, false
}

func dist(a, b Day) Day {
	if a > b {
		return a - b
	}
	return b - a
}

// assignShort is Assign returning, instead of an error for short
// visits, the indices of the visits left short (sorted).
func (s Staffing) assignShort(pool *Pool, seed sampling.Seed, periodID string, round int, visits []Visit) ([][]Team, []int, error) {
	if err := s.check(pool); err != nil {
		return nil, nil, err
	}
	depts := s.departments()
	out := make([][]Team, len(visits))
	for v := range out {
		out[v] = make([]Team, len(depts))
	}
	shortSet := map[int]bool{}
	for di, dept := range depts {
		a := newAssigner(s, pool, seed, periodID, round, dept, visits)
		a.greedy()
		a.augment()
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
	sort.Ints(short)
	return out, short, nil
}

// shortProblems describes the visits that cannot be staffed on their
// current dates, as Assign does.
func shortProblems(s Staffing, pool *Pool, seed sampling.Seed, periodID string, round int, visits []Visit) []string {
	var problems []string
	for _, dept := range s.departments() {
		a := newAssigner(s, pool, seed, periodID, round, dept, visits)
		a.greedy()
		a.augment()
		problems = append(problems, a.problems()...)
	}
	return problems
}
