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
)

// fixture is a small city and two draws of it made by examples/draw (built
// once per test binary): an open and a sealed one.
type fixture struct {
	dir    string
	flags  []string // record-file flags of the city
	open   string   // directory of the open draw's output
	sealed string   // directory of the sealed draw's output
}

var setup = sync.OnceValues(func() (*fixture, error) {
	dir, err := clitest.TempDir("verify-")
	if err != nil {
		return nil, err
	}
	fx := &fixture{dir: dir, open: filepath.Join(dir, "open"), sealed: filepath.Join(dir, "sealed")}
	if _, fx.flags, err = clitest.City(filepath.Join(dir, "city"), synthcity.Config{Units: 300, Seed: 5}); err != nil {
		return fx, err
	}
	fx.flags = append(fx.flags, "-asof", "2026-01-01")
	bin, err := clitest.BuildDraw(dir)
	if err != nil {
		return fx, err
	}
	seed := strings.Repeat("ab", 32)
	for _, d := range []struct {
		out   string
		extra []string
	}{{fx.open, nil}, {fx.sealed, []string{"-sealed"}}} {
		args := append(append(fx.flags[:len(fx.flags):len(fx.flags)], "-seed", seed, "-committed", "2025-12-30", "-round", "2", "-out", d.out), d.extra...)
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
	for _, dir := range []string{fx.open, fx.sealed} {
		out, errOut, code := runVerify(append(fx.flags, "-disclosure", filepath.Join(dir, "disclosure.json"))...)
		assert.Equal(t, 0, code, "%s\n%s", out, errOut)
		assert.True(t, strings.HasPrefix(out, "verified: round 2"), out)
	}
}

// tamper writes a copy of the open disclosure with the first occurrence of
// old replaced by new and returns its path.
func tamper(t *testing.T, fx *fixture, old, new string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(fx.open, "disclosure.json"))
	require.NoError(t, err)
	require.Contains(t, string(b), old)
	path := filepath.Join(t.TempDir(), "disclosure.json")
	require.NoError(t, os.WriteFile(path, []byte(strings.Replace(string(b), old, new, 1)), 0o644))
	return path
}

func TestTampered(t *testing.T) {
	fx := fixtureOf(t)
	b, err := os.ReadFile(filepath.Join(fx.open, "disclosure.json"))
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
	// Tasks come first in the canonical JSON, sorted by unit, so the first
	// occurrence of the first task's team is that task's.
	for _, tc := range []struct {
		name, old, new, want string
	}{
		{"team swapped", `"inspectors":` + quoted(team[0], team[1]), `"inspectors":` + quoted(team[1], team[0]), task.Unit},
		{"seed changed", `"seed":"` + strings.Repeat("ab", 32), `"seed":"` + strings.Repeat("ab", 31) + "ac", "seed"},
		{"unit swapped", `"unit":"` + task.Unit + `"`, `"unit":"NOT-A-UNIT"`, "NOT-A-UNIT"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, errOut, code := runVerify(append(fx.flags, "-disclosure", tamper(t, fx, tc.old, tc.new))...)
			assert.Equal(t, 1, code)
			assert.Contains(t, out, "NOT verified")
			assert.Contains(t, out, tc.want)
			assert.Contains(t, errOut, "does not verify")
		})
	}
}

func TestProof(t *testing.T) {
	fx := fixtureOf(t)
	b, err := os.ReadFile(filepath.Join(fx.sealed, "proofs.jsonl"))
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	require.Len(t, lines, 300)
	var p proofLine
	require.NoError(t, json.Unmarshal([]byte(lines[17]), &p))
	proofs := filepath.Join(fx.sealed, "proofs.jsonl")
	disc := filepath.Join(fx.sealed, "disclosure.json")

	out, errOut, code := runVerify("-disclosure", disc, "-unit", p.Unit, "-proof", proofs)
	assert.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "verified: unit "+p.Unit)

	// A forged line: the same unit claiming the opposite draw.
	p.Leaf.Selected = !p.Leaf.Selected
	forged, err := json.Marshal(p)
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "proof.json")
	require.NoError(t, os.WriteFile(path, forged, 0o644))
	out, _, code = runVerify("-disclosure", disc, "-unit", p.Unit, "-proof", path)
	assert.Equal(t, 1, code)
	assert.Contains(t, out, "NOT verified")

	// Another unit's proof passed off as this unit's.
	var q proofLine
	require.NoError(t, json.Unmarshal([]byte(lines[18]), &q))
	q.Unit, q.Leaf.ID = p.Unit, p.Unit
	borrowed, err := json.Marshal(q)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(path, borrowed, 0o644))
	out, _, code = runVerify("-disclosure", disc, "-unit", p.Unit, "-proof", path)
	assert.Equal(t, 1, code)
	assert.Contains(t, out, "NOT verified")
}

func TestBadInput(t *testing.T) {
	dir := t.TempDir()
	badJSON := filepath.Join(dir, "bad.json")
	require.NoError(t, os.WriteFile(badJSON, []byte(`{"format":"firedraw-disclosure/2",`), 0o644))
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
		{"no disclosure", nil, 2, "-disclosure is required"},
		{"unknown flag", []string{"-nope"}, 2, "-nope"},
		{"unit without proof", []string{"-unit", "A"}, 1, "go together"},
		{"missing disclosure", []string{"-disclosure", filepath.Join(dir, "none.json")}, 1, "none.json"},
		{"bad disclosure", []string{"-disclosure", badJSON}, 1, badJSON},
		{"bad proof line", []string{"-unit", "B", "-proof", badProof}, 1, badProof + ":2:"},
		{"no proof for unit", []string{"-unit", "Z", "-proof", filepath.Join(dir, "none.jsonl")}, 1, "none.jsonl"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, errOut, code := runVerify(tc.args...)
			assert.Equal(t, tc.code, code, "stdout: %s", out)
			assert.Contains(t, errOut, tc.want)
			assert.NotContains(t, errOut, "goroutine")
		})
	}
	t.Run("bad record file", func(t *testing.T) {
		fx := fixtureOf(t)
		_, errOut, code := runVerify("-disclosure", filepath.Join(fx.open, "disclosure.json"), "-units", badUnits)
		assert.Equal(t, 1, code)
		assert.Contains(t, errOut, badUnits+":3:")
	})
}

func TestHelp(t *testing.T) {
	var out, errOut bytes.Buffer
	err := run([]string{"-h"}, &out, &errOut)
	assert.Equal(t, 0, exitCode(err, &errOut))
	assert.Contains(t, errOut.String(), "usage: verify")
}
