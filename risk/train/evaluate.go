package train

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"github.com/firedraw/firedraw/risk"
)

// EvalConfig configures [Evaluate]. The zero EvalConfig reports precision
// and recall at 1 %, 5 % and 10 % of the units, capture in the top 1, 5,
// 10 and 20 %, and 10 reliability bins.
type EvalConfig struct {
	// K lists the k of precision and recall at k; nil means ⌈n/100⌉,
	// ⌈n/20⌉ and ⌈n/10⌉.
	K []int
	// TopShares lists the shares x of units for "share of positives
	// captured in the top x %"; nil means 0.01, 0.05, 0.10, 0.20.
	TopShares []float64
	// Bins is the number of reliability bins; zero means 10.
	Bins int
}

// Evaluation measures how well scores rank and predict 0/1 outcomes.
type Evaluation struct {
	N, Positives int
	// BaseRate is Positives/N, the precision of a random ranking.
	BaseRate float64
	// AUC is the area under the ROC curve: the probability that a random
	// positive outscores a random negative, ties counting one half.
	AUC float64
	// Brier is the mean squared difference between score and outcome
	// (Brier 1950); NaN unless every score is in [0, 1].
	Brier float64
	AtK   []AtK
	Top   []TopShare
	// Reliability holds equal-count bins of units in increasing score
	// order with their mean score and observed rate (a calibration curve;
	// nil unless every score is in [0, 1]).
	Reliability []ReliabilityBin
}

// AtK is precision and recall among the k highest scores.
type AtK struct {
	K         int
	Precision float64 // positives in the top k / k
	Recall    float64 // positives in the top k / all positives
	Lift      float64 // Precision / BaseRate
}

// TopShare is the share of positives captured by the highest-scored
// share of units ("22 % of buildings held 54 % of fires").
type TopShare struct {
	Share    float64 // share of units asked for
	Units    int     // round(Share·N), at least 1
	Captured float64 // positives among them / all positives
	Lift     float64 // Captured / (Units/N)
}

// ReliabilityBin is one bin of a reliability diagram.
type ReliabilityBin struct {
	Lo, Hi    float64 // lowest and highest score in the bin
	N         int
	MeanScore float64
	Observed  float64 // share of positives
}

// Ties. Every measure treats tied scores as ranked in random order and
// reports the expected value: AUC counts a tied positive–negative pair as
// one half (the Mann–Whitney statistic with average ranks), and the
// positives "in the top k" when the k-th score is tied count the tied
// group's positives pro rata.

// Evaluate computes every measure of [Evaluation]. It returns an error
// wrapping [ErrBadOutcome] for mismatched lengths or outcomes of one
// class only, and wrapping [ErrBadFeature] naming the unit of a NaN
// score, or for a k or share out of range.
func Evaluate(scores []float64, y []bool, cfg EvalConfig) (Evaluation, error) {
	r, err := newRanking(scores, y)
	if err != nil {
		return Evaluation{}, err
	}
	n := len(scores)
	ev := Evaluation{N: n, Positives: r.pos, BaseRate: float64(r.pos) / float64(n), AUC: r.auc()}
	ks := cfg.K
	if ks == nil {
		ks = []int{(n + 99) / 100, (n + 19) / 20, (n + 9) / 10}
	}
	for _, k := range ks {
		if k < 1 || k > n {
			return Evaluation{}, fmt.Errorf("risk: k = %d, want 1..%d: %w", k, n, ErrBadOutcome)
		}
		tp := r.topPositives(k)
		prec := tp / float64(k)
		ev.AtK = append(ev.AtK, AtK{K: k, Precision: prec, Recall: tp / float64(r.pos), Lift: prec / ev.BaseRate})
	}
	shares := cfg.TopShares
	if shares == nil {
		shares = []float64{0.01, 0.05, 0.10, 0.20}
	}
	for _, s := range shares {
		k, err := shareUnits(s, n)
		if err != nil {
			return Evaluation{}, err
		}
		c := r.topPositives(k) / float64(r.pos)
		ev.Top = append(ev.Top, TopShare{Share: s, Units: k, Captured: c, Lift: c / (float64(k) / float64(n))})
	}
	ev.Brier = math.NaN()
	probs := true
	for _, s := range scores {
		probs = probs && s >= 0 && s <= 1
	}
	if probs {
		var b float64
		for i, s := range scores {
			d := s - boolF(y[i])
			b += d * d
		}
		ev.Brier = b / float64(n)
		bins := cfg.Bins
		if bins <= 0 {
			bins = 10
		}
		bins = min(bins, n)
		// r.order is by decreasing score; bins go up.
		for b := 0; b < bins; b++ {
			lo, hi := b*n/bins, (b+1)*n/bins
			rb := ReliabilityBin{N: hi - lo, Lo: math.Inf(1), Hi: math.Inf(-1)}
			var pos int
			for _, i := range r.order[n-hi : n-lo] {
				s := scores[i]
				rb.MeanScore += s
				rb.Lo, rb.Hi = min(rb.Lo, s), max(rb.Hi, s)
				if y[i] {
					pos++
				}
			}
			rb.MeanScore /= float64(rb.N)
			rb.Observed = float64(pos) / float64(rb.N)
			ev.Reliability = append(ev.Reliability, rb)
		}
	}
	return ev, nil
}

func shareUnits(s float64, n int) (int, error) {
	if !(s > 0 && s <= 1) {
		return 0, fmt.Errorf("risk: top share %v, want (0, 1]: %w", s, ErrBadOutcome)
	}
	return max(1, int(math.Round(s*float64(n)))), nil
}

// AUC returns the area under the ROC curve of scores for outcomes y, ties
// counting one half (Mann–Whitney U / (P·N); Hanley & McNeil 1982). Errors
// as for [Evaluate].
func AUC(scores []float64, y []bool) (float64, error) {
	r, err := newRanking(scores, y)
	if err != nil {
		return math.NaN(), err
	}
	return r.auc(), nil
}

// PrecisionAt returns the share of positives among the k highest scores,
// ties at the k-th score counted pro rata.
func PrecisionAt(scores []float64, y []bool, k int) (float64, error) {
	ev, err := Evaluate(scores, y, EvalConfig{K: []int{k}, TopShares: []float64{}})
	if err != nil {
		return math.NaN(), err
	}
	return ev.AtK[0].Precision, nil
}

// RecallAt returns the share of all positives found among the k highest
// scores, ties at the k-th score counted pro rata.
func RecallAt(scores []float64, y []bool, k int) (float64, error) {
	ev, err := Evaluate(scores, y, EvalConfig{K: []int{k}, TopShares: []float64{}})
	if err != nil {
		return math.NaN(), err
	}
	return ev.AtK[0].Recall, nil
}

// CapturedInTop returns the share of positives among the round(share·n)
// highest scores (at least one unit).
func CapturedInTop(scores []float64, y []bool, share float64) (float64, error) {
	ev, err := Evaluate(scores, y, EvalConfig{K: []int{}, TopShares: []float64{share}})
	if err != nil {
		return math.NaN(), err
	}
	return ev.Top[0].Captured, nil
}

// ranking is the units in decreasing score order with tie groups.
type ranking struct {
	scores []float64
	y      []bool
	order  []int
	pos    int
}

func newRanking(scores []float64, y []bool) (*ranking, error) {
	if len(scores) != len(y) {
		return nil, fmt.Errorf("risk: %d scores for %d outcomes: %w", len(scores), len(y), ErrBadOutcome)
	}
	pos := 0
	for i, s := range scores {
		if math.IsNaN(s) {
			return nil, fmt.Errorf("risk: score of unit %d is NaN: %w", i, risk.ErrBadFeature)
		}
		if y[i] {
			pos++
		}
	}
	if pos == 0 || pos == len(y) {
		return nil, fmt.Errorf("risk: %d of %d outcomes positive, need both classes: %w", pos, len(y), ErrBadOutcome)
	}
	order := make([]int, len(scores))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int {
		if c := cmp.Compare(scores[b], scores[a]); c != 0 {
			return c
		}
		return a - b
	})
	return &ranking{scores: scores, y: y, order: order, pos: pos}, nil
}

// auc walks tie groups from the lowest score up.
func (r *ranking) auc() float64 {
	n := len(r.order)
	var negBelow, u float64
	for hi := n; hi > 0; {
		lo := hi - 1
		s := r.scores[r.order[lo]]
		for lo > 0 && r.scores[r.order[lo-1]] == s {
			lo--
		}
		var p, q float64
		for _, i := range r.order[lo:hi] {
			if r.y[i] {
				p++
			} else {
				q++
			}
		}
		u += p * (negBelow + q/2)
		negBelow += q
		hi = lo
	}
	return u / (float64(r.pos) * float64(n-r.pos))
}

// topPositives returns the expected number of positives among the k
// highest scores, ties at the boundary broken at random.
func (r *ranking) topPositives(k int) float64 {
	var tp float64
	for lo := 0; lo < k; {
		hi := lo + 1
		s := r.scores[r.order[lo]]
		for hi < len(r.order) && r.scores[r.order[hi]] == s {
			hi++
		}
		var p float64
		for _, i := range r.order[lo:hi] {
			if r.y[i] {
				p++
			}
		}
		if hi <= k {
			tp += p
		} else {
			tp += p * float64(k-lo) / float64(hi-lo)
		}
		lo = hi
	}
	return tp
}
