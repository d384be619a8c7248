package risk

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Record kinds, as [RecordError.Source] names them when no file name is
// known and as a [Locator] receives them.
const (
	KindUnits       = "units"
	KindTelemetry   = "telemetry"
	KindIncidents   = "incidents"
	KindInspections = "inspections"
	KindCredit      = "credit"
	KindInspectors  = "inspectors"
)

// Sentinel errors of [AsOf] and [Check], besides [ErrFuture],
// [ErrDuplicateID] and [ErrBadTime].
var (
	// ErrUnknownInspector reports an inspection naming an inspector who
	// is not in the pool.
	ErrUnknownInspector = errors.New("inspector not in the pool")
	// ErrInconsistent reports a result that contradicts its violations,
	// such as a pass with an open major violation.
	ErrInconsistent = errors.New("result inconsistent with its violations")
)

// MaxReported is the number of left-out records a [Report] lists.
const MaxReported = 5

// Locator returns the file name and 1-based line of the index-th record
// of a kind (one of the Kind constants) as it was read, so that errors of
// [AsOf] and [Check] can name them; line 0 means unknown.
// recordio.Locations builds one from the files LoadRecords read.
type Locator func(kind string, index int) (source string, line int)

// CheckOptions configures [AsOf] and [Check]. The zero value is strict,
// checks no date against today and names no file.
type CheckOptions struct {
	// Lenient leaves a record dated after asOf out of the returned records
	// and counts it in the Report. When false such a record is an error
	// wrapping ErrFuture.
	Lenient bool
	// Now, if not zero, is today: a record dated after it is an error
	// wrapping ErrFuture in both modes (a record cannot come from the
	// future, whatever the as-of date).
	Now time.Time
	// Locate, if not nil, names the file and line of a record in errors
	// and in the report; otherwise errors name the record kind.
	Locate Locator
}

// Report lists what [AsOf] and [Check] left out or found suspicious
// without refusing it. A nil *Report reports nothing.
type Report struct {
	// LeftOut counts the records dated after asOf left out in lenient
	// mode; LeftOutFirst lists the first MaxReported of them, as errors
	// wrapping ErrFuture.
	LeftOut      int
	LeftOutFirst []*RecordError
	// CreditHistory counts the units with credit rows of several as_of
	// dates: the features use each unit's latest row dated before asOf.
	CreditHistory int
	// UncoveredDistricts and UncoveredCategories list, sorted, the unit
	// districts and categories no inspector of the pool covers: their
	// units can never get a team. Empty without inspectors.
	UncoveredDistricts  []string
	UncoveredCategories []Category
}

// Lines returns the report as sentences for a program to print, one per
// finding; none if there is nothing to report.
func (r *Report) Lines() []string {
	if r == nil {
		return nil
	}
	var out []string
	if r.LeftOut > 0 {
		s := fmt.Sprintf("left out %d record(s) dated after the as-of date", r.LeftOut)
		for _, e := range r.LeftOutFirst {
			s += "\n  " + e.Error()
		}
		if r.LeftOut > len(r.LeftOutFirst) {
			s += fmt.Sprintf("\n  … and %d more", r.LeftOut-len(r.LeftOutFirst))
		}
		out = append(out, s)
	}
	if r.CreditHistory > 0 {
		out = append(out, fmt.Sprintf("%d unit(s) have credit rows of several as_of dates: the latest before the as-of date is used", r.CreditHistory))
	}
	if len(r.UncoveredDistricts) > 0 {
		out = append(out, fmt.Sprintf("warning: no inspector covers district(s) %s: their units can never be staffed",
			strings.Join(r.UncoveredDistricts, ", ")))
	}
	if len(r.UncoveredCategories) > 0 {
		names := make([]string, len(r.UncoveredCategories))
		for i, c := range r.UncoveredCategories {
			names[i] = c.String()
		}
		out = append(out, fmt.Sprintf("warning: no inspector is qualified for categor(ies) %s: their units can never be staffed",
			strings.Join(names, ", ")))
	}
	return out
}

// recordErr builds the error about the index-th record of a kind, located
// by loc when it can be.
func recordErr(loc Locator, kind string, index int, col, id, val string, err error) *RecordError {
	e := &RecordError{Source: kind, Column: col, RecordID: id, Value: val, Err: err}
	if loc != nil {
		if src, line := loc(kind, index); src != "" {
			e.Source, e.Line = src, line
		}
	}
	return e
}

// locName names the index-th record of a kind by file and line, or by
// kind and position.
func locName(loc Locator, kind string, index int) string {
	if loc != nil {
		if src, line := loc(kind, index); src != "" && line > 0 {
			return src + ":" + strconv.Itoa(line)
		}
	}
	return fmt.Sprintf("%s record %d", kind, index+1)
}

// dateText formats a date as the loaders accept it: a day alone at UTC
// midnight, else RFC 3339.
func dateText(t time.Time) string {
	t = t.UTC()
	if t.Equal(t.Truncate(24 * time.Hour)) {
		return t.Format(time.DateOnly)
	}
	return t.Format(time.RFC3339Nano)
}

// checkCredit refuses two credit rows of one unit with the same as_of
// (ErrDuplicateID: which one holds is unknowable) and counts the units
// whose rows form a history.
func checkCredit(credit []CreditRecord, loc Locator, rep *Report) error {
	type key struct {
		unit string
		at   int64
	}
	first := make(map[key]int, len(credit))
	dates := make(map[string]int64, len(credit))
	history := map[string]bool{}
	for i := range credit {
		c := &credit[i]
		k := key{c.UnitID, c.AsOf.UnixNano()}
		if j, dup := first[k]; dup {
			return recordErr(loc, KindCredit, i, "as_of", c.UnitID, dateText(c.AsOf),
				fmt.Errorf("%w: a second credit row of the unit with this as_of (the first is %s)", ErrDuplicateID, locName(loc, KindCredit, j)))
		}
		first[k] = i
		if t, ok := dates[c.UnitID]; ok && t != k.at {
			history[c.UnitID] = true
		}
		dates[c.UnitID] = k.at
	}
	rep.CreditHistory = len(history)
	return nil
}

// checkInspections refuses an inspector not in the pool (when a pool is
// given) and a pass with a major violation still open after the visit.
func checkInspections(rec *Records, loc Locator) error {
	var pool map[string]bool
	if len(rec.Inspectors) > 0 {
		pool = make(map[string]bool, len(rec.Inspectors))
		for i := range rec.Inspectors {
			pool[rec.Inspectors[i].ID] = true
		}
	}
	for i := range rec.Inspections {
		in := &rec.Inspections[i]
		for _, id := range in.Inspectors {
			if pool != nil && !pool[id] {
				return recordErr(loc, KindInspections, i, "inspectors", in.ID, id, ErrUnknownInspector)
			}
		}
		if in.Result != Pass {
			continue
		}
		for _, v := range in.Violations {
			if v.Severity == Major && (v.Rectified.IsZero() || v.Rectified.After(in.Date)) {
				return recordErr(loc, KindInspections, i, "result", in.ID, in.Result.String(),
					fmt.Errorf("%w: pass with major violation %q open after the visit", ErrInconsistent, v.Code))
			}
		}
	}
	return nil
}

// coverage lists the districts and categories of units that no inspector
// covers. As in schedule.NewPool, an inspector covers the districts and
// categories listed, so an empty list covers none (the loaders refuse
// one).
func coverage(rec *Records, rep *Report) {
	if len(rec.Inspectors) == 0 {
		return
	}
	districts := map[string]bool{}
	var cats [numCategories]bool
	for i := range rec.Inspectors {
		in := &rec.Inspectors[i]
		for _, d := range in.Districts {
			districts[d] = true
		}
		for _, c := range in.Categories {
			if c < numCategories {
				cats[c] = true
			}
		}
	}
	seenD := map[string]bool{}
	var seenC [numCategories]bool
	for i := range rec.Units {
		u := &rec.Units[i]
		if !districts[u.District] && !seenD[u.District] {
			seenD[u.District] = true
			rep.UncoveredDistricts = append(rep.UncoveredDistricts, u.District)
		}
		if u.Category < numCategories && !cats[u.Category] && !seenC[u.Category] {
			seenC[u.Category] = true
			rep.UncoveredCategories = append(rep.UncoveredCategories, u.Category)
		}
	}
	slices.Sort(rep.UncoveredDistricts)
	slices.Sort(rep.UncoveredCategories)
}

// Check runs [AsOf] and then the checks across record files, and returns
// the records a draw may read with a report of what it left out or
// found suspicious. Besides the errors of AsOf it refuses, with a
// *RecordError naming the file and line (through opt.Locate), the field
// and the value:
//   - two credit rows of one unit with the same as_of (ErrDuplicateID);
//     rows of several as_of dates are a history, of which the features
//     use the latest before asOf (Report.CreditHistory counts such units);
//   - an inspection naming an inspector not in rec.Inspectors
//     (ErrUnknownInspector), when rec.Inspectors is not empty;
//   - a passed inspection with a major violation not rectified on the
//     day of the visit (ErrInconsistent).
//
// Districts and categories of units that no inspector covers are not
// errors (a pool may be incomplete on purpose) but are listed in the
// Report. The conflicts are looked for in every record, including those
// AsOf leaves out. The records are not modified. Check panics if rec is nil.
func Check(rec *Records, asOf time.Time, opt CheckOptions) (*Records, *Report, error) {
	out, rep, err := AsOf(rec, asOf, opt)
	if err != nil {
		return nil, nil, err
	}
	// The checks read rec, not out, so that indices are those of the
	// files: a conflict is an error even in a record left out.
	if err := checkCredit(rec.Credit, opt.Locate, rep); err != nil {
		return nil, nil, err
	}
	if err := checkInspections(rec, opt.Locate); err != nil {
		return nil, nil, err
	}
	coverage(rec, rep)
	return out, rep, nil
}
