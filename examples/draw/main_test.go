package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/firedraw/firedraw/examples/internal/clitest"
	"github.com/firedraw/firedraw/risk"
	"github.com/firedraw/firedraw/risk/synthcity"
	"github.com/firedraw/firedraw/schedule"
	"github.com/firedraw/firedraw/schedule/content"
)

// smallCity writes a 300-unit synthetic city to a temporary directory once
// per test binary and returns its record-file flags.
var smallCity = sync.OnceValues(func() ([]string, error) {
	dir, err := clitest.TempDir("draw-city-")
	if err != nil {
		return nil, err
	}
	_, flags, err := clitest.City(dir, synthcity.Config{Units: 300, Seed: 7, Inspectors: 40})
	return flags, err
})

func TestMain(m *testing.M) { clitest.Main(m) }

// cityFlags returns the record-file flags of the small city.
func cityFlags(t *testing.T) []string {
	t.Helper()
	flags, err := smallCity()
	require.NoError(t, err)
	return slices.Clip(flags) // callers append to it
}

// runDraw runs the program in-process and returns its stdout, stderr and
// exit status.
func runDraw(args ...string) (string, string, int) {
	var out, errOut bytes.Buffer
	code := exitCode(run(args, &out, &errOut), &errOut)
	return out.String(), errOut.String(), code
}

// testSeed is a fixed operator secret for reproducible single-operator
// draws; fixedParties fixes the three parties' secrets and the dice.
var (
	testSeed     = strings.Repeat("07", 32)
	fixedParties = []string{"-secrets", strings.Repeat("11", 32) + "," + strings.Repeat("22", 32) + "," + strings.Repeat("33", 32),
		"-dice", "27182818284590452353"}
)

func TestRecordFiles(t *testing.T) {
	dir := t.TempDir()
	args := append(cityFlags(t), "-asof", "2026-01-01", "-period", "2026", "-round", "2026-02",
		"-seed", testSeed, "-out", dir)
	out, errOut, code := runDraw(args...)
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "300 units")
	assert.Contains(t, out, "round 2 of 2026 (2026-02-01..2026-02-28)")
	assert.Contains(t, out, "offers no protection against the operator")

	b, err := os.ReadFile(filepath.Join(dir, "disclosure.json"))
	require.NoError(t, err)
	var raw map[string]any
	require.NoError(t, json.Unmarshal(b, &raw), "disclosure.json is JSON")
	disc, err := schedule.ParseDisclosure(b)
	require.NoError(t, err)
	assert.True(t, disc.SingleOperator)
	assert.Equal(t, 2, disc.Round.Number)
	assert.Len(t, disc.Units, 300, "open mode publishes every unit")
	require.NotEmpty(t, disc.Tasks)

	tasks := clitest.ReadCSV(t, filepath.Join(dir, "tasks.csv"))
	assert.Equal(t, []string{"task_id", "unit", "date", "results_due", "pi", "team", "method", "counts", "focus", "why"}, tasks[0])
	require.Len(t, tasks, len(disc.Tasks)+1)
	for i, task := range disc.Tasks {
		assert.Equal(t, task.ID, tasks[i+1][0])
		assert.Equal(t, task.Unit, tasks[i+1][1])
		assert.Len(t, strings.Split(tasks[i+1][5], ";"), 2, "a team of two")
		_, err := content.ParseMethod(tasks[i+1][6])
		assert.NoError(t, err, "every task has a method")
		assert.Equal(t, task.Method, tasks[i+1][6], "the disclosure shows the method")
		assert.Equal(t, strings.Join(task.Focus, ";"), tasks[i+1][8], "and the focus")
	}
	changes := clitest.ReadCSV(t, filepath.Join(dir, "level_changes.csv"))
	assert.Equal(t, []string{"unit", "from", "to", "rule", "reason_en", "reason_zh"}, changes[0])
	for _, c := range changes[1:] {
		assert.NotEqual(t, c[1], c[2])
		assert.True(t, strings.HasPrefix(c[4], c[1]+" → "+c[2]+": "), c[4])
	}
	alerts := clitest.ReadCSV(t, filepath.Join(dir, "alerts.csv"))
	assert.Equal(t, "unit", alerts[0][0])
	tb, err := os.ReadFile(filepath.Join(dir, "targeted.json"))
	require.NoError(t, err)
	td, err := schedule.ParseTargeted(tb)
	require.NoError(t, err)
	targeted := clitest.ReadCSV(t, filepath.Join(dir, "targeted_tasks.csv"))
	assert.Equal(t, []string{"task_id", "unit", "date", "results_due", "team", "random_task", "reason", "severity",
		"method", "focus", "rule", "trigger_severity", "raised", "trigger_en", "trigger_zh"}, targeted[0])
	rows := 0
	for _, task := range td.Tasks {
		rows += len(task.Triggers)
	}
	require.Len(t, targeted, rows+1, "one row per trigger")
	for _, x := range targeted[1:] {
		assert.Contains(t, []string{"incident", "other"}, x[6], "never random")
		assert.Contains(t, []string{"serious", "critical"}, x[11])
		assert.NotEqual(t, "remote", x[8], "a targeted unit is visited")
		assert.NotEmpty(t, x[13])
		assert.NotEmpty(t, x[14])
	}
	assert.Contains(t, out, "targeted tasks against the targets the manifest committed")
	levels := clitest.ReadCSV(t, filepath.Join(dir, "levels.csv"))
	require.Len(t, levels, 301)
	assert.Equal(t, []string{"unit", "district", "category", "score", "level", "pi", "prn", "selected", "rule", "reasons"}, levels[0])
	drawn := 0
	for _, l := range levels[1:] {
		if l[7] == "true" {
			drawn++
		}
	}
	assert.Equal(t, len(disc.Tasks)+len(disc.Excluded), drawn)

	// The same secret gives the same bytes: the whole protocol is a
	// function of the records, the settings and the contributions.
	dir2 := t.TempDir()
	_, errOut, code = runDraw(append(args[:len(args)-1:len(args)-1], dir2)...)
	require.Equal(t, 0, code, errOut)
	b2, err := os.ReadFile(filepath.Join(dir2, "disclosure.json"))
	require.NoError(t, err)
	assert.Equal(t, b, b2)
}

func TestDefaultCity(t *testing.T) {
	dir := t.TempDir()
	out, errOut, code := runDraw("-out", dir)
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "records as of 2026-01-01: 5000 units")
	// Every step of the protocol is shown, in order.
	at := 0
	for _, step := range []string{"manifest   sha256", "commit     fire-service", "commit     market-regulator", "commit     notary",
		"reveal     fire-service", "reveal     notary", "dice       ", "seed       ", "draw       ", "verify     public tier",
		"round 2 of 2026 (2026-02-01..2026-02-28)", "go run ./examples/verify -dir " + dir} {
		i := strings.Index(out[at:], step)
		require.GreaterOrEqual(t, i, 0, "step %q missing or out of order:\n%s", step, out)
		at += i
	}
	assert.NotContains(t, out, "WARNING")
	for _, name := range []string{"manifest.json", "log.jsonl"} {
		assert.FileExists(t, filepath.Join(dir, name))
	}
	b, err := os.ReadFile(filepath.Join(dir, "disclosure.json"))
	require.NoError(t, err)
	d, err := schedule.ParseDisclosure(b)
	require.NoError(t, err)
	assert.Len(t, d.Units, 5000)
	assert.Len(t, clitest.ReadCSV(t, filepath.Join(dir, "levels.csv")), 5001)
	assert.Len(t, clitest.ReadCSV(t, filepath.Join(dir, "tasks.csv")), len(d.Tasks)+1)
}

func TestSealed(t *testing.T) {
	dir := t.TempDir()
	out, errOut, code := runDraw(append(cityFlags(t), "-asof", "2026-01-01", "-sealed", "-seed", testSeed, "-out", dir)...)
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "sealed disclosure")
	b, err := os.ReadFile(filepath.Join(dir, "disclosure.json"))
	require.NoError(t, err)
	d, err := schedule.ParseDisclosure(b)
	require.NoError(t, err)
	assert.True(t, d.Sealed)
	assert.Empty(t, d.Units, "sealed mode publishes no leaves")
	proofs := readLines(t, filepath.Join(dir, "proofs.jsonl"))
	require.Len(t, proofs, 300)
	levels := clitest.ReadCSV(t, filepath.Join(dir, "levels.csv"))
	require.Len(t, levels, 301)
	ids := make([]string, 0, 300)
	for _, row := range levels[1:] {
		ids = append(ids, row[0])
	}
	slices.Sort(ids)
	for i, line := range proofs {
		// Every unit's line, in ID order, checks against the published root.
		p, err := schedule.ParseUnitProof([]byte(line + "\n"))
		require.NoError(t, err)
		assert.Equal(t, ids[i], p.Unit)
		assert.Equal(t, schedule.Proof{Index: i, Size: 300, Path: p.Proof.Path}, p.Proof)
		assert.NoError(t, d.VerifyUnitProof(p), "unit %s", p.Unit)
	}

	none := t.TempDir()
	_, errOut, code = runDraw(append(cityFlags(t), "-asof", "2026-01-01", "-sealed", "-no-proofs", "-seed", testSeed, "-out", none)...)
	require.Equal(t, 0, code, errOut)
	assert.NoFileExists(t, filepath.Join(none, "proofs.jsonl"))
	b2, err := os.ReadFile(filepath.Join(none, "disclosure.json"))
	require.NoError(t, err)
	assert.Equal(t, b, b2, "-no-proofs changes no other output")
}

func readLines(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
}

func TestHelp(t *testing.T) {
	_, errOut, code := runDraw("-h")
	assert.Equal(t, 0, code)
	assert.Contains(t, errOut, "usage: draw")
	assert.Contains(t, errOut, "-inspectors FILE")
}

func TestBadInput(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "units.csv")
	require.NoError(t, os.WriteFile(bad, []byte("id,name,category,district\nU1,One,street-shop,East\nU2,Two,spaceship,East\n"), 0o644))
	badModel := filepath.Join(dir, "model.json")
	require.NoError(t, os.WriteFile(badModel, []byte(`{"intercept": 1, "terms": [{"feature": ""}]}`), 0o644))
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"unknown flag", []string{"-nope"}, 2, "flag provided but not defined: -nope"},
		{"extra argument", []string{"units.csv"}, 2, `unexpected argument "units.csv"`},
		{"bad seed", []string{"-seed", "xyz"}, 1, "-seed"},
		{"seed and secrets", []string{"-secrets", "a,b", "-seed", strings.Repeat("0", 64)}, 1, "cannot be combined"},
		{"beacon without signature", []string{"-beacon-round", "1000"}, 1, "go together"},
		{"one party", []string{"-parties", "fire-service"}, 1, "at least two parties"},
		{"short secret", []string{"-secrets", "ab,cd,ef"}, 1, "secret of 2 characters"},
		{"few dice", []string{"-dice", "123"}, 1, "randomness.dice.digits"},
		{"round too soon", []string{"-round", "0"}, 1, "draw a later round"},
		{"files without units", []string{"-credit", "credit.csv"}, 1, "need -units"},
		{"missing file", []string{"-units", filepath.Join(dir, "none.csv")}, 1, "none.csv"},
		{"bad row", []string{"-units", bad}, 1, bad + ":3:"},
		{"bad asof", []string{"-asof", "yesterday"}, 1, "-asof"},
		{"bad model", []string{"-model", badModel}, 1, badModel},
		{"missing model", []string{"-model", filepath.Join(dir, "none.json")}, 1, "none.json"},
		{"bad period", []string{"-period", "2026-01-05..2026-12-31"}, 1, "-period"},
		{"bad round", []string{"-round", "12"}, 1, "-round"},
		{"round outside period", []string{"-period", "2026", "-round", "2027-03"}, 1, "outside the period"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, errOut, code := runDraw(append(tc.args, "-out", dir)...)
			assert.Equal(t, tc.code, code, "stdout: %s", out)
			assert.Contains(t, errOut, tc.want)
			assert.NotContains(t, errOut, "panic")
			assert.NotContains(t, errOut, "goroutine")
		})
	}
}

func TestProgress(t *testing.T) {
	defer func(n int) { progressUnits = n }(progressUnits)
	progressUnits = 100 // the small city's 300 units count as large
	_, errOut, code := runDraw(append(append(cityFlags(t), fixedParties...), "-asof", "2026-01-01", "-out", t.TempDir())...)
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, errOut, "loaded 300 units from")
	assert.Contains(t, errOut, "loading "+cityFlags(t)[3])
	assert.Contains(t, errOut, "drew ")
}

func TestPeriodAndRound(t *testing.T) {
	asOf := time.Date(2026, 3, 15, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		period, round string
		rounds        int
		first, start  string // the period's first day, the round's first day
	}{
		{"", "", 12, "2026-03-01", "2026-04-01"},
		{"2026", "", 12, "2026-01-01", "2026-04-01"},
		{"2026", "11", 12, "2026-01-01", "2026-12-01"},
		{"2026", "2026-07", 12, "2026-01-01", "2026-07-01"},
		{"2026-04-01..2027-03-31", "2027-01", 12, "2026-04-01", "2027-01-01"},
		{"2026-01-01..2026-06-30", "5", 6, "2026-01-01", "2026-06-01"},
	} {
		t.Run(tc.period+"/"+tc.round, func(t *testing.T) {
			rounds, err := parsePeriod(tc.period, asOf)
			require.NoError(t, err)
			assert.Len(t, rounds, tc.rounds)
			assert.Equal(t, tc.first, rounds[0].Start.Format(time.DateOnly))
			r, err := pickRound(rounds, tc.round, asOf)
			require.NoError(t, err)
			assert.Equal(t, tc.start, r.Start.Format(time.DateOnly))
		})
	}
}

func TestModelFile(t *testing.T) {
	// The default model written as JSON draws exactly as the default.
	b, err := json.Marshal(risk.DefaultModel())
	require.NoError(t, err)
	model := filepath.Join(t.TempDir(), "model.json")
	require.NoError(t, os.WriteFile(model, b, 0o644))
	args := append(cityFlags(t), "-asof", "2026-01-01", "-seed", testSeed)
	dirs := []string{t.TempDir(), t.TempDir()}
	_, errOut, code := runDraw(append(args, "-out", dirs[0])...)
	require.Equal(t, 0, code, errOut)
	out, errOut, code := runDraw(append(args, "-model", model, "-out", dirs[1])...)
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "-model "+model)
	for _, name := range []string{"disclosure.json", "levels.csv"} {
		a, err := os.ReadFile(filepath.Join(dirs[0], name))
		require.NoError(t, err)
		b, err := os.ReadFile(filepath.Join(dirs[1], name))
		require.NoError(t, err)
		assert.Equal(t, a, b, name)
	}
}
