package sampling

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/stat/distuv"
	"gonum.org/v1/gonum/stat/sampleuv"
)

func TestDesignNames(t *testing.T) {
	assert.Equal(t, Systematic, Design(0), "the zero Design is the exact fixed-size one")
	for _, d := range []Design{Systematic, Pareto, Poisson} {
		got, err := ParseDesign(" " + strings.ToUpper(d.String()) + " ")
		require.NoError(t, err)
		assert.Equal(t, d, got)
		b, err := json.Marshal(d)
		require.NoError(t, err)
		var back Design
		require.NoError(t, json.Unmarshal(b, &back))
		assert.Equal(t, d, back)
	}
	_, err := ParseDesign("bernoulli")
	assert.Error(t, err)
	assert.Equal(t, "Design(9)", Design(9).String())
	_, err = Design(9).MarshalText()
	assert.Error(t, err)
}

func TestSelectErrors(t *testing.T) {
	seed := testSeed(0)
	for _, tc := range []struct {
		name string
		ids  []string
		pi   []float64
		err  error
		text string
	}{
		{"empty", nil, nil, ErrEmptyFrame, "no units"},
		{"duplicate", []string{"a", "b", "c", "b"}, []float64{0.5, 0.5, 0.5, 0.5}, ErrDuplicateUnit, `sampling: unit 3 ("b"): same ID as unit 1: duplicate unit in frame`},
		{"NaN", []string{"a", "b"}, []float64{0.5, math.NaN()}, ErrBadProbability, `unit 1 ("b"): π NaN`},
		{"negative", []string{"a", "b"}, []float64{-0.1, 0.5}, ErrBadProbability, `unit 0 ("a"): π -0.1`},
		{"above one", []string{"a", "b"}, []float64{1.5, 0.5}, ErrBadProbability, `unit 0 ("a"): π 1.5`},
		{"+Inf", []string{"a", "b"}, []float64{math.Inf(1), 0.5}, ErrBadProbability, `π +Inf`},
		{"all zero", []string{"a", "b"}, []float64{0, 0}, ErrBadSize, "all 2 units have π = 0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, d := range []Design{Systematic, Pareto, Poisson} {
				_, err := Select(d, tc.ids, tc.pi, seed, "")
				require.Error(t, err, "%v", d)
				assert.True(t, errors.Is(err, tc.err), "%v: %v", d, err)
				assert.Contains(t, err.Error(), tc.text)
			}
		})
	}
	// In a frame large enough for the bucket sort (and its reuse form),
	// with one copy and with a thousand copies of an ID.
	ids := testIDs(50_000)
	pi := make([]float64, len(ids))
	for i := range pi {
		pi[i] = 0.1
	}
	ids[40_000] = ids[123]
	var s Sample
	err := SelectInto(&s, Systematic, ids, pi, seed, "")
	assert.ErrorIs(t, err, ErrDuplicateUnit)
	assert.ErrorContains(t, err, `unit 40000 ("`+ids[123]+`"): same ID as unit 123`)
	for i := 1000; i < 2000; i++ {
		ids[i] = ids[999]
	}
	_, err = Select(Poisson, ids, pi, seed, "")
	assert.ErrorContains(t, err, "unit 1000 (")
	assert.ErrorContains(t, err, "same ID as unit 999")
	_, err = Select(Pareto, []string{"a", "b", "c"}, []float64{0.5, 0.7, 0.2}, seed, "")
	assert.True(t, errors.Is(err, ErrBadProbability), "Pareto with Σπ = 1.4: %v", err)
	_, err = Select(Design(7), []string{"a"}, []float64{0.5}, seed, "")
	assert.Error(t, err)
	assert.Panics(t, func() { _, _ = Select(Systematic, []string{"a"}, []float64{0.5, 0.5}, seed, "") })
}

// heavyTailed is the weight vector of the frequency tests: N lognormal(0,
// 1.5) weights at a fixed seed, with n chosen so that several units are
// capped at π = 1.
func heavyTailed(t *testing.T, N int, n float64) (ids []string, pi []float64) {
	t.Helper()
	r := rand.New(rand.NewPCG(2026, 11))
	w := make([]float64, N)
	for i := range w {
		w[i] = math.Exp(1.5 * r.NormFloat64())
	}
	pi, err := InclusionProbabilities(w, n)
	require.NoError(t, err)
	capped := 0
	for _, p := range pi {
		if p == 1 {
			capped++
		}
	}
	require.GreaterOrEqual(t, capped, 3, "the test vector must have capped units")
	return testIDs(N), pi
}

// checkFrequencies compares the inclusion counts of R seeded draws with the
// probabilities pi: certain units (π = 1) must be drawn every time and
// π = 0 never; for the others z_k = (count_k − Rπ_k)/sqrt(Rπ_k(1−π_k)).
//
// Tolerances: under the null each z is about N(0,1); with ~150 units,
// P(max|z| > 4.5) ≈ 150·6.8e-6 ≈ 0.001. The χ² aggregate Σz² has df equal to
// the number of uncertain units for independent draws (Poisson); for
// fixed-size designs the counts are negatively correlated (their sum is
// fixed), which makes Σz² smaller, so comparing it with the 0.999 quantile
// of χ²(df) stays a valid (conservative) test. The seeds are fixed, so the
// outcome is deterministic.
func checkFrequencies(t *testing.T, counts []int, R int, pi []float64) {
	t.Helper()
	var maxZ, chi2 float64
	df := 0
	for i, p := range pi {
		switch {
		case p == 1:
			assert.Equalf(t, R, counts[i], "certain unit %d", i)
		case p == 0:
			assert.Zerof(t, counts[i], "unit %d with π = 0", i)
		default:
			z := (float64(counts[i]) - float64(R)*p) / math.Sqrt(float64(R)*p*(1-p))
			maxZ = math.Max(maxZ, math.Abs(z))
			chi2 += z * z
			df++
		}
	}
	crit := distuv.ChiSquared{K: float64(df)}.Quantile(0.999)
	t.Logf("%d draws: max|z| = %.2f (< 4.5), χ² = %.1f on %d df (< %.1f)", R, maxZ, chi2, df, crit)
	assert.Less(t, maxZ, 4.5)
	assert.Less(t, chi2, crit)
}

// drawCounts runs R draws of the design with seeds testSeed(offset+r) and
// counts how often each unit is selected; fixed-size designs must hit
// their size every time.
func drawCounts(t *testing.T, d Design, ids []string, pi []float64, R, offset int) []int {
	t.Helper()
	counts := make([]int, len(ids))
	var sum float64
	for _, p := range pi {
		sum += p
	}
	for r := range R {
		s, err := Select(d, ids, pi, testSeed(offset+r), "freq")
		require.NoError(t, err)
		if d != Poisson {
			require.Equal(t, int(math.Round(sum)), s.Size, "draw %d", r)
		}
		for i, b := range s.Selected {
			if b {
				counts[i]++
			}
		}
	}
	return counts
}

// TestSelectOrderIndependence: shuffling the frame changes nothing but the
// order of the output.
func TestSelectOrderIndependence(t *testing.T) {
	ids, pi := heavyTailed(t, 150, 30)
	perm := rand.New(rand.NewPCG(5, 6)).Perm(len(ids))
	ids2 := make([]string, len(ids))
	pi2 := make([]float64, len(ids))
	for i, j := range perm {
		ids2[j], pi2[j] = ids[i], pi[i]
	}
	for _, d := range []Design{Systematic, Pareto, Poisson} {
		a, err := Select(d, ids, pi, testSeed(9), "x")
		require.NoError(t, err)
		b, err := Select(d, ids2, pi2, testSeed(9), "x")
		require.NoError(t, err)
		for i, j := range perm {
			assert.Equal(t, a.Selected[i], b.Selected[j], "%v unit %d", d, i)
			assert.Equal(t, a.PRN[i], b.PRN[j])
			assert.Equal(t, a.Pi[i], b.Pi[j])
		}
		assert.Equal(t, a.Size, b.Size)
	}
}

// TestSelectGolden pins the exact draws of each design at a fixed seed; a
// change here breaks every published disclosure. Regenerate only with
// -update, and only for a new PRN or design version.
func TestSelectGolden(t *testing.T) {
	ids, pi := heavyTailed(t, 150, 30)
	var b strings.Builder
	for _, d := range []Design{Systematic, Pareto, Poisson} {
		s, err := Select(d, ids, pi, testSeed(2026), "golden")
		require.NoError(t, err)
		fmt.Fprintf(&b, "%s size=%d:", d, s.Size)
		for i, sel := range s.Selected {
			if sel {
				fmt.Fprintf(&b, " %s", ids[i])
			}
		}
		b.WriteByte('\n')
	}
	path := goldenPath("select.golden")
	if updating() {
		require.NoError(t, os.WriteFile(path, []byte(b.String()), 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, string(want), b.String())
}

func TestSelectKeepsEveryUnit(t *testing.T) {
	ids := []string{"z", "a", "m", "q"}
	pi := []float64{1, 0, 0.5, 0.5}
	for _, d := range []Design{Systematic, Pareto, Poisson} {
		s, err := Select(d, ids, pi, testSeed(1), "")
		require.NoError(t, err)
		assert.Equal(t, ids, s.IDs)
		assert.Equal(t, pi, s.Target)
		assert.Len(t, s.PRN, 4)
		assert.Len(t, s.Pi, 4)
		assert.Len(t, s.Selected, 4)
		assert.True(t, s.Selected[0])
		assert.False(t, s.Selected[1])
		assert.Equal(t, d, s.Design)
		if d != Poisson {
			assert.Equal(t, 2, s.Size)
		}
	}
}

// TestTrapSuccessiveSampling documents the trap the usual "weighted sample
// without replacement" tools fall into. gonum's sampleuv.Weighted (draw
// one unit ∝ w, remove it, repeat), numpy's choice(replace=False, p=…) and
// Efraimidis–Spirakis keys (take the n largest u^(1/w)) all do successive
// sampling, whose inclusion probabilities are NOT proportional to w. For
// w = [1, 2, 3] and n = 2 they are exactly
//
//	P(1) = 1/6 + 2/6·1/4 + 3/6·1/3        = 5/12   ≈ 0.417
//	P(2) = 2/6 + 1/6·2/5 + 3/6·2/3        = 11/15  ≈ 0.733
//	P(3) = 3/6 + 1/6·3/5 + 2/6·3/4        = 17/20  = 0.850
//
// instead of the πps targets 1/3, 2/3, 1: the riskiest unit escapes
// inspection 15 % of the time although it should never. Our exact designs
// hit the targets, and Pareto reports the π it really realises.
func TestTrapSuccessiveSampling(t *testing.T) {
	w := []float64{1, 2, 3}
	successive := []float64{5.0 / 12, 11.0 / 15, 17.0 / 20}
	const R = 20_000
	// Binomial standard error at R = 20,000 is at most 0.0036; 4.5 of them
	// is 0.016, far below the 0.08–0.15 gaps the test exhibits.
	tol := 4.5 * math.Sqrt(0.25/R)

	gonumCounts := make([]int, 3)
	esCounts := make([]int, 3)
	r := rand.New(rand.NewPCG(7, 8))
	for range R {
		for _, i := range gonumTake(w, 2, r) {
			gonumCounts[i]++
		}
		for _, i := range efraimidisSpirakis(w, 2, r) {
			esCounts[i]++
		}
	}
	pi, err := InclusionProbabilities(w, 2)
	require.NoError(t, err)
	assert.InDeltaSlice(t, []float64{1.0 / 3, 2.0 / 3, 1}, pi, 1e-15)
	ids := []string{"w1", "w2", "w3"}
	sysCounts := drawCounts(t, Systematic, ids, pi, R, 0)
	poiCounts := drawCounts(t, Poisson, ids, pi, R, 0)
	for i := range w {
		assert.InDelta(t, successive[i], float64(gonumCounts[i])/R, tol, "gonum unit %d", i)
		assert.InDelta(t, successive[i], float64(esCounts[i])/R, tol, "Efraimidis–Spirakis unit %d", i)
		assert.InDelta(t, pi[i], float64(sysCounts[i])/R, tol, "systematic unit %d", i)
		assert.InDelta(t, pi[i], float64(poiCounts[i])/R, tol, "Poisson unit %d", i)
		assert.Greater(t, math.Abs(successive[i]-pi[i]), 0.06, "the trap is real for unit %d", i)
	}
	t.Logf("w=[1,2,3], n=2: gonum %v, E-S %v, systematic %v (targets 1/3, 2/3, 1)",
		freq(gonumCounts, R), freq(esCounts, R), freq(sysCounts, R))

	// Pareto: fixed size, but with 2 units left its true π are 0.283 and
	// 0.717, not 1/3 and 2/3 — and Select says so.
	paretoPi, err := ParetoProbabilities(pi)
	require.NoError(t, err)
	c := 0.25 // P(O1/θ1 < O2/θ2) for log-logistic odds, θ = 1/2 and 2: c(c−1−ln c)/(c−1)²
	assert.InDelta(t, c*(c-1-math.Log(c))/((c-1)*(c-1)), paretoPi[0], 1e-6)
	parCounts := paretoCounts(t, ids, pi, R, 0)
	for i := range w {
		assert.InDelta(t, paretoPi[i], float64(parCounts[i])/R, tol, "Pareto unit %d", i)
	}
}

// paretoCounts is drawCounts for Pareto without recomputing the true π in
// every draw (Select does; the selection is the same code).
func paretoCounts(t *testing.T, ids []string, lambda []float64, R, offset int) []int {
	t.Helper()
	counts := make([]int, len(ids))
	var uncertain []int32
	for i, l := range lambda {
		if l > 0 && l < 1 {
			uncertain = append(uncertain, int32(i))
		}
	}
	k, err := paretoSize(lambda, uncertain)
	require.NoError(t, err)
	sel := make([]bool, len(ids))
	var u []float64
	for r := range R {
		u = PRNs(testSeed(offset+r), "freq", ids, u)
		clear(sel)
		paretoSelect(ids, lambda, u, uncertain, k, sel)
		size := 0
		for i, b := range sel {
			if b || lambda[i] == 1 {
				counts[i]++
				size++
			}
		}
		require.Equal(t, k+countOnes(lambda), size)
	}
	return counts
}

func countOnes(x []float64) int {
	c := 0
	for _, v := range x {
		if v == 1 {
			c++
		}
	}
	return c
}

func freq(c []int, R int) []string {
	out := make([]string, len(c))
	for i, x := range c {
		out[i] = fmt.Sprintf("%.3f", float64(x)/float64(R))
	}
	return out
}

// efraimidisSpirakis takes the n units with the largest u^(1/w)
// (Efraimidis & Spirakis 2006) — successive sampling in disguise.
func efraimidisSpirakis(w []float64, n int, r *rand.Rand) []int {
	idx := make([]int, len(w))
	key := make([]float64, len(w))
	for i := range w {
		idx[i] = i
		key[i] = math.Pow(r.Float64(), 1/w[i])
	}
	slices.SortFunc(idx, func(a, b int) int {
		switch {
		case key[a] > key[b]:
			return -1
		case key[a] < key[b]:
			return 1
		}
		return 0
	})
	return idx[:n]
}

// gonumTake draws n units with gonum's sampleuv.Weighted.
func gonumTake(w []float64, n int, r *rand.Rand) []int {
	s := sampleuv.NewWeighted(w, rand.NewPCG(r.Uint64(), r.Uint64()))
	out := make([]int, 0, n)
	for range n {
		i, ok := s.Take()
		if !ok {
			break
		}
		out = append(out, i)
	}
	return out
}

// TestGonumAcceptsBadWeights shows that gonum's sampleuv.Weighted takes
// NaN and negative weights without complaint and draws nonsense, while
// InclusionProbabilities rejects them naming the unit.
func TestGonumAcceptsBadWeights(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	const R = 2000
	// NaN poisons every partial sum of the heap; every comparison is false,
	// so the walk ends on the NaN unit: it is drawn first every time.
	nanFirst := 0
	for range R {
		if got := gonumTake([]float64{1, math.NaN(), 2}, 1, r); len(got) == 1 && got[0] == 1 {
			nanFirst++
		}
	}
	assert.Equal(t, R, nanFirst, "gonum draws the NaN-weight unit first every time")

	// A negative weight is accepted too and distorts the others' chances.
	counts := make([]int, 3)
	for range R {
		for _, i := range gonumTake([]float64{1, -1, 2}, 1, r) {
			counts[i]++
		}
	}
	t.Logf("gonum first draw with w = [1, -1, 2]: counts %v of %d", counts, R)
	assert.NotEqual(t, []int{R / 3, 0, 2 * R / 3}, counts)

	for _, w := range [][]float64{{1, math.NaN(), 2}, {1, -1, 2}} {
		_, err := InclusionProbabilities(w, 1)
		assert.True(t, errors.Is(err, ErrBadWeight), "%v", err)
		assert.Contains(t, err.Error(), "unit 1")
	}
}

// TestSelectIntoReuses: SelectInto gives Select's draw, reuses the memory
// of the previous draw (PRNs, flags, sort buffer) when it is large enough,
// and a smaller frame after a larger one leaves no stale flags.
func TestSelectIntoReuses(t *testing.T) {
	seed := testSeed(9)
	w := make([]float64, 20_000)
	for i := range w {
		w[i] = float64(1 + i%13)
	}
	var s Sample
	var pi []float64
	for _, n := range []int{20_000, 20_000, 5_000} {
		var err error
		pi, err = InclusionProbabilitiesInto(pi, w[:n], float64(n/50))
		require.NoError(t, err)
		want, err := Select(Systematic, testIDs(n), pi, seed, "r")
		require.NoError(t, err)
		prn, sel, scratch := s.PRN, s.Selected, s.scratch
		require.NoError(t, SelectInto(&s, Systematic, testIDs(n), pi, seed, "r"))
		assert.Equal(t, want.PRN, s.PRN)
		assert.Equal(t, want.Selected, s.Selected)
		assert.Equal(t, want.Size, s.Size)
		assert.Equal(t, n/50, s.Size)
		if prn != nil {
			assert.Same(t, &prn[0], &s.PRN[0], "PRN memory reused")
			assert.Same(t, &sel[0], &s.Selected[0], "flag memory reused")
			assert.Same(t, &scratch[0], &s.scratch[0], "sort buffer reused")
		}
		p2, err := InclusionProbabilities(w[:n], float64(n/50))
		require.NoError(t, err)
		assert.Equal(t, p2, pi)
	}
}

func TestSelectPart(t *testing.T) {
	ids := []string{"a", "b", "c", "d", "e", "f"}
	pi := []float64{0.5, 0.5, 0.5, 0.5, 0.5, 0.5}
	seed := Seed{7}
	whole, err := Select(Systematic, ids, pi, seed, "units")
	require.NoError(t, err)
	same, err := SelectPart(Systematic, ids, pi, seed, "units", "")
	require.NoError(t, err)
	assert.Equal(t, whole.Selected, same.Selected, "part \"\" is Select")
	// Parts share the PRNs of the stream but draw their own starts.
	starts := map[float64]bool{}
	for _, part := range []string{"high/D1", "low/D1", "high/D2", "low/D2"} {
		s, err := SelectPart(Systematic, ids, pi, seed, "units", part)
		require.NoError(t, err)
		assert.Equal(t, whole.PRN, s.PRN)
		assert.Equal(t, 3, s.Size, "Σπ = 3 units, exactly")
		starts[startPRN(seed, "units", part)] = true
	}
	assert.Len(t, starts, 4)
}
