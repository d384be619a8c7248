package sampling_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"strconv"
	"sync"
	"testing"

	"github.com/firedraw/firedraw/sampling"
)

// benchFrame is a frame of N units with 18-character IDs (like unified
// social credit codes) and lognormal(0, 1.5) weights, built once per size.
type benchFrame struct {
	ids []string
	w   []float64
}

var (
	framesMu sync.Mutex
	frames   = map[int]*benchFrame{}
)

func frame(N int) *benchFrame {
	framesMu.Lock()
	defer framesMu.Unlock()
	if f, ok := frames[N]; ok {
		return f
	}
	r := rand.New(rand.NewPCG(1, uint64(N)))
	// One backing array for all IDs: 18 bytes each plus a 16-byte header.
	f := &benchFrame{ids: make([]string, N), w: make([]float64, N)}
	buf := make([]byte, 0, 18*N)
	for i := range N {
		start := len(buf)
		buf = append(buf, "9111"...)
		buf = strconv.AppendUint(buf, 1e13+uint64(i)*7919, 10)
		f.ids[i] = string(buf[start:])
		f.w[i] = math.Exp(1.5 * r.NormFloat64())
	}
	frames[N] = f
	return f
}

var sizes = []struct {
	name string
	N, n int
}{
	{"N=1e5", 1e5, 1e3},
	{"N=1e6", 1e6, 1e4},
	{"N=1e7", 1e7, 1e5},
}

func BenchmarkInclusionProbabilities(b *testing.B) {
	for _, sz := range sizes {
		b.Run(sz.name, func(b *testing.B) {
			f := frame(sz.N)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := sampling.InclusionProbabilities(f.w, float64(sz.n)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkPRNs(b *testing.B) {
	var seed sampling.Seed
	for _, sz := range sizes {
		b.Run(sz.name, func(b *testing.B) {
			f := frame(sz.N)
			dst := make([]float64, sz.N)
			b.ReportAllocs()
			for b.Loop() {
				dst = sampling.PRNs(seed, "bench", f.ids, dst)
			}
		})
	}
}

// BenchmarkSelect times the whole pipeline: inclusion probabilities from the
// weights, PRNs and the draw (n = N/100). At N = 1e7 the frame itself holds
// 0.42 GB and a draw allocates 0.22 GB (π 80 MB, PRNs 80 MB, Selected 10 MB,
// the sort buffer 40 MB); run with GOMEMLIMIT=950MiB to keep the process
// under 1 GB (maximum RSS 0.98 GiB; the default GC pacing lets it reach
// 1.16 GB).
func BenchmarkSelect(b *testing.B) {
	var seed sampling.Seed
	for _, d := range []sampling.Design{sampling.Systematic, sampling.Poisson, sampling.Pareto} {
		for _, sz := range sizes {
			if d == sampling.Pareto && sz.N > 1e6 {
				continue // its true π cost 256 passes over the frame
			}
			b.Run(fmt.Sprintf("design=%v/%s", d, sz.name), func(b *testing.B) {
				f := frame(sz.N)
				runtime.GC() // do not bill the frame's construction garbage to the draw
				b.ReportAllocs()
				for b.Loop() {
					pi, err := sampling.InclusionProbabilities(f.w, float64(sz.n))
					if err != nil {
						b.Fatal(err)
					}
					s, err := sampling.Select(d, f.ids, pi, seed, "bench")
					if err != nil {
						b.Fatal(err)
					}
					if d != sampling.Poisson && s.Size != sz.n {
						b.Fatalf("size %d, want %d", s.Size, sz.n)
					}
				}
			})
		}
	}
}

// BenchmarkSelectInto is BenchmarkSelect for a service that draws again
// and again: InclusionProbabilitiesInto and SelectInto reuse the previous
// draw's memory (an untimed first draw), so a draw allocates nothing large
// and touches no fresh memory. The target of issue #4 (π, PRNs and a fixed-size exact-π draw
// at N = 1e7 in ≤ 0.25 s, memory ≤ 1 GB):
//
//	go test ./sampling -run '^$' -bench 'SelectInto/design=systematic/N=1e7' -benchtime 10x -benchmem
func BenchmarkSelectInto(b *testing.B) {
	var seed sampling.Seed
	for _, d := range []sampling.Design{sampling.Systematic, sampling.Poisson} {
		for _, sz := range sizes {
			b.Run(fmt.Sprintf("design=%v/%s", d, sz.name), func(b *testing.B) {
				f := frame(sz.N)
				runtime.GC()
				// The previous draw, whose memory the timed ones reuse.
				pi, err := sampling.InclusionProbabilitiesInto(nil, f.w, float64(sz.n))
				if err != nil {
					b.Fatal(err)
				}
				var s sampling.Sample
				if err := sampling.SelectInto(&s, d, f.ids, pi, seed, "warm-up"); err != nil {
					b.Fatal(err)
				}
				b.ReportAllocs()
				for b.Loop() {
					var err error
					if pi, err = sampling.InclusionProbabilitiesInto(pi, f.w, float64(sz.n)); err != nil {
						b.Fatal(err)
					}
					if err = sampling.SelectInto(&s, d, f.ids, pi, seed, "bench"); err != nil {
						b.Fatal(err)
					}
					if d != sampling.Poisson && s.Size != sz.n {
						b.Fatalf("size %d, want %d", s.Size, sz.n)
					}
				}
			})
		}
	}
}
