package main

import (
	"bytes"
	"flag"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/firedraw/firedraw/examples/internal/drawflow"
	"github.com/firedraw/firedraw/examples/internal/site"
	"github.com/firedraw/firedraw/risk/synthcity"
	"github.com/firedraw/firedraw/schedule"
)

var browserOut = flag.String("browser.out", "", "also copy the browser tests' screenshots into this `DIR`")

// chromiumPath returns the chromium to drive. The tests skip without
// one only outside CI: in CI (CI set), a missing chromium fails them.
func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("chromium is not installed (CI is set: apt-get install -y chromium)")
	}
	t.Skip("chromium is not installed")
	return ""
}

var (
	wasmOnce  sync.Once
	wasmBytes []byte
	wasmExec  []byte
	wasmErr   error
)

// verifierFiles builds the verifier once for all tests.
func verifierFiles(t *testing.T) site.Options {
	t.Helper()
	wasmOnce.Do(func() { wasmBytes, wasmExec, wasmErr = verifier("") })
	require.NoError(t, wasmErr)
	return site.Options{Now: time.Date(2026, 3, 20, 0, 0, 0, 0, time.UTC), Wasm: wasmBytes, WasmExec: wasmExec}
}

// workspace draws round 2 of a 300-unit synthetic city under the
// protocol (three simulated parties, a fixed random stream) and writes
// its published files as a period's directory: log.jsonl and rounds/02/
// (manifest, disclosure and targeted tasks).
func workspace(t *testing.T, sealed bool) string {
	t.Helper()
	asOf := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	c, err := synthcity.Generate(synthcity.Config{Units: 300, Seed: 3, AsOf: asOf})
	require.NoError(t, err)
	rounds, err := schedule.Period(asOf, 12, schedule.Month)
	require.NoError(t, err)
	var seed [32]byte
	seed[0] = 16
	res, err := drawflow.Run(drawflow.Inputs{Records: &c.Records, AsOf: asOf,
		Config: &schedule.Config{Rounds: rounds, Sealed: sealed}, Round: 1, PeriodID: "2026",
		Parties: drawflow.DefaultParties(), Rand: rand.NewChaCha8(seed)})
	require.NoError(t, err)
	dir := t.TempDir()
	var log bytes.Buffer
	_, err = res.Log.WriteTo(&log)
	require.NoError(t, err)
	write(t, filepath.Join(dir, site.LogName), log.Bytes())
	write(t, filepath.Join(dir, "rounds", "02", site.ManifestName), res.ManifestBytes)
	write(t, filepath.Join(dir, "rounds", "02", site.DisclosureName), res.DisclosureBytes)
	write(t, filepath.Join(dir, "rounds", "02", site.TargetedName), res.TargetedBytes)
	return dir
}

func write(t *testing.T, path string, b []byte) {
	t.Helper()
	require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
	require.NoError(t, os.WriteFile(path, b, 0o644))
}

// buildSite writes the site of the workspace in ws.
func buildSite(t *testing.T, ws string) string {
	t.Helper()
	w, err := site.Read(ws)
	require.NoError(t, err)
	out := t.TempDir()
	require.NoError(t, site.Write(w, out, verifierFiles(t)))
	return out
}

// visit opens url, waits for the verifier's verdict and screenshots the
// page into the test's artifact directory as name. It returns the
// verdict's state and the listed problems.
func visit(t *testing.T, url, name string) (state, problems string, b *browser) {
	t.Helper()
	b = startBrowser(t, chromiumPath(t))
	b.must(t, b.session, "Page.navigate", map[string]any{"url": url}, nil)
	deadline := time.Now().Add(5 * time.Minute) // bounds a stuck page on a loaded machine; not a speed assertion
	for time.Now().Before(deadline) {
		state = b.eval(t, `(document.getElementById("verdict")||{dataset:{}}).dataset.state||""`)
		if state == "verified" || state == "failed" || state == "error" {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	problems = b.eval(t, `document.getElementById("problems").textContent`)
	t.Logf("%s: %s, %s after load: %s", name, state, b.eval(t, `document.getElementById("verdict").dataset.ms+" ms"`), problems)
	shoot(t, b, name)
	require.Empty(t, b.errors(), "console errors")
	return state, problems, b
}

// shoot screenshots the page into the test's artifact directory (and
// -browser.out) as name.png.
func shoot(t *testing.T, b *browser, name string) {
	t.Helper()
	path := filepath.Join(t.ArtifactDir(), name+".png")
	b.screenshot(t, path)
	if *browserOut != "" {
		png, err := os.ReadFile(path)
		require.NoError(t, err)
		write(t, filepath.Join(*browserOut, name+".png"), png)
	}
}

// serve serves dir over HTTP on localhost.
func serve(t *testing.T, dir string) string {
	t.Helper()
	srv := httptest.NewServer(http.FileServer(http.Dir(dir)))
	t.Cleanup(srv.Close)
	return srv.URL + "/index.html"
}

func TestBrowserVerifiesUntouchedSite(t *testing.T) {
	chromiumPath(t)
	out := buildSite(t, workspace(t, false))
	for _, c := range []struct{ name, url string }{
		{"untouched-file", "file://" + filepath.Join(out, "index.html")},
		{"untouched-http", serve(t, out)},
	} {
		t.Run(c.name, func(t *testing.T) {
			state, problems, b := visit(t, c.url, c.name)
			require.Equal(t, "verified", state, problems)
			// A phone's width: the page reflows to one column.
			b.must(t, b.session, "Emulation.setDeviceMetricsOverride",
				map[string]any{"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": true}, nil)
			require.Equal(t, "390", b.eval(t, `String(document.documentElement.clientWidth)`))
			require.Equal(t, "true", b.eval(t, `String(document.documentElement.scrollWidth <= 390)`), "no horizontal scrolling on a phone")
			shoot(t, b, c.name+"-phone")
		})
	}
}

func TestBrowserNamesChangedTask(t *testing.T) {
	chromiumPath(t)
	ws := workspace(t, false)
	path := filepath.Join(ws, "rounds", "02", site.DisclosureName)
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	d, err := schedule.ParseDisclosure(b)
	require.NoError(t, err)
	require.NotEmpty(t, d.Tasks)
	task := &d.Tasks[len(d.Tasks)/2]
	task.Date = d.Round.Last + 1 // one day after the round: not a date the draw can give
	changed, err := d.MarshalCanonical()
	require.NoError(t, err)
	write(t, path, changed)

	state, problems, _ := visit(t, serve(t, buildSite(t, ws)), "changed-task")
	require.Equal(t, "failed", state)
	require.Contains(t, problems, "disclosure hashes to")
	require.Contains(t, problems, `task of unit "`+task.Unit+`"`)
	// The same problems in Chinese, the page's first language.
	require.Contains(t, problems, "公示文件在登记后被改动")
	require.Contains(t, problems, `单位 "`+task.Unit+`" 的任务`)
}

func TestBrowserNamesBrokenLogEntry(t *testing.T) {
	chromiumPath(t)
	ws := workspace(t, false)
	path := filepath.Join(ws, site.LogName)
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	lines := bytes.SplitAfter(b, []byte("\n"))
	require.Greater(t, len(lines), 4)
	// Entry 2 is re-timed by one second: still a canonical entry, but
	// entry 3's prev no longer is its hash.
	lines[2] = bytes.Replace(lines[2], []byte(`:00Z"`), []byte(`:01Z"`), 1)
	write(t, path, bytes.Join(lines, nil))

	state, problems, _ := visit(t, serve(t, buildSite(t, ws)), "broken-log")
	require.Equal(t, "failed", state)
	require.Contains(t, problems, "entry 3: prev does not match the hash of entry 2")
	require.True(t, strings.Contains(problems, "public log"), problems)
	require.Contains(t, problems, "第 3 条日志：prev 与第 2 条日志的哈希不符：哈希链断裂")
}

var benchSite = flag.String("browser.site", "", "the site `DIR` BenchmarkBrowserVerifySite opens (e.g. built from a 10^5-unit gencity city)")

// BenchmarkBrowserVerifySite measures, in headless chromium, the time
// from the start of the page's load to the verifier's verdict on the site
// given by -browser.site (served over HTTP on localhost), and reports it
// as ms-to-verdict with the units drawn from.
//
//	go test ./examples/site -run '^$' -bench BrowserVerifySite -benchtime 1x -browser.site SITE
func BenchmarkBrowserVerifySite(b *testing.B) {
	if *benchSite == "" {
		b.Skip("no -browser.site")
	}
	b.ReportAllocs()
	for b.Loop() {
		ms, units := measure(b, *benchSite)
		b.ReportMetric(ms, "ms-to-verdict")
		b.ReportMetric(units, "units")
	}
}

// measure opens site/index.html from a local server and returns the
// verdict's data-ms (performance.now() at the verdict) and the units.
func measure(b *testing.B, dir string) (ms, units float64) {
	srv := httptest.NewServer(http.FileServer(http.Dir(dir)))
	defer srv.Close()
	chromium, err := exec.LookPath("chromium")
	if err != nil {
		b.Skip("chromium is not installed")
	}
	br := startBrowser(b, chromium)
	br.must(b, br.session, "Performance.enable", map[string]any{}, nil)
	br.must(b, br.session, "Page.navigate", map[string]any{"url": srv.URL + "/index.html"}, nil)
	for deadline := time.Now().Add(10 * time.Minute); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if state := br.eval(b, `(document.getElementById("verdict")||{dataset:{}}).dataset.state||""`); state == "verified" || state == "failed" || state == "error" {
			if state != "verified" {
				b.Fatalf("verdict %s: %s", state, br.eval(b, `document.getElementById("problems").textContent`))
			}
			break
		}
	}
	s := br.eval(b, `document.getElementById("verdict").dataset.ms`)
	u := br.eval(b, `String(JSON.parse(FIREDRAW_FILES[FIREDRAW_ROUNDS[0]+"/disclosure.json"]).unit_count)`)
	r := br.eval(b, `document.getElementById("verdict").dataset.readyMs`)
	var perf struct {
		Metrics []struct {
			Name  string  `json:"name"`
			Value float64 `json:"value"`
		} `json:"metrics"`
	}
	br.must(b, br.session, "Performance.getMetrics", map[string]any{}, &perf)
	busy := map[string]float64{}
	for _, m := range perf.Metrics {
		busy[m.Name] = m.Value
	}
	// TaskDuration is the page's main-thread busy time (seconds), which a
	// loaded machine stretches less than the wall clock.
	b.ReportMetric(busy["TaskDuration"]*1000, "ms-main-thread-busy")
	b.Logf("verdict at %s ms after the start of the load (verifier ready at %s ms), %s units; main thread busy %.0f ms, script %.0f ms",
		s, r, u, busy["TaskDuration"]*1000, busy["ScriptDuration"]*1000)
	fmt.Sscan(s, &ms)
	fmt.Sscan(u, &units)
	return ms, units
}
