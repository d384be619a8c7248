package alert_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/firedraw/firedraw/risk"
	"github.com/firedraw/firedraw/risk/alert"
)

// TestEarlyWarningNumbered: on the random logs and Configs of
// TestEarlyWarningReference, numbering the devices (risk.NumberDevices)
// gives the report of the reference implementation and of the events
// without numbers, and takes the numbered path.
func TestEarlyWarningNumbered(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	var e, plain alert.Evaluator
	for i := range 40 {
		units, n := 1+r.IntN(40), 1+r.IntN(400)
		if i%10 == 0 { // many buckets
			units, n = 2000, 30000+r.IntN(20000)
		}
		tel := refLog(r, units, n, i%2 == 0, i%3 != 0)
		e.Config = refConfigRandom(r)
		plain.Config = e.Config
		want, err := plain.Evaluate(tel, nil, asOf)
		require.NoError(t, err)
		require.Equal(t, refEvaluate(tel, nil, asOf, e.Config), want.Alerts)
		num := slices.Clone(tel)
		risk.NumberDevices(num)
		got, err := e.Evaluate(num, nil, asOf)
		require.NoError(t, err)
		require.Equal(t, want, got, "log %d", i)
		if want.Late < len(tel) {
			assert.True(t, alert.TakesNumberedPath(&e, num, asOf), "log %d", i)
		}
	}
}

// TestEarlyWarningNumberedHints: wrong device numbers never change the
// report: numbers shared by pairs, several numbers for one pair, some
// wrong, out of range or missing all give the report of the events
// without numbers (by the path by IDs), and so do fresh ID strings.
func TestEarlyWarningNumberedHints(t *testing.T) {
	for _, tc := range []struct {
		name     string
		hint     func(r *rand.Rand, e *risk.TelemetryEvent)
		numbered bool // the numbered path is still taken
	}{
		{"right", func(*rand.Rand, *risk.TelemetryEvent) {}, true},
		{"fresh ID strings", func(_ *rand.Rand, e *risk.TelemetryEvent) {
			e.UnitID, e.DeviceID = strings.Clone(e.UnitID), strings.Clone(e.DeviceID)
		}, true},
		{"shared by pairs", func(r *rand.Rand, e *risk.TelemetryEvent) { e.Device = 1 + uint32(r.IntN(2)) }, false},
		{"several per pair", func(r *rand.Rand, e *risk.TelemetryEvent) {
			if r.IntN(5) == 0 {
				e.Device += 1000
			}
		}, false},
		{"some wrong", func(r *rand.Rand, e *risk.TelemetryEvent) {
			if r.IntN(20) == 0 {
				e.Device = 1 + uint32(r.IntN(int(e.Device)))
			}
		}, false},
		{"out of range", func(r *rand.Rand, e *risk.TelemetryEvent) {
			if r.IntN(20) == 0 {
				e.Device = math.MaxUint32
			}
		}, false},
		{"some missing", func(r *rand.Rand, e *risk.TelemetryEvent) {
			if r.IntN(20) == 0 {
				e.Device = 0
			}
		}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(11, 12))
			var e alert.Evaluator
			for i := range 20 {
				units, n := 1+r.IntN(40), 200+r.IntN(400)
				if i%5 == 0 {
					units, n = 2000, 30000
				}
				tel := refLog(r, units, n, i%2 == 0, true)
				e.Config = refConfigRandom(r)
				want, err := alert.Evaluate(tel, nil, asOf, e.Config)
				require.NoError(t, err)
				num := slices.Clone(tel)
				risk.NumberDevices(num)
				for j := range num {
					tc.hint(r, &num[j])
				}
				got, err := e.Evaluate(num, nil, asOf)
				require.NoError(t, err)
				require.Equal(t, want, got, "log %d", i)
				if tc.numbered {
					assert.True(t, alert.TakesNumberedPath(&e, num, asOf), "log %d", i)
				}
			}
		})
	}
}

// TestEarlyWarningNumberedCrafted: one pair under two numbers (each half
// of its faults below the repeat threshold, together above it) and two
// pairs under one number give the alerts of the events without numbers,
// as do the errors of bad events.
func TestEarlyWarningNumberedCrafted(t *testing.T) {
	fault := func(unit, dev string, num uint32, h int) risk.TelemetryEvent {
		return risk.TelemetryEvent{UnitID: unit, DeviceID: dev, Device: num, Kind: risk.Fault, DeviceType: risk.SmokeDetector,
			Time: asOf.Add(-time.Duration(h) * time.Hour)}
	}
	restored := func(e risk.TelemetryEvent) risk.TelemetryEvent {
		e.Kind, e.Time = risk.Restored, e.Time.Add(time.Minute)
		return e
	}
	var split, merged []risk.TelemetryEvent
	for h := 10; h > 0; h-- { // 10 faults, each restored
		num := uint32(1 + h%2)
		split = append(split, fault("U1", "D1", num, h), restored(fault("U1", "D1", num, h)))
		merged = append(merged, fault("U1", fmt.Sprint("D", num), 1, h), restored(fault("U1", fmt.Sprint("D", num), 1, h)))
	}
	for _, tc := range []struct {
		name string
		tel  []risk.TelemetryEvent
	}{
		{"one pair, two numbers", split},
		{"two pairs, one number", merged},
		{"bad kind", append(slices.Clone(split), risk.TelemetryEvent{UnitID: "U1", DeviceID: "D1", Device: 1, Kind: 99, Time: asOf.Add(-time.Hour)})},
		{"empty device ID", append(slices.Clone(split), risk.TelemetryEvent{UnitID: "U1", Device: 1, Time: asOf.Add(-time.Hour)})},
	} {
		t.Run(tc.name, func(t *testing.T) {
			plain := slices.Clone(tc.tel)
			for i := range plain {
				plain[i].Device = 0
			}
			want, wantErr := alert.Evaluate(plain, nil, asOf, alert.Config{})
			got, gotErr := alert.Evaluate(tc.tel, nil, asOf, alert.Config{})
			assert.Equal(t, wantErr, gotErr)
			assert.Equal(t, want, got)
			if wantErr == nil {
				assert.NotEmpty(t, want.Alerts)
			}
		})
	}
}
