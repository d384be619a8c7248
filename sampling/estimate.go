package sampling

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
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
	// π = 1 add nothing; it needs at least two sampled units with π < 1 in
	// each stratum (with none the total is known exactly and v = 0; with
	// one the Poisson variance stands in, with a LonelyUnit warning). It is
	// the zero value because systematic πps is the default design.
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

// Estimate is a point estimate with its estimated variance, a confidence
// interval, and what a reader needs to judge them: the degrees of freedom,
// the design effect and any Warnings about a small sample.
type Estimate struct {
	Value    float64
	Variance float64 // estimated variance of Value; +Inf when undefined (see Warnings)
	SE       float64 // √Variance
	// Lower and Upper bound the confidence interval at Estimator.Level
	// (95 % by default): Value ± z·SE for totals and means, the
	// Estimator's Interval method for proportions (Estimator.Proportion).
	Lower, Upper float64
	N            int // number of sampled units used
	// DF is the degrees of freedom of the variance, as R's survey::degf
	// counts them: sampled units minus the parts (strata, rounds) they
	// fall in; for a domain, only the domain's units and parts count.
	DF int
	// EffectiveDF is Satterthwaite's degrees of freedom of the variance
	// under a working model where every y has the same variance:
	// (Σ_k a_k)²/Σ_k a_k² with a_k = (1−π_k)/π_k² over the estimate's
	// sampled units (Satterthwaite 1946; Potthoff, Woodbury & Manton 1992),
	// capped at DF and at least 1. It depends on the weights only, and is
	// small when a few heavily weighted units carry most of the variance,
	// as rarely drawn units do. Proportion intervals use it unless
	// Estimator.DesignDF is set.
	EffectiveDF float64
	// Deff is the design effect (Kish 1965): Variance over the variance
	// of the same estimator under simple random sampling without
	// replacement of as many units from each round's estimated population
	// (R's svytotal and svymean with deff = TRUE). NaN where undefined:
	// fewer than two units, no variation in y, an infinite Variance.
	Deff float64
	// NEff is the effective sample size N/Deff: the number of units a
	// simple random sample would need for the same precision.
	NEff float64
	// Warnings lists the fallbacks taken for a small sample (see
	// WarningKind); nil when there were none.
	Warnings []Warning
}

// Estimator computes design-based estimates from a sample: the values y_k
// and inclusion probabilities π_k of the sampled units only, in the same
// order. The zero Estimator uses DevilleVariance (the default systematic
// design), 95 % intervals and the default proportion interval
// (IntervalMethod's zero value).
//
// The methods that take (y, pi) treat the sample as one unstratified draw;
// the Survey methods take strata and pooled rounds into account. Every
// method works from one sampled unit: where a variance is undefined it
// falls back as WarningKind documents and says so in Estimate.Warnings.
// Every method returns an error wrapping ErrBadEstimate for an empty
// sample, a π outside (0, 1], a NaN or infinite y, a Level outside (0, 1),
// an unknown Variance or Interval, or SYGVariance without Joint. Every
// method panics if len(y) != len(pi).
type Estimator struct {
	// Variance is the variance method; see VarianceMethod for which goes
	// with which design.
	Variance VarianceMethod
	// Level is the confidence level of the interval, in (0, 1); zero
	// means 0.95.
	Level float64
	// Interval is the method of the interval of a proportion
	// (Proportion, SurveyProportion, DomainEstimate.Rate).
	Interval IntervalMethod
	// DesignDF makes proportion intervals use the design's degrees of
	// freedom Estimate.DF, as R's svyciprop does by default, instead of
	// Estimate.EffectiveDF.
	DesignDF bool
	// Joint returns the joint inclusion probability π_kl of the sampled
	// units k ≠ l (indices into y and pi). SYGVariance needs it; the other
	// methods ignore it.
	Joint func(k, l int) float64
}

// Total returns the Horvitz–Thompson estimate Σ_s y_k/π_k of the
// population total of y (Horvitz & Thompson 1952).
func (e Estimator) Total(y, pi []float64) (Estimate, error) {
	z, lay, err := e.prepare("Total", Survey{Pi: pi}, y)
	if err != nil {
		return Estimate{}, err
	}
	return e.total(y, lay, z)
}

// total is the HT total of y on a prepared layout.
func (e Estimator) total(y []float64, lay *layout, z float64) (Estimate, error) {
	var t float64
	for k := range y {
		t += y[k] / lay.pi[k]
	}
	t *= lay.scale
	var ws []Warning
	w, err := e.partsVariance(y, nil, lay, &ws)
	if err != nil {
		return Estimate{}, err
	}
	est := lay.estimate(t, w, z, ws)
	est.setDeff(lay.srs(y, nil))
	return est, nil
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
	est := interval(t.Value/popSize, t.Variance/(popSize*popSize), e.z(), t.N)
	est.DF, est.EffectiveDF, est.Deff, est.NEff, est.Warnings = t.DF, t.EffectiveDF, t.Deff, t.NEff, t.Warnings
	return est, nil
}

// HajekMean returns the Hájek (ratio) estimate of the mean of y,
// Σ_s y_k/π_k / Σ_s 1/π_k (Hájek 1971), which needs no population size and
// is the estimator for rates: with y_k ∈ {0, 1} (say, 1 for a unit with a
// major violation) it estimates the share of all units with y = 1. Its
// variance is linearised (Särndal, Swensson & Wretman 1992, §5.6): the
// chosen variance method applied to z_k = (y_k − ŷ)/N̂ with N̂ = Σ_s 1/π_k.
// Its interval is normal; Proportion gives the better intervals for rates.
func (e Estimator) HajekMean(y, pi []float64) (Estimate, error) {
	z, lay, err := e.prepare("HajekMean", Survey{Pi: pi}, y)
	if err != nil {
		return Estimate{}, err
	}
	return e.hajek(y, nil, lay, z)
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
	case e.Interval >= numIntervalMethods:
		return 0, fmt.Errorf("sampling: Estimator.Interval %v: unknown method: %w", e.Interval, ErrBadEstimate)
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

func interval(value, variance, z float64, n int) Estimate {
	se := math.Sqrt(variance)
	return Estimate{Value: value, Variance: variance, SE: se, Lower: value - z*se, Upper: value + z*se, N: n}
}

// DomainEstimate holds the estimates for one domain (a subpopulation such
// as a risk level, a district or a StratumKey) of the frame.
type DomainEstimate struct {
	Domain string
	// Units is the number of frame units in the domain (Domains,
	// StratifiedDomains); 0 from SurveyDomains, which sees only the sample.
	Units int
	// Size is the Horvitz–Thompson estimate of the number of units in the
	// domain, Σ_{s∩d} 1/π_k, which Units lets you check.
	Size Estimate
	// Total is the Horvitz–Thompson estimate of the total of y over the
	// domain.
	Total Estimate
	// Mean is the Hájek estimate of the mean of y over the domain — the
	// domain's rate when y ∈ {0, 1} — with a normal interval. When no unit
	// of the domain was sampled, its Value, Variance, SE, Lower and Upper
	// are NaN and it carries an EmptyDomain warning.
	Mean Estimate
	// Rate is Mean with the proportion interval of Estimator.Interval
	// (see Estimator.Proportion) when every sampled y lies in [0, 1];
	// otherwise its bounds are NaN.
	Rate Estimate
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
// realised; the sample is taken as one unstratified draw (for a stratified
// draw use StratifiedDomains).
//
// Domains are treated as unplanned (Särndal, Swensson & Wretman 1992,
// §10.3): every variance is computed over the whole sample, with y set to 0
// outside the domain, so that the random number of sampled units in a
// domain is accounted for. With SYGVariance, Joint is called with indices
// into the selected units taken in frame order. Estimate.N is the number of
// sampled units in the domain.
//
// Domains returns an error wrapping ErrBadEstimate for a NaN or infinite y
// at a selected unit (naming the unit), an empty sample, and the other
// errors of Estimator. It panics if len(y) or len(domain) (when domain is
// not nil) differs from len(s.IDs).
func (e Estimator) Domains(s *Sample, y []float64, domain []string) ([]DomainEstimate, error) {
	return e.StratifiedDomains(s, nil, y, domain)
}

// StratifiedDomains is Domains for a stratified draw: keys, indexed like
// the frame, are the strata the draw used (as given to Stratified.Select),
// and every variance is the sum of the strata's variances. A nil keys is
// Domains. It panics as Domains does, and if keys is not nil and
// len(keys) != len(s.IDs).
func (e Estimator) StratifiedDomains(s *Sample, keys []string, y []float64, domain []string) ([]DomainEstimate, error) {
	nf := len(s.IDs)
	if len(y) != nf {
		panic(fmt.Sprintf("sampling: Estimator.Domains: %d units but %d values", nf, len(y)))
	}
	if domain != nil && len(domain) != nf {
		panic(fmt.Sprintf("sampling: Estimator.Domains: %d units but %d domains", nf, len(domain)))
	}
	units := map[string]int{}
	if domain == nil {
		units[""] = nf
	}
	for _, d := range domain {
		units[d]++
	}
	for k := range nf {
		if s.Selected[k] && (math.IsNaN(y[k]) || math.IsInf(y[k], 0)) {
			return nil, &UnitError{Index: k, ID: s.IDs[k], What: "value " + strconv.FormatFloat(y[k], 'g', -1, 64), Err: ErrBadEstimate}
		}
	}
	sv, idx := SurveyOf(s, keys)
	ys := make([]float64, len(idx))
	var ds []string
	if domain != nil {
		ds = make([]string, len(idx))
	}
	for i, k := range idx {
		ys[i] = y[k]
		if domain != nil {
			ds[i] = domain[k]
		}
	}
	out, err := e.domains("Domains", sv, ys, ds, slices.Sorted(maps.Keys(units)))
	for j := range out {
		out[j].Units = units[out[j].Domain]
	}
	return out, err
}

// SurveyDomains estimates the size, the total, the (Hájek) mean and the
// rate of y in every domain that holds a sampled unit, sorted by domain
// name, from a Survey (strata, pooled rounds) as Domains does from one
// draw. y and domain are indexed like sv.Pi; a nil domain means one domain
// "". DomainEstimate.Units is 0: a Survey does not know the frame. Errors
// and panics are those of SurveyTotal.
func (e Estimator) SurveyDomains(sv Survey, y []float64, domain []string) ([]DomainEstimate, error) {
	names := []string{""}
	if domain != nil {
		if len(domain) != len(sv.Pi) {
			panic(fmt.Sprintf("sampling: Estimator.SurveyDomains: %d probabilities but %d domains", len(sv.Pi), len(domain)))
		}
		names = slices.Compact(slices.Sorted(slices.Values(domain)))
	}
	return e.domains("SurveyDomains", sv, y, domain, names)
}

// domains estimates every domain in names (sorted) over the sampled units
// of sv. Size and Total are unplanned-domain estimates whose variance
// uses the whole sample; Mean and Rate see the domain's degrees of freedom
// (as R's svymean and svyciprop on subset(design, …) do).
func (e Estimator) domains(fn string, sv Survey, y []float64, domain, names []string) ([]DomainEstimate, error) {
	z, lay, err := e.prepare(fn, sv, y)
	if err != nil {
		return nil, err
	}
	rates := true
	for _, v := range y {
		rates = rates && v >= 0 && v <= 1
	}
	n := len(y)
	in := make([]float64, n) // domain indicator
	yd := make([]float64, n) // y in the domain, 0 outside
	out := make([]DomainEstimate, len(names))
	for j, d := range names {
		m := 0
		var num, den float64
		for k := range y {
			in[k], yd[k] = 0, 0
			if domain == nil || domain[k] == d {
				in[k], yd[k] = 1, y[k]
				m++
				num += y[k] / sv.Pi[k]
				den += 1 / sv.Pi[k]
			}
		}
		out[j] = DomainEstimate{Domain: d}
		for _, t := range []struct {
			dst   *Estimate
			x     []float64
			value float64
		}{{&out[j].Size, in, den}, {&out[j].Total, yd, num}} {
			var ws []Warning
			w, err := e.partsVariance(t.x, nil, lay, &ws)
			if err != nil {
				return nil, err
			}
			*t.dst = lay.estimate(t.value*lay.scale, w, z, ws)
			t.dst.N = m
			t.dst.setDeff(lay.srs(t.x, nil))
		}
		mean, err := e.hajek(y, in, lay, z)
		if err != nil {
			return nil, err
		}
		out[j].Mean = mean
		out[j].Rate = mean
		if rates {
			e.proportionOf(&out[j].Rate, mean.N > 0 && lay.domain(in).exact)
		} else {
			out[j].Rate.Lower, out[j].Rate.Upper = math.NaN(), math.NaN()
		}
	}
	return out, nil
}
