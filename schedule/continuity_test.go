package schedule

import (
	"fmt"
	"testing"

	"github.com/firedraw/firedraw/risk"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestOpenTasksNotRedrawn(t *testing.T) {
	units, levels, annual, insp := city(300, 30, 42)
	for k := range units {
		annual[k] = 6 // π = 0.5 a round, no history: half the units drawn
	}
	annual[1] = 12 // every round: drawn even while open
	f, err := NewFrame(units, levels, annual, nil)
	require.NoError(t, err)
	p, err := NewPool(insp)
	require.NoError(t, err)
	cfg := testConfig(t)
	seed := testSeed(5)
	d1 := mustDraw(t, cfg, f, p, 0, seed).d

	// Round 2 is drawn before round 1's results are in: every task is open.
	var open []OpenTask
	for _, tk := range d1.Tasks {
		open = append(open, OpenTask{TaskID: tk.ID, Unit: tk.Unit, Round: 1, Date: tk.Date})
	}
	g, err := f.WithOpen(open)
	require.NoError(t, err)
	assert.NotEqual(t, f.HistoryHash(), g.HistoryHash(), "the open tasks are committed with the history")
	assert.Equal(t, f.Hash(), g.Hash())
	empty, err := f.WithOpen(nil)
	require.NoError(t, err)
	assert.Equal(t, f.HistoryHash(), empty.HistoryHash(), "no open task: the history hash of old draws")

	seed2 := testSeed(6)
	td2 := mustDraw(t, cfg, g, p, 1, seed2)
	d2 := td2.d
	isOpen := map[string]bool{}
	for _, o := range open {
		isOpen[o.Unit] = true
	}
	for _, tk := range d2.Tasks {
		assert.True(t, !isOpen[tk.Unit] || tk.Unit == units[1].ID, "open unit %s drawn again", tk.Unit)
	}
	require.True(t, isOpen[units[1].ID])
	assert.Contains(t, taskUnits(d2), units[1].ID, "a unit due every round is drawn while open")
	diffs, err := verifyDiffs(td2, g, p)
	require.NoError(t, err, "%v", diffs)
	_, err = Verify(td2.published(), f, p)
	require.ErrorIs(t, err, ErrVerify, "verifying against the frame without the open tasks fails")
	assert.Contains(t, err.Error(), "inspection history")
}

func taskUnits(d *Disclosure) []string {
	var out []string
	for _, tk := range d.Tasks {
		out = append(out, tk.Unit)
	}
	return out
}

func TestWithOpenErrors(t *testing.T) {
	f, _ := buildCity(t, 10, 5, nil)
	for _, tc := range []struct {
		name string
		open []OpenTask
		want string
	}{
		{"unknown unit", []OpenTask{{TaskID: "t", Unit: "nope"}}, `unit "nope" not in the directory`},
		{"no ID", []OpenTask{{Unit: "U00001"}}, "has no ID"},
		{"twice", []OpenTask{{TaskID: "a", Unit: "U00001"}, {TaskID: "b", Unit: "U00001"}}, "two open tasks"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.WithOpen(tc.open)
			require.ErrorIs(t, err, ErrBadInput)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

func TestReasons(t *testing.T) {
	units := []risk.Unit{
		{ID: "A", District: "east", Category: risk.School},     // inspected by complaint, recently
		{ID: "B", District: "east", Category: risk.School},     // no history
		{ID: "C", District: "east", Category: risk.School},     // every round
		{ID: "D", District: "east", Category: risk.School},     // open task
		{ID: "E", District: "east", Category: risk.StreetShop}, // inspected long ago
	}
	levels := []risk.Level{risk.High, risk.LevelGeneral, risk.High, risk.High, risk.Higher}
	annual := []float64{1, 0.2, 12, 1, 4}
	hist := []risk.Inspection{
		{ID: "h1", UnitID: "A", Date: date(2026, 1, 5), Reason: risk.Complaint},
		{ID: "h2", UnitID: "E", Date: date(2025, 9, 1)},
		{ID: "h0", UnitID: "B", Date: date(2024, 3, 1), Reason: risk.Complaint},
	}
	f, err := NewFrame(units, levels, annual, hist)
	require.NoError(t, err)
	f, err = f.WithOpen([]OpenTask{{TaskID: "t1", Unit: "D", Round: 1, Date: DayOf(date(2026, 1, 12))}})
	require.NoError(t, err)
	cfg := testConfig(t)
	cfg.ExcludeVisited = true
	cfg.HistoryStart = date(2023, 1, 4)
	rs, err := Reasons(cfg, f, 1)
	require.NoError(t, err)
	// General at 0.2 a year in monthly rounds: mean gap m = 60 rounds, so
	// the quiet law applies after MaxQuiet = 6 rounds: π = 1/(60 − 6) =
	// 0.0185 a round. High at 1 a year: m = 12, spread law a = 12, w = 5,
	// so no draw before gap 7: from 5 January, round 8 (August).
	want := []struct{ en, zh string }{
		{"inspected 2026-01-05 (complaint); eligible again from round 8", "2026-01-05 因投诉检查；第8轮起重新纳入抽取"},
		{"level general, 0.2 a year; inspected 2024-03-01 (complaint), 23 round(s) ago: π = 0.0185", "风险等级一般，每年0.2次；2024-03-01 因投诉检查，距今23轮：π = 0.0185"},
		{"level high, 12 a year: visited every round", "风险等级高，每年12次：每轮均检查"},
		{"task of round 1 (2026-01-12) open, results not yet in: not drawn again until they are", "第1轮任务（2026-01-12）结果尚未录入：录入前不再抽取"},
		{"level higher, 4 a year; inspected 2025-09-01 (random), 5 round(s) ago: π = 1", "风险等级较高，每年4次；2025-09-01 因随机抽查检查，距今5轮：π = 1"},
	}
	require.Len(t, rs, len(want))
	for i, w := range want {
		assert.Equal(t, w.en, rs[i].Text("en"), units[i].ID)
		assert.Equal(t, w.zh, rs[i].Text("zh"), units[i].ID)
	}
	// The reasons' π are the draw's.
	pi := roundProbabilities(cfg, f, 1)
	applyContinuity(cfg, f, pi)
	for k := range rs {
		assert.Equal(t, pi[k], rs[k].Pi, fmt.Sprint(k))
	}
	// B without ExcludeVisited has no random inspection on record.
	cfg.ExcludeVisited = false
	rs, err = Reasons(cfg, f, 1)
	require.NoError(t, err)
	assert.Equal(t, "level general, 0.2 a year; no inspection on record since 2023-01-04: π = 0.0185", rs[1].Text("en"))
}
