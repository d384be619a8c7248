package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/firedraw/firedraw/examples/internal/clitest"
	"github.com/firedraw/firedraw/risk/synthcity"
	"github.com/firedraw/firedraw/schedule"
)

// fixture is a small city and three draws of it made by examples/draw
// (built once per test binary): single-operator open and sealed, and one
// with three parties.
type fixture struct {
	dir     string
	flags   []string // record-file flags of the city
	open    string   // directory of the open draw's output
	sealed  string   // directory of the sealed draw's output
	parties string   // directory of the three-party draw's output
}

var setup = sync.OnceValues(func() (*fixture, error) {
	dir, err := clitest.TempDir("verify-")
	if err != nil {
		return nil, err
	}
	fx := &fixture{dir: dir, open: filepath.Join(dir, "open"), sealed: filepath.Join(dir, "sealed"), parties: filepath.Join(dir, "parties")}
	if _, fx.flags, err = clitest.City(filepath.Join(dir, "city"), synthcity.Config{Units: 300, Seed: 5, Inspectors: 80}); err != nil {
		return fx, err
	}
	fx.flags = append(fx.flags, "-asof", "2026-01-01")
	bin, err := clitest.BuildDraw(dir)
	if err != nil {
		return fx, err
	}
	seed := strings.Repeat("ab", 32)
	secrets := strings.Repeat("11", 32) + "," + strings.Repeat("22", 32) + "," + strings.Repeat("33", 32)
	for _, d := range []struct {
		out   string
		extra []string
	}{
		{fx.open, []string{"-seed", seed}},
		{fx.sealed, []string{"-seed", seed, "-sealed"}},
		{fx.parties, []string{"-secrets", secrets, "-dice", "27182818284590452353"}},
	} {
		args := append(append(fx.flags[:len(fx.flags):len(fx.flags)], "-round", "2", "-out", d.out), d.extra...)
		if out, err := exec.Command(bin, args...).CombinedOutput(); err != nil {
			return fx, fmt.Errorf("examples/draw %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	return fx, nil
})

func TestMain(m *testing.M) { clitest.Main(m) }

func fixtureOf(t *testing.T) *fixture {
	t.Helper()
	fx, err := setup()
	require.NoError(t, err)
	return fx
}

func runVerify(args ...string) (string, string, int) {
	var out, errOut bytes.Buffer
	code := exitCode(run(args, &out, &errOut), &errOut)
	return out.String(), errOut.String(), code
}

func TestRoundTrip(t *testing.T) {
	fx := fixtureOf(t)
	cityFlags := fx.flags[:len(fx.flags)-2] // the as-of time is the manifest's
	for _, tc := range []struct {
		dir     string
		warning bool
	}{{fx.open, true}, {fx.sealed, true}, {fx.parties, false}} {
		out, errOut, code := runVerify(append(cityFlags, "-dir", tc.dir)...)
		assert.Equal(t, 0, code, "%s\n%s", out, errOut)
		for _, want := range []string{"hash chain and canonical bytes verified", "frequency floor verified",
			"order and dates verified", "verified (public tier)", "verified (auditor tier)",
			"inspections outside the random draw", "targeted teams and dates re-run: verified (auditor tier)"} {
			assert.Contains(t, out, want)
		}
		assert.Equal(t, tc.warning, strings.Contains(out, "WARNING: single-operator draw"), out)
	}
	out, errOut, code := runVerify("-dir", fx.parties, "-public")
	assert.Equal(t, 0, code, "%s\n%s", out, errOut)
	assert.Contains(t, out, "3 commitment(s), 3 reveal(s), dice 27182818284590452353")
	assert.Contains(t, out, "party      notary            commitment ")
	assert.Contains(t, out, ", revealed, matches")
	assert.NotContains(t, out, "auditor tier")
}

// published copies a draw's three published files into a new directory,
// with the first occurrence of old replaced by new in one of them.
func published(t *testing.T, from, file, old, new string) string {
	t.Helper()
	dir := t.TempDir()
	for _, name := range []string{"log.jsonl", "manifest.json", "disclosure.json", "targeted.json"} {
		b, err := os.ReadFile(filepath.Join(from, name))
		require.NoError(t, err)
		if name == file {
			require.Contains(t, string(b), old)
			b = []byte(strings.Replace(string(b), old, new, 1))
		}
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), b, 0o644))
	}
	return dir
}

func TestTampered(t *testing.T) {
	fx := fixtureOf(t)
	b, err := os.ReadFile(filepath.Join(fx.parties, "disclosure.json"))
	require.NoError(t, err)
	var d struct {
		Tasks []struct {
			Unit  string
			Teams []struct{ Inspectors []string }
		}
	}
	require.NoError(t, json.Unmarshal(b, &d))
	require.NotEmpty(t, d.Tasks)
	task := d.Tasks[0]
	team := task.Teams[0].Inspectors
	require.Len(t, team, 2)
	quoted := func(ids ...string) string {
		q, _ := json.Marshal(ids)
		return string(q)
	}
	for _, tc := range []struct {
		name, file, old, new, want string
	}{
		{"team swapped", "disclosure.json", `"inspectors":` + quoted(team[0], team[1]), `"inspectors":` + quoted(team[1], team[0]), "but the log's draw entry"},
		{"unit swapped", "disclosure.json", `"unit":"` + task.Unit + `"`, `"unit":"NOT-A-UNIT"`, "but the log's draw entry"},
		{"duplicate key", "disclosure.json", `"sealed":false`, `"sealed":true,"sealed":false`, "but the log's draw entry"},
		{"setting changed", "manifest.json", `"exclude_visited":false`, `"exclude_visited":true`, "manifest-published"},
		{"policy exempts a level", "manifest.json", `"low":0.05`, `"low":1e-300`, "policy.low"},
		{"dice changed", "log.jsonl", `"digits":"27182818284590452353"`, `"digits":"27182818284590452354"`, "prev"},
		{"targeted task changed", "targeted.json", `"reason":"`, `"reason":"x`, "but the log's targeted entry"},
		{"targeted entry dropped", "log.jsonl", `"kind":"targeted"`, `"kind":"alert"`, "the manifest committed 2 targets, but the log holds no targeted entry"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, errOut, code := runVerify("-public", "-dir", published(t, fx.parties, tc.file, tc.old, tc.new))
			assert.Equal(t, 1, code, out)
			assert.Contains(t, out+errOut, tc.want)
			assert.Contains(t, errOut, "verify:")
		})
	}
}

func TestProof(t *testing.T) {
	fx := fixtureOf(t)
	b, err := os.ReadFile(filepath.Join(fx.sealed, "proofs.jsonl"))
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	require.Len(t, lines, 300)
	p, err := schedule.ParseUnitProof([]byte(lines[17] + "\n"))
	require.NoError(t, err)
	proofs := filepath.Join(fx.sealed, "proofs.jsonl")

	out, errOut, code := runVerify("-dir", fx.sealed, "-unit", p.Unit, "-proof", proofs)
	assert.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "verified: unit "+p.Unit)
	assert.Contains(t, out, "of the 300 under the Merkle root")

	write := func(q *schedule.UnitProof) string {
		b, err := q.Marshal()
		require.NoError(t, err)
		path := filepath.Join(t.TempDir(), "proof.jsonl")
		require.NoError(t, os.WriteFile(path, b, 0o644))
		return path
	}
	// A forged line: the same unit claiming the opposite draw.
	forged := *p
	forged.Leaf.Selected = !forged.Leaf.Selected
	out, _, code = runVerify("-dir", fx.sealed, "-unit", p.Unit, "-proof", write(&forged))
	assert.Equal(t, 1, code)
	assert.Contains(t, out, "NOT verified")

	// Another unit's proof passed off as this unit's.
	q, err := schedule.ParseUnitProof([]byte(lines[18] + "\n"))
	require.NoError(t, err)
	q.Unit, q.Leaf.ID = p.Unit, p.Unit
	out, _, code = runVerify("-dir", fx.sealed, "-unit", p.Unit, "-proof", write(q))
	assert.Equal(t, 1, code)
	assert.Contains(t, out, "NOT verified")

	// A proof of a smaller tree, with its size forged.
	small := *p
	small.Proof.Size, small.Proof.Path = 2, small.Proof.Path[:1]
	out, _, code = runVerify("-dir", fx.sealed, "-unit", p.Unit, "-proof", write(&small))
	assert.Equal(t, 1, code)
	assert.Contains(t, out, "proof of a tree of 2 leaves, but the draw has 300 units")
}

func TestBadInput(t *testing.T) {
	fx := fixtureOf(t)
	dir := t.TempDir()
	badProof := filepath.Join(dir, "proofs.jsonl")
	require.NoError(t, os.WriteFile(badProof, []byte("{\"unit\":\"A\"}\n{oops\n"), 0o644))
	badUnits := filepath.Join(dir, "units.csv")
	require.NoError(t, os.WriteFile(badUnits, []byte("id,category,district\nU1,street-shop,East\nU1,street-shop,East\n"), 0o644))
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no files", []string{"-dir", dir}, 1, "log.jsonl"},
		{"unknown flag", []string{"-nope"}, 2, "-nope"},
		{"unit without proof", []string{"-unit", "A"}, 1, "go together"},
		{"missing disclosure", []string{"-dir", fx.open, "-disclosure", filepath.Join(dir, "none.json")}, 1, "none.json"},
		{"another draw's disclosure", []string{"-dir", fx.open, "-disclosure", filepath.Join(fx.parties, "disclosure.json")}, 1, "does not verify"},
		{"bad proof line", []string{"-dir", fx.sealed, "-unit", "B", "-proof", badProof}, 1, badProof + ":1:"},
		{"no proof for unit", []string{"-dir", fx.sealed, "-unit", "Z", "-proof", filepath.Join(dir, "none.jsonl")}, 1, "none.jsonl"},
		{"bad record file", []string{"-dir", fx.open, "-units", badUnits}, 1, badUnits + ":3:"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, errOut, code := runVerify(tc.args...)
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
	assert.Contains(t, errOut.String(), "usage: verify")
}
