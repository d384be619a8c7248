package recordio

import (
	"bytes"
	"cmp"
	"compress/gzip"
	"fmt"
	"hash/maphash"
	"io"
	"io/fs"
	"math"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/firedraw/firedraw/risk"
	"github.com/firedraw/firedraw/risk/internal/par"
)

// Format is the encoding of a record file.
type Format uint8

// Record file formats.
const (
	// CSV is RFC 4180 comma-separated values, UTF-8 with an optional byte
	// order mark, whose first line names the columns in any order.
	CSV Format = iota
	// JSONL is JSON Lines: one JSON object per line, field names as the
	// CSV column names.
	JSONL
)

// String returns "CSV" or "JSONL".
func (f Format) String() string {
	switch f {
	case CSV:
		return "CSV"
	case JSONL:
		return "JSONL"
	}
	return "Format(" + strconv.Itoa(int(f)) + ")"
}

// FormatOf returns the format a file name implies: JSONL for a name
// ending in ".jsonl" or ".ndjson", CSV for any other. A trailing ".gz" is
// ignored and case does not matter.
func FormatOf(name string) Format {
	name = strings.ToLower(name)
	name = strings.TrimSuffix(name, ".gz")
	if strings.HasSuffix(name, ".jsonl") || strings.HasSuffix(name, ".ndjson") {
		return JSONL
	}
	return CSV
}

// LoadOptions configures a loader. The zero value reads CSV strictly with
// no date or unit checks.
type LoadOptions struct {
	// Source names the input in errors, typically its file name.
	Source string
	// Format is the encoding of the input.
	Format Format
	// Lenient makes a loader keep the good rows and return every rejected
	// row with its error. When false, a loader stops at the first bad row
	// and returns it as the error.
	Lenient bool
	// AsOf, if not zero, rejects with ErrFuture every record dated after
	// it (see each loader for the dated columns).
	AsOf time.Time
	// Units, if not nil, rejects with ErrUnknownUnit every record that
	// names a unit ID not in the directory.
	Units *risk.Directory
}

// colKind is the JSON type a column takes.
type colKind uint8

const (
	kText colKind = iota // string (also times and enumerations)
	kNum                 // number
	kBool                // boolean
	kList                // array of strings
)

type column struct {
	name     string
	kind     colKind
	required bool
}

// spec describes the columns of one record type.
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

// colNames returns the names of the columns of s, in order.
func (s *spec) colNames() []string {
	names := make([]string, len(s.cols))
	for i, c := range s.cols {
		names[i] = c.name
	}
	return names
}

// row is one record's values by spec column, from CSV or JSON. Byte
// slices are valid only during the call that receives the row.
type row struct {
	spec   *spec
	line   int
	prefix string // prepended to column names in errors (JSON nesting)
	vals   [][]byte
	// lists holds JSON arrays by column; nil for CSV, whose lists are
	// ';'-separated cells.
	lists [][]string
	// CSV attribute columns of units, sorted by name.
	extraNames []string
	extra      [][]byte
	// JSON "attrs" of units and "violations" of inspections.
	attrs, violations []byte
}

// loader holds the state common to every loader.
type loader struct {
	opt      LoadOptions
	spec     *spec
	rejected []*risk.RecordError
	err      error
	intern   interner
	strBuf   []byte // scratch for a unit's ID and name
	attrSlab []risk.Attr
	// recentIDs, if not nil, replaces intern for unit and device IDs.
	recentIDs *recentStrings
}

func newLoader(opt LoadOptions, s *spec) *loader {
	l := &loader{opt: opt, spec: s, intern: interner{m: map[string]string{}}}
	if s == telemetrySpec {
		l.recentIDs = newRecentStrings()
	}
	return l
}

// fatal ends loading with an error that concerns the whole input.
func (l *loader) fatal(e *risk.RecordError) {
	e.Source = l.opt.Source
	l.err = e
}

// reject records a bad row and reports whether loading goes on.
func (l *loader) reject(r *row, e *risk.RecordError) bool {
	e.Source = l.opt.Source
	if e.Line == 0 {
		e.Line = r.line
	}
	if e.RecordID == "" && r.vals != nil && r.spec == l.spec {
		e.RecordID = string(r.vals[l.spec.idCol])
	}
	if !l.opt.Lenient {
		l.err = e
		return false
	}
	l.rejected = append(l.rejected, e)
	return true
}

// keep records a rejection that already names its source and line, and
// reports whether loading goes on.
func (l *loader) keep(e *risk.RecordError) bool {
	if !l.opt.Lenient {
		l.err = e
		return false
	}
	l.rejected = append(l.rejected, e)
	return true
}

// run feeds every record of r to fn; an error fn returns rejects the row.
func (l *loader) run(r io.Reader, fn func(*row) *risk.RecordError) {
	switch l.opt.Format {
	case CSV:
		l.runCSV(r, fn)
	case JSONL:
		l.runJSONL(r, fn)
	default:
		l.fatal(&risk.RecordError{Err: fmt.Errorf("risk: unknown %v", l.opt.Format)})
	}
}

func finish[T any](l *loader, out []T) ([]T, []*risk.RecordError, error) {
	if l.err != nil {
		return nil, nil, l.err
	}
	return out, l.rejected, nil
}

// recentStrings shares the strings of values seen recently, in a small
// direct-mapped cache. Telemetry uses it for unit and device IDs: a map
// over hundreds of thousands of IDs costs a cache miss per lookup, more
// than allocating the string, while events of one device often come
// together.
type recentStrings struct {
	seed  maphash.Seed
	slots [256]string
}

func newRecentStrings() *recentStrings { return &recentStrings{seed: maphash.MakeSeed()} }

func (c *recentStrings) get(b []byte) string {
	i := maphash.Bytes(c.seed, b) % uint64(len(c.slots))
	if c.slots[i] == string(b) {
		return c.slots[i]
	}
	s := string(b)
	c.slots[i] = s
	return s
}

// interner shares the strings of repeated values (unit and device IDs,
// districts, measures) so that memory grows with distinct values, not
// rows. It stops adding after maxInterned entries.
type interner struct{ m map[string]string }

const maxInterned = 1 << 22

func (in *interner) str(s string) string {
	if t, ok := in.m[s]; ok {
		return t
	}
	if len(in.m) < maxInterned {
		in.m[s] = s
	}
	return s
}

func (in *interner) get(b []byte) string {
	if s, ok := in.m[string(b)]; ok {
		return s
	}
	s := string(b)
	if len(in.m) < maxInterned {
		in.m[s] = s
	}
	return s
}

// Value parsing. Each helper returns a *RecordError naming the column and
// value; the loader adds source, line and record ID.

func (r *row) colName(c int) string { return r.prefix + r.spec.cols[c].name }

func (r *row) bad(c int, sentinel error, format string, args ...any) *risk.RecordError {
	err := sentinel
	if format != "" {
		err = fmt.Errorf("%w: %s", sentinel, fmt.Sprintf(format, args...))
	}
	return &risk.RecordError{Column: r.colName(c), Value: string(r.vals[c]), Err: err}
}

func (r *row) missing(c int) *risk.RecordError {
	return &risk.RecordError{Column: r.colName(c), Err: risk.ErrMissingValue}
}

// need returns the non-empty value of column c.
func (r *row) need(c int) ([]byte, *risk.RecordError) {
	v := r.vals[c]
	if len(v) == 0 {
		return nil, r.missing(c)
	}
	return v, nil
}

// float parses an optional finite number; has is false for an empty cell.
func (r *row) float(c int) (f float64, has bool, e *risk.RecordError) {
	v := bytes.TrimSpace(r.vals[c])
	if len(v) == 0 {
		if r.spec.cols[c].required {
			return 0, false, r.missing(c)
		}
		return 0, false, nil
	}
	f, err := parseFloat(v)
	if err != nil || !finite(f) {
		return 0, false, r.bad(c, risk.ErrBadNumber, "want a finite number")
	}
	return f, true, nil
}

// pow10 holds the powers of ten that float64 represents exactly.
var pow10 = [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

// parseFloat is strconv.ParseFloat with a fast path for plain decimals
// such as "-30.274512" whose digits fit in 2^53: then m/10^k is correctly
// rounded because m and 10^k are exact (Clinger 1990).
func parseFloat(b []byte) (float64, error) {
	i, neg := 0, false
	if len(b) > 0 && (b[0] == '-' || b[0] == '+') {
		neg, i = b[0] == '-', 1
	}
	var m uint64
	digits, frac, dot := 0, 0, false
	for ; i < len(b); i++ {
		c := b[i]
		switch {
		case c >= '0' && c <= '9':
			m = m*10 + uint64(c-'0')
			digits++
			if dot {
				frac++
			}
		case c == '.' && !dot:
			dot = true
		default:
			digits = 99 // not a plain decimal
		}
		if digits > 15 {
			break
		}
	}
	if digits == 0 || digits > 15 || frac >= len(pow10) {
		return strconv.ParseFloat(string(b), 64)
	}
	f := float64(m) / pow10[frac]
	if neg {
		f = -f
	}
	return f, nil
}

// count parses an optional non-negative integer; empty is 0.
func (r *row) count(c int) (int, *risk.RecordError) {
	v := bytes.TrimSpace(r.vals[c])
	if len(v) == 0 {
		return 0, nil
	}
	n, err := strconv.Atoi(string(v))
	if err != nil {
		// JSON writers may print an integer as 3.0 or 1e3.
		f, ferr := strconv.ParseFloat(string(v), 64)
		if ferr == nil && f == math.Trunc(f) && f >= 0 && f <= 1<<53 {
			n, err = int(f), nil
		}
	}
	if err != nil || n < 0 {
		return 0, r.bad(c, risk.ErrBadNumber, "want a non-negative integer")
	}
	return n, nil
}

// boolean parses true/false, 1/0, yes/no or 是/否 (ASCII case ignored);
// empty is false.
func (r *row) boolean(c int) (bool, *risk.RecordError) {
	v := bytes.TrimSpace(r.vals[c])
	switch string(v) {
	case "", "false", "0", "no", "否":
		return false, nil
	case "true", "1", "yes", "是":
		return true, nil
	}
	for _, t := range []string{"true", "yes"} {
		if strings.EqualFold(string(v), t) {
			return true, nil
		}
	}
	for _, f := range []string{"false", "no"} {
		if strings.EqualFold(string(v), f) {
			return false, nil
		}
	}
	return false, r.bad(c, risk.ErrBadEnum, "want true/false, 1/0, yes/no or 是/否")
}

// timeCol parses a timestamp; dateOnly truncates it to its UTC day. An
// empty optional cell gives the zero time.
func (r *row) timeCol(c int, dateOnly bool) (time.Time, *risk.RecordError) {
	v := bytes.TrimSpace(r.vals[c])
	if len(v) == 0 {
		if r.spec.cols[c].required {
			return time.Time{}, r.missing(c)
		}
		return time.Time{}, nil
	}
	t, ok := parseTime(v)
	if !ok {
		return time.Time{}, r.bad(c, risk.ErrBadTime, `want RFC 3339, "2006-01-02 15:04:05" or "2006-01-02"`)
	}
	if dateOnly {
		t = dayOf(t)
	}
	return t, nil
}

func dayOf(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

var timeLayouts = []string{time.RFC3339, "2006-01-02 15:04:05", dateLayout}

// parseTime parses RFC 3339 (converted to UTC), "2006-01-02 15:04:05"
// (UTC) or "2006-01-02" (UTC midnight). Years outside 0–9999 after
// conversion to UTC are rejected, as RFC 3339 cannot write them.
func parseTime(v []byte) (time.Time, bool) {
	if t, ok := parseFastTime(v); ok {
		return t, true
	}
	s := string(v)
	for _, layout := range timeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			t = t.UTC()
			if y := t.Year(); y < 0 || y > 9999 {
				return time.Time{}, false
			}
			return t, true
		}
	}
	return time.Time{}, false
}

// parseFastTime parses exactly "2006-01-02T15:04:05Z", the layout the
// writers use, without the generality of time.Parse.
func parseFastTime(b []byte) (time.Time, bool) {
	if len(b) != 20 || b[4] != '-' || b[7] != '-' || b[10] != 'T' || b[13] != ':' || b[16] != ':' || b[19] != 'Z' {
		return time.Time{}, false
	}
	num := func(b []byte) int {
		n := 0
		for _, c := range b {
			if c < '0' || c > '9' {
				return -1
			}
			n = n*10 + int(c-'0')
		}
		return n
	}
	y, mo, d := num(b[0:4]), num(b[5:7]), num(b[8:10])
	h, mi, s := num(b[11:13]), num(b[14:16]), num(b[17:19])
	if y < 0 || mo < 1 || mo > 12 || d < 1 || d > daysIn(time.Month(mo), y) || h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 59 {
		return time.Time{}, false
	}
	return time.Date(y, time.Month(mo), d, h, mi, s, 0, time.UTC), true
}

func daysIn(m time.Month, y int) int {
	switch m {
	case time.February:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case time.April, time.June, time.September, time.November:
		return 30
	}
	return 31
}

// list returns a list column: a JSON array, or a ';'-separated cell
// whose elements are trimmed and whose empty elements are dropped.
func (r *row) list(c int) []string {
	if r.lists != nil { // JSON
		if len(r.lists[c]) == 0 {
			return nil
		}
		return r.lists[c]
	}
	v := r.vals[c]
	if len(bytes.TrimSpace(v)) == 0 {
		return nil
	}
	var out []string
	for part := range bytes.SplitSeq(v, []byte{listSep}) {
		if p := bytes.TrimSpace(part); len(p) > 0 {
			out = append(out, string(p))
		}
	}
	return out
}

// enumIndex maps the names of an enumeration to its values.
func enumIndex[T fmt.Stringer](values []T) map[string]T {
	m := make(map[string]T, len(values))
	for _, v := range values {
		m[v.String()] = v
	}
	return m
}

var (
	categoryIndex   = enumIndex(risk.Categories())
	deviceTypeIndex = enumIndex(risk.DeviceTypes())
	eventKindIndex  = enumIndex(risk.EventKinds())
)

// enumCol parses an enumeration column, first by exact name in index
// (which may be nil), then with parse, whose error wraps ErrBadEnum.
func enumCol[T any](r *row, c int, index map[string]T, parse func(string) (T, error)) (T, *risk.RecordError) {
	v := bytes.TrimSpace(r.vals[c])
	if x, ok := index[string(v)]; ok {
		return x, nil
	}
	if len(v) == 0 && r.spec.cols[c].required {
		var zero T
		return zero, r.missing(c)
	}
	x, err := parse(string(v))
	if err != nil {
		return x, &risk.RecordError{Column: r.colName(c), Value: string(r.vals[c]), Err: err}
	}
	return x, nil
}

// unitID returns the unit ID in column c, checked against opt.Units.
func (l *loader) unitID(r *row, c int) (string, *risk.RecordError) {
	v, e := r.need(c)
	if e != nil {
		return "", e
	}
	if l.opt.Units != nil && !l.opt.Units.Has(string(v)) {
		return "", r.bad(c, risk.ErrUnknownUnit, "")
	}
	if l.recentIDs != nil {
		return l.recentIDs.get(v), nil
	}
	return l.intern.get(v), nil
}

// future rejects a time after opt.AsOf.
func (l *loader) future(r *row, c int, t time.Time) *risk.RecordError {
	if !l.opt.AsOf.IsZero() && t.After(l.opt.AsOf) {
		return r.bad(c, risk.ErrFuture, "%s", l.opt.AsOf.UTC().Format(time.RFC3339))
	}
	return nil
}

func duplicate(c string, id string, first int) *risk.RecordError {
	return &risk.RecordError{Column: c, RecordID: id, Value: id,
		Err: fmt.Errorf("%w: first on line %d", risk.ErrDuplicateID, first)}
}

// Units.

const (
	uID = iota
	uName
	uCategory
	uDistrict
	uKeyUnit
	uCrowded
	uHighRisk
	uLat
	uLon
)

var unitSpec = newSpec("unit", uID, 9, true,
	column{"id", kText, true},
	column{"name", kText, false},
	column{"category", kText, true},
	column{"district", kText, true},
	column{"key_unit", kBool, false},
	column{"crowded_place", kBool, false},
	column{"high_fire_risk", kBool, false},
	column{"lat", kNum, false},
	column{"lon", kNum, false},
)

// LoadUnits reads the unit directory. CSV columns (JSON Lines fields):
//
//	column          required  value
//	id              yes       any non-empty string, unique
//	name            no        any text
//	category        yes       industrial, warehouse, nine-small-places, street-shop, high-rise,
//	                          underground, crowded-place, hospital, school, residential, other
//	district        yes       any non-empty text
//	key_unit        no        true/false, 1/0, yes/no, 是/否; empty = false (JSON: boolean)
//	crowded_place   no        as key_unit
//	high_fire_risk  no        as key_unit
//	lat, lon        no        WGS-84 degrees, both or neither (JSON: numbers)
//	any other       no        a free attribute (JSON: keys of an "attrs" object)
//
// A free attribute is numeric if its cell parses as a number (which must
// then be finite), else categorical text; an empty cell (JSON: null or "")
// means absent. In JSON, attribute values must be numbers or strings, and
// a string stays text even if it looks like a number. Attrs are sorted by
// name. A repeated ID is an ErrDuplicateID naming both lines; the first
// row is kept. Units are returned in input order. CSV is parsed in
// parallel as in StreamTelemetry.
func LoadUnits(r io.Reader, opt LoadOptions) ([]risk.Unit, []*risk.RecordError, error) {
	l := newLoader(opt, unitSpec)
	var (
		// Units are kept in chunks and joined once at the end, which
		// copies less than growing one slice.
		chunks [][]risk.Unit
		cur    []risk.Unit
		lines  []int
	)
	commit := func(line int, u *risk.Unit) *risk.RecordError {
		if len(cur) == cap(cur) {
			if cur != nil {
				chunks = append(chunks, cur)
			}
			cur = make([]risk.Unit, 0, min(1<<16, max(1024, 2*len(lines))))
		}
		cur = append(cur, *u)
		lines = append(lines, line)
		return nil
	}
	if opt.Format == CSV {
		runParallelCSV(l, r, (*loader).parseUnit, commit)
	} else {
		l.run(r, func(rw *row) *risk.RecordError {
			var u risk.Unit
			if e := l.parseUnit(rw, &u); e != nil {
				return e
			}
			return commit(rw.line, &u)
		})
	}
	var out []risk.Unit
	if len(lines) > 0 {
		// Join on 2 goroutines: the parse is over, a core is free.
		out = make([]risk.Unit, len(lines))
		chunks = append(chunks, cur)
		at := make([]int, len(chunks)+1)
		for k, c := range chunks {
			at[k+1] = at[k] + len(c)
		}
		par.Halves(len(chunks), func(_, lo, hi int) {
			for k := lo; k < hi; k++ {
				copy(out[at[k]:], chunks[k])
			}
		})
	}
	// Repeated IDs are found after parsing, by sorting hashes, which is
	// cheaper than a table probe (a cache miss) per unit. Every unit read
	// precedes l.err, so the first repeat, if any, is the first error.
	seed := maphash.MakeSeed()
	dups := findDuplicates(out, func(id string) uint64 { return maphash.String(seed, id) })
	if len(dups) == 0 {
		return finish(l, out)
	}
	errs := make([]*risk.RecordError, len(dups))
	isDup := make([]bool, len(out))
	for i, d := range dups {
		errs[i] = duplicate("id", out[d.later].ID, lines[d.first])
		errs[i].Source, errs[i].Line = opt.Source, lines[d.later]
		isDup[d.later] = true
	}
	if !opt.Lenient {
		if re, ok := l.err.(*risk.RecordError); l.err == nil || ok && errs[0].Line < re.Line {
			l.err = errs[0]
		}
		return finish(l, out)
	}
	l.rejected = mergeByLine(l.rejected, errs)
	w := 0
	for i := range out {
		if !isDup[i] {
			out[w] = out[i]
			w++
		}
	}
	clear(out[w:])
	return finish(l, out[:w:w])
}

// dupPair is a record whose ID repeats that of an earlier one.
type dupPair struct{ later, first int }

// findDuplicates returns every unit whose ID repeats an earlier unit's,
// with the index of the first unit with that ID, in index order. It sorts
// 64-bit hashes of the IDs and compares the IDs of equal hashes.
func findDuplicates(units []risk.Unit, hash func(string) uint64) []dupPair {
	type hashed struct {
		h uint64
		i int
	}
	// Sort by (hash, index): a counting sort on the top bits of the
	// (uniform) hashes, which keeps index order, then an insertion sort
	// by hash of each small run. Linear, unlike a comparison sort.
	bits := 0
	for bits < 20 && 8<<bits < len(units) {
		bits++
	}
	count := make([]int, 1<<bits+1)
	top := func(h uint64) int { return int(h >> (63 - bits) >> 1) }
	tmp := make([]hashed, len(units))
	par.Halves(len(units), func(_, lo, hi int) {
		for i := lo; i < hi; i++ {
			tmp[i] = hashed{hash(units[i].ID), i}
		}
	})
	for _, x := range tmp {
		count[top(x.h)+1]++
	}
	for b := 1; b < len(count); b++ {
		count[b] += count[b-1]
	}
	hs := make([]hashed, len(units))
	for _, x := range tmp {
		b := top(x.h)
		hs[count[b]] = x
		count[b]++
	}
	for b, lo := 0, 0; b < 1<<bits; b++ {
		run := hs[lo:count[b]]
		lo = count[b]
		for j := 1; j < len(run); j++ {
			for k := j; k > 0 && run[k].h < run[k-1].h; k-- {
				run[k], run[k-1] = run[k-1], run[k]
			}
		}
	}
	var dups []dupPair
	var firsts []int // distinct IDs among equal hashes, by first index
	for s := 0; s < len(hs); {
		e := s + 1
		for e < len(hs) && hs[e].h == hs[s].h {
			e++
		}
		firsts = append(firsts[:0], hs[s].i)
	run:
		for _, x := range hs[s+1 : e] {
			for _, f := range firsts {
				if units[f].ID == units[x.i].ID {
					dups = append(dups, dupPair{x.i, f})
					continue run
				}
			}
			firsts = append(firsts, x.i)
		}
		s = e
	}
	slices.SortFunc(dups, func(a, b dupPair) int { return cmp.Compare(a.later, b.later) })
	return dups
}

// mergeByLine merges two lists of errors sorted by line.
func mergeByLine(a, b []*risk.RecordError) []*risk.RecordError {
	out := make([]*risk.RecordError, 0, len(a)+len(b))
	for len(a) > 0 && len(b) > 0 {
		if b[0].Line < a[0].Line {
			out, b = append(out, b[0]), b[1:]
		} else {
			out, a = append(out, a[0]), a[1:]
		}
	}
	return append(append(out, a...), b...)
}

func (l *loader) parseUnit(r *row, u *risk.Unit) *risk.RecordError {
	id, e := r.need(uID)
	if e != nil {
		return e
	}
	// The ID and name of a unit share one allocation.
	l.strBuf = append(append(l.strBuf[:0], id...), r.vals[uName]...)
	idName := string(l.strBuf)
	u.ID, u.Name = idName[:len(id)], idName[len(id):]
	if u.Category, e = enumCol(r, uCategory, categoryIndex, risk.ParseCategory); e != nil {
		return e
	}
	d, e := r.need(uDistrict)
	if e != nil {
		return e
	}
	u.District = l.intern.get(d)
	if u.KeyUnit, e = r.boolean(uKeyUnit); e != nil {
		return e
	}
	if u.CrowdedPlace, e = r.boolean(uCrowded); e != nil {
		return e
	}
	if u.HighFireRisk, e = r.boolean(uHighRisk); e != nil {
		return e
	}
	lat, hasLat, e := r.float(uLat)
	if e != nil {
		return e
	}
	lon, hasLon, e := r.float(uLon)
	if e != nil {
		return e
	}
	switch {
	case hasLat && !hasLon:
		return r.missing(uLon)
	case hasLon && !hasLat:
		return r.missing(uLat)
	case hasLat && !(lat >= -90 && lat <= 90):
		return r.bad(uLat, risk.ErrBadNumber, "latitude outside [-90, 90]")
	case hasLon && !(lon >= -180 && lon <= 180):
		return r.bad(uLon, risk.ErrBadNumber, "longitude outside [-180, 180]")
	}
	u.HasLocation, u.Lat, u.Lon = hasLat, lat, lon
	if r.attrs != nil {
		u.Attrs, e = l.jsonAttrs(r.attrs)
		return e
	}
	if n := len(r.extra); n > 0 {
		// Attrs of many units share one allocation.
		if cap(l.attrSlab)-len(l.attrSlab) < n {
			l.attrSlab = make([]risk.Attr, 0, max(4096, n))
		}
		u.Attrs = l.attrSlab[len(l.attrSlab) : len(l.attrSlab) : len(l.attrSlab)+n]
	}
	for k, v := range r.extra {
		if len(v) == 0 {
			continue
		}
		a := risk.Attr{Name: r.extraNames[k]}
		var f float64
		err := strconv.ErrSyntax
		if t := bytes.TrimSpace(v); maybeNumber(t) {
			f, err = parseFloat(t)
		}
		switch {
		case err == nil && finite(f):
			a.Numeric, a.Num = true, f
		case err == nil || isRangeErr(err):
			return &risk.RecordError{Column: a.Name, Value: string(v),
				Err: fmt.Errorf("%w: attribute must be finite", risk.ErrBadNumber)}
		default:
			a.Text = l.intern.get(v)
		}
		u.Attrs = append(u.Attrs, a)
	}
	if len(u.Attrs) == 0 {
		u.Attrs = nil
	}
	l.attrSlab = l.attrSlab[:len(l.attrSlab)+len(u.Attrs)]
	return nil
}

// maybeNumber reports whether b could be a number for strconv, saving
// the cost of its error on text such as "砖混" or "brick".
func maybeNumber(b []byte) bool {
	if len(b) > 0 && (b[0] == '+' || b[0] == '-') {
		b = b[1:]
	}
	if len(b) == 0 {
		return false
	}
	c := b[0]
	return c >= '0' && c <= '9' || c == '.' || c|0x20 == 'i' || c|0x20 == 'n'
}

func isRangeErr(err error) bool {
	ne, ok := err.(*strconv.NumError)
	return ok && ne.Err == strconv.ErrRange
}

// Telemetry.

const (
	tUnit = iota
	tDevice
	tDeviceType
	tTime
	tKind
	tValue
	tMeasure
)

var telemetrySpec = newSpec("telemetry", tUnit, 7, false,
	column{"unit_id", kText, true},
	column{"device_id", kText, true},
	column{"device_type", kText, true},
	column{"time", kText, true},
	column{"kind", kText, true},
	column{"value", kNum, false},
	column{"measure", kText, false},
)

// LoadTelemetry reads telemetry events into memory; see StreamTelemetry
// for the columns and for inputs too large to hold.
func LoadTelemetry(r io.Reader, opt LoadOptions) ([]risk.TelemetryEvent, []*risk.RecordError, error) {
	var out []risk.TelemetryEvent
	rejected, err := StreamTelemetry(r, opt, func(e *risk.TelemetryEvent) error {
		out = append(out, *e)
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return out, rejected, nil
}

// StreamTelemetry reads telemetry events and calls fn for each good one,
// in input order. The event passed to fn is reused: copy the value to
// keep it (its strings may be kept). Memory does not grow with the number
// of events: nothing is kept between events but a few blocks of input in
// flight and the distinct measures. Unit and device IDs are shared
// between nearby events through a small cache (a global table of IDs
// costs a cache miss per event), so events kept by fn may hold copies of
// the same ID. An error from fn stops reading and is returned as is. CSV is parsed on up to four
// goroutines (bounded by GOMAXPROCS) a block of rows at a time, but fn is
// called from the calling goroutine, one event at a time, in input order,
// and the results do not depend on the number of goroutines. CSV columns
// (JSON Lines fields):
//
//	column       required  value
//	unit_id      yes       a unit ID (checked against opt.Units)
//	device_id    yes       any non-empty string
//	device_type  yes       smoke, heat, flame, gas, manual-call-point, residual-current-monitor,
//	                       cable-temperature-monitor, water-pressure-sensor, water-level-sensor,
//	                       pump, controller, transmission-device
//	time         yes       timestamp (checked against opt.AsOf)
//	kind         yes       fire-alarm, false-alarm, fault, shielded, supervisory, offline,
//	                       power-fault, pressure-low, residual-current-high, temperature-high,
//	                       restored
//	value        no        finite number, may be negative (JSON: number)
//	measure      no        unit of measure of value, e.g. MPa, mA, °C
//
// Timestamps are RFC 3339 (an offset is converted to UTC),
// "2006-01-02 15:04:05" or "2006-01-02", the last two in UTC.
func StreamTelemetry(r io.Reader, opt LoadOptions, fn func(*risk.TelemetryEvent) error) ([]*risk.RecordError, error) {
	l := newLoader(opt, telemetrySpec)
	var fnErr error
	commit := func(line int, ev *risk.TelemetryEvent) *risk.RecordError {
		if err := fn(ev); err != nil {
			fnErr = err
			l.fatal(&risk.RecordError{Line: line, Err: err})
		}
		return nil
	}
	if opt.Format == CSV {
		runParallelCSV(l, r, (*loader).parseTelemetry, commit)
	} else {
		var ev risk.TelemetryEvent
		l.run(r, func(rw *row) *risk.RecordError {
			if e := l.parseTelemetry(rw, &ev); e != nil {
				return e
			}
			return commit(rw.line, &ev)
		})
	}
	if fnErr != nil {
		return nil, fnErr
	}
	_, rejected, err := finish[int](l, nil)
	return rejected, err
}

func (l *loader) parseTelemetry(r *row, ev *risk.TelemetryEvent) *risk.RecordError {
	var e *risk.RecordError
	if ev.UnitID, e = l.unitID(r, tUnit); e != nil {
		return e
	}
	d, e := r.need(tDevice)
	if e != nil {
		return e
	}
	ev.DeviceID = l.recentIDs.get(d)
	if ev.DeviceType, e = enumCol(r, tDeviceType, deviceTypeIndex, risk.ParseDeviceType); e != nil {
		return e
	}
	if ev.Time, e = r.timeCol(tTime, false); e != nil {
		return e
	}
	if e = l.future(r, tTime, ev.Time); e != nil {
		return e
	}
	if ev.Kind, e = enumCol(r, tKind, eventKindIndex, risk.ParseEventKind); e != nil {
		return e
	}
	if ev.Value, ev.HasValue, e = r.float(tValue); e != nil {
		return e
	}
	ev.Measure = ""
	if m := r.vals[tMeasure]; len(m) > 0 {
		ev.Measure = l.intern.get(m)
	}
	return nil
}

// Incidents.

const (
	iUnit = iota
	iTime
	iType
	iLoss
	iCasualties
)

var incidentSpec = newSpec("incident", iUnit, 5, false,
	column{"unit_id", kText, true},
	column{"time", kText, true},
	column{"type", kText, true},
	column{"loss", kNum, false},
	column{"casualties", kNum, false},
)

// LoadIncidents reads incidents, in input order. CSV columns (JSON Lines
// fields):
//
//	column      required  value
//	unit_id     yes       a unit ID (checked against opt.Units)
//	time        yes       timestamp as in StreamTelemetry (checked against opt.AsOf)
//	type        yes       fire, false-alarm, other
//	loss        no        direct loss in yuan, finite and ≥ 0 (JSON: number)
//	casualties  no        non-negative integer; empty = 0 (JSON: number)
func LoadIncidents(r io.Reader, opt LoadOptions) ([]risk.Incident, []*risk.RecordError, error) {
	l := newLoader(opt, incidentSpec)
	var out []risk.Incident
	l.run(r, func(rw *row) *risk.RecordError {
		var in risk.Incident
		var e *risk.RecordError
		if in.UnitID, e = l.unitID(rw, iUnit); e != nil {
			return e
		}
		if in.Time, e = rw.timeCol(iTime, false); e != nil {
			return e
		}
		if e = l.future(rw, iTime, in.Time); e != nil {
			return e
		}
		if in.Type, e = enumCol(rw, iType, nil, risk.ParseIncidentType); e != nil {
			return e
		}
		if in.Loss, in.HasLoss, e = rw.float(iLoss); e != nil {
			return e
		}
		if in.HasLoss && !(in.Loss >= 0) {
			return rw.bad(iLoss, risk.ErrBadNumber, "loss must be ≥ 0")
		}
		if in.Casualties, e = rw.count(iCasualties); e != nil {
			return e
		}
		out = append(out, in)
		return nil
	})
	return finish(l, out)
}

// Inspections.

const (
	pID = iota
	pUnit
	pDate
	pInspectors
	pResult
	pReason
	pCode
	pSeverity
	pDeadline
	pRectified
)

var inspectionSpec = newSpec("inspection", pID, 6, false,
	column{"inspection_id", kText, true},
	column{"unit_id", kText, true},
	column{"date", kText, true},
	column{"inspectors", kList, false},
	column{"result", kText, true},
	column{"reason", kText, false},
	column{"code", kText, false},
	column{"severity", kText, false},
	column{"deadline", kText, false},
	column{"rectified", kText, false},
)

// violationSpec is the object of a JSON "violations" array.
var violationSpec = newSpec("violation", 0, 4, false,
	column{"code", kText, false},
	column{"severity", kText, false},
	column{"deadline", kText, false},
	column{"rectified", kText, false},
)

// LoadInspections reads inspections. CSV is in long format, one row per
// violation; an inspection without violations has one row whose
// violation columns are empty. Rows of one inspection need not be
// adjacent but must agree on unit_id, date, inspectors, result and
// reason (else ErrMalformed). Inspections are returned in order of first
// appearance, violations in input order. CSV columns:
//
//	column         required  value
//	inspection_id  yes       any non-empty string
//	unit_id        yes       a unit ID (checked against opt.Units)
//	date           yes       date (checked against opt.AsOf)
//	inspectors     no        ';'-separated inspector IDs, lead first
//	result         yes       pass, fail
//	reason         no        random, complaint, reinspection, incident, other; empty = random
//	code           no        violation code; empty = no violation on this row
//	severity       if code   minor, general, major
//	deadline       no        date the violation must be rectified by
//	rectified      no        date rectified, not before date (checked against opt.AsOf); empty = open
//
// In JSON Lines each line is one inspection with the fields
// inspection_id, unit_id, date, inspectors (array), result, reason and
// violations, an array of objects with the fields code, severity,
// deadline and rectified; a repeated inspection_id is an ErrDuplicateID.
// Date columns accept the timestamps of StreamTelemetry and keep only
// the UTC day.
func LoadInspections(r io.Reader, opt LoadOptions) ([]risk.Inspection, []*risk.RecordError, error) {
	l := newLoader(opt, inspectionSpec)
	var out []risk.Inspection
	type seen struct {
		idx, line int
		empty     bool // the inspection has a row without violation
	}
	byID := map[string]seen{}
	l.run(r, func(rw *row) *risk.RecordError {
		var in risk.Inspection
		if e := l.parseInspection(rw, &in); e != nil {
			return e
		}
		var v risk.Violation
		hasV := false
		if rw.lists == nil { // CSV: the violation is on the row
			var e *risk.RecordError
			if hasV, e = l.parseViolation(rw, &in, pCode, &v); e != nil {
				return e
			}
		} else if e := l.jsonViolations(rw, &in); e != nil {
			return e
		}
		s, ok := byID[in.ID]
		if !ok {
			if hasV {
				in.Violations = append(in.Violations, v)
			}
			byID[in.ID] = seen{idx: len(out), line: rw.line, empty: !hasV}
			out = append(out, in)
			return nil
		}
		if rw.lists != nil {
			return duplicate("inspection_id", in.ID, s.line)
		}
		first := &out[s.idx]
		for _, c := range []struct {
			col  int
			same bool
		}{
			{pUnit, first.UnitID == in.UnitID},
			{pDate, first.Date.Equal(in.Date)},
			{pInspectors, slices.Equal(first.Inspectors, in.Inspectors)},
			{pResult, first.Result == in.Result},
			{pReason, first.Reason == in.Reason},
		} {
			if !c.same {
				return rw.bad(c.col, risk.ErrMalformed, "differs from line %d of the same inspection", s.line)
			}
		}
		if s.empty || !hasV {
			return &risk.RecordError{Column: "code", Err: fmt.Errorf(
				"%w: inspection has rows on lines %d and %d but a row without violation must be its only row",
				risk.ErrMalformed, s.line, rw.line)}
		}
		first.Violations = append(first.Violations, v)
		return nil
	})
	return finish(l, out)
}

func (l *loader) parseInspection(r *row, in *risk.Inspection) *risk.RecordError {
	id, e := r.need(pID)
	if e != nil {
		return e
	}
	in.ID = string(id)
	if in.UnitID, e = l.unitID(r, pUnit); e != nil {
		return e
	}
	if in.Date, e = r.timeCol(pDate, true); e != nil {
		return e
	}
	if e = l.future(r, pDate, in.Date); e != nil {
		return e
	}
	in.Inspectors = r.list(pInspectors)
	if in.Result, e = enumCol(r, pResult, nil, risk.ParseResult); e != nil {
		return e
	}
	in.Reason, e = enumCol(r, pReason, nil, risk.ParseReason)
	return e
}

// parseViolation reads the four violation columns starting at column c0
// (code, severity, deadline, rectified); ok is false if all are empty.
func (l *loader) parseViolation(r *row, in *risk.Inspection, c0 int, v *risk.Violation) (ok bool, e *risk.RecordError) {
	code, sev, dl, rect := c0, c0+1, c0+2, c0+3
	if len(r.vals[code]) == 0 {
		for _, c := range []int{sev, dl, rect} {
			if len(r.vals[c]) > 0 {
				return false, r.missing(code)
			}
		}
		return false, nil
	}
	v.Code = l.intern.get(r.vals[code])
	if len(bytes.TrimSpace(r.vals[sev])) == 0 {
		return false, r.missing(sev)
	}
	if v.Severity, e = enumCol(r, sev, nil, risk.ParseSeverity); e != nil {
		return false, e
	}
	if v.Deadline, e = r.timeCol(dl, true); e != nil {
		return false, e
	}
	if v.Rectified, e = r.timeCol(rect, true); e != nil {
		return false, e
	}
	if !v.Rectified.IsZero() {
		if v.Rectified.Before(in.Date) {
			return false, r.bad(rect, risk.ErrBadTime, "rectified before the inspection date %s", in.Date.Format(dateLayout))
		}
		if e = l.future(r, rect, v.Rectified); e != nil {
			return false, e
		}
	}
	return true, nil
}

// Credit.

const (
	cUnit = iota
	cGrade
	cDishonest
	cPenalties
	cAsOf
)

var creditSpec = newSpec("credit", cUnit, 5, false,
	column{"unit_id", kText, true},
	column{"grade", kText, true},
	column{"dishonest", kBool, false},
	column{"penalties", kNum, false},
	column{"as_of", kText, true},
)

// LoadCredit reads credit records, in input order; a unit may have
// several. CSV columns (JSON Lines fields):
//
//	column     required  value
//	unit_id    yes       a unit ID (checked against opt.Units)
//	grade      yes       A, B, C, D (case ignored)
//	dishonest  no        serious-dishonesty list flag, booleans as in LoadUnits; empty = false
//	penalties  no        non-negative integer; empty = 0 (JSON: number)
//	as_of      yes       date (checked against opt.AsOf)
func LoadCredit(r io.Reader, opt LoadOptions) ([]risk.CreditRecord, []*risk.RecordError, error) {
	l := newLoader(opt, creditSpec)
	var out []risk.CreditRecord
	l.run(r, func(rw *row) *risk.RecordError {
		var c risk.CreditRecord
		var e *risk.RecordError
		if c.UnitID, e = l.unitID(rw, cUnit); e != nil {
			return e
		}
		if c.Grade, e = enumCol(rw, cGrade, nil, risk.ParseGrade); e != nil {
			return e
		}
		if c.Dishonest, e = rw.boolean(cDishonest); e != nil {
			return e
		}
		if c.Penalties, e = rw.count(cPenalties); e != nil {
			return e
		}
		if c.AsOf, e = rw.timeCol(cAsOf, true); e != nil {
			return e
		}
		if e = l.future(rw, cAsOf, c.AsOf); e != nil {
			return e
		}
		out = append(out, c)
		return nil
	})
	return finish(l, out)
}

// Inspectors.

const (
	nID = iota
	nName
	nCertificate
	nDepartment
	nDistricts
	nCategories
	nMax
	nLeave
	nConflicts
)

var inspectorSpec = newSpec("inspector", nID, 9, false,
	column{"id", kText, true},
	column{"name", kText, false},
	column{"certificate", kText, false},
	column{"department", kText, false},
	column{"districts", kList, false},
	column{"categories", kList, false},
	column{"max_per_round", kNum, false},
	column{"leave", kList, false},
	column{"conflicts", kList, false},
)

// maxLeaveDays bounds one leave range, so that a typo such as
// 2026..9026 cannot exhaust memory.
const maxLeaveDays = 3660

// LoadInspectors reads the inspector pool, in input order. List columns
// are ';'-separated in CSV (elements trimmed, empty ones dropped) and
// arrays of strings in JSON Lines. CSV columns (JSON Lines fields):
//
//	column         required  value
//	id             yes       any non-empty string, unique
//	name           no        any text
//	certificate    no        enforcement certificate number
//	department     no        any text
//	districts      no        list of districts covered
//	categories     no        list of unit categories (names as in LoadUnits) qualified for
//	max_per_round  no        non-negative integer; empty or 0 = no cap (JSON: number)
//	leave          no        list of dates or ranges "2026-03-01..2026-03-05" (inclusive, at most
//	                         3660 days), returned as sorted distinct days
//	conflicts      no        list of unit IDs (checked against opt.Units)
//
// A repeated ID is an ErrDuplicateID naming both lines; the first row is
// kept.
func LoadInspectors(r io.Reader, opt LoadOptions) ([]risk.Inspector, []*risk.RecordError, error) {
	l := newLoader(opt, inspectorSpec)
	var out []risk.Inspector
	seen := map[string]int{}
	l.run(r, func(rw *row) *risk.RecordError {
		var in risk.Inspector
		if e := l.parseInspector(rw, &in); e != nil {
			return e
		}
		if first, dup := seen[in.ID]; dup {
			return duplicate("id", in.ID, first)
		}
		seen[in.ID] = rw.line
		out = append(out, in)
		return nil
	})
	return finish(l, out)
}

func (l *loader) parseInspector(r *row, in *risk.Inspector) *risk.RecordError {
	id, e := r.need(nID)
	if e != nil {
		return e
	}
	in.ID = string(id)
	in.Name = string(r.vals[nName])
	in.Certificate = string(r.vals[nCertificate])
	in.Department = string(r.vals[nDepartment])
	in.Districts = r.list(nDistricts)
	for _, s := range r.list(nCategories) {
		c, err := risk.ParseCategory(s)
		if err != nil {
			return &risk.RecordError{Column: r.colName(nCategories), Value: s, Err: err}
		}
		in.Categories = append(in.Categories, c)
	}
	if in.MaxPerRound, e = r.count(nMax); e != nil {
		return e
	}
	for _, s := range r.list(nLeave) {
		days, e := leaveDays(r, s)
		if e != nil {
			return e
		}
		in.Leave = append(in.Leave, days...)
	}
	slices.SortFunc(in.Leave, func(a, b time.Time) int { return a.Compare(b) })
	in.Leave = slices.CompactFunc(in.Leave, func(a, b time.Time) bool { return a.Equal(b) })
	in.Conflicts = r.list(nConflicts)
	if l.opt.Units != nil {
		for _, u := range in.Conflicts {
			if !l.opt.Units.Has(u) {
				return &risk.RecordError{Column: r.colName(nConflicts), Value: u, Err: risk.ErrUnknownUnit}
			}
		}
	}
	return nil
}

// leaveDays expands a leave element: a date or an inclusive range
// "first..last".
func leaveDays(r *row, s string) ([]time.Time, *risk.RecordError) {
	bad := func(format string, args ...any) *risk.RecordError {
		return &risk.RecordError{Column: r.colName(nLeave), Value: s,
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

// Files names the record files of a directory inside a file system; an
// empty name means the file is absent.
type Files struct {
	Units, Telemetry, Incidents, Inspections, Credit, Inspectors string
}

// LoadRecords loads every named file from fsys. A name ending in ".gz" is
// gunzipped; the format follows FormatOf(name), whatever opt.Format says,
// and opt.Source is set to the name. Units load first: if there is a
// units file, the other files are checked against its units instead of
// opt.Units (so every record names a known unit). Inspectors load next,
// then telemetry, incidents, inspections and credit.
//
// In strict mode the first bad row ends loading with its *RecordError;
// in lenient mode rejected lists the bad rows of every file in that
// order. An unreadable file is an error in both modes.
func LoadRecords(fsys fs.FS, files Files, opt LoadOptions) (*risk.Records, []*risk.RecordError, error) {
	recs := &risk.Records{}
	var rejected []*risk.RecordError
	load := func(name string, fn func(io.Reader, LoadOptions) ([]*risk.RecordError, error)) error {
		if name == "" {
			return nil
		}
		f, err := fsys.Open(name)
		if err != nil {
			return err
		}
		defer f.Close()
		var r io.Reader = f
		if strings.EqualFold(path.Ext(name), ".gz") {
			zr, err := gzip.NewReader(f)
			if err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
			defer zr.Close()
			r = zr
		}
		o := opt
		o.Source = name
		o.Format = FormatOf(name)
		rej, err := fn(r, o)
		rejected = append(rejected, rej...)
		return err
	}
	var err error
	steps := []struct {
		name string
		fn   func(io.Reader, LoadOptions) ([]*risk.RecordError, error)
	}{
		{files.Units, func(r io.Reader, o LoadOptions) (rej []*risk.RecordError, err error) {
			if recs.Units, rej, err = LoadUnits(r, o); err != nil {
				return rej, err
			}
			opt.Units, err = risk.NewDirectory(recs.Units)
			return rej, err
		}},
		{files.Inspectors, func(r io.Reader, o LoadOptions) (rej []*risk.RecordError, err error) {
			recs.Inspectors, rej, err = LoadInspectors(r, o)
			return rej, err
		}},
		{files.Telemetry, func(r io.Reader, o LoadOptions) (rej []*risk.RecordError, err error) {
			recs.Telemetry, rej, err = LoadTelemetry(r, o)
			return rej, err
		}},
		{files.Incidents, func(r io.Reader, o LoadOptions) (rej []*risk.RecordError, err error) {
			recs.Incidents, rej, err = LoadIncidents(r, o)
			return rej, err
		}},
		{files.Inspections, func(r io.Reader, o LoadOptions) (rej []*risk.RecordError, err error) {
			recs.Inspections, rej, err = LoadInspections(r, o)
			return rej, err
		}},
		{files.Credit, func(r io.Reader, o LoadOptions) (rej []*risk.RecordError, err error) {
			recs.Credit, rej, err = LoadCredit(r, o)
			return rej, err
		}},
	}
	for _, s := range steps {
		if err = load(s.name, s.fn); err != nil {
			return nil, nil, err
		}
	}
	return recs, rejected, nil
}
