package recordio

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/firedraw/firedraw/risk"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The tests here check that the column tables drive both directions:
// whatever a writer writes, the loader reads back equal, and every column
// of a table is read by the loader and written by the writers.

// texts are free-text values, with characters CSV must quote and JSON
// must escape.
var texts = []string{"老王烧烤店", `Acme, "Ltd"`, "two\nlines", "tab\there", "plain", `back\slash`, "°C"}

func pick[T any](rng *rand.Rand, xs []T) T { return xs[rng.IntN(len(xs))] }

// genDay returns a UTC day in 2024–2025.
func genDay(rng *rand.Rand) time.Time {
	return time.Date(2024, 1, 1+rng.IntN(730), 0, 0, 0, 0, time.UTC)
}

// genTime returns a UTC time in 2024–2025, with a fraction of a second
// one time in four.
func genTime(rng *rand.Rand) time.Time {
	t := genDay(rng).Add(time.Duration(rng.IntN(86400)) * time.Second)
	if rng.IntN(4) == 0 {
		t = t.Add(time.Duration(1+rng.IntN(999)) * time.Millisecond)
	}
	return t
}

// genIDs returns 0 to max distinct IDs with the prefix, nil for none.
func genIDs(rng *rand.Rand, prefix string, max int) []string {
	var ids []string
	for i := range rng.IntN(max + 1) {
		ids = append(ids, fmt.Sprintf("%s%d", prefix, 10*i+rng.IntN(10)))
	}
	return ids
}

func genUnit(rng *rand.Rand, i int) risk.Unit {
	u := risk.Unit{ID: fmt.Sprintf("U%d", i), Name: pick(rng, texts), Category: pick(rng, risk.Categories()),
		District: pick(rng, benchDistricts), KeyUnit: rng.IntN(2) == 0, CrowdedPlace: rng.IntN(2) == 0,
		HighFireRisk: rng.IntN(2) == 0}
	if rng.IntN(3) > 0 {
		u.HasLocation = true
		u.Lat = float64(rng.IntN(18_000_001)-9_000_000) / 1e5
		u.Lon = float64(rng.IntN(36_000_001)-18_000_000) / 1e5
	}
	// Attributes in name order, as the loaders return them; a text that
	// reads as a number would come back numeric from CSV.
	for _, name := range []string{"construction", "floor_area", "floors"} {
		switch rng.IntN(3) {
		case 0:
			u.Attrs = append(u.Attrs, risk.Attr{Name: name, Numeric: true, Num: float64(rng.IntN(100000)) / 8})
		case 1:
			u.Attrs = append(u.Attrs, risk.Attr{Name: name, Text: pick(rng, texts)})
		}
	}
	return u
}

func genTelemetry(rng *rand.Rand, i int) risk.TelemetryEvent {
	e := risk.TelemetryEvent{UnitID: fmt.Sprintf("U%d", rng.IntN(50)), DeviceID: fmt.Sprintf("D-%d", rng.IntN(200)),
		DeviceType: pick(rng, risk.DeviceTypes()), Time: genTime(rng), Kind: pick(rng, risk.EventKinds())}
	if rng.IntN(2) == 0 {
		e.HasValue, e.Value = true, float64(rng.IntN(20001)-10000)/100
	}
	if rng.IntN(2) == 0 {
		e.Measure = pick(rng, []string{"MPa", "mA", "°C", "a, b"})
	}
	return e
}

func genIncident(rng *rand.Rand, i int) risk.Incident {
	in := risk.Incident{UnitID: fmt.Sprintf("U%d", rng.IntN(50)), Time: genTime(rng),
		Type: risk.IncidentType(rng.IntN(3)), Casualties: rng.IntN(3)}
	if rng.IntN(2) == 0 {
		in.HasLoss, in.Loss = true, float64(rng.IntN(1_000_000))/4
	}
	return in
}

func genViolation(rng *rand.Rand, date time.Time) risk.Violation {
	v := risk.Violation{Code: pick(rng, append([]string{"V-01", "V-02"}, texts...)), Severity: risk.Severity(rng.IntN(3))}
	if rng.IntN(2) == 0 {
		v.Deadline = genDay(rng)
	}
	if rng.IntN(2) == 0 {
		v.Rectified = date.AddDate(0, 0, rng.IntN(60))
	}
	return v
}

func genInspection(rng *rand.Rand, i int) risk.Inspection {
	in := risk.Inspection{ID: fmt.Sprintf("I%d", i), UnitID: fmt.Sprintf("U%d", rng.IntN(50)), Date: genDay(rng),
		Inspectors: genIDs(rng, "P", 3), Result: risk.Result(rng.IntN(2)), Reason: risk.Reason(rng.IntN(5))}
	for range rng.IntN(3) {
		in.Violations = append(in.Violations, genViolation(rng, in.Date))
	}
	return in
}

func genCredit(rng *rand.Rand, i int) risk.CreditRecord {
	return risk.CreditRecord{UnitID: fmt.Sprintf("U%d", rng.IntN(50)), Grade: risk.Grade(rng.IntN(4)),
		Dishonest: rng.IntN(2) == 0, Penalties: rng.IntN(5), AsOf: genDay(rng)}
}

func genInspector(rng *rand.Rand, i int) risk.Inspector {
	in := risk.Inspector{ID: fmt.Sprintf("P%d", i), Name: pick(rng, texts), Certificate: fmt.Sprintf("ZF-%03d", rng.IntN(1000)),
		Department: pick(rng, texts), Districts: []string{pick(rng, benchDistricts)},
		Categories: []risk.Category{pick(rng, risk.Categories())}, MaxPerRound: rng.IntN(20),
		Conflicts: genIDs(rng, "U", 2)}
	if rng.IntN(2) == 0 {
		in.Districts = append(in.Districts, "other district")
		in.Categories = append(in.Categories, risk.OtherCategory)
	}
	// Leave as the loader returns it: sorted distinct days.
	if rng.IntN(2) == 0 {
		d := genDay(rng)
		for range 1 + rng.IntN(4) {
			in.Leave = append(in.Leave, d)
			d = d.AddDate(0, 0, 1+rng.IntN(2))
		}
	}
	return in
}

// tableCase is one record type for the tests of this file.
type tableCase[T any] struct {
	table *table[T]
	gen   func(rng *rand.Rand, i int) T
	load  func(io.Reader, LoadOptions) ([]T, []*risk.RecordError, error)
	csv   func(io.Writer, []T) error
	jsonl func(io.Writer, []T) error
	// one returns a record with exactly one row (no or one violation).
	one func(v T) T
}

// roundTrip writes n generated records in both formats and loads them
// back unchanged.
func (tc tableCase[T]) roundTrip(t *testing.T, n int) {
	recs := make([]T, n)
	rng := rand.New(rand.NewPCG(11, uint64(n))) // any fixed seed
	for i := range recs {
		recs[i] = tc.gen(rng, i)
	}
	for _, f := range []struct {
		format Format
		write  func(io.Writer, []T) error
	}{{CSV, tc.csv}, {JSONL, tc.jsonl}} {
		var b bytes.Buffer
		require.NoError(t, f.write(&b, recs))
		got, rej, err := tc.load(&b, LoadOptions{Format: f.format})
		require.NoError(t, err, f.format)
		require.Empty(t, rej, f.format)
		if n == 0 {
			assert.Empty(t, got, f.format)
			continue
		}
		assert.Equal(t, recs, got, f.format)
	}
}

// csvCells writes v as CSV and returns the header and the cells of its
// one row.
func (tc tableCase[T]) csvCells(t *testing.T, v T) (header, cells []string) {
	t.Helper()
	var b bytes.Buffer
	require.NoError(t, tc.csv(&b, []T{v}))
	rows, err := csv.NewReader(&b).ReadAll()
	require.NoError(t, err)
	require.Len(t, rows, 2)
	return rows[0], rows[1]
}

// everyColumnCSV checks each CSV column of the table: a row that takes
// that column from a second record b loads into a record other than a
// (the column is read), which writes back as that very row (the column
// is written from the record).
func (tc tableCase[T]) everyColumnCSV(t *testing.T, a, b T) {
	header, ca := tc.csvCells(t, a)
	_, cb := tc.csvCells(t, b)
	require.Equal(t, tc.table.colNames(), header)
	for k, name := range header {
		require.NotEqual(t, ca[k], cb[k], "the records must differ in column %s", name)
		mixed := append([]string(nil), ca...)
		mixed[k] = cb[k]
		var in bytes.Buffer
		w := csv.NewWriter(&in)
		require.NoError(t, w.WriteAll([][]string{header, mixed}))
		got, _, err := tc.load(&in, LoadOptions{})
		require.NoError(t, err, name)
		require.Len(t, got, 1)
		assert.NotEqual(t, a, got[0], "column %s is not read", name)
		_, back := tc.csvCells(t, got[0])
		assert.Equal(t, mixed, back, "column %s is not written as read", name)
	}
}

// jsonFields writes v as JSON Lines and returns its fields.
func (tc tableCase[T]) jsonFields(t *testing.T, v T) map[string]json.RawMessage {
	t.Helper()
	var b bytes.Buffer
	require.NoError(t, tc.jsonl(&b, []T{v}))
	var m map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(b.Bytes(), &m))
	return m
}

// everyFieldJSON is everyColumnCSV for the top-level JSON fields.
func (tc tableCase[T]) everyFieldJSON(t *testing.T, a, b T) {
	ma, mb := tc.jsonFields(t, a), tc.jsonFields(t, b)
	for _, f := range tc.table.fields {
		require.Contains(t, ma, f.name)
		require.NotEqual(t, string(ma[f.name]), string(mb[f.name]), "the records must differ in field %s", f.name)
		mixed := map[string]json.RawMessage{}
		for k, v := range ma {
			mixed[k] = v
		}
		mixed[f.name] = mb[f.name]
		line, err := json.Marshal(mixed)
		require.NoError(t, err)
		got, _, err := tc.load(bytes.NewReader(line), LoadOptions{Format: JSONL})
		require.NoError(t, err, f.name)
		require.Len(t, got, 1)
		assert.NotEqual(t, a, got[0], "field %s is not read", f.name)
		back := tc.jsonFields(t, got[0])
		for k := range mixed {
			assert.JSONEq(t, string(mixed[k]), string(back[k]), "field %s is not written as read (%s)", f.name, k)
		}
	}
}

// distinctPair returns two generated records, each of one row, that
// differ in every CSV column and JSON field.
func (tc tableCase[T]) distinctPair(t *testing.T) (a, b T) {
	rng := rand.New(rand.NewPCG(5, 8)) // any fixed seed
	a = tc.one(tc.gen(rng, 1))
	for range 10000 {
		b = tc.one(tc.gen(rng, 2))
		_, ca := tc.csvCells(t, a)
		_, cb := tc.csvCells(t, b)
		ja, jb := tc.jsonFields(t, a), tc.jsonFields(t, b)
		differ := true
		for k := range ca {
			differ = differ && ca[k] != cb[k]
		}
		for _, f := range tc.table.fields {
			differ = differ && string(ja[f.name]) != string(jb[f.name])
		}
		if differ {
			return a, b
		}
	}
	t.Fatal("no pair of records that differ in every column")
	return a, b
}

func (tc tableCase[T]) run(t *testing.T) {
	t.Run("RoundTrip", func(t *testing.T) {
		for _, n := range []int{0, 1, 200} {
			tc.roundTrip(t, n)
		}
	})
	t.Run("EveryColumn", func(t *testing.T) {
		a, b := tc.distinctPair(t)
		tc.everyColumnCSV(t, a, b)
		tc.everyFieldJSON(t, a, b)
	})
}

func same[T any](v T) T { return v }

func TestColumnTables(t *testing.T) {
	for _, tc := range []struct {
		name string
		run  func(*testing.T)
	}{
		{"units", tableCase[risk.Unit]{unitTable, genUnit, LoadUnits, WriteUnitsCSV, WriteUnitsJSONL,
			func(u risk.Unit) risk.Unit {
				// Attributes are not table columns; a location makes
				// lat and lon differ.
				u.Attrs, u.HasLocation = nil, true
				u.Lat, u.Lon = float64(len(u.ID)+len(u.Name))/7, -float64(len(u.Name))/3
				return u
			}}.run},
		{"telemetry", tableCase[risk.TelemetryEvent]{telemetryTable, genTelemetry, LoadTelemetry,
			WriteTelemetryCSV, WriteTelemetryJSONL,
			func(e risk.TelemetryEvent) risk.TelemetryEvent {
				e.HasValue, e.Measure = true, fmt.Sprint(e.Value)+"u"
				return e
			}}.run},
		{"incidents", tableCase[risk.Incident]{incidentTable, genIncident, LoadIncidents, WriteIncidentsCSV,
			WriteIncidentsJSONL, func(in risk.Incident) risk.Incident { in.HasLoss = true; return in }}.run},
		{"inspections", tableCase[risk.Inspection]{inspectionTable, genInspection, LoadInspections,
			WriteInspectionsCSV, WriteInspectionsJSONL,
			func(in risk.Inspection) risk.Inspection {
				// One violation with every column set, rectified
				// after any inspection date.
				in.Inspectors = append(in.Inspectors, in.ID)
				rng := rand.New(rand.NewPCG(uint64(in.Date.Unix()), 1))
				v := genViolation(rng, in.Date)
				v.Deadline, v.Rectified = genDay(rng), genDay(rng).AddDate(3, 0, 0)
				in.Violations = []risk.Violation{v}
				return in
			}}.run},
		{"credit", tableCase[risk.CreditRecord]{creditTable, genCredit, LoadCredit, WriteCreditCSV,
			WriteCreditJSONL, same[risk.CreditRecord]}.run},
		{"inspectors", tableCase[risk.Inspector]{inspectorTable, genInspector, LoadInspectors,
			WriteInspectorsCSV, WriteInspectorsJSONL,
			func(in risk.Inspector) risk.Inspector {
				in.Conflicts = append(in.Conflicts, fmt.Sprintf("U-%d", len(in.Name)))
				in.Leave = append(in.Leave, time.Date(2030, 1, len(in.Name), 0, 0, 0, 0, time.UTC))
				return in
			}}.run},
	} {
		t.Run(tc.name, tc.run)
	}
}

// TestTableFields checks that every field of every table can be read
// and written: it has a parse function and exactly one writer, the one
// its JSON kind needs.
func TestTableFields(t *testing.T) {
	checkFields(t, unitTable)
	checkFields(t, telemetryTable)
	checkFields(t, incidentTable)
	checkFields(t, inspectionTable)
	checkFields(t, violationTable)
	checkFields(t, creditTable)
	checkFields(t, inspectorTable)
}

func checkFields[T any](t *testing.T, tab *table[T]) {
	t.Helper()
	require.Len(t, tab.cols, len(tab.fields)+map[bool]int{true: len(violationTable.fields)}[tab.spec == inspectionTable.spec])
	for k, f := range tab.fields {
		what := tab.kind + "." + f.name
		assert.Equal(t, f.column, tab.cols[k], what)
		assert.NotNil(t, f.parse, what)
		writers := [3]bool{f.str != nil, f.format != nil, f.list != nil}
		switch f.kind {
		case kList:
			assert.Equal(t, [3]bool{false, false, true}, writers, what)
		case kText: // free text or a value that needs no escaping
			assert.True(t, writers == [3]bool{true, false, false} || writers == [3]bool{false, true, false}, what)
		default:
			assert.Equal(t, [3]bool{false, true, false}, writers, what)
		}
	}
}

// TestLoaderDocsListColumns checks that the column table in each
// loader's documentation names the columns of its table, in order.
func TestLoaderDocsListColumns(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "load.go", nil, parser.ParseComments)
	require.NoError(t, err)
	docs := map[string]string{}
	for _, d := range f.Decls {
		if fn, ok := d.(*ast.FuncDecl); ok && fn.Doc != nil {
			docs[fn.Name.Name] = fn.Doc.Text()
		}
	}
	for _, tc := range []struct {
		loader string
		s      *spec
	}{
		{"LoadUnits", unitTable.spec},
		{"StreamTelemetry", telemetryTable.spec},
		{"LoadIncidents", incidentTable.spec},
		{"LoadInspections", inspectionTable.spec},
		{"LoadCredit", creditTable.spec},
		{"LoadInspectors", inspectorTable.spec},
	} {
		require.Contains(t, docs, tc.loader)
		assert.Equal(t, tc.s.colNames(), docColumns(docs[tc.loader]), tc.loader)
	}
}

// docColumns returns the column names of the table in a doc comment: the
// rows after the "column  required  value" line, up to a blank line,
// whose first cell names one or more columns ("lat, lon"). The row "any
// other" (free attributes) is not a column.
func docColumns(doc string) []string {
	var names []string
	in := false
	for _, line := range strings.Split(doc, "\n") {
		cells := strings.Fields(line)
		switch {
		case len(cells) > 0 && cells[0] == "column" && strings.Contains(line, "required"):
			in = true
		case !in:
		case strings.TrimSpace(line) == "":
			return names
		case strings.HasPrefix(line, "\t") && !strings.HasPrefix(line, "\t "):
			first, _, _ := strings.Cut(strings.TrimPrefix(line, "\t"), "  ")
			if first != "any other" {
				names = append(names, strings.Split(first, ", ")...)
			}
		}
	}
	return names
}
