package sampling

import (
	"encoding/csv"
	"math"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestEstimatorTotalByHand(t *testing.T) {
	y := []float64{2, 5, 1}
	pi := []float64{0.5, 1, 0.25}
	// HT total: 2/0.5 + 5/1 + 1/0.25 = 4 + 5 + 4 = 13.
	for _, tc := range []struct {
		name string
		v    VarianceMethod
		want float64
	}{
		// Poisson: 0.5·4² + 0 + 0.75·4² = 8 + 12 = 20.
		{"poisson", PoissonVariance, 20},
		// Deville: a = (0.4, 0, 0.6), Â = 0.4·4 + 0.6·4 = 4, so every
		// residual y/π − Â is 0 for the uncertain units: v = 0.
		{"deville", DevilleVariance, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, err := HTTotal(y, pi, tc.v)
			require.NoError(t, err)
			assert.Equal(t, 13.0, e.Value)
			assert.InDelta(t, tc.want, e.Variance, 1e-12)
			assert.InDelta(t, math.Sqrt(tc.want), e.SE, 1e-12)
			assert.InDelta(t, 13-1.959963984540054*e.SE, e.Lower, 1e-12)
			assert.InDelta(t, 13+1.959963984540054*e.SE, e.Upper, 1e-12)
			assert.Equal(t, 3, e.N)
		})
	}
	t.Run("deville nonzero", func(t *testing.T) {
		// y/π = (4, 2), a = (0.5, 0.5), Â = 3, Σa² = 0.5,
		// v = (0.5·1 + 0.5·1)/(1 − 0.5) = 2.
		e, err := HTTotal([]float64{2, 1}, []float64{0.5, 0.5}, DevilleVariance)
		require.NoError(t, err)
		assert.InDelta(t, 2, e.Variance, 1e-12)
	})
	t.Run("all certain", func(t *testing.T) {
		e, err := HTTotal([]float64{2, 1}, []float64{1, 1}, DevilleVariance)
		require.NoError(t, err)
		assert.Equal(t, Estimate{Value: 3, Lower: 3, Upper: 3, N: 2, DF: 1}, Estimate{Value: e.Value, Variance: e.Variance,
			SE: e.SE, Lower: e.Lower, Upper: e.Upper, N: e.N, DF: e.DF, Warnings: e.Warnings})
		// A census has no design effect: the SRS variance is 0 too.
		assert.True(t, math.IsNaN(e.Deff) && math.IsNaN(e.NEff))
	})
}

// TestVarianceMethodsAgreeUnderSRS checks that, with equal π = n/N and the
// joint probabilities of simple random sampling, Deville's approximation
// and Sen–Yates–Grundy both reduce to the textbook SRS variance
// N²(1−n/N)s²/n (Cochran 1977, §2.5).
func TestVarianceMethodsAgreeUnderSRS(t *testing.T) {
	y := []float64{3, 7, 1, 4, 10, 2}
	const N = 20.0
	n := float64(len(y))
	pi := make([]float64, len(y))
	for k := range pi {
		pi[k] = n / N
	}
	var mean, s2 float64
	for _, v := range y {
		mean += v / n
	}
	for _, v := range y {
		s2 += (v - mean) * (v - mean) / (n - 1)
	}
	want := N * N * (1 - n/N) * s2 / n
	pkl := n * (n - 1) / (N * (N - 1))

	dev, err := Estimator{}.Total(y, pi)
	require.NoError(t, err)
	syg, err := HTTotalSYG(y, pi, func(k, l int) float64 { return pkl })
	require.NoError(t, err)
	assert.InDelta(t, N*mean, dev.Value, 1e-12)
	assert.InDelta(t, want, dev.Variance, 1e-9)
	assert.InDelta(t, want, syg.Variance, 1e-9)

	mn, err := Estimator{}.Mean(y, pi, N)
	require.NoError(t, err)
	assert.InDelta(t, mean, mn.Value, 1e-12)
	assert.InDelta(t, want/(N*N), mn.Variance, 1e-12)

	// Hájek under equal π is the sample mean; its linearised variance is
	// (1−f)s²/n, the same as the HT mean's here.
	hj, err := Estimator{}.HajekMean(y, pi)
	require.NoError(t, err)
	assert.InDelta(t, mean, hj.Value, 1e-12)
	assert.InDelta(t, (1-n/N)*s2/n, hj.Variance, 1e-12)
}

func TestHajekMeanPoissonByHand(t *testing.T) {
	// Rate of y = 1 among sampled units with unequal π.
	y := []float64{1, 0, 0, 1}
	pi := []float64{0.2, 0.5, 0.8, 0.4}
	nhat := 5 + 2 + 1.25 + 2.5
	m := (5 + 2.5) / nhat
	var v float64
	for k := range y {
		z := (y[k] - m) / nhat
		v += (1 - pi[k]) * z * z / (pi[k] * pi[k])
	}
	e, err := HajekMean(y, pi, PoissonVariance)
	require.NoError(t, err)
	assert.InDelta(t, m, e.Value, 1e-15)
	assert.InDelta(t, v, e.Variance, 1e-15)
	assert.Equal(t, 4, e.N)

	// Level 0.9 uses z = 1.6448536269514722.
	e90, err := Estimator{Variance: PoissonVariance, Level: 0.9}.HajekMean(y, pi)
	require.NoError(t, err)
	assert.InDelta(t, m+1.6448536269514722*math.Sqrt(v), e90.Upper, 1e-12)
}

func TestHTMean(t *testing.T) {
	e, err := HTMean([]float64{2, 1}, []float64{0.5, 0.25}, 10, PoissonVariance)
	require.NoError(t, err)
	assert.InDelta(t, 0.8, e.Value, 1e-15)                     // (4 + 4)/10
	assert.InDelta(t, (0.5*16+0.75*16)/100, e.Variance, 1e-15) // Poisson variance / N²
}

func TestEstimatorErrors(t *testing.T) {
	nan := math.NaN()
	for _, tc := range []struct {
		name string
		e    Estimator
		y    []float64
		pi   []float64
		msg  string
	}{
		{"empty sample", Estimator{}, nil, nil, "empty sample"},
		{"pi zero", Estimator{}, []float64{1, 2}, []float64{0, 0.5}, "sampled unit 0: inclusion probability 0"},
		{"pi above 1", Estimator{}, []float64{1, 2}, []float64{0.5, 1.5}, "sampled unit 1: inclusion probability 1.5"},
		{"pi NaN", Estimator{}, []float64{1, 2}, []float64{0.5, nan}, "inclusion probability NaN"},
		{"y NaN", Estimator{}, []float64{1, nan}, []float64{0.5, 0.5}, "sampled unit 1: value NaN"},
		{"y Inf", Estimator{}, []float64{math.Inf(-1), 1}, []float64{0.5, 0.5}, "value -Inf"},
		{"unknown interval", Estimator{Interval: 7}, []float64{1, 2}, []float64{0.5, 0.5}, "IntervalMethod(7)"},
		{"level 1", Estimator{Level: 1}, []float64{1, 2}, []float64{0.5, 0.5}, "Level 1"},
		{"level NaN", Estimator{Level: nan}, []float64{1, 2}, []float64{0.5, 0.5}, "Level NaN"},
		{"unknown method", Estimator{Variance: 9}, []float64{1, 2}, []float64{0.5, 0.5}, "VarianceMethod(9)"},
		{"syg without joint", Estimator{Variance: SYGVariance}, []float64{1, 2}, []float64{0.5, 0.5}, "needs Estimator.Joint"},
		{"syg bad joint", Estimator{Variance: SYGVariance, Joint: func(k, l int) float64 { return 0.6 }}, []float64{1, 2}, []float64{0.5, 0.5}, "joint inclusion probability 0.6"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, f := range []func() (Estimate, error){
				func() (Estimate, error) { return tc.e.Total(tc.y, tc.pi) },
				func() (Estimate, error) { return tc.e.Mean(tc.y, tc.pi, 100) },
				func() (Estimate, error) { return tc.e.HajekMean(tc.y, tc.pi) },
			} {
				_, err := f()
				require.Error(t, err)
				assert.ErrorIs(t, err, ErrBadEstimate)
				assert.Contains(t, err.Error(), tc.msg)
			}
		})
	}
	_, err := HTMean([]float64{1}, []float64{1}, 0, PoissonVariance)
	assert.ErrorIs(t, err, ErrBadEstimate)
	_, err = HTMean([]float64{1}, []float64{1}, nan, PoissonVariance)
	assert.ErrorIs(t, err, ErrBadEstimate)
	assert.PanicsWithValue(t, "sampling: Estimator.Total: 2 values but 1 probabilities", func() {
		_, _ = HTTotal([]float64{1, 2}, []float64{1}, PoissonVariance)
	})
}

func TestVarianceMethodString(t *testing.T) {
	assert.Equal(t, "deville", DevilleVariance.String())
	assert.Equal(t, "poisson", PoissonVariance.String())
	assert.Equal(t, "syg", SYGVariance.String())
	assert.Equal(t, "VarianceMethod(7)", VarianceMethod(7).String())
}

// goldenSample is one sample of testdata/sampling/estimate_units.csv.
type goldenSample struct {
	y, pi []float64
	pikl  [][]float64 // nil unless the case has joint probabilities
}

func readEstimateUnits(t *testing.T) map[string]*goldenSample {
	t.Helper()
	rows := readCSV(t, "../testdata/sampling/estimate_units.csv")
	require.Equal(t, []string{"case", "k", "y", "pik", "pikl"}, rows[0])
	out := map[string]*goldenSample{}
	for _, r := range rows[1:] {
		s := out[r[0]]
		if s == nil {
			s = &goldenSample{}
			out[r[0]] = s
		}
		require.Equal(t, strconv.Itoa(len(s.y)), r[1], "units of case %s out of order", r[0])
		s.y = append(s.y, parseFloat(t, r[2]))
		s.pi = append(s.pi, parseFloat(t, r[3]))
		if r[4] != "" {
			var row []float64
			for _, v := range strings.Split(r[4], ";") {
				row = append(row, parseFloat(t, v))
			}
			s.pikl = append(s.pikl, row)
		}
	}
	return out
}

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	require.NoError(t, err)
	require.NotEmpty(t, rows)
	return rows
}

func parseFloat(t *testing.T, s string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(s, 64)
	require.NoError(t, err)
	return v
}

// TestEstimatorMatchesR compares every estimator and variance method with
// R (sampling::HTestimator, varest, varHT and survey::svytotal, svymean) on
// the samples written by examples/peers/estimate.R. 1e-9 relative leaves
// room only for summation order.
func TestEstimatorMatchesR(t *testing.T) {
	units := readEstimateUnits(t)
	rows := readCSV(t, "../testdata/sampling/estimate_golden.csv")
	require.Equal(t, []string{"case", "estimator", "method", "value", "variance"}, rows[0])
	require.GreaterOrEqual(t, len(rows), 30)
	methods := map[string]VarianceMethod{"deville": DevilleVariance, "poisson": PoissonVariance, "syg": SYGVariance}
	for _, r := range rows[1:] {
		t.Run(strings.Join(r[:3], "/"), func(t *testing.T) {
			s := units[r[0]]
			require.NotNil(t, s, "no units for case %s", r[0])
			m, ok := methods[r[2]]
			require.True(t, ok, "method %s", r[2])
			e := Estimator{Variance: m}
			if m == SYGVariance {
				require.Len(t, s.pikl, len(s.y))
				e.Joint = func(k, l int) float64 { return s.pikl[k][l] }
			}
			var got Estimate
			var err error
			switch r[1] {
			case "total", "total_survey":
				got, err = e.Total(s.y, s.pi)
			case "hajek":
				got, err = e.HajekMean(s.y, s.pi)
			default:
				t.Fatalf("unknown estimator %s", r[1])
			}
			require.NoError(t, err)
			assert.InEpsilon(t, parseFloat(t, r[3]), got.Value, 1e-9, "value")
			assert.InEpsilon(t, parseFloat(t, r[4]), got.Variance, 1e-9, "variance")
			assert.Equal(t, len(s.y), got.N)
		})
	}
}

func TestVarianceFor(t *testing.T) {
	assert.Equal(t, DevilleVariance, VarianceFor(Systematic))
	assert.Equal(t, DevilleVariance, VarianceFor(Pareto))
	assert.Equal(t, PoissonVariance, VarianceFor(Poisson))
}

// domainSample is a hand-made Poisson sample of 8 units in domains a, b
// and c, where c has no sampled unit.
func domainSample() (*Sample, []float64, []string) {
	nan := math.NaN()
	s := &Sample{
		Design:   Poisson,
		IDs:      []string{"u0", "u1", "u2", "u3", "u4", "u5", "u6", "u7"},
		Pi:       []float64{0.2, 0.5, 0.8, 0.4, 0.25, 1, 0.5, 0.1},
		Selected: []bool{true, false, true, true, true, true, false, false},
		Size:     5,
	}
	s.Target = s.Pi
	y := []float64{1, nan, 0, 1, 0, 1, nan, nan} // unselected units are not read
	dom := []string{"b", "a", "a", "b", "a", "b", "c", "c"}
	return s, y, dom
}

func TestDomains(t *testing.T) {
	s, y, dom := domainSample()
	for _, m := range []VarianceMethod{PoissonVariance, DevilleVariance} {
		t.Run(m.String(), func(t *testing.T) {
			e := Estimator{Variance: m}
			got, err := e.Domains(s, y, dom)
			require.NoError(t, err)
			require.Len(t, got, 3)
			assert.Equal(t, []string{"a", "b", "c"}, []string{got[0].Domain, got[1].Domain, got[2].Domain})
			assert.Equal(t, []int{3, 3, 2}, []int{got[0].Units, got[1].Units, got[2].Units})

			// Sampled units in frame order: u0 u2 u3 u4 u5.
			pi := []float64{0.2, 0.8, 0.4, 0.25, 1}
			yb := []float64{1, 0, 1, 0, 1} // y inside b, 0 outside
			inb := []float64{1, 0, 1, 0, 1}
			tot, err := e.Total(yb, pi)
			require.NoError(t, err)
			size, err := e.Total(inb, pi)
			require.NoError(t, err)
			b := got[1]
			assert.InDelta(t, tot.Value, b.Total.Value, 1e-12)
			assert.InDelta(t, tot.Variance, b.Total.Variance, 1e-12)
			assert.InDelta(t, size.Value, b.Size.Value, 1e-12)
			assert.InDelta(t, size.Variance, b.Size.Variance, 1e-12)
			assert.Equal(t, 3, b.Total.N)
			// Every sampled unit of b has y = 1: the rate is 1, and the
			// linearised residuals are all 0.
			assert.InDelta(t, 1, b.Mean.Value, 1e-12)
			assert.InDelta(t, 0, b.Mean.Variance, 1e-12)

			c := got[2]
			assert.Equal(t, 0.0, c.Total.Value)
			assert.Equal(t, 0, c.Mean.N)
			assert.True(t, math.IsNaN(c.Mean.Value) && math.IsNaN(c.Mean.Lower))
		})
	}
	t.Run("poisson domain equals subsample", func(t *testing.T) {
		// Under Poisson sampling a domain's Hájek estimate is the same
		// whether computed on the whole sample or on the domain's own units.
		got, err := EstimateByDomain(s, y, dom)
		require.NoError(t, err)
		want, err := HajekMean([]float64{0, 0}, []float64{0.8, 0.25}, PoissonVariance)
		require.NoError(t, err)
		assert.InDelta(t, want.Value, got[0].Mean.Value, 1e-12)
		assert.InDelta(t, want.Variance, got[0].Mean.Variance, 1e-12)
		// Domain a is all zeros: rate 0 with variance 0. Use a mixed one:
		y2 := append([]float64(nil), y...)
		y2[2] = 1
		got, err = EstimateByDomain(s, y2, dom)
		require.NoError(t, err)
		want, err = HajekMean([]float64{1, 0}, []float64{0.8, 0.25}, PoissonVariance)
		require.NoError(t, err)
		assert.InDelta(t, want.Value, got[0].Mean.Value, 1e-12)
		assert.InDelta(t, want.Variance, got[0].Mean.Variance, 1e-12)
		assert.Greater(t, got[0].Mean.Variance, 0.0)
	})
	t.Run("nil domain is the whole frame", func(t *testing.T) {
		got, err := Estimator{}.Domains(s, y, nil)
		require.NoError(t, err)
		require.Len(t, got, 1)
		ys := []float64{1, 0, 1, 0, 1}
		pi := []float64{0.2, 0.8, 0.4, 0.25, 1}
		tot, err := Estimator{}.Total(ys, pi)
		require.NoError(t, err)
		hj, err := Estimator{}.HajekMean(ys, pi)
		require.NoError(t, err)
		assert.Equal(t, "", got[0].Domain)
		assert.Equal(t, 8, got[0].Units)
		assert.InDelta(t, tot.Variance, got[0].Total.Variance, 1e-12)
		assert.InDelta(t, hj.Value, got[0].Mean.Value, 1e-12)
		assert.InDelta(t, hj.Variance, got[0].Mean.Variance, 1e-12)
	})
	t.Run("errors", func(t *testing.T) {
		y2 := append([]float64(nil), y...)
		y2[3] = math.NaN()
		_, err := EstimateByDomain(s, y2, dom)
		assert.ErrorIs(t, err, ErrBadEstimate)
		assert.Contains(t, err.Error(), `unit 3 ("u3"): value NaN`)

		empty := *s
		empty.Selected = make([]bool, 8)
		_, err = EstimateByDomain(&empty, y, dom)
		assert.ErrorIs(t, err, ErrBadEstimate)

		assert.Panics(t, func() { _, _ = EstimateByDomain(s, y[:3], dom) })
		assert.Panics(t, func() { _, _ = EstimateByDomain(s, y, dom[:3]) })
	})
}

func TestDomainsWithSelect(t *testing.T) {
	// A systematic draw of 40 units from 400, rates by domain: the
	// estimated domain sizes must be near the true sizes and their
	// intervals must be finite.
	const N = 400
	ids := make([]string, N)
	w := make([]float64, N)
	y := make([]float64, N)
	dom := make([]string, N)
	for k := range ids {
		ids[k] = "unit-" + strconv.Itoa(k)
		w[k] = 1 + float64(k%10)
		y[k] = float64(k % 3 / 2)
		dom[k] = []string{"north", "south"}[k%2]
	}
	pi, err := InclusionProbabilities(w, 40)
	require.NoError(t, err)
	var seed Seed
	s, err := Select(Systematic, ids, pi, seed, "domains")
	require.NoError(t, err)
	got, err := EstimateByDomain(s, y, dom)
	require.NoError(t, err)
	require.Len(t, got, 2)
	for _, d := range got {
		assert.Equal(t, N/2, d.Units)
		assert.Positive(t, d.Mean.N)
		assert.True(t, d.Mean.Lower <= d.Mean.Value && d.Mean.Value <= d.Mean.Upper)
		assert.InDelta(t, float64(d.Units), d.Size.Value, 4*d.Size.SE+1e-9, "domain %s size", d.Domain)
	}
}

func BenchmarkEstimator(b *testing.B) {
	const n = 100000
	rng := rand.New(rand.NewPCG(3, 4))
	y := make([]float64, n)
	pi := make([]float64, n)
	for k := range y {
		pi[k] = 0.01 + 0.99*rng.Float64()
		if rng.Float64() < 0.1 {
			y[k] = 1
		}
	}
	for _, m := range []VarianceMethod{DevilleVariance, PoissonVariance} {
		b.Run("HajekMean/"+m.String()+"/n=1e5", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := HajekMean(y, pi, m); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkDomains(b *testing.B) {
	const N = 1000000
	rng := rand.New(rand.NewPCG(5, 6))
	ids := make([]string, N)
	pi := make([]float64, N)
	y := make([]float64, N)
	dom := make([]string, N)
	names := make([]string, 32) // 4 levels × 8 districts
	for d := range names {
		names[d] = "d" + strconv.Itoa(d)
	}
	for k := range ids {
		ids[k] = strconv.Itoa(k)
		pi[k] = 0.1 * rng.Float64()
		if rng.Float64() < 0.1 {
			y[k] = 1
		}
		dom[k] = names[rng.IntN(len(names))]
	}
	s, err := Select(Systematic, ids, pi, Seed{}, "bench")
	require.NoError(b, err)
	b.Run("N=1e6/domains=32", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := EstimateByDomain(s, y, dom); err != nil {
				b.Fatal(err)
			}
		}
	})
}
