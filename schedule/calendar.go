package schedule

import (
	"fmt"
	"sort"
	"time"

	"github.com/firedraw/firedraw/risk"
)

// Day is a calendar day counted from 1970-01-01 (UTC). Days are what the
// calendar works with: every time.Time passed in is truncated to its UTC
// date.
type Day int32

// DayOf returns the UTC date of t.
func DayOf(t time.Time) Day {
	sec := t.Unix()
	d := sec / 86400
	if sec < 0 && sec%86400 != 0 {
		d--
	}
	return Day(d)
}

// Time returns the day as UTC midnight.
func (d Day) Time() time.Time { return time.Unix(int64(d)*86400, 0).UTC() }

// String formats the day as 2006-01-02.
func (d Day) String() string { return d.Time().Format(time.DateOnly) }

// Weekday returns the day of the week.
func (d Day) Weekday() time.Weekday { return time.Weekday((int64(d)%7 + 7 + 4) % 7) }

// Calendar says which days are working days: Monday to Friday, minus
// Holidays, plus MakeupDays (weekend days worked to make up for a long
// holiday, as in China's adjusted weekends). A zero Calendar has every
// weekday as a working day. Times are truncated to their UTC date; the
// slices are read, never modified.
type Calendar struct {
	Holidays   []time.Time
	MakeupDays []time.Time
}

// dayset is the compiled form of a Calendar.
type dayset struct {
	holiday map[Day]bool
	makeup  map[Day]bool
}

func (c *Calendar) compile() (dayset, error) {
	ds := dayset{holiday: make(map[Day]bool, len(c.Holidays)), makeup: make(map[Day]bool, len(c.MakeupDays))}
	for _, h := range c.Holidays {
		ds.holiday[DayOf(h)] = true
	}
	var err error
	for _, m := range c.MakeupDays {
		d := DayOf(m)
		if ds.holiday[d] && err == nil {
			err = fmt.Errorf("schedule: calendar: %s is both a holiday and a make-up working day: %w", d, ErrBadInput)
		}
		ds.makeup[d] = true
	}
	return ds, err
}

func (ds *dayset) working(d Day) bool {
	if ds.makeup[d] {
		return true
	}
	if ds.holiday[d] {
		return false
	}
	wd := d.Weekday()
	return wd != time.Saturday && wd != time.Sunday
}

// IsWorkingDay reports whether the UTC date of t is a working day.
func (c *Calendar) IsWorkingDay(t time.Time) bool {
	d := DayOf(t)
	for _, m := range c.MakeupDays {
		if DayOf(m) == d {
			return true
		}
	}
	for _, h := range c.Holidays {
		if DayOf(h) == d {
			return false
		}
	}
	wd := d.Weekday()
	return wd != time.Saturday && wd != time.Sunday
}

// WorkingDays returns the working days of round r in increasing order. A
// day listed both as a holiday and as a make-up day (see CheckCalendar)
// counts as a working day.
func (c *Calendar) WorkingDays(r Round) []Day {
	ds, _ := c.compile()
	return ds.workingDays(r)
}

func (ds *dayset) workingDays(r Round) []Day {
	var out []Day
	for d := DayOf(r.Start); d < DayOf(r.End); d++ {
		if ds.working(d) {
			out = append(out, d)
		}
	}
	return out
}

// AddWorkingDays returns the n-th working day after the UTC date of t
// (n ≥ 1), e.g. the date by which results must be published. For n ≤ 0
// it returns the date of t.
func (c *Calendar) AddWorkingDays(t time.Time, n int) Day {
	ds, _ := c.compile()
	return ds.addWorkingDays(DayOf(t), n)
}

func (ds *dayset) addWorkingDays(d Day, n int) Day {
	for n > 0 {
		d++
		if ds.working(d) {
			n--
		}
	}
	return d
}

// CheckCalendar reports a day listed both as a holiday and as a make-up
// working day.
func (c *Calendar) CheckCalendar() error {
	_, err := c.compile()
	return err
}

// Length is the length of the rounds of a period.
type Length uint8

// Round lengths.
const (
	Month   Length = iota // calendar months (the zero value)
	Quarter               // calendar quarters
)

func (l Length) String() string {
	switch l {
	case Month:
		return "month"
	case Quarter:
		return "quarter"
	}
	return fmt.Sprintf("Length(%d)", uint8(l))
}

// Round is one round of a period: the days from Start (inclusive) to End
// (exclusive), both UTC midnights. Index is the round's position in its
// period, from 0.
type Round struct {
	Index      int
	Start, End time.Time
}

// String formats the round as "round 3 (2026-04-01..2026-04-30)".
func (r Round) String() string {
	return fmt.Sprintf("round %d (%s..%s)", r.Index, DayOf(r.Start), DayOf(r.End)-1)
}

// Period cuts the n rounds of the given length that follow start, which
// must be the first day of a month (a "quarter" is any three consecutive
// months from there).
// Period(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), 12, Month) is the
// twelve months of 2026.
func Period(start time.Time, n int, l Length) ([]Round, error) {
	start = DayOf(start).Time()
	if start.Day() != 1 {
		return nil, fmt.Errorf("schedule: period start %s is not the first day of a month: %w", DayOf(start), ErrBadRound)
	}
	if n <= 0 {
		return nil, fmt.Errorf("schedule: period of %d rounds: %w", n, ErrBadRound)
	}
	months := 1
	switch l {
	case Month:
	case Quarter:
		months = 3
	default:
		return nil, fmt.Errorf("schedule: round length %v: %w", l, ErrBadRound)
	}
	out := make([]Round, n)
	for i := range out {
		out[i] = Round{Index: i, Start: start.AddDate(0, i*months, 0), End: start.AddDate(0, (i+1)*months, 0)}
	}
	return out, nil
}

// CheckRounds reports rounds that are empty (End not after Start), not
// numbered 0, 1, 2… in order, misordered or overlapping, naming both
// rounds and their dates. Gaps between rounds are allowed.
func CheckRounds(rounds []Round) error {
	if len(rounds) == 0 {
		return fmt.Errorf("schedule: no rounds: %w", ErrBadRound)
	}
	for i, r := range rounds {
		if r.Index != i {
			return fmt.Errorf("schedule: round at position %d has index %d: %w", i, r.Index, ErrBadRound)
		}
		if DayOf(r.End) <= DayOf(r.Start) {
			return fmt.Errorf("schedule: %s: end %s not after start: %w", r, DayOf(r.End), ErrBadRound)
		}
		if i > 0 {
			p := rounds[i-1]
			if DayOf(r.Start) < DayOf(p.Start) {
				return fmt.Errorf("schedule: %s starts before %s: rounds misordered: %w", r, p, ErrBadRound)
			}
			if DayOf(r.Start) < DayOf(p.End) {
				return fmt.Errorf("schedule: %s overlaps %s: %w", r, p, ErrBadRound)
			}
		}
	}
	return nil
}

// Capacity is the staffing capacity of one round.
type Capacity struct {
	Round Round
	// WorkingDays is the number of working days in the round.
	WorkingDays int
	// InspectorDays is the number of (inspector, working day) pairs with the
	// inspector not on leave.
	InspectorDays int
	// Visits is the number of inspector-visits the round can hold: for each
	// inspector, min(available days × daily cap, MaxPerRound when set).
	Visits int
	// PerDay is the number of inspectors available on each working day,
	// aligned with the calendar's working days of the round.
	PerDay []int
}

// RoundCapacity computes the capacity of round r for the pool, where each
// inspector makes at most dailyCap visits a day (zero → DefaultDailyCap).
func RoundCapacity(c *Calendar, r Round, pool []risk.Inspector, dailyCap int) (Capacity, error) {
	ds, err := c.compile()
	if err != nil {
		return Capacity{}, err
	}
	if dailyCap <= 0 {
		dailyCap = DefaultDailyCap
	}
	days := ds.workingDays(r)
	capa := Capacity{Round: r, WorkingDays: len(days), PerDay: make([]int, len(days))}
	for i := range pool {
		leave := leaveSet(pool[i].Leave)
		n := 0
		for j, d := range days {
			if !leave.has(d) {
				n++
				capa.PerDay[j]++
			}
		}
		capa.InspectorDays += n
		v := n * dailyCap
		if m := pool[i].MaxPerRound; m > 0 && m < v {
			v = m
		}
		capa.Visits += v
	}
	return capa, nil
}

// DefaultDailyCap is the number of visits an inspector makes in a day when
// Config.DailyCap is zero: four half-day-or-shorter visits, the usual
// workload of a routine "double random" check.
const DefaultDailyCap = 4

// days is a sorted set of days.
type days []Day

func leaveSet(ts []time.Time) days {
	if len(ts) == 0 {
		return nil
	}
	out := make(days, len(ts))
	for i, t := range ts {
		out[i] = DayOf(t)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

func (s days) has(d Day) bool {
	if len(s) == 0 {
		return false
	}
	i := sort.Search(len(s), func(i int) bool { return s[i] >= d })
	return i < len(s) && s[i] == d
}
