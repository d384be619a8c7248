package workspace

import (
	"errors"
	"fmt"
	"math"

	"github.com/firedraw/firedraw/risk"
	"github.com/firedraw/firedraw/sampling"
	"github.com/firedraw/firedraw/schedule/protocol"
)

// Indicators that Estimate knows: the share of units whose inspection
// fails, and the share with at least one major violation.
const (
	IndicatorFail  = "fail"
	IndicatorMajor = "major"
)

// z95 is the standard normal quantile of a two-sided 95 % interval.
const z95 = 1.959963984540054

// RoundEstimate is one round's estimate of an indicator.
type RoundEstimate struct {
	Round   int
	Tasks   int // tasks drawn
	Results int // tasks with results recorded (the sample used)
	// Estimate is the Hájek estimate of the share (sampling.HajekMean).
	Estimate sampling.Estimate
	// Variance names the variance estimator used: "deville", or
	// "poisson" where Deville's is undefined (the fallback), or
	// "undefined" for a round with one result (its interval is NaN).
	Variance string

	y, pi []float64 // the sample, for pooling
}

// EstimateReport is Estimate's answer: every round with results, the
// pooled estimate over them and the warnings a reader must see.
type EstimateReport struct {
	Indicator string
	Rounds    []RoundEstimate
	// Pooled is the Hájek estimate over every round's results together
	// (see Estimate), with a 95 % interval ± 1.96 SE clipped to [0, 1]
	// (a share); NaN bounds with a single result.
	Pooled   sampling.Estimate
	Warnings []string
}

// ErrNoResults reports that no round has results to estimate from.
var ErrNoResults = errors.New("no recorded results")

// Estimate estimates an indicator (IndicatorFail or IndicatorMajor) from
// the recorded results of every drawn round: per round the Hájek estimate
// of the share of units with y = 1 among the units the round could draw
// (π > 0), weighted by the tasks' π from the disclosure, with Deville's
// variance (sampling.DevilleVariance, the systematic design's).
//
// The pooled estimate is the Hájek ratio over every round's results
// together, m = Σ_r Σ_k y/π ÷ Σ_r Σ_k 1/π: the period's average share,
// each round weighted by its estimated population. Its variance is
// linearised (Särndal, Swensson & Wretman 1992, §5.6): the residuals
// z = (y − m)/N̂ with N̂ = Σ_r Σ_k 1/π, whose HT total has the variance
// Σ_r v_r because the rounds are drawn with independent seeds; v_r is
// Deville's variance of round r's residuals. Pooling is what makes a
// small city estimable: a round of one task has no variance of its own,
// but its residual from the pooled mean has.
//
// Fallbacks, each with a warning: where Deville's variance is undefined
// (exactly one sampled unit with π < 1, common in a 30-unit city) the
// Poisson variance estimator Σ (1−π_k) z_k²/π_k² is used, which ignores
// the fixed sample size and so overstates the variance of a systematic
// draw; a round with one result shows its share without an interval.
// Tasks without results are left out and counted (the estimate then
// assumes they are missing at random). A zero-width interval (every
// result alike) is flagged: it does not mean certainty.
func (w *Workspace) Estimate(indicator string) (*EstimateReport, error) {
	y, err := indicatorOf(indicator)
	if err != nil {
		return nil, err
	}
	st, err := w.replay()
	if err != nil {
		return nil, err
	}
	rep := &EstimateReport{Indicator: indicator}
	for n := 1; n <= w.Config.Period.Rounds; n++ {
		if a := w.live(st, n); a == nil || a.Draw == nil {
			continue
		}
		if err := w.estimateRound(st, n, y, rep); err != nil {
			return nil, err
		}
	}
	if len(rep.Rounds) == 0 {
		return nil, fmt.Errorf("estimate: no drawn round has results: record results first: %w", ErrNoResults)
	}
	var fellBack bool
	rep.Pooled, fellBack = pool(rep.Rounds)
	if fellBack {
		rep.Warnings = append(rep.Warnings, "pooled: Deville's variance is undefined in some round (fewer than 2 results with π < 1): the Poisson variance is used there, which overstates a systematic draw's")
	}
	if rep.Pooled.N < 2 {
		rep.Warnings = append(rep.Warnings, "one result only: the pooled share has no interval")
	} else if rep.Pooled.SE == 0 {
		rep.Warnings = append(rep.Warnings, "every result is alike: the interval has zero width, which does not mean certainty")
	}
	return rep, nil
}

// indicatorOf returns the 0/1 value of an inspection for an indicator.
func indicatorOf(name string) (func(*risk.Inspection) float64, error) {
	switch name {
	case IndicatorFail:
		return func(in *risk.Inspection) float64 {
			if in.Result == risk.Fail {
				return 1
			}
			return 0
		}, nil
	case IndicatorMajor:
		return func(in *risk.Inspection) float64 {
			for _, v := range in.Violations {
				if v.Severity == risk.Major {
					return 1
				}
			}
			return 0
		}, nil
	}
	return nil, fmt.Errorf("estimate: indicator %q: want %q or %q", name, IndicatorFail, IndicatorMajor)
}

// estimateRound adds round n's estimate (or a warning) to rep.
func (w *Workspace) estimateRound(st *protocol.State, n int, y func(*risk.Inspection) float64, rep *EstimateReport) error {
	d, err := w.disclosure(st, n)
	if err != nil {
		return err
	}
	res, err := w.results(n)
	if err != nil {
		return err
	}
	if res, err = w.corrected(w.live(st, n), n, res); err != nil {
		return err
	}
	byTask := make(map[string]*risk.Inspection, len(res))
	for i := range res {
		byTask[res[i].ID] = &res[i]
	}
	var ys, pis []float64
	for _, t := range d.Tasks {
		if in, ok := byTask[t.ID]; ok && t.Pi > 0 {
			ys, pis = append(ys, y(in)), append(pis, t.Pi)
		}
	}
	if missing := len(d.Tasks) - len(ys); missing > 0 && len(ys) > 0 {
		rep.Warnings = append(rep.Warnings, fmt.Sprintf("round %d: %d of %d tasks have no results and are left out", n, missing, len(d.Tasks)))
	}
	if len(ys) == 0 {
		if len(d.Tasks) > 0 {
			rep.Warnings = append(rep.Warnings, fmt.Sprintf("round %d: no results recorded yet; left out", n))
		}
		return nil
	}
	re := RoundEstimate{Round: n, Tasks: len(d.Tasks), Results: len(ys), Variance: sampling.DevilleVariance.String(), y: ys, pi: pis}
	switch est, err := sampling.HajekMean(ys, pis, sampling.DevilleVariance); {
	case len(ys) < 2:
		var num, den float64
		for k := range ys {
			num, den = num+ys[k]/pis[k], den+1/pis[k]
		}
		nan := math.NaN()
		re.Variance, re.Estimate = "undefined", sampling.Estimate{Value: num / den, Variance: nan, SE: nan, Lower: nan, Upper: nan, N: len(ys)}
		rep.Warnings = append(rep.Warnings, fmt.Sprintf("round %d: one result: its share has no interval of its own (the pooled one covers it)", n))
	case err != nil:
		re.Variance = sampling.PoissonVariance.String()
		if re.Estimate, err = sampling.HajekMean(ys, pis, sampling.PoissonVariance); err != nil {
			return err
		}
		rep.Warnings = append(rep.Warnings, fmt.Sprintf("round %d: Deville's variance is undefined (%d results, fewer than 2 with π < 1): the Poisson variance is used, which overstates a systematic draw's", n, len(ys)))
	default:
		re.Estimate = est
	}
	rep.Rounds = append(rep.Rounds, re)
	return nil
}

// pool returns the Hájek estimate over every round's sample together
// with its linearised variance Σ_r v_r (see Estimate), and whether some
// round fell back to the Poisson variance.
func pool(rs []RoundEstimate) (sampling.Estimate, bool) {
	var num, den float64
	n := 0
	for _, r := range rs {
		for k := range r.y {
			num, den = num+r.y[k]/r.pi[k], den+1/r.pi[k]
		}
		n += len(r.y)
	}
	m := num / den
	var v float64
	fellBack := false
	for _, r := range rs {
		z := make([]float64, len(r.y))
		for k := range r.y {
			z[k] = (r.y[k] - m) / den
		}
		e, err := sampling.HTTotal(z, r.pi, sampling.DevilleVariance)
		if err != nil {
			// Deville's needs 2 units with π < 1 (or none); Poisson's any.
			e, _ = sampling.HTTotal(z, r.pi, sampling.PoissonVariance)
			fellBack = true
		}
		v += e.Variance
	}
	se := math.Sqrt(v)
	if n < 2 {
		v, se = math.NaN(), math.NaN()
	}
	return sampling.Estimate{Value: m, Variance: v, SE: se, Lower: max(0, m-z95*se), Upper: min(1, m+z95*se), N: n}, fellBack
}
