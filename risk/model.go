package risk

import (
	"fmt"
	"math"
	"sync"

	"github.com/firedraw/firedraw/risk/internal/par"
)

// Model is an explainable risk model: an intercept plus one additive term
// per feature on the logit scale (a generalised additive model with a
// logistic link; Hastie & Tibshirani 1990). The probability of a unit is
//
//	p = 1 / (1 + exp(−(Intercept + Σ_j effect_j(x_j))))
//
// and effect_j(x_j) is the contribution of feature j, so contributions add
// up to the logit minus the intercept. Models are plain data: they can be
// written as JSON, edited by hand and shared between goroutines.
type Model struct {
	// Name describes the model, e.g. "default expert weights".
	Name      string  `json:"name,omitempty"`
	Intercept float64 `json:"intercept"`
	Terms     []Term  `json:"terms"`
}

// Term is the effect of one feature. With Transform "log1p" the term sees
// log(1+x) instead of x (for counts, rates and durations). A linear term
// contributes Coef·(x − Center); Center is the reference value whose contribution is
// zero (the training mean for a fitted model, 0 in the default model). A
// binned term, with Edges set, contributes Effects[b] where b is the
// number of edges ≤ x: bin 0 is x < Edges[0], bin len(Edges) is
// x ≥ Edges[len(Edges)−1].
type Term struct {
	Feature   string    `json:"feature"`
	Transform string    `json:"transform,omitempty"`
	Coef      float64   `json:"coef,omitempty"`
	Center    float64   `json:"center,omitempty"`
	Edges     []float64 `json:"edges,omitempty"`
	Effects   []float64 `json:"effects,omitempty"`
}

// TransformLog1p is the Transform of a term that sees log(1+x).
const TransformLog1p = "log1p"

// Binned reports whether the term is binned.
func (t *Term) Binned() bool { return len(t.Edges) > 0 }

// Effect returns the contribution of the feature value x.
func (t *Term) Effect(x float64) float64 {
	if t.Transform == TransformLog1p {
		x = math.Log1p(x)
	}
	if len(t.Edges) == 0 {
		return t.Coef * (x - t.Center)
	}
	return t.Effects[binOf(t.Edges, x)]
}

// binOf returns the number of edges ≤ x (binary search).
func binOf(edges []float64, x float64) int {
	lo, hi := 0, len(edges)
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if edges[mid] > x {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return lo
}

// Features returns the feature names of the terms, in order.
func (m *Model) Features() []string {
	out := make([]string, len(m.Terms))
	for j := range m.Terms {
		out[j] = m.Terms[j].Feature
	}
	return out
}

// Validate checks that every number is finite, that feature names are
// non-empty and unique, and that binned terms have strictly increasing
// edges and one more effect than edges. The error names the term.
func (m *Model) Validate() error {
	if !isFinite(m.Intercept) {
		return fmt.Errorf("risk: model intercept %v: %w", m.Intercept, ErrBadFeature)
	}
	seen := map[string]bool{}
	for j := range m.Terms {
		t := &m.Terms[j]
		if t.Feature == "" || seen[t.Feature] {
			return fmt.Errorf("risk: model term %d: feature %q empty or repeated: %w", j, t.Feature, ErrFeatureMismatch)
		}
		seen[t.Feature] = true
		if t.Transform != "" && t.Transform != TransformLog1p {
			return fmt.Errorf("risk: model term %q: unknown transform %q: %w", t.Feature, t.Transform, ErrBadFeature)
		}
		if !isFinite(t.Coef) || !isFinite(t.Center) {
			return fmt.Errorf("risk: model term %q: coefficient %v, center %v: %w", t.Feature, t.Coef, t.Center, ErrBadFeature)
		}
		if len(t.Edges) == 0 && len(t.Effects) == 0 {
			continue
		}
		if len(t.Effects) != len(t.Edges)+1 {
			return fmt.Errorf("risk: model term %q: %d edges need %d effects, have %d: %w",
				t.Feature, len(t.Edges), len(t.Edges)+1, len(t.Effects), ErrBadFeature)
		}
		for b, e := range t.Edges {
			if !isFinite(e) || (b > 0 && !(e > t.Edges[b-1])) {
				return fmt.Errorf("risk: model term %q: edges not finite and strictly increasing at %d: %w", t.Feature, b, ErrBadFeature)
			}
		}
		for _, e := range t.Effects {
			if !isFinite(e) {
				return fmt.Errorf("risk: model term %q: effect %v: %w", t.Feature, e, ErrBadFeature)
			}
		}
	}
	return nil
}

func isFinite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// Scores holds the scores of every unit of a table: the logit and the
// probability. Contributions are not stored (10 million units × 50
// features would take 4 GB); [Scores.Contributions] recomputes one unit's
// exactly, in the same order of operations as the logit.
type Scores struct {
	// Prob[i] = 1/(1+exp(−Logit[i])) is unit i's score, in [0, 1].
	Prob []float64
	// Logit[i] = Intercept + Σ_j contribution_j.
	Logit []float64

	model *Model
	table *Table
	cols  []int

	mu      sync.Mutex
	medians map[int]float64
}

// Model returns the scoring model.
func (s *Scores) Model() *Model { return s.model }

// Table returns the scored table.
func (s *Scores) Table() *Table { return s.table }

// Len returns the number of units.
func (s *Scores) Len() int { return len(s.Prob) }

// Score scores every unit of t. Every feature of the model must be a
// column of t (extra columns are ignored); otherwise Score returns an
// error wrapping [ErrFeatureMismatch] naming the missing feature. A NaN
// or infinite value in a used column yields an error wrapping
// [ErrBadFeature] naming the feature and unit. Score runs on 2
// goroutines; it allocates the two slices of [Scores] and nothing per
// unit.
func (m *Model) Score(t *Table) (*Scores, error) {
	if err := m.Validate(); err != nil {
		return nil, err
	}
	cols, err := m.columns(t)
	if err != nil {
		return nil, err
	}
	n, p := t.Rows(), t.Cols()
	if len(t.X) != n*p {
		return nil, fmt.Errorf("risk: table has %d values, want %d units × %d features: %w", len(t.X), n, p, ErrFeatureMismatch)
	}
	s := &Scores{Prob: make([]float64, n), Logit: make([]float64, n), model: m, table: t, cols: cols}
	linear := true
	coef := make([]float64, len(cols))
	center := make([]float64, len(cols))
	plain := make([]bool, len(cols)) // linear without transform
	for j := range m.Terms {
		plain[j] = !m.Terms[j].Binned() && m.Terms[j].Transform == ""
		linear = linear && plain[j]
		coef[j], center[j] = m.Terms[j].Coef, m.Terms[j].Center
	}
	identity := len(cols) == p
	for j, c := range cols {
		identity = identity && c == j
	}
	par.Halves(n, func(_ int, lo, hi int) {
		if linear && identity {
			// The common case, without the column indirection: terms are
			// the table's columns in order.
			coef, center := coef[:p:p], center[:p:p]
			for i := lo; i < hi; i++ {
				row := t.X[i*p : (i+1)*p : (i+1)*p]
				// Four partial sums break the chain of dependent additions.
				var s0, s1, s2, s3 float64
				j := 0
				for ; j+4 <= p; j += 4 {
					s0 += coef[j] * (row[j] - center[j])
					s1 += coef[j+1] * (row[j+1] - center[j+1])
					s2 += coef[j+2] * (row[j+2] - center[j+2])
					s3 += coef[j+3] * (row[j+3] - center[j+3])
				}
				for ; j < p; j++ {
					s0 += coef[j] * (row[j] - center[j])
				}
				l := m.Intercept + ((s0 + s1) + (s2 + s3))
				s.Logit[i] = l
				s.Prob[i] = 1 / (1 + math.Exp(-l))
			}
			return
		}
		for i := lo; i < hi; i++ {
			row := t.X[i*p : (i+1)*p : (i+1)*p]
			var sum float64
			if linear {
				for j, c := range cols {
					sum += coef[j] * (row[c] - center[j])
				}
			} else {
				for j, c := range cols {
					x := row[c]
					if plain[j] {
						sum += coef[j] * (x - center[j])
						continue
					}
					if !isFinite(x) {
						sum = math.NaN()
					}
					sum += m.Terms[j].Effect(x)
				}
			}
			l := m.Intercept + sum
			s.Logit[i] = l
			s.Prob[i] = 1 / (1 + math.Exp(-l))
		}
	})
	for i, l := range s.Logit {
		if !isFinite(l) {
			row := t.Row(i)
			for _, c := range cols {
				if !isFinite(row[c]) {
					return nil, t.badValue(i*p+c, row[c])
				}
			}
			return nil, fmt.Errorf("risk: unit %q (row %d): logit %v: %w", t.UnitIDs[i], i, l, ErrBadFeature)
		}
	}
	return s, nil
}

// columns maps each term to its column in t.
func (m *Model) columns(t *Table) ([]int, error) {
	pos := make(map[string]int, len(t.Names))
	for j, n := range t.Names {
		pos[n] = j
	}
	cols := make([]int, len(m.Terms))
	for j := range m.Terms {
		c, ok := pos[m.Terms[j].Feature]
		if !ok {
			return nil, fmt.Errorf("risk: model feature %q not in table: %w", m.Terms[j].Feature, ErrFeatureMismatch)
		}
		cols[j] = c
	}
	return cols, nil
}

// Contributions writes the contribution of every model term to unit i's
// logit into dst (grown if too short) and returns it, in the order of
// Model.Terms, computed exactly as [Model.Score] computes them. Their sum
// equals Logit[i] − Intercept up to floating-point rounding (Score adds
// the terms of a linear model in four interleaved partial sums for
// speed): within 1e-12·max(1, |Logit[i]|) in practice. It panics if i is
// out of range.
func (s *Scores) Contributions(i int, dst []float64) []float64 {
	row := s.table.Row(i)
	terms := s.model.Terms
	if cap(dst) < len(terms) {
		dst = make([]float64, len(terms))
	}
	dst = dst[:len(terms)]
	for j, c := range s.cols {
		dst[j] = terms[j].Effect(row[c])
	}
	return dst
}
