package schedule

import (
	"fmt"
	"math"

	"github.com/firedraw/firedraw/risk"
	"github.com/firedraw/firedraw/schedule/protocol"
)

// CheckStaffing reports, from the manifest's inputs alone, whether round
// m can be drawn and staffed whatever the seed: every unit that could be
// drawn (π > 0) must have a team of TeamSize in every department on at
// least one working day of the round (qualified for its category,
// covering its district, no declared conflict, off leave; its last lead
// only when needed, see Pool.eligible), and the pool must be able to make the
// most visits the draw can give (each stratum draws at most ⌈Σπ⌉ units).
// PlanRound runs the same checks before it staffs anything, so a draw
// never fails because of which units the seed picked: an operator who
// could make one unit unstaffable (say, by declaring conflicts for all but
// one of its inspectors) would otherwise have the draws that pick it fail
// and be drawn again. Run it before logging a manifest; the error wraps
// ErrInfeasible or ErrCapacity and names every unit and why.
func CheckStaffing(m *protocol.Manifest, frame *Frame, pool *Pool) error {
	cfg, round, err := ConfigOf(m)
	if err != nil {
		return err
	}
	if err := checkInputs(m, frame, pool); err != nil {
		return err
	}
	if err := cfg.Staffing.check(pool); err != nil {
		return err
	}
	// ConfigOf gives independent rounds only (rotation is not drawn under
	// a manifest); their π does not depend on the seed.
	pi, err := independentProbabilities(cfg, frame, round, frame.strataOf())
	if err != nil {
		return fmt.Errorf("schedule: %s: %w", cfg.Rounds[round], err)
	}
	applyContinuity(cfg, frame, pi)
	return checkStaffable(cfg, frame, pool, round, pi)
}

// checkStaffable is CheckStaffing's checks on π: the round's capacity for
// the most tasks the draw can give, then every unit with π > 0.
func checkStaffable(cfg *Config, frame *Frame, pool *Pool, round int, pi []float64) error {
	r := cfg.Rounds[round]
	if err := checkCapacity(cfg, pool, r, maxTasks(frame, pi), "at most "); err != nil {
		return err
	}
	ds, _ := cfg.Calendar.compile()
	sc := staffCheck{s: cfg.Staffing, pool: pool, workdays: ds.workingDays(r), memo: map[staffKey]staffFit{}}
	sc.leave = pool.anyLeave(sc.workdays)
	var problems []string
	st := frame.strataOf()
	for _, members := range st.members {
		// A stratum is one district: its units differ in category only.
		var byCat [256]int8 // per category: 0 unknown, 1 staffable without a closer look, -1 not
		for _, k := range members {
			u := &frame.units[k]
			if pi[k] <= 0 || sc.quick(u, &byCat) {
				continue
			}
			if p := sc.unit(u); p != "" {
				problems = append(problems, p)
			}
		}
	}
	if len(problems) > maxDiffs {
		problems = append(problems[:maxDiffs], fmt.Sprintf("… and %d more unit(s)", len(problems)-maxDiffs))
	}
	if len(problems) > 0 {
		return &InfeasibleError{Round: round + 1, Problems: problems}
	}
	return nil
}

// quick reports whether u can be staffed by its district and category
// alone: it declares no conflict, and every department has a team on
// some working day even without u's last lead (who yields when needed,
// so they never make a team impossible that is possible without them).
// byCat remembers the answer per category within u's district.
func (c *staffCheck) quick(u *FrameUnit, byCat *[256]int8) bool {
	if len(c.pool.conflicts) > 0 && len(c.pool.conflicts[u.ID]) > 0 {
		return false
	}
	if v := byCat[u.Category]; v != 0 {
		return v > 0
	}
	ok := true
	for _, dept := range c.s.departments() {
		c.buf = c.buf[:0]
		for _, i := range c.pool.qualified[poolKey{u.District, u.Category}] {
			if dept == "" || c.pool.insp[i].Department == dept {
				c.buf = append(c.buf, i)
			}
		}
		ok = ok && c.mostOff(c.buf)-1 >= c.s.teamSize()
	}
	byCat[u.Category] = -1
	if ok {
		byCat[u.Category] = 1
	}
	return ok
}

// mostOff returns the most of cand off leave on one working day of the
// round (0 if it has none).
func (c *staffCheck) mostOff(cand []int32) int {
	if len(c.workdays) == 0 {
		return 0
	}
	if !c.leave {
		return len(cand)
	}
	best := 0
	for _, d := range c.workdays {
		n := 0
		for _, i := range cand {
			if !c.pool.onLeave(i, d) {
				n++
			}
		}
		if best = max(best, n); best == len(cand) {
			break
		}
	}
	return best
}

// maxTasks bounds the units the draw can pick: the systematic draw
// within a stratum picks ⌊Σπ⌋ or ⌈Σπ⌉ of its units.
func maxTasks(frame *Frame, pi []float64) int {
	n := 0
	for _, members := range frame.strataOf().members {
		s := 0.0
		for _, k := range members {
			s += pi[k]
		}
		n += int(math.Ceil(s - 1e-9))
	}
	return n
}

// staffCheck checks units one by one, remembering the answer for units
// without declared conflicts, which share it by (district, category,
// department, last lead).
type staffCheck struct {
	s        Staffing
	pool     *Pool
	workdays []Day
	leave    bool // some inspector has leave on a working day of the round
	memo     map[staffKey]staffFit
	buf      []int32
}

type staffKey struct {
	district, dept, lead string
	cat                  risk.Category
}

// staffFit is what one unit's candidates allow: how many are eligible,
// and the most of them off leave on one working day.
type staffFit struct{ eligible, bestDay int }

// unit returns why u cannot be staffed in some department, or "".
func (c *staffCheck) unit(u *FrameUnit) string {
	for _, dept := range c.s.departments() {
		var fit staffFit
		if len(c.pool.conflicts[u.ID]) > 0 {
			fit = c.fit(u, dept)
		} else {
			key := staffKey{district: u.District, dept: dept, lead: u.LastLead, cat: u.Category}
			var ok bool
			if fit, ok = c.memo[key]; !ok {
				fit = c.fit(u, dept)
				c.memo[key] = fit
			}
		}
		size := c.s.teamSize()
		if fit.eligible >= size && fit.bestDay >= size {
			continue
		}
		who := "inspectors"
		if dept != "" {
			who = fmt.Sprintf("inspectors of department %q", dept)
		}
		if fit.eligible < size {
			return fmt.Sprintf("unit %q (district %s, category %s): %d eligible %s (qualified, covering the district, no declared conflict), fewer than the team size %d",
				u.ID, u.District, u.Category, fit.eligible, who, size)
		}
		return fmt.Sprintf("unit %q (district %s, category %s): of its %d eligible %s at most %d are off leave on any working day of the round, fewer than the team size %d",
			u.ID, u.District, u.Category, fit.eligible, who, fit.bestDay, size)
	}
	return ""
}

// fit counts u's eligible inspectors in dept and the most of them off
// leave on one working day.
func (c *staffCheck) fit(u *FrameUnit, dept string) staffFit {
	cand, _ := c.pool.eligible(nil, u.ID, u.District, u.Category, u.LastLead, dept, c.s.teamSize())
	return staffFit{eligible: len(cand), bestDay: c.mostOff(cand)}
}

// anyLeave reports whether some inspector is on leave on one of days.
func (p *Pool) anyLeave(days []Day) bool {
	for i := range p.insp {
		for _, d := range days {
			if p.onLeave(int32(i), d) {
				return true
			}
		}
	}
	return false
}
