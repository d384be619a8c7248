package recordio

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/firedraw/firedraw/risk"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// writeAll writes every record type of recs in format f.
func writeAll(t *testing.T, recs *risk.Records, f Format) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	w := func(name string, fn func(io.Writer) error) {
		var b bytes.Buffer
		require.NoError(t, fn(&b), name)
		out[name] = b.Bytes()
	}
	if f == CSV {
		w("units", func(b io.Writer) error { return WriteUnitsCSV(b, recs.Units) })
		w("telemetry", func(b io.Writer) error { return WriteTelemetryCSV(b, recs.Telemetry) })
		w("incidents", func(b io.Writer) error { return WriteIncidentsCSV(b, recs.Incidents) })
		w("inspections", func(b io.Writer) error { return WriteInspectionsCSV(b, recs.Inspections) })
		w("credit", func(b io.Writer) error { return WriteCreditCSV(b, recs.Credit) })
		w("inspectors", func(b io.Writer) error { return WriteInspectorsCSV(b, recs.Inspectors) })
	} else {
		w("units", func(b io.Writer) error { return WriteUnitsJSONL(b, recs.Units) })
		w("telemetry", func(b io.Writer) error { return WriteTelemetryJSONL(b, recs.Telemetry) })
		w("incidents", func(b io.Writer) error { return WriteIncidentsJSONL(b, recs.Incidents) })
		w("inspections", func(b io.Writer) error { return WriteInspectionsJSONL(b, recs.Inspections) })
		w("credit", func(b io.Writer) error { return WriteCreditJSONL(b, recs.Credit) })
		w("inspectors", func(b io.Writer) error { return WriteInspectorsJSONL(b, recs.Inspectors) })
	}
	return out
}

// loadAll loads every record type from files written by writeAll.
func loadAll(t *testing.T, files map[string][]byte, opt LoadOptions) *risk.Records {
	t.Helper()
	recs := &risk.Records{}
	var rej []*risk.RecordError
	var err error
	r := func(name string) io.Reader { return bytes.NewReader(files[name]) }
	recs.Units, rej, err = LoadUnits(r("units"), opt)
	require.NoError(t, err)
	require.Empty(t, rej)
	dir, err := risk.NewDirectory(recs.Units)
	require.NoError(t, err)
	opt.Units = dir
	recs.Telemetry, rej, err = LoadTelemetry(r("telemetry"), opt)
	require.NoError(t, err)
	require.Empty(t, rej)
	recs.Incidents, rej, err = LoadIncidents(r("incidents"), opt)
	require.NoError(t, err)
	require.Empty(t, rej)
	recs.Inspections, rej, err = LoadInspections(r("inspections"), opt)
	require.NoError(t, err)
	require.Empty(t, rej)
	recs.Credit, rej, err = LoadCredit(r("credit"), opt)
	require.NoError(t, err)
	require.Empty(t, rej)
	recs.Inspectors, rej, err = LoadInspectors(r("inspectors"), opt)
	require.NoError(t, err)
	require.Empty(t, rej)
	return recs
}

// normalized returns recs as the loaders return them: empty lists nil.
func normalized(recs *risk.Records) *risk.Records {
	out := *recs
	out.Inspectors = append([]risk.Inspector(nil), recs.Inspectors...)
	for i := range out.Inspectors {
		if len(out.Inspectors[i].Categories) == 0 {
			out.Inspectors[i].Categories = nil
		}
	}
	return &out
}

func TestRoundTrip(t *testing.T) {
	want := normalized(sampleRecords())
	for _, f := range []Format{CSV, JSONL} {
		t.Run(f.String(), func(t *testing.T) {
			files := writeAll(t, sampleRecords(), f)
			got := loadAll(t, files, LoadOptions{Format: f, Lenient: true})
			assert.Equal(t, want, got)
			// Writing what was loaded gives the same bytes.
			assert.Equal(t, files, writeAll(t, got, f))
		})
	}
}

func TestLoadCSVHeaderOrderAndBOM(t *testing.T) {
	in := "\xef\xbb\xbfdistrict,floors,name,id,category,lat,lon,key_unit\r\n" +
		"西湖区,3,老王烧烤店,U1,street-shop,30.5,120.25,是\r\n" +
		"\r\n" +
		"\"滨江\n区\",,\"A \"\"B\"\"\",U2,other,,,No\r\n"
	units, rej, err := LoadUnits(strings.NewReader(in), LoadOptions{})
	require.NoError(t, err)
	assert.Empty(t, rej)
	assert.Equal(t, []risk.Unit{
		{ID: "U1", Name: "老王烧烤店", Category: risk.StreetShop, District: "西湖区", KeyUnit: true,
			HasLocation: true, Lat: 30.5, Lon: 120.25, Attrs: []risk.Attr{{Name: "floors", Numeric: true, Num: 3}}},
		{ID: "U2", Name: `A "B"`, Category: risk.OtherCategory, District: "滨江\n区"},
	}, units)
}

func TestLoadJSONLBOMAndBlankLines(t *testing.T) {
	in := "\xef\xbb\xbf{\"id\":\"U1\",\"category\":\"school\",\"district\":\"西湖区\",\"attrs\":{\"built\":\"1990\",\"floors\":4,\"x\":null}}\r\n\n  \n" +
		"{\"id\":\"U2\",\"category\":\"hospital\",\"district\":\"d\",\"lat\":null}\n"
	units, rej, err := LoadUnits(strings.NewReader(in), LoadOptions{Format: JSONL})
	require.NoError(t, err)
	assert.Empty(t, rej)
	assert.Equal(t, []risk.Unit{
		{ID: "U1", Category: risk.School, District: "西湖区",
			Attrs: []risk.Attr{{Name: "built", Text: "1990"}, {Name: "floors", Numeric: true, Num: 4}}},
		{ID: "U2", Category: risk.Hospital, District: "d"},
	}, units)
}

func TestParseTime(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want time.Time
		ok   bool
	}{
		{"2026-03-01T08:30:00Z", time.Date(2026, 3, 1, 8, 30, 0, 0, time.UTC), true},
		{"2024-02-29T23:59:59Z", time.Date(2024, 2, 29, 23, 59, 59, 0, time.UTC), true},
		{"2026-03-01T08:30:00.25Z", time.Date(2026, 3, 1, 8, 30, 0, 250e6, time.UTC), true},
		{"2026-03-01T08:30:00+08:00", time.Date(2026, 3, 1, 0, 30, 0, 0, time.UTC), true},
		{"2026-03-01 08:30:00", time.Date(2026, 3, 1, 8, 30, 0, 0, time.UTC), true},
		{"2026-03-01", time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), true},
		{"2023-02-29T00:00:00Z", time.Time{}, false},
		{"2026-13-01", time.Time{}, false},
		{"2026-03-01T24:00:00Z", time.Time{}, false},
		{"0000-01-01T00:30:00+01:00", time.Time{}, false},
		{"01/03/2026", time.Time{}, false},
		{"", time.Time{}, false},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, ok := parseTime([]byte(tc.in))
			assert.Equal(t, tc.ok, ok)
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestFormatOf(t *testing.T) {
	for name, want := range map[string]Format{
		"units.csv": CSV, "units.csv.gz": CSV, "a.jsonl": JSONL, "A.NDJSON": JSONL, "t.jsonl.gz": JSONL, "x": CSV,
	} {
		assert.Equal(t, want, FormatOf(name), name)
	}
}

// errCase is one bad input and the error it must give.
type errCase struct {
	name   string
	format Format
	in     string
	opt    LoadOptions // Source, Format and Lenient are set by the test
	want   error       // sentinel
	line   int
	column string
	id     string
	value  string
	// fatal marks errors about the whole input, returned even when
	// lenient.
	fatal bool
}

// loaderFunc runs one loader and returns the number of good records.
type loaderFunc func(io.Reader, LoadOptions) (int, []*risk.RecordError, error)

func count[T any](load func(io.Reader, LoadOptions) ([]T, []*risk.RecordError, error)) loaderFunc {
	return func(r io.Reader, o LoadOptions) (int, []*risk.RecordError, error) {
		out, rej, err := load(r, o)
		return len(out), rej, err
	}
}

func testDirectory(t *testing.T, ids ...string) *risk.Directory {
	units := make([]risk.Unit, len(ids))
	for i, id := range ids {
		units[i] = risk.Unit{ID: id}
	}
	d, err := risk.NewDirectory(units)
	require.NoError(t, err)
	return d
}

func runErrCases(t *testing.T, load loaderFunc, cases []errCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			check := func(t *testing.T, err error) {
				t.Helper()
				require.Error(t, err)
				assert.ErrorIs(t, err, tc.want)
				var re *risk.RecordError
				require.True(t, errors.As(err, &re), "%T is not a *RecordError", err)
				assert.Equal(t, "in.x", re.Source)
				assert.Equal(t, tc.line, re.Line, "line")
				assert.Equal(t, tc.column, re.Column, "column")
				assert.Equal(t, tc.id, re.RecordID, "record ID")
				assert.Equal(t, tc.value, re.Value, "value")
				assert.Contains(t, re.Error(), "in.x:")
			}
			opt := tc.opt
			opt.Source, opt.Format = "in.x", tc.format
			n, rej, err := load(strings.NewReader(tc.in), opt)
			check(t, err)
			assert.Zero(t, n, "strict mode returns no records")
			assert.Nil(t, rej, "strict mode returns no rejected rows")

			opt.Lenient = true
			_, rej, err = load(strings.NewReader(tc.in), opt)
			if tc.fatal {
				check(t, err)
				return
			}
			require.NoError(t, err)
			require.Len(t, rej, 1)
			check(t, rej[0])
		})
	}
}

const unitsHeader = "id,name,category,district,key_unit,lat,lon,floors\n"

func TestLoadUnitsErrors(t *testing.T) {
	runErrCases(t, count(LoadUnits), []errCase{
		{name: "missing column", in: "id,name,district\nU1,a,d\n", want: risk.ErrMissingColumn, line: 1, column: "category", fatal: true},
		{name: "empty input", in: "", want: risk.ErrMissingColumn, line: 1, column: "id", fatal: true},
		{name: "repeated column", in: "id,id,category,district\n", want: risk.ErrMalformed, line: 1, column: "id", fatal: true},
		{name: "unnamed column", in: "id,,category,district\n", want: risk.ErrMalformed, line: 1, fatal: true},
		{name: "bad category", in: unitsHeader + "U1,a,shop,d,,,,\n", want: risk.ErrBadEnum, line: 2, column: "category", id: "U1", value: "shop"},
		{name: "bad bool", in: unitsHeader + "U1,a,school,d,maybe,,,\n", want: risk.ErrBadEnum, line: 2, column: "key_unit", id: "U1", value: "maybe"},
		{name: "missing id", in: unitsHeader + ",a,school,d,,,,\n", want: risk.ErrMissingValue, line: 2, column: "id"},
		{name: "missing district", in: unitsHeader + "U1,a,school,,,,,\n", want: risk.ErrMissingValue, line: 2, column: "district", id: "U1"},
		{name: "lat without lon", in: unitsHeader + "U1,a,school,d,,30,,\n", want: risk.ErrMissingValue, line: 2, column: "lon", id: "U1"},
		{name: "lat out of range", in: unitsHeader + "U1,a,school,d,,91,120,\n", want: risk.ErrBadNumber, line: 2, column: "lat", id: "U1", value: "91"},
		{name: "NaN lon", in: unitsHeader + "U1,a,school,d,,30,NaN,\n", want: risk.ErrBadNumber, line: 2, column: "lon", id: "U1", value: "NaN"},
		{name: "NaN attribute", in: unitsHeader + "U1,a,school,d,,,,NaN\n", want: risk.ErrBadNumber, line: 2, column: "floors", id: "U1", value: "NaN"},
		{name: "infinite attribute", in: unitsHeader + "U1,a,school,d,,,,1e999\n", want: risk.ErrBadNumber, line: 2, column: "floors", id: "U1", value: "1e999"},
		{name: "duplicate ID", in: unitsHeader + "U1,a,school,d,,,,\nU2,b,school,d,,,,\nU1,c,school,d,,,,\n",
			want: risk.ErrDuplicateID, line: 4, column: "id", id: "U1", value: "U1"},
		{name: "too few fields", in: unitsHeader + "U1,a,school\n", want: risk.ErrMalformed, line: 2, id: "U1"},
		{name: "bare quote", in: unitsHeader + "U1,a\"b,school,d,,,,\n", want: risk.ErrMalformed, line: 2},
		{name: "unclosed quote", in: unitsHeader + "U1,\"a,school,d,,,,\n", want: risk.ErrMalformed, line: 2},
		{name: "text after quote", in: unitsHeader + "U1,\"a\"b,school,d,,,,\n", want: risk.ErrMalformed, line: 2},
		{name: "invalid UTF-8", in: unitsHeader + "U1,\xff\xaf,school,d,,,,\n", want: risk.ErrMalformed, line: 2},
		{name: "JSON unknown field", format: JSONL, in: `{"id":"U1","category":"school","district":"d","floors":3}`,
			want: risk.ErrUnknownField, line: 1, column: "floors", id: "U1"},
		{name: "JSON malformed", format: JSONL, in: "\n" + `{"id":"U1",`, want: risk.ErrMalformed, line: 2},
		{name: "JSON not an object", format: JSONL, in: `["U1"]`, want: risk.ErrMalformed, line: 1},
		{name: "JSON null", format: JSONL, in: `null`, want: risk.ErrMalformed, line: 1},
		{name: "JSON wrong type", format: JSONL, in: `{"id":"U1","category":"school","district":"d","lat":"30","lon":1}`,
			want: risk.ErrMalformed, line: 1, column: "lat", id: "U1", value: `"30"`},
		{name: "JSON bool as string", format: JSONL, in: `{"id":"U1","category":"school","district":"d","key_unit":"yes"}`,
			want: risk.ErrMalformed, line: 1, column: "key_unit", id: "U1", value: `"yes"`},
		{name: "JSON attr bool", format: JSONL, in: `{"id":"U1","category":"school","district":"d","attrs":{"a":true}}`,
			want: risk.ErrMalformed, line: 1, column: "attrs.a", id: "U1", value: "true"},
		{name: "JSON attr out of range", format: JSONL, in: `{"id":"U1","category":"school","district":"d","attrs":{"a":1e400}}`,
			want: risk.ErrBadNumber, line: 1, column: "attrs.a", id: "U1", value: "1e400"},
		{name: "JSON attr named like a column", format: JSONL, in: `{"id":"U1","category":"school","district":"d","attrs":{"name":"x"}}`,
			want: risk.ErrMalformed, line: 1, column: "attrs.name", id: "U1"},
		{name: "JSON duplicate", format: JSONL, in: `{"id":"U1","category":"school","district":"d"}` + "\n" +
			`{"id":"U1","category":"school","district":"d"}`, want: risk.ErrDuplicateID, line: 2, column: "id", id: "U1", value: "U1"},
	})
}

func TestDuplicateNamesBothLines(t *testing.T) {
	_, _, err := LoadUnits(strings.NewReader(unitsHeader+"U1,a,school,d,,,,\n\nU1,c,school,d,,,,\n"), LoadOptions{Source: "u.csv"})
	require.Error(t, err)
	assert.Equal(t, `u.csv:4: column "id" of record "U1": value "U1": duplicate ID: first on line 2`, err.Error())
}

const telemetryHeader = "unit_id,device_id,device_type,time,kind,value,measure\n"

func TestLoadTelemetryErrors(t *testing.T) {
	dir := testDirectory(t, "U1")
	asOf := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	runErrCases(t, count(LoadTelemetry), []errCase{
		{name: "missing column", in: "unit_id,device_type,time,kind\n", want: risk.ErrMissingColumn, line: 1, column: "device_id", fatal: true},
		{name: "unknown column", in: "unit_id,device_id,device_type,time,kind,valeu\n", want: risk.ErrUnknownField, line: 1, column: "valeu", fatal: true},
		{name: "bad device type", in: telemetryHeader + "U1,D1,sprinkler,2025-01-01T00:00:00Z,fault,,\n",
			want: risk.ErrBadEnum, line: 2, column: "device_type", id: "U1", value: "sprinkler"},
		{name: "bad kind", in: telemetryHeader + "U1,D1,smoke,2025-01-01T00:00:00Z,burning,,\n",
			want: risk.ErrBadEnum, line: 2, column: "kind", id: "U1", value: "burning"},
		{name: "bad time", in: telemetryHeader + "U1,D1,smoke,2025-01-32T00:00:00Z,fault,,\n",
			want: risk.ErrBadTime, line: 2, column: "time", id: "U1", value: "2025-01-32T00:00:00Z"},
		{name: "missing time", in: telemetryHeader + "U1,D1,smoke,,fault,,\n",
			want: risk.ErrMissingValue, line: 2, column: "time", id: "U1"},
		{name: "missing device", in: telemetryHeader + "U1,,smoke,2025-01-01,fault,,\n",
			want: risk.ErrMissingValue, line: 2, column: "device_id", id: "U1"},
		{name: "infinite value", in: telemetryHeader + "U1,D1,water-pressure-sensor,2025-01-01,pressure-low,-Inf,MPa\n",
			want: risk.ErrBadNumber, line: 2, column: "value", id: "U1", value: "-Inf"},
		{name: "unknown unit", opt: LoadOptions{Units: dir}, in: telemetryHeader + "U1,D1,smoke,2025-01-01,fault,,\nU9,D1,smoke,2025-01-01,fault,,\n",
			want: risk.ErrUnknownUnit, line: 3, column: "unit_id", id: "U9", value: "U9"},
		{name: "future", opt: LoadOptions{AsOf: asOf}, in: telemetryHeader + "U1,D1,smoke,2026-01-01T00:00:01Z,fault,,\n",
			want: risk.ErrFuture, line: 2, column: "time", id: "U1", value: "2026-01-01T00:00:01Z"},
		{name: "too many fields", in: telemetryHeader + "U1,D1,smoke,2025-01-01,fault,,,\n", want: risk.ErrMalformed, line: 2, id: "U1"},
		{name: "JSON unknown field", format: JSONL, in: `{"unit_id":"U1","device_id":"D","device_type":"smoke","time":"2025-01-01","kind":"fault","vaule":1}`,
			want: risk.ErrUnknownField, line: 1, column: "vaule", id: "U1"},
		{name: "JSON value as string", format: JSONL, in: `{"unit_id":"U1","device_id":"D","device_type":"smoke","time":"2025-01-01","kind":"fault","value":"1"}`,
			want: risk.ErrMalformed, line: 1, column: "value", id: "U1", value: `"1"`},
	})
}

const incidentsHeader = "unit_id,time,type,loss,casualties\n"

func TestLoadIncidentsErrors(t *testing.T) {
	asOf := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	runErrCases(t, count(LoadIncidents), []errCase{
		{name: "missing column", in: "unit_id,type\n", want: risk.ErrMissingColumn, line: 1, column: "time", fatal: true},
		{name: "bad type", in: incidentsHeader + "U1,2025-05-01,explosion,,\n", want: risk.ErrBadEnum, line: 2, column: "type", id: "U1", value: "explosion"},
		{name: "negative loss", in: incidentsHeader + "U1,2025-05-01,fire,-5,\n", want: risk.ErrBadNumber, line: 2, column: "loss", id: "U1", value: "-5"},
		{name: "NaN loss", in: incidentsHeader + "U1,2025-05-01,fire,NaN,\n", want: risk.ErrBadNumber, line: 2, column: "loss", id: "U1", value: "NaN"},
		{name: "fractional casualties", in: incidentsHeader + "U1,2025-05-01,fire,,1.5\n", want: risk.ErrBadNumber, line: 2, column: "casualties", id: "U1", value: "1.5"},
		{name: "negative casualties", in: incidentsHeader + "U1,2025-05-01,fire,,-1\n", want: risk.ErrBadNumber, line: 2, column: "casualties", id: "U1", value: "-1"},
		{name: "bad time", in: incidentsHeader + "U1,yesterday,fire,,\n", want: risk.ErrBadTime, line: 2, column: "time", id: "U1", value: "yesterday"},
		{name: "future", opt: LoadOptions{AsOf: asOf}, in: incidentsHeader + "U1,2026-01-02,fire,,\n",
			want: risk.ErrFuture, line: 2, column: "time", id: "U1", value: "2026-01-02"},
		{name: "unknown unit", opt: LoadOptions{Units: testDirectory(t, "U1")}, in: incidentsHeader + "U2,2025-01-02,fire,,\n",
			want: risk.ErrUnknownUnit, line: 2, column: "unit_id", id: "U2", value: "U2"},
		{name: "JSON casualties as string", format: JSONL, in: `{"unit_id":"U1","time":"2025-01-01","type":"fire","casualties":"2"}`,
			want: risk.ErrMalformed, line: 1, column: "casualties", id: "U1", value: `"2"`},
	})
}

const inspectionsHeader = "inspection_id,unit_id,date,inspectors,result,reason,code,severity,deadline,rectified\n"

func TestLoadInspectionsErrors(t *testing.T) {
	asOf := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	runErrCases(t, count(LoadInspections), []errCase{
		{name: "missing column", in: "inspection_id,unit_id,date\n", want: risk.ErrMissingColumn, line: 1, column: "result", fatal: true},
		{name: "unknown column", in: "inspection_id,unit_id,date,result,remarks\n", want: risk.ErrUnknownField, line: 1, column: "remarks", fatal: true},
		{name: "bad result", in: inspectionsHeader + "I1,U1,2025-03-01,P1,ok,,,,,\n", want: risk.ErrBadEnum, line: 2, column: "result", id: "I1", value: "ok"},
		{name: "bad reason", in: inspectionsHeader + "I1,U1,2025-03-01,P1,pass,whim,,,,\n", want: risk.ErrBadEnum, line: 2, column: "reason", id: "I1", value: "whim"},
		{name: "bad severity", in: inspectionsHeader + "I1,U1,2025-03-01,P1,fail,,V1,grave,,\n", want: risk.ErrBadEnum, line: 2, column: "severity", id: "I1", value: "grave"},
		{name: "severity without code", in: inspectionsHeader + "I1,U1,2025-03-01,P1,fail,,,major,,\n", want: risk.ErrMissingValue, line: 2, column: "code", id: "I1"},
		{name: "code without severity", in: inspectionsHeader + "I1,U1,2025-03-01,P1,fail,,V1,,,\n", want: risk.ErrMissingValue, line: 2, column: "severity", id: "I1"},
		{name: "bad deadline", in: inspectionsHeader + "I1,U1,2025-03-01,P1,fail,,V1,major,soon,\n", want: risk.ErrBadTime, line: 2, column: "deadline", id: "I1", value: "soon"},
		{name: "rectified before date", in: inspectionsHeader + "I1,U1,2025-03-01,P1,fail,,V1,major,,2025-02-28\n",
			want: risk.ErrBadTime, line: 2, column: "rectified", id: "I1", value: "2025-02-28"},
		{name: "rectified in the future", opt: LoadOptions{AsOf: asOf}, in: inspectionsHeader + "I1,U1,2025-03-01,P1,fail,,V1,major,,2026-02-28\n",
			want: risk.ErrFuture, line: 2, column: "rectified", id: "I1", value: "2026-02-28"},
		{name: "date in the future", opt: LoadOptions{AsOf: asOf}, in: inspectionsHeader + "I1,U1,2026-03-01,P1,pass,,,,,\n",
			want: risk.ErrFuture, line: 2, column: "date", id: "I1", value: "2026-03-01"},
		{name: "unknown unit", opt: LoadOptions{Units: testDirectory(t, "U1")}, in: inspectionsHeader + "I1,U2,2025-03-01,P1,pass,,,,,\n",
			want: risk.ErrUnknownUnit, line: 2, column: "unit_id", id: "I1", value: "U2"},
		{name: "rows disagree", in: inspectionsHeader + "I1,U1,2025-03-01,P1,fail,,V1,major,,\nI2,U1,2025-03-01,P1,pass,,,,,\nI1,U1,2025-03-02,P1,fail,,V2,minor,,\n",
			want: risk.ErrMalformed, line: 4, column: "date", id: "I1", value: "2025-03-02"},
		{name: "row without violation not alone", in: inspectionsHeader + "I1,U1,2025-03-01,P1,fail,,V1,major,,\nI1,U1,2025-03-01,P1,fail,,,,,\n",
			want: risk.ErrMalformed, line: 3, column: "code", id: "I1"},
		{name: "JSON duplicate", format: JSONL, in: `{"inspection_id":"I1","unit_id":"U1","date":"2025-03-01","result":"pass"}` + "\n" +
			`{"inspection_id":"I1","unit_id":"U1","date":"2025-03-01","result":"pass"}`, want: risk.ErrDuplicateID, line: 2, column: "inspection_id", id: "I1", value: "I1"},
		{name: "JSON flat violation", format: JSONL, in: `{"inspection_id":"I1","unit_id":"U1","date":"2025-03-01","result":"fail","code":"V1"}`,
			want: risk.ErrUnknownField, line: 1, column: "code", id: "I1"},
		{name: "JSON violation field", format: JSONL, in: `{"inspection_id":"I1","unit_id":"U1","date":"2025-03-01","result":"fail","violations":[{"code":"V1","severity":"major"},{"code":"V2","level":"major"}]}`,
			want: risk.ErrUnknownField, line: 1, column: "violations[1].level", id: "I1"},
		{name: "JSON violation severity", format: JSONL, in: `{"inspection_id":"I1","unit_id":"U1","date":"2025-03-01","result":"fail","violations":[{"code":"V1","severity":"huge"}]}`,
			want: risk.ErrBadEnum, line: 1, column: "violations[0].severity", id: "I1", value: "huge"},
		{name: "JSON empty violation", format: JSONL, in: `{"inspection_id":"I1","unit_id":"U1","date":"2025-03-01","result":"fail","violations":[{}]}`,
			want: risk.ErrMissingValue, line: 1, column: "violations[0].code", id: "I1"},
		{name: "JSON inspector with ;", format: JSONL, in: `{"inspection_id":"I1","unit_id":"U1","date":"2025-03-01","result":"fail","inspectors":["P1;P2"]}`,
			want: risk.ErrMalformed, line: 1, column: "inspectors", id: "I1", value: "P1;P2"},
	})
}

func TestLoadInspectionsLongFormat(t *testing.T) {
	in := inspectionsHeader +
		"I1,U1,2025-03-01, P1 ; P2 ,fail,,V1,major,2025-03-15,\n" +
		"I2,U2,2025-03-02,P3,pass,complaint,,,,\n" +
		"I1,U1,2025-03-01,P1;P2,fail,,V2,minor,,2025-03-05\n"
	got, rej, err := LoadInspections(strings.NewReader(in), LoadOptions{})
	require.NoError(t, err)
	assert.Empty(t, rej)
	assert.Equal(t, []risk.Inspection{
		{ID: "I1", UnitID: "U1", Date: day(2025, 3, 1), Inspectors: []string{"P1", "P2"}, Result: risk.Fail, Reason: risk.RandomDraw,
			Violations: []risk.Violation{{Code: "V1", Severity: risk.Major, Deadline: day(2025, 3, 15)}, {Code: "V2", Severity: risk.Minor, Rectified: day(2025, 3, 5)}}},
		{ID: "I2", UnitID: "U2", Date: day(2025, 3, 2), Inspectors: []string{"P3"}, Result: risk.Pass, Reason: risk.Complaint},
	}, got)
}

const creditHeader = "unit_id,grade,dishonest,penalties,as_of\n"

func TestLoadCreditErrors(t *testing.T) {
	asOf := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	runErrCases(t, count(LoadCredit), []errCase{
		{name: "missing column", in: "unit_id,grade\n", want: risk.ErrMissingColumn, line: 1, column: "as_of", fatal: true},
		{name: "bad grade", in: creditHeader + "U1,E,,,2025-12-31\n", want: risk.ErrBadEnum, line: 2, column: "grade", id: "U1", value: "E"},
		{name: "bad flag", in: creditHeader + "U1,A,perhaps,,2025-12-31\n", want: risk.ErrBadEnum, line: 2, column: "dishonest", id: "U1", value: "perhaps"},
		{name: "negative penalties", in: creditHeader + "U1,A,,-2,2025-12-31\n", want: risk.ErrBadNumber, line: 2, column: "penalties", id: "U1", value: "-2"},
		{name: "missing as_of", in: creditHeader + "U1,A,,,\n", want: risk.ErrMissingValue, line: 2, column: "as_of", id: "U1"},
		{name: "future", opt: LoadOptions{AsOf: asOf}, in: creditHeader + "U1,A,,,2026-06-30\n", want: risk.ErrFuture, line: 2, column: "as_of", id: "U1", value: "2026-06-30"},
		{name: "unknown unit", opt: LoadOptions{Units: testDirectory(t, "U1")}, in: creditHeader + "U7,A,,,2025-06-30\n",
			want: risk.ErrUnknownUnit, line: 2, column: "unit_id", id: "U7", value: "U7"},
		{name: "JSON flag as number", format: JSONL, in: `{"unit_id":"U1","grade":"A","dishonest":1,"as_of":"2025-12-31"}`,
			want: risk.ErrMalformed, line: 1, column: "dishonest", id: "U1", value: "1"},
	})
}

const inspectorsHeader = "id,name,certificate,department,districts,categories,max_per_round,leave,conflicts\n"

func TestLoadInspectorsErrors(t *testing.T) {
	runErrCases(t, count(LoadInspectors), []errCase{
		{name: "missing column", in: "name,districts\n", want: risk.ErrMissingColumn, line: 1, column: "id", fatal: true},
		{name: "unknown column", in: "id,name,rank\n", want: risk.ErrUnknownField, line: 1, column: "rank", fatal: true},
		{name: "bad category", in: inspectorsHeader + "P1,a,,,d,school;shops,,,\n", want: risk.ErrBadEnum, line: 2, column: "categories", id: "P1", value: "shops"},
		{name: "negative cap", in: inspectorsHeader + "P1,a,,,d,school,-1,,\n", want: risk.ErrBadNumber, line: 2, column: "max_per_round", id: "P1", value: "-1"},
		{name: "bad leave", in: inspectorsHeader + "P1,a,,,d,school,,2026-02-30,\n", want: risk.ErrBadTime, line: 2, column: "leave", id: "P1", value: "2026-02-30"},
		{name: "reversed leave", in: inspectorsHeader + "P1,a,,,d,school,,2026-03-05..2026-03-01,\n", want: risk.ErrBadTime, line: 2, column: "leave", id: "P1", value: "2026-03-05..2026-03-01"},
		{name: "huge leave", in: inspectorsHeader + "P1,a,,,d,school,,2026-01-01..9999-01-01,\n", want: risk.ErrBadTime, line: 2, column: "leave", id: "P1", value: "2026-01-01..9999-01-01"},
		{name: "unknown conflict", opt: LoadOptions{Units: testDirectory(t, "U1")}, in: inspectorsHeader + "P1,a,,,d,school,,,U1;U2\n",
			want: risk.ErrUnknownUnit, line: 2, column: "conflicts", id: "P1", value: "U2"},
		{name: "duplicate", in: inspectorsHeader + "P1,a,,,d,school,,,\nP1,b,,,d,school,,,\n", want: risk.ErrDuplicateID, line: 3, column: "id", id: "P1", value: "P1"},
		{name: "missing id", in: inspectorsHeader + ",a,,,d,,,,\n", want: risk.ErrMissingValue, line: 2, column: "id"},
		{name: "JSON list as string", format: JSONL, in: `{"id":"P1","districts":"d"}`, want: risk.ErrMalformed, line: 1, column: "districts", id: "P1", value: `"d"`},
	})
}

func TestLoadInspectorsLists(t *testing.T) {
	in := inspectorsHeader + "P1,张伟,,,西湖区; 滨江区;,school,3,2026-03-04;2026-03-01..2026-03-02;2026-03-02,U1\n"
	got, _, err := LoadInspectors(strings.NewReader(in), LoadOptions{})
	require.NoError(t, err)
	assert.Equal(t, []risk.Inspector{{ID: "P1", Name: "张伟", Districts: []string{"西湖区", "滨江区"}, Categories: []risk.Category{risk.School},
		MaxPerRound: 3, Leave: []time.Time{day(2026, 3, 1), day(2026, 3, 2), day(2026, 3, 4)}, Conflicts: []string{"U1"}}}, got)
}

func TestLenientKeepsGoodRows(t *testing.T) {
	in := telemetryHeader +
		"U1,D1,smoke,2025-01-01T00:00:00Z,fault,,\n" + // 2 good
		"U1,D1,smoke,2025-01-01T00:00:00Z,smouldering,,\n" + // 3 bad kind
		"U1,D2,heat,2025-01-02T00:00:00Z,fire-alarm,71.5,°C\n" + // 4 good
		"U1,D2,heat,2025-01-02T00:00:00Z\n" + // 5 too few fields
		"U1,\"D3,smoke,2025-01-02T00:00:00Z,fault,,\n" // 6 unclosed quote to the end
	events, rej, err := LoadTelemetry(strings.NewReader(in), LoadOptions{Lenient: true, Source: "t.csv"})
	require.NoError(t, err)
	assert.Len(t, events, 2)
	var lines []int
	for _, e := range rej {
		lines = append(lines, e.Line)
		assert.Equal(t, "t.csv", e.Source)
	}
	assert.Equal(t, []int{3, 5, 6}, lines)
	assert.ErrorIs(t, rej[0], risk.ErrBadEnum)
	assert.ErrorIs(t, rej[1], risk.ErrMalformed)
	assert.ErrorIs(t, rej[2], risk.ErrMalformed)
	assert.Equal(t, risk.TelemetryEvent{UnitID: "U1", DeviceID: "D2", DeviceType: risk.HeatDetector, Time: time.Date(2025, 1, 2, 0, 0, 0, 0, time.UTC),
		Kind: risk.FireAlarm, HasValue: true, Value: 71.5, Measure: "°C"}, events[1])

	_, rej, err = LoadTelemetry(strings.NewReader(in), LoadOptions{Source: "t.csv"})
	assert.Nil(t, rej)
	assert.EqualError(t, err, `t.csv:3: column "kind" of record "U1": value "smouldering": unknown enumeration value: unknown event kind "smouldering" (want one of fire-alarm, false-alarm, fault, shielded, supervisory, offline, power-fault, pressure-low, residual-current-high, temperature-high, restored)`)
}

func TestStreamTelemetryCallbackError(t *testing.T) {
	in := telemetryHeader + strings.Repeat("U1,D1,smoke,2025-01-01T00:00:00Z,fault,,\n", 5)
	stop := errors.New("stop")
	n := 0
	_, err := StreamTelemetry(strings.NewReader(in), LoadOptions{Lenient: true}, func(*risk.TelemetryEvent) error {
		n++
		if n == 3 {
			return stop
		}
		return nil
	})
	assert.Equal(t, stop, err)
	assert.Equal(t, 3, n)
}

type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }

func TestLoadIOError(t *testing.T) {
	boom := errors.New("boom")
	r := io.MultiReader(strings.NewReader(telemetryHeader+"U1,D1,smoke,2025-01-01T00:00:00Z,fault,,\n"), errReader{boom})
	_, _, err := LoadTelemetry(r, LoadOptions{Lenient: true})
	assert.ErrorIs(t, err, boom)
	_, _, err = LoadUnits(errReader{boom}, LoadOptions{Lenient: true, Format: JSONL})
	assert.ErrorIs(t, err, boom)
	_, _, err = LoadUnits(strings.NewReader(""), LoadOptions{Format: Format(9)})
	assert.Error(t, err)
}

func gz(t *testing.T, b []byte) []byte {
	var out bytes.Buffer
	zw := gzip.NewWriter(&out)
	_, err := zw.Write(b)
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	return out.Bytes()
}

func TestLoadRecords(t *testing.T) {
	csvFiles := writeAll(t, sampleRecords(), CSV)
	jsonFiles := writeAll(t, sampleRecords(), JSONL)
	fsys := fstest.MapFS{
		"city/units.csv.gz":         {Data: gz(t, csvFiles["units"])},
		"city/telemetry.jsonl":      {Data: jsonFiles["telemetry"]},
		"city/incidents.csv":        {Data: csvFiles["incidents"]},
		"city/inspections.ndjson":   {Data: jsonFiles["inspections"]},
		"city/credit.jsonl.gz":      {Data: gz(t, jsonFiles["credit"])},
		"city/inspectors.csv":       {Data: csvFiles["inspectors"]},
		"bad/units.csv":             {Data: []byte(unitsHeader + "U1,a,school,d,,,,\n")},
		"bad/incidents.csv":         {Data: []byte(incidentsHeader + "U1,2025-01-01,fire,,\nU2,2025-01-01,fire,,\nU1,2025-01-01,arson,,\n")},
		"bad/not-gzip.csv.gz":       {Data: []byte("id\n")},
		"bad/inspectors.jsonl":      {Data: []byte(`{"id":"P1","districts":["d"],"categories":["school"],"conflicts":["U3"]}`)},
		"bad/units-dup.jsonl":       {Data: []byte(`{"id":"U1","category":"school","district":"d"}` + "\n" + `{"id":"U1","category":"school","district":"d"}`)},
		"bad/empty-telemetry.jsonl": {Data: nil},
	}
	files := Files{Units: "city/units.csv.gz", Telemetry: "city/telemetry.jsonl", Incidents: "city/incidents.csv",
		Inspections: "city/inspections.ndjson", Credit: "city/credit.jsonl.gz", Inspectors: "city/inspectors.csv"}
	recs, rej, err := LoadRecords(fsys, files, LoadOptions{AsOf: time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC)})
	require.NoError(t, err)
	assert.Empty(t, rej)
	assert.Equal(t, normalized(sampleRecords()), recs)

	// Units are checked against the units file; rejections of every file
	// are returned in lenient mode.
	bad := Files{Units: "bad/units.csv", Incidents: "bad/incidents.csv", Inspectors: "bad/inspectors.jsonl", Telemetry: "bad/empty-telemetry.jsonl"}
	recs, rej, err = LoadRecords(fsys, bad, LoadOptions{Lenient: true})
	require.NoError(t, err)
	require.Len(t, rej, 3)
	assert.Equal(t, "bad/inspectors.jsonl", rej[0].Source)
	assert.ErrorIs(t, rej[0], risk.ErrUnknownUnit)
	assert.Equal(t, []int{3, 4}, []int{rej[1].Line, rej[2].Line})
	assert.ErrorIs(t, rej[1], risk.ErrUnknownUnit)
	assert.ErrorIs(t, rej[2], risk.ErrBadEnum)
	assert.Len(t, recs.Incidents, 1)
	assert.Empty(t, recs.Inspectors)
	assert.Empty(t, recs.Telemetry)

	_, _, err = LoadRecords(fsys, bad, LoadOptions{})
	var re *risk.RecordError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, "bad/inspectors.jsonl", re.Source)

	_, _, err = LoadRecords(fsys, Files{Units: "bad/units-dup.jsonl"}, LoadOptions{})
	assert.ErrorIs(t, err, risk.ErrDuplicateID)
	_, _, err = LoadRecords(fsys, Files{Units: "bad/not-gzip.csv.gz"}, LoadOptions{})
	assert.ErrorContains(t, err, "bad/not-gzip.csv.gz")
	_, _, err = LoadRecords(fsys, Files{Credit: "nope.csv"}, LoadOptions{})
	assert.Error(t, err)
}

// TestSpecColumns pins the column names and order of every record type:
// they are the file format (the writers' headers come from the same specs).
func TestSpecColumns(t *testing.T) {
	for _, tc := range []struct {
		s    *spec
		cols string
	}{
		{unitTable.spec, "id, name, category, district, key_unit, crowded_place, high_fire_risk, lat, lon"},
		{telemetryTable.spec, "unit_id, device_id, device_type, time, kind, value, measure"},
		{incidentTable.spec, "unit_id, time, type, loss, casualties"},
		{inspectionTable.spec, "inspection_id, unit_id, date, inspectors, result, reason, code, severity, deadline, rectified"},
		{creditTable.spec, "unit_id, grade, dishonest, penalties, as_of"},
		{inspectorTable.spec, "id, name, certificate, department, districts, categories, max_per_round, leave, conflicts"},
	} {
		assert.Equal(t, tc.cols, tc.s.names(), tc.s.kind)
	}
}

func TestParseFloat(t *testing.T) {
	for _, s := range []string{"0", "-0", "1", "+7", "30.274512", "-120.000001", "1.", ".5", "123456789012345",
		"1234567890123456789", "0.1", "0.30000000000000004", "1e5", "-1.5E-3", "0x1p-2", "NaN", "inf", "",
		"-", ".", "1.2.3", "1_0", "99999999999999.9", "0.000000000000000000000001", "7\x00"} {
		want, wantErr := strconv.ParseFloat(s, 64)
		got, err := parseFloat([]byte(s))
		assert.Equal(t, wantErr == nil, err == nil, s)
		if wantErr == nil {
			assert.Equal(t, math.Float64bits(want), math.Float64bits(got), s)
		}
	}
}

// loadResult renders what a loader returned, for comparisons.
func loadResult[T any](recs []T, rej []*risk.RecordError, err error) string {
	var b strings.Builder
	for _, r := range recs {
		fmt.Fprintf(&b, "%+v\n", r)
	}
	for _, e := range rej {
		fmt.Fprintf(&b, "rejected %v\n", e)
	}
	fmt.Fprintf(&b, "err %v\n", err)
	return b.String()
}

// inAllModes runs load with the sequential CSV reader (GOMAXPROCS 1) and
// with parallel blocks of several sizes and checks the results agree.
func inAllModes[T any](t *testing.T, data []byte, opt LoadOptions, load func(io.Reader, LoadOptions) ([]T, []*risk.RecordError, error)) string {
	t.Helper()
	run := func() string { return loadResult(load(bytes.NewReader(data), opt)) }
	defer func(n int) { csvBlockSize = n }(csvBlockSize)
	procs := runtime.GOMAXPROCS(1)
	want := run()
	runtime.GOMAXPROCS(max(2, procs))
	for _, size := range []int{1, 7, 64, 1 << 20} {
		csvBlockSize = size
		require.Equal(t, want, run(), "block size %d", size)
	}
	runtime.GOMAXPROCS(procs)
	return want
}

func TestParallelCSVMatchesSequential(t *testing.T) {
	inputs := map[string][]string{
		"units": {
			unitsHeader + "U1,a,school,d,,,,\nU2,\"x\n\"\"y\"\"\",school,d,,,,3\r\n\r\nU1,dup,school,d,,,,\n",
			unitsHeader + "U1,a\"b,school,d,,,,\n\"U2\",\"b\nc\",school,d,,,,\nU3,\"c\"x,\"d\n",
			unitsHeader + "U1,\"a\"\r,school,d,,,,\nU2,\"\",school,d,,,,\nU3,\"unclosed,school,d,,,,\nU4,x,school,d,,,,\n",
			"\xef\xbb\xbf" + unitsHeader + "U1,a,school,d,,,,",
		},
		"telemetry": {
			telemetryHeader + "U1,D1,smoke,2025-01-01T00:00:00Z,fault,,\nU1,D1,smoke,bad,fault,,\n\"U\"\"2\",D2,heat,2025-01-02,fire-alarm,1,\"°\nC\"\nU3,D3\n",
		},
	}
	for _, kind := range []string{"units", "telemetry"} {
		paths, err := filepath.Glob(filepath.Join("..", "..", "testdata", "loaders", kind, "*.csv"))
		require.NoError(t, err)
		for _, p := range paths {
			b, err := os.ReadFile(p)
			require.NoError(t, err)
			inputs[kind] = append(inputs[kind], string(b))
		}
	}
	for _, lenient := range []bool{false, true} {
		opt := LoadOptions{Source: "x.csv", Lenient: lenient}
		for i, in := range inputs["units"] {
			t.Run(fmt.Sprint("units", i, lenient), func(t *testing.T) {
				inAllModes(t, []byte(in), opt, LoadUnits)
			})
		}
		for i, in := range inputs["telemetry"] {
			t.Run(fmt.Sprint("telemetry", i, lenient), func(t *testing.T) {
				inAllModes(t, []byte(in), opt, LoadTelemetry)
			})
		}
	}
}

func TestRecordsEnd(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int
	}{
		{"a,b\nc", 4},
		{"a,\"b\nc\",d\ne", 10},
		{"a,\"b\nc", 0},
		{"a\"b\nc\nd", 6},       // a stray quote does not open a field
		{"\"a\"x,\"b\nc\n", 10}, // nor does a quote after text after a closing quote
		{"\"a\"\"", 0},          // an escaped quote or a closing one: unknown yet
		{"\"a\"\"\n\"\n", 7},    // escaped quote inside a field spanning lines
		{"\"a\"\r\nb", 5},
	} {
		assert.Equal(t, tc.want, recordsEnd([]byte(tc.in)), "%q", tc.in)
	}
}

func TestFindDuplicates(t *testing.T) {
	units := make([]risk.Unit, 5000)
	for i := range units {
		units[i].ID = fmt.Sprint("U", i%2000)
	}
	seed := maphash.MakeSeed()
	dups := findDuplicates(units, func(s string) uint64 { return maphash.String(seed, s) })
	require.Len(t, dups, 3000)
	for k, d := range dups {
		require.Equal(t, dupPair{2000 + k, k % 2000}, d)
	}
	// Distinct IDs with equal hashes are told apart.
	units = []risk.Unit{{ID: "a"}, {ID: "b"}, {ID: "a"}, {ID: "c"}, {ID: "b"}, {ID: "a"}, {ID: "d"}}
	for _, hash := range []func(string) uint64{
		func(string) uint64 { return 7 },
		func(s string) uint64 { return uint64(len(s)) },
		func(s string) uint64 { return maphash.String(seed, s) },
	} {
		assert.Equal(t, []dupPair{{2, 0}, {4, 1}, {5, 0}}, findDuplicates(units, hash))
	}
}

// telemetrySource generates n telemetry CSV rows on the fly for 100
// units, so that a test can stream more data than it holds.
type telemetrySource struct {
	n, i int
	buf  []byte
}

func (s *telemetrySource) Read(p []byte) (int, error) {
	if s.i == 0 && s.buf == nil {
		s.buf = []byte(telemetryHeader)
	}
	for len(s.buf) < len(p) && s.i < s.n {
		s.buf = fmt.Appendf(s.buf, "U%d,D%d,smoke,2025-01-01T00:00:%02dZ,fault,%d,mA\n", s.i%100, s.i%300, s.i%60, s.i%7)
		s.i++
	}
	if len(s.buf) == 0 {
		return 0, io.EOF
	}
	n := copy(p, s.buf)
	s.buf = s.buf[n:]
	if len(s.buf) == 0 {
		s.buf = s.buf[:0:0]
	}
	return n, nil
}

// TestStreamTelemetryMemory checks that the live heap of StreamTelemetry
// does not grow with the number of events.
func TestStreamTelemetryMemory(t *testing.T) {
	const n = 400_000
	live := func() uint64 {
		var m runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	var samples []uint64
	count := 0
	_, err := StreamTelemetry(&telemetrySource{n: n}, LoadOptions{}, func(*risk.TelemetryEvent) error {
		if count++; count%100_000 == 0 {
			samples = append(samples, live())
		}
		return nil
	})
	require.NoError(t, err)
	require.Equal(t, n, count)
	require.Len(t, samples, 4)
	// Blocks in flight (a few MB) are live at every sample; what must not
	// happen is growth with the events read (~12 MB per 100,000 events if
	// they were kept).
	growth := int64(samples[3]) - int64(samples[0])
	assert.Less(t, growth, int64(4<<20), "live heap grew by %d bytes from 100,000 to 400,000 events", growth)
}
