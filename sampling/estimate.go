package sampling

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
)

// ErrBadEstimate reports input that no estimator can use: an empty sample,
// an inclusion probability outside (0, 1], a NaN or infinite value, a
// confidence level outside (0, 1) or an unknown variance method.
var ErrBadEstimate = errors.New("bad estimation input")

// VarianceMethod is how an Estimator estimates the variance of a
// Horvitz–Thompson total. Pick the one that matches the design:
//
//	Design          method            why
//	Systematic      DevilleVariance   fixed size; many joint π are 0, so no unbiased estimator exists
//	Pareto          DevilleVariance   fixed size, close to maximum entropy
//	Poisson         PoissonVariance   independent draws: exact and unbiased
//	any, π_kl known SYGVariance       Sen–Yates–Grundy, unbiased for fixed size when all π_kl > 0
//
// VarianceFor returns the method for a Design.
type VarianceMethod uint8

const (
	// DevilleVariance is Deville's approximation for fixed-size designs of
	// high entropy (Deville 1999; Tillé 2006, §7.4), the estimator of R's
	// sampling::varest(Ys, pik = pik):
	//
	//	v = Σ_s (1−π_k)(y_k/π_k − Â)² / (1 − Σ_s a_k²),
	//	a_k = (1−π_k)/Σ_s(1−π_l),  Â = Σ_s a_k y_k/π_k.
	//
	// With equal π it is the simple-random-sampling variance. Units with
	// π = 1 add nothing; it needs at least two sampled units with π < 1 (or
	// none: then the total is known exactly and v = 0). It is the zero
	// value because systematic πps is the default design.
	DevilleVariance VarianceMethod = iota
	// PoissonVariance is the unbiased variance estimator under Poisson
	// sampling, v = Σ_s (1−π_k) y_k²/π_k² (Horvitz & Thompson 1952).
	PoissonVariance
	// SYGVariance is the Sen–Yates–Grundy estimator (Sen 1953; Yates &
	// Grundy 1953) for fixed-size designs whose joint inclusion
	// probabilities π_kl are known and positive (Estimator.Joint):
	//
	//	v = ½ Σ_{k≠l∈s} (π_kπ_l − π_kl)/π_kl · (y_k/π_k − y_l/π_l)².
	//
	// It costs O(n²) in the sample size n.
	SYGVariance
	numVarianceMethods
)

var varianceNames = [...]string{"deville", "poisson", "syg"}

func (v VarianceMethod) String() string {
	if int(v) < len(varianceNames) {
		return varianceNames[v]
	}
	return fmt.Sprintf("VarianceMethod(%d)", v)
}

// VarianceFor returns the variance method that fits a design drawn by
// Select: PoissonVariance for Poisson, DevilleVariance for the fixed-size
// designs (Systematic, Pareto).
func VarianceFor(d Design) VarianceMethod {
	if d == Poisson {
		return PoissonVariance
	}
	return DevilleVariance
}

// Estimate is a point estimate with its estimated variance and a
// normal-approximation confidence interval Value ± z·SE.
type Estimate struct {
	Value    float64
	Variance float64 // estimated variance of Value
	SE       float64 // √Variance
	// Lower and Upper bound the confidence interval at Estimator.Level
	// (95 % by default).
	Lower, Upper float64
	N            int // number of sampled units used
}

// Estimator computes design-based estimates from a sample: the values y_k
// and inclusion probabilities π_k of the sampled units only, in the same
// order. The zero Estimator uses DevilleVariance (the default systematic
// design) and 95 % intervals.
//
// Every method returns an error wrapping ErrBadEstimate for an empty
// sample, a π outside (0, 1], a NaN or infinite y, a Level outside (0, 1),
// an unknown Variance, SYGVariance without Joint, or DevilleVariance with
// exactly one unit of π < 1. Every method panics if len(y) != len(pi).
type Estimator struct {
	// Variance is the variance method; see VarianceMethod for which goes
	// with which design.
	Variance VarianceMethod
	// Level is the confidence level of the interval, in (0, 1); zero
	// means 0.95.
	Level float64
	// Joint returns the joint inclusion probability π_kl of the sampled
	// units k ≠ l (indices into y and pi). SYGVariance needs it; the other
	// methods ignore it.
	Joint func(k, l int) float64
}

// Total returns the Horvitz–Thompson estimate Σ_s y_k/π_k of the
// population total of y (Horvitz & Thompson 1952).
func (e Estimator) Total(y, pi []float64) (Estimate, error) {
	z, err := e.check("Total", y, pi)
	if err != nil {
		return Estimate{}, err
	}
	var t float64
	for k := range y {
		t += y[k] / pi[k]
	}
	v, err := e.variance(y, pi)
	if err != nil {
		return Estimate{}, err
	}
	return interval(t, v, z, len(y)), nil
}

// Mean returns the Horvitz–Thompson estimate Σ_s (y_k/π_k) / N of the mean
// of y over a population of known size N > 0.
func (e Estimator) Mean(y, pi []float64, popSize float64) (Estimate, error) {
	if !(popSize > 0) || math.IsInf(popSize, 0) {
		return Estimate{}, fmt.Errorf("sampling: Mean: population size %v: must be positive and finite: %w", popSize, ErrBadEstimate)
	}
	t, err := e.Total(y, pi)
	if err != nil {
		return Estimate{}, err
	}
	z := e.z()
	return interval(t.Value/popSize, t.Variance/(popSize*popSize), z, t.N), nil
}

// HajekMean returns the Hájek (ratio) estimate of the mean of y,
// Σ_s y_k/π_k / Σ_s 1/π_k (Hájek 1971), which needs no population size and
// is the estimator for rates: with y_k ∈ {0, 1} (say, 1 for a unit with a
// major violation) it estimates the share of all units with y = 1. Its
// variance is linearised (Särndal, Swensson & Wretman 1992, §5.6): the
// chosen variance method applied to z_k = (y_k − ŷ)/N̂ with N̂ = Σ_s 1/π_k.
func (e Estimator) HajekMean(y, pi []float64) (Estimate, error) {
	z, err := e.check("HajekMean", y, pi)
	if err != nil {
		return Estimate{}, err
	}
	var num, den float64
	for k := range y {
		num += y[k] / pi[k]
		den += 1 / pi[k]
	}
	m := num / den
	res := make([]float64, len(y))
	for k := range y {
		res[k] = (y[k] - m) / den
	}
	v, err := e.variance(res, pi)
	if err != nil {
		return Estimate{}, err
	}
	return interval(m, v, z, len(y)), nil
}

// HTTotal is Estimator{Variance: v}.Total(y, pi): the Horvitz–Thompson
// total of the sampled y with a 95 % interval.
func HTTotal(y, pi []float64, v VarianceMethod) (Estimate, error) {
	return Estimator{Variance: v}.Total(y, pi)
}

// HTTotalSYG is Estimator{Variance: SYGVariance, Joint: pikl}.Total(y, pi):
// the Horvitz–Thompson total with the Sen–Yates–Grundy variance, for a
// fixed-size design whose joint inclusion probabilities pikl(k, l) of the
// sampled units k ≠ l are known.
func HTTotalSYG(y, pi []float64, pikl func(k, l int) float64) (Estimate, error) {
	return Estimator{Variance: SYGVariance, Joint: pikl}.Total(y, pi)
}

// HTMean is Estimator{Variance: v}.Mean(y, pi, popSize).
func HTMean(y, pi []float64, popSize float64, v VarianceMethod) (Estimate, error) {
	return Estimator{Variance: v}.Mean(y, pi, popSize)
}

// HajekMean is Estimator{Variance: v}.HajekMean(y, pi): the Hájek mean or
// rate with a 95 % interval.
func HajekMean(y, pi []float64, v VarianceMethod) (Estimate, error) {
	return Estimator{Variance: v}.HajekMean(y, pi)
}

// check validates the estimator and the sample and returns the normal
// quantile of the interval.
func (e Estimator) check(fn string, y, pi []float64) (float64, error) {
	if len(y) != len(pi) {
		panic(fmt.Sprintf("sampling: Estimator.%s: %d values but %d probabilities", fn, len(y), len(pi)))
	}
	if e.Level != 0 && !(e.Level > 0 && e.Level < 1) {
		return 0, fmt.Errorf("sampling: Estimator.Level %v: must lie in (0, 1): %w", e.Level, ErrBadEstimate)
	}
	switch {
	case e.Variance >= numVarianceMethods:
		return 0, fmt.Errorf("sampling: Estimator.Variance %v: unknown method: %w", e.Variance, ErrBadEstimate)
	case e.Variance == SYGVariance && e.Joint == nil:
		return 0, fmt.Errorf("sampling: Estimator.Variance syg needs Estimator.Joint: %w", ErrBadEstimate)
	case len(y) == 0:
		return 0, fmt.Errorf("sampling: %s: empty sample: %w", fn, ErrBadEstimate)
	}
	for k := range y {
		if !(pi[k] > 0 && pi[k] <= 1) {
			return 0, fmt.Errorf("sampling: %s: sampled unit %d: inclusion probability %v outside (0, 1]: %w", fn, k, pi[k], ErrBadEstimate)
		}
		if math.IsNaN(y[k]) || math.IsInf(y[k], 0) {
			return 0, fmt.Errorf("sampling: %s: sampled unit %d: value %v: %w", fn, k, y[k], ErrBadEstimate)
		}
	}
	return e.z(), nil
}

// z returns the two-sided normal quantile Φ⁻¹((1+Level)/2).
func (e Estimator) z() float64 {
	level := e.Level
	if level == 0 {
		level = 0.95
	}
	return math.Sqrt2 * math.Erfinv(level)
}

// variance estimates the variance of the HT total of y.
func (e Estimator) variance(y, pi []float64) (float64, error) {
	switch e.Variance {
	case PoissonVariance:
		var v float64
		for k := range y {
			c := y[k] / pi[k]
			v += (1 - pi[k]) * c * c
		}
		return v, nil
	case SYGVariance:
		var v float64
		for k := range y {
			ck := y[k] / pi[k]
			for l := k + 1; l < len(y); l++ {
				pkl := e.Joint(k, l)
				if !(pkl > 0 && pkl <= math.Min(pi[k], pi[l])) {
					return 0, fmt.Errorf("sampling: sampled units %d and %d: joint inclusion probability %v outside (0, min(π_k, π_l)]: %w", k, l, pkl, ErrBadEstimate)
				}
				d := ck - y[l]/pi[l]
				v += (pi[k]*pi[l] - pkl) / pkl * d * d
			}
		}
		return v, nil
	default: // DevilleVariance
		var sa float64
		uncertain := 0
		for k := range y {
			sa += 1 - pi[k]
			if pi[k] < 1 {
				uncertain++
			}
		}
		switch uncertain {
		case 0:
			return 0, nil // every unit taken with certainty: no sampling error
		case 1:
			return 0, fmt.Errorf("sampling: Deville's variance needs at least 2 sampled units with π < 1, have 1: %w", ErrBadEstimate)
		}
		var ahat, sa2 float64
		for k := range y {
			a := (1 - pi[k]) / sa
			ahat += a * y[k] / pi[k]
			sa2 += a * a
		}
		var v float64
		for k := range y {
			d := y[k]/pi[k] - ahat
			v += (1 - pi[k]) * d * d
		}
		return v / (1 - sa2), nil
	}
}

func interval(value, variance, z float64, n int) Estimate {
	se := math.Sqrt(variance)
	return Estimate{Value: value, Variance: variance, SE: se, Lower: value - z*se, Upper: value + z*se, N: n}
}

// DomainEstimate holds the estimates for one domain (a subpopulation such
// as a risk level, a district or a StratumKey) of the frame.
type DomainEstimate struct {
	Domain string
	Units  int // frame units in the domain
	// Size is the Horvitz–Thompson estimate of the number of units in the
	// domain, Σ_{s∩d} 1/π_k, which Units lets you check.
	Size Estimate
	// Total is the Horvitz–Thompson estimate of the total of y over the
	// domain.
	Total Estimate
	// Mean is the Hájek estimate of the mean of y over the domain — the
	// domain's rate when y ∈ {0, 1}. When no unit of the domain was
	// sampled, its Value, Variance, SE, Lower and Upper are NaN.
	Mean Estimate
}

// EstimateByDomain is Estimator{Variance: VarianceFor(s.Design)}.Domains(s,
// y, domain): 95 % intervals with the variance method that fits the design.
func EstimateByDomain(s *Sample, y []float64, domain []string) ([]DomainEstimate, error) {
	return Estimator{Variance: VarianceFor(s.Design)}.Domains(s, y, domain)
}

// Domains estimates the size, the total and the (Hájek) mean of y in every
// domain of the frame of s, sorted by domain name. y and domain are indexed
// like the frame (s.IDs); y is read only at selected units, so the others
// may hold anything, NaN included. A nil domain means one domain "" — the
// whole frame. The inclusion probabilities are s.Pi, the π the design
// realised.
//
// Domains are treated as unplanned (Särndal, Swensson & Wretman 1992,
// §10.3): every variance is computed over the whole sample, with y set to 0
// outside the domain, so that the random number of sampled units in a
// domain is accounted for. For a stratified draw whose strata are the
// domains, estimate each stratum's own sample with Estimator.Total and
// Estimator.HajekMean instead. With SYGVariance, Joint is called with
// indices into the selected units taken in frame order. Estimate.N is the
// number of sampled units in the domain.
//
// Domains returns an error wrapping ErrBadEstimate for a NaN or infinite y
// at a selected unit (naming the unit), an empty sample, and the other
// errors of Estimator. It panics if len(y) or len(domain) (when domain is
// not nil) differs from len(s.IDs).
func (e Estimator) Domains(s *Sample, y []float64, domain []string) ([]DomainEstimate, error) {
	nf := len(s.IDs)
	if len(y) != nf {
		panic(fmt.Sprintf("sampling: Estimator.Domains: %d units but %d values", nf, len(y)))
	}
	if domain != nil && len(domain) != nf {
		panic(fmt.Sprintf("sampling: Estimator.Domains: %d units but %d domains", nf, len(domain)))
	}
	// Number the domains in name order, and note each selected unit's.
	units := map[string]int{}
	if domain == nil {
		units[""] = nf
	}
	for _, d := range domain {
		units[d]++
	}
	names := make([]string, 0, len(units))
	for d := range units {
		names = append(names, d)
	}
	sort.Strings(names)
	index := make(map[string]int, len(names))
	for j, d := range names {
		index[d] = j
	}
	var sel, selDom []int
	for k := range nf {
		if !s.Selected[k] {
			continue
		}
		if math.IsNaN(y[k]) || math.IsInf(y[k], 0) {
			return nil, &UnitError{Index: k, ID: s.IDs[k], What: "value " + strconv.FormatFloat(y[k], 'g', -1, 64), Err: ErrBadEstimate}
		}
		sel = append(sel, k)
		if domain == nil {
			selDom = append(selDom, 0)
		} else {
			selDom = append(selDom, index[domain[k]])
		}
	}

	n := len(sel)
	pi := make([]float64, n)
	for i, k := range sel {
		pi[i] = s.Pi[k]
	}
	z, err := e.check("Domains", make([]float64, n), pi)
	if err != nil {
		return nil, err
	}
	in := make([]float64, n) // domain indicator
	yd := make([]float64, n) // y in the domain, 0 outside
	res := make([]float64, n)
	out := make([]DomainEstimate, len(names))
	for j, d := range names {
		m := 0
		var num, den float64
		for i, k := range sel {
			in[i], yd[i] = 0, 0
			if selDom[i] == j {
				in[i], yd[i] = 1, y[k]
				m++
				num += y[k] / pi[i]
				den += 1 / pi[i]
			}
		}
		out[j] = DomainEstimate{Domain: d, Units: units[d]}
		size, err := e.variance(in, pi)
		if err != nil {
			return nil, err
		}
		total, err := e.variance(yd, pi)
		if err != nil {
			return nil, err
		}
		out[j].Size = interval(den, size, z, m)
		out[j].Total = interval(num, total, z, m)
		if m == 0 {
			nan := math.NaN()
			out[j].Mean = Estimate{Value: nan, Variance: nan, SE: nan, Lower: nan, Upper: nan}
			continue
		}
		mean := num / den
		for i := range sel {
			res[i] = in[i] * (yd[i] - mean) / den
		}
		v, err := e.variance(res, pi)
		if err != nil {
			return nil, err
		}
		out[j].Mean = interval(mean, v, z, m)
	}
	return out, nil
}
