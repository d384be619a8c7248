package train

import (
	"cmp"
	"fmt"
	"math"
	"slices"
)

// AUCInterval is an AUC with its DeLong standard error and confidence
// interval.
type AUCInterval struct {
	AUC float64
	// Var is DeLong's estimate of the variance of AUC: S10/m + S01/n,
	// the sample variances (denominators m−1 and n−1) of the m
	// positives' and n negatives' placements, divided by m and n. NaN
	// with fewer than 2 positives or 2 negatives.
	Var float64
	// SE is √Var.
	SE float64
	// Level is the confidence level, e.g. 0.95.
	Level float64
	// Lower and Upper bound the normal interval AUC ± z·SE, z the
	// (1+Level)/2 quantile of the standard normal, clipped to [0, 1]
	// (as R's pROC::ci.auc does); NaN when Var is.
	Lower, Upper float64
}

// DeLong returns the AUC of scores for outcomes y with its variance and
// confidence interval at level (in (0, 1); zero means 0.95) by the method
// of DeLong, DeLong & Clarke-Pearson (1988), computed from midranks in
// O(N log N) by the algorithm of Sun & Xu (2014). The AUC counts ties one
// half, as [AUC] does, and the results match R's pROC (var, ci.auc with
// method = "delong"). Errors as for [Evaluate], or wrapping
// [ErrBadOutcome] for a level out of range.
func DeLong(scores []float64, y []bool, level float64) (AUCInterval, error) {
	if level == 0 {
		level = 0.95
	}
	if !(level > 0 && level < 1) {
		return AUCInterval{}, fmt.Errorf("risk: confidence level %v, want (0, 1): %w", level, ErrBadOutcome)
	}
	if _, err := checkScores(scores, y); err != nil {
		return AUCInterval{}, err
	}
	var pos, neg []float64
	for i, s := range scores {
		if y[i] {
			pos = append(pos, s)
		} else {
			neg = append(neg, s)
		}
	}
	return delong(pos, neg, level), nil
}

// delong computes the interval from the positives' and negatives'
// scores (Sun & Xu 2014, algorithm 2): with Tz the midranks in the
// pooled sample and Tx, Ty those within each class, the placement of
// positive i is V10ᵢ = (Tzᵢ − Txᵢ)/n and that of negative j is
// V01ⱼ = 1 − (Tzⱼ − Tyⱼ)/m; the AUC is the mean of V10.
func delong(pos, neg []float64, level float64) AUCInterval {
	m, n := len(pos), len(neg)
	tz := midranks(slices.Concat(pos, neg))
	tx, ty := midranks(pos), midranks(neg)
	v10 := make([]float64, m)
	for i := range pos {
		v10[i] = (tz[i] - tx[i]) / float64(n)
	}
	v01 := make([]float64, n)
	for j := range neg {
		v01[j] = 1 - (tz[m+j]-ty[j])/float64(m)
	}
	auc, s10 := meanVar(v10)
	_, s01 := meanVar(v01)
	v := s10/float64(m) + s01/float64(n)
	r := AUCInterval{AUC: auc, Var: v, SE: math.Sqrt(v), Level: level, Lower: math.NaN(), Upper: math.NaN()}
	if !math.IsNaN(v) {
		z := math.Sqrt2 * math.Erfinv(level) // the (1+level)/2 normal quantile
		r.Lower, r.Upper = max(0, auc-z*r.SE), min(1, auc+z*r.SE)
	}
	return r
}

// midranks returns the rank (1-based) of each value in x, tied values
// getting the mean of their ranks.
func midranks(x []float64) []float64 {
	order := make([]int, len(x))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return cmp.Compare(x[a], x[b]) })
	r := make([]float64, len(x))
	for lo := 0; lo < len(order); {
		hi := lo + 1
		for hi < len(order) && x[order[hi]] == x[order[lo]] {
			hi++
		}
		mid := float64(lo+hi+1) / 2 // mean of ranks lo+1 … hi
		for _, i := range order[lo:hi] {
			r[i] = mid
		}
		lo = hi
	}
	return r
}

// meanVar returns the mean and the sample variance (denominator
// len(x)−1, NaN for fewer than 2 values) of x, the variance by the
// two-pass formula.
func meanVar(x []float64) (float64, float64) {
	var s float64
	for _, v := range x {
		s += v
	}
	mean := s / float64(len(x))
	if len(x) < 2 {
		return mean, math.NaN()
	}
	var ss float64
	for _, v := range x {
		ss += (v - mean) * (v - mean)
	}
	return mean, ss / float64(len(x)-1)
}
