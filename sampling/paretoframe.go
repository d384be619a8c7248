package sampling

import (
	"fmt"
	"slices"
)

// ParetoFrame is Pareto order sampling (Rosén 1997) from one vector of
// targets λ with its true inclusion probabilities computed once. The true
// π depend only on λ, and computing them is the expensive part of a
// Pareto draw (O(N²) per quadrature node for up to 200 uncertain units:
// 0.17 s at N = 200), which Select repeats on every call; a ParetoFrame's
// draws with new seeds cost O(N) each and give the same Samples as
// Select(Pareto, …). Build one per frame and period with NewParetoFrame.
// A ParetoFrame is immutable and safe for concurrent use.
type ParetoFrame struct {
	target    []float64 // a copy of λ
	pi        []float64 // the true π
	uncertain []int32   // units with 0 < λ < 1
	k         int       // uncertain units taken
}

// NewParetoFrame validates the targets lambda (each in [0, 1], those
// strictly between summing to an integer within 1e-6) and computes their
// true inclusion probabilities, as ParetoProbabilities does. lambda is
// copied. Errors: ErrEmptyFrame for no units, ErrBadProbability (naming
// the unit) for a λ outside [0, 1] or a sum that is not an integer.
func NewParetoFrame(lambda []float64) (*ParetoFrame, error) {
	if len(lambda) == 0 {
		return nil, fmt.Errorf("sampling: no units: %w", ErrEmptyFrame)
	}
	if err := checkProbabilities(nil, lambda); err != nil {
		return nil, err
	}
	f := &ParetoFrame{target: slices.Clone(lambda)}
	f.uncertain = uncertainUnits(f.target)
	k, err := paretoSize(f.target, f.uncertain)
	if err != nil {
		return nil, err
	}
	f.k = k
	f.pi = paretoPi(f.target, f.uncertain, k)
	return f, nil
}

// Len returns the number of units of the frame.
func (f *ParetoFrame) Len() int { return len(f.target) }

// Pi returns the true inclusion probabilities, indexed like the targets.
// The slice is shared with every Sample the frame draws: do not modify it.
func (f *ParetoFrame) Pi() []float64 { return f.pi }

// Select draws a Pareto sample of the units ids (indexed like the targets)
// with the permanent random numbers PRN(seed, stream, id): the same Sample
// as Select(Pareto, ids, λ, seed, stream), except that Sample.Target is
// the frame's copy of λ and Sample.Pi the frame's true π, shared by every
// draw. Errors: ErrDuplicateUnit for a repeated ID, ErrBadSize when no unit
// has π > 0. It panics if len(ids) != f.Len().
func (f *ParetoFrame) Select(ids []string, seed Seed, stream string) (*Sample, error) {
	s := &Sample{}
	if err := f.SelectInto(s, ids, seed, stream); err != nil {
		return nil, err
	}
	return s, nil
}

// SelectInto is Select writing the draw into s, reusing its memory as the
// package's SelectInto does (and with the same restrictions).
func (f *ParetoFrame) SelectInto(s *Sample, ids []string, seed Seed, stream string) error {
	if len(ids) != len(f.target) {
		panic(fmt.Sprintf("sampling: ParetoFrame.Select: %d IDs for a frame of %d units", len(ids), len(f.target)))
	}
	*s = Sample{Design: Pareto, IDs: ids, Target: f.target, PRN: s.PRN, Selected: s.Selected, scratch: s.scratch, pareto: f}
	return selectInto(s, seed, stream, "", &s.scratch)
}
