package main

import (
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

	"github.com/firedraw/firedraw/examples/internal/pubcheck"
	"github.com/firedraw/firedraw/examples/internal/site"
	"github.com/firedraw/firedraw/risk"
	"github.com/firedraw/firedraw/risk/recordio"
	"github.com/firedraw/firedraw/risk/synthcity"
	"github.com/firedraw/firedraw/schedule"
	"github.com/firedraw/firedraw/schedule/canon"
	"github.com/firedraw/firedraw/schedule/protocol"
	"github.com/firedraw/firedraw/schedule/tlog"
	"github.com/firedraw/firedraw/schedule/workspace"
)

// smallYear sets up a workspace for a 120-unit city with the 2026
// example (dice as the late source) and returns its runner and city.
func smallYear(t *testing.T) (*yearRun, *synthcity.City, string) {
	t.Helper()
	tmp := t.TempDir()
	bin := buildYear(t, tmp)
	// 120 units: a monthly round draws a few (30 units draw about one,
	// and some seeds none, which leaves nothing to correct).
	city, err := synthcity.Generate(synthcity.Config{Units: 120, Districts: 2, Seed: 7, AsOf: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)})
	require.NoError(t, err)
	files := writeCity(t, tmp, city)
	y := &yearRun{t: t, bin: bin, ws: filepath.Join(tmp, "ws")}
	y.must(time.Date(2025, 12, 1, 9, 0, 0, 0, time.UTC), "init", "-config", writeConfig(t, tmp, files))
	return y, city, tmp
}

// dec is a time in December 2025.
func dec(day, hour, minute int) time.Time {
	return time.Date(2025, 12, day, hour, minute, 0, 0, time.UTC)
}

// drawRound1 runs round 1 of 2026 in order (as TestYear2026DefaultCity).
func drawRound1(y *yearRun) {
	y.must(dec(26, 0, 0), "manifest", "-round", "1")
	y.must(dec(26, 1, 0), "contribute", "-round", "1", "-step", "commit")
	y.must(dec(28, 0, 0), "contribute", "-round", "1", "-step", "reveal")
	y.must(dec(29, 2, 0), "contribute", "-round", "1", "-step", "dice")
	y.must(dec(29, 3, 0), "draw", "-round", "1")
}

// verifyFails runs verify on a copy of the workspace changed by change
// and checks that it fails saying want.
func verifyFails(t *testing.T, y *yearRun, at time.Time, change func(ws string), want string) {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "ws")
	out, err := exec.Command("cp", "-r", y.ws, dst).CombinedOutput()
	require.NoError(t, err, string(out))
	change(dst)
	z := &yearRun{t: t, bin: y.bin, ws: dst}
	msg, err := z.run(at, "verify")
	require.Error(t, err, msg)
	assert.Contains(t, msg, want)
}

// TestYearAbandonAndRedraw: round 1's first attempt stalls (one party
// never reveals, and the round is given up before the dice meeting); it
// is abandoned with its reason, re-manifested with new deadlines and
// drawn. The workspace verifies, with the abandoned attempt noted; the
// steps refuse to run out of order; tampering with the abandoned
// attempt's files or its log entry is caught.
func TestYearAbandonAndRedraw(t *testing.T) {
	y, _, _ := smallYear(t)
	for _, tc := range []struct {
		name string
		at   time.Time
		args []string
		want string
	}{
		{"nothing to abandon", dec(26, 0, 0), []string{"abandon", "-round", "1", "-reason", "x"}, "round 1 has no manifest to abandon: build it first"},
		{"no reason", dec(26, 0, 0), []string{"abandon", "-round", "1"}, "-reason is required"},
	} {
		msg, err := y.run(tc.at, tc.args...)
		require.Error(t, err, tc.name)
		assert.Contains(t, msg, tc.want, tc.name)
	}
	y.must(dec(26, 0, 0), "manifest", "-round", "1")
	y.must(dec(26, 1, 0), "contribute", "-round", "1", "-step", "commit")
	msg, err := y.run(dec(26, 2, 0), "manifest", "-round", "1")
	require.Error(t, err)
	assert.Contains(t, msg, "abandon it first")
	y.must(dec(28, 0, 0), "contribute", "-round", "1", "-step", "reveal", "-party", "消防救援支队")
	y.must(dec(28, 0, 1), "contribute", "-round", "1", "-step", "reveal", "-party", "市场监管局")
	msg = y.must(dec(29, 0, 30), "abandon", "-round", "1", "-reason", "公证处 did not reveal; the dice meeting is cancelled")
	assert.Contains(t, msg, "next: year manifest")
	msg = y.must(dec(29, 0, 40), "status")
	assert.Contains(t, msg, "abandoned (1 attempt(s))")

	// The new attempt: new deadlines (commitments until 2025-12-30T01:00Z).
	y.must(dec(29, 0, 40), "manifest", "-round", "1")
	y.must(dec(29, 1, 0), "contribute", "-round", "1", "-step", "commit")
	y.must(dec(30, 2, 0), "contribute", "-round", "1", "-step", "reveal")
	msg, err = y.run(dec(31, 2, 0), "abandon", "-round", "1", "-reason", "changed our mind")
	require.Error(t, err)
	assert.Contains(t, msg, "the draw's outcome may be known")
	y.must(dec(31, 2, 0), "contribute", "-round", "1", "-step", "dice")
	y.must(dec(31, 3, 0), "draw", "-round", "1")
	msg, err = y.run(dec(31, 4, 0), "abandon", "-round", "1", "-reason", "x")
	require.Error(t, err)
	assert.Contains(t, msg, "a drawn round is not abandoned")

	end := time.Date(2026, 1, 20, 0, 0, 0, 0, time.UTC)
	msg = y.must(end, "verify")
	assert.Contains(t, msg, "verified: 1 round(s)")
	assert.Contains(t, msg, "abandoned at entry")
	assert.Contains(t, msg, "公证处 did not reveal")
	assert.Contains(t, y.must(end, "status"), "drawn")
	y.must(time.Date(2026, 1, 26, 0, 0, 0, 0, time.UTC), "manifest", "-round", "2")
	checkPublicTier(t, y.ws)

	abandoned, err := filepath.Glob(filepath.Join(y.ws, "rounds", "01", workspace.AbandonedDir, "*", workspace.ManifestName))
	require.NoError(t, err)
	require.Len(t, abandoned, 1)
	rel, err := filepath.Rel(y.ws, abandoned[0])
	require.NoError(t, err)
	verifyFails(t, y, end, func(ws string) { require.NoError(t, os.Remove(filepath.Join(ws, rel))) }, "manifest-published")
	verifyFails(t, y, end, func(ws string) {
		p := filepath.Join(ws, workspace.LogFile)
		b, err := os.ReadFile(p)
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(p, []byte(strings.Replace(string(b), "did not reveal", "did not commit", 1)), 0o644))
	}, "prev does not match")
}

// checkPublicTier runs the public tier as the static site does (site.Read,
// pubcheck.Check): it verifies with the abandoned attempt's manifest and
// round 2's manifest (not drawn) given, and names the missing manifest
// without them.
func checkPublicTier(t *testing.T, ws string) {
	t.Helper()
	w, err := site.Read(ws)
	require.NoError(t, err)
	require.Len(t, w.Abandoned, 1)
	f := pubcheck.Files{Log: w.Log}
	for _, r := range w.Rounds {
		if r.DisclosureByte == nil {
			f.Manifests = append(f.Manifests, r.ManifestBytes)
			continue
		}
		f.Rounds = append(f.Rounds, pubcheck.RoundFiles{Name: r.Name, Manifest: r.ManifestBytes, Disclosure: r.DisclosureByte, Targeted: r.TargetedBytes})
	}
	for _, b := range w.Abandoned {
		f.Manifests = append(f.Manifests, b)
	}
	rep := pubcheck.Check(f)
	assert.True(t, rep.Verified, "%v %v", rep.Log.Problems, rep.Rounds)
	f.Manifests = f.Manifests[:1] // round 2's only
	rep = pubcheck.Check(f)
	assert.False(t, rep.Verified)
	assert.Contains(t, strings.Join(rep.Log.Problems, " "), "manifest-published")
}

// TestYearCorrection: a published result is corrected twice (result,
// then violations) by correction entries naming the results entry; the
// workspace verifies and status, publish and verify show them. Out of
// order (before publication) and a date before the visit are refused; a
// hand-made correction with such a date, appended with an intact chain,
// is caught by verify, as is a missing publication.
func TestYearCorrection(t *testing.T) {
	y, city, tmp := smallYear(t)
	drawRound1(y)
	b, err := os.ReadFile(filepath.Join(y.ws, "rounds", "01", workspace.Disclosure))
	require.NoError(t, err)
	d, err := schedule.ParseDisclosure(b)
	require.NoError(t, err)
	require.NotEmpty(t, d.Tasks)
	feb := func(day int) time.Time { return time.Date(2026, 2, day, 9, 0, 0, 0, time.UTC) }
	checkTaskList(t, y, city, len(d.Tasks))

	res := filepath.Join(tmp, "results-01.csv")
	writeResults(t, y.ws, 1, city, res)
	// The task to correct: a random task whose recorded result is a pass.
	f, err := os.Open(res)
	require.NoError(t, err)
	recs, _, err := recordio.LoadInspections(f, recordio.LoadOptions{})
	require.NoError(t, f.Close())
	require.NoError(t, err)
	var tk schedule.Task
	for _, in := range recs {
		for _, x := range d.Tasks {
			if x.ID == in.ID && in.Result == risk.Pass {
				tk = x
			}
		}
	}
	require.NotEmpty(t, tk.ID, "a random task passed")
	y.must(feb(2), "record", "-round", "1", "-results", res)
	correct := func(at time.Time, field, value string) (string, error) {
		return y.run(at, "correct", "-round", "1", "-task", tk.ID, "-field", field, "-value", value, "-reason", "the form was misread")
	}
	msg, err := correct(feb(2), "result", "fail")
	require.Error(t, err)
	assert.Contains(t, msg, "not published yet: record and publish it first")
	y.must(feb(3), "publish")

	msg, err = correct(feb(4), "date", (tk.Date - 1).String())
	require.Error(t, err)
	assert.Contains(t, msg, "before the task's visit date "+tk.Date.String())
	msg, err = correct(feb(4), "colour", "red")
	require.Error(t, err)
	assert.Contains(t, msg, "want the field result, date or violations")
	msg, err = correct(feb(4), "result", "pass")
	require.Error(t, err)
	assert.Contains(t, msg, "is pass already")

	msg, err = correct(feb(4), "result", "fail")
	require.NoError(t, err, msg)
	assert.Contains(t, msg, "corrects task "+tk.ID)
	msg, err = correct(feb(4), "violations", "SYN-EXIT (major); SYN-ALARM (general)")
	require.NoError(t, err, msg)

	assert.Contains(t, y.must(feb(5), "publish"), "2 correction(s) in the log")
	status := y.must(feb(5), "status")
	assert.Regexp(t, `(?m)^1\s+drawn\s+\d+\s+\d+\s+\d+\s+2\s+0\s`, status)
	msg = y.must(feb(5), "verify")
	assert.Contains(t, msg, "verified: 1 round(s)")
	assert.Contains(t, msg, "result = fail")

	verifyFails(t, y, feb(5), func(ws string) {
		names, _ := filepath.Glob(filepath.Join(ws, workspace.PublishDir, "01-*.json"))
		require.Len(t, names, 1)
		require.NoError(t, os.Remove(names[0]))
	}, "no file of publications/ has it")
	verifyFails(t, y, feb(5), func(ws string) {
		appendCorrection(t, filepath.Join(ws, workspace.LogFile), feb(5), d.Manifest, tk.ID, (tk.Date - 3).String())
	}, "before the task's visit date "+tk.Date.String())
}

// checkTaskList checks round 1's task list (issues #13, #14): every task
// with its unit's name (and an address column, empty for the synthetic
// city, which has no address attribute), its method and focus, and its
// inspectors by name, in either language.
func checkTaskList(t *testing.T, y *yearRun, city *synthcity.City, tasks int) {
	t.Helper()
	names := map[string]bool{}
	for _, in := range city.Inspectors {
		names[in.Name] = true
	}
	for _, tc := range []struct {
		lang    string
		methods []string
	}{
		{"en", []string{"on-site", "remote", "document-review", "joint"}},
		{"zh", []string{"现场检查", "非现场监管", "书面核查", "联合检查"}},
	} {
		out := y.must(dec(30, 0, 0), "tasks", "-round", "1", "-lang", tc.lang)
		rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(out, "\uFEFF"))).ReadAll()
		require.NoError(t, err, tc.lang)
		require.Len(t, rows, tasks+1, tc.lang)
		col := map[string]int{}
		for i, h := range rows[0] {
			col[h] = i
		}
		if tc.lang == "en" {
			for _, h := range []string{"unit_name", "address", "method", "focus", "inspectors"} {
				require.Contains(t, col, h)
			}
		} else {
			col = map[string]int{"unit_name": 3, "address": 5, "method": 8, "focus": 9, "inspectors": 10}
			assert.Equal(t, []string{"单位名称", "地址", "检查方式", "检查重点", "检查人员"},
				[]string{rows[0][3], rows[0][5], rows[0][8], rows[0][9], rows[0][10]})
		}
		for _, r := range rows[1:] {
			assert.NotEmpty(t, r[col["unit_name"]], tc.lang)
			assert.Contains(t, tc.methods, r[col["method"]], tc.lang)
			first, _, _ := strings.Cut(r[col["inspectors"]], ",")
			assert.True(t, names[first], "%s: %q is an inspector's name", tc.lang, first)
		}
	}
}

// appendCorrection appends, as a corrupt operator could with
// schedule/tlog, a correction of the task's date to the log at path,
// naming the log's first results entry.
func appendCorrection(t *testing.T, path string, at time.Time, manifest, task, date string) {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	l, err := tlog.Read(f, tlog.Limits{})
	require.NoError(t, f.Close())
	require.NoError(t, err)
	of := int64(-1)
	for seq := range l.Len() {
		if l.Entry(seq).Kind == tlog.KindResults {
			of = int64(seq)
			break
		}
	}
	require.NotEqual(t, int64(-1), of)
	body, err := protocol.MarshalBody(&protocol.CorrectionBody{Manifest: manifest, Of: of, Task: task, Field: "date", Value: date, Reason: "back-dated"})
	require.NoError(t, err)
	e, err := l.Append(tlog.Entry{Time: at, Kind: tlog.KindCorrection, Period: "2026", Round: 1, Body: canon.Raw(body)})
	require.NoError(t, err)
	out, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	require.NoError(t, err)
	_, err = fmt.Fprintf(out, "%s", l.Line(int(e.Seq)))
	require.NoError(t, err)
	require.NoError(t, out.Close())
}
