package schedule

import (
	"errors"
	"testing"
	"time"

	"github.com/firedraw/firedraw/risk"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func TestDay(t *testing.T) {
	for _, tc := range []struct {
		name string
		t    time.Time
		want string
		wd   time.Weekday
	}{
		{"epoch", date(1970, 1, 1), "1970-01-01", time.Thursday},
		{"before epoch", time.Date(1969, 12, 31, 23, 59, 0, 0, time.UTC), "1969-12-31", time.Wednesday},
		{"afternoon", time.Date(2026, 10, 1, 15, 4, 5, 0, time.UTC), "2026-10-01", time.Thursday},
		{"other zone", time.Date(2026, 10, 2, 7, 0, 0, 0, time.FixedZone("CST", 8*3600)), "2026-10-01", time.Thursday},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := DayOf(tc.t)
			assert.Equal(t, tc.want, d.String())
			assert.Equal(t, tc.wd, d.Weekday())
			assert.Equal(t, d, DayOf(d.Time()))
		})
	}
}

// chinaOctober2026 is a National Day calendar in the Chinese style: a
// week off (Oct 1–7) and two make-up Saturdays/Sundays around it.
func chinaOctober2026() Calendar {
	var c Calendar
	for d := 1; d <= 7; d++ {
		c.Holidays = append(c.Holidays, date(2026, 10, d))
	}
	c.MakeupDays = []time.Time{date(2026, 9, 27), date(2026, 10, 10)}
	return c
}

func TestWorkingDays(t *testing.T) {
	c := chinaOctober2026()
	require.NoError(t, c.CheckCalendar())
	oct := Round{Start: date(2026, 10, 1), End: date(2026, 11, 1)}
	got := c.WorkingDays(oct)
	// October 2026 has 22 weekdays; 5 of them (Oct 1, 2, 5, 6, 7) are
	// holidays; Saturday Oct 10 is worked: 22 − 5 + 1 = 18.
	assert.Len(t, got, 18)
	assert.Equal(t, "2026-10-08", got[0].String())
	assert.Contains(t, got, DayOf(date(2026, 10, 10)))
	assert.True(t, c.IsWorkingDay(date(2026, 9, 27)), "make-up Sunday")
	assert.False(t, c.IsWorkingDay(date(2026, 10, 2)), "holiday Friday")
	assert.False(t, c.IsWorkingDay(date(2026, 10, 11)), "ordinary Sunday")
	for _, d := range got {
		assert.True(t, c.IsWorkingDay(d.Time()), d.String())
	}

	var zero Calendar
	assert.Len(t, zero.WorkingDays(oct), 22)
}

func TestAddWorkingDays(t *testing.T) {
	c := chinaOctober2026()
	// From Wednesday Sep 30: Oct 8 (Thu) is the first working day after.
	assert.Equal(t, "2026-10-08", c.AddWorkingDays(date(2026, 9, 30), 1).String())
	// 20 working days after Monday Sep 28 (Sep 29, 30, Oct 8, 9, 10, 12–16,
	// 19–23, 26–30 is 20 days).
	assert.Equal(t, "2026-10-30", c.AddWorkingDays(date(2026, 9, 28), 20).String())
	assert.Equal(t, "2026-09-28", c.AddWorkingDays(date(2026, 9, 28), 0).String())
}

func TestCheckCalendarClash(t *testing.T) {
	c := Calendar{Holidays: []time.Time{date(2026, 5, 2)}, MakeupDays: []time.Time{date(2026, 5, 2)}}
	err := c.CheckCalendar()
	require.ErrorIs(t, err, ErrBadInput)
	assert.Contains(t, err.Error(), "2026-05-02")
}

func TestPeriod(t *testing.T) {
	rs, err := Period(date(2026, 1, 1), 12, Month)
	require.NoError(t, err)
	require.Len(t, rs, 12)
	require.NoError(t, CheckRounds(rs))
	assert.Equal(t, "round 1 (2026-02-01..2026-02-28)", rs[1].String())
	assert.Equal(t, date(2027, 1, 1), rs[11].End)

	qs, err := Period(date(2026, 1, 1), 4, Quarter)
	require.NoError(t, err)
	assert.Equal(t, "round 3 (2026-10-01..2026-12-31)", qs[3].String())

	_, err = Period(date(2026, 1, 2), 12, Month)
	assert.ErrorIs(t, err, ErrBadRound)
	_, err = Period(date(2026, 1, 1), 0, Month)
	assert.ErrorIs(t, err, ErrBadRound)
	_, err = Period(date(2026, 1, 1), 1, Length(9))
	assert.ErrorIs(t, err, ErrBadRound)
}

func TestCheckRounds(t *testing.T) {
	jan := Round{Index: 0, Start: date(2026, 1, 1), End: date(2026, 2, 1)}
	for _, tc := range []struct {
		name   string
		rounds []Round
		want   string // substring of the error; "" for none
	}{
		{"ok with gap", []Round{jan, {Index: 1, Start: date(2026, 3, 1), End: date(2026, 4, 1)}}, ""},
		{"none", nil, "no rounds"},
		{"empty", []Round{{Start: date(2026, 1, 1), End: date(2026, 1, 1)}}, "not after start"},
		{"overlap", []Round{jan, {Index: 1, Start: date(2026, 1, 31), End: date(2026, 3, 1)}}, "round 1 (2026-01-31..2026-02-28) overlaps round 0 (2026-01-01..2026-01-31)"},
		{"misordered", []Round{{Index: 0, Start: date(2026, 2, 1), End: date(2026, 3, 1)}, {Index: 1, Start: date(2026, 1, 1), End: date(2026, 2, 1)}}, "misordered"},
		{"index", []Round{{Index: 1, Start: date(2026, 1, 1), End: date(2026, 2, 1)}}, "has index 1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckRounds(tc.rounds)
			if tc.want == "" {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.True(t, errors.Is(err, ErrBadRound))
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

func TestRoundCapacity(t *testing.T) {
	c := chinaOctober2026()
	oct := Round{Start: date(2026, 10, 1), End: date(2026, 11, 1)}
	pool := []risk.Inspector{
		{ID: "a"},
		{ID: "b", Leave: []time.Time{date(2026, 10, 8), date(2026, 10, 9), date(2026, 10, 3)}}, // Oct 3 is a holiday anyway
		{ID: "c", MaxPerRound: 10},
	}
	capa, err := RoundCapacity(&c, oct, pool, 0)
	require.NoError(t, err)
	assert.Equal(t, 18, capa.WorkingDays)
	assert.Equal(t, 18+16+18, capa.InspectorDays)
	assert.Equal(t, 18*4+16*4+10, capa.Visits)
	assert.Equal(t, []int{2, 2}, capa.PerDay[:2])
	assert.Equal(t, 3, capa.PerDay[2])
}
