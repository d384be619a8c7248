package recordio_test

import (
	"bytes"
	"compress/gzip"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/firedraw/firedraw/risk"
	"github.com/firedraw/firedraw/risk/recordio"
)

func locGzip(t testing.TB, s string) []byte {
	t.Helper()
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	_, err := w.Write([]byte(s))
	require.NoError(t, err)
	require.NoError(t, w.Close())
	return b.Bytes()
}

func TestLocations(t *testing.T) {
	fsys := fstest.MapFS{
		"credit.csv.gz": {Data: locGzip(t, "unit_id,grade,as_of\n\nU1,A,2025-01-01\n\"U\n2\",B,2025-01-01\nU3,C,2025-01-01\n")},
		"insp.jsonl": {Data: []byte("\n" + `{"inspection_id":"I1","unit_id":"U1","date":"2025-01-01","result":"pass"}` + "\n  \n" +
			`{"inspection_id":"I2","unit_id":"U1","date":"2025-01-02","result":"pass"}` + "\n")},
		"insp.csv": {Data: []byte("Inspection_ID,unit_id,date,result,code,severity\nI1,U1,2025-01-01,fail,V1,minor\nI2,U1,2025-01-01,pass,,\nI1,U1,2025-01-01,fail,V2,minor\nI3,U1,2025-01-01,pass,,\n")},
	}
	loc := recordio.Locations(fsys, recordio.Files{Credit: "credit.csv.gz", Inspections: "insp.jsonl"})
	for _, tc := range []struct {
		kind  string
		index int
		src   string
		line  int
	}{
		{risk.KindCredit, 0, "credit.csv.gz", 3},
		{risk.KindCredit, 1, "credit.csv.gz", 4}, // a quoted field spans lines 4-5
		{risk.KindCredit, 2, "credit.csv.gz", 6},
		{risk.KindCredit, 3, "credit.csv.gz", 0}, // no such record
		{risk.KindInspections, 0, "insp.jsonl", 2},
		{risk.KindInspections, 1, "insp.jsonl", 4},
		{risk.KindUnits, 0, "", 0}, // no file
	} {
		src, line := loc(tc.kind, tc.index)
		assert.Equal(t, tc.src, src, "%s %d", tc.kind, tc.index)
		assert.Equal(t, tc.line, line, "%s %d", tc.kind, tc.index)
	}
	loc = recordio.Locations(fsys, recordio.Files{Inspections: "insp.csv"})
	for i, want := range []int{2, 3, 5} { // one line per distinct inspection_id
		_, line := loc(risk.KindInspections, i)
		assert.Equal(t, want, line, "inspection %d", i)
	}
	loc = recordio.Locations(fsys, recordio.Files{Units: "missing.csv"})
	src, line := loc(risk.KindUnits, 0)
	assert.Equal(t, "missing.csv", src)
	assert.Zero(t, line)
}

// FuzzLocations checks Locations against the loaders: whenever
// LoadInspections or LoadCredit accepts a file strictly, Locations gives
// one line per record, increasing, each within the file.
func FuzzLocations(f *testing.F) {
	for _, s := range []string{
		"inspection_id,unit_id,date,result,code,severity\nI1,U1,2025-01-01,fail,V1,minor\nI1,U1,2025-01-01,fail,V2,minor\nI2,U1,2025-01-01,pass,,\n",
		"unit_id,grade,as_of\n\nU1,A,2025-01-01\n\"U\n2\",B,2025-01-01\r\n",
		`{"unit_id":"U1","grade":"A","as_of":"2025-01-01"}` + "\n\n" + `{"unit_id":"U2","grade":"B","as_of":"2025-01-01"}`,
		`{"inspection_id":"I1","unit_id":"U1","date":"2025-01-01","result":"pass"}`,
		"\ufeffunit_id,grade,as_of\nU1,A,2025-01-01",
	} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, data string, jsonl bool) {
		name, format := "f.csv", recordio.CSV
		if jsonl {
			name, format = "f.jsonl", recordio.JSONL
		}
		fsys := fstest.MapFS{name: {Data: []byte(data)}}
		maxLine := bytes.Count([]byte(data), []byte("\n")) + 1
		check := func(kind string, n int, files recordio.Files) {
			loc := recordio.Locations(fsys, files)
			prev := 0
			for i := range n {
				src, line := loc(kind, i)
				require.Equal(t, name, src)
				require.Greater(t, line, prev, "record %d of %d", i, n)
				require.LessOrEqual(t, line, maxLine)
				prev = line
			}
		}
		opt := recordio.LoadOptions{Source: name, Format: format}
		if ins, _, err := recordio.LoadInspections(bytes.NewReader([]byte(data)), opt); err == nil {
			check(risk.KindInspections, len(ins), recordio.Files{Inspections: name})
		}
		if cr, _, err := recordio.LoadCredit(bytes.NewReader([]byte(data)), opt); err == nil {
			check(risk.KindCredit, len(cr), recordio.Files{Credit: name})
		}
	})
}
