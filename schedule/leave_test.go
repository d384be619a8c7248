package schedule

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/firedraw/firedraw/risk"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// leaveCity has one school in district "east" and many street shops;
// only I000, I001 and I002 inspect schools, and I000 and I001 are on
// leave on every January day but the 12th and 30th.
func leaveCity(t *testing.T) (*Frame, *Pool, []time.Time) {
	t.Helper()
	var units []risk.Unit
	var levels []risk.Level
	var annual []float64
	units = append(units, risk.Unit{ID: "SCHOOL", District: "east", Category: risk.School})
	levels, annual = append(levels, risk.High), append(annual, 12)
	for k := range 40 {
		units = append(units, risk.Unit{ID: fmt.Sprintf("S%03d", k), District: "east", Category: risk.StreetShop})
		levels, annual = append(levels, risk.Low), append(annual, 0.5)
	}
	var leave []time.Time
	for d := date(2026, 1, 1); d.Month() == time.January; d = d.AddDate(0, 0, 1) {
		if d.Day() != 12 && d.Day() != 30 {
			leave = append(leave, d)
		}
	}
	var insp []risk.Inspector
	for i := range 3 {
		in := risk.Inspector{ID: fmt.Sprintf("I%03d", i), Districts: []string{"east"}, Categories: []risk.Category{risk.School}}
		if i < 2 {
			in.Leave = leave
		}
		insp = append(insp, in)
	}
	for i := 3; i < 12; i++ {
		insp = append(insp, risk.Inspector{ID: fmt.Sprintf("I%03d", i), Districts: []string{"east"}, Categories: []risk.Category{risk.StreetShop}})
	}
	f, err := NewFrame(units, levels, annual, nil)
	require.NoError(t, err)
	p, err := NewPool(insp)
	require.NoError(t, err)
	return f, p, leave
}

func TestLeaveRedatesInsteadOfFailing(t *testing.T) {
	f, p, leave := leaveCity(t)
	cfg := testConfig(t)
	seed := testSeed(3)
	ds, _ := cfg.Calendar.compile()
	workdays := ds.workingDays(cfg.Rounds[0])

	// The visit's first date meets the leave: Assign alone fails.
	v := []Visit{{UnitID: "SCHOOL", District: "east", Category: risk.School, Date: DayOf(date(2026, 1, 14))}}
	_, err := cfg.Staffing.Assign(p, seed, "2026", 1, v)
	require.ErrorIs(t, err, ErrInfeasible)
	assert.Contains(t, err.Error(), "not on leave on 2026-01-14")

	// The rule moves it to the nearest day with two free school inspectors.
	teams, err := assignWithLeave(cfg.Staffing, p, seed, "2026", 1, v, workdays)
	require.NoError(t, err)
	assert.Equal(t, "2026-01-12", v[0].Date.String(), "nearest working day off leave")
	assert.Len(t, teams[0][0].Inspectors, 2)
	assert.Subset(t, []string{"I000", "I001", "I002"}, teams[0][0].Inspectors)

	// Through PlanRound: the draw succeeds, the school is dated off leave,
	// and the disclosure verifies.
	td := mustDraw(t, cfg, f, p, 0, seed)
	d := td.d
	var school *Task
	for i := range d.Tasks {
		if d.Tasks[i].Unit == "SCHOOL" {
			school = &d.Tasks[i]
		}
	}
	require.NotNil(t, school, "π = 1: the school is drawn")
	assert.NotContains(t, leaveSet(leave), school.Date, "dated on a day its inspectors are free")
	checkDisclosure(t, cfg, f, p, d)
	diffs, err := verifyDiffs(td, f, p)
	require.NoError(t, err, "%v", diffs)
}

func TestLeaveTieGoesLater(t *testing.T) {
	_, p, _ := leaveCity(t)
	cfg := testConfig(t)
	ds, _ := cfg.Calendar.compile()
	workdays := ds.workingDays(cfg.Rounds[0])
	// From 2026-01-21 the 12th and the 30th are 9 days away: the later wins.
	v := []Visit{{UnitID: "SCHOOL", District: "east", Category: risk.School, Date: DayOf(date(2026, 1, 21))}}
	_, err := assignWithLeave(cfg.Staffing, p, testSeed(3), "2026", 1, v, workdays)
	require.NoError(t, err)
	assert.Equal(t, "2026-01-30", v[0].Date.String())
}

func TestLeaveNoDayLeft(t *testing.T) {
	_, p, _ := leaveCity(t)
	cfg := testConfig(t)
	cfg.Staffing.TeamSize = 3 // all three school inspectors are free on the 12th and the 30th only
	ds, _ := cfg.Calendar.compile()
	workdays := ds.workingDays(cfg.Rounds[0])
	v := []Visit{{UnitID: "SCHOOL", District: "east", Category: risk.School, Date: DayOf(date(2026, 1, 14))}}
	_, err := assignWithLeave(cfg.Staffing, p, testSeed(3), "2026", 1, v, workdays)
	require.NoError(t, err, "12 and 30 January have all three free")
	v[0].Date = DayOf(date(2026, 1, 14))
	cfg.Staffing.TeamSize = 4
	_, err = assignWithLeave(cfg.Staffing, p, testSeed(3), "2026", 1, v, workdays)
	var ie *InfeasibleError
	require.True(t, errors.As(err, &ie), "%v", err)
	assert.Contains(t, err.Error(), "only 3 eligible inspector(s) for a team of 4")
}
