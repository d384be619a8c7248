package risk

import (
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// randomTelemetry returns units and telemetry events drawn from r to
// exercise the telemetry aggregation: device IDs shared by the events of
// a device or copied per event, the same device ID in two units, IDs too
// long for a string token, equal times, events before the window and at
// or after asOf, and a log in time order (sorted), grouped by device
// or shuffled, with some devices out of time order.
func randomTelemetry(r *rand.Rand, asOf time.Time) *Records {
	nu := 1 + r.IntN(40)
	rec := &Records{Units: make([]Unit, nu)}
	type dev struct {
		unit int
		id   string
		typ  DeviceType
	}
	var devs []dev
	shared := []string{"D1", "D2", strings.Repeat("L", 300)}
	for u := range rec.Units {
		rec.Units[u].ID = fmt.Sprintf("U%03d", u)
		for d := 0; d < 1+r.IntN(6); d++ {
			id := fmt.Sprintf("%s-D%d", rec.Units[u].ID, d)
			switch r.IntN(8) {
			case 0: // the same string in several units
				id = shared[r.IntN(len(shared))]
			case 1: // too long for a token
				id = strings.Repeat("x", 260) + id
			}
			devs = append(devs, dev{u, id, DeviceType(r.IntN(int(numDeviceTypes)))})
		}
	}
	// Duplicate device IDs within a unit are one device: drop them.
	seen := map[[2]string]bool{}
	devs = slices.DeleteFunc(devs, func(d dev) bool {
		k := [2]string{rec.Units[d.unit].ID, d.id}
		if seen[k] {
			return true
		}
		seen[k] = true
		return false
	})
	freshUnits, freshDevs := r.IntN(4) == 0, r.IntN(4) == 0
	n := r.IntN(3000)
	span := time.Duration(1+r.IntN(3*365)) * 24 * time.Hour
	start := asOf.Add(-span)
	kinds := EventKinds()
	rec.Telemetry = make([]TelemetryEvent, n)
	for e := range rec.Telemetry {
		d := devs[r.IntN(len(devs))]
		t := start.Add(time.Duration(r.Int64N(int64(span) + int64(48*time.Hour))))
		if r.IntN(10) == 0 { // equal times
			t = start.Add(time.Duration(r.IntN(5)) * time.Hour)
		}
		uid, did := rec.Units[d.unit].ID, d.id
		if freshUnits || r.IntN(50) == 0 {
			uid = strings.Clone(uid)
		}
		if freshDevs || r.IntN(50) == 0 {
			did = strings.Clone(did)
		}
		typ := d.typ
		if r.IntN(20) == 0 {
			typ = DeviceType(r.IntN(int(numDeviceTypes)))
		}
		rec.Telemetry[e] = TelemetryEvent{UnitID: uid, DeviceID: did, DeviceType: typ, Time: t,
			Kind: kinds[r.IntN(len(kinds))]}
	}
	switch r.IntN(3) {
	case 0: // time order (ties by kind), a few swaps
		slices.SortStableFunc(rec.Telemetry, func(x, y TelemetryEvent) int {
			if c := x.Time.Compare(y.Time); c != 0 {
				return c
			}
			return int(x.Kind) - int(y.Kind)
		})
		for k := r.IntN(3); k > 0 && n > 1; k-- {
			i, j := r.IntN(n), r.IntN(n)
			rec.Telemetry[i], rec.Telemetry[j] = rec.Telemetry[j], rec.Telemetry[i]
		}
	case 1: // grouped by device, in time order (ties by kind)
		slices.SortStableFunc(rec.Telemetry, func(x, y TelemetryEvent) int {
			if c := strings.Compare(x.UnitID, y.UnitID); c != 0 {
				return c
			}
			if c := strings.Compare(x.DeviceID, y.DeviceID); c != 0 {
				return c
			}
			if c := x.Time.Compare(y.Time); c != 0 {
				return c
			}
			return int(x.Kind) - int(y.Kind)
		})
	}
	return rec
}

// withRoundEvents runs f with rounds of n events.
func withRoundEvents(t *testing.T, n int, f func()) {
	t.Helper()
	old := telRoundEvents
	telRoundEvents = n
	defer func() { telRoundEvents = old }()
	f()
}

// TestExtractTelemetryRounds checks that aggregating telemetry in rounds,
// tiny ones included, gives the table of one round, bit for bit, on
// random logs: shared and copied ID strings, the same device ID in two
// units, IDs too long for a token, events before the window and after
// asOf, devices out of time order (the rounds then start again in one
// round).
func TestExtractTelemetryRounds(t *testing.T) {
	asOf := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	inRounds := 0
	for seed := range uint64(150) {
		r := rand.New(rand.NewPCG(seed, 11))
		rec := randomTelemetry(r, asOf)
		cfg := FeatureConfig{TelemetryWindow: time.Duration(1+r.IntN(800)) * 24 * time.Hour}
		var want *Table
		withRoundEvents(t, math.MaxInt, func() {
			var err error
			want, err = Extract(rec, asOf, cfg)
			require.NoError(t, err)
		})
		for _, n := range []int{1, 7, 100, 1000} {
			withRoundEvents(t, n, func() {
				got, err := Extract(rec, asOf, cfg)
				require.NoError(t, err)
				require.Equal(t, want.X, got.X, "seed %d, rounds of %d events", seed, n)
				a, err := aggregateTelemetry(rec.Telemetry, rec.Units, unitIndex(rec.Units), asOf, cfg.window())
				require.NoError(t, err)
				if a.rounds > 1 {
					inRounds++
				}
			})
		}
	}
	// Most logs have a device out of order, but not all.
	assert.Greater(t, inRounds, 100)
}

func unitIndex(units []Unit) map[string]int32 {
	index := make(map[string]int32, len(units))
	for i, u := range units {
		index[u.ID] = int32(i)
	}
	return index
}

// TestExtractTelemetryRoundsErrors checks that rounds report the errors
// of the first bad event, whichever round finds it.
func TestExtractTelemetryRoundsErrors(t *testing.T) {
	asOf := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name string
		edit func(e *TelemetryEvent)
		err  error
	}{
		{"kind", func(e *TelemetryEvent) { e.Kind = numEventKinds }, ErrBadEnum},
		{"device type", func(e *TelemetryEvent) { e.DeviceType = numDeviceTypes + 3 }, ErrBadEnum},
		{"unit", func(e *TelemetryEvent) { e.UnitID = "nowhere" }, ErrUnknownUnit},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := benchTelemetry(50, 5000, asOf, false)
			tc.edit(&rec.Telemetry[3100])
			tc.edit(&rec.Telemetry[4000])
			var want error
			withRoundEvents(t, math.MaxInt, func() {
				_, want = Extract(rec, asOf, FeatureConfig{})
			})
			require.ErrorIs(t, want, tc.err)
			for _, n := range []int{10, 600} {
				withRoundEvents(t, n, func() {
					_, err := Extract(rec, asOf, FeatureConfig{})
					require.ErrorIs(t, err, tc.err)
					require.Equal(t, want.Error(), err.Error())
				})
			}
		})
	}
}

// TestExtractTelemetryRoundsBench checks rounds on the benchmark's
// layouts (a city-wide log in time order and per-device uploads), with
// unit and device IDs shared or copied per event.
func TestExtractTelemetryRoundsBench(t *testing.T) {
	asOf := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, byDevice := range []bool{false, true} {
		base := benchTelemetry(400, 40000, asOf, byDevice)
		var want *Table
		withRoundEvents(t, math.MaxInt, func() {
			var err error
			want, err = Extract(base, asOf, FeatureConfig{})
			require.NoError(t, err)
		})
		fresh := &Records{Units: base.Units, Telemetry: slices.Clone(base.Telemetry)}
		for i := range fresh.Telemetry {
			if i%3 == 0 {
				fresh.Telemetry[i].UnitID = strings.Clone(fresh.Telemetry[i].UnitID)
			}
			if i%5 == 0 {
				fresh.Telemetry[i].DeviceID = strings.Clone(fresh.Telemetry[i].DeviceID)
			}
		}
		for _, rec := range []*Records{base, fresh} {
			withRoundEvents(t, 3000, func() {
				got, err := Extract(rec, asOf, FeatureConfig{})
				require.NoError(t, err)
				require.Equal(t, want.X, got.X)
				a, err := aggregateTelemetry(rec.Telemetry, rec.Units, unitIndex(rec.Units), asOf, 365*24*time.Hour)
				require.NoError(t, err)
				require.Equal(t, 14, a.rounds)
			})
		}
	}
}

// TestBucketDevSize checks that a device's state fills one cache line.
func TestBucketDevSize(t *testing.T) {
	assert.Equal(t, uintptr(64), reflect.TypeFor[bucketDev]().Size())
}

// TestBucketDevStep checks the branch-free pairing step against its
// plain statement, for every kind from every state.
func TestBucketDevStep(t *testing.T) {
	const winStart, tn = 100, 500
	for _, k := range EventKinds() {
		for _, fault := range []int64{noTime, 50, 200} {
			for _, pressure := range []int64{noTime, 60, 300} {
				want := bucketDev{fault: fault, pressure: pressure, restoreS: 1, pressureH: 2, restoreN: 3}
				got := want
				switch k {
				case Fault, PowerFault, Shielded, Offline:
					if want.fault == noTime {
						want.fault = tn
					}
				case PressureLow:
					if want.pressure == noTime {
						want.pressure = tn
					}
				case Restored:
					if want.fault != noTime && want.fault >= winStart {
						want.restoreS += float64(tn-want.fault) / float64(time.Hour)
						want.restoreN++
					}
					if want.pressure != noTime {
						want.pressureH += float64(tn-max(want.pressure, winStart)) / float64(time.Hour)
					}
					want.fault, want.pressure = noTime, noTime
				}
				got.step(tn, k, winStart)
				require.Equal(t, want, got, "kind %v, fault %d, pressure %d", k, fault, pressure)
			}
		}
	}
}
