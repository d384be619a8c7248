package sampling

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"sync"
)

// InclusionProbabilities returns π_k ∝ w_k with Σπ = n and no π above 1:
// units whose π would exceed 1 get π = 1 and the others are rescaled to sum
// to n minus the number of such units, repeatedly, until none exceeds 1
// (Tillé 2006, Algorithm 2.1). The result equals R's
// sampling::inclusionprobabilities(w, n) up to rounding; zero weights get
// π = 0. w is not modified.
//
// It runs in O(N + N·log m) time in the worst case and O(N) on typical input,
// with m = ⌈n⌉+1, on runtime.GOMAXPROCS goroutines: one pass validates w,
// sums it exactly (so the result does not depend on the order of w) and
// keeps the m largest weights in heaps (the capped units are always a prefix of the weights
// sorted in decreasing order and there are fewer than n of them); the cut is
// found among those m weights alone, and a second pass writes π. The
// iteration of Tillé 2006 instead touches every unit in every round.
//
// Errors: a NaN, infinite or negative weight (ErrBadWeight, naming the
// index); no positive weight (ErrBadWeight); n not finite, n ≤ 0 or n above
// the number of positive weights (ErrBadSize).
func InclusionProbabilities(w []float64, n float64) ([]float64, error) {
	pi := make([]float64, len(w))
	if err := inclusionInto(pi, w, n, nil); err != nil {
		return nil, err
	}
	return pi, nil
}

// inclusionInto writes InclusionProbabilities(w, n) into pi; ids, when not
// nil, name units in errors.
func inclusionInto(pi, w []float64, n float64, ids []string) error {
	if len(w) == 0 {
		return fmt.Errorf("sampling: no weights: %w", ErrEmptyFrame)
	}
	if math.IsNaN(n) || math.IsInf(n, 0) || n <= 0 {
		return fmt.Errorf("sampling: n = %v: %w", n, ErrBadSize)
	}
	m := int(math.Min(math.Ceil(n), float64(len(w)))) + 1
	// Pass 1, in parallel blocks: validate, sum exactly (so π do not depend
	// on the order of w), count positive weights and keep each block's m
	// largest; the m largest overall are among the blocks' m largest.
	type partial struct {
		sum      exactSum
		top      topHeap
		positive int
		bad      int
	}
	var parts []*partial
	var mu sync.Mutex
	parallelFor(len(w), 1<<16, func(lo, hi int) {
		p := &partial{bad: -1}
		for i := lo; i < hi; i++ {
			x := w[i]
			if !(x >= 0) || math.IsInf(x, 1) {
				p.bad = i
				break
			}
			if x == 0 {
				continue
			}
			p.positive++
			p.sum.add(x)
			p.top.push(x, m)
		}
		mu.Lock()
		parts = append(parts, p)
		mu.Unlock()
	})
	bad := -1
	for _, p := range parts {
		if p.bad >= 0 && (bad < 0 || p.bad < bad) {
			bad = p.bad
		}
	}
	if bad >= 0 {
		return &UnitError{Index: bad, ID: idAt(ids, bad), What: "weight " + strconv.FormatFloat(w[bad], 'g', -1, 64), Err: ErrBadWeight}
	}
	var total exactSum
	var h topHeap
	positive := 0
	for _, p := range parts {
		total.merge(&p.sum)
		positive += p.positive
		for _, x := range p.top.x {
			h.push(x, m)
		}
	}
	sum := total.value()
	if positive == 0 {
		return fmt.Errorf("sampling: all %d weights are zero: %w", len(w), ErrBadWeight)
	}
	if math.IsInf(sum, 1) {
		return fmt.Errorf("sampling: weights sum to +Inf: %w", ErrBadWeight)
	}
	if n > float64(positive) {
		return fmt.Errorf("sampling: n = %v exceeds the %d units with positive weight: %w", n, positive, ErrBadSize)
	}

	// top[j] is the (j+1)-th largest weight. With k capped units the others
	// get π = (n-k)·w/S_k, S_k the sum of the uncapped weights; unit k+1 is
	// capped iff (n-k)·top[k] ≥ S_k. The scale (n-k)/S_k grows with k while
	// this holds, so the first k where it fails is the fixed point R's
	// iteration reaches (ties are never split: equal weights get equal π).
	top := h.x
	slices.SortFunc(top, func(a, b float64) int {
		switch {
		case a > b:
			return -1
		case a < b:
			return 1
		}
		return 0
	})
	k := 0
	rest := sum
	for k < len(top) && float64(n)-float64(k) > 0 && (n-float64(k))*top[k] >= rest {
		rest -= top[k]
		k++
	}
	if k == positive {
		// n equals the number of positive weights: all of them are certain.
		for i, x := range w {
			if x > 0 {
				pi[i] = 1
			} else {
				pi[i] = 0
			}
		}
		return nil
	}
	cut := math.Inf(1)
	if k > 0 {
		cut = top[k-1]
	}
	// Re-sum the uncapped weights directly: rest = sum − Σ capped loses
	// relative precision when the capped units carry most of the weight.
	// Count the capped units again in case rounding split a tie at the cut.
	var rest2 exactSum
	capped := 0
	parallelFor(len(w), 1<<16, func(lo, hi int) {
		var part exactSum
		c := 0
		for _, x := range w[lo:hi] {
			if x < cut {
				part.add(x)
			} else {
				c++
			}
		}
		mu.Lock()
		rest2.merge(&part)
		capped += c
		mu.Unlock()
	})
	s := rest2.value()
	scale := (n - float64(capped)) / s
	parallelFor(len(w), 1<<16, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			x := w[i]
			if x >= cut {
				pi[i] = 1
			} else {
				pi[i] = math.Min(x*scale, 1)
			}
		}
	})
	return nil
}

// topHeap keeps the largest values pushed, up to a limit, in a min-heap.
type topHeap struct{ x []float64 }

func (h *topHeap) push(v float64, limit int) {
	x := h.x
	if len(x) < limit {
		x = append(x, v)
		// Sift up.
		i := len(x) - 1
		for i > 0 {
			p := (i - 1) / 2
			if x[p] <= x[i] {
				break
			}
			x[p], x[i] = x[i], x[p]
			i = p
		}
		h.x = x
		return
	}
	if v <= x[0] {
		return
	}
	x[0] = v
	// Sift down.
	i, n := 0, len(x)
	for {
		l := 2*i + 1
		if l >= n {
			break
		}
		c := l
		if r := l + 1; r < n && x[r] < x[l] {
			c = r
		}
		if x[i] <= x[c] {
			break
		}
		x[i], x[c] = x[c], x[i]
		i = c
	}
}
