package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/firedraw/firedraw/examples/internal/clitest"
	"github.com/firedraw/firedraw/risk"
	"github.com/firedraw/firedraw/risk/recordio"
	"github.com/firedraw/firedraw/risk/synthcity"
)

// drawn is a small city drawn by examples/draw (built once per test
// binary): its levels.csv and the city, whose outcomes play the results.
type drawn struct {
	dir, levels string
	city        *synthcity.City
}

var setup = sync.OnceValues(func() (*drawn, error) {
	dir, err := clitest.TempDir("estimate-")
	if err != nil {
		return nil, err
	}
	d := &drawn{dir: dir, levels: filepath.Join(dir, "out", "levels.csv")}
	city, flags, err := clitest.City(filepath.Join(dir, "city"), synthcity.Config{Units: 400, Seed: 3})
	if err != nil {
		return d, err
	}
	d.city = city
	bin, err := clitest.BuildDraw(dir)
	if err != nil {
		return d, err
	}
	args := append([]string{"-asof", "2026-01-01", "-seed", strings.Repeat("0f", 32), "-out", filepath.Join(dir, "out")}, flags...)
	if out, err := exec.Command(bin, args...).CombinedOutput(); err != nil {
		return d, fmt.Errorf("examples/draw: %v\n%s", err, out)
	}
	return d, nil
})

func TestMain(m *testing.M) { clitest.Main(m) }

func runEstimate(args ...string) (string, string, int) {
	var out, errOut bytes.Buffer
	code := exitCode(run(args, &out, &errOut), &errOut)
	return out.String(), errOut.String(), code
}

// writeResults writes the inspections of the given units, each failing
// with a major violation when the city says so, and returns the path.
func writeResults(t *testing.T, city *synthcity.City, units []string) string {
	t.Helper()
	major := map[string]bool{}
	for _, o := range city.Outcomes {
		major[o.UnitID] = o.MajorViolation
	}
	date := time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC)
	var ins []risk.Inspection
	for i, u := range units {
		in := risk.Inspection{ID: fmt.Sprintf("T%d", i), UnitID: u, Date: date, Inspectors: []string{"A", "B"}}
		if major[u] {
			in.Result = risk.Fail
			in.Violations = []risk.Violation{{Code: "XF-1", Severity: risk.Major}}
		}
		ins = append(ins, in)
	}
	var b bytes.Buffer
	require.NoError(t, recordio.WriteInspectionsCSV(&b, ins))
	path := filepath.Join(t.TempDir(), "results.csv")
	require.NoError(t, os.WriteFile(path, b.Bytes(), 0o644))
	return path
}

func TestDemonstration(t *testing.T) {
	out := filepath.Join(t.TempDir(), "estimates.csv")
	stdout, errOut, code := runEstimate("-out", out)
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, stdout, "demonstration on the default synthetic city (5000 units)")
	rows := clitest.ReadCSV(t, out)
	assert.Equal(t, []string{"by", "domain", "units", "covered", "sampled", "rate", "se", "lower", "upper", "deff", "n_eff", "warnings", "true_rate"}, rows[0])
	// all units, 4 levels, 8 districts.
	assert.Len(t, rows, 1+1+risk.NumLevels+8)
	assert.Equal(t, []string{"all", "all units", "5000"}, rows[1][:3])
}

func TestFromFiles(t *testing.T) {
	d, err := setup()
	require.NoError(t, err)
	levels := clitest.ReadCSV(t, d.levels)
	var sel []string
	for _, l := range levels[1:] {
		if l[7] == "true" {
			sel = append(sel, l[0])
		}
	}
	require.NotEmpty(t, sel)
	results := writeResults(t, d.city, sel)
	out := filepath.Join(t.TempDir(), "estimates.csv")
	stdout, errOut, code := runEstimate("-levels", d.levels, "-results", results, "-out", out)
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, stdout, "all units")
	rows := clitest.ReadCSV(t, out)
	require.Greater(t, len(rows), 1+risk.NumLevels)
	assert.Equal(t, "400", rows[1][2])
	assert.Equal(t, fmt.Sprint(len(sel)), rows[1][4], "every drawn unit is in the sample")

	t.Run("missing result", func(t *testing.T) {
		_, errOut, code := runEstimate("-levels", d.levels, "-results", writeResults(t, d.city, sel[1:]))
		assert.Equal(t, 1, code)
		assert.Contains(t, errOut, "no result for 1 drawn unit(s) ("+sel[0]+")")
	})
	t.Run("unit not drawn", func(t *testing.T) {
		var other string
		for _, l := range levels[1:] {
			if l[7] == "false" {
				other = l[0]
				break
			}
		}
		_, errOut, code := runEstimate("-levels", d.levels, "-results", writeResults(t, d.city, append(sel[:len(sel):len(sel)], other)))
		assert.Equal(t, 1, code)
		assert.Contains(t, errOut, other)
		assert.Contains(t, errOut, "was not drawn")
	})
}

// TestSmallCity: a 30-unit city drawn by examples/draw yields a round of
// a few units, too few for some variances; estimate
// still estimates, and prints the fallbacks as warnings. A round that drew
// nobody gets rows without estimates.
func TestSmallCity(t *testing.T) {
	dir := t.TempDir()
	city, flags, err := clitest.City(filepath.Join(dir, "city"), synthcity.Config{Units: 30, Seed: 3})
	require.NoError(t, err)
	bin, err := clitest.BuildDraw(dir)
	require.NoError(t, err)
	// A monthly round of 30 units draws about one unit (Σπ ≈ 0.8), so
	// take the first of a fixed list of seeds that draws at least two:
	// that round is still too small for some variances.
	levelsPath := filepath.Join(dir, "out", "levels.csv")
	var sel []string
	for i := 0; i < 64 && len(sel) < 2; i++ {
		args := append([]string{"-asof", "2026-01-01", "-seed", fmt.Sprintf("%064x", i+1), "-out", filepath.Join(dir, "out")}, flags...)
		// Staffing never depends on the seed (schedule.CheckStaffing): every
		// seed of this city draws.
		out, err := exec.Command(bin, args...).CombinedOutput()
		require.NoError(t, err, "examples/draw: %s", out)
		sel = sel[:0]
		for _, l := range clitest.ReadCSV(t, levelsPath)[1:] {
			if l[7] == "true" {
				sel = append(sel, l[0])
			}
		}
	}
	require.GreaterOrEqual(t, len(sel), 2)
	require.Less(t, len(sel), 10, "a small round")
	stdout, errOut, code := runEstimate("-levels", levelsPath, "-results", writeResults(t, city, sel))
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, stdout, "all units")
	assert.Contains(t, stdout, "warning: ")

	// The same frame with nobody drawn.
	var b strings.Builder
	b.WriteString("unit,district,level,pi,selected\n")
	for _, l := range clitest.ReadCSV(t, levelsPath)[1:] {
		fmt.Fprintf(&b, "%s,%s,%s,%s,false\n", l[0], l[1], l[4], l[5])
	}
	none := filepath.Join(dir, "none.csv")
	require.NoError(t, os.WriteFile(none, []byte(b.String()), 0o644))
	stdout, errOut, code = runEstimate("-levels", none, "-results", writeResults(t, city, nil))
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, stdout, "no sampled unit in the domain")
}

func TestBadInput(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(text), 0o644))
		return p
	}
	head := "unit,district,level,pi,selected\n"
	badPi := write("badpi.csv", head+"U1,East,low,0.1,false\nU2,East,low,NaN,false\n")
	badLevel := write("badlevel.csv", head+"U1,East,lowest,0.1,false\n")
	noPi := write("nopi.csv", "unit,district,level,selected\nU1,East,low,false\n")
	dup := write("dup.csv", head+"U1,East,low,0.1,true\nU1,East,low,0.1,true\n")
	good := write("levels.csv", head+"U1,East,low,0.5,true\nU2,East,high,0.5,true\nU3,East,high,0.5,false\n")
	badResults := write("results.csv", "inspection_id,unit_id,date,result\nT1,U1,2026-01-05,pass\nT2,U2,someday,pass\n")
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"unknown flag", []string{"-nope"}, 2, "-nope"},
		{"levels alone", []string{"-levels", good}, 1, "go together"},
		{"bad severity", []string{"-severity", "fatal"}, 1, "-severity"},
		{"bad seed", []string{"-seed", "12"}, 1, "-seed"},
		{"bad pi", []string{"-levels", badPi, "-results", badResults}, 1, badPi + ":3:"},
		{"bad level", []string{"-levels", badLevel, "-results", badResults}, 1, badLevel + ":2:"},
		{"missing column", []string{"-levels", noPi, "-results", badResults}, 1, noPi + ":1:"},
		{"duplicate unit", []string{"-levels", dup, "-results", badResults}, 1, dup + ":3:"},
		{"bad results row", []string{"-levels", good, "-results", badResults}, 1, badResults + ":3:"},
		{"missing results file", []string{"-levels", good, "-results", filepath.Join(dir, "none.csv")}, 1, "none.csv"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, errOut, code := runEstimate(tc.args...)
			assert.Equal(t, tc.code, code, "stdout: %s", out)
			assert.Contains(t, errOut, tc.want)
			assert.NotContains(t, errOut, "goroutine")
		})
	}
}

func TestHelp(t *testing.T) {
	var out, errOut bytes.Buffer
	err := run([]string{"-h"}, &out, &errOut)
	assert.Equal(t, 0, exitCode(err, &errOut))
	assert.Contains(t, errOut.String(), "usage: estimate")
}
