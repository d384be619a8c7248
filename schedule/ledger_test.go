package schedule

import (
	"testing"

	"github.com/firedraw/firedraw/risk"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLedger(t *testing.T) {
	cfg := testConfig(t)
	f, p := buildCity(t, 300, 30, nil)
	d := mustDraw(t, cfg, f, p, 0, testSeed(8)).d
	require.Greater(t, len(d.Tasks), 3)
	_, err := NewLedger(d, d)
	assert.ErrorIs(t, err, ErrBadInput)
	l, err := NewLedger(d)
	require.NoError(t, err)

	t0, t1 := d.Tasks[0], d.Tasks[1]
	fail := Outcome{TaskID: t1.ID, Result: risk.Fail, Violations: []risk.Violation{
		{Code: "exit-blocked", Severity: risk.Major, Deadline: t1.Date.Time().AddDate(0, 0, 10)},
	}}
	for _, tc := range []struct {
		name string
		o    Outcome
		err  error
		want string
	}{
		{"unknown task", Outcome{TaskID: "nope"}, ErrUnknownTask, `task "nope"`},
		{"fail without violations", Outcome{TaskID: t0.ID, Result: risk.Fail}, ErrBadInput, "failed inspection lists its violations"},
		{"pass with violations", Outcome{TaskID: t0.ID, Violations: fail.Violations}, ErrBadInput, "with 1 violation"},
		{"bad result", Outcome{TaskID: t0.ID, Result: 9}, ErrBadInput, "result"},
		{"deadline before visit", Outcome{TaskID: t0.ID, Result: risk.Fail, Violations: []risk.Violation{
			{Code: "x", Deadline: t0.Date.Time().AddDate(0, 0, -1)}}}, ErrBadInput, "rectification deadline"},
		{"bad severity", Outcome{TaskID: t0.ID, Result: risk.Fail, Violations: []risk.Violation{{Code: "x", Severity: 7}}}, ErrBadInput, "severity"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := l.Record(tc.o)
			require.ErrorIs(t, err, tc.err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
	require.NoError(t, l.Record(Outcome{TaskID: t0.ID}))
	assert.ErrorIs(t, l.Record(Outcome{TaskID: t0.ID}), ErrBadInput, "recorded twice")
	require.NoError(t, l.Record(fail))

	// Nothing is due before the first due date; everything by the last.
	first, last := d.Tasks[0].ResultsDue, d.Tasks[0].ResultsDue
	for _, tk := range d.Tasks {
		first, last = min(first, tk.ResultsDue), max(last, tk.ResultsDue)
	}
	assert.Empty(t, l.Due((first - 1).Time()))
	all := l.Due(last.Time())
	require.Len(t, all, len(d.Tasks))
	for i := 1; i < len(all); i++ {
		assert.LessOrEqual(t, all[i-1].Due, all[i].Due)
	}
	recorded := 0
	for _, r := range all {
		if r.Recorded {
			recorded++
		}
	}
	assert.Equal(t, 2, recorded)
	assert.ErrorIs(t, l.MarkPublished(t1.ID, t1.ResultsDue.Time()), nil)
	assert.ErrorIs(t, l.MarkPublished(d.Tasks[2].ID, t1.ResultsDue.Time()), ErrBadInput, "no outcome yet")
	assert.ErrorIs(t, l.MarkPublished("nope", t1.ResultsDue.Time()), ErrUnknownTask)
	assert.Len(t, l.Due(last.Time()), len(d.Tasks)-1)

	// Outcomes become next period's history.
	ins := l.Inspections()
	require.Len(t, ins, 2)
	for _, in := range ins {
		assert.Equal(t, risk.RandomDraw, in.Reason)
		assert.Len(t, in.Inspectors, 2)
	}
	var failed risk.Inspection
	for _, in := range ins {
		if in.ID == t1.ID {
			failed = in
		}
	}
	assert.Equal(t, risk.Fail, failed.Result)
	assert.Equal(t, t1.Unit, failed.UnitID)
	assert.Equal(t, t1.Teams[0].Inspectors[0], failed.Inspectors[0])
	require.Len(t, failed.Violations, 1)
	assert.Equal(t, risk.Major, failed.Violations[0].Severity)

	units, levels, annual, _ := city(300, 30, 42)
	g, err := NewFrame(units, levels, annual, ins)
	require.NoError(t, err)
	u, _ := g.Unit(t1.Unit)
	assert.Equal(t, t1.Date, u.LastRandom)
	assert.Equal(t, t1.Teams[0].Inspectors[0], u.LastLead)
}

// TestAuditorChain: an auditor who rebuilds round 1's frame from the
// directory and the ledger of round 0 verifies round 1, planned on the
// frame as the planner chains it (Frame.After).
func TestAuditorChain(t *testing.T) {
	cfg := testConfig(t)
	units, levels, annual, insp := city(400, 30, 42)
	f, err := NewFrame(units, levels, annual, nil)
	require.NoError(t, err)
	p, err := NewPool(insp)
	require.NoError(t, err)
	td0 := mustDraw(t, cfg, f, p, 0, testSeed(60))
	td1 := mustDraw(t, cfg, f.After(td0.d), p, 1, testSeed(61))

	l, err := NewLedger(td0.d)
	require.NoError(t, err)
	for _, tk := range td0.d.Tasks {
		require.NoError(t, l.Record(Outcome{TaskID: tk.ID, Result: risk.Pass}))
	}
	g, err := NewFrame(units, levels, annual, l.Inspections())
	require.NoError(t, err)
	diffs, err := verifyDiffs(td1, g, p)
	require.NoError(t, err, "%v", diffs)
	// Round 1 on the stale frame (no round-0 history) does not verify.
	diffs, err = verifyDiffs(td1, f, p)
	assert.ErrorIs(t, err, ErrVerify)
	assert.Contains(t, diffs[0], "inspection history")
}
