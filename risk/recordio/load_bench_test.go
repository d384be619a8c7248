package recordio

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/firedraw/firedraw/risk"
)

// Loader benchmarks on in-memory CSV made once per process by a seeded
// generator and the package's writers. Run, for example,
//
//	go test ./risk/recordio -run '^$' -bench 'BenchmarkLoadUnitsCSV/N=1e6|BenchmarkStreamTelemetryCSV/N=1e7' -benchtime 3x
//
// rows/s counts data rows loaded per second of wall time; cpu-ms/op is
// the process's CPU time (user and system, all threads) per load, which
// other load on a shared machine disturbs less than wall time (0 where
// the system does not report it).

var benchDistricts = []string{"上城区", "拱墅区", "西湖区", "滨江区", "萧山区", "余杭区", "临平区", "钱塘区",
	"富阳区", "临安区", "桐庐县", "淳安县"}

// benchUnit returns unit i of a synthetic directory.
func benchUnit(rng *rand.Rand, i int) risk.Unit {
	cat := risk.Category(rng.IntN(len(risk.Categories())))
	return risk.Unit{
		ID:           fmt.Sprintf("91330%013d", i),
		Name:         fmt.Sprintf("单位%d号", i),
		Category:     cat,
		District:     benchDistricts[rng.IntN(len(benchDistricts))],
		KeyUnit:      rng.IntN(20) == 0,
		CrowdedPlace: cat == risk.CrowdedPlaceCategory,
		HasLocation:  true,
		// Six decimals (about 0.1 m), as directories record them.
		Lat: 30 + float64(rng.IntN(1e6))/1e6,
		Lon: 119.5 + float64(rng.IntN(1e6))/1e6,
		Attrs: []risk.Attr{
			{Name: "construction", Text: [...]string{"砖混", "钢结构", "框架", "木结构"}[rng.IntN(4)]},
			{Name: "floor_area", Numeric: true, Num: float64(20 + rng.IntN(20000))},
			{Name: "floors", Numeric: true, Num: float64(1 + rng.IntN(30))},
			{Name: "year_built", Numeric: true, Num: float64(1960 + rng.IntN(65))},
		},
	}
}

var benchData = struct {
	sync.Mutex
	m map[string][]byte
}{m: map[string][]byte{}}

// benchCSV returns the bytes made by gen, made once per key.
func benchCSV(b *testing.B, key string, gen func(*bytes.Buffer) error) []byte {
	benchData.Lock()
	defer benchData.Unlock()
	if d, ok := benchData.m[key]; ok {
		return d
	}
	var buf bytes.Buffer
	if err := gen(&buf); err != nil {
		b.Fatal(err)
	}
	benchData.m[key] = buf.Bytes()
	return buf.Bytes()
}

// unitsCSV writes n units in batches, so the generator never holds them
// all; every unit has the same attributes, so batch headers agree.
func unitsCSV(b *testing.B, n int) []byte {
	return benchCSV(b, fmt.Sprint("units", n), func(buf *bytes.Buffer) error {
		rng := rand.New(rand.NewPCG(1, uint64(n)))
		const batch = 10000
		units := make([]risk.Unit, 0, batch)
		var tmp bytes.Buffer
		for start := 0; start < n; start += batch {
			units = units[:0]
			for i := start; i < min(n, start+batch); i++ {
				units = append(units, benchUnit(rng, i))
			}
			tmp.Reset()
			if err := WriteUnitsCSV(&tmp, units); err != nil {
				return err
			}
			data := tmp.Bytes()
			if start > 0 {
				data = data[bytes.IndexByte(data, '\n')+1:]
			}
			buf.Write(data)
		}
		return nil
	})
}

// telemetryCSV writes n events from n/100 units with three devices each
// over one year.
func telemetryCSV(b *testing.B, n int) []byte {
	return benchCSV(b, fmt.Sprint("telemetry", n), func(buf *bytes.Buffer) error {
		rng := rand.New(rand.NewPCG(2, uint64(n)))
		units := max(1, n/100)
		t0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
		step := 365 * 24 * time.Hour / time.Duration(n)
		tw := NewTelemetryCSVWriter(buf)
		var e risk.TelemetryEvent
		for i := range n {
			u := rng.IntN(units)
			dev := rng.IntN(3)
			e = risk.TelemetryEvent{
				UnitID:     fmt.Sprintf("91330%013d", u),
				DeviceID:   fmt.Sprintf("D%d-%d", u, dev),
				DeviceType: [...]risk.DeviceType{risk.SmokeDetector, risk.WaterPressureSensor, risk.ResidualCurrentMonitor}[dev],
				Time:       t0.Add(time.Duration(i) * step).Truncate(time.Second),
				Kind:       risk.EventKind(rng.IntN(len(risk.EventKinds()))),
			}
			if dev > 0 && rng.IntN(2) == 0 {
				e.HasValue = true
				e.Value = float64(rng.IntN(1000)) / 100
				e.Measure = [...]string{"", "MPa", "mA"}[dev]
			}
			if err := tw.Write(&e); err != nil {
				return err
			}
		}
		return tw.Flush()
	})
}

func reportRows(b *testing.B, rows int, cpu0 time.Duration) {
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(float64(processCPU()-cpu0)/float64(b.N)/1e6, "cpu-ms/op")
}

func BenchmarkLoadUnitsCSV(b *testing.B) {
	for _, n := range []struct {
		name string
		n    int
	}{{"N=1e4", 1e4}, {"N=1e6", 1e6}} {
		b.Run(n.name, func(b *testing.B) {
			data := unitsCSV(b, n.n)
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			cpu0 := processCPU()
			for b.Loop() {
				units, _, err := LoadUnits(bytes.NewReader(data), LoadOptions{})
				if err != nil || len(units) != n.n {
					b.Fatal(err, len(units))
				}
			}
			reportRows(b, n.n, cpu0)
		})
	}
}

func BenchmarkStreamTelemetryCSV(b *testing.B) {
	for _, n := range []struct {
		name string
		n    int
	}{{"N=1e5", 1e5}, {"N=1e6", 1e6}, {"N=1e7", 1e7}} {
		b.Run(n.name, func(b *testing.B) {
			data := telemetryCSV(b, n.n)
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			cpu0 := processCPU()
			for b.Loop() {
				count := 0
				_, err := StreamTelemetry(bytes.NewReader(data), LoadOptions{}, func(*risk.TelemetryEvent) error {
					count++
					return nil
				})
				if err != nil || count != n.n {
					b.Fatal(err, count)
				}
			}
			reportRows(b, n.n, cpu0)
		})
	}
}

func BenchmarkLoadUnitsJSONL(b *testing.B) {
	const n = 1e4
	rng := rand.New(rand.NewPCG(3, n))
	units := make([]risk.Unit, n)
	for i := range units {
		units[i] = benchUnit(rng, i)
	}
	var buf bytes.Buffer
	if err := WriteUnitsJSONL(&buf, units); err != nil {
		b.Fatal(err)
	}
	data := buf.Bytes()
	b.Run("N=1e4", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		cpu0 := processCPU()
		for b.Loop() {
			if got, _, err := LoadUnits(bytes.NewReader(data), LoadOptions{Format: JSONL}); err != nil || len(got) != n {
				b.Fatal(err)
			}
		}
		reportRows(b, n, cpu0)
	})
}
