package site_test

import (
	"bytes"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/firedraw/firedraw/examples/internal/drawflow"
	"github.com/firedraw/firedraw/examples/internal/site"
	"github.com/firedraw/firedraw/risk/synthcity"
	"github.com/firedraw/firedraw/schedule"
)

// draw runs round 2 of a 300-unit synthetic city under the protocol and
// writes its published files flat (as examples/draw does) or as a
// period's directory (rounds/02/).
func draw(t *testing.T, flat bool) (string, *drawflow.Result) {
	t.Helper()
	asOf := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	c, err := synthcity.Generate(synthcity.Config{Units: 300, Seed: 3, AsOf: asOf})
	require.NoError(t, err)
	rounds, err := schedule.Period(asOf, 12, schedule.Month)
	require.NoError(t, err)
	var seed [32]byte
	seed[0] = 9
	res, err := drawflow.Run(drawflow.Inputs{Records: &c.Records, AsOf: asOf, Config: &schedule.Config{Rounds: rounds},
		Round: 1, PeriodID: "2026", Parties: drawflow.DefaultParties(), Rand: rand.NewChaCha8(seed)})
	require.NoError(t, err)
	dir := t.TempDir()
	rd := filepath.Join(dir, "rounds", "02")
	if flat {
		rd = dir
	}
	var log bytes.Buffer
	_, err = res.Log.WriteTo(&log)
	require.NoError(t, err)
	require.NoError(t, os.MkdirAll(rd, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, site.LogName), log.Bytes(), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(rd, site.ManifestName), res.ManifestBytes, 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(rd, site.DisclosureName), res.DisclosureBytes, 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(rd, site.TargetedName), res.TargetedBytes, 0o644))
	return dir, res
}

// external matches a reference to another site in HTML, CSS or JS.
var external = regexp.MustCompile(`(?i)(src|href)\s*=\s*["']?(https?:)?//|url\(\s*["']?(https?:)?//|@import`)

func TestWrite(t *testing.T) {
	for _, flat := range []bool{true, false} {
		t.Run(map[bool]string{true: "flat", false: "workspace"}[flat], func(t *testing.T) {
			dir, res := draw(t, flat)
			w, err := site.Read(dir)
			require.NoError(t, err)
			require.Len(t, w.Rounds, 1)
			assert.Equal(t, "rounds/02", w.Rounds[0].Name)
			out := t.TempDir()
			opt := site.Options{Now: time.Date(2026, 3, 20, 0, 0, 0, 0, time.UTC), Wasm: []byte("\x00asm"), WasmExec: []byte("// wasm_exec")}
			require.NoError(t, site.Write(w, out, opt))

			for _, name := range []string{"index.html", "site.css", "site.js", "data.js", "verify.js", "verify.wasm", "wasm_exec.js",
				"log.jsonl", "rounds/02/manifest.json", "rounds/02/disclosure.json", "rounds/02/targeted.json", "rounds/02/tasks-001.html"} {
				assert.FileExists(t, filepath.Join(out, name))
			}
			published, err := os.ReadFile(filepath.Join(out, "rounds/02/disclosure.json"))
			require.NoError(t, err)
			assert.Equal(t, res.DisclosureBytes, published, "published byte for byte")

			index, err := os.ReadFile(filepath.Join(out, "index.html"))
			require.NoError(t, err)
			page := string(index)
			for _, want := range []string{res.Hash, res.Disclosure.Seed, "fire-service", "market-regulator", "notary",
				res.Disclosure.Tasks[0].Unit, res.Log.Head().Root, `lang="zh"`, `lang="en"`} {
				assert.Contains(t, page, want)
			}
			// The targeted inspections: a readable table with each trigger,
			// in Chinese and English, not the raw log entry.
			require.NotEmpty(t, res.Targeted.Tasks, "the city has targets")
			tt := res.Targeted.Tasks[0]
			for _, want := range []string{`<table class="targeted">`, "定向检查", tt.Unit, tt.ID,
				tt.Triggers[0].ExplanationZH, tt.Triggers[0].ExplanationEN, "预警触发"} {
				assert.Contains(t, page, want)
			}
			assert.Contains(t, string(must(os.ReadFile(filepath.Join(out, "data.js")))), "rounds/02/targeted.json", "the verifier gets the targeted tasks")
			for _, name := range []string{"index.html", "rounds/02/tasks-001.html", "site.css", "site.js"} {
				b, err := os.ReadFile(filepath.Join(out, name))
				require.NoError(t, err)
				assert.Empty(t, external.FindAllString(string(b), -1), "%s loads from another site", name)
			}
		})
	}
}

func TestWriteNeedsVerifier(t *testing.T) {
	dir, _ := draw(t, true)
	w, err := site.Read(dir)
	require.NoError(t, err)
	require.ErrorIs(t, site.Write(w, t.TempDir(), site.Options{}), site.ErrOptions)
}

func TestReadRefusesNonWorkspace(t *testing.T) {
	dir := t.TempDir()
	_, err := site.Read(dir)
	require.Error(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, site.LogName), nil, 0o644))
	_, err = site.Read(dir)
	require.ErrorContains(t, err, "neither")
	assert.True(t, strings.Contains(err.Error(), dir))
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
