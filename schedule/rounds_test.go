package schedule

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Per-round probabilities worth checking: the default policy frequencies
// (0.05, 0.2, 0.6, 1, 2, 4 a year) in monthly rounds, and large ones.
var spacingPis = []float64{0.05 / 12, 0.2 / 12, 0.6 / 12, 1.0 / 12, 2.0 / 12, 4.0 / 12, 0.45, 0.7, 0.3}

// spacingLaws lists the gap laws worth checking: every per-round π with
// no cap (the spread law everywhere) and with the default cap of 6 quiet
// rounds (the quiet law for the rare units).
func spacingLaws() []struct {
	pi    float64
	quiet int
} {
	var out []struct {
		pi    float64
		quiet int
	}
	for _, q := range []int{-1, 6} {
		for _, pi := range spacingPis {
			out = append(out, struct {
				pi    float64
				quiet int
			}{pi, q})
		}
	}
	return out
}

func TestSpacingLaw(t *testing.T) {
	for _, tc := range spacingLaws() {
		pi := tc.pi
		t.Run(fmt.Sprintf("pi=%v/quiet=%d", pi, tc.quiet), func(t *testing.T) {
			s := NewSpacing(pi, tc.quiet)
			lo, hi := s.Range()
			// Sum the law far enough that the quiet law's geometric tail
			// is below 1e-13: (1−q)^g < 1e-13 needs g ≈ 30/q ≤ 30m.
			top := hi + 2
			if s.quiet {
				top = lo + int(31/s.q)
				assert.LessOrEqual(t, lo-1, tc.quiet, "quiet rounds capped")
				assert.Greater(t, NewSpacing(pi, -1).lo-1, tc.quiet, "quiet law only where the spread law is quieter than the cap")
			} else {
				assert.GreaterOrEqual(t, float64(lo), math.Floor(1/pi)/2-0.5)
				assert.LessOrEqual(t, float64(hi), 1.5/pi+1)
				assert.Equal(t, 1.0, s.Hazard(hi))
				assert.Equal(t, 1.0, s.Hazard(hi+5))
			}
			sum, mean := 0.0, 0.0
			for g := 0; g <= top; g++ {
				p := s.pmf(g)
				if g < lo || g > hi {
					assert.Zero(t, p, "g=%d", g)
				}
				sum += p
				mean += float64(g) * p
				if g >= 1 && s.survival(g) > 1e-300 {
					assert.InDelta(t, p/s.survival(g), s.Hazard(g), 1e-12, "hazard at %d", g)
				}
			}
			assert.InDelta(t, 1, sum, 1e-12)
			assert.InDelta(t, 1/pi, mean, 1e-9)
			assert.InDelta(t, pi, s.DelayHazard(1), 1e-12)
			assert.Zero(t, s.Hazard(0))
			if 1/pi >= 2 {
				assert.Zero(t, s.Hazard(1), "no inspection in the round right after one")
			}
			// Delay law sums to one and has the stationary mean.
			surv := 1.0
			for tt := 1; tt <= top; tt++ {
				h := s.DelayHazard(tt)
				require.True(t, h >= 0 && h <= 1)
				assert.InDelta(t, s.survival(tt)*pi, surv*h, 1e-12, "P(D=%d)", tt)
				surv *= 1 - h
			}
			assert.InDelta(t, 0, surv, 1e-12)
		})
	}
	assert.Panics(t, func() { NewSpacing(1, -1) })
	assert.Panics(t, func() { NewSpacing(math.NaN(), 6) })
}

// TestSpacingSimulation simulates independent rounds with the hazards:
// the number of inspections of never-inspected units in the first year
// averages 12π (the stationary start), the long-run rate is π, and every
// gap lies in the law's range.
func TestSpacingSimulation(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	for _, tc := range spacingLaws() {
		pi := tc.pi
		t.Run(fmt.Sprintf("pi=%v/quiet=%d", pi, tc.quiet), func(t *testing.T) {
			s := NewSpacing(pi, tc.quiet)
			lo, hi := s.Range()
			const units, years = 4000, 6
			var firstYear, total, gaps int
			for range units {
				last := 0 // round of last inspection; 0 = none (history starts at round 1)
				for round := 1; round <= 12*years; round++ {
					var h float64
					if last == 0 {
						h = s.DelayHazard(round)
					} else {
						h = s.Hazard(round - last)
					}
					if r.Float64() < h {
						if last != 0 {
							g := round - last
							require.True(t, g >= lo && g <= hi, "gap %d outside [%d, %d]", g, lo, hi)
							gaps++
						}
						last = round
						total++
						if round <= 12 {
							firstYear++
						}
					}
				}
			}
			// First year: mean count 12π per unit. Under the spread law the
			// count of one unit is at most ⌈12π⌉+1 apart from its mean, so
			// its variance is below 12π(1+12π); under the quiet law the
			// count is at most a Poisson-like count with the same bound.
			// 5 standard errors of the mean over 4000 units.
			mean := float64(firstYear) / units
			se := math.Sqrt(12*pi*(1+12*pi)/units) + 1e-9
			assert.InDelta(t, 12*pi, mean, 5*se, "first-year frequency")
			rate := float64(total) / (units * 12 * years)
			assert.InDelta(t, pi, rate, 5*math.Sqrt(pi*(1+pi)/(units*12*years)), "long-run rate")
		})
	}
}

func TestRoundsBetween(t *testing.T) {
	jan := date(2027, 1, 1)
	for _, tc := range []struct {
		last   Day
		months int
		want   int
	}{
		{DayOf(date(2026, 12, 31)), 1, 1},
		{DayOf(date(2026, 12, 1)), 1, 1},
		{DayOf(date(2026, 11, 30)), 1, 2},
		{DayOf(date(2027, 1, 15)), 1, 0},
		{DayOf(date(2026, 10, 1)), 3, 1},
		{DayOf(date(2026, 9, 30)), 3, 2},
	} {
		assert.Equal(t, tc.want, roundsBetween(jan, tc.last, tc.months), "%s/%d", tc.last, tc.months)
	}
}

func TestRotation(t *testing.T) {
	seed := testSeed(5)
	const n = 600
	ids := make([]string, n)
	group := make([]string, n)
	u := make([]float64, n)
	pi := make([]float64, n)
	gap := make([]int, n)
	freqs := []float64{4, 1, 0.6, 2.5, 12, 30}
	for k := range ids {
		ids[k] = fmt.Sprintf("u%04d", k)
		group[k] = []string{"high/east", "low/west"}[k%2]
		u[k] = float64(k*7919%n+1) / (n + 1)
		pi[k] = math.Min(1, freqs[k%len(freqs)]/12)
	}
	rp := NewRotation(seed, ids, group, u, pi, gap, 12)
	phase := make([]float64, n)
	for k := range phase {
		phase[k] = rp.Phase(k)
	}
	perGroupRound := map[string][]int{}
	for k := range ids {
		var rounds []int
		for tt := range 12 {
			if RotationDrawn(phase[k], pi[k], tt) {
				rounds = append(rounds, tt)
				key := fmt.Sprintf("%s|%v", group[k], pi[k])
				if perGroupRound[key] == nil {
					perGroupRound[key] = make([]int, 12)
				}
				perGroupRound[key][tt]++
			}
		}
		f := 12 * pi[k]
		assert.True(t, len(rounds) == int(math.Floor(f)) || len(rounds) == int(math.Ceil(f)), "unit %s: %d draws for f=%v", ids[k], len(rounds), f)
		for i := 1; i < len(rounds); i++ {
			g := rounds[i] - rounds[i-1]
			assert.True(t, g == int(math.Floor(1/pi[k])) || g == int(math.Ceil(1/pi[k])), "unit %s: gap %d for 1/π=%v", ids[k], g, 1/pi[k])
		}
	}
	// Each (group, π) has 100 units (k mod 6 fixes both): every round
	// draws ⌊100π⌋ or ⌈100π⌉ of them.
	require.Len(t, perGroupRound, 6)
	for key, counts := range perGroupRound {
		minC, maxC := counts[0], counts[0]
		for _, c := range counts {
			minC, maxC = min(minC, c), max(maxC, c)
		}
		assert.LessOrEqual(t, maxC-minC, 1, "%s: %v", key, counts)
	}

	// Continuity: inspected in the last round of the previous period, with
	// π = 1/3 (shortest gap 2) a unit waits one round, then catches up
	// within the cycle of ⌊1/π⌋ = 3 rounds, which then repeats: π = 0, 1/2,
	// 1/2, 0, 1/2, 1/2.
	one := NewRotation(seed, []string{"x"}, []string{"g"}, []float64{0.77}, []float64{1.0 / 3}, []int{1}, 12)
	want := []float64{0, 0.5, 0.5, 0, 0.5, 0.5}
	pi1, drawn1 := make([]float64, 1), make([]bool, 1)
	draws := 0
	for tt, w := range want {
		one.Round(tt, pi1, drawn1)
		assert.InDelta(t, w, pi1[0], 1e-12, "round %d", tt)
		if drawn1[0] {
			draws++
			assert.NotZero(t, tt%3, "drawn in a waiting round")
		}
	}
	assert.Equal(t, 2, draws, "once in rounds 1–2, once in rounds 4–5")
	assert.Panics(t, func() { NewRotation(seed, []string{"x"}, nil, nil, nil, nil, 12) })
	assert.Panics(t, func() { NewRotation(seed, nil, nil, nil, nil, nil, 0) })
}

// TestRotationTruePi checks, over seeds, that the π RotationPlan.Round
// reports are the units' real inclusion probabilities in every round of a
// year, for a group where a third of the units wait 1 to 5 rounds after a
// recent inspection, and that the group's expected count is nπ in every
// round (the waiting units' share is taken by the others).
func TestRotationTruePi(t *testing.T) {
	const n, seeds, rounds = 30, 4000, 12
	const p = 0.1 // shortest gaps of 5 rounds: waits 0…4
	ids := make([]string, n)
	group := make([]string, n)
	pi := make([]float64, n)
	wait := make([]int, n)
	for k := range n {
		ids[k] = fmt.Sprintf("u%02d", k)
		pi[k] = p
		if k%3 == 0 {
			wait[k] = 1 + k%5
		}
	}
	hits := make([][rounds]int, n)
	var want [][rounds]float64
	roundPi, drawn := make([]float64, n), make([]bool, n)
	for s := range uint64(seeds) {
		seed := testSeed(s + 100)
		u := make([]float64, n)
		for k := range u {
			u[k] = prnForTest(seed, ids[k])
		}
		rp := NewRotation(seed, ids, group, u, pi, wait, 12)
		first := want == nil
		if first {
			want = make([][rounds]float64, n)
		}
		for tt := range rounds {
			rp.Round(tt, roundPi, drawn)
			sum := 0.0
			for k := range n {
				if first {
					want[k][tt] = roundPi[k]
				}
				require.Equal(t, want[k][tt], roundPi[k], "π does not depend on the seed")
				sum += roundPi[k]
				if drawn[k] {
					hits[k][tt]++
					require.Positive(t, roundPi[k])
				}
			}
			assert.InDelta(t, n*p, sum, 1e-9, "round %d: expected count nπ", tt)
		}
	}
	for k := range n {
		year := 0.0
		for tt := range rounds {
			year += want[k][tt]
			if tt < wait[k] {
				assert.Zero(t, want[k][tt], "unit %d waits %d rounds", k, wait[k])
			}
			// Binomial(4000, π): 5 sd, at least 5 hits of slack for tiny π.
			sd := math.Sqrt(seeds * want[k][tt] * (1 - want[k][tt]))
			assert.InDelta(t, seeds*want[k][tt], float64(hits[k][tt]), 5*sd+5, "unit %d round %d", k, tt)
		}
		// ⌊1/π⌋ = 10 rounds to catch up: exactly 10π over rounds 0…9.
		sum10 := 0.0
		for tt := range 10 {
			sum10 += want[k][tt]
		}
		assert.InDelta(t, 10*p, sum10, 1e-9, "unit %d", k)
	}
}

func TestModeText(t *testing.T) {
	for _, m := range []Mode{Independent, Rotation} {
		b, err := m.MarshalText()
		require.NoError(t, err)
		var back Mode
		require.NoError(t, back.UnmarshalText(b))
		assert.Equal(t, m, back)
	}
	var m Mode
	assert.ErrorIs(t, m.UnmarshalText([]byte("weekly")), ErrBadInput)
	_, err := Mode(7).MarshalText()
	assert.ErrorIs(t, err, ErrBadInput)
	assert.Equal(t, "Mode(7)", Mode(7).String())
}

func prnForTest(seed [32]byte, id string) float64 {
	return samplingPRN(seed, "rotation", id)
}

// TestQuietCap checks the deterrence property of independent rounds: with
// the default cap, no unit of any default frequency is out of the draw for
// more than 6 monthly rounds after an inspection, and a never-inspected
// unit can be drawn in every round. Without the cap a unit inspected at
// 0.05 a year would be safe for about ten years.
func TestQuietCap(t *testing.T) {
	cfg := &Config{Length: Month}
	require.Equal(t, 6, cfg.maxQuiet())
	require.Equal(t, 2, (&Config{Length: Quarter}).maxQuiet())
	require.Equal(t, -1, (&Config{MaxQuiet: -3}).maxQuiet())
	for _, f := range []float64{0.05, 0.2, 0.6, 1, 2, 4} {
		s := NewSpacing(f/12, cfg.maxQuiet())
		for g := 7; g <= 400; g++ {
			require.Positive(t, s.Hazard(g), "f=%v: π = 0 %d rounds after an inspection", f, g)
		}
		for tt := 1; tt <= 400; tt++ {
			require.Positive(t, s.DelayHazard(tt), "f=%v: π = 0 in round %d of the history", f, tt)
		}
	}
	lo, _ := NewSpacing(0.05/12, -1).Range()
	assert.Greater(t, lo, 100, "uncapped, a rare unit is out of the draw for years")
}
