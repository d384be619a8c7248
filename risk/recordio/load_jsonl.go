package recordio

import (
	"bytes"
	"encoding/json"
	"fmt"
	"github.com/firedraw/firedraw/risk"
	"io"
	"slices"
	"strings"
	"unicode/utf8"
)

// runJSONL feeds each non-blank line of r, one JSON object, to fn as a
// row.
func (l *loader) runJSONL(r io.Reader, fn func(*row) *risk.RecordError) {
	lr := newLineReader(r)
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

// jsonObject decodes one JSON object and returns its keys sorted, so that
// the first error reported does not depend on map order.
func jsonObject(b []byte) (map[string]json.RawMessage, []string, error) {
	if len(b) == 0 || b[0] != '{' {
		return nil, nil, fmt.Errorf("want a JSON object")
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, nil, err
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return m, keys, nil
}

// jsonRow fills rw from one line.
func (l *loader) jsonRow(rw *row, b []byte) *risk.RecordError {
	if !utf8.Valid(b) {
		return &risk.RecordError{Err: fmt.Errorf("%w: not valid UTF-8", risk.ErrMalformed)}
	}
	m, keys, err := jsonObject(b)
	if err != nil {
		return &risk.RecordError{Err: fmt.Errorf("%w: %v", risk.ErrMalformed, err)}
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
			case k == "violations" && s == inspectionSpec:
				rw.violations = v
				continue
			}
			return &risk.RecordError{Column: k, Err: fmt.Errorf("%w: %q is not a %s field", risk.ErrUnknownField, k, s.kind)}
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
	m, names, err := jsonObject(raw)
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
	n := len(violationSpec.cols)
	sub := &row{spec: violationSpec, line: rw.line, vals: make([][]byte, n), lists: make([][]string, n)}
	for i, item := range list {
		sub.prefix = fmt.Sprintf("violations[%d].", i)
		clear(sub.vals)
		m, keys, err := jsonObject(item)
		if err != nil {
			return &risk.RecordError{Column: fmt.Sprintf("violations[%d]", i), Value: string(item),
				Err: fmt.Errorf("%w: %v", risk.ErrMalformed, err)}
		}
		for _, k := range keys {
			c, ok := violationSpec.index[k]
			if !ok {
				return &risk.RecordError{Column: sub.prefix + k,
					Err: fmt.Errorf("%w: %q is not a violation field", risk.ErrUnknownField, k)}
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
