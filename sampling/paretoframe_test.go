package sampling

import (
	"encoding/binary"
	"fmt"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestParetoFrameMatchesSelect: a ParetoFrame's draws are the draws of
// Select(Pareto) with the same seeds, computed from one set of true π.
func TestParetoFrameMatchesSelect(t *testing.T) {
	ids, lambda := heavyTailed(t, 150, 30)
	f, err := NewParetoFrame(lambda)
	require.NoError(t, err)
	require.Equal(t, 150, f.Len())
	want, err := ParetoProbabilities(lambda)
	require.NoError(t, err)
	assert.Equal(t, want, f.Pi())
	var reused Sample
	for rep := range 2 { // each Select recomputes the true π: 0.2–0.5 s
		var seed Seed
		binary.LittleEndian.PutUint64(seed[:], uint64(rep)+7)
		s, err := Select(Pareto, ids, lambda, seed, "frame")
		require.NoError(t, err)
		got, err := f.Select(ids, seed, "frame")
		require.NoError(t, err)
		require.NoError(t, f.SelectInto(&reused, ids, seed, "frame"))
		for _, g := range []*Sample{got, &reused} {
			assert.Equal(t, s.Selected, g.Selected, "seed %d", rep)
			assert.Equal(t, s.Pi, g.Pi)
			assert.Equal(t, s.PRN, g.PRN)
			assert.Equal(t, s.Size, g.Size)
			assert.Equal(t, Pareto, g.Design)
		}
	}
	// The frame keeps its own copy of λ.
	lambda[0] = 0.5
	assert.NotEqual(t, 0.5, f.target[0])
}

func TestParetoFrameErrors(t *testing.T) {
	for _, tc := range []struct {
		name   string
		lambda []float64
		want   error
	}{
		{"empty", nil, ErrEmptyFrame},
		{"NaN", []float64{0.5, math.NaN()}, ErrBadProbability},
		{"above 1", []float64{0.5, 1.5}, ErrBadProbability},
		{"fractional size", []float64{0.5, 0.2}, ErrBadProbability},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewParetoFrame(tc.lambda)
			assert.ErrorIs(t, err, tc.want)
		})
	}
	f, err := NewParetoFrame([]float64{0.5, 0.5})
	require.NoError(t, err)
	_, err = f.Select([]string{"a", "a"}, Seed{}, "x")
	assert.ErrorIs(t, err, ErrDuplicateUnit)
	assert.PanicsWithValue(t, "sampling: ParetoFrame.Select: 1 IDs for a frame of 2 units", func() {
		_, _ = f.Select([]string{"a"}, Seed{}, "x")
	})
}

// BenchmarkParetoSelect compares a Pareto draw that recomputes the true π
// (Select) with one from a ParetoFrame that computed them once, at N = 200
// uncertain units (the largest size with the exact Poisson-binomial
// integral) and n = 20:
//
//	go test ./sampling -run '^$' -bench ParetoSelect -benchtime 3x -benchmem
func BenchmarkParetoSelect(b *testing.B) {
	const N, n = 200, 20
	w := make([]float64, N)
	for i := range w {
		w[i] = 1 + float64(i%7)
	}
	lambda, err := InclusionProbabilities(w, n)
	if err != nil {
		b.Fatal(err)
	}
	ids := testIDs(N)
	f, err := NewParetoFrame(lambda)
	if err != nil {
		b.Fatal(err)
	}
	var seed Seed
	for _, mode := range []string{"Select", "ParetoFrame"} {
		b.Run(fmt.Sprintf("%s/N=200", mode), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				binary.LittleEndian.PutUint64(seed[:], uint64(b.N))
				var s *Sample
				var err error
				if mode == "Select" {
					s, err = Select(Pareto, ids, lambda, seed, "bench")
				} else {
					s, err = f.Select(ids, seed, "bench")
				}
				if err != nil || s.Size != n {
					b.Fatal(err, s)
				}
			}
		})
	}
}
