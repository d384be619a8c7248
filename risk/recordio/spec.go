package recordio

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/firedraw/firedraw/risk"
	"golang.org/x/text/unicode/norm"
)

// One description drives both directions: every record type has a table
// of fields (columns.go), each naming its column and holding the function
// that reads the column from a row into a record and the one that writes
// it from a record. The loaders (CSV header check, "did you mean", CSV
// and JSON parsing) and the writers (CSV and JSON Lines) are the same
// code for every record type, run over these tables.

// colKind is the JSON type a column takes.
type colKind uint8

const (
	kText colKind = iota // string (also times and enumerations)
	kNum                 // number
	kBool                // boolean
	kList                // array of strings
)

// column is a column's name (CSV header and JSON key), JSON type and
// whether the loaders require it.
type column struct {
	name     string
	kind     colKind
	required bool
}

// spec describes the columns of one record type, without their types:
// what the CSV header check and the JSON object decoder need.
type spec struct {
	kind  string // record type in messages
	cols  []column
	index map[string]int
	idCol int // column holding the record ID for errors
	// nJSON is the number of leading columns that are top-level JSON
	// fields (inspections nest the others in "violations").
	nJSON int
	attrs bool // units: extra columns are attributes
}

func newSpec(kind string, idCol, nJSON int, attrs bool, cols ...column) *spec {
	s := &spec{kind: kind, cols: cols, index: map[string]int{}, idCol: idCol, nJSON: nJSON, attrs: attrs}
	for i, c := range cols {
		s.index[c.name] = i
	}
	return s
}

func (s *spec) names() string { return strings.Join(s.colNames(), ", ") }

// foldName folds a column name for comparison with the known names:
// NFKC (full-width letters), lower case, without spaces, '-' and '_'.
func foldName(name string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' || r == '_' || unicode.IsSpace(r) {
			return -1
		}
		return unicode.ToLower(r)
	}, norm.NFKC.String(name))
}

// suggest returns the column of s that name is a variant of (differing in
// case, spaces, '-' or '_'), or "" if there is none.
func (s *spec) suggest(name string) string {
	f := foldName(name)
	for _, c := range s.cols {
		if c.name != name && foldName(c.name) == f {
			return c.name
		}
	}
	return ""
}

// didYouMean returns ": did you mean x?" if name is a variant of column
// x, else "".
func (s *spec) didYouMean(name string) string {
	if c := s.suggest(name); c != "" {
		return fmt.Sprintf(": did you mean %s?", c)
	}
	return ""
}

// has reports whether s has a column called name.
func (s *spec) has(name string) bool {
	_, ok := s.index[name]
	return ok
}

// colNames returns the names of the columns of s, in order.
func (s *spec) colNames() []string {
	names := make([]string, len(s.cols))
	for i, c := range s.cols {
		names[i] = c.name
	}
	return names
}

// field is a column of record type T with its two directions. Exactly
// one of str, format and list is set.
type field[T any] struct {
	column
	// parse reads column c of r into v. The loader adds the source, line
	// and record ID to the error.
	parse func(l *loader, r *row, c int, v *T) *risk.RecordError
	// str returns a text value, quoted or escaped as the format needs; ok
	// false writes no JSON field (the CSV cell is still written).
	str func(v *T) (s string, ok bool)
	// format appends a value that needs no quoting or escaping (a number,
	// a boolean, a time, an enumeration); ok false means none: nothing
	// appended, an empty CSV cell and no JSON field.
	format func(dst []byte, v *T) (out []byte, ok bool)
	// list returns the elements of a kList column.
	list func(v *T) []string
}

// table is the column specification of record type T: its fields in
// column order and its untyped spec. Nested columns (the violations of an
// inspection) follow the fields in spec.
type table[T any] struct {
	*spec
	fields []field[T]
	// parsers holds the parse functions of fields, in a slice of their
	// own: the loop over them is the loaders' inner loop.
	parsers []func(l *loader, r *row, c int, v *T) *risk.RecordError
	// check returns an error for a record the loaders could not read
	// back unchanged; the writers call it before writing the record.
	check func(v *T) error
}

// newTable returns the table of the fields, whose spec has also the
// columns of nested, after those of the fields, as non-JSON columns.
func newTable[T any](kind string, idCol int, attrs bool, check func(*T) error, nested []column, fields ...field[T]) *table[T] {
	cols := make([]column, 0, len(fields)+len(nested))
	for _, f := range fields {
		cols = append(cols, f.column)
	}
	cols = append(cols, nested...)
	t := &table[T]{spec: newSpec(kind, idCol, len(fields), attrs, cols...), fields: fields, check: check}
	for _, f := range fields {
		t.parsers = append(t.parsers, f.parse)
	}
	return t
}

// parse reads the columns of r into v, in column order, stopping at the
// first error.
func (t *table[T]) parse(l *loader, r *row, v *T) *risk.RecordError {
	return t.parseAt(l, r, 0, v)
}

// parseAt is parse for a row whose column c0 is the table's first
// (violations in an inspection's CSV row).
func (t *table[T]) parseAt(l *loader, r *row, c0 int, v *T) *risk.RecordError {
	for k, parse := range t.parsers {
		if e := parse(l, r, c0+k, v); e != nil {
			return e
		}
	}
	return nil
}

// appendCSV appends the CSV cells of v, separated by commas.
func (t *table[T]) appendCSV(b []byte, v *T) []byte {
	for k := range t.fields {
		if k > 0 {
			b = append(b, ',')
		}
		f := &t.fields[k]
		switch {
		case f.str != nil:
			s, _ := f.str(v)
			b = appendCSVField(b, s)
		case f.list != nil:
			b = appendCSVList(b, f.list(v))
		default:
			b, _ = f.format(b, v)
		}
	}
	return b
}

// appendJSON appends the JSON fields of v to o.
func (t *table[T]) appendJSON(o *jsonObj, v *T) {
	for k := range t.fields {
		f := &t.fields[k]
		switch {
		case f.str != nil:
			if s, ok := f.str(v); ok {
				o.str(f.name, s)
			}
		case f.list != nil:
			o.list(f.name, f.list(v))
		default:
			n, first := len(o.b), o.first
			o.key(f.name)
			quote := f.kind == kText
			if quote {
				o.b = append(o.b, '"')
			}
			var ok bool
			if o.b, ok = f.format(o.b, v); !ok {
				o.b, o.first = o.b[:n], first
				continue
			}
			if quote {
				o.b = append(o.b, '"')
			}
		}
	}
}
