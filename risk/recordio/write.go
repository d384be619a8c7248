package recordio

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/firedraw/firedraw/risk"
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

// checkID rejects an ID that the loaders would change by the ID rule
// (see NormalizeID), so that it could not be read back unchanged.
func checkID(what, id, field, v string) error {
	plain := true
	for i := 0; i < len(v); i++ {
		if v[i] <= ' ' || v[i] >= 0x7f {
			plain = false
			break
		}
	}
	if plain && (len(v) != 18 || strings.ToUpper(v) == v) {
		return nil
	}
	if n, err := normalizeID([]byte(v)); err != nil || string(n) != v {
		return writeErr(risk.ErrMalformed, what, id, "%s %q is not in the normal form of IDs (see NormalizeID)", field, v)
	}
	return nil
}

// checkIDs applies checkID to a list of IDs.
func checkIDs(list []string, what, id, field string) error {
	for _, v := range list {
		if err := checkID(what, id, field, v); err != nil {
			return err
		}
	}
	return checkList(list, what, id, field)
}

// checkCount rejects an integer the loaders would refuse.
func checkCount(n int, what, id, field string) error {
	if n < 0 || int64(n) > MaxCount {
		return writeErr(risk.ErrBadNumber, what, id, "%s is %d, outside [0, %d]", field, n, MaxCount)
	}
	return nil
}

// checkUnitRef checks the unit ID of a record other than a unit.
func checkUnitRef(what, unitID string) error {
	return checkID(what, unitID, "unit_id", unitID)
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
	case unitTable.has(name):
		return fmt.Errorf("attribute name %q is a unit column", name)
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
	slot := make([]int, len(names))
	return writeCSV(w, unitTable, units, names, func(b []byte, u *risk.Unit) []byte {
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
		return b
	})
}

// writeCSV writes the header of t followed by the names extra, then a
// line per record: its cells, then those tail appends (if not nil).
func writeCSV[T any](w io.Writer, t *table[T], recs []T, extra []string, tail func(b []byte, v *T) []byte) error {
	lw := newLineWriter(w)
	lw.header(append(t.colNames(), extra...))
	for i := range recs {
		v := &recs[i]
		if err := t.check(v); err != nil {
			return err
		}
		lw.buf = t.appendCSV(lw.buf, v)
		if tail != nil {
			lw.buf = tail(lw.buf, v)
		}
		lw.endLine()
	}
	return lw.flush()
}

// writeJSONL writes a line per record: an object with the fields of t,
// then those tail adds (if not nil).
func writeJSONL[T any](w io.Writer, t *table[T], recs []T, tail func(o *jsonObj, v *T)) error {
	lw := newLineWriter(w)
	var o jsonObj
	for i := range recs {
		v := &recs[i]
		if err := t.check(v); err != nil {
			return err
		}
		o.begin(lw.buf)
		t.appendJSON(&o, v)
		if tail != nil {
			tail(&o, v)
		}
		lw.buf = o.end()
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
		tw.lw.header(telemetryTable.colNames())
	}
}

// Write writes one event. The first error (from validation or from the
// underlying writer) is returned by this and every later call.
func (tw *TelemetryCSVWriter) Write(e *risk.TelemetryEvent) error {
	if tw.lw.err != nil {
		return tw.lw.err
	}
	tw.writeHeader()
	if err := checkTelemetry(e); err != nil {
		tw.lw.err = err
		return err
	}
	tw.lw.buf = telemetryTable.appendCSV(tw.lw.buf, e)
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
	return writeCSV(w, incidentTable, incidents, nil, nil)
}

// WriteInspectionsCSV writes inspections as CSV in long format with the
// columns inspection_id, unit_id, date, inspectors, result, reason, code,
// severity, deadline, rectified: one row per violation, or one row with
// empty violation columns for an inspection without violations.
func WriteInspectionsCSV(w io.Writer, inspections []risk.Inspection) error {
	lw := newLineWriter(w)
	lw.header(inspectionTable.colNames())
	noViolation := strings.Repeat(",", len(violationTable.fields))
	for i := range inspections {
		in := &inspections[i]
		if err := checkInspection(in); err != nil {
			return err
		}
		for k := range max(1, len(in.Violations)) {
			b := inspectionTable.appendCSV(lw.buf, in)
			if k < len(in.Violations) {
				b = violationTable.appendCSV(append(b, ','), &in.Violations[k])
			} else {
				b = append(b, noViolation...)
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
	return writeCSV(w, creditTable, credit, nil, nil)
}

// WriteInspectorsCSV writes inspectors as CSV with the columns id, name,
// certificate, department, districts, categories, max_per_round, leave,
// conflicts. List columns are ';'-separated; leave days are written
// sorted, consecutive days as one "first..last" range.
func WriteInspectorsCSV(w io.Writer, inspectors []risk.Inspector) error {
	return writeCSV(w, inspectorTable, inspectors, nil, nil)
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
	var order []int
	return writeJSONL(w, unitTable, units, func(o *jsonObj, u *risk.Unit) {
		if len(u.Attrs) == 0 {
			return
		}
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
	})
}

// WriteTelemetryJSONL writes events as JSON Lines with the fields unit_id,
// device_id, device_type, time, kind, value (only when HasValue) and
// measure (only when not empty).
func WriteTelemetryJSONL(w io.Writer, events []risk.TelemetryEvent) error {
	return writeJSONL(w, telemetryTable, events, nil)
}

// WriteIncidentsJSONL writes incidents as JSON Lines with the fields
// unit_id, time, type, loss (only when HasLoss) and casualties.
func WriteIncidentsJSONL(w io.Writer, incidents []risk.Incident) error {
	return writeJSONL(w, incidentTable, incidents, nil)
}

// WriteInspectionsJSONL writes inspections as JSON Lines, one object per
// inspection with the fields inspection_id, unit_id, date, inspectors (an
// array), result, reason and violations (an array of objects with code,
// severity, and deadline and rectified when set).
func WriteInspectionsJSONL(w io.Writer, inspections []risk.Inspection) error {
	return writeJSONL(w, inspectionTable, inspections, func(o *jsonObj, in *risk.Inspection) {
		o.key("violations")
		o.b = append(o.b, '[')
		for k := range in.Violations {
			if k > 0 {
				o.b = append(o.b, ',')
			}
			var vo jsonObj
			vo.begin(o.b)
			violationTable.appendJSON(&vo, &in.Violations[k])
			o.b = vo.end()
		}
		o.b = append(o.b, ']')
	})
}

// WriteCreditJSONL writes credit records as JSON Lines with the fields
// unit_id, grade, dishonest, penalties, as_of.
func WriteCreditJSONL(w io.Writer, credit []risk.CreditRecord) error {
	return writeJSONL(w, creditTable, credit, nil)
}

// WriteInspectorsJSONL writes inspectors as JSON Lines with the fields id,
// name, certificate, department, districts, categories, max_per_round,
// leave and conflicts; list fields are arrays, leave as in
// WriteInspectorsCSV.
func WriteInspectorsJSONL(w io.Writer, inspectors []risk.Inspector) error {
	return writeJSONL(w, inspectorTable, inspectors, nil)
}
