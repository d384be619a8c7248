package train

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/firedraw/firedraw/risk"
)

// CVResult is the outcome of [CrossValidate].
type CVResult struct {
	// Fold[i] is the fold (0 … k−1) that held unit i out.
	Fold []int
	// Scores[i] is unit i's probability from the model fitted without its
	// fold (an out-of-fold prediction).
	Scores []float64
	// Evaluation evaluates the pooled out-of-fold scores.
	Evaluation Evaluation
	// FoldAUC is the AUC within each fold.
	FoldAUC []float64
	// Models and Infos are the k fitted models and their fit reports.
	Models []*risk.Model
	Infos  []FitInfo
}

// CrossValidate estimates out-of-sample performance by k-fold cross
// validation: units are split into k folds stratified by outcome
// (positives and negatives each shuffled with a PCG stream seeded by seed,
// then dealt round-robin), a model is fitted by [Fit] with cfg on k−1
// folds and scores the held-out fold. The split and the result depend
// only on the inputs and seed. k must be in 2 … number of positives and of
// negatives; errors are those of [Fit] and [Evaluate], the fold named.
func CrossValidate(t *risk.Table, y []bool, k int, seed uint64, cfg FitConfig) (*CVResult, error) {
	n := t.Rows()
	if len(y) != n {
		return nil, fmt.Errorf("risk: %d outcomes for %d units: %w", len(y), n, ErrBadOutcome)
	}
	var posIdx, negIdx []int
	for i, v := range y {
		if v {
			posIdx = append(posIdx, i)
		} else {
			negIdx = append(negIdx, i)
		}
	}
	if k < 2 || k > len(posIdx) || k > len(negIdx) {
		return nil, fmt.Errorf("risk: %d folds for %d positives and %d negatives: %w", k, len(posIdx), len(negIdx), ErrBadOutcome)
	}
	r := rand.New(rand.NewPCG(seed, 0x6372_6f73_7376_616c)) // "crossval"
	fold := make([]int, n)
	for _, idx := range [][]int{posIdx, negIdx} {
		r.Shuffle(len(idx), func(a, b int) { idx[a], idx[b] = idx[b], idx[a] })
		for j, i := range idx {
			fold[i] = j % k
		}
	}
	res := &CVResult{Fold: fold, Scores: make([]float64, n), FoldAUC: make([]float64, k)}
	for f := 0; f < k; f++ {
		var train, test []int
		for i := range fold {
			if fold[i] == f {
				test = append(test, i)
			} else {
				train = append(train, i)
			}
		}
		ty := make([]bool, len(train))
		for a, i := range train {
			ty[a] = y[i]
		}
		m, info, err := Fit(t.SubsetRows(train), ty, cfg)
		res.Infos = append(res.Infos, info)
		if err != nil {
			return nil, fmt.Errorf("risk: fold %d: %w", f, err)
		}
		res.Models = append(res.Models, m)
		s, err := m.Score(t.SubsetRows(test))
		if err != nil {
			return nil, fmt.Errorf("risk: fold %d: %w", f, err)
		}
		sy := make([]bool, len(test))
		for a, i := range test {
			res.Scores[i] = s.Prob[a]
			sy[a] = y[i]
		}
		if res.FoldAUC[f], err = AUC(s.Prob, sy); err != nil {
			return nil, fmt.Errorf("risk: fold %d: %w", f, err)
		}
	}
	ev, err := Evaluate(res.Scores, y, EvalConfig{})
	if err != nil {
		return nil, err
	}
	res.Evaluation = ev
	return res, nil
}

// SplitConfig configures [TemporalSplit]. The zero SplitConfig labels a
// unit positive if it has a fire or a major violation in the year after
// the cut, with default features.
type SplitConfig struct {
	// Horizon is the length of the outcome period after the cut; zero
	// means 365 days.
	Horizon time.Duration
	// Features configures [Extract].
	Features risk.FeatureConfig
	// FiresOnly counts only fires as positive outcomes.
	FiresOnly bool
}

// Split is a temporal train/evaluate split: features as of Cut and
// outcomes in [Cut, End).
type Split struct {
	Table    *risk.Table
	Y        []bool
	Cut, End time.Time
}

// TemporalSplit computes features from the records dated before cut and
// labels each unit (in rec.Units order) by what happened in
// [cut, cut+Horizon): a fire incident, or (unless FiresOnly) a major
// violation found by an inspection in that period. Major violations are
// observed only at inspected units, so this label undercounts at units
// nobody visited; prefer the fire label or randomly drawn inspections
// when that matters. Errors are those of [Extract].
func TemporalSplit(rec *risk.Records, cut time.Time, cfg SplitConfig) (*Split, error) {
	t, err := risk.Extract(rec, cut, cfg.Features)
	if err != nil {
		return nil, err
	}
	h := cfg.Horizon
	if h <= 0 {
		h = 365 * 24 * time.Hour
	}
	end := cut.Add(h)
	index := make(map[string]int, len(t.UnitIDs))
	for i, id := range t.UnitIDs {
		index[id] = i
	}
	in := func(d time.Time) bool { return !d.Before(cut) && d.Before(end) }
	y := make([]bool, len(t.UnitIDs))
	for _, inc := range rec.Incidents {
		if inc.Type == risk.Fire && in(inc.Time) {
			y[index[inc.UnitID]] = true
		}
	}
	if !cfg.FiresOnly {
		for i := range rec.Inspections {
			insp := &rec.Inspections[i]
			if !in(insp.Date) {
				continue
			}
			for _, v := range insp.Violations {
				if v.Severity == risk.Major {
					y[index[insp.UnitID]] = true
				}
			}
		}
	}
	return &Split{Table: t, Y: y, Cut: cut, End: end}, nil
}
