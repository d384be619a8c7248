package risk

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestMain makes Extract take the numbered path for logs grouped by
// device too, so that the tests compare both paths on every log.
func TestMain(m *testing.M) {
	numberedGrouped = true
	os.Exit(m.Run())
}

// TestExtractNumberedGrouped checks that Extract takes the path by IDs
// for a numbered log grouped by device, with the same table.
func TestExtractNumberedGrouped(t *testing.T) {
	asOf := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	rec := numbered(benchTelemetry(100, 20000, asOf, true))
	assert.True(t, grouped(rec.Telemetry))
	assert.False(t, grouped(numbered(benchTelemetry(100, 20000, asOf, false)).Telemetry))
	want, err := Extract(rec, asOf, FeatureConfig{})
	require.NoError(t, err)
	numberedGrouped = false
	defer func() { numberedGrouped = true }()
	got, err := Extract(rec, asOf, FeatureConfig{})
	require.NoError(t, err)
	assert.Equal(t, want.X, got.X)
}

// numbered returns a copy of the events of rec numbered by NumberDevices.
func numbered(rec *Records) *Records {
	out := &Records{Units: rec.Units, Telemetry: slices.Clone(rec.Telemetry)}
	NumberDevices(out.Telemetry)
	return out
}

// TestExtractNumberedRandom checks that numbered events give the table of
// the same events without numbers, bit for bit, on random logs (shared
// and copied ID strings, one device ID in two units, events out of time
// order, before the window and after asOf), in one round or in rounds,
// and that the numbered path is taken.
func TestExtractNumberedRandom(t *testing.T) {
	asOf := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	taken := 0
	for seed := range uint64(150) {
		r := rand.New(rand.NewPCG(seed, 17))
		rec := randomTelemetry(r, asOf)
		cfg := FeatureConfig{TelemetryWindow: time.Duration(1+r.IntN(800)) * 24 * time.Hour}
		want, err := Extract(rec, asOf, cfg)
		require.NoError(t, err)
		num := numbered(rec)
		for _, n := range []int{math.MaxInt, 1, 7, 1000} {
			withRoundEvents(t, n, func() {
				got, err := Extract(num, asOf, cfg)
				require.NoError(t, err)
				require.Equal(t, want.X, got.X, "seed %d, rounds of %d events", seed, n)
				if aggregateNumbered(num.Telemetry, num.Units, unitIndex(num.Units), asOf, cfg.window()) != nil {
					taken++
				}
			})
		}
	}
	// Every non-empty log takes the numbered path.
	assert.Greater(t, taken, 4*140)
}

// TestExtractNumberedHints checks that wrong numbers never change the
// table: numbers shared by several pairs, several numbers for one pair,
// some numbers wrong, numbers out of range or missing all give the table
// of the events without numbers (by the path by IDs), as do numbers of
// events whose IDs are fresh copies.
func TestExtractNumberedHints(t *testing.T) {
	asOf := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name     string
		hint     func(r *rand.Rand, e *TelemetryEvent)
		numbered bool // the numbered path is still taken
	}{
		{"right", func(*rand.Rand, *TelemetryEvent) {}, true},
		{"fresh ID strings", func(_ *rand.Rand, e *TelemetryEvent) {
			e.UnitID, e.DeviceID = strings.Clone(e.UnitID), strings.Clone(e.DeviceID)
		}, true},
		{"shared by pairs", func(r *rand.Rand, e *TelemetryEvent) { e.Device = 1 + uint32(r.IntN(2)) }, false},
		{"several per pair", func(r *rand.Rand, e *TelemetryEvent) {
			if r.IntN(5) == 0 {
				e.Device += 1000
			}
		}, false},
		{"some wrong", func(r *rand.Rand, e *TelemetryEvent) {
			if r.IntN(20) == 0 {
				e.Device = 1 + uint32(r.IntN(int(e.Device)))
			}
		}, false},
		{"out of range", func(r *rand.Rand, e *TelemetryEvent) {
			if r.IntN(20) == 0 {
				e.Device = math.MaxUint32
			}
		}, false},
		{"some missing", func(r *rand.Rand, e *TelemetryEvent) {
			if r.IntN(20) == 0 {
				e.Device = 0
			}
		}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for seed := range uint64(60) {
				r := rand.New(rand.NewPCG(seed, 13))
				rec := randomTelemetry(r, asOf)
				if len(rec.Telemetry) < 100 {
					continue
				}
				cfg := FeatureConfig{TelemetryWindow: time.Duration(1+r.IntN(800)) * 24 * time.Hour}
				want, err := Extract(rec, asOf, cfg)
				require.NoError(t, err)
				num := numbered(rec)
				for i := range num.Telemetry {
					tc.hint(r, &num.Telemetry[i])
				}
				changed := slices.ContainsFunc(num.Telemetry, func(e TelemetryEvent) bool { return e.Device != num.Telemetry[0].Device })
				for _, n := range []int{math.MaxInt, 7} {
					withRoundEvents(t, n, func() {
						got, err := Extract(num, asOf, cfg)
						require.NoError(t, err)
						require.Equal(t, want.X, got.X, "seed %d, rounds of %d events", seed, n)
						a := aggregateNumbered(num.Telemetry, num.Units, unitIndex(num.Units), asOf, cfg.window())
						if tc.numbered || !changed {
							assert.NotNil(t, a, "seed %d", seed)
						}
					})
				}
			}
		})
	}
}

// TestExtractNumberedLargeUnit checks a unit of 40 devices (its device
// IDs are compared through a map) with one pair under two numbers: the
// numbered path gives up, and the table is that of the events without
// numbers; with right numbers the path is taken.
func TestExtractNumberedLargeUnit(t *testing.T) {
	asOf := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	rec := &Records{Units: []Unit{{ID: "U0"}, {ID: "U1"}}}
	kinds := EventKinds()
	for i := range 400 {
		rec.Telemetry = append(rec.Telemetry, TelemetryEvent{UnitID: "U1", DeviceID: fmt.Sprint("D", i%40),
			Time: asOf.Add(-time.Duration(400-i) * time.Hour), Kind: kinds[i%len(kinds)]})
	}
	want, err := Extract(rec, asOf, FeatureConfig{})
	require.NoError(t, err)
	for _, tc := range []struct {
		name  string
		spoil bool
	}{{"right numbers", false}, {"one pair, two numbers", true}} {
		t.Run(tc.name, func(t *testing.T) {
			num := numbered(rec)
			if tc.spoil {
				num.Telemetry[len(num.Telemetry)-1].Device = 41 // D39 is 40
			}
			got, err := Extract(num, asOf, FeatureConfig{})
			require.NoError(t, err)
			assert.Equal(t, want.X, got.X)
			a := aggregateNumbered(num.Telemetry, num.Units, unitIndex(num.Units), asOf, FeatureConfig{}.window())
			assert.Equal(t, tc.spoil, a == nil)
		})
	}
}

// TestExtractNumberedErrors checks that numbered logs report the errors
// of unnumbered ones: an unknown unit, a bad kind or device type.
func TestExtractNumberedErrors(t *testing.T) {
	asOf := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name  string
		spoil func(e *TelemetryEvent)
	}{
		{"unknown unit", func(e *TelemetryEvent) { e.UnitID = "nobody" }},
		{"bad kind", func(e *TelemetryEvent) { e.Kind = numEventKinds }},
		{"bad device type", func(e *TelemetryEvent) { e.DeviceType = numDeviceTypes + 3 }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := numbered(benchTelemetry(50, 3000, asOf, false))
			spoilt := &Records{Units: rec.Units, Telemetry: slices.Clone(rec.Telemetry)}
			tc.spoil(&spoilt.Telemetry[1234])
			plain := &Records{Units: rec.Units, Telemetry: slices.Clone(spoilt.Telemetry)}
			for i := range plain.Telemetry {
				plain.Telemetry[i].Device = 0
			}
			_, want := Extract(plain, asOf, FeatureConfig{})
			require.Error(t, want)
			_, got := Extract(spoilt, asOf, FeatureConfig{})
			assert.Equal(t, want, got)
		})
	}
}

// TestNumberDevices checks the numbers: 1, 2, … by first appearance of
// the (unit, device) pair, whatever the halves, with shared strings.
func TestNumberDevices(t *testing.T) {
	ev := []TelemetryEvent{
		{UnitID: "U1", DeviceID: "A"}, {UnitID: "U2", DeviceID: "A"}, {UnitID: "U1", DeviceID: "A"},
		{UnitID: "U1", DeviceID: "B"}, {UnitID: "U2", DeviceID: strings.Clone("A")}, {UnitID: "U3", DeviceID: "C"},
		{UnitID: "U1", DeviceID: "B"},
	}
	assert.Equal(t, 4, NumberDevices(ev))
	var got []uint32
	for _, e := range ev {
		got = append(got, e.Device)
	}
	assert.Equal(t, []uint32{1, 2, 1, 3, 2, 4, 3}, got)
	assert.Equal(t, 0, NumberDevices(nil))
	r := rand.New(rand.NewPCG(5, 5))
	for range 20 {
		ev := randomTelemetry(r, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)).Telemetry
		n := NumberDevices(ev)
		first := map[[2]string]uint32{}
		for _, e := range ev {
			k := [2]string{e.UnitID, e.DeviceID}
			if first[k] == 0 {
				first[k] = uint32(len(first) + 1)
			}
			require.Equal(t, first[k], e.Device)
		}
		require.Len(t, first, n)
	}
}

// BenchmarkNumberDevices numbers a time-ordered log of 10⁶ devices:
//
//	go test ./risk -run '^$' -bench 'NumberDevices/events=1e7' -benchtime 3x
func BenchmarkNumberDevices(b *testing.B) {
	asOf := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, n := range []int{1e6, 1e7} {
		b.Run("events="+benchSize(n), func(b *testing.B) {
			rec := benchTelemetry(n/100, n, asOf, false)
			runtime.GC()
			b.ReportAllocs()
			b.ResetTimer()
			cpu := cpuTime()
			for range b.N {
				NumberDevices(rec.Telemetry)
			}
			if c := cpuTime() - cpu; c > 0 {
				b.ReportMetric(c.Seconds()/float64(b.N), "cpu-s/op")
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
		})
	}
}
