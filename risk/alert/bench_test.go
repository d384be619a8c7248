package alert_test

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"
	"time"

	"github.com/firedraw/firedraw/risk"
	"github.com/firedraw/firedraw/risk/alert"
)

// benchLog returns a city-wide log in time order over the year before
// asOf: units with 10 devices each (IDs shared, as the loaders share
// them), consecutive events rarely of one unit, kinds mixed as in a
// real log (false alarms and supervisory signals, faults, offline…),
// 49 episodes in 50 restored 1–3 hours later.
func benchLog(units, events int) []risk.TelemetryEvent {
	devs := make([]string, units*10)
	ids := make([]string, units)
	for u := range ids {
		ids[u] = fmt.Sprintf("91330100MA%08d", u)
		for d := range 10 {
			devs[u*10+d] = fmt.Sprintf("%s-D%02d", ids[u], d)
		}
	}
	kinds := []risk.EventKind{risk.FalseAlarm, risk.FalseAlarm, risk.FalseAlarm, risk.Supervisory, risk.Supervisory,
		risk.Fault, risk.Fault, risk.Offline, risk.Offline, risk.PowerFault, risk.Shielded,
		risk.PressureLow, risk.ResidualCurrentHigh, risk.TemperatureHigh, risk.FireAlarm}
	r := rand.New(rand.NewPCG(1, 1))
	start := asOf.AddDate(-1, 0, 0)
	step := asOf.Sub(start) / time.Duration(events)
	out := make([]risk.TelemetryEvent, events)
	// Restored events due: pending[e%len] is the device restored by
	// event e, if any: 1,000–3,000 events (about 1–3 h at 10⁷ a year)
	// after a fault, offline, shielded or low-pressure event, unless the
	// episode is never restored (1 in 50) or the slot is taken.
	pending := make([]int32, 4096)
	for i := range pending {
		pending[i] = -1
	}
	for e := range out {
		dev, k := int(pending[e%len(pending)]), risk.Restored
		pending[e%len(pending)] = -1
		if dev < 0 {
			dev, k = r.IntN(len(devs)), kinds[r.IntN(len(kinds))]
			switch k {
			case risk.Fault, risk.PowerFault, risk.Offline, risk.Shielded, risk.PressureLow:
				if j := (e + 1000 + r.IntN(2000)) % len(pending); r.IntN(50) > 0 && pending[j] < 0 {
					pending[j] = int32(dev)
				}
			}
		}
		out[e] = risk.TelemetryEvent{UnitID: ids[dev/10], DeviceID: devs[dev], DeviceType: risk.SmokeDetector,
			Time: start.Add(time.Duration(e) * step), Kind: k}
	}
	return out
}

// BenchmarkEvaluate evaluates every rule over a time-ordered city-wide
// log (the target: 10⁷ events at ≥ 20 M events/s), reusing one
// Evaluator as a monitoring service would, with the devices numbered in
// the setup by risk.NumberDevices (as recordio.LoadTelemetry does; its
// time is reported as number-s) and without numbers (events built in
// Go), on the same log:
//
//	go test ./risk/alert -run '^$' -bench 'Evaluate/events=1e7' -benchtime 3x -benchmem
func BenchmarkEvaluate(b *testing.B) {
	for _, sz := range []struct {
		name          string
		units, events int
	}{{"events=1e6", 1e4, 1e6}, {"events=1e7", 1e5, 1e7}} {
		b.Run(sz.name, func(b *testing.B) {
			tel := benchLog(sz.units, sz.events)
			b.Run("devices=numbered", func(b *testing.B) {
				start := time.Now()
				risk.NumberDevices(tel)
				number := time.Since(start)
				benchEvaluate(b, tel)
				b.ReportMetric(number.Seconds(), "number-s")
			})
			b.Run("devices=unnumbered", func(b *testing.B) {
				for i := range tel {
					tel[i].Device = 0
				}
				benchEvaluate(b, tel)
			})
		})
	}
}

// benchEvaluate evaluates tel b.N times with one Evaluator and reports
// events/s and the CPU time per op and per event.
func benchEvaluate(b *testing.B, tel []risk.TelemetryEvent) {
	runtime.GC()
	var e alert.Evaluator
	b.ReportAllocs()
	b.ResetTimer()
	cpu := cpuTime()
	for range b.N {
		if _, err := e.Evaluate(tel, nil, asOf); err != nil {
			b.Fatal(err)
		}
	}
	// CPU time (user + system, both goroutines and the GC) tells the
	// work done on a loaded machine, where the elapsed time also counts
	// waiting for a core.
	if c := cpuTime() - cpu; c > 0 {
		b.ReportMetric(c.Seconds()/float64(b.N), "cpu-s/op")
		b.ReportMetric(float64(c.Nanoseconds())/float64(b.N)/float64(len(tel)), "cpu-ns/event")
	}
	b.ReportMetric(float64(len(tel))*float64(b.N)/b.Elapsed().Seconds(), "events/s")
}
