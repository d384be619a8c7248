package train

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/firedraw/firedraw/risk"
	"github.com/firedraw/firedraw/risk/internal/par"
)

// The helpers are copies of those of risk's model_bench_test.go.

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
func benchTable(n, p int) *risk.Table {
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
	return &risk.Table{Names: names, UnitIDs: ids, X: x}
}

func benchModel(p int, binned bool) *risk.Model {
	m := &risk.Model{Intercept: -2}
	for j := 0; j < p; j++ {
		t := risk.Term{Feature: fmt.Sprintf("f%02d", j), Coef: 0.1 * float64(j%7-3), Center: 0.01 * float64(j)}
		if binned && j%5 == 0 {
			t = risk.Term{Feature: t.Feature, Edges: []float64{-1, 0, 1}, Effects: []float64{-0.2, 0, 0.1, 0.4}}
		}
		m.Terms = append(m.Terms, t)
	}
	return m
}

// BenchmarkFit fits N units × 50 correlated features with a small
// penalty (the target: 1 million in ≤ 60 s):
//
//	go test ./risk/train -run '^$' -bench 'BenchmarkFit/N=1e6' -benchtime 1x
func BenchmarkFit(b *testing.B) {
	for _, n := range []int{1e4, 1e6} {
		b.Run("N="+benchSize(n)+",P=50", func(b *testing.B) {
			tab := benchTable(n, 50)
			// Correlated features (each column leans 0.9 on the previous
			// one) make the problem ill-conditioned like real features.
			for i := 0; i < n; i++ {
				row := tab.Row(i)
				for j := 1; j < len(row); j++ {
					row[j] += 0.9 * row[j-1]
				}
			}
			m := benchModel(50, false)
			s, err := m.Score(tab)
			if err != nil {
				b.Fatal(err)
			}
			r := rand.New(rand.NewPCG(2, 2))
			y := make([]bool, n)
			for i := range y {
				y[i] = r.Float64() < s.Prob[i]
			}
			b.ReportAllocs()
			b.ResetTimer()
			var info FitInfo
			for range b.N {
				if _, info, err = Fit(tab, y, FitConfig{Lambda: 1e-6}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(info.Iterations), "iterations")
			b.ReportMetric(math.Round(float64(info.Evaluations)), "evaluations")
		})
	}
}
