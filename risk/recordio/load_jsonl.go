package recordio

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/firedraw/firedraw/risk"
)

// runJSONL feeds each non-blank line of r, one JSON object, to fn as a
// row.
func (l *loader) runJSONL(r io.Reader, fn func(*row) *risk.RecordError) {
	lr := newLineReader(r, &l.opt)
	s := l.spec
	rw := &row{spec: s, vals: make([][]byte, len(s.cols)), lists: make([][]string, len(s.cols))}
	for {
		b, err := lr.readLine()
		if err == io.EOF {
			return
		}
		if err != nil {
			l.fatal(&risk.RecordError{Line: lr.lineNo + 1, Err: err})
			return
		}
		b = bytes.TrimSpace(b)
		if len(b) == 0 {
			continue
		}
		rw.line = lr.lineNo
		clear(rw.vals)
		clear(rw.lists)
		rw.attrs, rw.violations = nil, nil
		e := l.jsonRow(rw, b)
		if e == nil {
			e = fn(rw)
		}
		if e != nil && !l.reject(rw, e) || l.err != nil {
			return
		}
	}
}

// keyError reports a bad key of a JSON object.
type keyError struct {
	key      string
	sentinel error
	msg      string
}

func (e *keyError) Error() string { return e.msg }

// recordError returns the error for the key, inside object prefix.
func (e *keyError) recordError(prefix string) *risk.RecordError {
	return &risk.RecordError{Column: prefix + e.key, Err: fmt.Errorf("%w: %s", e.sentinel, e.msg)}
}

// jsonObject decodes one JSON object and returns its keys sorted, so that
// the first error reported does not depend on map order. A key repeated
// exactly or up to case, or a value longer than maxField, is a *keyError:
// a last-wins decode would let {"high_fire_risk":true,…,"high_fire_risk":
// false} load silently. Data after the object is an error.
func jsonObject(b []byte, maxField int) (map[string]json.RawMessage, []string, error) {
	if len(b) == 0 || b[0] != '{' {
		return nil, nil, fmt.Errorf("want a JSON object")
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	if _, err := dec.Token(); err != nil {
		return nil, nil, err
	}
	m := map[string]json.RawMessage{}
	folded := map[string]string{}
	var keys []string
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, nil, err
		}
		k, _ := t.(string)
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, nil, err
		}
		if _, dup := m[k]; dup {
			return nil, nil, &keyError{k, risk.ErrMalformed, fmt.Sprintf("duplicate key %q", k)}
		}
		f := strings.ToLower(k)
		if o, dup := folded[f]; dup {
			return nil, nil, &keyError{k, risk.ErrMalformed, fmt.Sprintf("keys %q and %q differ only in case", o, k)}
		}
		if len(v) > maxField {
			return nil, nil, &keyError{k, ErrTooLarge, fieldTooLong(maxField).Error()}
		}
		m[k], folded[f] = v, k
		keys = append(keys, k)
	}
	if _, err := dec.Token(); err != nil {
		return nil, nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, nil, fmt.Errorf("data after the object")
	}
	slices.Sort(keys)
	return m, keys, nil
}

// objectError returns the error for a failed jsonObject.
func objectError(err error, column, value string) *risk.RecordError {
	if ke, ok := err.(*keyError); ok {
		if column != "" {
			column += "."
		}
		return ke.recordError(column)
	}
	return &risk.RecordError{Column: column, Value: value, Err: fmt.Errorf("%w: %v", risk.ErrMalformed, err)}
}

// jsonRow fills rw from one line.
func (l *loader) jsonRow(rw *row, b []byte) *risk.RecordError {
	if !utf8.Valid(b) {
		return &risk.RecordError{Err: fmt.Errorf("%w: not valid UTF-8", risk.ErrMalformed)}
	}
	m, keys, err := jsonObject(b, l.maxField)
	if err != nil {
		return objectError(err, "", "")
	}
	s := rw.spec
	// The record ID first, so that errors in other fields can name it.
	idName := s.cols[s.idCol].name
	if v, ok := m[idName]; ok {
		if e := setJSON(rw, s.idCol, v); e != nil {
			return e
		}
	}
	for _, k := range keys {
		v := m[k]
		c, ok := s.index[k]
		if c == s.idCol && ok {
			continue
		}
		if !ok || c >= s.nJSON {
			switch {
			case k == "attrs" && s.attrs:
				rw.attrs = v
				continue
			case k == "violations" && s == inspectionTable.spec:
				rw.violations = v
				continue
			}
			return &risk.RecordError{Column: k, Err: fmt.Errorf("%w: %q is not a %s field%s", risk.ErrUnknownField, k, s.kind, s.didYouMean(k))}
		}
		if e := setJSON(rw, c, v); e != nil {
			return e
		}
	}
	return nil
}

// setJSON stores the JSON value v in column c, checking its type.
func setJSON(r *row, c int, v json.RawMessage) *risk.RecordError {
	if len(v) == 0 || string(v) == "null" {
		return nil
	}
	bad := func(want string) *risk.RecordError {
		return &risk.RecordError{Column: r.colName(c), Value: string(v), Err: fmt.Errorf("%w: want %s", risk.ErrMalformed, want)}
	}
	switch r.spec.cols[c].kind {
	case kText:
		var s string
		if v[0] != '"' || json.Unmarshal(v, &s) != nil {
			return bad("a string")
		}
		r.vals[c] = []byte(s)
	case kNum:
		if v[0] != '-' && (v[0] < '0' || v[0] > '9') {
			return bad("a number")
		}
		r.vals[c] = v
	case kBool:
		if string(v) != "true" && string(v) != "false" {
			return bad("true or false")
		}
		r.vals[c] = v
	case kList:
		var list []string
		if v[0] != '[' || json.Unmarshal(v, &list) != nil {
			return bad("an array of strings")
		}
		out := make([]string, 0, len(list))
		for _, s := range list {
			s = strings.TrimSpace(s)
			if s == "" {
				continue
			}
			if strings.IndexByte(s, listSep) >= 0 {
				return &risk.RecordError{Column: r.colName(c), Value: s,
					Err: fmt.Errorf("%w: list element contains ';'", risk.ErrMalformed)}
			}
			out = append(out, s)
		}
		r.lists[c] = out
		// vals keeps the raw array so that errors can quote it.
		r.vals[c] = v
	}
	return nil
}

// jsonAttrs decodes a unit's "attrs" object.
func (l *loader) jsonAttrs(raw []byte) ([]risk.Attr, *risk.RecordError) {
	if string(raw) == "null" {
		return nil, nil
	}
	m, names, err := jsonObject(raw, l.maxField)
	if ke, ok := err.(*keyError); ok {
		return nil, ke.recordError("attrs.")
	}
	if err != nil {
		return nil, &risk.RecordError{Column: "attrs", Value: string(raw),
			Err: fmt.Errorf("%w: want an object of numbers and strings", risk.ErrMalformed)}
	}
	var attrs []risk.Attr
	for _, name := range names {
		v := m[name]
		col := "attrs." + name
		if err := checkAttrName(name); err != nil {
			return nil, &risk.RecordError{Column: col, Err: fmt.Errorf("%w: %v", risk.ErrMalformed, err)}
		}
		switch {
		case string(v) == "null":
		case v[0] == '"':
			var s string
			if err := json.Unmarshal(v, &s); err != nil {
				return nil, &risk.RecordError{Column: col, Value: string(v), Err: fmt.Errorf("%w: %v", risk.ErrMalformed, err)}
			}
			if s != "" {
				attrs = append(attrs, risk.Attr{Name: name, Text: l.intern.str(s)})
			}
		case v[0] == '-' || (v[0] >= '0' && v[0] <= '9'):
			var f float64
			if err := json.Unmarshal(v, &f); err != nil || !finite(f) {
				return nil, &risk.RecordError{Column: col, Value: string(v),
					Err: fmt.Errorf("%w: attribute must be finite", risk.ErrBadNumber)}
			}
			attrs = append(attrs, risk.Attr{Name: name, Numeric: true, Num: f})
		default:
			return nil, &risk.RecordError{Column: col, Value: string(v),
				Err: fmt.Errorf("%w: attribute must be a number or a string", risk.ErrMalformed)}
		}
	}
	return attrs, nil
}

// jsonViolations decodes an inspection's "violations" array.
func (l *loader) jsonViolations(rw *row, in *risk.Inspection) *risk.RecordError {
	raw := rw.violations
	if raw == nil || string(raw) == "null" {
		return nil
	}
	var list []json.RawMessage
	if raw[0] != '[' || json.Unmarshal(raw, &list) != nil {
		return &risk.RecordError{Column: "violations", Value: string(raw),
			Err: fmt.Errorf("%w: want an array of objects", risk.ErrMalformed)}
	}
	n := len(violationTable.fields)
	sub := &row{spec: violationTable.spec, line: rw.line, vals: make([][]byte, n), lists: make([][]string, n)}
	for i, item := range list {
		sub.prefix = fmt.Sprintf("violations[%d].", i)
		clear(sub.vals)
		m, keys, err := jsonObject(item, l.maxField)
		if err != nil {
			return objectError(err, fmt.Sprintf("violations[%d]", i), string(item))
		}
		for _, k := range keys {
			c, ok := violationTable.spec.index[k]
			if !ok {
				return &risk.RecordError{Column: sub.prefix + k,
					Err: fmt.Errorf("%w: %q is not a violation field%s", risk.ErrUnknownField, k, violationTable.spec.didYouMean(k))}
			}
			if e := setJSON(sub, c, m[k]); e != nil {
				return e
			}
		}
		var v risk.Violation
		ok, e := l.parseViolation(sub, in, 0, &v)
		if e != nil {
			return e
		}
		if !ok {
			return sub.missing(0)
		}
		in.Violations = append(in.Violations, v)
	}
	return nil
}
