package recordio

import (
	"fmt"
	"strconv"
	"time"

	"github.com/firedraw/firedraw/risk"
)

// The kinds of field a table is made of. Each takes the column name and
// an accessor returning a pointer to the record's field, which serves
// both to set it (loading) and to get it (writing).

// idField is a required ID (see NormalizeID), stored as a new string.
func idField[T any](name string, p func(*T) *string) field[T] {
	return field[T]{column: column{name, kText, true},
		parse: func(_ *loader, r *row, c int, v *T) *risk.RecordError {
			id, e := r.id(c)
			if e != nil {
				return e
			}
			*p(v) = string(id)
			return nil
		},
		str: func(v *T) (string, bool) { return *p(v), true }}
}

// unitIDField is the "unit_id" of a record that refers to a unit,
// checked against LoadOptions.Units.
func unitIDField[T any](p func(*T) *string) field[T] {
	return field[T]{column: column{"unit_id", kText, true},
		parse: func(l *loader, r *row, c int, v *T) (e *risk.RecordError) {
			*p(v), e = l.unitID(r, c)
			return e
		},
		str: func(v *T) (string, bool) { return *p(v), true }}
}

// textField is optional free text, kept as is.
func textField[T any](name string, p func(*T) *string) field[T] {
	return field[T]{column: column{name, kText, false},
		parse: func(_ *loader, r *row, c int, v *T) *risk.RecordError {
			*p(v) = string(r.vals[c])
			return nil
		},
		str: func(v *T) (string, bool) { return *p(v), true }}
}

// sharedField is text whose string is shared between records with the
// same value (a district, a measure, a violation code). Empty is missing
// if required; omitEmpty writes no JSON field for it.
func sharedField[T any](name string, required, omitEmpty bool, p func(*T) *string) field[T] {
	return field[T]{column: column{name, kText, required},
		parse: func(l *loader, r *row, c int, v *T) *risk.RecordError {
			b := r.vals[c]
			if len(b) == 0 {
				if required {
					return r.missing(c)
				}
				*p(v) = ""
				return nil
			}
			*p(v) = l.intern.get(b)
			return nil
		},
		str: func(v *T) (string, bool) { s := *p(v); return s, s != "" || !omitEmpty }}
}

// enumField is an enumeration, read first by exact name in index (which
// may be nil), then with parse.
func enumField[T any, E fmt.Stringer](name string, required bool, index *enumIndex[E], parse func(string) (E, error), p func(*T) *E) field[T] {
	return field[T]{column: column{name, kText, required},
		parse: func(_ *loader, r *row, c int, v *T) (e *risk.RecordError) {
			*p(v), e = enumCol(r, c, index, parse)
			return e
		},
		format: func(dst []byte, v *T) ([]byte, bool) { return append(dst, (*p(v)).String()...), true }}
}

// boolField is an optional boolean; empty is false.
func boolField[T any](name string, p func(*T) *bool) field[T] {
	return field[T]{column: column{name, kBool, false},
		parse: func(_ *loader, r *row, c int, v *T) (e *risk.RecordError) {
			*p(v), e = r.boolean(c)
			return e
		},
		format: func(dst []byte, v *T) ([]byte, bool) { return appendBool(dst, *p(v)), true }}
}

// countField is an optional integer in [0, MaxCount]; empty is 0.
func countField[T any](name string, p func(*T) *int) field[T] {
	return field[T]{column: column{name, kNum, false},
		parse: func(_ *loader, r *row, c int, v *T) (e *risk.RecordError) {
			*p(v), e = r.count(c)
			return e
		},
		format: func(dst []byte, v *T) ([]byte, bool) { return strconv.AppendInt(dst, int64(*p(v)), 10), true }}
}

// optFloatField is an optional finite number with a flag saying whether
// it is present; nonNeg rejects negative numbers with msg.
func optFloatField[T any](name string, nonNeg bool, msg string, p func(*T) (*float64, *bool)) field[T] {
	return field[T]{column: column{name, kNum, false},
		parse: func(_ *loader, r *row, c int, v *T) *risk.RecordError {
			f, has, e := r.float(c)
			if e != nil {
				return e
			}
			if nonNeg && has && !(f >= 0) {
				return r.bad(c, risk.ErrBadNumber, "%s", msg)
			}
			x, h := p(v)
			*x, *h = f, has
			return nil
		},
		format: func(dst []byte, v *T) ([]byte, bool) {
			if x, h := p(v); *h {
				return appendFloat(dst, *x), true
			}
			return dst, false
		}}
}

// timeField is a timestamp, or a date (the UTC day) if dateOnly. An
// optional zero date is written as nothing. future checks it against
// LoadOptions.AsOf.
func timeField[T any](name string, required, dateOnly, future bool, p func(*T) *time.Time) field[T] {
	return field[T]{column: column{name, kText, required},
		parse: func(l *loader, r *row, c int, v *T) *risk.RecordError {
			t, e := r.timeCol(c, dateOnly)
			if e != nil {
				return e
			}
			if future {
				if e := l.future(r, c, t); e != nil {
					return e
				}
			}
			*p(v) = t
			return nil
		},
		format: func(dst []byte, v *T) ([]byte, bool) {
			t := *p(v)
			switch {
			case !required && t.IsZero():
				return dst, false
			case dateOnly:
				return appendDate(dst, t), true
			}
			return appendTime(dst, t), true
		}}
}

// idListField is a list of IDs (see NormalizeID); units checks each
// against LoadOptions.Units.
func idListField[T any](name string, units bool, p func(*T) *[]string) field[T] {
	return field[T]{column: column{name, kList, false},
		parse: func(l *loader, r *row, c int, v *T) *risk.RecordError {
			list, e := r.idList(c)
			if e != nil {
				return e
			}
			if units && l.opt.Units != nil {
				for _, u := range list {
					if !l.opt.Units.Has(u) {
						return &risk.RecordError{Column: r.colName(c), Value: u, Err: risk.ErrUnknownUnit}
					}
				}
			}
			*p(v) = list
			return nil
		},
		list: func(v *T) []string { return *p(v) }}
}

// needListField is a list that must not be empty (what names what it
// lists in the error): an inspector with an empty list of districts or
// categories would never be drawn, and a regulator's export that means
// "all" must say so by listing them. elem converts each element.
func needListField[T, E any](name, what string, elem func(r *row, c int, s string) (E, *risk.RecordError),
	name2 func(E) string, p func(*T) *[]E) field[T] {
	return field[T]{column: column{name, kList, false},
		parse: func(_ *loader, r *row, c int, v *T) *risk.RecordError {
			list := r.list(c)
			if len(list) == 0 {
				return r.emptyList(c, what)
			}
			out := make([]E, 0, len(list))
			for _, s := range list {
				x, e := elem(r, c, s)
				if e != nil {
					return e
				}
				out = append(out, x)
			}
			*p(v) = out
			return nil
		},
		list: func(v *T) []string {
			src := *p(v)
			out := make([]string, len(src))
			for i, x := range src {
				out[i] = name2(x)
			}
			return out
		}}
}

// blankCell reports whether b is empty after trimming white space.
func blankCell(b []byte) bool { return len(trimSpace(b)) == 0 }
