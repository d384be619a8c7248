package synthcity_test

import (
	"bytes"
	"compress/gzip"
	"flag"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/firedraw/firedraw/risk/recordio"
	"github.com/firedraw/firedraw/risk/synthcity"
)

// The committed default city. Regenerate it after an intended change of
// the generator with
//
//	go test ./risk/synthcity -run TestGolden -update
//
// (or go run ./examples/gencity -out testdata/city, which writes the same
// bytes) and commit testdata/city with the change.
var update = flag.Bool("update", false, "rewrite testdata/city from Default()")

const goldenDir = "../../testdata/city"

func gunzip(t *testing.T, path string) []byte {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	zr, err := gzip.NewReader(f)
	require.NoError(t, err)
	assert.Empty(t, zr.Name, "%s: gzip header carries a name", path)
	assert.True(t, zr.ModTime.IsZero(), "%s: gzip header carries a time", path)
	b, err := io.ReadAll(zr)
	require.NoError(t, err)
	return b
}

func TestGolden(t *testing.T) {
	if *update {
		require.NoError(t, synthcity.Default().WriteDir(goldenDir))
	}
	dir := t.TempDir()
	require.NoError(t, synthcity.Default().WriteDir(dir))
	for _, name := range synthcity.FileNames() {
		got := gunzip(t, filepath.Join(dir, name))
		want := gunzip(t, filepath.Join(goldenDir, name))
		if !bytes.Equal(got, want) {
			gl, wl := bytes.Split(got, []byte("\n")), bytes.Split(want, []byte("\n"))
			for i := 0; i < len(gl) && i < len(wl); i++ {
				if !bytes.Equal(gl[i], wl[i]) {
					t.Errorf("%s differs from testdata/city at line %d:\n got %s\nwant %s\n(run go test ./risk/synthcity -run TestGolden -update after an intended change)",
						name, i+1, gl[i], wl[i])
					break
				}
			}
			if len(gl) != len(wl) {
				t.Errorf("%s: %d lines, testdata/city has %d", name, len(gl), len(wl))
			}
		}
	}
}

// TestLoadBack reads the committed city through the risk loaders in
// strict mode and checks that it equals Default().
func TestLoadBack(t *testing.T) {
	c := synthcity.Default()
	recs, rejected, err := recordio.LoadRecords(os.DirFS(goldenDir), synthcity.RecordFiles(), recordio.LoadOptions{AsOf: c.AsOf})
	require.NoError(t, err)
	require.Empty(t, rejected)
	require.Len(t, recs.Units, len(c.Units))
	sameRecords(t, "units", c.Units, recs.Units)
	sameRecords(t, "telemetry", c.Telemetry, recs.Telemetry)
	sameRecords(t, "incidents", c.Incidents, recs.Incidents)
	sameRecords(t, "inspections", c.Inspections, recs.Inspections)
	sameRecords(t, "credit", c.Credit, recs.Credit)
	sameRecords(t, "inspectors", c.Inspectors, recs.Inspectors)

	f, err := os.Open(filepath.Join(goldenDir, synthcity.OutcomesFile))
	require.NoError(t, err)
	defer f.Close()
	zr, err := gzip.NewReader(f)
	require.NoError(t, err)
	outcomes, err := synthcity.LoadOutcomes(zr, synthcity.OutcomesFile)
	require.NoError(t, err)
	assert.Equal(t, c.Outcomes, outcomes)
}

// sameRecords reports the first record that differs, not the whole slice.
func sameRecords[T any](t *testing.T, name string, want, got []T) {
	t.Helper()
	if !assert.Len(t, got, len(want), name) {
		return
	}
	for i := range want {
		if !reflect.DeepEqual(want[i], got[i]) {
			assert.Equal(t, want[i], got[i], "%s record %d", name, i)
			return
		}
	}
}
