package recordio

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/firedraw/firedraw/risk"
)

// The column specification of every record type: the columns in file
// order, each with how it is read and written. The loaders' documentation
// (LoadUnits and the others) describes the same columns for users, which
// TestLoaderDocsListColumns checks; TestSpecColumns pins the names and
// order, the file format.

// unitTable is the unit directory. Columns other than these are free
// attributes (see LoadUnits); they are read and written by the unit
// loader and writers themselves.
var unitTable = newTable("unit", 0, true, checkUnit, nil,
	// The ID and name of a unit share one allocation: id keeps the
	// normalised ID in l.strBuf and name, the next column, makes both.
	field[risk.Unit]{column: column{"id", kText, true},
		parse: func(l *loader, r *row, c int, _ *risk.Unit) *risk.RecordError {
			id, e := r.id(c)
			l.strBuf = append(l.strBuf[:0], id...)
			return e
		},
		str: func(u *risk.Unit) (string, bool) { return u.ID, true }},
	field[risk.Unit]{column: column{"name", kText, false},
		parse: func(l *loader, r *row, c int, u *risk.Unit) *risk.RecordError {
			n := len(l.strBuf)
			l.strBuf = append(l.strBuf, r.vals[c]...)
			idName := string(l.strBuf)
			u.ID, u.Name = idName[:n], idName[n:]
			return nil
		},
		str: func(u *risk.Unit) (string, bool) { return u.Name, true }},
	enumField("category", true, categoryIndex, risk.ParseCategory, func(u *risk.Unit) *risk.Category { return &u.Category }),
	sharedField("district", true, false, func(u *risk.Unit) *string { return &u.District }),
	boolField("key_unit", func(u *risk.Unit) *bool { return &u.KeyUnit }),
	boolField("crowded_place", func(u *risk.Unit) *bool { return &u.CrowdedPlace }),
	boolField("high_fire_risk", func(u *risk.Unit) *bool { return &u.HighFireRisk }),
	// lat holds its value in Lat and HasLocation until lon, the next
	// column, checks the pair.
	field[risk.Unit]{column: column{"lat", kNum, false},
		parse: func(_ *loader, r *row, c int, u *risk.Unit) (e *risk.RecordError) {
			u.Lat, u.HasLocation, e = r.float(c)
			return e
		},
		format: func(dst []byte, u *risk.Unit) ([]byte, bool) { return appendLocation(dst, u, u.Lat) }},
	field[risk.Unit]{column: column{"lon", kNum, false},
		parse:  parseLon,
		format: func(dst []byte, u *risk.Unit) ([]byte, bool) { return appendLocation(dst, u, u.Lon) }},
)

// parseLon reads the longitude of a unit whose latitude is read, and
// checks that both or neither are given, each in range.
func parseLon(_ *loader, r *row, c int, u *risk.Unit) *risk.RecordError {
	lat, hasLat := u.Lat, u.HasLocation
	lon, hasLon, e := r.float(c)
	if e != nil {
		return e
	}
	latCol := c - 1
	switch {
	case hasLat && !hasLon:
		return r.missing(c)
	case hasLon && !hasLat:
		return r.missing(latCol)
	case hasLat && !(lat >= -90 && lat <= 90):
		return r.bad(latCol, risk.ErrBadNumber, "latitude outside [-90, 90]")
	case hasLon && !(lon >= -180 && lon <= 180):
		return r.bad(c, risk.ErrBadNumber, "longitude outside [-180, 180]")
	}
	u.Lon = lon
	return nil
}

func appendLocation(dst []byte, u *risk.Unit, deg float64) ([]byte, bool) {
	if !u.HasLocation {
		return dst, false
	}
	return appendFloat(dst, deg), true
}

// telemetryTable is the telemetry events. Unit and device IDs go through
// the loader's cache of recent IDs (see recentStrings).
var telemetryTable = newTable("telemetry", 0, false, checkTelemetry, nil,
	unitIDField(func(e *risk.TelemetryEvent) *string { return &e.UnitID }),
	field[risk.TelemetryEvent]{column: column{"device_id", kText, true},
		parse: func(l *loader, r *row, c int, ev *risk.TelemetryEvent) (e *risk.RecordError) {
			ev.DeviceID, e = l.recentIDs.id(r, c)
			return e
		},
		str: func(ev *risk.TelemetryEvent) (string, bool) { return ev.DeviceID, true }},
	enumField("device_type", true, deviceTypeIndex, risk.ParseDeviceType,
		func(e *risk.TelemetryEvent) *risk.DeviceType { return &e.DeviceType }),
	timeField("time", true, false, true, func(e *risk.TelemetryEvent) *time.Time { return &e.Time }),
	enumField("kind", true, eventKindIndex, risk.ParseEventKind, func(e *risk.TelemetryEvent) *risk.EventKind { return &e.Kind }),
	optFloatField("value", false, "", func(e *risk.TelemetryEvent) (*float64, *bool) { return &e.Value, &e.HasValue }),
	sharedField("measure", false, true, func(e *risk.TelemetryEvent) *string { return &e.Measure }),
)

// incidentTable is the incidents.
var incidentTable = newTable("incident", 0, false, checkIncident, nil,
	unitIDField(func(in *risk.Incident) *string { return &in.UnitID }),
	timeField("time", true, false, true, func(in *risk.Incident) *time.Time { return &in.Time }),
	enumField("type", true, nil, risk.ParseIncidentType, func(in *risk.Incident) *risk.IncidentType { return &in.Type }),
	optFloatField("loss", true, "loss must be ≥ 0", func(in *risk.Incident) (*float64, *bool) { return &in.Loss, &in.HasLoss }),
	countField("casualties", func(in *risk.Incident) *int { return &in.Casualties }),
)

// violationTable is a violation: the last columns of an inspection's CSV
// rows, the objects of its JSON "violations" array.
var violationTable = newTable("violation", 0, false, nil, nil,
	sharedField("code", false, false, func(v *risk.Violation) *string { return &v.Code }),
	field[risk.Violation]{column: column{"severity", kText, false},
		// Required with a code, which parseViolation checks first.
		parse: func(_ *loader, r *row, c int, v *risk.Violation) (e *risk.RecordError) {
			if blankCell(r.vals[c]) {
				return r.missing(c)
			}
			v.Severity, e = enumCol(r, c, nil, risk.ParseSeverity)
			return e
		},
		format: func(dst []byte, v *risk.Violation) ([]byte, bool) { return append(dst, v.Severity.String()...), true }},
	timeField("deadline", false, true, false, func(v *risk.Violation) *time.Time { return &v.Deadline }),
	// Checked against AsOf here, and against the inspection date by
	// parseViolation: a date after AsOf is after the inspection's.
	timeField("rectified", false, true, true, func(v *risk.Violation) *time.Time { return &v.Rectified }),
)

// inspectionTable is the inspections, whose CSV rows end with the
// columns of violationTable.
var inspectionTable = newTable("inspection", 0, false, checkInspection, violationTable.cols,
	idField("inspection_id", func(in *risk.Inspection) *string { return &in.ID }),
	unitIDField(func(in *risk.Inspection) *string { return &in.UnitID }),
	timeField("date", true, true, true, func(in *risk.Inspection) *time.Time { return &in.Date }),
	idListField("inspectors", false, func(in *risk.Inspection) *[]string { return &in.Inspectors }),
	enumField("result", true, nil, risk.ParseResult, func(in *risk.Inspection) *risk.Result { return &in.Result }),
	enumField("reason", false, nil, risk.ParseReason, func(in *risk.Inspection) *risk.Reason { return &in.Reason }),
)

// creditTable is the credit records.
var creditTable = newTable("credit", 0, false, checkCredit, nil,
	unitIDField(func(c *risk.CreditRecord) *string { return &c.UnitID }),
	enumField("grade", true, nil, risk.ParseGrade, func(c *risk.CreditRecord) *risk.Grade { return &c.Grade }),
	boolField("dishonest", func(c *risk.CreditRecord) *bool { return &c.Dishonest }),
	countField("penalties", func(c *risk.CreditRecord) *int { return &c.Penalties }),
	timeField("as_of", true, true, true, func(c *risk.CreditRecord) *time.Time { return &c.AsOf }),
)

// inspectorTable is the inspector pool.
var inspectorTable = newTable("inspector", 0, false, checkInspector, nil,
	idField("id", func(in *risk.Inspector) *string { return &in.ID }),
	textField("name", func(in *risk.Inspector) *string { return &in.Name }),
	textField("certificate", func(in *risk.Inspector) *string { return &in.Certificate }),
	textField("department", func(in *risk.Inspector) *string { return &in.Department }),
	needListField("districts", "districts covered",
		func(_ *row, _ int, s string) (string, *risk.RecordError) { return s, nil },
		func(s string) string { return s },
		func(in *risk.Inspector) *[]string { return &in.Districts }),
	needListField("categories", "unit categories qualified for",
		func(r *row, c int, s string) (risk.Category, *risk.RecordError) {
			x, err := risk.ParseCategory(s)
			if err != nil {
				return x, &risk.RecordError{Column: r.colName(c), Value: s, Err: err}
			}
			return x, nil
		},
		risk.Category.String,
		func(in *risk.Inspector) *[]risk.Category { return &in.Categories }),
	countField("max_per_round", func(in *risk.Inspector) *int { return &in.MaxPerRound }),
	field[risk.Inspector]{column: column{"leave", kList, false},
		parse: parseLeave,
		list:  func(in *risk.Inspector) []string { return leaveRanges(in.Leave) }},
	idListField("conflicts", true, func(in *risk.Inspector) *[]string { return &in.Conflicts }),
)

// parseLeave reads an inspector's leave: dates and inclusive ranges
// "first..last", returned as sorted distinct days.
func parseLeave(_ *loader, r *row, c int, in *risk.Inspector) *risk.RecordError {
	var leave []time.Time
	for _, s := range r.list(c) {
		days, e := leaveDays(r, c, s)
		if e != nil {
			return e
		}
		leave = append(leave, days...)
	}
	slices.SortFunc(leave, func(a, b time.Time) int { return a.Compare(b) })
	in.Leave = slices.CompactFunc(leave, func(a, b time.Time) bool { return a.Equal(b) })
	return nil
}

// checkUnit and the other check functions are the tables' write checks:
// they reject a record the loaders could not read back unchanged (an ID
// not in normal form, NaN, an integer out of range). Each checks its
// columns in a fixed order, so that the first error is always the same.
func checkUnit(u *risk.Unit) error {
	if err := checkID("unit", u.ID, "id", u.ID); err != nil {
		return err
	}
	if u.HasLocation {
		if err := checkFloat(u.Lat, "unit", u.ID, "lat"); err != nil {
			return err
		}
		if err := checkFloat(u.Lon, "unit", u.ID, "lon"); err != nil {
			return err
		}
	}
	return nil
}

func checkTelemetry(e *risk.TelemetryEvent) error {
	if err := checkUnitRef("telemetry of unit", e.UnitID); err != nil {
		return err
	}
	if err := checkID("telemetry of unit", e.UnitID, "device_id", e.DeviceID); err != nil {
		return err
	}
	if e.HasValue {
		return checkFloat(e.Value, "telemetry of unit", e.UnitID, "value")
	}
	return nil
}

func checkIncident(in *risk.Incident) error {
	if err := checkUnitRef("incident of unit", in.UnitID); err != nil {
		return err
	}
	if err := checkCount(in.Casualties, "incident of unit", in.UnitID, "casualties"); err != nil {
		return err
	}
	if in.HasLoss {
		return checkFloat(in.Loss, "incident of unit", in.UnitID, "loss")
	}
	return nil
}

func checkInspection(in *risk.Inspection) error {
	if err := checkID("inspection", in.ID, "inspection_id", in.ID); err != nil {
		return err
	}
	if err := checkUnitRef("inspection of unit", in.UnitID); err != nil {
		return err
	}
	return checkIDs(in.Inspectors, "inspection", in.ID, "inspectors")
}

func checkCredit(c *risk.CreditRecord) error {
	if err := checkUnitRef("credit of unit", c.UnitID); err != nil {
		return err
	}
	return checkCount(c.Penalties, "credit of unit", c.UnitID, "penalties")
}

func checkInspector(in *risk.Inspector) error {
	// The loaders refuse empty lists, which would make the inspector
	// never eligible.
	if len(in.Districts) == 0 {
		return writeErr(risk.ErrMissingValue, "inspector", in.ID, "districts is empty")
	}
	if len(in.Categories) == 0 {
		return writeErr(risk.ErrMissingValue, "inspector", in.ID, "categories is empty")
	}
	if err := checkID("inspector", in.ID, "id", in.ID); err != nil {
		return err
	}
	if err := checkCount(in.MaxPerRound, "inspector", in.ID, "max_per_round"); err != nil {
		return err
	}
	if err := checkList(in.Districts, "inspector", in.ID, "districts"); err != nil {
		return err
	}
	return checkIDs(in.Conflicts, "inspector", in.ID, "conflicts")
}

// leaveRanges returns the inspector's leave as sorted, de-duplicated
// days, consecutive days joined into "first..last" ranges.
func leaveRanges(leave []time.Time) []string {
	if len(leave) == 0 {
		return nil
	}
	days := make([]time.Time, len(leave))
	for i, t := range leave {
		t = t.UTC()
		days[i] = time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	}
	slices.SortFunc(days, func(a, b time.Time) int { return a.Compare(b) })
	days = slices.CompactFunc(days, func(a, b time.Time) bool { return a.Equal(b) })
	var out []string
	for i := 0; i < len(days); {
		j := i
		for j+1 < len(days) && days[j+1].Equal(days[j].AddDate(0, 0, 1)) {
			j++
		}
		s := days[i].Format(dateLayout)
		if j > i {
			s += ".." + days[j].Format(dateLayout)
		}
		out = append(out, s)
		i = j + 1
	}
	return out
}

// leaveDays expands a leave element: a date or an inclusive range
// "first..last".
func leaveDays(r *row, c int, s string) ([]time.Time, *risk.RecordError) {
	bad := func(format string, args ...any) *risk.RecordError {
		return &risk.RecordError{Column: r.colName(c), Value: s,
			Err: fmt.Errorf("%w: %s", risk.ErrBadTime, fmt.Sprintf(format, args...))}
	}
	a, b, isRange := strings.Cut(s, "..")
	first, ok := parseTime([]byte(strings.TrimSpace(a)))
	if !ok {
		return nil, bad("want a date or a range first..last")
	}
	first = dayOf(first)
	if !isRange {
		return []time.Time{first}, nil
	}
	last, ok := parseTime([]byte(strings.TrimSpace(b)))
	if !ok {
		return nil, bad("want a date or a range first..last")
	}
	last = dayOf(last)
	if last.Before(first) {
		return nil, bad("range ends before it starts")
	}
	if last.Sub(first) > maxLeaveDays*24*time.Hour {
		return nil, bad("range longer than %d days", maxLeaveDays)
	}
	var days []time.Time
	for d := first; !d.After(last); d = d.AddDate(0, 0, 1) {
		days = append(days, d)
	}
	return days, nil
}

// maxLeaveDays bounds one leave range, so that a typo such as
// 2026..9026 cannot exhaust memory.
const maxLeaveDays = 3660
