package sampling

import (
	"cmp"
	"fmt"
	"math"
	"slices"
)

// ParetoKey is the ranking variable of Pareto order sampling (Rosén 1997):
// q = [u/(1−u)] / [λ/(1−λ)] for a PRN u and a target 0 < λ < 1. A Pareto
// sample of size n takes the n uncertain units with the smallest keys, so
// shards of a frame can each keep their n smallest keys and merge: the n
// smallest of the merged keys are the single-draw sample.
func ParetoKey(u, lambda float64) float64 {
	return (u / (1 - u)) / (lambda / (1 - lambda))
}

// paretoExactLimit is the largest number of uncertain units for which the
// true Pareto π use the exact Poisson-binomial distribution (cost O(N²) per
// quadrature node).
const paretoExactLimit = 200

// ParetoProbabilities returns the true inclusion probabilities of Pareto
// order sampling (Rosén 1997) with targets lambda, as Select reports them in
// Sample.Pi: 1 where λ = 1, 0 where λ = 0, and for the others the integral
// of Aires (1999) described at Select. The targets strictly between 0 and 1
// must sum to an integer within 1e-6. Cost: O(N²) per quadrature node × 2000
// nodes for up to 200 such units, O(N) × 256 nodes beyond.
func ParetoProbabilities(lambda []float64) ([]float64, error) {
	if len(lambda) == 0 {
		return nil, fmt.Errorf("sampling: no units: %w", ErrEmptyFrame)
	}
	if err := checkProbabilities(nil, lambda); err != nil {
		return nil, err
	}
	uncertain := uncertainUnits(lambda)
	k, err := paretoSize(lambda, uncertain)
	if err != nil {
		return nil, err
	}
	return paretoPi(lambda, uncertain, k), nil
}

// paretoSize is the number of uncertain units a Pareto sample takes.
func paretoSize(lambda []float64, uncertain []int32) (int, error) {
	var sum exactSum
	for _, i := range uncertain {
		sum.add(lambda[i])
	}
	t := sum.value()
	n := math.Round(t)
	if math.Abs(t-n) > 1e-6 {
		return 0, fmt.Errorf("sampling: Pareto design needs an integer sum of the π strictly between 0 and 1, have %.9g: %w", t, ErrBadProbability)
	}
	return int(n), nil
}

// paretoSelect selects the k uncertain units with the smallest ParetoKey
// (ties by ID) by quickselect, in O(N) expected time.
func paretoSelect(ids []string, lambda, u []float64, uncertain []int32, k int, selected []bool) {
	if k == 0 {
		return
	}
	q := make([]float64, len(lambda))
	for _, i := range uncertain {
		q[i] = ParetoKey(u[i], lambda[i])
	}
	idx := slices.Clone(uncertain)
	less := func(a, b int32) bool {
		if q[a] != q[b] {
			return q[a] < q[b]
		}
		return ids[a] < ids[b]
	}
	quickselect(idx, k, less)
	for _, i := range idx[:k] {
		selected[i] = true
	}
}

// paretoPi is the true π of every unit (see ParetoProbabilities).
func paretoPi(lambda []float64, uncertain []int32, k int) []float64 {
	pi := make([]float64, len(lambda))
	for i, l := range lambda {
		if l == 1 {
			pi[i] = 1
		}
	}
	if k > 0 {
		// Sorting by λ fixes the order of every floating-point sum, so the
		// result does not depend on the order of the frame; units with
		// equal λ are interchangeable.
		idx := slices.Clone(uncertain)
		slices.SortFunc(idx, func(a, b int32) int { return cmp.Compare(lambda[a], lambda[b]) })
		lam := make([]float64, len(idx))
		for j, i := range idx {
			lam[j] = lambda[i]
		}
		p := paretoTruePi(lam, k)
		for j, i := range idx {
			pi[i] = p[j]
		}
	}
	return pi
}

// quickselect reorders s so that its k smallest elements under less come
// first (in no particular order). Pivots are medians of three; the keys
// are pseudo-random, so the expected cost is O(len(s)).
func quickselect(s []int32, k int, less func(a, b int32) bool) {
	lo, hi := 0, len(s) // find within s[lo:hi]
	for hi-lo > 16 {
		mid := lo + (hi-lo)/2
		// Median of three into s[mid].
		if less(s[mid], s[lo]) {
			s[mid], s[lo] = s[lo], s[mid]
		}
		if less(s[hi-1], s[mid]) {
			s[hi-1], s[mid] = s[mid], s[hi-1]
			if less(s[mid], s[lo]) {
				s[mid], s[lo] = s[lo], s[mid]
			}
		}
		p := s[mid]
		// Three-way partition: < p, == p, > p.
		lt, i, gt := lo, lo, hi
		for i < gt {
			switch {
			case less(s[i], p):
				s[lt], s[i] = s[i], s[lt]
				lt++
				i++
			case less(p, s[i]):
				gt--
				s[gt], s[i] = s[i], s[gt]
			default:
				i++
			}
		}
		switch {
		case k <= lt:
			hi = lt
		case k >= gt:
			lo = gt
		default:
			return
		}
	}
	sub := s[lo:hi]
	slices.SortFunc(sub, func(a, b int32) int {
		if less(a, b) {
			return -1
		}
		if less(b, a) {
			return 1
		}
		return 0
	})
}

// paretoTruePi returns the inclusion probabilities of Pareto order sampling
// of size n from units with targets 0 < λ_i < 1 (Aires 1999): unit i is
// selected iff its key Q_i is below the n-th smallest key of the others, so
//
//	π_i = ∫ P(K_{−i}(t) ≤ n−1) dF_i(t),  F_i(t) = tθ_i/(1+tθ_i), θ_i = λ_i/(1−λ_i),
//
// where K_{−i}(t) = #{j ≠ i: Q_j ≤ t} is Poisson-binomial with success
// probabilities F_j(t). The integral is taken over t on a log grid spanning
// the range where P(K(t) ≤ n−1) is neither 0 nor 1 (outside it the
// integrand is 0 or dF_i), by the trapezoid rule in the Stieltjes form
// Σ ½(D(t_a)+D(t_b))·(F_i(t_b)−F_i(t_a)).
func paretoTruePi(lambda []float64, n int) []float64 {
	return paretoTruePiWith(lambda, n, len(lambda) <= paretoExactLimit)
}

// paretoTruePiWith is paretoTruePi with the choice of the exact
// Poisson-binomial distribution or its normal approximation.
func paretoTruePiWith(lambda []float64, n int, exact bool) []float64 {
	N := len(lambda)
	theta := make([]float64, N)
	for i, l := range lambda {
		theta[i] = l / (1 - l)
	}
	nodes := 256
	if exact {
		nodes = 2000
	}
	cdf := func(i int, t float64) float64 { x := t * theta[i]; return x / (1 + x) }

	// The range of t: below ta, P(K(t) ≤ n−1) > 1−ε, so every
	// D_i(t) = P(K_{−i}(t) ≤ n−1) ≥ P(K(t) ≤ n−1) is 1 to within ε; above
	// tb, P(K(t) ≤ n) < ε and so is every D_i(t) ≤ P(K(t) ≤ n).
	cross := func(m int, target float64) float64 {
		// Bisection on log t; P(K(t) ≤ m) decreases in t.
		a, b := -60.0, 60.0
		for range 80 {
			c := (a + b) / 2
			if probAtMost(theta, math.Exp(c), m, exact) > target {
				a = c
			} else {
				b = c
			}
		}
		return (a + b) / 2
	}
	const eps = 1e-13
	la := cross(n-1, 1-eps)
	lb := cross(n, eps)

	// Trapezoid sums in the Stieltjes form on the full grid (step h) and on
	// every other node (step 2h), combined by Richardson extrapolation
	// (4·I_h − I_2h)/3 to cancel the h² error term.
	if nodes%2 != 0 {
		nodes++
	}
	fine := make([]float64, N)
	coarse := make([]float64, N)
	d := make([]float64, N) // D_i at the current node
	prevD := make([]float64, N)
	prevF := make([]float64, N)
	evenD := make([]float64, N) // D_i and F_i at the last even node
	evenF := make([]float64, N)
	ta := math.Exp(la)
	leaveOneOut(theta, ta, n, exact, prevD)
	for i := range fine {
		prevF[i] = cdf(i, ta)
		fine[i] = prevF[i] // D ≈ 1 below the range
		coarse[i] = prevF[i]
	}
	copy(evenD, prevD)
	copy(evenF, prevF)
	h := (lb - la) / float64(nodes)
	for j := 1; j <= nodes; j++ {
		t := math.Exp(la + float64(j)*h)
		leaveOneOut(theta, t, n, exact, d)
		for i := range fine {
			f := cdf(i, t)
			fine[i] += 0.5 * (prevD[i] + d[i]) * (f - prevF[i])
			prevF[i] = f
			if j%2 == 0 {
				coarse[i] += 0.5 * (evenD[i] + d[i]) * (f - evenF[i])
				evenD[i], evenF[i] = d[i], f
			}
		}
		d, prevD = prevD, d
	}
	pi := fine
	for i := range pi {
		pi[i] = math.Min(math.Max((4*fine[i]-coarse[i])/3, 0), 1)
	}
	return pi
}

// probAtMost returns P(K(t) ≤ m) for K(t) the number of units with key ≤ t.
func probAtMost(theta []float64, t float64, m int, exact bool) float64 {
	if exact {
		pmf := poibinPMF(theta, t)
		var s float64
		for j := 0; j <= m && j < len(pmf); j++ {
			s += pmf[j]
		}
		return s
	}
	mu, v := 0.0, 0.0
	for _, th := range theta {
		x := t * th
		p := x / (1 + x)
		mu += p
		v += p * (1 - p)
	}
	return normCDF((float64(m) + 0.5 - mu) / math.Sqrt(math.Max(v, 1e-300)))
}

// poibinPMF is the Poisson-binomial distribution of K(t).
func poibinPMF(theta []float64, t float64) []float64 {
	pmf := make([]float64, len(theta)+1)
	pmf[0] = 1
	for k, th := range theta {
		x := t * th
		p := x / (1 + x)
		for j := k + 1; j > 0; j-- {
			pmf[j] = pmf[j]*(1-p) + pmf[j-1]*p
		}
		pmf[0] *= 1 - p
	}
	return pmf
}

// leaveOneOut sets d[i] = P(K_{−i}(t) ≤ n−1) for every unit.
func leaveOneOut(theta []float64, t float64, n int, exact bool, d []float64) {
	N := len(theta)
	if !exact {
		mu, v := 0.0, 0.0
		for _, th := range theta {
			x := t * th
			p := x / (1 + x)
			mu += p
			v += p * (1 - p)
		}
		parallelFor(N, 1<<15, func(lo, hi int) {
			for i := lo; i < hi; i++ {
				x := t * theta[i]
				p := x / (1 + x)
				vi := math.Max(v-p*(1-p), 1e-300)
				d[i] = normCDF((float64(n) - 0.5 - (mu - p)) / math.Sqrt(vi))
			}
		})
		return
	}
	pmf := poibinPMF(theta, t)
	q := make([]float64, N) // pmf of K_{−i}, support 0..N−1
	for i, th := range theta {
		x := t * th
		p := x / (1 + x)
		if p <= 0.5 {
			// Forward: P(j) = Q(j)(1−p) + Q(j−1)p; errors shrink by p/(1−p).
			var s, prev float64
			for j := 0; j < n && j < N; j++ {
				qj := (pmf[j] - p*prev) / (1 - p)
				s += qj
				prev = qj
			}
			d[i] = math.Min(math.Max(s, 0), 1)
			continue
		}
		// Backward from the top; errors shrink by (1−p)/p.
		q[N-1] = pmf[N] / p
		for j := N - 1; j > 0; j-- {
			q[j-1] = (pmf[j] - (1-p)*q[j]) / p
		}
		var upper float64
		for j := n; j < N; j++ {
			upper += q[j]
		}
		d[i] = math.Min(math.Max(1-upper, 0), 1)
	}
}

func normCDF(z float64) float64 { return 0.5 * math.Erfc(-z/math.Sqrt2) }
