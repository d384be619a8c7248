package synthcity

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/firedraw/firedraw/risk"
)

// telemetryScale multiplies every event rate of the table in doc.go; it
// sets the size of the telemetry (about 20–100 events per equipped unit
// and year).
const telemetryScale = 2.5

// rate is an event kind and its base rate per device and year, multiplied
// by the unit's factor for that kind.
type rate struct {
	kind   risk.EventKind
	base   float64
	factor int // factorFault, factorFalse, factorElec, factorFire, factorNone
}

const (
	factorNone = iota
	factorFault
	factorFalse
	factorElec
	factorFire
)

var deviceRates = [...][]rate{
	risk.SmokeDetector:           {{risk.FalseAlarm, 0.5, factorFalse}, {risk.Fault, 0.3, factorFault}, {risk.Shielded, 0.05, factorFault}, {risk.Offline, 0.2, factorFault}, {risk.FireAlarm, 1, factorFire}},
	risk.HeatDetector:            {{risk.FalseAlarm, 0.2, factorFalse}, {risk.Fault, 0.2, factorFault}},
	risk.FlameDetector:           {{risk.FalseAlarm, 0.3, factorFalse}, {risk.Fault, 0.2, factorFault}},
	risk.GasDetector:             {{risk.FalseAlarm, 0.4, factorFalse}, {risk.Fault, 0.3, factorFault}},
	risk.ManualCallPoint:         {{risk.FalseAlarm, 0.1, factorFalse}},
	risk.ResidualCurrentMonitor:  {{risk.ResidualCurrentHigh, 1.0, factorElec}, {risk.Offline, 0.2, factorFault}},
	risk.CableTemperatureMonitor: {{risk.TemperatureHigh, 0.8, factorElec}, {risk.Offline, 0.2, factorFault}},
	risk.WaterPressureSensor:     {{risk.PressureLow, 1.0, factorFault}, {risk.Fault, 0.1, factorFault}, {risk.Offline, 0.2, factorFault}},
	risk.WaterLevelSensor:        {{risk.Supervisory, 0.5, factorNone}, {risk.Fault, 0.15, factorFault}},
	risk.Pump:                    {{risk.Supervisory, 2, factorNone}, {risk.Fault, 0.3, factorFault}, {risk.PowerFault, 0.2, factorFault}},
	risk.Controller:              {{risk.Supervisory, 2, factorNone}, {risk.Fault, 0.3, factorFault}, {risk.Shielded, 0.3, factorFault}},
	risk.TransmissionDevice:      {{risk.Offline, 2, factorFault}, {risk.PowerFault, 0.4, factorFault}},
}

var deviceCodes = [...]string{"SD", "HD", "FD", "GD", "MC", "RC", "CT", "WP", "WL", "PU", "CO", "TD"}

// largeCategories have water systems, controllers and call points.
func large(c risk.Category, area float64) bool {
	switch c {
	case risk.HighRise, risk.Underground, risk.CrowdedPlaceCategory, risk.Hospital, risk.Residential, risk.Warehouse:
		return true
	}
	return area > 2000
}

// electrical reports whether a category gets electrical monitors by
// default.
func electrical(c risk.Category) bool {
	switch c {
	case risk.NineSmallPlaces, risk.StreetShop, risk.Industrial, risk.Warehouse, risk.OtherCategory:
		return true
	}
	return false
}

// devices returns the number of devices of each type at a unit.
func devices(r *rand.Rand, u *risk.Unit) [len(deviceCodes)]int {
	var n [len(deviceCodes)]int
	a, _ := u.Attr("floor_area")
	area := a.Num
	n[risk.TransmissionDevice] = 1
	n[risk.SmokeDetector] = int(clamp(2+math.Floor(area/400)+float64(r.IntN(2)), 2, 12))
	if u.Category == risk.NineSmallPlaces {
		if r.Float64() < 0.3 {
			n[risk.GasDetector] = 1
		}
		if r.Float64() < 0.2 {
			n[risk.HeatDetector] = 1
		}
	}
	if (u.Category == risk.Industrial || u.Category == risk.Warehouse) && r.Float64() < 0.2 {
		n[risk.FlameDetector] = 1
	}
	if electrical(u.Category) || r.Float64() < 0.5 {
		n[risk.ResidualCurrentMonitor] = 1 + b2i(area > 1000) + b2i(area > 10000)
		n[risk.CableTemperatureMonitor] = 1 + b2i(area > 5000)
	}
	if large(u.Category, area) {
		n[risk.WaterPressureSensor] = 1 + r.IntN(2)
		n[risk.WaterLevelSensor] = 1
		n[risk.Pump] = 1
		n[risk.Controller] = 1
		n[risk.ManualCallPoint] = 1 + r.IntN(2)
	}
	return n
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// genTelemetry draws one year of events from the devices of every
// equipped unit.
func genTelemetry(cfg Config, units []risk.Unit, lat []latent) []risk.TelemetryEvent {
	start := cfg.AsOf.AddDate(-1, 0, 0)
	var out []risk.TelemetryEvent
	var buf []risk.TelemetryEvent
	if len(units) >= twoPassUnits {
		// Count the events with a first pass over the same stream, so
		// that the result is allocated once at its exact size: growing
		// one slice of tens of millions of events by doubling would need
		// about three times the final memory.
		r := newRand(cfg.Seed, streamTelemetry)
		total := 0
		for i := range units {
			if lat[i].iot {
				buf = unitTelemetry(r, &units[i], &lat[i], start, cfg.AsOf, buf[:0], false)
				total += len(buf)
			}
		}
		out = make([]risk.TelemetryEvent, 0, total)
	}
	r := newRand(cfg.Seed, streamTelemetry)
	// A unit's events are appended in time order (ties in drawing
	// order), sorting small keys rather than the large events.
	type key struct {
		t int64
		i int
	}
	var keys []key
	for i := range units {
		if !lat[i].iot {
			continue
		}
		buf = unitTelemetry(r, &units[i], &lat[i], start, cfg.AsOf, buf[:0], true)
		keys = keys[:0]
		for k := range buf {
			keys = append(keys, key{buf[k].Time.Unix(), k})
		}
		slices.SortFunc(keys, func(a, b key) int {
			if a.t != b.t {
				return cmp.Compare(a.t, b.t)
			}
			return cmp.Compare(a.i, b.i)
		})
		for _, k := range keys {
			out = append(out, buf[k.i])
		}
	}
	return out
}

// twoPassUnits is the city size from which genTelemetry counts first (a
// variable so that a test can check that both ways give the same events).
var twoPassUnits = 100_000

// unitTelemetry appends the events of one equipped unit to buf, in
// drawing order. Without full it draws exactly the same numbers but leaves
// the device IDs empty: enough to count them.
func unitTelemetry(r *rand.Rand, u *risk.Unit, l *latent, start, asOf time.Time, buf []risk.TelemetryEvent, full bool) []risk.TelemetryEvent {
	secs := int64(asOf.Sub(start) / time.Second)
	n := devices(r, u)
	var f [5]float64
	f[factorNone] = 1
	f[factorFault] = math.Exp(-1.2*l.m + 0.2*r.NormFloat64())
	f[factorFalse] = math.Exp(-0.5*l.m + 0.2*l.h + 0.3*r.NormFloat64())
	f[factorElec] = math.Exp(1.6*l.ele + 0.2*r.NormFloat64())
	// Spread the unit's fire rate over its smoke detectors.
	f[factorFire] = fireShare * logistic(l.hist()) / float64(n[risk.SmokeDetector]) / telemetryScale
	restoreHours := 24 * math.Exp(-0.7*l.m)
	pNever := clamp(0.05*math.Exp(-0.7*l.m), 0, 0.5)
	for t, k := range n {
		for d := range k {
			var id string
			if full {
				id = u.ID + "-" + deviceCodes[t] + pad(d+1, 2)
			}
			for _, rt := range deviceRates[t] {
				for range poisson(r, telemetryScale*rt.base*f[rt.factor]) {
					ev := risk.TelemetryEvent{UnitID: u.ID, DeviceID: id, DeviceType: risk.DeviceType(t),
						Time: start.Add(time.Duration(r.Int64N(secs)) * time.Second), Kind: rt.kind}
					switch rt.kind {
					case risk.PressureLow:
						ev.HasValue, ev.Value, ev.Measure = true, round(0.02+0.07*r.Float64(), 2), "MPa"
					case risk.ResidualCurrentHigh:
						ev.HasValue, ev.Value, ev.Measure = true, math.Round(300+200*r.ExpFloat64()), "mA"
					case risk.TemperatureHigh:
						ev.HasValue, ev.Value, ev.Measure = true, round(60+15*r.ExpFloat64(), 1), "°C"
					}
					buf = append(buf, ev)
					switch rt.kind {
					case risk.Fault, risk.Offline, risk.PowerFault, risk.PressureLow, risk.Shielded:
						if r.Float64() < pNever {
							continue
						}
						back := ev.Time.Add(time.Duration(restoreHours*r.ExpFloat64()*3600) * time.Second)
						if back.Before(asOf) {
							buf = append(buf, risk.TelemetryEvent{UnitID: u.ID, DeviceID: id,
								DeviceType: risk.DeviceType(t), Time: back, Kind: risk.Restored})
						}
					}
				}
			}
		}
	}
	return buf
}
