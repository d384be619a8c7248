package sampling

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
)

// Survey describes sampled units for estimation, as R's survey::svydesign
// does: for each sampled unit, its inclusion probability in the round that
// drew it, the stratum it was drawn from and that round. The sample falls
// into parts — the strata of each round — drawn independently of each
// other; within a part the Estimator's VarianceMethod applies, and the
// variance of an estimate is the sum of the parts' variances.
//
// A Survey with nil Strata and Rounds is one unstratified draw, as the
// Estimator methods that take (y, pi) assume. SurveyOf builds a Survey from
// a drawn Sample; Pool joins the Surveys of a period's rounds.
//
// # What a pooled estimate describes
//
// A round can only estimate the units it could draw (π > 0 in that round);
// in independent mode a unit waiting after a recent inspection has π = 0.
// Pooling the R rounds of a period (NumRounds = R) weights each sampled
// unit by 1/(R·π_k) in its round, so the pooled total estimates
// (1/R) Σ_r t_r, the mean over the rounds of each round's total t_r of y
// over its units with π > 0, and the pooled (Hájek) mean estimates
// Σ_r t_r / Σ_r N_r, the mean of y over all (unit, round) pairs with π > 0:
// every unit counts in proportion to the number of rounds it could be
// drawn in. When every unit has π > 0 in every round (as in rotation
// mode, or independent mode without waiting periods) and y does not change
// within the period, these are the population's total and mean. y is the
// value observed in the round that drew the unit. The rounds must be drawn
// with independent seeds (so that their estimates are independent) and
// their π fixed before each round's draw.
type Survey struct {
	// Pi is the inclusion probability of each sampled unit in its round,
	// in (0, 1].
	Pi []float64
	// Strata is the stratum of each sampled unit within its round; nil: one
	// stratum.
	Strata []string
	// Rounds is the round of each sampled unit, in [0, NumRounds); nil:
	// all in round 0.
	Rounds []int
	// NumRounds is the number of rounds pooled, including rounds that
	// sampled nobody; 0 means 1 + the largest of Rounds (1 when Rounds is
	// nil).
	NumRounds int
}

// SurveyOf returns the Survey of the selected units of s and their
// indices in the frame (s.IDs), in frame order. keys (indexed like the
// frame, as given to Stratified.Select) are the strata; nil: unstratified.
// The π are s.Pi, the π the design realised. It panics if keys is not nil
// and len(keys) != len(s.IDs).
func SurveyOf(s *Sample, keys []string) (Survey, []int) {
	if keys != nil && len(keys) != len(s.IDs) {
		panic(fmt.Sprintf("sampling: SurveyOf: %d units but %d strata", len(s.IDs), len(keys)))
	}
	var sv Survey
	var idx []int
	for k, sel := range s.Selected {
		if !sel {
			continue
		}
		idx = append(idx, k)
		sv.Pi = append(sv.Pi, s.Pi[k])
		if keys != nil {
			sv.Strata = append(sv.Strata, keys[k])
		}
	}
	return sv, idx
}

// Pool joins the Surveys of the rounds of a period, in order: rounds[r]
// becomes round r of the result (its own Rounds are ignored), and
// NumRounds is len(rounds). The values y passed to the estimators must be
// joined in the same order. A round that sampled nobody is an empty Survey
// and still counts as a round.
func Pool(rounds ...Survey) Survey {
	out := Survey{NumRounds: len(rounds)}
	stratified := false
	for _, r := range rounds {
		stratified = stratified || r.Strata != nil
	}
	for r, sv := range rounds {
		out.Pi = append(out.Pi, sv.Pi...)
		for k := range sv.Pi {
			out.Rounds = append(out.Rounds, r)
			if stratified {
				s := ""
				if sv.Strata != nil {
					s = sv.Strata[k]
				}
				out.Strata = append(out.Strata, s)
			}
		}
	}
	return out
}

// layout is how the sampled units of a Survey fall into parts.
type layout struct {
	members [][]int   // sampled units of each part, in input order
	names   []string  // each part's name for warnings
	round   []int     // each part's round
	rounds  int       // NumRounds
	scale   float64   // 1/rounds: the weight of a round in the pooled estimate
	n, df   int       // sampled units; n − parts (R's survey::degf)
	exact   bool      // every unit has π = 1: no sampling error
	pi      []float64 // the Survey's Pi
}

type partKey struct {
	round   int
	stratum string
}

// prepare validates the estimator, the survey and y, and returns the
// normal quantile of the interval and the layout.
func (e Estimator) prepare(fn string, sv Survey, y []float64) (float64, *layout, error) {
	n := len(sv.Pi)
	if (sv.Strata != nil && len(sv.Strata) != n) || (sv.Rounds != nil && len(sv.Rounds) != n) {
		panic(fmt.Sprintf("sampling: Estimator.%s: %d probabilities but %d strata and %d rounds", fn, n, len(sv.Strata), len(sv.Rounds)))
	}
	z, err := e.check(fn, y, sv.Pi)
	if err != nil {
		return 0, nil, err
	}
	lay, err := newLayout(fn, sv)
	return z, lay, err
}

// newLayout groups the units of sv into parts ordered by (round, stratum).
func newLayout(fn string, sv Survey) (*layout, error) {
	rounds := sv.NumRounds
	if rounds < 0 {
		return nil, fmt.Errorf("sampling: %s: NumRounds %d: %w", fn, rounds, ErrBadEstimate)
	}
	if rounds == 0 {
		rounds = 1
		for _, r := range sv.Rounds {
			rounds = max(rounds, r+1)
		}
	}
	keys := make(map[partKey][]int)
	for k := range sv.Pi {
		var pk partKey
		if sv.Rounds != nil {
			pk.round = sv.Rounds[k]
			if pk.round < 0 || pk.round >= rounds {
				return nil, fmt.Errorf("sampling: %s: sampled unit %d: round %d outside [0, %d): %w", fn, k, pk.round, rounds, ErrBadEstimate)
			}
		}
		if sv.Strata != nil {
			pk.stratum = sv.Strata[k]
		}
		keys[pk] = append(keys[pk], k)
	}
	order := make([]partKey, 0, len(keys))
	for pk := range keys {
		order = append(order, pk)
	}
	slices.SortFunc(order, func(a, b partKey) int {
		return cmp.Or(cmp.Compare(a.round, b.round), cmp.Compare(a.stratum, b.stratum))
	})
	lay := &layout{rounds: rounds, scale: 1 / float64(rounds), n: len(sv.Pi), df: len(sv.Pi) - len(order), exact: true, pi: sv.Pi}
	for _, pk := range order {
		lay.members = append(lay.members, keys[pk])
		lay.round = append(lay.round, pk.round)
		lay.names = append(lay.names, partName(sv, pk))
	}
	for _, p := range sv.Pi {
		lay.exact = lay.exact && p == 1
	}
	return lay, nil
}

func partName(sv Survey, pk partKey) string {
	switch {
	case sv.Rounds == nil && sv.Strata == nil:
		return ""
	case sv.Rounds == nil:
		return "stratum " + pk.stratum
	case sv.Strata == nil:
		return "round " + strconv.Itoa(pk.round)
	}
	return "round " + strconv.Itoa(pk.round) + ", stratum " + pk.stratum
}

// varEst is an estimated variance v with what Satterthwaite's degrees of
// freedom need: under a working model in which every unit's y has the same
// variance, unit k adds a_k ∝ (1−π_k)/π_k² to the variance of the
// estimate, and the degrees of freedom are (Σ a_k)²/Σ a_k² (Satterthwaite
// 1946; Potthoff, Woodbury & Manton 1992). They depend on the weights
// only, not on which units happened to have y = 1.
type varEst struct{ v, a, a2 float64 }

// effectiveDF is the Satterthwaite degrees of freedom, at most df and at
// least 1 (0 when df ≤ 0); df itself when no unit has π < 1.
func (w varEst) effectiveDF(df int) float64 {
	if df <= 0 {
		return 0
	}
	if !(w.a > 0 && w.a2 > 0) {
		return float64(df)
	}
	return math.Max(1, math.Min(float64(df), w.a*w.a/w.a2))
}

// partsVariance is the estimated variance of the (scaled) HT total of x:
// the sum over the parts of each part's variance, times scale². Parts
// where the method is undefined use the Poisson variance and add a
// LonelyUnit warning to ws. The working-model terms of the degrees of
// freedom count the units with in[k] = 1 (all when in is nil).
func (e Estimator) partsVariance(x, in []float64, lay *layout, ws *[]Warning) (varEst, error) {
	var w varEst
	s2 := lay.scale * lay.scale
	for p, mem := range lay.members {
		vp, lonely, err := e.partVariance(x, lay.pi, mem)
		if err != nil {
			return varEst{}, err
		}
		if lonely {
			*ws = addWarning(*ws, Warning{Kind: LonelyUnit, Part: lay.names[p]})
		}
		w.v += vp * s2
		for _, k := range mem {
			if pk := lay.pi[k]; in == nil || in[k] == 1 {
				a := (1 - pk) / (pk * pk) * s2
				w.a += a
				w.a2 += a * a
			}
		}
	}
	return w, nil
}

// partVariance estimates the variance of Σ_mem x_k/π_k by the Estimator's
// method, reporting whether it fell back to the Poisson variance because
// the part has a single unit with π < 1 and the method needs two.
func (e Estimator) partVariance(x, pi []float64, mem []int) (float64, bool, error) {
	poissonVar := func() float64 {
		var v float64
		for _, k := range mem {
			c := x[k] / pi[k]
			v += (1 - pi[k]) * c * c
		}
		return v
	}
	if e.Variance == PoissonVariance {
		return poissonVar(), false, nil
	}
	uncertain := 0
	var sa float64
	for _, k := range mem {
		if pi[k] < 1 {
			uncertain++
			sa += 1 - pi[k]
		}
	}
	switch uncertain {
	case 0:
		return 0, false, nil // every unit taken with certainty: no sampling error
	case 1:
		return poissonVar(), true, nil
	}
	if e.Variance == SYGVariance {
		v, err := e.sygVariance(x, pi, mem)
		return v, false, err
	}
	// Deville: units with π = 1 have weight a_k = 0 and add nothing.
	var ahat, sa2 float64
	for _, k := range mem {
		a := (1 - pi[k]) / sa
		ahat += a * x[k] / pi[k]
		sa2 += a * a
	}
	var v float64
	for _, k := range mem {
		d := x[k]/pi[k] - ahat
		v += (1 - pi[k]) * d * d
	}
	return v / (1 - sa2), false, nil
}

// sygVariance is the Sen–Yates–Grundy variance over the pairs of units of
// one part.
func (e Estimator) sygVariance(x, pi []float64, mem []int) (float64, error) {
	var v float64
	for a, k := range mem {
		ck := x[k] / pi[k]
		for _, l := range mem[a+1:] {
			pkl := e.Joint(k, l)
			if !(pkl > 0 && pkl <= math.Min(pi[k], pi[l])) {
				return 0, fmt.Errorf("sampling: sampled units %d and %d: joint inclusion probability %v outside (0, min(π_k, π_l)]: %w", k, l, pkl, ErrBadEstimate)
			}
			d := ck - x[l]/pi[l]
			v += (pi[k]*pi[l] - pkl) / pkl * d * d
		}
	}
	return v, nil
}

// SurveyTotal returns the Horvitz–Thompson estimate of the total of y over
// the units the survey's rounds could draw (see Survey): Σ_s y_k/(R·π_k)
// for R = NumRounds, with the variance summed over the parts and a normal
// interval. It reports the design effect and the degrees of freedom.
//
// Errors: those of Total, and ErrBadEstimate for a negative NumRounds or a
// round outside [0, NumRounds). It panics if Strata or Rounds (when not
// nil) or y differ in length from Pi.
func (e Estimator) SurveyTotal(sv Survey, y []float64) (Estimate, error) {
	z, lay, err := e.prepare("SurveyTotal", sv, y)
	if err != nil {
		return Estimate{}, err
	}
	return e.total(y, lay, z)
}

// SurveyMean returns the Hájek estimate of the mean of y over the units
// the survey's rounds could draw (see Survey), Σ_s y_k/π_k / Σ_s 1/π_k
// with weights 1/(R·π_k) across rounds, and its linearised variance: the
// variance of the total of z_k = (y_k − ŷ)/N̂ summed over the parts. It
// reports the design effect and the degrees of freedom. Errors and panics
// are those of SurveyTotal.
func (e Estimator) SurveyMean(sv Survey, y []float64) (Estimate, error) {
	z, lay, err := e.prepare("SurveyMean", sv, y)
	if err != nil {
		return Estimate{}, err
	}
	return e.hajek(y, nil, lay, z)
}

// hajek is the Hájek mean of y over the units with in[k] = 1 (all when in
// is nil): a domain estimate when in is not nil.
func (e Estimator) hajek(y, in []float64, lay *layout, z float64) (Estimate, error) {
	var num, den float64
	m := 0
	for k := range y {
		if in == nil || in[k] == 1 {
			num += y[k] / lay.pi[k]
			den += 1 / lay.pi[k]
			m++
		}
	}
	var ws []Warning
	if m == 0 {
		nan := math.NaN()
		ws = addWarning(ws, Warning{Kind: EmptyDomain})
		return Estimate{Value: nan, Variance: nan, SE: nan, Lower: nan, Upper: nan, Deff: nan, NEff: nan, Warnings: ws}, nil
	}
	mean := num / den
	den *= lay.scale
	res := make([]float64, len(y))
	for k := range y {
		if in == nil || in[k] == 1 {
			res[k] = (y[k] - mean) / den
		}
	}
	w, err := e.partsVariance(res, in, lay, &ws)
	if err != nil {
		return Estimate{}, err
	}
	sub := lay
	if in != nil {
		sub = lay.domain(in)
	}
	est := sub.estimate(mean, w, z, ws)
	est.N = m
	est.setDeff(lay.srs(y, in) / (den * den))
	return est, nil
}

// domain returns the layout's degrees of freedom and certainty as seen by
// a domain: R's survey::degf of a subset counts only the units and strata
// of the domain.
func (lay *layout) domain(in []float64) *layout {
	d := *lay
	d.n, d.df, d.exact = 0, 0, true
	for _, mem := range lay.members {
		m := 0
		for _, k := range mem {
			if in[k] == 1 {
				m++
				d.exact = d.exact && lay.pi[k] == 1
			}
		}
		if m > 0 {
			d.n += m
			d.df += m - 1
		}
	}
	return &d
}

// estimate returns the Estimate of value with variance w: exact when every
// unit is certain, with an infinite variance and a NoDegreesOfFreedom
// warning when DF ≤ 0, else with a normal interval.
func (lay *layout) estimate(value float64, w varEst, z float64, ws []Warning) Estimate {
	v := w.v
	switch {
	case lay.exact:
		v = 0
	case lay.df <= 0:
		v = math.Inf(1)
		ws = addWarning(ws, Warning{Kind: NoDegreesOfFreedom})
	}
	est := interval(value, v, z, lay.n)
	est.DF = lay.df
	est.EffectiveDF = w.effectiveDF(lay.df)
	est.Warnings = ws
	return est
}

// srs computes the variance of the pooled HT total of y (over the units
// with in[k] = 1, all when in is nil) under simple random sampling without
// replacement of the same n_r units from each round's estimated population
// N̂_r = Σ_{s_r} 1/π_k:  (1/R²) Σ_r N̂_r²(1 − n_r/N̂_r) s²/n_r, with s² the
// estimated population variance n/(n−1)·Σ w(y−ȳ)²/Σ w as R's svyvar
// computes it. For one round this is the comparison of R's svytotal(…,
// deff = TRUE). It is NaN below two units.
func (lay *layout) srs(y, in []float64) float64 {
	nr := make([]float64, lay.rounds)
	Nr := make([]float64, lay.rounds)
	var sw, swy float64
	n := 0
	for p, mem := range lay.members {
		r := lay.round[p]
		for _, k := range mem {
			if in != nil && in[k] != 1 {
				continue
			}
			w := 1 / lay.pi[k]
			nr[r]++
			Nr[r] += w
			sw += w
			swy += w * y[k]
			n++
		}
	}
	if n < 2 {
		return math.NaN()
	}
	mean := swy / sw
	var ss float64
	for _, mem := range lay.members {
		for _, k := range mem {
			if in != nil && in[k] != 1 {
				continue
			}
			d := y[k] - mean
			ss += d * d / lay.pi[k]
		}
	}
	s2 := float64(n) / float64(n-1) * ss / sw
	var v float64
	for r := range nr {
		if nr[r] > 0 {
			v += Nr[r] * Nr[r] * (1 - nr[r]/Nr[r]) * s2 / nr[r]
		}
	}
	return v * lay.scale * lay.scale
}

// setDeff sets Deff = Variance/vsrs and NEff = N/Deff, NaN where either is
// undefined.
func (est *Estimate) setDeff(vsrs float64) {
	est.Deff, est.NEff = math.NaN(), math.NaN()
	if vsrs > 0 && !math.IsInf(est.Variance, 0) {
		est.Deff = est.Variance / vsrs
		if est.Deff > 0 {
			est.NEff = float64(est.N) / est.Deff
		}
	}
}
