package schedule

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/firedraw/firedraw/risk"
	"github.com/firedraw/firedraw/risk/synthcity"
)

// defaultDirectory is the default synthetic city (5,000 units, three
// years of history) under the default model and policy, built once.
var defaultDirectory = sync.OnceValues(func() (*Assessment, error) {
	c := synthcity.Default()
	return Assess(&c.Records, c.AsOf, AssessConfig{})
})

const simYears = 3

// policyStats are the figures of simulated runs: per run, level and year
// the inspections; per run and level the mean over rounds of the HT count
// of the level's units with π > 0 minus that count; per run and level the
// first round's count.
type policyStats struct {
	units    [risk.NumLevels]int
	annual   [risk.NumLevels]float64 // Σ f_k: the policy's inspections a year
	count    [][risk.NumLevels][simYears]float64
	htError  [][risk.NumLevels]float64
	htPop    [risk.NumLevels]float64 // mean units with π > 0 per round
	first    [][risk.NumLevels]float64
	firstExp [risk.NumLevels]float64 // Σp of round 0: the policy's forecast
}

// withHistory returns a copy of f whose history can be changed.
func (f *Frame) withHistory() *Frame {
	return &Frame{units: f.units, index: f.index, strata: f.strata, leads: f.leads, static: f.static, hist: slices.Clone(f.hist)}
}

// simulatePolicy plans `runs` runs of simYears years of monthly rounds on
// the default city with the library's own draw (drawRound: the π and the
// selection PlanRound publishes; teams and dates are left out, they do
// not change who is drawn). Each drawn unit is inspected on a random day
// of its round, recorded as its last random inspection for the rounds
// that follow. Independent mode plans one 36-round period (history
// updated every round); rotation plans three one-year periods, each on
// the frame as at its start.
func simulatePolicy(t *testing.T, mode Mode, runs int) *policyStats {
	t.Helper()
	dir, err := defaultDirectory()
	require.NoError(t, err)
	base := dir.Frame
	st := &policyStats{count: make([][risk.NumLevels][simYears]float64, runs),
		htError: make([][risk.NumLevels]float64, runs), first: make([][risk.NumLevels]float64, runs)}
	for k := range base.units {
		l := base.units[k].Level
		st.units[l]++
		st.annual[l] += base.units[k].Annual
		st.firstExp[l] += policyPi(base.units[k].Annual, 12)
	}
	start := synthcity.Default().AsOf
	var pop [risk.NumLevels]float64
	for run := range runs {
		rng := rand.New(rand.NewPCG(uint64(run), 77))
		f := base.withHistory()
		for year := range simYears {
			rounds, err := Period(start.AddDate(year, 0, 0), 12, Month)
			require.NoError(t, err)
			cfg := &Config{Rounds: rounds, Mode: mode, HistoryStart: dir.HistoryStart}
			periodFrame := f
			var done [][2]int32 // (unit, day) inspected this period, applied at its end in rotation
			for r := range 12 {
				seed := testSeed(uint64(run)<<32 | uint64(year*12+r))
				if mode == Rotation {
					seed = testSeed(uint64(run)<<32 | uint64(1000+year))
				}
				pi, _, sel, err := drawRound(cfg, periodFrame, r, seed, UnitStream("2026", r+1))
				require.NoError(t, err)
				var ht, eligible [risk.NumLevels]float64
				days := int(DayOf(rounds[r].End) - DayOf(rounds[r].Start))
				for k := range pi {
					l := periodFrame.units[k].Level
					if pi[k] > 0 {
						eligible[l]++
					}
					if !sel[k] {
						continue
					}
					ht[l] += 1 / pi[k]
					st.count[run][l][year]++
					if year == 0 && r == 0 {
						st.first[run][l]++
					}
					done = append(done, [2]int32{int32(k), int32(DayOf(rounds[r].Start)) + int32(rng.IntN(days))})
				}
				for l := range ht {
					st.htError[run][l] += (ht[l] - eligible[l]) / (simYears * 12)
					pop[l] += eligible[l] / float64(runs*simYears*12)
				}
				if mode == Independent {
					f = recordInspections(f, done)
					periodFrame, done = f, done[:0]
				}
			}
			if mode == Rotation {
				f = recordInspections(f, done)
			}
		}
	}
	st.htPop = pop
	return st
}

// recordInspections returns f with each (unit, day) recorded as the
// unit's last random inspection.
func recordInspections(f *Frame, done [][2]int32) *Frame {
	g := f.withHistory()
	for _, d := range done {
		h := &g.hist[d[0]]
		h.lastRandom = max(h.lastRandom, Day(d[1]))
		h.lastVisit = max(h.lastVisit, Day(d[1]))
	}
	return g
}

// meanSE returns the mean of xs and its standard error.
func meanSE(xs []float64) (mean, se float64) {
	for _, x := range xs {
		mean += x
	}
	mean /= float64(len(xs))
	var ss float64
	for _, x := range xs {
		ss += (x - mean) * (x - mean)
	}
	return mean, math.Sqrt(ss / float64(len(xs)-1) / float64(len(xs)))
}

// table returns the delivered frequencies as a Markdown table.
func (st *policyStats) table(mode Mode) string {
	var b strings.Builder
	for l := range risk.NumLevels {
		fmt.Fprintf(&b, "| %s | %s | %d | %.4f |", mode, risk.Level(l), st.units[l], st.annual[l]/float64(st.units[l]))
		for y := range simYears {
			xs := make([]float64, len(st.count))
			for run := range xs {
				xs[run] = st.count[run][l][y] / float64(st.units[l])
			}
			m, se := meanSE(xs)
			fmt.Fprintf(&b, " %.4f ± %.4f (%+.1f %%) |", m, se, 100*(m/(st.annual[l]/float64(st.units[l]))-1))
		}
		xs := make([]float64, len(st.first))
		for run := range xs {
			xs[run] = st.first[run][l]
		}
		m, _ := meanSE(xs)
		fmt.Fprintf(&b, " %.1f / %.1f |\n", m, st.firstExp[l])
	}
	return b.String()
}

// policyRuns is the number of simulated 3-year runs per mode. Measured
// standard errors of a level's mean inspections per unit-year over 40 runs
// (systematic draws keep each round's count within one of its Σπ per
// stratum, so runs vary little): Low ≈ 0.8 % of its target, General and
// Higher ≈ 0.15 %, High ≈ 0.2 % (independent) and 0 (rotation, where each
// High unit is drawn exactly once a year). The ±3 % check is thus ≥ 3.75
// standard errors from the target even for Low: a miss is a bias, not
// noise.
const policyRuns = 40

// checkPolicyDelivers checks the acceptance of issue #17 on simulated runs:
// every level's mean inspections per unit-year within ±3 % of the policy in
// each of the three years; the HT count of each level's units with π > 0
// unbiased; the first round's load within ±10 % of the policy's forecast.
func checkPolicyDelivers(t *testing.T, mode Mode) {
	st := simulatePolicy(t, mode, policyRuns)
	t.Logf("mode | level | units | policy f | year 1 | year 2 | year 3 | round 1 drawn / forecast\n%s", st.table(mode))
	for l := range risk.NumLevels {
		target := st.annual[l] / float64(st.units[l])
		for y := range simYears {
			xs := make([]float64, policyRuns)
			for run := range xs {
				xs[run] = st.count[run][l][y] / float64(st.units[l])
			}
			m, se := meanSE(xs)
			assert.InEpsilon(t, target, m, 0.03, "%v %v year %d: %.4f ± %.4f inspections per unit-year, policy %.4f", mode, risk.Level(l), y+1, m, se, target)
			// The check has power: 3 % is at least two standard errors.
			assert.Less(t, se/target, 0.015, "%v %v year %d: too few runs", mode, risk.Level(l), y+1)
		}
		xs := make([]float64, policyRuns)
		for run := range xs {
			xs[run] = st.htError[run][l]
		}
		m, se := meanSE(xs)
		// Unbiased: the mean error of the HT count is within 3 standard
		// errors of 0 (a false alarm in 0.3 % of seeds; 8 tests).
		assert.LessOrEqual(t, math.Abs(m), 3*se+1e-9, "%v %v: HT count of the %.1f units with π > 0 off by %.2f ± %.2f", mode, risk.Level(l), st.htPop[l], m, se)
	}
	total := 0.0
	for l := range risk.NumLevels {
		total += st.firstExp[l]
		firstMean := 0.0
		for run := range policyRuns {
			firstMean += st.first[run][l] / policyRuns
		}
		assert.InEpsilon(t, st.firstExp[l], firstMean, 0.10, "%v %v: first round's mean load against the policy's forecast", mode, risk.Level(l))
	}
	for run := range policyRuns {
		drawn := 0.0
		for l := range risk.NumLevels {
			drawn += st.first[run][l]
		}
		assert.InEpsilon(t, total, drawn, 0.10, "%v run %d: first round draws %v units, forecast %.1f", mode, run, drawn, total)
	}
}

// TestPolicyDeliversIndependent: independent rounds (the default) on the
// default city deliver the policy's frequency per level from the first
// year, with true π (issue #17, items 2 and acceptance).
func TestPolicyDeliversIndependent(t *testing.T) { checkPolicyDelivers(t, Independent) }

// TestPolicyDeliversRotation: rotation on the default city, one-year
// periods, delivers the policy's frequency per level from the first year,
// its published π are the real ones, and its first round stays within
// ±10 % of the forecast (issue #17, item 1).
func TestPolicyDeliversRotation(t *testing.T) { checkPolicyDelivers(t, Rotation) }
