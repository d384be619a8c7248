package main

import (
	"bytes"
	"compress/gzip"
	"encoding/csv"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/firedraw/firedraw/risk"
	"github.com/firedraw/firedraw/risk/recordio"
	"github.com/firedraw/firedraw/risk/synthcity"
	"github.com/firedraw/firedraw/schedule"
	"github.com/firedraw/firedraw/schedule/workspace"
)

// yearRun drives the built program.
type yearRun struct {
	t   testing.TB
	bin string
	ws  string
	// cpu sums the user and system CPU time of every command run (a
	// measurement for the README, never asserted on).
	cpu time.Duration
}

func (y *yearRun) run(now time.Time, args ...string) (string, error) {
	y.t.Helper()
	full := append([]string{args[0], "-ws", y.ws, "-now", now.UTC().Format(time.RFC3339)}, args[1:]...)
	cmd := exec.Command(y.bin, full...)
	out, err := cmd.CombinedOutput()
	if ps := cmd.ProcessState; ps != nil {
		y.cpu += ps.UserTime() + ps.SystemTime()
	}
	return string(out), err
}

func (y *yearRun) must(now time.Time, args ...string) string {
	y.t.Helper()
	out, err := y.run(now, args...)
	require.NoError(y.t, err, "year %s: %s", strings.Join(args, " "), out)
	return out
}

// writeCity writes the default city's records as plain CSV (so that the
// test can append to them) and returns the files.
func writeCity(t testing.TB, dir string, c *synthcity.City) recordio.Files {
	f := recordio.Files{Units: "units.csv", Telemetry: "telemetry.csv", Incidents: "incidents.csv",
		Inspections: "inspections.csv", Credit: "credit.csv", Inspectors: "inspectors.csv"}
	for name, write := range map[string]func(*bytes.Buffer) error{
		f.Units:       func(b *bytes.Buffer) error { return recordio.WriteUnitsCSV(b, c.Units) },
		f.Telemetry:   func(b *bytes.Buffer) error { return recordio.WriteTelemetryCSV(b, c.Telemetry) },
		f.Incidents:   func(b *bytes.Buffer) error { return recordio.WriteIncidentsCSV(b, c.Incidents) },
		f.Inspections: func(b *bytes.Buffer) error { return recordio.WriteInspectionsCSV(b, c.Inspections) },
		f.Credit:      func(b *bytes.Buffer) error { return recordio.WriteCreditCSV(b, c.Credit) },
		f.Inspectors:  func(b *bytes.Buffer) error { return recordio.WriteInspectorsCSV(b, c.Inspectors) },
	} {
		var b bytes.Buffer
		require.NoError(t, write(&b))
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), b.Bytes(), 0o644))
	}
	for _, p := range []*string{&f.Units, &f.Telemetry, &f.Incidents, &f.Inspections, &f.Credit, &f.Inspectors} {
		*p = filepath.Join(dir, *p)
	}
	return f
}

// appendRows appends the rows (header dropped) of a CSV writer's output.
func appendRows(t testing.TB, path string, write func(*bytes.Buffer) error) {
	var b bytes.Buffer
	require.NoError(t, write(&b))
	_, rows, _ := bytes.Cut(b.Bytes(), []byte("\n"))
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	require.NoError(t, err)
	_, err = f.Write(rows)
	require.NoError(t, err)
	require.NoError(t, f.Close())
}

// grow appends month m of 2026 to the record files: the city's
// telemetry and complaint inspections of month m of 2025, a year later.
func grow(t testing.TB, files recordio.Files, c *synthcity.City, m time.Month) {
	var tel []risk.TelemetryEvent
	for _, e := range c.Telemetry {
		if e.Time.Year() == 2025 && e.Time.Month() == m {
			e.Time = e.Time.AddDate(1, 0, 0)
			tel = append(tel, e)
		}
	}
	var insp []risk.Inspection
	for _, in := range c.Inspections {
		if in.Date.Year() == 2025 && in.Date.Month() == m && in.Reason == risk.Complaint {
			in.ID = "G" + in.ID
			in.Date = in.Date.AddDate(1, 0, 0)
			in.Violations = nil
			in.Result = risk.Pass
			insp = append(insp, in)
		}
	}
	appendRows(t, files.Telemetry, func(b *bytes.Buffer) error { return recordio.WriteTelemetryCSV(b, tel) })
	appendRows(t, files.Inspections, func(b *bytes.Buffer) error { return recordio.WriteInspectionsCSV(b, insp) })
}

// writeResults writes the results of round n's tasks from the city's
// outcomes: a failed inspection with a major violation where the unit
// has one in 2026, a pass otherwise, dated on the visit; and of its
// targeted tasks (targetedResults).
func writeResults(t testing.TB, ws string, n int, c *synthcity.City, path string) {
	b, err := os.ReadFile(filepath.Join(ws, "rounds", fmt.Sprintf("%02d", n), workspace.Disclosure))
	require.NoError(t, err)
	d, err := schedule.ParseDisclosure(b)
	require.NoError(t, err)
	major := map[string]bool{}
	for _, o := range c.Outcomes {
		major[o.UnitID] = o.MajorViolation
	}
	var res []risk.Inspection
	for _, tk := range d.Tasks {
		in := risk.Inspection{ID: tk.ID, UnitID: tk.Unit, Date: tk.Date.Time(), Result: risk.Pass}
		if major[tk.Unit] {
			in.Result = risk.Fail
			in.Violations = []risk.Violation{{Code: "SYN-MAJOR", Severity: risk.Major}}
		}
		res = append(res, in)
	}
	res = append(res, targetedResults(t, ws, n)...)
	var buf bytes.Buffer
	require.NoError(t, recordio.WriteInspectionsCSV(&buf, res))
	require.NoError(t, os.WriteFile(path, buf.Bytes(), 0o644))
}

// writeConfig writes the 2026 example with dice as the late source (a
// drand signature cannot be simulated) and the city's files, and returns
// its path.
func writeConfig(t testing.TB, tmp string, files recordio.Files) string {
	// The 2026 example, with dice as the late source (a drand signature
	// cannot be simulated) and the city's files.
	cfg := string(workspace.DefaultConfig())
	cfg = strings.Replace(cfg, `"late_source": "drand",
    "dice_digits": 0`, `"late_source": "dice",
    "dice_digits": 20`, 1)
	cfg = strings.Replace(cfg, `"units": "", "telemetry": "", "incidents": "", "inspections": "", "credit": "", "inspectors": ""`,
		fmt.Sprintf(`"units": %q, "telemetry": %q, "incidents": %q, "inspections": %q, "credit": %q, "inspectors": %q`,
			files.Units, files.Telemetry, files.Incidents, files.Inspections, files.Credit, files.Inspectors), 1)
	cfgPath := filepath.Join(tmp, "config.json")
	require.NoError(t, os.WriteFile(cfgPath, []byte(cfg), 0o644))

	return cfgPath
}

// buildYear builds the program into tmp.
func buildYear(t testing.TB, tmp string) string {
	bin := filepath.Join(tmp, "year")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	require.NoError(t, err, string(out))
	return bin
}

// TestYearSmallCityEstimate runs six rounds of a 30-unit city through the
// program and estimates from the results: a round's Deville variance may
// be undefined there, and estimate falls back with a warning instead of
// failing.
func TestYearSmallCityEstimate(t *testing.T) {
	tmp := t.TempDir()
	bin := buildYear(t, tmp)
	city, err := synthcity.Generate(synthcity.Config{Units: 30, Districts: 2, Seed: 7, AsOf: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)})
	require.NoError(t, err)
	files := writeCity(t, tmp, city)
	y := &yearRun{t: t, bin: bin, ws: filepath.Join(tmp, "ws")}
	y.must(time.Date(2025, 12, 1, 9, 0, 0, 0, time.UTC), "init", "-config", writeConfig(t, tmp, files))
	msg, err := y.run(time.Date(2025, 12, 20, 9, 0, 0, 0, time.UTC), "estimate")
	require.Error(t, err)
	assert.Contains(t, msg, "record results first")
	const rounds = 6
	for n := 1; n <= rounds; n++ {
		start := time.Date(2026, time.Month(n), 1, 0, 0, 0, 0, time.UTC)
		at := func(days, hours int) time.Time {
			return start.AddDate(0, 0, -days).Add(time.Duration(hours) * time.Hour)
		}
		if n >= 3 {
			res := filepath.Join(tmp, fmt.Sprintf("results-%02d.csv", n-2))
			writeResults(t, y.ws, n-2, city, res)
			y.must(at(7, 1), "record", "-round", fmt.Sprint(n-2), "-results", res)
		}
		y.must(at(6, 0), "manifest", "-round", fmt.Sprint(n))
		y.must(at(6, 1), "contribute", "-round", fmt.Sprint(n), "-step", "commit")
		y.must(at(4, 0), "contribute", "-round", fmt.Sprint(n), "-step", "reveal")
		y.must(at(3, 2), "contribute", "-round", fmt.Sprint(n), "-step", "dice")
		y.must(at(3, 3), "draw", "-round", fmt.Sprint(n))
	}
	end := time.Date(2026, 8, 1, 9, 0, 0, 0, time.UTC)
	for n := rounds - 1; n <= rounds; n++ {
		res := filepath.Join(tmp, fmt.Sprintf("results-%02d.csv", n))
		writeResults(t, y.ws, n, city, res)
		y.must(end, "record", "-round", fmt.Sprint(n), "-results", res)
	}
	for _, ind := range []string{"fail", "major"} {
		msg = y.must(end, "estimate", "-indicator", ind)
		t.Log(msg)
		assert.Contains(t, msg, "pooled", ind)
		assert.NotContains(t, msg, "NaN", ind)
	}
	msg, err = y.run(end, "estimate", "-indicator", "hazard")
	require.Error(t, err)
	assert.Contains(t, msg, "want \"fail\" or \"major\"")
	assert.Contains(t, y.must(end, "verify"), fmt.Sprintf("verified: %d round(s)", rounds))
}

func TestYear2026DefaultCity(t *testing.T) {
	if testing.Short() {
		t.Skip("a whole year takes about a minute")
	}
	tmp := t.TempDir()
	bin := buildYear(t, tmp)
	city := synthcity.Default()
	files := writeCity(t, tmp, city)

	cfgPath := writeConfig(t, tmp, files)

	y := &yearRun{t: t, bin: bin, ws: filepath.Join(tmp, "ws")}
	y.must(time.Date(2025, 12, 1, 9, 0, 0, 0, time.UTC), "init", "-config", cfgPath)

	// Out of order: the draw before any manifest.
	msg, err := y.run(time.Date(2025, 12, 20, 9, 0, 0, 0, time.UTC), "draw", "-round", "1")
	require.Error(t, err)
	assert.Contains(t, msg, "round 1 has no manifest: build it first")

	for n := 1; n <= 12; n++ {
		start := time.Date(2026, time.Month(n), 1, 0, 0, 0, 0, time.UTC)
		at := func(days, hours int) time.Time {
			return start.AddDate(0, 0, -days).Add(time.Duration(hours) * time.Hour)
		}
		if n >= 3 { // round n−2's results come in before round n's manifest
			res := filepath.Join(tmp, fmt.Sprintf("results-%02d.csv", n-2))
			writeResults(t, y.ws, n-2, city, res)
			y.must(at(7, 1), "record", "-round", fmt.Sprint(n-2), "-results", res)
			y.must(at(7, 2), "publish")
		}
		y.must(at(6, 0), "manifest", "-round", fmt.Sprint(n))
		y.must(at(6, 1), "contribute", "-round", fmt.Sprint(n), "-step", "commit")
		y.must(at(4, 0), "contribute", "-round", fmt.Sprint(n), "-step", "reveal")
		y.must(at(3, 2), "contribute", "-round", fmt.Sprint(n), "-step", "dice")
		assert.Contains(t, y.must(at(3, 3), "draw", "-round", fmt.Sprint(n)), "targeted tasks outside the random draw")
		checkContinuity(t, y.ws, n)
		grow(t, files, city, time.Month(n))
	}
	end := time.Date(2027, 1, 5, 9, 0, 0, 0, time.UTC)
	for n := 11; n <= 12; n++ {
		res := filepath.Join(tmp, fmt.Sprintf("results-%02d.csv", n))
		writeResults(t, y.ws, n, city, res)
		y.must(end, "record", "-round", fmt.Sprint(n), "-results", res)
	}
	msg = y.must(end, "publish")
	assert.Contains(t, msg, "no overdue results")
	status := y.must(end, "status")
	assert.Contains(t, status, "drawn")

	tasks := y.must(end, "tasks", "-round", "10", "-lang", "en")
	assert.True(t, strings.HasPrefix(tasks, "\uFEFF"), "the configuration asks for a byte-order mark")
	assert.Contains(t, tasks, "unit_name")

	t.Logf("targeted tasks per round: %v", checkTargetedYear(t, y, end))
	t.Logf("the year's cycle (every command up to publish and status): %s CPU", y.cpu.Round(time.Second))
	before := y.cpu
	msg = y.must(end, "verify")
	t.Logf("verify of the whole workspace: %s CPU", (y.cpu - before).Round(time.Second))
	assert.Contains(t, msg, "verified: 12 round(s)")
	assert.NotContains(t, msg, ", 0 targeted)", "every round's targeted tasks verify")
	msg = y.must(end, "estimate", "-indicator", "major")
	assert.Contains(t, msg, "pooled")
	tamper(t, y)
}

// checkContinuity checks that no unit with an open task was drawn again
// in round n unless it is due every round, and that reasons are given.
func checkContinuity(t *testing.T, ws string, n int) {
	t.Helper()
	dir := filepath.Join(ws, "rounds", fmt.Sprintf("%02d", n))
	b, err := os.ReadFile(filepath.Join(dir, workspace.OpenName))
	require.NoError(t, err)
	rs, err := os.ReadFile(filepath.Join(dir, workspace.ReasonsName))
	require.NoError(t, err)
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(rs, []byte("\uFEFF")))).ReadAll()
	require.NoError(t, err)
	require.Greater(t, len(rows), 5000, "every unit has a reason")
	assert.Equal(t, fmt.Sprint(n), rows[1][0], "rounds are numbered from 1")
	for _, r := range rows[1:] {
		require.NotEmpty(t, r[8])
		if strings.Contains(string(b), `"unit":"`+r[1]+`"`) && r[5] != "12" {
			assert.Equal(t, "否", r[7], "unit %s has an open task but was drawn in round %d", r[1], n)
			assert.Contains(t, r[8], "结果尚未录入")
		}
	}
}

// tamper changes one thing in copies of the workspace; none verifies.
func tamper(t *testing.T, y *yearRun) {
	for _, tc := range []struct {
		name   string
		change func(ws string)
		want   string
	}{
		{"one task", func(ws string) {
			p := filepath.Join(ws, "rounds", "03", workspace.Disclosure)
			b, _ := os.ReadFile(p)
			i := bytes.Index(b, []byte(`"date":"2026-03-`))
			require.Positive(t, i)
			j := i + len(`"date":"2026-03-`)
			b[j+1] = '0' + (b[j+1]-'0'+1)%10
			require.NoError(t, os.WriteFile(p, b, 0o644))
		}, "round 3: NOT verified"},
		{"one manifest byte", func(ws string) {
			p := filepath.Join(ws, "rounds", "05", workspace.ManifestName)
			b, _ := os.ReadFile(p)
			i := bytes.Index(b, []byte(`"strength":`))
			b[i+len(`"strength":`)] = '1'
			require.NoError(t, os.WriteFile(p, b, 0o644))
		}, "manifest"},
		{"one log entry", func(ws string) {
			p := filepath.Join(ws, workspace.LogFile)
			b, _ := os.ReadFile(p)
			b = bytes.Replace(b, []byte(`"kind":"dice"`), []byte(`"kind":"dice" `), 1)
			b = bytes.Replace(b, []byte(`"kind":"dice" `), []byte(`"kind":"dice"`), 1)
			i := bytes.Index(b, []byte(`"digits":"`)) + len(`"digits":"`)
			b[i] = '0' + (b[i]-'0'+1)%10
			require.NoError(t, os.WriteFile(p, b, 0o644))
		}, "prev does not match"},
		{"one snapshot", func(ws string) {
			names, _ := filepath.Glob(filepath.Join(ws, workspace.SnapshotsDir, "credit-*.csv.gz"))
			require.NotEmpty(t, names)
			f, _ := os.Open(names[0])
			zr, err := gzip.NewReader(f)
			require.NoError(t, err)
			var raw bytes.Buffer
			_, err = raw.ReadFrom(zr)
			require.NoError(t, err)
			f.Close()
			b := bytes.Replace(raw.Bytes(), []byte(`,A,`), []byte(`,D,`), 1)
			var out bytes.Buffer
			zw := gzip.NewWriter(&out)
			zw.Write(b)
			zw.Close()
			require.NoError(t, os.WriteFile(names[0], out.Bytes(), 0o644))
		}, "snapshot of round"},
		{"one targeted task", tamperTargeted, "round 4: NOT verified"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dst := filepath.Join(t.TempDir(), "ws")
			out, err := exec.Command("cp", "-r", y.ws, dst).CombinedOutput()
			require.NoError(t, err, string(out))
			tc.change(dst)
			z := &yearRun{t: t, bin: y.bin, ws: dst}
			out2, err := z.run(time.Date(2027, 1, 6, 0, 0, 0, 0, time.UTC), "verify")
			require.Error(t, err, out2)
			assert.Contains(t, out2, tc.want)
		})
	}
}
