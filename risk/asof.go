package risk

import (
	"fmt"
	"time"
)

// AsOf returns the records a draw as of asOf may read: every record dated
// after asOf is an error wrapping ErrFuture in strict mode, and left out
// and counted in the Report with opt.Lenient. The dated records are
// telemetry events (time), incidents (time), inspections (date) and
// credit records (as_of); units and inspectors have no date. A record
// dated on asOf itself is kept (features still use only records strictly
// before asOf, see [Extract]).
//
// Whatever the mode, AsOf refuses with a *RecordError naming the file and
// line (through opt.Locate), the field and the value:
//   - a record or a rectification dated after opt.Now, if Now is set
//     (ErrFuture);
//   - a violation rectified, or given a rectification deadline, before
//     the date of its inspection (ErrBadTime).
//
// A violation rectified after asOf is not left out: it was open at asOf.
// When nothing is left out the result is rec itself; otherwise a new
// Records sharing the unchanged slices. rec is not modified. AsOf panics
// if rec is nil.
func AsOf(rec *Records, asOf time.Time, opt CheckOptions) (*Records, *Report, error) {
	if rec == nil {
		panic("risk: AsOf of nil records")
	}
	c := &asOfCheck{asOf: asOf, opt: opt, rep: &Report{}}
	if err := c.inspections(rec.Inspections); err != nil {
		return nil, nil, err
	}
	out := *rec
	var err error
	if out.Telemetry, err = keepDated(c, KindTelemetry, "time", rec.Telemetry,
		func(t *TelemetryEvent) (string, time.Time) { return t.UnitID, t.Time }); err != nil {
		return nil, nil, err
	}
	if out.Incidents, err = keepDated(c, KindIncidents, "time", rec.Incidents,
		func(in *Incident) (string, time.Time) { return in.UnitID, in.Time }); err != nil {
		return nil, nil, err
	}
	if out.Inspections, err = keepDated(c, KindInspections, "date", rec.Inspections,
		func(in *Inspection) (string, time.Time) { return in.ID, in.Date }); err != nil {
		return nil, nil, err
	}
	if out.Credit, err = keepDated(c, KindCredit, "as_of", rec.Credit,
		func(cr *CreditRecord) (string, time.Time) { return cr.UnitID, cr.AsOf }); err != nil {
		return nil, nil, err
	}
	if c.rep.LeftOut == 0 {
		return rec, c.rep, nil
	}
	return &out, c.rep, nil
}

// asOfCheck is the state of one AsOf call.
type asOfCheck struct {
	asOf time.Time
	opt  CheckOptions
	rep  *Report
}

// afterNow reports whether t is after opt.Now, when Now is set.
func (c *asOfCheck) afterNow(t time.Time) bool { return !c.opt.Now.IsZero() && t.After(c.opt.Now) }

func (c *asOfCheck) nowErr() error {
	return fmt.Errorf("%w: after today %s", ErrFuture, dateText(c.opt.Now))
}

// inspections refuses violations dated before their visit or rectified
// after today.
func (c *asOfCheck) inspections(ins []Inspection) error {
	loc := c.opt.Locate
	for i := range ins {
		in := &ins[i]
		for _, v := range in.Violations {
			switch {
			case !v.Rectified.IsZero() && v.Rectified.Before(in.Date):
				return recordErr(loc, KindInspections, i, "rectified", in.ID, dateText(v.Rectified),
					fmt.Errorf("%w: violation %q rectified before the inspection on %s", ErrBadTime, v.Code, dateText(in.Date)))
			case !v.Deadline.IsZero() && v.Deadline.Before(in.Date):
				return recordErr(loc, KindInspections, i, "deadline", in.ID, dateText(v.Deadline),
					fmt.Errorf("%w: violation %q due before the inspection on %s", ErrBadTime, v.Code, dateText(in.Date)))
			case c.afterNow(v.Rectified):
				return recordErr(loc, KindInspections, i, "rectified", in.ID, dateText(v.Rectified), c.nowErr())
			}
		}
	}
	return nil
}

// keepDated returns the records of s not dated after asOf: s itself if
// there is none, else a copy. A record dated after today, or after asOf
// in strict mode, is an error naming its field; date returns a record's
// ID for messages and its date.
func keepDated[T any](c *asOfCheck, kind, field string, s []T, date func(*T) (string, time.Time)) ([]T, error) {
	var out []T
	for i := range s {
		id, t := date(&s[i])
		if c.afterNow(t) {
			return nil, recordErr(c.opt.Locate, kind, i, field, id, dateText(t), c.nowErr())
		}
		if !t.After(c.asOf) {
			if out != nil {
				out = append(out, s[i])
			}
			continue
		}
		e := recordErr(c.opt.Locate, kind, i, field, id, dateText(t), fmt.Errorf("%w %s", ErrFuture, dateText(c.asOf)))
		if !c.opt.Lenient {
			return nil, e
		}
		if out == nil {
			out = make([]T, i, len(s)-1)
			copy(out, s[:i])
		}
		c.rep.LeftOut++
		if len(c.rep.LeftOutFirst) < MaxReported {
			c.rep.LeftOutFirst = append(c.rep.LeftOutFirst, e)
		}
	}
	if out == nil {
		return s, nil
	}
	return out, nil
}
