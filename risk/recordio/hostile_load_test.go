package recordio

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/firedraw/firedraw/risk"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// The TestHostile tests feed the loaders the sloppy and hostile files of
// issue #15, through the public loaders, and check that each is refused
// with an error naming the file, the line and the field, or loaded by a
// documented rule.

// hostileCase is a bad input and the error it must give.
type hostileCase struct {
	name   string
	load   loaderFunc
	format Format
	opt    LoadOptions // Source and Format are set by the test
	in     string
	want   error  // sentinel
	line   int    // line named in the error
	column string // field named in the error; "" if none
	text   string // part of the message
}

func runHostile(t *testing.T, cases []hostileCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			opt := tc.opt
			opt.Source, opt.Format = "bad.file", tc.format
			_, _, err := tc.load(strings.NewReader(tc.in), opt)
			require.Error(t, err)
			assert.ErrorIs(t, err, tc.want)
			var re *risk.RecordError
			require.ErrorAs(t, err, &re)
			assert.Equal(t, tc.line, re.Line, "line")
			assert.Equal(t, tc.column, re.Column, "column")
			msg := err.Error()
			assert.True(t, strings.HasPrefix(msg, fmt.Sprintf("bad.file:%d: ", tc.line)), "%s names no file and line", msg)
			if tc.column != "" {
				assert.Contains(t, msg, fmt.Sprintf("column %q", tc.column))
			}
			assert.Contains(t, msg, tc.text)
		})
	}
}

var (
	units       = count(LoadUnits)
	telemetry   = count(LoadTelemetry)
	inspections = count(LoadInspections)
	credit      = count(LoadCredit)
	inspectors  = count(LoadInspectors)
	incidents   = count(LoadIncidents)
)

func TestHostileJSONKeys(t *testing.T) {
	runHostile(t, []hostileCase{
		{name: "repeated flag", load: units, format: JSONL,
			in:   `{"id":"U1","category":"school","district":"d","high_fire_risk":true,"high_fire_risk":false}`,
			want: risk.ErrMalformed, line: 1, column: "high_fire_risk", text: `duplicate key "high_fire_risk"`},
		{name: "repeated id", load: units, format: JSONL,
			in:   "\n" + `{"id":"A","category":"school","district":"d","id":"B"}`,
			want: risk.ErrMalformed, line: 2, column: "id", text: `duplicate key "id"`},
		{name: "case-variant key", load: units, format: JSONL,
			in:   `{"id":"U1","category":"school","district":"d","key_unit":false,"Key_Unit":true}`,
			want: risk.ErrMalformed, line: 1, column: "Key_Unit", text: `keys "key_unit" and "Key_Unit" differ only in case`},
		{name: "variant key alone", load: units, format: JSONL,
			in:   `{"id":"U1","category":"school","district":"d","High_Fire_Risk":true}`,
			want: risk.ErrUnknownField, line: 1, column: "High_Fire_Risk", text: "did you mean high_fire_risk?"},
		{name: "unknown key", load: credit, format: JSONL,
			in:   `{"unit_id":"U1","grade":"A","as_of":"2025-01-01","score":3}`,
			want: risk.ErrUnknownField, line: 1, column: "score", text: `"score" is not a credit field`},
		{name: "repeated attribute", load: units, format: JSONL,
			in:   `{"id":"U1","category":"school","district":"d","attrs":{"floors":3,"floors":30}}`,
			want: risk.ErrMalformed, line: 1, column: "attrs.floors", text: `duplicate key "floors"`},
		{name: "case-variant attribute", load: units, format: JSONL,
			in:   `{"id":"U1","category":"school","district":"d","attrs":{"Floors":3,"floors":30}}`,
			want: risk.ErrMalformed, line: 1, column: "attrs.floors", text: "differ only in case"},
		{name: "repeated violation key", load: inspections, format: JSONL,
			in:   `{"inspection_id":"I1","unit_id":"U1","date":"2025-01-01","result":"fail","violations":[{"code":"V1","severity":"major","severity":"minor"}]}`,
			want: risk.ErrMalformed, line: 1, column: "violations[0].severity", text: `duplicate key "severity"`},
		{name: "repeated telemetry key", load: telemetry, format: JSONL,
			in:   `{"unit_id":"U1","device_id":"D1","device_type":"smoke","time":"2025-01-01","kind":"fire-alarm","kind":"fault"}`,
			want: risk.ErrMalformed, line: 1, column: "kind", text: `duplicate key "kind"`},
		{name: "repeated incident key", load: incidents, format: JSONL,
			in:   `{"unit_id":"U1","time":"2025-01-01","type":"fire","loss":1,"loss":2}`,
			want: risk.ErrMalformed, line: 1, column: "loss", text: `duplicate key "loss"`},
		{name: "repeated inspector key", load: inspectors, format: JSONL,
			in:   `{"id":"P1","districts":["d"],"categories":["school"],"districts":[]}`,
			want: risk.ErrMalformed, line: 1, column: "districts", text: `duplicate key "districts"`},
		{name: "data after the object", load: credit, format: JSONL,
			in:   `{"unit_id":"U1","grade":"A","as_of":"2025-01-01"} {"unit_id":"U2"}`,
			want: risk.ErrMalformed, line: 1, text: "data after the object"},
	})
}

func TestHostileHeaders(t *testing.T) {
	runHostile(t, []hostileCase{
		{name: "mis-cased floors", load: units, in: "id,category,district,Key_Unit,High_Fire_Risk\nU1,school,d,true,true\n",
			want: risk.ErrUnknownField, line: 1, column: "Key_Unit", text: "did you mean key_unit?"},
		{name: "spaces", load: units, in: "id,category,district,high fire risk\n",
			want: risk.ErrUnknownField, line: 1, column: "high fire risk", text: "did you mean high_fire_risk?"},
		{name: "hyphen", load: units, in: "id,category,district,crowded-place\n",
			want: risk.ErrUnknownField, line: 1, column: "crowded-place", text: "did you mean crowded_place?"},
		{name: "upper-case id", load: units, in: "ID,category,district\n",
			want: risk.ErrUnknownField, line: 1, column: "ID", text: "did you mean id?"},
		{name: "full-width", load: units, in: "id,category,district,ｌａｔ,lon\n",
			want: risk.ErrUnknownField, line: 1, column: "ｌａｔ", text: "did you mean lat?"},
		{name: "telemetry", load: telemetry, in: "Unit_ID,device_id,device_type,time,kind\n",
			want: risk.ErrUnknownField, line: 1, column: "Unit_ID", text: "did you mean unit_id?"},
		{name: "inspections", load: inspections, in: "inspection_id,unit_id,date,result,Rectified\n",
			want: risk.ErrUnknownField, line: 1, column: "Rectified", text: "did you mean rectified?"},
		{name: "credit", load: credit, in: "unit_id,grade,AS OF\n",
			want: risk.ErrUnknownField, line: 1, column: "AS OF", text: "did you mean as_of?"},
		{name: "inspectors", load: inspectors, in: "id,districts,categories,Max-Per-Round\n",
			want: risk.ErrUnknownField, line: 1, column: "Max-Per-Round", text: "did you mean max_per_round?"},
	})
	// A column that is no variant of a known one stays a free attribute.
	got, _, err := LoadUnits(strings.NewReader("id,category,district,Key_Unit_Count\nU1,school,d,3\n"), LoadOptions{})
	require.NoError(t, err)
	assert.Equal(t, []risk.Attr{{Name: "Key_Unit_Count", Numeric: true, Num: 3}}, got[0].Attrs)
}

func TestHostileListsAndCounts(t *testing.T) {
	const h = inspectorsHeader
	runHostile(t, []hostileCase{
		{name: "empty categories", load: inspectors, in: h + "P1,a,,,d,,3,,\n",
			want: risk.ErrMissingValue, line: 2, column: "categories", text: "never eligible"},
		{name: "empty districts", load: inspectors, in: h + "P1,a,,,,school,3,,\n",
			want: risk.ErrMissingValue, line: 2, column: "districts", text: "never eligible"},
		{name: "only separators", load: inspectors, in: h + "P1,a,,,d, ; ,3,,\n",
			want: risk.ErrMissingValue, line: 2, column: "categories", text: "never eligible"},
		{name: "JSON empty array", load: inspectors, format: JSONL, in: `{"id":"P1","districts":["d"],"categories":[]}`,
			want: risk.ErrMissingValue, line: 1, column: "categories", text: "never eligible"},
		{name: "JSON absent list", load: inspectors, format: JSONL, in: `{"id":"P1","categories":["school"]}`,
			want: risk.ErrMissingValue, line: 1, column: "districts", text: "never eligible"},
		{name: "cap 2^31", load: inspectors, in: h + "P1,a,,,d,school,2147483648,,\n",
			want: risk.ErrBadNumber, line: 2, column: "max_per_round", text: "at most 2147483647"},
		{name: "cap 2^32", load: inspectors, in: h + "P1,a,,,d,school,4294967296,,\n",
			want: risk.ErrBadNumber, line: 2, column: "max_per_round", text: "at most 2147483647"},
		{name: "cap 2^63", load: inspectors, in: h + "P1,a,,,d,school,9223372036854775808,,\n",
			want: risk.ErrBadNumber, line: 2, column: "max_per_round", text: "non-negative integer"},
		{name: "JSON cap 1e10", load: inspectors, format: JSONL, in: `{"id":"P1","districts":["d"],"categories":["school"],"max_per_round":1e10}`,
			want: risk.ErrBadNumber, line: 1, column: "max_per_round", text: "at most 2147483647"},
		{name: "penalties", load: credit, in: "unit_id,grade,penalties,as_of\nU1,A,2147483648,2025-01-01\n",
			want: risk.ErrBadNumber, line: 2, column: "penalties", text: "at most 2147483647"},
		{name: "casualties", load: incidents, in: incidentsHeader + "U1,2025-01-01,fire,,99999999999\n",
			want: risk.ErrBadNumber, line: 2, column: "casualties", text: "at most 2147483647"},
	})
	got, _, err := LoadInspectors(strings.NewReader(h+"P1,a,,,d,school,2147483647,,\n"), LoadOptions{})
	require.NoError(t, err)
	assert.Equal(t, 2147483647, got[0].MaxPerRound)
}

func TestHostileIDs(t *testing.T) {
	const uh = "id,category,district\n"
	runHostile(t, []hostileCase{
		{name: "NUL", load: units, in: uh + "U\x001,school,d\n",
			want: risk.ErrMalformed, line: 2, column: "id", text: "control or format character U+0000"},
		{name: "escape", load: units, in: uh + "U1\x1b[2J,school,d\n",
			want: risk.ErrMalformed, line: 2, column: "id", text: "U+001B"},
		{name: "JSON NUL", load: units, format: JSONL, in: `{"id":"U\u00001","category":"school","district":"d"}`,
			want: risk.ErrMalformed, line: 1, column: "id", text: "U+0000"},
		{name: "zero-width space in a reference", load: telemetry, in: telemetryHeader + "U1\u200b,D1,smoke,2025-01-01,fault,,\n",
			want: risk.ErrMalformed, line: 2, column: "unit_id", text: "U+200B"},
		{name: "control in an inspector list", load: inspections, in: inspectionsHeader + "I1,U1,2025-01-01,P1;P\x072,pass,,,,,\n",
			want: risk.ErrMalformed, line: 2, column: "inspectors", text: "U+0007"},
		{name: "control in an inspector ID", load: inspectors, in: inspectorsHeader + "P\x7f1,a,,,d,school,,,\n",
			want: risk.ErrMalformed, line: 2, column: "id", text: "U+007F"},
		{name: "full-width digit collides", load: units, in: uh + "91350100MA0000001X,school,d\n９1350100MA0000001X,school,d\n",
			want: risk.ErrDuplicateID, line: 3, column: "id", text: "first on line 2"},
		{name: "white space collides", load: units, in: uh + "U1,school,d\n\" U1\u3000\",school,d\n",
			want: risk.ErrDuplicateID, line: 3, column: "id", text: "first on line 2"},
		{name: "credit code case collides", load: units, in: uh + "91350100MA0000001X,school,d\n91350100ma0000001x,school,d\n",
			want: risk.ErrDuplicateID, line: 3, column: "id", text: "first on line 2"},
		{name: "inspector IDs collide", load: inspectors, in: inspectorsHeader + "P1,a,,,d,school,,,\nＰ１,b,,,d,school,,,\n",
			want: risk.ErrDuplicateID, line: 3, column: "id", text: "first on line 2"},
		{name: "inspection IDs collide", load: inspections, format: JSONL,
			in: `{"inspection_id":"I1","unit_id":"U1","date":"2025-01-01","result":"pass"}` + "\n" +
				`{"inspection_id":" I1","unit_id":"U1","date":"2025-01-01","result":"pass"}`,
			want: risk.ErrDuplicateID, line: 2, column: "inspection_id", text: "first on line 1"},
		{name: "credit code check", load: units, opt: LoadOptions{CreditCodes: CreditCodeError},
			in:   uh + "91350100M000100Y43,school,d\n91350100MA0000001X,school,d\n",
			want: ErrBadCreditCode, line: 3, column: "id", text: "GB 32100-2015 check character"},
		{name: "credit code check, not 18 characters", load: units, opt: LoadOptions{CreditCodes: CreditCodeError},
			in:   uh + "U1,school,d\n",
			want: ErrBadCreditCode, line: 2, column: "id", text: "not a valid unified social credit code"},
	})
}

func TestHostileIDRule(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"U1", "U1"},
		{" U1\t", "U1"},
		{"\u3000U1\u3000", "U1"},
		{"９1350100MA0000001X", "91350100MA0000001X"},
		{"91350100ma0000001x", "91350100MA0000001X"},
		{"ｕ1", "u1"},           // width folded, case kept: not a credit code
		{"abc-def", "abc-def"}, // case kept
	} {
		got, err := NormalizeID(tc.in)
		require.NoError(t, err, tc.in)
		assert.Equal(t, tc.want, got, tc.in)
	}
	for _, bad := range []string{"U\x001", "U\t1", "\u202eU1", "U\u00ad1"} {
		_, err := NormalizeID(bad)
		assert.Error(t, err, "%q", bad)
	}
	// References are normalised by the same rule before the directory
	// check, so a full-width reference finds its unit.
	dir := testDirectory(t, "91350100MA0000001X")
	ev, _, err := LoadTelemetry(strings.NewReader(telemetryHeader+"９1350100ma0000001x ,D1,smoke,2025-01-01,fault,,\n"), LoadOptions{Units: dir})
	require.NoError(t, err)
	assert.Equal(t, "91350100MA0000001X", ev[0].UnitID)

	// Known valid codes (published registrations) pass the check.
	for _, code := range []string{"91350100M000100Y43", "9144030071526726XG", "914403001922038216", "91330100799655058B"} {
		assert.True(t, ValidCreditCode(code), code)
	}
	assert.False(t, ValidCreditCode("91350100M000100Y44"))
	assert.False(t, ValidCreditCode("91350100M000100I43"), "I is not in the alphabet")

	// As a warning, the unit is kept and the warning names file, line
	// and field.
	var warned []*risk.RecordError
	got, rej, err := LoadUnits(strings.NewReader("id,category,district\nU1,school,d\n91350100M000100Y43,school,d\n"),
		LoadOptions{Source: "u.csv", CreditCodes: CreditCodeWarn, Warn: func(e *risk.RecordError) { warned = append(warned, e) }})
	require.NoError(t, err)
	assert.Empty(t, rej)
	assert.Len(t, got, 2)
	require.Len(t, warned, 1)
	assert.ErrorIs(t, warned[0], ErrBadCreditCode)
	assert.True(t, strings.HasPrefix(warned[0].Error(), `u.csv:2: column "id" of record "U1"`), warned[0].Error())
	assert.PanicsWithValue(t, "recordio: LoadOptions.CreditCodes is CreditCodeWarn but Warn is nil", func() {
		_, _, _ = LoadUnits(strings.NewReader(""), LoadOptions{CreditCodes: CreditCodeWarn})
	})
}

// endless is an input of a prefix followed by an endless repetition of
// fill; it counts the bytes read, so that a test can check that a loader
// gives up early instead of holding the whole input.
type endless struct {
	prefix []byte
	fill   byte
	n      int64
}

func (e *endless) Read(p []byte) (int, error) {
	k := copy(p, e.prefix)
	e.prefix = e.prefix[k:]
	for i := k; i < len(p); i++ {
		p[i] = e.fill
	}
	e.n += int64(len(p))
	return len(p), nil
}

func TestHostileLimits(t *testing.T) {
	long := strings.Repeat("x", 200)
	runHostile(t, []hostileCase{
		{name: "line", load: units, opt: LoadOptions{MaxLineBytes: 100}, in: "id,category,district\nU1,school,d\n" + long + "\n",
			want: ErrTooLarge, line: 3, text: "line longer than 100 bytes (LoadOptions.MaxLineBytes)"},
		{name: "JSON line", load: credit, format: JSONL, opt: LoadOptions{MaxLineBytes: 100}, in: "\n" + long,
			want: ErrTooLarge, line: 2, text: "line longer than 100 bytes"},
		{name: "field", load: units, opt: LoadOptions{MaxFieldBytes: 100}, in: "id,name,category,district\nU1," + long + ",school,d\n",
			want: ErrTooLarge, line: 2, text: "field longer than 100 bytes (LoadOptions.MaxFieldBytes)"},
		{name: "quoted field", load: inspectors, opt: LoadOptions{MaxFieldBytes: 100}, in: inspectorsHeader + `P1,"` + long + `",,,d,school,,,` + "\n",
			want: ErrTooLarge, line: 2, text: "field longer than 100 bytes"},
		{name: "JSON value", load: credit, format: JSONL, opt: LoadOptions{MaxFieldBytes: 100}, in: `{"unit_id":"` + long + `"}`,
			want: ErrTooLarge, line: 1, column: "unit_id", text: "field longer than 100 bytes"},
		{name: "total", load: incidents, opt: LoadOptions{MaxBytes: 64}, in: incidentsHeader + strings.Repeat("U1,2025-01-01,fire,,\n", 10),
			want: ErrTooLarge, line: 3, text: "input longer than 64 bytes (LoadOptions.MaxBytes)"},
	})
	// Within the limits, the same inputs load.
	_, _, err := LoadIncidents(strings.NewReader(incidentsHeader+strings.Repeat("U1,2025-01-01,fire,,\n", 2)), LoadOptions{MaxBytes: 76})
	require.NoError(t, err)

	// An unclosed quoted field fails at the field limit, having read
	// little more than it (it never reaches the end of this input).
	for _, lenient := range []bool{false, true} {
		in := &endless{prefix: []byte("id,name,category,district\nU1,\""), fill: 'a'}
		_, _, err = LoadUnits(in, LoadOptions{Source: "u.csv", Lenient: lenient})
		require.ErrorIs(t, err, ErrTooLarge)
		assert.Contains(t, err.Error(), "u.csv:2: ")
		assert.Less(t, in.n, int64(8<<20), "bytes read")
		// One long line without a quote fails at the line limit.
		in = &endless{prefix: []byte("unit_id,device_id,device_type,time,kind\n"), fill: 'a'}
		_, err = StreamTelemetry(in, LoadOptions{Source: "t.csv", Lenient: lenient}, func(*risk.TelemetryEvent) error { return nil })
		require.ErrorIs(t, err, ErrTooLarge)
		assert.Contains(t, err.Error(), "t.csv:2: ")
		assert.Less(t, in.n, int64(8<<20), "bytes read")
	}
}

func gzipped(t *testing.T, write func(w io.Writer)) []byte {
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.DefaultCompression)
	require.NoError(t, err)
	write(zw)
	require.NoError(t, zw.Close())
	return buf.Bytes()
}

func TestHostileGzip(t *testing.T) {
	// One 64 MiB line in a small .gz fails at the line limit.
	bomb := gzipped(t, func(w io.Writer) {
		_, _ = io.WriteString(w, "id,category,district\n")
		chunk := bytes.Repeat([]byte{'a'}, 1<<20)
		for range 64 {
			_, _ = w.Write(chunk)
		}
	})
	require.Less(t, len(bomb), 1<<20)
	_, _, err := LoadUnits(bytes.NewReader(bomb), LoadOptions{Source: "bomb.csv.gz"})
	require.ErrorIs(t, err, ErrTooLarge)
	assert.Contains(t, err.Error(), "bomb.csv.gz:2: ")
	assert.Contains(t, err.Error(), "LoadOptions.MaxLineBytes")

	// Short, valid, highly repetitive rows fail at the expansion ratio
	// once past the 16 MiB grace.
	rows := gzipped(t, func(w io.Writer) {
		_, _ = io.WriteString(w, incidentsHeader)
		row := []byte("U1,2025-01-01T00:00:00Z,fire,,\n")
		for range (20 << 20) / len(row) {
			_, _ = w.Write(row)
		}
	})
	_, _, err = LoadIncidents(bytes.NewReader(rows), LoadOptions{Source: "rows.csv.gz"})
	require.ErrorIs(t, err, ErrTooLarge)
	assert.Contains(t, err.Error(), "LoadOptions.MaxGzipRatio")
	assert.True(t, strings.HasPrefix(err.Error(), "rows.csv.gz:"), err.Error())

	// LoadRecords names the file.
	fsys := fstest.MapFS{"units.csv.gz": {Data: bomb}}
	_, _, err = LoadRecords(fsys, Files{Units: "units.csv.gz"}, LoadOptions{})
	require.ErrorIs(t, err, ErrTooLarge)
	assert.True(t, strings.HasPrefix(err.Error(), "units.csv.gz:2: "), err.Error())
}

func TestHostileFormats(t *testing.T) {
	gbk, err := simplifiedchinese.GB18030.NewEncoder().String("id,name,category,district\nU1,老王烧烤店,school,西湖区\n")
	require.NoError(t, err)
	runHostile(t, []hostileCase{
		{name: "xlsx", load: units, in: "PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00",
			want: ErrWrongFormat, line: 1, text: "this is an .xlsx workbook: save it as CSV UTF-8"},
		{name: "xls", load: credit, in: "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00",
			want: ErrWrongFormat, line: 1, text: "this is an .xls workbook: save it as CSV UTF-8"},
		{name: "xlsx as JSON Lines", load: inspections, format: JSONL, in: "PK\x03\x04\x14\x00",
			want: ErrWrongFormat, line: 1, text: "save it as CSV UTF-8"},
		{name: "GBK", load: units, in: gbk,
			want: ErrWrongFormat, line: 1, text: "iconv -f GB18030 -t UTF-8"},
		{name: "GBK after the start", load: units, in: "id,name,category,district\n" + strings.Repeat("U0,a,school,d\n", 0) + "U1,\xff\xfe,school,d\n",
			want: risk.ErrMalformed, line: 2, text: "not valid UTF-8 (a GBK/GB18030 export? convert it with `iconv -f GB18030 -t UTF-8"},
	})
	// Behind the option, GB18030 is read.
	got, _, err := LoadUnits(strings.NewReader(gbk), LoadOptions{Charset: GB18030})
	require.NoError(t, err)
	assert.Equal(t, "老王烧烤店", got[0].Name)
	assert.Equal(t, "西湖区", got[0].District)
	// A gzipped workbook is still a workbook.
	zipped := gzipped(t, func(w io.Writer) { _, _ = io.WriteString(w, "PK\x03\x04rest") })
	_, _, err = LoadUnits(bytes.NewReader(zipped), LoadOptions{Source: "u.csv.gz"})
	require.ErrorIs(t, err, ErrWrongFormat)
	assert.EqualError(t, err, "u.csv.gz:1: not a UTF-8 text file: this is an .xlsx workbook: save it as CSV UTF-8")
	assert.True(t, errors.Is(err, ErrWrongFormat))
}

func TestHostileLoadRecords(t *testing.T) {
	fsys := fstest.MapFS{
		"units.csv":      {Data: []byte("id,category,district,Key_Unit,High_Fire_Risk\nU1,school,d,true,true\n")},
		"inspectors.csv": {Data: []byte(inspectorsHeader + "P1,a,,,d,,,,\n")},
		"credit.jsonl":   {Data: []byte(`{"unit_id":"U1","grade":"A","grade":"D","as_of":"2025-01-01"}`)},
	}
	for _, tc := range []struct {
		files Files
		want  string
	}{
		{Files{Units: "units.csv"}, `units.csv:1: column "Key_Unit": unknown field: header: column "Key_Unit" is not a unit column: did you mean key_unit?`},
		{Files{Inspectors: "inspectors.csv"}, `inspectors.csv:2: column "categories" of record "P1": missing required value: an empty list would make the inspector never eligible`},
		{Files{Credit: "credit.jsonl"}, `credit.jsonl:1: column "grade": malformed record: duplicate key "grade"`},
	} {
		for _, lenient := range []bool{false, true} {
			_, rej, err := LoadRecords(fsys, tc.files, LoadOptions{Lenient: lenient})
			if err == nil {
				require.NotEmpty(t, rej)
				err = rej[0]
			}
			assert.ErrorContains(t, err, tc.want)
		}
	}
}
