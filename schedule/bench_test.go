package schedule

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/firedraw/firedraw/risk"
)

// benchCity builds n units in 16 districts with the default policy
// frequencies (level mix 50/30/15/5 %: about 0.23 inspections per unit a
// year) and m inspectors, each covering two districts and six of the
// eleven categories, with a few leave days and a per-round cap.
func benchCity(b *testing.B, n, m int) (*Frame, *Pool) {
	b.Helper()
	r := rand.New(rand.NewPCG(1, 2))
	const nd = 16
	districts := make([]string, nd)
	for i := range districts {
		districts[i] = fmt.Sprintf("D%02d", i)
	}
	cats := risk.Categories()
	units := make([]risk.Unit, n)
	levels := make([]risk.Level, n)
	annual := make([]float64, n)
	freq := []float64{DefaultLowFrequency, DefaultGeneralFrequency, DefaultHigherFrequency, DefaultHighFrequency}
	for k := range units {
		units[k] = risk.Unit{ID: fmt.Sprintf("91330100%010d", k), District: districts[r.IntN(nd)], Category: cats[r.IntN(len(cats))]}
		x := r.Float64()
		switch {
		case x < 0.5:
			levels[k] = risk.Low
		case x < 0.8:
			levels[k] = risk.LevelGeneral
		case x < 0.95:
			levels[k] = risk.Higher
		default:
			levels[k] = risk.High
		}
		annual[k] = freq[levels[k]]
	}
	insp := make([]risk.Inspector, m)
	for i := range insp {
		var cs []risk.Category
		for j := range 6 {
			cs = append(cs, cats[(i+j*2)%len(cats)])
		}
		in := risk.Inspector{ID: fmt.Sprintf("INS%05d", i), Districts: []string{districts[i%nd], districts[(i+1)%nd]}, Categories: cs, MaxPerRound: 40}
		for range 3 {
			in.Leave = append(in.Leave, date(2026, 1, 1).AddDate(0, 0, r.IntN(365)))
		}
		insp[i] = in
	}
	f, err := NewFrame(units, levels, annual, nil)
	if err != nil {
		b.Fatal(err)
	}
	p, err := NewPool(insp)
	if err != nil {
		b.Fatal(err)
	}
	return f, p
}

// benchSecrets returns n fixed operator secrets.
func benchSecrets(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = testSeed(uint64(1000 + i)).String()
	}
	return out
}

func benchConfig(b *testing.B) *Config {
	rs, err := Period(date(2026, 1, 1), 12, Month)
	if err != nil {
		b.Fatal(err)
	}
	return &Config{Rounds: rs}
}

// BenchmarkPlanYear plans 12 monthly independent rounds (draw, dates,
// teams, disclosure with every leaf; with their Merkle root when sealed)
// for N units and 2,000 inspectors.
func BenchmarkPlanYear(b *testing.B) {
	for _, tc := range []struct {
		n      int
		sealed bool
	}{{100_000, false}, {1_000_000, false}, {1_000_000, true}} {
		name := "units=" + sizeName(tc.n)
		if tc.sealed {
			name += "/sealed"
		}
		b.Run(name, func(b *testing.B) {
			f, p := benchCity(b, tc.n, 2000)
			cfg := benchConfig(b)
			cfg.Sealed = tc.sealed
			secrets := benchSecrets(12)
			params := testParams(f, p, cfg.Rounds[0].Start)
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				_, ds, err := PlanPeriod(cfg, f, p, params, secrets)
				if err != nil {
					b.Fatal(err)
				}
				tasks := 0
				for _, d := range ds {
					tasks += len(d.Tasks)
				}
				b.ReportMetric(float64(tasks), "tasks/year")
			}
		})
	}
}

// BenchmarkVerify verifies one round's open disclosure of N units at the
// auditor tier: the public tier (parse the canonical JSON strictly,
// check the link to the manifest and the log, every PRN, re-draw the
// selection from the published π) and then re-run the draw and compare.
func BenchmarkVerify(b *testing.B) {
	for _, n := range []int{100_000, 1_000_000} {
		b.Run("units="+sizeName(n), func(b *testing.B) {
			f, p := benchCity(b, n, 2000)
			cfg := benchConfig(b)
			td, err := draw(cfg, f, p, 0, testSeed(1000))
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				if _, err := Verify(td.published(), f, p); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(td.bytes)), "bytes")
		})
	}
}

// sizeName writes 100000 as "1e5".
func sizeName(n int) string {
	e := 0
	for n >= 10 && n%10 == 0 {
		n /= 10
		e++
	}
	return fmt.Sprintf("%de%d", n, e)
}
