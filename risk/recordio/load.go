package recordio

import (
	"bufio"
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
	"unicode/utf8"

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

	// MaxLineBytes bounds a CSV record (line breaks inside quoted fields
	// included) or a JSON line; 0 means DefaultMaxLineBytes (1 MiB). A
	// longer record ends loading with ErrTooLarge, as the rest of the
	// input cannot be split reliably.
	MaxLineBytes int
	// MaxFieldBytes bounds one CSV field or JSON value; 0 means
	// DefaultMaxFieldBytes (64 KiB). A longer field rejects its row with
	// ErrTooLarge (an unclosed quoted field ends loading).
	MaxFieldBytes int
	// MaxBytes bounds the bytes read, after decompression; 0 means
	// DefaultMaxBytes (64 GiB). More ends loading with ErrTooLarge.
	MaxBytes int64
	// MaxGzipRatio bounds how many times a gzipped input may expand; 0
	// means DefaultMaxGzipRatio (200). Only checked past the first 16 MiB
	// of output. More ends loading with ErrTooLarge.
	MaxGzipRatio int
	// Charset is the character set of the input; the zero value UTF8
	// refuses GBK/GB18030 input with a conversion hint.
	Charset Charset
	// CreditCodes checks unit IDs (LoadUnits only) against the check
	// character of GB 32100-2015 unified social credit codes.
	CreditCodes CreditCodeCheck
	// Warn receives the warnings of CreditCodeWarn; it must not be nil
	// with CreditCodeWarn (the loader panics).
	Warn func(*risk.RecordError)
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
	maxField int    // LoadOptions.MaxFieldBytes, with its default
	attrSlab []risk.Attr
	// recentIDs, if not nil, replaces intern for unit and device IDs.
	recentIDs *recentStrings
}

func newLoader(opt LoadOptions, s *spec) *loader {
	if opt.CreditCodes == CreditCodeWarn && opt.Warn == nil {
		panic("recordio: LoadOptions.CreditCodes is CreditCodeWarn but Warn is nil")
	}
	l := &loader{opt: opt, spec: s, intern: interner{m: map[string]string{}}}
	_, l.maxField, _, _ = opt.limits()
	if s == telemetryTable.spec {
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
	r, e := l.open(r)
	if e != nil {
		l.fatal(e)
		return
	}
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
// together. A slot keeps the raw value and its normalised ID, so that
// the ID rule runs once per miss, not once per event.
type recentStrings struct {
	seed  maphash.Seed
	slots [256]struct{ raw, id string }
}

func newRecentStrings() *recentStrings { return &recentStrings{seed: maphash.MakeSeed()} }

// id returns the normalised ID in column col of r, as row.id does.
func (c *recentStrings) id(r *row, col int) (string, *risk.RecordError) {
	b := r.vals[col]
	s := &c.slots[maphash.Bytes(c.seed, b)%uint64(len(c.slots))]
	if s.id != "" && s.raw == string(b) {
		return s.id, nil
	}
	v, e := r.id(col)
	if e != nil {
		return "", e
	}
	s.id = string(v)
	s.raw = s.id
	if string(b) != s.id {
		s.raw = string(b)
	}
	return s.id, nil
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

// emptyList is the error for an inspector's empty list column c.
func (r *row) emptyList(c int, what string) *risk.RecordError {
	return &risk.RecordError{Column: r.colName(c), Value: string(r.vals[c]), Err: fmt.Errorf(
		"%w: an empty list would make the inspector never eligible; list the %s", risk.ErrMissingValue, what)}
}

// float parses an optional finite number; has is false for an empty cell.
func (r *row) float(c int) (f float64, has bool, e *risk.RecordError) {
	v := trimSpace(r.vals[c])
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

// MaxCount is the largest value of an integer column (max_per_round,
// penalties, casualties): 2³¹−1, so that no count wraps where it is
// narrowed to 32 bits (on 386, or in int32 tables downstream).
const MaxCount = math.MaxInt32

// count parses an optional integer in [0, MaxCount]; empty is 0. The
// range is checked on the 64-bit value, before any conversion to int.
func (r *row) count(c int) (int, *risk.RecordError) {
	v := trimSpace(r.vals[c])
	if len(v) == 0 {
		return 0, nil
	}
	n, err := strconv.ParseInt(string(v), 10, 64)
	if err != nil {
		// JSON writers may print an integer as 3.0 or 1e3.
		f, ferr := strconv.ParseFloat(string(v), 64)
		if ferr == nil && f == math.Trunc(f) && f >= 0 && f <= 1<<53 {
			n, err = int64(f), nil
		}
	}
	if err != nil || n < 0 {
		return 0, r.bad(c, risk.ErrBadNumber, "want a non-negative integer")
	}
	if n > MaxCount {
		return 0, r.bad(c, risk.ErrBadNumber, "want an integer at most %d", MaxCount)
	}
	return int(n), nil
}

// boolean parses true/false, 1/0, yes/no or 是/否 (ASCII case ignored);
// empty is false.
func (r *row) boolean(c int) (bool, *risk.RecordError) {
	v := trimSpace(r.vals[c])
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
	v := trimSpace(r.vals[c])
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

// enumIndex finds the values of an enumeration by exact name. It looks
// up the names starting with the first byte and compares lengths and
// bytes, which costs a fraction of hashing the name for a map: the
// loaders look up two names per telemetry event.
type enumIndex[T any] struct {
	byFirst [256][]enumName[T]
}

type enumName[T any] struct {
	name string
	v    T
}

func newEnumIndex[T fmt.Stringer](values []T) *enumIndex[T] {
	x := &enumIndex[T]{}
	for _, v := range values {
		name := v.String()
		x.byFirst[name[0]] = append(x.byFirst[name[0]], enumName[T]{name, v})
	}
	return x
}

// get returns the value named b; x may be nil.
func (x *enumIndex[T]) get(b []byte) (v T, ok bool) {
	if x == nil || len(b) == 0 {
		return v, false
	}
	for _, n := range x.byFirst[b[0]] {
		if len(n.name) == len(b) && n.name == string(b) {
			return n.v, true
		}
	}
	return v, false
}

var (
	categoryIndex   = newEnumIndex(risk.Categories())
	deviceTypeIndex = newEnumIndex(risk.DeviceTypes())
	eventKindIndex  = newEnumIndex(risk.EventKinds())
)

// enumCol parses an enumeration column, first by exact name in index
// (which may be nil), then with parse, whose error wraps ErrBadEnum.
func enumCol[T any](r *row, c int, index *enumIndex[T], parse func(string) (T, error)) (T, *risk.RecordError) {
	v := trimSpace(r.vals[c])
	if x, ok := index.get(v); ok {
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
	var id string
	if l.recentIDs != nil {
		var e *risk.RecordError
		if id, e = l.recentIDs.id(r, c); e != nil {
			return "", e
		}
	} else {
		v, e := r.id(c)
		if e != nil {
			return "", e
		}
		id = l.intern.get(v)
	}
	if l.opt.Units != nil && !l.opt.Units.Has(id) {
		return "", r.bad(c, risk.ErrUnknownUnit, "")
	}
	return id, nil
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

// LoadUnits reads the unit directory. CSV columns (JSON Lines fields):
//
//	column          required  value
//	id              yes       an ID (see NormalizeID), unique after normalisation
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
	l := newLoader(opt, unitTable.spec)
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
	return l.checkUnits(out, lines)
}

// checkUnits rejects, after parsing, the units whose ID repeats an
// earlier one and, under CreditCodeError, those whose ID is not a valid
// credit code (under CreditCodeWarn, it passes them to opt.Warn). Every
// unit read precedes l.err, so the first of these, if any, is the first
// error.
func (l *loader) checkUnits(out []risk.Unit, lines []int) ([]risk.Unit, []*risk.RecordError, error) {
	opt := l.opt
	// Repeated IDs are found by sorting hashes, which is cheaper than a
	// table probe (a cache miss) per unit.
	seed := maphash.MakeSeed()
	dups := findDuplicates(out, func(id string) uint64 { return maphash.String(seed, id) })
	var errs []*risk.RecordError
	isDup := make([]bool, len(out))
	for _, d := range dups {
		e := duplicate("id", out[d.later].ID, lines[d.first])
		e.Source, e.Line = opt.Source, lines[d.later]
		errs = append(errs, e)
		isDup[d.later] = true
	}
	var codeErrs []*risk.RecordError
	for i, e := range creditCodeErrors(out, lines, opt) {
		switch {
		case isDup[i]:
		case opt.CreditCodes == CreditCodeWarn:
			opt.Warn(e)
		default:
			codeErrs = append(codeErrs, e)
			isDup[i] = true
		}
	}
	errs = mergeByLine(errs, codeErrs)
	if len(errs) == 0 {
		return finish(l, out)
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

// parseUnit reads the columns of unitTable, then the free attributes.
func (l *loader) parseUnit(r *row, u *risk.Unit) *risk.RecordError {
	if e := unitTable.parse(l, r, u); e != nil {
		return e
	}
	if r.attrs != nil {
		var e *risk.RecordError
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
		if t := trimSpace(v); maybeNumber(t) {
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
//	device_id    yes       an ID (see NormalizeID)
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
	l := newLoader(opt, telemetryTable.spec)
	var fnErr error
	commit := func(line int, ev *risk.TelemetryEvent) *risk.RecordError {
		if err := fn(ev); err != nil {
			fnErr = err
			l.fatal(&risk.RecordError{Line: line, Err: err})
		}
		return nil
	}
	if opt.Format == CSV {
		runParallelCSV(l, r, telemetryTable.parse, commit)
	} else {
		var ev risk.TelemetryEvent
		l.run(r, func(rw *row) *risk.RecordError {
			if e := telemetryTable.parse(l, rw, &ev); e != nil {
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
	return loadTable(r, opt, incidentTable)
}

// loadTable reads every record of table t, in input order.
func loadTable[T any](r io.Reader, opt LoadOptions, t *table[T]) ([]T, []*risk.RecordError, error) {
	l := newLoader(opt, t.spec)
	var out []T
	l.run(r, func(rw *row) *risk.RecordError {
		var v T
		if e := t.parse(l, rw, &v); e != nil {
			return e
		}
		out = append(out, v)
		return nil
	})
	return finish(l, out)
}

// LoadInspections reads inspections. CSV is in long format, one row per
// violation; an inspection without violations has one row whose
// violation columns are empty. Rows of one inspection need not be
// adjacent but must agree on unit_id, date, inspectors, result and
// reason (else ErrMalformed). Inspections are returned in order of first
// appearance, violations in input order. CSV columns:
//
//	column         required  value
//	inspection_id  yes       an ID (see NormalizeID)
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
	l := newLoader(opt, inspectionTable.spec)
	var out []risk.Inspection
	type seen struct {
		idx, line int
		empty     bool // the inspection has a row without violation
	}
	byID := map[string]seen{}
	l.run(r, func(rw *row) *risk.RecordError {
		var in risk.Inspection
		if e := inspectionTable.parse(l, rw, &in); e != nil {
			return e
		}
		var v risk.Violation
		hasV := false
		if rw.lists == nil { // CSV: the violation is on the row
			var e *risk.RecordError
			if hasV, e = l.parseViolation(rw, &in, len(inspectionTable.fields), &v); e != nil {
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
			col  string
			same bool
		}{
			{"unit_id", first.UnitID == in.UnitID},
			{"date", first.Date.Equal(in.Date)},
			{"inspectors", slices.Equal(first.Inspectors, in.Inspectors)},
			{"result", first.Result == in.Result},
			{"reason", first.Reason == in.Reason},
		} {
			if !c.same {
				return rw.bad(inspectionTable.index[c.col], risk.ErrMalformed, "differs from line %d of the same inspection", s.line)
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

// parseViolation reads the columns of violationTable starting at column
// c0 of r; ok is false if all are empty. A violation has a code, and is
// not rectified before the inspection date.
func (l *loader) parseViolation(r *row, in *risk.Inspection, c0 int, v *risk.Violation) (ok bool, e *risk.RecordError) {
	if len(r.vals[c0]) == 0 {
		for _, b := range r.vals[c0+1 : c0+len(violationTable.fields)] {
			if len(b) > 0 {
				return false, r.missing(c0)
			}
		}
		return false, nil
	}
	if e = violationTable.parseAt(l, r, c0, v); e != nil {
		return false, e
	}
	if !v.Rectified.IsZero() && v.Rectified.Before(in.Date) {
		return false, r.bad(c0+violationTable.index["rectified"], risk.ErrBadTime,
			"rectified before the inspection date %s", in.Date.Format(dateLayout))
	}
	return true, nil
}

// LoadCredit reads credit records, in input order; a unit may have
// several. CSV columns (JSON Lines fields):
//
//	column     required  value
//	unit_id    yes       a unit ID (checked against opt.Units)
//	grade      yes       A, B, C, D (case ignored)
//	dishonest  no        serious-dishonesty list flag, booleans as in LoadUnits; empty = false
//	penalties  no        integer in [0, 2³¹−1]; empty = 0 (JSON: number)
//	as_of      yes       date (checked against opt.AsOf)
func LoadCredit(r io.Reader, opt LoadOptions) ([]risk.CreditRecord, []*risk.RecordError, error) {
	return loadTable(r, opt, creditTable)
}

// LoadInspectors reads the inspector pool, in input order. List columns
// are ';'-separated in CSV (elements trimmed, empty ones dropped) and
// arrays of strings in JSON Lines. CSV columns (JSON Lines fields):
//
//	column         required  value
//	id             yes       an ID (see NormalizeID), unique after normalisation
//	name           no        any text
//	certificate    no        enforcement certificate number
//	department     no        any text
//	districts      yes       non-empty list of districts covered
//	categories     yes       non-empty list of unit categories (names as in LoadUnits) qualified for
//	max_per_round  no        integer in [0, 2³¹−1]; empty or 0 = no cap (JSON: number)
//	leave          no        list of dates or ranges "2026-03-01..2026-03-05" (inclusive, at most
//	                         3660 days), returned as sorted distinct days
//	conflicts      no        list of unit IDs (checked against opt.Units)
//
// An empty districts or categories list (a blank cell, only separators,
// [] or an absent JSON field) is an ErrMissingValue: the inspector could
// never be drawn, and "all" must be written out. IDs and the conflicts
// follow the ID rule of NormalizeID. A repeated ID is an ErrDuplicateID
// naming both lines; the first row is kept.
func LoadInspectors(r io.Reader, opt LoadOptions) ([]risk.Inspector, []*risk.RecordError, error) {
	l := newLoader(opt, inspectorTable.spec)
	var out []risk.Inspector
	seen := map[string]int{}
	l.run(r, func(rw *row) *risk.RecordError {
		var in risk.Inspector
		if e := inspectorTable.parse(l, rw, &in); e != nil {
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

// Files names the record files of a directory inside a file system; an
// empty name means the file is absent.
type Files struct {
	Units, Telemetry, Incidents, Inspections, Credit, Inspectors string
}

// LoadRecords loads every named file from fsys. A name ending in ".gz"
// must be gzipped (every loader gunzips input that starts with the gzip
// magic number); the format follows FormatOf(name), whatever opt.Format says,
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
		// The loaders gunzip by the magic number; a name ending in
		// ".gz" must have it.
		r := bufio.NewReaderSize(f, sniffSize)
		if head, _ := r.Peek(len(gzipMagic)); strings.EqualFold(path.Ext(name), ".gz") && !bytes.Equal(head, gzipMagic) {
			return fmt.Errorf("%s: %w", name, gzip.ErrHeader)
		}
		o := opt
		o.Source = name
		o.Format = FormatOf(name)
		rej, err := fn(r, o)
		rejected = append(rejected, rej...)
		return err
	}
	steps := []struct {
		name string
		fn   func(io.Reader, LoadOptions) ([]*risk.RecordError, error)
	}{
		{files.Units, func(r io.Reader, o LoadOptions) (rej []*risk.RecordError, err error) {
			if rej, err = into(&recs.Units, LoadUnits)(r, o); err != nil {
				return rej, err
			}
			opt.Units, err = risk.NewDirectory(recs.Units)
			return rej, err
		}},
		{files.Inspectors, into(&recs.Inspectors, LoadInspectors)},
		{files.Telemetry, into(&recs.Telemetry, LoadTelemetry)},
		{files.Incidents, into(&recs.Incidents, LoadIncidents)},
		{files.Inspections, into(&recs.Inspections, LoadInspections)},
		{files.Credit, into(&recs.Credit, LoadCredit)},
	}
	for _, s := range steps {
		if err := load(s.name, s.fn); err != nil {
			return nil, nil, err
		}
	}
	return recs, rejected, nil
}

// into returns load as a step of LoadRecords that keeps the records in
// *dst.
func into[T any](dst *[]T, load func(io.Reader, LoadOptions) ([]T, []*risk.RecordError, error)) func(io.Reader, LoadOptions) ([]*risk.RecordError, error) {
	return func(r io.Reader, o LoadOptions) (rej []*risk.RecordError, err error) {
		*dst, rej, err = load(r, o)
		return rej, err
	}
}

// trimSpace is bytes.TrimSpace with a fast path for the common value
// that starts and ends with a printable ASCII character.
func trimSpace(b []byte) []byte {
	if n := len(b); n > 0 && b[0] > ' ' && b[0] < utf8.RuneSelf && b[n-1] > ' ' && b[n-1] < utf8.RuneSelf {
		return b
	}
	return bytes.TrimSpace(b)
}
