package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/firedraw/firedraw/risk"
	"github.com/firedraw/firedraw/risk/recordio"
	"github.com/firedraw/firedraw/risk/synthcity"
)

func TestExitCode(t *testing.T) {
	for _, tc := range []struct {
		name   string
		err    error
		code   int
		stderr string
	}{
		{"success", nil, 0, ""},
		{"help", flag.ErrHelp, 0, ""},
		{"usage", UsageError(NewFlagSet("p", "usage: p\n", &bytes.Buffer{}), "bad"), 2, ""},
		{"failure", errors.New("broken"), 1, "prog: broken\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stderr bytes.Buffer
			assert.Equal(t, tc.code, ExitCode("prog", tc.err, &stderr))
			assert.Equal(t, tc.stderr, stderr.String())
		})
	}
}

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want error // nil: success
		out  string
	}{
		{"flags", []string{"-x", "1"}, nil, ""},
		{"help", []string{"-h"}, flag.ErrHelp, "usage: prog"},
		{"unknown flag", []string{"-nope"}, ErrUsage, "flag provided but not defined: -nope"},
		{"argument", []string{"-x", "1", "extra"}, ErrUsage, `unexpected argument "extra"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stderr bytes.Buffer
			fs := NewFlagSet("prog", "usage: prog [flags]\n", &stderr)
			fs.String("x", "", "a flag")
			err := Parse(fs, tc.args)
			if tc.want == nil {
				require.NoError(t, err)
				assert.Empty(t, stderr.String())
				return
			}
			assert.ErrorIs(t, err, tc.want)
			assert.Contains(t, stderr.String(), tc.out)
			assert.Contains(t, stderr.String(), "usage: prog [flags]\n  -x string", "the usage with the flags")
		})
	}
}

func TestRecordFlags(t *testing.T) {
	all := recordio.Files{Units: "u.csv", Telemetry: "t.jsonl", Incidents: "i.csv", Inspections: "in.csv.gz", Credit: "c.csv", Inspectors: "p.csv"}
	fs := flag.NewFlagSet("p", flag.ContinueOnError)
	var got recordio.Files
	RecordFlags(fs, &got, true)
	args := FileArgs(all)
	assert.Equal(t, " -units u.csv -telemetry t.jsonl -incidents i.csv -inspections in.csv.gz -credit c.csv -inspectors p.csv", args)
	require.NoError(t, fs.Parse(strings.Fields(args)))
	assert.Equal(t, all, got, "FileArgs gives back the flags")
	assert.Empty(t, FileArgs(recordio.Files{}))

	fs = flag.NewFlagSet("p", flag.ContinueOnError)
	fs.SetOutput(&bytes.Buffer{})
	RecordFlags(fs, &got, false)
	assert.Nil(t, fs.Lookup("inspectors"))
	assert.Error(t, fs.Parse([]string{"-inspectors", "p.csv"}))

	require.NoError(t, CheckFiles(recordio.Files{}))
	require.NoError(t, CheckFiles(all))
	assert.ErrorContains(t, CheckFiles(recordio.Files{Credit: "c.csv"}), "need -units")
}

// writeCity writes a small synthetic city and returns its record files.
func writeCity(t *testing.T) recordio.Files {
	t.Helper()
	c, err := synthcity.Generate(synthcity.Config{Units: 120, Seed: 3})
	require.NoError(t, err)
	dir := t.TempDir()
	require.NoError(t, c.WriteDir(dir))
	f := func(name string) string { return filepath.Join(dir, name+".csv.gz") }
	return recordio.Files{Units: f("units"), Telemetry: f("telemetry"), Incidents: f("incidents"),
		Inspections: f("inspections"), Credit: f("credit"), Inspectors: f("inspectors")}
}

func TestLoadRecords(t *testing.T) {
	files := writeCity(t)
	want, _, err := recordio.LoadRecords(OSFS{}, files, recordio.LoadOptions{})
	require.NoError(t, err)
	var msgs []string
	got, err := LoadRecords(files, func(units int, msg string) {
		assert.Equal(t, 120, units)
		msgs = append(msgs, msg)
	})
	require.NoError(t, err)
	assert.Equal(t, want, got, "file by file, the records of one recordio.LoadRecords")
	assert.Equal(t, []string{"loaded 120 units from " + files.Units, "loading " + files.Inspectors + " …",
		"loading " + files.Telemetry + " …", "loading " + files.Incidents + " …",
		"loading " + files.Inspections + " …", "loading " + files.Credit + " …"}, msgs)

	// Without units, nothing is checked against them.
	only, err := LoadRecords(recordio.Files{Inspections: files.Inspections}, nil)
	require.NoError(t, err)
	assert.Equal(t, want.Inspections, only.Inspections)
	assert.Empty(t, only.Units)

	// A record of an unknown unit, and a missing file, name the file.
	units := filepath.Join(t.TempDir(), "units.csv")
	require.NoError(t, os.WriteFile(units, []byte("id,name,category,district\nU1,One,street-shop,East\n"), 0o644))
	_, err = LoadRecords(recordio.Files{Units: units, Inspections: files.Inspections}, nil)
	assert.ErrorIs(t, err, risk.ErrUnknownUnit)
	assert.ErrorContains(t, err, files.Inspections)
	_, err = LoadRecords(recordio.Files{Units: units + ".none"}, nil)
	assert.ErrorContains(t, err, units+".none")
}

func TestRecords(t *testing.T) {
	recs, asOf, err := Records(recordio.Files{}, "", nil)
	require.NoError(t, err)
	city := synthcity.Default()
	assert.Len(t, recs.Units, len(city.Units), "the default city")
	assert.Equal(t, city.AsOf, asOf)

	files := writeCity(t)
	recs, asOf, err = Records(files, "", nil)
	require.NoError(t, err)
	assert.Len(t, recs.Units, 120)
	assert.Equal(t, Today(), asOf, "record files are as of today")

	_, asOf, err = Records(files, "2025-06-30", nil)
	require.NoError(t, err)
	assert.Equal(t, time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC), asOf)
	_, _, err = Records(recordio.Files{}, "yesterday", nil)
	assert.ErrorContains(t, err, `-asof: "yesterday"`)
}

func TestLoadModel(t *testing.T) {
	m, err := LoadModel("")
	require.NoError(t, err)
	assert.Equal(t, risk.DefaultModel(), m)

	dir := t.TempDir()
	good := filepath.Join(dir, "model.json")
	b, err := json.Marshal(risk.DefaultModel())
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(good, b, 0o644))
	m, err = LoadModel(good)
	require.NoError(t, err)
	assert.Equal(t, risk.DefaultModel(), m)

	for _, tc := range []struct{ name, body string }{
		{"unknown field", `{"intercept": 1, "terms": [], "extra": 2}`},
		{"invalid model", `{"intercept": 1, "terms": [{"feature": ""}]}`},
		{"not JSON", `intercept = 1`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			name := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "_")+".json")
			require.NoError(t, os.WriteFile(name, []byte(tc.body), 0o644))
			_, err := LoadModel(name)
			assert.ErrorContains(t, err, name)
		})
	}
	_, err = LoadModel(filepath.Join(dir, "none.json"))
	assert.ErrorContains(t, err, "none.json")
}
