package main

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/firedraw/firedraw/examples/internal/clitest"
	"github.com/firedraw/firedraw/risk/synthcity"
)

// hostileSetup is the draw binary and a 300-unit city, made once.
type hostileSetup struct {
	bin, dir string
	city     *synthcity.City
}

var hostileOnce = sync.OnceValues(func() (*hostileSetup, error) {
	dir, err := clitest.TempDir("draw-hostile-")
	if err != nil {
		return nil, err
	}
	bin, err := clitest.BuildDraw(dir)
	if err != nil {
		return nil, err
	}
	city, _, err := clitest.City(dir, synthcity.Config{Units: 300, Seed: 7})
	return &hostileSetup{bin: bin, dir: dir, city: city}, err
})

// tampered writes a plain copy of the city's record file of the given
// kind with rows appended (as column → value maps; absent columns empty)
// and returns the draw's record-file flags using it, and the line of the
// first appended row.
func (h *hostileSetup) tampered(t *testing.T, kind string, rows ...map[string]string) ([]string, string, int) {
	t.Helper()
	f, err := os.Open(filepath.Join(h.dir, kind+".csv.gz"))
	require.NoError(t, err)
	defer f.Close()
	zr, err := gzip.NewReader(f)
	require.NoError(t, err)
	b, err := io.ReadAll(zr)
	require.NoError(t, err)
	require.True(t, bytes.HasSuffix(b, []byte("\n")))
	header := strings.Split(string(b[:bytes.IndexByte(b, '\n')]), ",")
	line := bytes.Count(b, []byte("\n")) + 1
	for _, r := range rows {
		cells := make([]string, len(header))
		for i, c := range header {
			cells[i] = r[c]
		}
		b = append(b, strings.Join(cells, ",")+"\n"...)
	}
	name := filepath.Join(t.TempDir(), kind+".csv")
	require.NoError(t, os.WriteFile(name, b, 0o644))
	var flags []string
	for _, k := range clitest.Sources {
		file := filepath.Join(h.dir, k+".csv.gz")
		if k == kind {
			file = name
		}
		flags = append(flags, "-"+k, file)
	}
	return flags, name, line
}

// runBinary runs the built draw binary and returns stdout, stderr and the
// exit status.
func (h *hostileSetup) run(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(h.bin, args...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else {
		require.NoError(t, err)
	}
	return out.String(), errOut.String(), code
}

func hostile(t *testing.T) *hostileSetup {
	t.Helper()
	h, err := hostileOnce()
	require.NoError(t, err)
	return h
}

// drawArgs are the fixed flags of a reproducible draw into out.
func drawArgs(out string) []string {
	return []string{"-asof", "2026-01-01", "-period", "2026", "-round", "2026-02", "-seed", testSeed, "-out", out}
}

// TestHostileDrawRefuses runs examples/draw on a city with one bad row
// added to one file: each is refused with the file, line, field and
// value, in strict mode and with -lenient-dates.
func TestHostileDrawRefuses(t *testing.T) {
	h := hostile(t)
	c := h.city
	unit := c.Units[0].ID
	lead, second := c.Inspectors[0].ID, c.Inspectors[1].ID
	team := lead + ";" + second
	inspection := func(id, date, insp, result, code, severity, rectified string) map[string]string {
		return map[string]string{"inspection_id": id, "unit_id": unit, "date": date, "inspectors": insp, "result": result,
			"reason": "random", "code": code, "severity": severity, "rectified": rectified}
	}
	for _, tc := range []struct {
		name string
		kind string
		rows []map[string]string
		want string // after "FILE:LINE: "
	}{
		{"inspection dated 2030", "inspections", []map[string]string{inspection("H1", "2030-03-01", team, "pass", "", "", "")},
			`column "date" of record "H1": value "2030-03-01": date after asOf: after today`},
		{"outcome rectified in 2031", "inspections", []map[string]string{inspection("H1", "2025-10-01", team, "fail", "XF-1", "general", "2031-01-15")},
			`column "rectified" of record "H1": value "2031-01-15": date after asOf: after today`},
		{"duplicate credit row", "credit", []map[string]string{{"unit_id": c.Credit[0].UnitID, "grade": "D", "as_of": c.Credit[0].AsOf.Format("2006-01-02")}},
			`column "as_of" of record "` + c.Credit[0].UnitID + `": value "` + c.Credit[0].AsOf.Format("2006-01-02") + `": duplicate ID: a second credit row of the unit with this as_of (the first is `},
		{"unknown inspector", "inspections", []map[string]string{inspection("H1", "2025-10-01", lead+";XF99999", "pass", "", "", "")},
			`column "inspectors" of record "H1": value "XF99999": inspector not in the pool`},
		{"pass with an open major violation", "inspections", []map[string]string{inspection("H1", "2025-10-01", team, "pass", "XF-201", "major", "")},
			`column "result" of record "H1": value "pass": result inconsistent with its violations: pass with major violation "XF-201" open after the visit`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			flags, name, line := h.tampered(t, tc.kind, tc.rows...)
			for _, lenient := range []bool{false, true} {
				args := append(append(flags, drawArgs(t.TempDir())...), "-lenient-dates="+strconv.FormatBool(lenient))
				out, errOut, code := h.run(t, args...)
				assert.Equal(t, 1, code, "stdout: %s", out)
				assert.Contains(t, errOut, "draw: "+name+":"+strconv.Itoa(line)+": "+tc.want)
			}
		})
	}
}

// TestHostileDrawFutureLeftOut: an inspection after -asof (but not after
// today) is refused by default and, with -lenient-dates, left out and
// reported: the draw is then byte-identical to the draw without it.
func TestHostileDrawFutureLeftOut(t *testing.T) {
	h := hostile(t)
	c := h.city
	flags, name, line := h.tampered(t, "inspections", map[string]string{"inspection_id": "H1", "unit_id": c.Units[0].ID,
		"date": "2026-03-01", "inspectors": c.Inspectors[0].ID + ";" + c.Inspectors[1].ID, "result": "pass", "reason": "random"})
	want := name + ":" + strconv.Itoa(line) + `: column "date" of record "H1": value "2026-03-01": date after asOf 2026-01-01`

	_, errOut, code := h.run(t, append(flags, drawArgs(t.TempDir())...)...)
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "draw: "+want)

	left := t.TempDir()
	_, errOut, code = h.run(t, append(append(flags, drawArgs(left)...), "-lenient-dates")...)
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, errOut, "draw: left out 1 record(s) dated after the as-of date\n  "+want)

	clean := t.TempDir()
	_, errOut, code = h.run(t, append(clitestFlags(h), drawArgs(clean)...)...)
	require.Equal(t, 0, code, errOut)
	for _, f := range []string{"disclosure.json", "tasks.csv", "levels.csv"} {
		a, err := os.ReadFile(filepath.Join(clean, f))
		require.NoError(t, err)
		b, err := os.ReadFile(filepath.Join(left, f))
		require.NoError(t, err)
		assert.Equal(t, string(a), string(b), "%s: the left-out inspection changes nothing", f)
	}
}

// clitestFlags are the record-file flags of the untouched city.
func clitestFlags(h *hostileSetup) []string {
	var flags []string
	for _, k := range clitest.Sources {
		flags = append(flags, "-"+k, filepath.Join(h.dir, k+".csv.gz"))
	}
	return flags
}

// TestHostileDrawUncoveredDistrict: a unit in a district no inspector
// covers is reported by a warning naming the district.
func TestHostileDrawUncoveredDistrict(t *testing.T) {
	h := hostile(t)
	flags, _, _ := h.tampered(t, "units", map[string]string{"id": "HOSTILE-UNIT-1", "name": "Nowhere shop",
		"category": "street-shop", "district": "无人区"})
	_, errOut, _ := h.run(t, append(flags, drawArgs(t.TempDir())...)...)
	assert.Contains(t, errOut, "draw: warning: no inspector covers district(s) 无人区: their units can never be staffed")
}
