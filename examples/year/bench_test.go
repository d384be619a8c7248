package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"text/tabwriter"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/firedraw/firedraw/risk/synthcity"
)

// The environment that switches BenchmarkYear on and sizes it.
const (
	envUnits       = "FIREDRAW_YEAR_UNITS"        // units of the synthetic city (unset: skipped)
	envNoTelemetry = "FIREDRAW_YEAR_NO_TELEMETRY" // "1": a city without telemetry
	envSnapshots   = "FIREDRAW_YEAR_SNAPSHOTS"    // the workspace's snapshots.mode (default: copy)
	envLog         = "FIREDRAW_YEAR_LOG"          // a file to append each command's cost to as it runs
)

// timeBin is GNU time, which reports a command's peak RSS.
const timeBin = "/usr/bin/time"

// stepCost is what one command of the year cost, as GNU time -v reports it.
type stepCost struct {
	step      string
	wall, cpu time.Duration
	maxRSSKiB int64
}

// measuredRun runs the built program under GNU time -v and keeps the
// cost of every command.
type measuredRun struct {
	*yearRun
	costs []stepCost
}

func (y *measuredRun) must(now time.Time, args ...string) string {
	y.t.Helper()
	out := filepath.Join(y.t.TempDir(), "time.txt")
	full := append([]string{"-v", "-o", out, y.bin, args[0], "-ws", y.ws, "-now", now.UTC().Format(time.RFC3339)}, args[1:]...)
	start := time.Now()
	msg, err := exec.Command(timeBin, full...).CombinedOutput()
	wall := time.Since(start)
	require.NoError(y.t, err, "year %s: %s", strings.Join(args, " "), msg)
	c := parseTimeV(y.t, out)
	c.step, c.wall = args[0], wall
	y.costs = append(y.costs, c)
	if name := os.Getenv(envLog); name != "" { // the costs so far survive a run stopped early
		f, err := os.OpenFile(name, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
		require.NoError(y.t, err)
		fmt.Fprintf(f, "%s\t%s\twall %.1f s\tCPU %.1f s\tpeak RSS %d MiB\tload %s\n",
			time.Now().UTC().Format(time.TimeOnly), strings.Join(args, " "), wall.Seconds(), c.cpu.Seconds(), c.maxRSSKiB/1024, loadAvg())
		require.NoError(y.t, f.Close())
	}
	return string(msg)
}

// parseTimeV reads GNU time -v's user, system and peak RSS lines.
func parseTimeV(t testing.TB, path string) stepCost {
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	var c stepCost
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		k, v, ok := strings.Cut(strings.TrimSpace(sc.Text()), ": ")
		if !ok {
			continue
		}
		switch k {
		case "User time (seconds)", "System time (seconds)":
			s, err := strconv.ParseFloat(v, 64)
			require.NoError(t, err)
			c.cpu += time.Duration(s * float64(time.Second))
		case "Maximum resident set size (kbytes)":
			c.maxRSSKiB, err = strconv.ParseInt(v, 10, 64)
			require.NoError(t, err)
		}
	}
	return c
}

// BenchmarkYear runs a whole year — init; for each of 12 monthly rounds
// manifest, commit, reveal, dice, draw, with round n−2's results recorded
// and published before round n's manifest and the record files grown by
// a month after each draw; the last results, publish, status, verify,
// estimate — through the built program, on a synthetic city of
// $FIREDRAW_YEAR_UNITS units (skipped when unset), as
// TestYear2026DefaultCity does. Every command runs under GNU time -v; it
// logs the wall time, CPU time (user + system) and peak RSS per kind of
// step and in total, and the load average before and after (the machine
// may be shared). Run it once:
//
//	FIREDRAW_YEAR_UNITS=1000000 FIREDRAW_YEAR_NO_TELEMETRY=1 FIREDRAW_YEAR_SNAPSHOTS=digest \
//	  go test ./examples/year -run '^$' -bench 'Year' -benchtime 1x -timeout 3h -v
func BenchmarkYear(b *testing.B) {
	units, err := strconv.Atoi(os.Getenv(envUnits))
	if err != nil || units <= 0 {
		b.Skipf("set %s to the number of units (5000 is the default city) to run a whole year", envUnits)
	}
	if _, err := os.Stat(timeBin); err != nil {
		b.Skipf("%s (GNU time) is needed for the peak RSS", timeBin)
	}
	name := fmt.Sprintf("units=%d,telemetry=%v,snapshots=%s", units, os.Getenv(envNoTelemetry) != "1", snapshotMode())
	b.Run(name, func(b *testing.B) {
		for b.Loop() {
			runYear(b, units)
		}
	})
}

func snapshotMode() string {
	if m := os.Getenv(envSnapshots); m != "" {
		return m
	}
	return "copy"
}

// runYear runs one measured year and logs its costs.
func runYear(b *testing.B, units int) {
	tmp := b.TempDir()
	bin := buildYear(b, tmp)
	load0 := loadAvg()
	genStart := time.Now()
	cfg := synthcity.Config{Units: units, Seed: synthcity.DefaultSeed, AsOf: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
		NoTelemetry: os.Getenv(envNoTelemetry) == "1"}
	city, err := synthcity.Generate(cfg)
	require.NoError(b, err)
	files := writeCity(b, tmp, city)
	b.Logf("city of %d units, %d telemetry events, %d inspections, %d inspectors generated and written in %s (not counted)",
		len(city.Units), len(city.Telemetry), len(city.Inspections), len(city.Inspectors), time.Since(genStart).Round(time.Second))
	cfgPath := writeConfig(b, tmp, files)
	if m := snapshotMode(); m != "copy" {
		c, err := os.ReadFile(cfgPath)
		require.NoError(b, err)
		c = bytes.Replace(c, []byte(`"csv_bom": true}`), []byte(`"csv_bom": true}, "snapshots": {"mode": "`+m+`"}`), 1)
		require.NoError(b, os.WriteFile(cfgPath, c, 0o644))
	}
	y := &measuredRun{yearRun: &yearRun{t: b, bin: bin, ws: filepath.Join(tmp, "ws")}}
	b.ResetTimer()
	y.must(time.Date(2025, 12, 1, 9, 0, 0, 0, time.UTC), "init", "-config", cfgPath)
	for n := 1; n <= 12; n++ {
		start := time.Date(2026, time.Month(n), 1, 0, 0, 0, 0, time.UTC)
		at := func(days, hours int) time.Time {
			return start.AddDate(0, 0, -days).Add(time.Duration(hours) * time.Hour)
		}
		if n >= 3 {
			res := filepath.Join(tmp, fmt.Sprintf("results-%02d.csv", n-2))
			writeResults(b, y.ws, n-2, city, res)
			y.must(at(7, 1), "record", "-round", fmt.Sprint(n-2), "-results", res)
			y.must(at(7, 2), "publish")
		}
		y.must(at(6, 0), "manifest", "-round", fmt.Sprint(n))
		y.must(at(6, 1), "contribute", "-round", fmt.Sprint(n), "-step", "commit")
		y.must(at(4, 0), "contribute", "-round", fmt.Sprint(n), "-step", "reveal")
		y.must(at(3, 2), "contribute", "-round", fmt.Sprint(n), "-step", "dice")
		y.must(at(3, 3), "draw", "-round", fmt.Sprint(n))
		b.StopTimer()
		grow(b, files, city, time.Month(n))
		b.StartTimer()
	}
	end := time.Date(2027, 1, 5, 9, 0, 0, 0, time.UTC)
	for n := 11; n <= 12; n++ {
		res := filepath.Join(tmp, fmt.Sprintf("results-%02d.csv", n))
		writeResults(b, y.ws, n, city, res)
		y.must(end, "record", "-round", fmt.Sprint(n), "-results", res)
	}
	y.must(end, "publish")
	y.must(end, "status")
	y.must(end, "verify")
	y.must(end, "estimate", "-indicator", "major")
	b.Logf("load average before: %s; after: %s", load0, loadAvg())
	b.Log("\n" + costTable(y.costs))
}

// costTable sums the costs per kind of step, in the order first run.
func costTable(costs []stepCost) string {
	var order []string
	sum := map[string]*stepCost{}
	count := map[string]int{}
	var total stepCost
	for _, c := range costs {
		if sum[c.step] == nil {
			sum[c.step] = &stepCost{step: c.step}
			order = append(order, c.step)
		}
		s := sum[c.step]
		s.wall += c.wall
		s.cpu += c.cpu
		s.maxRSSKiB = max(s.maxRSSKiB, c.maxRSSKiB)
		count[c.step]++
		total.wall += c.wall
		total.cpu += c.cpu
		total.maxRSSKiB = max(total.maxRSSKiB, c.maxRSSKiB)
	}
	var b strings.Builder
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "step\truns\twall s\tCPU s\tpeak RSS MiB\t")
	for _, k := range slices.Clip(order) {
		s := sum[k]
		fmt.Fprintf(tw, "%s\t%d\t%.1f\t%.1f\t%d\t\n", k, count[k], s.wall.Seconds(), s.cpu.Seconds(), s.maxRSSKiB/1024)
	}
	fmt.Fprintf(tw, "total\t%d\t%.1f\t%.1f\t%d\t\n", len(costs), total.wall.Seconds(), total.cpu.Seconds(), total.maxRSSKiB/1024)
	tw.Flush()
	return b.String()
}

// loadAvg returns the 1-, 5- and 15-minute load averages.
func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}
