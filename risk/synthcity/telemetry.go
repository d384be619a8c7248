package synthcity

import (
	"math"
	"math/rand/v2"
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
	r := newRand(cfg.Seed, streamTelemetry)
	start := cfg.AsOf.AddDate(-1, 0, 0)
	secs := int64(cfg.AsOf.Sub(start) / time.Second)
	out := make([]risk.TelemetryEvent, 0, len(units)*20)
	for i := range units {
		l := &lat[i]
		if !l.iot {
			continue
		}
		u := &units[i]
		n := devices(r, u)
		var f [5]float64
		f[factorNone] = 1
		f[factorFault] = math.Exp(-1.2*l.m + 0.2*r.NormFloat64())
		f[factorFalse] = math.Exp(-0.5*l.m + 0.2*l.h + 0.3*r.NormFloat64())
		f[factorElec] = math.Exp(1.6*l.ele + 0.2*r.NormFloat64())
		// A fire sets off about half of a unit's smoke detectors' alarms
		// once: spread the unit's past-year fire rate over its detectors.
		f[factorFire] = fireShare * logistic(l.hist()) / float64(n[risk.SmokeDetector]) / telemetryScale
		restoreHours := 24 * math.Exp(-0.7*l.m)
		pNever := clamp(0.05*math.Exp(-0.7*l.m), 0, 0.5)
		first := len(out)
		for t, k := range n {
			for d := range k {
				id := u.ID + "-" + deviceCodes[t] + pad(d+1, 2)
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
						out = append(out, ev)
						switch rt.kind {
						case risk.Fault, risk.Offline, risk.PowerFault, risk.PressureLow, risk.Shielded:
							if r.Float64() < pNever {
								continue
							}
							back := ev.Time.Add(time.Duration(restoreHours*r.ExpFloat64()*3600) * time.Second)
							if back.Before(cfg.AsOf) {
								out = append(out, risk.TelemetryEvent{UnitID: u.ID, DeviceID: id,
									DeviceType: risk.DeviceType(t), Time: back, Kind: risk.Restored})
							}
						}
					}
				}
			}
		}
		sortByTime(out[first:], func(e risk.TelemetryEvent) time.Time { return e.Time })
	}
	return out
}
