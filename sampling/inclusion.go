package sampling

import (
	"cmp"
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
	return InclusionProbabilitiesInto(nil, w, n)
}

// InclusionProbabilitiesInto is InclusionProbabilities writing into dst,
// which is reallocated when its capacity is below len(w), and returning
// it. Repeated draws that pass the previous result as dst touch no fresh
// memory: at 10^7 units a fresh 80 MB result costs about 50 ms of page
// faults on a typical virtual machine, as much as the computation. On
// error the contents of dst are unspecified.
func InclusionProbabilitiesInto(dst, w []float64, n float64) ([]float64, error) {
	if cap(dst) < len(w) {
		dst = make([]float64, len(w))
	}
	dst = dst[:len(w)]
	if err := inclusionInto(dst, w, n, nil); err != nil {
		return nil, err
	}
	return dst, nil
}

// inclusionInto writes InclusionProbabilities(w, n) into pi; ids, when not
// nil, name units in errors. Its steps: scan the weights (validate, sum
// exactly, keep the m largest), find how many units are capped, sum the
// capped weights exactly, and write π.
func inclusionInto(pi, w []float64, n float64, ids []string) error {
	if len(w) == 0 {
		return fmt.Errorf("sampling: no weights: %w", ErrEmptyFrame)
	}
	if math.IsNaN(n) || math.IsInf(n, 0) || n <= 0 {
		return fmt.Errorf("sampling: n = %v: %w", n, ErrBadSize)
	}
	m := int(math.Min(math.Ceil(n), float64(len(w)))) + 1
	sc, err := scanAllWeights(w, m, ids)
	if sc.top != nil {
		defer putFloats(sc.top)
	}
	if err != nil {
		return err
	}
	if n > float64(sc.positive) {
		return fmt.Errorf("sampling: n = %v exceeds the %d units with positive weight: %w", n, sc.positive, ErrBadSize)
	}
	top := largest(sc.top, m)
	k := countCapped(top, n, sc.sum)
	if k == sc.positive {
		writeAllCertain(pi, w) // n equals the number of positive weights
		return nil
	}
	cut := math.Inf(1)
	if k > 0 {
		cut = top[k-1]
	}
	capped, cappedSum := sumCapped(top, w, cut, sc.positive)
	sc.total.sub(&cappedSum)
	writeScaled(pi, w, cut, (n-float64(capped))/sc.total.value())
	return nil
}

// weightScan is what the first pass over the weights learns: their exact
// sum (as bins and as a float64), the number of positive weights and (a superset of) the m largest.
// top comes from getFloats; the caller returns it with putFloats.
type weightScan struct {
	total    exactSum
	sum      float64 // total.value(), which is costly: computed once
	top      []float64
	positive int
}

// scanAllWeights is the first pass, in parallel blocks: validate, sum
// exactly (so π do not depend on the order of w), count positive weights
// and keep each block's m largest; the m largest overall are among the
// blocks' m largest. It returns an error naming the first bad weight, or
// for weights that are all zero or sum to +Inf.
func scanAllWeights(w []float64, m int, ids []string) (weightScan, error) {
	type partial struct {
		sum      exactSum
		top      []float64
		positive int
		bad      int
	}
	var parts []*partial
	var mu sync.Mutex
	parallelFor(len(w), 1<<16, func(lo, hi int) {
		p := &partial{bad: -1}
		p.sum, p.top, p.positive, p.bad = scanWeights(w, lo, hi, m)
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
		return weightScan{}, &UnitError{Index: bad, ID: idAt(ids, bad), What: "weight " + strconv.FormatFloat(w[bad], 'g', -1, 64), Err: ErrBadWeight}
	}
	var sc weightScan
	nt := 0
	for _, p := range parts {
		nt += len(p.top)
	}
	sc.top = getFloats(nt)[:0]
	for _, p := range parts {
		sc.total.merge(&p.sum)
		sc.positive += p.positive
		sc.top = append(sc.top, p.top...)
		putFloats(p.top)
	}
	if sc.positive == 0 {
		return sc, fmt.Errorf("sampling: all %d weights are zero: %w", len(w), ErrBadWeight)
	}
	sc.sum = sc.total.value()
	if math.IsInf(sc.sum, 1) {
		return sc, fmt.Errorf("sampling: weights sum to +Inf: %w", ErrBadWeight)
	}
	return sc, nil
}

// countCapped returns the number k of units capped at π = 1, given the
// largest weights top (in any order; countCapped sorts a prefix of it in
// decreasing order) and the sum of all weights.
//
// top[j] is the (j+1)-th largest weight. With k capped units the others
// get π = (n-k)·w/S_k, S_k the sum of the uncapped weights; unit k+1 is
// capped iff (n-k)·top[k] ≥ S_k. The scale (n-k)/S_k grows with k while
// this holds, so the first k where it fails is the fixed point R's
// iteration reaches (ties are never split: equal weights get equal π).
// Only a prefix of top is sorted: the walk stops after the capped units,
// typically a few hundred; the prefix grows 8-fold if the walk reaches its
// end.
func countCapped(top []float64, n, sum float64) int {
	desc := func(a, b float64) int { return cmp.Compare(b, a) }
	k := 0
	rest := sum
	for sorted := 0; ; {
		want := min(max(8*sorted, 1024), len(top))
		largest(top[sorted:], want-sorted)
		slices.SortFunc(top[sorted:want], desc)
		sorted = want
		for k < sorted && n-float64(k) > 0 && (n-float64(k))*top[k] >= rest {
			rest -= top[k]
			k++
		}
		if k < sorted || sorted == len(top) {
			return k
		}
	}
}

// writeAllCertain sets π = 1 for every positive weight and 0 for the rest.
func writeAllCertain(pi, w []float64) {
	for i, x := range w {
		if x > 0 {
			pi[i] = 1
		} else {
			pi[i] = 0
		}
	}
}

// sumCapped returns the number and the exact sum of the capped units, the
// weights ≥ cut (rounding could split a tie at the cut; capping all of
// them keeps equal weights equal). The sum is exact, bin by bin, because
// subtracting the capped weights one by one loses relative precision when
// they carry most of the weight. top holds the largest weights; only when
// all of them are capped may ties at the cut continue beyond them, and
// then w is scanned in full.
func sumCapped(top, w []float64, cut float64, positive int) (int, exactSum) {
	capped := 0
	var sum exactSum
	for _, x := range top {
		if x >= cut {
			sum.add(x)
			capped++
		}
	}
	if capped < len(top) || capped == positive {
		return capped, sum
	}
	capped = 0
	sum = exactSum{}
	for _, x := range w {
		if x >= cut {
			sum.add(x)
			capped++
		}
	}
	return capped, sum
}

// writeScaled writes π = min(1, scale·w) into pi, with π = 1 for the
// capped weights (≥ cut), in parallel blocks.
func writeScaled(pi, w []float64, cut, scale float64) {
	parallelFor(len(w), 1<<16, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			x := w[i]
			p := x * scale
			if x >= cut || p > 1 {
				p = 1
			}
			pi[i] = p
		}
	})
}

// scanWeights validates w[lo:hi], sums its positive weights exactly and
// returns (a superset of) its m largest positive weights. Weights above a
// threshold go to a buffer; when the buffer holds 2m, it is cut to its m
// largest (selection, O(m)) and the threshold raised to the m-th largest,
// so the pass costs O(hi−lo) plus O(m) per cut — a heap would pay a
// cache-missing O(log m) sift for every candidate.
//
// The threshold starts at a guess from the block's first 2^16 weights: the
// weight with about 2m·2^16/(hi−lo) of them above it, so that about 2m
// weights of the block exceed it. The guess only saves cuts: when fewer
// than m positive weights of the block exceed it (a frame sorted in
// decreasing order, say), the block is scanned again from threshold 0.
func scanWeights(w []float64, lo, hi, m int) (sum exactSum, top []float64, positive, bad int) {
	const sample = 1 << 16
	if B := hi - lo; B >= 4*sample && 4*m <= B {
		s := getFloats(sample)
		copy(s, w[lo:lo+sample])
		r := min(sample*2*m/B+1, sample)
		t := slices.Min(largest(s, r))
		putFloats(s)
		if t > 0 && t <= math.MaxFloat64 {
			sum, top, positive, bad = scanWeightsFrom(w, lo, hi, m, t)
			if bad >= 0 || len(top) >= m {
				return sum, top, positive, bad
			}
			putFloats(top)
		}
	}
	return scanWeightsFrom(w, lo, hi, m, 0)
}

// scanWeightsFrom is scanWeights keeping only weights above thr.
func scanWeightsFrom(w []float64, lo, hi, m int, thr float64) (sum exactSum, top []float64, positive, bad int) {
	buf := getFloats(2 * m)[:0]
	// Two sets of bins, for even and odd units: consecutive weights often
	// share an exponent, and one set would chain every addition to the
	// previous one through memory.
	bins, _ := binsPool.Get().(*[2]expBins)
	if bins == nil {
		bins = new([2]expBins)
	}
	defer func() { clear(bins[:]); binsPool.Put(bins) }()
	ws := w[lo:hi]
	for j, x := range ws {
		if !(x >= 0 && x <= math.MaxFloat64) {
			return sum, nil, 0, lo + j
		}
		if x == 0 {
			continue
		}
		positive++
		bins[j&1].add(x)
		if x > thr {
			buf = append(buf, x)
			if len(buf) == 2*m {
				buf = largest(buf, m)
				thr = slices.Min(buf)
			}
		}
	}
	for k := range bins {
		sum.addBins(&bins[k])
	}
	return sum, buf, positive, -1
}

// expBins is an exact sum of positive finite float64 values as fixed
// bins, one per exponent field, of 128-bit integer counts of units of
// 2^(e−1075): exactSum without its growth logic, for hot loops.
type expBins struct{ lo, hi [2048]uint64 }

func (b *expBins) add(x float64) {
	u := math.Float64bits(x)
	e := u >> 52 & 0x7ff
	m := u & (1<<52 - 1)
	if e != 0 {
		m |= 1 << 52
	} else {
		e = 1 // subnormal: same scale as the smallest normal exponent
	}
	s := b.lo[e] + m
	if s < m {
		b.hi[e]++
	}
	b.lo[e] = s
}

// largest reorders x so that its k largest values come first and returns
// them (all of x when len(x) ≤ k), by quickselect with median-of-three
// pivots: O(len(x)) expected.
func largest(x []float64, k int) []float64 {
	if len(x) <= k {
		return x
	}
	lo, hi := 0, len(x)
	for hi-lo > 16 {
		mid := lo + (hi-lo)/2
		a, b, c := x[lo], x[mid], x[hi-1]
		p := max(min(a, b), min(max(a, b), c)) // median of three
		// Three-way partition, descending: > p, == p, < p.
		gt, i, lt := lo, lo, hi
		for i < lt {
			switch v := x[i]; {
			case v > p:
				x[gt], x[i] = x[i], x[gt]
				gt++
				i++
			case v < p:
				lt--
				x[lt], x[i] = x[i], x[lt]
			default:
				i++
			}
		}
		switch {
		case k <= gt:
			hi = gt
		case k >= lt:
			lo = lt
		default:
			return x[:k]
		}
	}
	slices.SortFunc(x[lo:hi], func(a, b float64) int { return cmp.Compare(b, a) })
	return x[:k]
}

// Scratch memory of inclusionInto, kept between calls so that repeated
// draws (InclusionProbabilitiesInto, SelectInto, which keeps prnOrder's
// in sortBufs) make no garbage: at 10^7 units a few MB a draw would start
// collections that rescan the frame's ID strings while the next draws run.
var (
	floatPool sync.Pool // *[]float64
	binsPool  sync.Pool // *[2]expBins, zeroed
)

// getFloats returns a slice of length n from floatPool, or a new one.
func getFloats(n int) []float64 {
	if p, ok := floatPool.Get().(*[]float64); ok && cap(*p) >= n {
		return (*p)[:n]
	}
	return make([]float64, n)
}

// putFloats returns b's array to floatPool; b must not be used afterwards.
func putFloats(b []float64) {
	b = b[:cap(b)]
	floatPool.Put(&b)
}
