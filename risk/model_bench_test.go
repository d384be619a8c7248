package risk

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"
	"time"

	"github.com/firedraw/firedraw/risk/internal/par"
)

// benchSize writes n as "1e7" or "5e7".
func benchSize(n int) string {
	e := 0
	for n >= 10 && n%10 == 0 {
		n, e = n/10, e+1
	}
	return fmt.Sprintf("%de%d", n, e)
}

// benchTable returns an n × p table of values from a cheap deterministic
// generator (filling 4 GB with math/rand would dominate the setup).
func benchTable(n, p int) *Table {
	names := make([]string, p)
	for j := range names {
		names[j] = fmt.Sprintf("f%02d", j)
	}
	ids := make([]string, n)
	x := make([]float64, n*p)
	par.Halves(n, func(_ int, lo, hi int) {
		s := uint64(lo)*0x9e3779b97f4a7c15 + 1
		for k := lo * p; k < hi*p; k++ {
			s ^= s << 13
			s ^= s >> 7
			s ^= s << 17
			x[k] = float64(s>>11)/(1<<53)*4 - 2
		}
	})
	return &Table{Names: names, UnitIDs: ids, X: x}
}

func benchModel(p int, binned bool) *Model {
	m := &Model{Intercept: -2}
	for j := 0; j < p; j++ {
		t := Term{Feature: fmt.Sprintf("f%02d", j), Coef: 0.1 * float64(j%7-3), Center: 0.01 * float64(j)}
		if binned && j%5 == 0 {
			t = Term{Feature: t.Feature, Edges: []float64{-1, 0, 1}, Effects: []float64{-0.2, 0, 0.1, 0.4}}
		}
		m.Terms = append(m.Terms, t)
	}
	return m
}

// BenchmarkScore scores N units × 50 features with a linear model (the
// target: 10 million units in ≤ 1 s on 2 cores), and 10^6 units with every
// fifth term binned. Run one size at a time:
//
//	go test ./risk -run '^$' -bench 'BenchmarkScore/N=1e7' -benchtime 1x
func BenchmarkScore(b *testing.B) {
	for _, c := range []struct {
		n      int
		binned bool
	}{{1e5, false}, {1e7, false}, {1e6, true}} {
		name := "N=" + benchSize(c.n) + ",P=50"
		if c.binned {
			name += ",binned"
		}
		b.Run(name, func(b *testing.B) {
			tab := benchTable(c.n, 50)
			m := benchModel(50, c.binned)
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				if _, err := m.Score(tab); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(c.n)*float64(b.N)/b.Elapsed().Seconds(), "units/s")
		})
	}
}

// benchTelemetry returns units with 10 devices each and events spread
// over the year before asOf. With byDevice false the events are in time
// order across units (a city-wide log: consecutive events rarely share a
// unit, every lookup is a cache miss); with byDevice true they are
// grouped by unit and device (per-device uploads).
func benchTelemetry(units, events int, asOf time.Time, byDevice bool) *Records {
	rec := &Records{Units: make([]Unit, units)}
	devs := make([]string, units*10)
	for u := range rec.Units {
		rec.Units[u].ID = fmt.Sprintf("91330100MA%08d", u)
		for d := 0; d < 10; d++ {
			devs[u*10+d] = fmt.Sprintf("%s-D%02d", rec.Units[u].ID, d)
		}
	}
	r := rand.New(rand.NewPCG(1, 1))
	kinds := EventKinds()
	start := asOf.AddDate(-1, 0, 0)
	step := asOf.Sub(start) / time.Duration(events)
	rec.Telemetry = make([]TelemetryEvent, events)
	perDev := events / len(devs)
	for e := range rec.Telemetry {
		u, d := r.IntN(units), r.IntN(10)
		t := start.Add(time.Duration(e) * step)
		if byDevice {
			k := min(e/max(perDev, 1), len(devs)-1)
			u, d = k/10, k%10
			t = start.Add(time.Duration(e%max(perDev, 1)) * (asOf.Sub(start) / time.Duration(max(perDev, 1))))
		}
		rec.Telemetry[e] = TelemetryEvent{UnitID: rec.Units[u].ID, DeviceID: devs[u*10+d],
			Time: t, Kind: kinds[r.IntN(len(kinds))]}
	}
	return rec
}

// BenchmarkExtract extracts features from in-memory telemetry (the
// target: 50 million events at ≥ 20 million events/s), with the devices
// numbered in the setup by NumberDevices (as recordio.LoadTelemetry
// does; its time is reported as number-s) and without numbers (events
// built in Go), on the same log:
//
//	go test ./risk -run '^$' -bench 'BenchmarkExtract/order=time,units=1e5,events=5e7' -benchtime 1x
func BenchmarkExtract(b *testing.B) {
	// Measure what a program gets: TestMain forces the numbered path.
	defer func(old bool) { numberedGrouped = old }(numberedGrouped)
	numberedGrouped = false
	asOf := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, sz := range []struct {
		order         string
		units, events int
	}{{"time", 1e4, 1e6}, {"time", 1e5, 5e6}, {"device", 1e5, 5e6}, {"time", 1e5, 5e7}, {"device", 1e5, 5e7}} {
		name := "order=" + sz.order + ",units=" + benchSize(sz.units) + ",events=" + benchSize(sz.events)
		b.Run(name, func(b *testing.B) {
			rec := benchTelemetry(sz.units, sz.events, asOf, sz.order == "device")
			b.Run("devices=numbered", func(b *testing.B) {
				start := time.Now()
				NumberDevices(rec.Telemetry)
				number := time.Since(start)
				benchExtract(b, rec, asOf, sz.events)
				b.ReportMetric(number.Seconds(), "number-s")
			})
			b.Run("devices=unnumbered", func(b *testing.B) {
				for i := range rec.Telemetry {
					rec.Telemetry[i].Device = 0
				}
				benchExtract(b, rec, asOf, sz.events)
			})
		})
	}
}

// benchExtract runs Extract b.N times and reports events/s and the CPU
// time per op (user + system, both goroutines and the GC: on a shared
// machine the elapsed time also counts waiting for a core).
func benchExtract(b *testing.B, rec *Records, asOf time.Time, events int) {
	// Collect the construction garbage now: a collection that would
	// otherwise run during the first Extract scans the whole
	// (pointerful) event slice on a stolen core.
	runtime.GC()
	b.ReportAllocs()
	b.ResetTimer()
	cpu := cpuTime()
	for range b.N {
		if _, err := Extract(rec, asOf, FeatureConfig{}); err != nil {
			b.Fatal(err)
		}
	}
	if c := cpuTime() - cpu; c > 0 {
		b.ReportMetric(c.Seconds()/float64(b.N), "cpu-s/op")
	}
	b.ReportMetric(float64(events)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
}
