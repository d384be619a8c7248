package recordio

import (
	"bufio"
	"fmt"
	"github.com/firedraw/firedraw/risk"
	"io"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// The writers produce the formats the loaders read (see LoadUnits and the
// other Load functions for the columns). Output is deterministic: fixed
// column order, floats formatted by strconv 'g' with the shortest
// precision, times as RFC 3339 in UTC (fractional seconds only when
// present), date-only fields (inspection date, deadline, rectified, credit
// as_of, leave) as YYYY-MM-DD in UTC. A writer returns an error wrapping
// ErrBadNumber for a NaN or infinite float, and one wrapping ErrMalformed
// for a value the loaders could not read back unchanged (a list element
// containing ';', an attribute name that is empty, padded with spaces,
// repeated or equal to a fixed column).

const (
	dateLayout = "2006-01-02"
	listSep    = ';'
)

// The CSV headers of the writers: the columns of the loaders' specs, in
// the same order, so that the names are written once.
var (
	unitColumns       = unitSpec.colNames()
	telemetryColumns  = telemetrySpec.colNames()
	incidentColumns   = incidentSpec.colNames()
	inspectionColumns = inspectionSpec.colNames()
	creditColumns     = creditSpec.colNames()
	inspectorColumns  = inspectorSpec.colNames()
)

// lineWriter accumulates one output line at a time and keeps the first
// error.
type lineWriter struct {
	w   *bufio.Writer
	buf []byte
	err error
}

func newLineWriter(w io.Writer) *lineWriter {
	return &lineWriter{w: bufio.NewWriterSize(w, 64<<10)}
}

// endLine writes the buffered line followed by '\n'.
func (lw *lineWriter) endLine() {
	lw.buf = append(lw.buf, '\n')
	if lw.err == nil {
		_, lw.err = lw.w.Write(lw.buf)
	}
	lw.buf = lw.buf[:0]
}

func (lw *lineWriter) flush() error {
	if lw.err == nil {
		lw.err = lw.w.Flush()
	}
	return lw.err
}

func (lw *lineWriter) header(cols []string) {
	for i, c := range cols {
		if i > 0 {
			lw.buf = append(lw.buf, ',')
		}
		lw.buf = appendCSVField(lw.buf, c)
	}
	lw.endLine()
}

// appendCSVField appends s, quoted as RFC 4180 requires.
func appendCSVField(dst []byte, s string) []byte {
	if !strings.ContainsAny(s, ",\"\r\n") {
		return append(dst, s...)
	}
	dst = append(dst, '"')
	for i := 0; i < len(s); i++ {
		if s[i] == '"' {
			dst = append(dst, '"')
		}
		dst = append(dst, s[i])
	}
	return append(dst, '"')
}

func appendFloat(dst []byte, f float64) []byte {
	return strconv.AppendFloat(dst, f, 'g', -1, 64)
}

func appendTime(dst []byte, t time.Time) []byte {
	return t.UTC().AppendFormat(dst, time.RFC3339Nano)
}

func appendDate(dst []byte, t time.Time) []byte {
	return t.UTC().AppendFormat(dst, dateLayout)
}

// appendOptDate appends nothing for the zero time.
func appendOptDate(dst []byte, t time.Time) []byte {
	if t.IsZero() {
		return dst
	}
	return appendDate(dst, t)
}

func appendBool(dst []byte, b bool) []byte {
	return strconv.AppendBool(dst, b)
}

// appendCSVList appends the ';'-joined list as one CSV field.
func appendCSVList(dst []byte, list []string) []byte {
	return appendCSVField(dst, strings.Join(list, string(listSep)))
}

func finite(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }

func writeErr(sentinel error, what, id, format string, args ...any) error {
	return fmt.Errorf("%w: %s %q: %s", sentinel, what, id, fmt.Sprintf(format, args...))
}

func checkFloat(f float64, what, id, field string) error {
	if !finite(f) {
		return writeErr(risk.ErrBadNumber, what, id, "%s is %v", field, f)
	}
	return nil
}

func checkList(list []string, what, id, field string) error {
	for _, s := range list {
		if strings.IndexByte(s, listSep) >= 0 || s == "" || strings.TrimSpace(s) != s {
			return writeErr(risk.ErrMalformed, what, id, "%s element %q is empty, padded or contains ';'", field, s)
		}
	}
	return nil
}

// attrNames returns the sorted union of attribute names and checks each
// unit's attributes.
func attrNames(units []risk.Unit) ([]string, error) {
	set := map[string]bool{}
	for i := range units {
		u := &units[i]
		for j, a := range u.Attrs {
			if err := checkAttrName(a.Name); err != nil {
				return nil, writeErr(risk.ErrMalformed, "unit", u.ID, "%v", err)
			}
			for _, b := range u.Attrs[:j] {
				if b.Name == a.Name {
					return nil, writeErr(risk.ErrMalformed, "unit", u.ID, "attribute %q repeated", a.Name)
				}
			}
			if a.Numeric {
				if err := checkFloat(a.Num, "unit", u.ID, "attribute "+strconv.Quote(a.Name)); err != nil {
					return nil, err
				}
			}
			set[a.Name] = true
		}
	}
	names := make([]string, 0, len(set))
	for n := range set {
		names = append(names, n)
	}
	sort.Strings(names)
	return names, nil
}

// checkAttrName reports an attribute name that could not be read back.
func checkAttrName(name string) error {
	switch {
	case name == "":
		return fmt.Errorf("empty attribute name")
	case strings.TrimSpace(name) != name:
		return fmt.Errorf("attribute name %q has surrounding spaces", name)
	case !utf8.ValidString(name):
		return fmt.Errorf("attribute name %q is not valid UTF-8", name)
	case slices.Contains(unitColumns, name):
		return fmt.Errorf("attribute name %q is a unit column", name)
	}
	return nil
}

func checkUnit(u *risk.Unit) error {
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

// WriteUnitsCSV writes units as CSV with the columns id, name, category,
// district, key_unit, crowded_place, high_fire_risk, lat, lon followed by
// one column per free attribute: the union of all units' attribute names
// in sorted order. A unit without an attribute gets an empty cell. Note
// that CSV cannot tell a text attribute that looks like a number (or is
// empty) from a numeric (or absent) one; WriteUnitsJSONL keeps the
// distinction.
func WriteUnitsCSV(w io.Writer, units []risk.Unit) error {
	names, err := attrNames(units)
	if err != nil {
		return err
	}
	lw := newLineWriter(w)
	lw.header(append(slices.Clip(unitColumns), names...))
	slot := make([]int, len(names))
	for i := range units {
		u := &units[i]
		if err := checkUnit(u); err != nil {
			return err
		}
		b := appendCSVField(lw.buf, u.ID)
		b = append(b, ',')
		b = appendCSVField(b, u.Name)
		b = append(b, ',')
		b = appendCSVField(b, u.Category.String())
		b = append(b, ',')
		b = appendCSVField(b, u.District)
		b = append(b, ',')
		b = appendBool(b, u.KeyUnit)
		b = append(b, ',')
		b = appendBool(b, u.CrowdedPlace)
		b = append(b, ',')
		b = appendBool(b, u.HighFireRisk)
		b = append(b, ',')
		if u.HasLocation {
			b = appendFloat(b, u.Lat)
			b = append(b, ',')
			b = appendFloat(b, u.Lon)
		} else {
			b = append(b, ',')
		}
		clear(slot)
		for j, a := range u.Attrs {
			slot[sort.SearchStrings(names, a.Name)] = j + 1
		}
		for _, j := range slot {
			b = append(b, ',')
			if j == 0 {
				continue
			}
			a := &u.Attrs[j-1]
			if a.Numeric {
				b = appendFloat(b, a.Num)
			} else {
				b = appendCSVField(b, a.Text)
			}
		}
		lw.buf = b
		lw.endLine()
	}
	return lw.flush()
}

// TelemetryCSVWriter writes telemetry events as CSV one at a time, so that
// millions of events need no memory. Create it with NewTelemetryCSVWriter,
// call Write for each event and Flush at the end.
type TelemetryCSVWriter struct {
	lw     *lineWriter
	header bool
}

// NewTelemetryCSVWriter returns a writer of telemetry CSV (the columns of
// LoadTelemetry) to w.
func NewTelemetryCSVWriter(w io.Writer) *TelemetryCSVWriter {
	return &TelemetryCSVWriter{lw: newLineWriter(w)}
}

func (tw *TelemetryCSVWriter) writeHeader() {
	if !tw.header {
		tw.header = true
		tw.lw.header(telemetryColumns)
	}
}

// Write writes one event. The first error (from validation or from the
// underlying writer) is returned by this and every later call.
func (tw *TelemetryCSVWriter) Write(e *risk.TelemetryEvent) error {
	if tw.lw.err != nil {
		return tw.lw.err
	}
	tw.writeHeader()
	if e.HasValue {
		if err := checkFloat(e.Value, "telemetry of unit", e.UnitID, "value"); err != nil {
			tw.lw.err = err
			return err
		}
	}
	b := appendCSVField(tw.lw.buf, e.UnitID)
	b = append(b, ',')
	b = appendCSVField(b, e.DeviceID)
	b = append(b, ',')
	b = append(b, e.DeviceType.String()...)
	b = append(b, ',')
	b = appendTime(b, e.Time)
	b = append(b, ',')
	b = append(b, e.Kind.String()...)
	b = append(b, ',')
	if e.HasValue {
		b = appendFloat(b, e.Value)
	}
	b = append(b, ',')
	b = appendCSVField(b, e.Measure)
	tw.lw.buf = b
	tw.lw.endLine()
	return tw.lw.err
}

// Flush writes the header if no event was written and flushes buffered
// output. It returns the first error of the writer.
func (tw *TelemetryCSVWriter) Flush() error {
	if tw.lw.err == nil {
		tw.writeHeader()
	}
	return tw.lw.flush()
}

// WriteTelemetryCSV writes events as CSV with the columns unit_id,
// device_id, device_type, time, kind, value, measure.
func WriteTelemetryCSV(w io.Writer, events []risk.TelemetryEvent) error {
	tw := NewTelemetryCSVWriter(w)
	for i := range events {
		if err := tw.Write(&events[i]); err != nil {
			return err
		}
	}
	return tw.Flush()
}

// WriteIncidentsCSV writes incidents as CSV with the columns unit_id,
// time, type, loss, casualties.
func WriteIncidentsCSV(w io.Writer, incidents []risk.Incident) error {
	lw := newLineWriter(w)
	lw.header(incidentColumns)
	for i := range incidents {
		in := &incidents[i]
		if in.HasLoss {
			if err := checkFloat(in.Loss, "incident of unit", in.UnitID, "loss"); err != nil {
				return err
			}
		}
		b := appendCSVField(lw.buf, in.UnitID)
		b = append(b, ',')
		b = appendTime(b, in.Time)
		b = append(b, ',')
		b = append(b, in.Type.String()...)
		b = append(b, ',')
		if in.HasLoss {
			b = appendFloat(b, in.Loss)
		}
		b = append(b, ',')
		b = strconv.AppendInt(b, int64(in.Casualties), 10)
		lw.buf = b
		lw.endLine()
	}
	return lw.flush()
}

// WriteInspectionsCSV writes inspections as CSV in long format with the
// columns inspection_id, unit_id, date, inspectors, result, reason, code,
// severity, deadline, rectified: one row per violation, or one row with
// empty violation columns for an inspection without violations.
func WriteInspectionsCSV(w io.Writer, inspections []risk.Inspection) error {
	lw := newLineWriter(w)
	lw.header(inspectionColumns)
	for i := range inspections {
		in := &inspections[i]
		if err := checkList(in.Inspectors, "inspection", in.ID, "inspectors"); err != nil {
			return err
		}
		n := max(1, len(in.Violations))
		for k := range n {
			b := appendCSVField(lw.buf, in.ID)
			b = append(b, ',')
			b = appendCSVField(b, in.UnitID)
			b = append(b, ',')
			b = appendDate(b, in.Date)
			b = append(b, ',')
			b = appendCSVList(b, in.Inspectors)
			b = append(b, ',')
			b = append(b, in.Result.String()...)
			b = append(b, ',')
			b = append(b, in.Reason.String()...)
			b = append(b, ',')
			if k < len(in.Violations) {
				v := &in.Violations[k]
				b = appendCSVField(b, v.Code)
				b = append(b, ',')
				b = append(b, v.Severity.String()...)
				b = append(b, ',')
				b = appendOptDate(b, v.Deadline)
				b = append(b, ',')
				b = appendOptDate(b, v.Rectified)
			} else {
				b = append(b, ",,,"...)
			}
			lw.buf = b
			lw.endLine()
		}
	}
	return lw.flush()
}

// WriteCreditCSV writes credit records as CSV with the columns unit_id,
// grade, dishonest, penalties, as_of.
func WriteCreditCSV(w io.Writer, credit []risk.CreditRecord) error {
	lw := newLineWriter(w)
	lw.header(creditColumns)
	for i := range credit {
		c := &credit[i]
		b := appendCSVField(lw.buf, c.UnitID)
		b = append(b, ',')
		b = append(b, c.Grade.String()...)
		b = append(b, ',')
		b = appendBool(b, c.Dishonest)
		b = append(b, ',')
		b = strconv.AppendInt(b, int64(c.Penalties), 10)
		b = append(b, ',')
		b = appendDate(b, c.AsOf)
		lw.buf = b
		lw.endLine()
	}
	return lw.flush()
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

func categoryNamesOf(cats []risk.Category) []string {
	out := make([]string, len(cats))
	for i, c := range cats {
		out[i] = c.String()
	}
	return out
}

func checkInspector(in *risk.Inspector) error {
	if err := checkList(in.Districts, "inspector", in.ID, "districts"); err != nil {
		return err
	}
	return checkList(in.Conflicts, "inspector", in.ID, "conflicts")
}

// WriteInspectorsCSV writes inspectors as CSV with the columns id, name,
// certificate, department, districts, categories, max_per_round, leave,
// conflicts. List columns are ';'-separated; leave days are written
// sorted, consecutive days as one "first..last" range.
func WriteInspectorsCSV(w io.Writer, inspectors []risk.Inspector) error {
	lw := newLineWriter(w)
	lw.header(inspectorColumns)
	for i := range inspectors {
		in := &inspectors[i]
		if err := checkInspector(in); err != nil {
			return err
		}
		b := appendCSVField(lw.buf, in.ID)
		b = append(b, ',')
		b = appendCSVField(b, in.Name)
		b = append(b, ',')
		b = appendCSVField(b, in.Certificate)
		b = append(b, ',')
		b = appendCSVField(b, in.Department)
		b = append(b, ',')
		b = appendCSVList(b, in.Districts)
		b = append(b, ',')
		b = appendCSVList(b, categoryNamesOf(in.Categories))
		b = append(b, ',')
		b = strconv.AppendInt(b, int64(in.MaxPerRound), 10)
		b = append(b, ',')
		b = appendCSVList(b, leaveRanges(in.Leave))
		b = append(b, ',')
		b = appendCSVList(b, in.Conflicts)
		lw.buf = b
		lw.endLine()
	}
	return lw.flush()
}

// JSON Lines.

// jsonObj builds one JSON object with fields in call order.
type jsonObj struct {
	b     []byte
	first bool
}

func (o *jsonObj) begin(b []byte) {
	o.b = append(b, '{')
	o.first = true
}

func (o *jsonObj) key(k string) {
	if !o.first {
		o.b = append(o.b, ',')
	}
	o.first = false
	o.b = appendJSONString(o.b, k)
	o.b = append(o.b, ':')
}

func (o *jsonObj) str(k, v string) {
	o.key(k)
	o.b = appendJSONString(o.b, v)
}

func (o *jsonObj) num(k string, f float64) {
	o.key(k)
	o.b = appendFloat(o.b, f)
}

func (o *jsonObj) int(k string, n int) {
	o.key(k)
	o.b = strconv.AppendInt(o.b, int64(n), 10)
}

func (o *jsonObj) bool(k string, v bool) {
	o.key(k)
	o.b = appendBool(o.b, v)
}

func (o *jsonObj) time(k string, t time.Time) {
	o.key(k)
	o.b = append(o.b, '"')
	o.b = appendTime(o.b, t)
	o.b = append(o.b, '"')
}

func (o *jsonObj) date(k string, t time.Time) {
	o.key(k)
	o.b = append(o.b, '"')
	o.b = appendDate(o.b, t)
	o.b = append(o.b, '"')
}

func (o *jsonObj) list(k string, list []string) {
	o.key(k)
	o.b = append(o.b, '[')
	for i, s := range list {
		if i > 0 {
			o.b = append(o.b, ',')
		}
		o.b = appendJSONString(o.b, s)
	}
	o.b = append(o.b, ']')
}

func (o *jsonObj) end() []byte { return append(o.b, '}') }

// appendJSONString appends s as a JSON string; invalid UTF-8 becomes
// U+FFFD as in encoding/json.
func appendJSONString(dst []byte, s string) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				dst = append(dst, '\\', c)
			case c == '\n':
				dst = append(dst, '\\', 'n')
			case c == '\r':
				dst = append(dst, '\\', 'r')
			case c == '\t':
				dst = append(dst, '\\', 't')
			case c < 0x20:
				dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			default:
				dst = append(dst, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, `\ufffd`...)
		} else {
			dst = append(dst, s[i:i+size]...)
		}
		i += size
	}
	return append(dst, '"')
}

// WriteUnitsJSONL writes units as JSON Lines, one object per unit with the
// fields id, name, category, district, key_unit, crowded_place,
// high_fire_risk, lat and lon (only when HasLocation) and attrs (only when
// there are attributes: an object from name to number or string, keys
// sorted).
func WriteUnitsJSONL(w io.Writer, units []risk.Unit) error {
	if _, err := attrNames(units); err != nil {
		return err
	}
	lw := newLineWriter(w)
	var o jsonObj
	var order []int
	for i := range units {
		u := &units[i]
		if err := checkUnit(u); err != nil {
			return err
		}
		o.begin(lw.buf)
		o.str("id", u.ID)
		o.str("name", u.Name)
		o.str("category", u.Category.String())
		o.str("district", u.District)
		o.bool("key_unit", u.KeyUnit)
		o.bool("crowded_place", u.CrowdedPlace)
		o.bool("high_fire_risk", u.HighFireRisk)
		if u.HasLocation {
			o.num("lat", u.Lat)
			o.num("lon", u.Lon)
		}
		if len(u.Attrs) > 0 {
			order = order[:0]
			for j := range u.Attrs {
				order = append(order, j)
			}
			sort.Slice(order, func(a, b int) bool { return u.Attrs[order[a]].Name < u.Attrs[order[b]].Name })
			o.key("attrs")
			var ao jsonObj
			ao.begin(o.b)
			for _, j := range order {
				a := &u.Attrs[j]
				if a.Numeric {
					ao.num(a.Name, a.Num)
				} else {
					ao.str(a.Name, a.Text)
				}
			}
			o.b = ao.end()
		}
		lw.buf = o.end()
		lw.endLine()
	}
	return lw.flush()
}

// WriteTelemetryJSONL writes events as JSON Lines with the fields unit_id,
// device_id, device_type, time, kind, value (only when HasValue) and
// measure (only when not empty).
func WriteTelemetryJSONL(w io.Writer, events []risk.TelemetryEvent) error {
	lw := newLineWriter(w)
	var o jsonObj
	for i := range events {
		e := &events[i]
		if e.HasValue {
			if err := checkFloat(e.Value, "telemetry of unit", e.UnitID, "value"); err != nil {
				return err
			}
		}
		o.begin(lw.buf)
		o.str("unit_id", e.UnitID)
		o.str("device_id", e.DeviceID)
		o.str("device_type", e.DeviceType.String())
		o.time("time", e.Time)
		o.str("kind", e.Kind.String())
		if e.HasValue {
			o.num("value", e.Value)
		}
		if e.Measure != "" {
			o.str("measure", e.Measure)
		}
		lw.buf = o.end()
		lw.endLine()
	}
	return lw.flush()
}

// WriteIncidentsJSONL writes incidents as JSON Lines with the fields
// unit_id, time, type, loss (only when HasLoss) and casualties.
func WriteIncidentsJSONL(w io.Writer, incidents []risk.Incident) error {
	lw := newLineWriter(w)
	var o jsonObj
	for i := range incidents {
		in := &incidents[i]
		if in.HasLoss {
			if err := checkFloat(in.Loss, "incident of unit", in.UnitID, "loss"); err != nil {
				return err
			}
		}
		o.begin(lw.buf)
		o.str("unit_id", in.UnitID)
		o.time("time", in.Time)
		o.str("type", in.Type.String())
		if in.HasLoss {
			o.num("loss", in.Loss)
		}
		o.int("casualties", in.Casualties)
		lw.buf = o.end()
		lw.endLine()
	}
	return lw.flush()
}

// WriteInspectionsJSONL writes inspections as JSON Lines, one object per
// inspection with the fields inspection_id, unit_id, date, inspectors (an
// array), result, reason and violations (an array of objects with code,
// severity, and deadline and rectified when set).
func WriteInspectionsJSONL(w io.Writer, inspections []risk.Inspection) error {
	lw := newLineWriter(w)
	var o jsonObj
	for i := range inspections {
		in := &inspections[i]
		if err := checkList(in.Inspectors, "inspection", in.ID, "inspectors"); err != nil {
			return err
		}
		o.begin(lw.buf)
		o.str("inspection_id", in.ID)
		o.str("unit_id", in.UnitID)
		o.date("date", in.Date)
		o.list("inspectors", in.Inspectors)
		o.str("result", in.Result.String())
		o.str("reason", in.Reason.String())
		o.key("violations")
		o.b = append(o.b, '[')
		for k := range in.Violations {
			v := &in.Violations[k]
			if k > 0 {
				o.b = append(o.b, ',')
			}
			var vo jsonObj
			vo.begin(o.b)
			vo.str("code", v.Code)
			vo.str("severity", v.Severity.String())
			if !v.Deadline.IsZero() {
				vo.date("deadline", v.Deadline)
			}
			if !v.Rectified.IsZero() {
				vo.date("rectified", v.Rectified)
			}
			o.b = vo.end()
		}
		o.b = append(o.b, ']')
		lw.buf = o.end()
		lw.endLine()
	}
	return lw.flush()
}

// WriteCreditJSONL writes credit records as JSON Lines with the fields
// unit_id, grade, dishonest, penalties, as_of.
func WriteCreditJSONL(w io.Writer, credit []risk.CreditRecord) error {
	lw := newLineWriter(w)
	var o jsonObj
	for i := range credit {
		c := &credit[i]
		o.begin(lw.buf)
		o.str("unit_id", c.UnitID)
		o.str("grade", c.Grade.String())
		o.bool("dishonest", c.Dishonest)
		o.int("penalties", c.Penalties)
		o.date("as_of", c.AsOf)
		lw.buf = o.end()
		lw.endLine()
	}
	return lw.flush()
}

// WriteInspectorsJSONL writes inspectors as JSON Lines with the fields id,
// name, certificate, department, districts, categories, max_per_round,
// leave and conflicts; list fields are arrays, leave as in
// WriteInspectorsCSV.
func WriteInspectorsJSONL(w io.Writer, inspectors []risk.Inspector) error {
	lw := newLineWriter(w)
	var o jsonObj
	for i := range inspectors {
		in := &inspectors[i]
		if err := checkInspector(in); err != nil {
			return err
		}
		o.begin(lw.buf)
		o.str("id", in.ID)
		o.str("name", in.Name)
		o.str("certificate", in.Certificate)
		o.str("department", in.Department)
		o.list("districts", in.Districts)
		o.list("categories", categoryNamesOf(in.Categories))
		o.int("max_per_round", in.MaxPerRound)
		o.list("leave", leaveRanges(in.Leave))
		o.list("conflicts", in.Conflicts)
		lw.buf = o.end()
		lw.endLine()
	}
	return lw.flush()
}
