package synthcity

import (
	"bufio"
	"encoding/csv"
	"errors"
	"io"
	"math"
	"strconv"

	"github.com/firedraw/firedraw/risk"
)

// outcomeColumns are the columns of an outcomes CSV file, in the order
// WriteOutcomesCSV writes them.
var outcomeColumns = []string{"unit_id", "hazard", "fire", "major_violation", "any"}

// WriteOutcomesCSV writes outcomes as CSV with the columns unit_id,
// hazard, fire, major_violation, any (booleans as true/false, the hazard
// by strconv 'g' with the shortest precision), the format LoadOutcomes
// reads. It returns an error wrapping risk.ErrBadNumber for a hazard
// outside [0, 1] and risk.ErrMissingValue for an empty unit ID.
func WriteOutcomesCSV(w io.Writer, outcomes []Outcome) error {
	bw := bufio.NewWriter(w)
	cw := csv.NewWriter(bw)
	if err := cw.Write(outcomeColumns); err != nil {
		return err
	}
	rec := make([]string, len(outcomeColumns))
	for i := range outcomes {
		o := &outcomes[i]
		if o.UnitID == "" {
			return &risk.RecordError{Line: i + 2, Column: "unit_id", Err: risk.ErrMissingValue}
		}
		if !(o.Hazard >= 0 && o.Hazard <= 1) {
			return &risk.RecordError{Line: i + 2, Column: "hazard", RecordID: o.UnitID,
				Value: strconv.FormatFloat(o.Hazard, 'g', -1, 64), Err: risk.ErrBadNumber}
		}
		rec[0] = o.UnitID
		rec[1] = strconv.FormatFloat(o.Hazard, 'g', -1, 64)
		rec[2] = strconv.FormatBool(o.Fire)
		rec[3] = strconv.FormatBool(o.MajorViolation)
		rec[4] = strconv.FormatBool(o.Any)
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}

// LoadOutcomes reads outcomes CSV as written by WriteOutcomesCSV: a
// header naming the columns unit_id, hazard, fire, major_violation and
// any in any order (extra columns are ignored), then one row per unit.
// Booleans are parsed by strconv.ParseBool. Any row error is a
// *risk.RecordError naming source, line, column, unit and value, wrapping
// risk.ErrMissingColumn, risk.ErrMissingValue, risk.ErrBadNumber (hazard
// not a number in [0, 1]), risk.ErrMalformed (a bad boolean, a row of the
// wrong length, or any ≠ fire || major_violation) or risk.ErrDuplicateID.
// It stops at the first bad row.
func LoadOutcomes(r io.Reader, source string) ([]Outcome, error) {
	cr := csv.NewReader(r)
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err == io.EOF {
		return nil, &risk.RecordError{Source: source, Line: 1, Column: outcomeColumns[0], Err: risk.ErrMissingColumn}
	}
	if err != nil {
		return nil, csvError(source, err)
	}
	pos := make([]int, len(outcomeColumns))
	for k, name := range outcomeColumns {
		pos[k] = -1
		for j, h := range header {
			if j == 0 {
				h = trimBOM(h)
			}
			if h == name {
				pos[k] = j
			}
		}
		if pos[k] < 0 {
			return nil, &risk.RecordError{Source: source, Line: 1, Column: name, Err: risk.ErrMissingColumn}
		}
	}
	var out []Outcome
	seen := map[string]bool{}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, csvError(source, err)
		}
		line, _ := cr.FieldPos(0)
		fail := func(col, id, val string, sentinel error) error {
			return &risk.RecordError{Source: source, Line: line, Column: col, RecordID: id, Value: val, Err: sentinel}
		}
		o := Outcome{UnitID: rec[pos[0]]}
		if o.UnitID == "" {
			return nil, fail("unit_id", "", "", risk.ErrMissingValue)
		}
		if seen[o.UnitID] {
			return nil, fail("unit_id", o.UnitID, o.UnitID, risk.ErrDuplicateID)
		}
		seen[o.UnitID] = true
		s := rec[pos[1]]
		o.Hazard, err = strconv.ParseFloat(s, 64)
		if err != nil || !(o.Hazard >= 0 && o.Hazard <= 1) || math.IsNaN(o.Hazard) {
			return nil, fail("hazard", o.UnitID, s, risk.ErrBadNumber)
		}
		for k, dst := range []*bool{&o.Fire, &o.MajorViolation, &o.Any} {
			s := rec[pos[2+k]]
			if *dst, err = strconv.ParseBool(s); err != nil {
				return nil, fail(outcomeColumns[2+k], o.UnitID, s, risk.ErrMalformed)
			}
		}
		if o.Any != (o.Fire || o.MajorViolation) {
			return nil, fail("any", o.UnitID, rec[pos[4]], risk.ErrMalformed)
		}
		out = append(out, o)
	}
}

func trimBOM(s string) string {
	if len(s) >= 3 && s[:3] == "\uFEFF" {
		return s[3:]
	}
	return s
}

// csvError turns an encoding/csv error into a *risk.RecordError.
func csvError(source string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &risk.RecordError{Source: source, Line: pe.Line, Err: errors.Join(risk.ErrMalformed, pe.Err)}
	}
	return &risk.RecordError{Source: source, Err: errors.Join(risk.ErrMalformed, err)}
}
