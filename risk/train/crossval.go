package train

import (
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/firedraw/firedraw/risk"
)

// CVResult is the outcome of [CrossValidate] and [CrossValidateFolds].
type CVResult struct {
	// Scheme describes the folds for a report: "5-fold, stratified by
	// outcome", "5-fold, grouped by address (1,234 groups)" or "user
	// folds (4)".
	Scheme string
	// Fold[i] is the fold (0 … k−1) that held unit i out.
	Fold []int
	// Scores[i] is unit i's probability from the model fitted without its
	// fold (an out-of-fold prediction).
	Scores []float64
	// Evaluation evaluates the pooled out-of-fold scores.
	Evaluation Evaluation
	// FoldAUC is the AUC within each fold; NaN for a fold whose units
	// all have the same outcome (grouped or user folds may make one).
	FoldAUC []float64
	// Models and Infos are the k fitted models and their fit reports.
	Models []*risk.Model
	Infos  []FitInfo
}

// Folds says how [CrossValidateFolds] splits the units. Set at most one
// of Fold and Group; with neither, the folds are stratified by outcome.
type Folds struct {
	// K is the number of folds; with Fold set, zero means 1 + the largest
	// fold number.
	K int
	// Seed seeds the shuffle of the units (stratified) or of the groups.
	Seed uint64
	// Fold, if not nil, is the user's fold of each unit, in 0 … K−1;
	// every fold must hold a unit.
	Fold []int
	// Group, if not nil, is a group key of each unit (an address, a
	// building): grouped K-fold puts all units of a group in one fold,
	// so that copies of one building never sit on both sides.
	Group []string
	// GroupBy names the key in CVResult.Scheme ("address"); empty means
	// "group".
	GroupBy string
}

// CrossValidate is [CrossValidateFolds] with k folds stratified by
// outcome, seeded by seed. It is honest only when each unit is one row:
// with several rows per building, use grouped folds.
func CrossValidate(t *risk.Table, y []bool, k int, seed uint64, cfg FitConfig) (*CVResult, error) {
	return CrossValidateFolds(t, y, Folds{K: k, Seed: seed}, cfg)
}

// CrossValidateFolds estimates out-of-sample performance by k-fold cross
// validation: a model is fitted by [Fit] with cfg on the units of k−1
// folds and scores the held-out fold. The folds are
//   - stratified (neither Fold nor Group): positives and negatives each
//     shuffled with a PCG stream seeded by Seed, then dealt round-robin;
//     K must be in 2 … number of positives and of negatives;
//   - grouped (Group): the distinct groups shuffled with a PCG stream
//     seeded by Seed, then taken largest first (a stable sort, so equal
//     sizes keep the shuffled order) and each put in the fold with the
//     fewest units so far, the lowest-numbered on ties (the greedy
//     balancing of scikit-learn's GroupKFold, with a seeded order);
//     K must be in 2 … number of groups;
//   - the user's (Fold).
//
// The split and the result depend only on the inputs and Seed. Errors
// wrap [ErrBadFolds] for invalid folds, and are those of [Fit] and
// [Evaluate] otherwise, the fold named: every training set needs both
// outcomes.
func CrossValidateFolds(t *risk.Table, y []bool, f Folds, cfg FitConfig) (*CVResult, error) {
	n := t.Rows()
	if len(y) != n {
		return nil, fmt.Errorf("risk: %d outcomes for %d units: %w", len(y), n, ErrBadOutcome)
	}
	fold, k, scheme, err := f.assign(y)
	if err != nil {
		return nil, err
	}
	res := &CVResult{Scheme: scheme, Fold: fold, Scores: make([]float64, n), FoldAUC: make([]float64, k)}
	for g := 0; g < k; g++ {
		if err := res.fitFold(t, y, g, cfg); err != nil {
			return nil, fmt.Errorf("risk: fold %d: %w", g, err)
		}
	}
	ev, err := Evaluate(res.Scores, y, EvalConfig{})
	if err != nil {
		return nil, err
	}
	res.Evaluation = ev
	return res, nil
}

// fitFold fits the model without fold g and scores fold g.
func (res *CVResult) fitFold(t *risk.Table, y []bool, g int, cfg FitConfig) error {
	var train, test []int
	for i, fi := range res.Fold {
		if fi == g {
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
		return err
	}
	res.Models = append(res.Models, m)
	s, err := m.Score(t.SubsetRows(test))
	if err != nil {
		return err
	}
	sy := make([]bool, len(test))
	pos := 0
	for a, i := range test {
		res.Scores[i] = s.Prob[a]
		sy[a] = y[i]
		if y[i] {
			pos++
		}
	}
	if pos == 0 || pos == len(test) {
		res.FoldAUC[g] = math.NaN()
		return nil
	}
	res.FoldAUC[g], err = AUC(s.Prob, sy)
	return err
}

// assign returns the fold of each unit, the number of folds and the
// scheme's description.
func (f Folds) assign(y []bool) ([]int, int, string, error) {
	n := len(y)
	switch {
	case f.Fold != nil && f.Group != nil:
		return nil, 0, "", fmt.Errorf("risk: both user folds and group keys given: %w", ErrBadFolds)
	case f.Fold != nil:
		return userFolds(f.Fold, f.K, n)
	case f.Group != nil:
		return groupedFolds(f.Group, f.K, f.Seed, f.GroupBy, n)
	}
	return stratifiedFolds(y, f.K, f.Seed)
}

// stratifiedFolds deals the shuffled positives and negatives round-robin.
func stratifiedFolds(y []bool, k int, seed uint64) ([]int, int, string, error) {
	var posIdx, negIdx []int
	for i, v := range y {
		if v {
			posIdx = append(posIdx, i)
		} else {
			negIdx = append(negIdx, i)
		}
	}
	if k < 2 || k > len(posIdx) || k > len(negIdx) {
		return nil, 0, "", fmt.Errorf("risk: %d folds for %d positives and %d negatives: %w", k, len(posIdx), len(negIdx), ErrBadOutcome)
	}
	r := rand.New(rand.NewPCG(seed, 0x6372_6f73_7376_616c)) // "crossval"
	fold := make([]int, len(y))
	for _, idx := range [][]int{posIdx, negIdx} {
		r.Shuffle(len(idx), func(a, b int) { idx[a], idx[b] = idx[b], idx[a] })
		for j, i := range idx {
			fold[i] = j % k
		}
	}
	return fold, k, fmt.Sprintf("%d-fold, stratified by outcome", k), nil
}

// userFolds checks the user's folds.
func userFolds(fold []int, k, n int) ([]int, int, string, error) {
	if len(fold) != n {
		return nil, 0, "", fmt.Errorf("risk: %d folds for %d units: %w", len(fold), n, ErrBadFolds)
	}
	if k == 0 {
		k = slices.Max(append([]int{-1}, fold...)) + 1
	}
	if k < 2 {
		return nil, 0, "", fmt.Errorf("risk: %d folds, want at least 2: %w", k, ErrBadFolds)
	}
	size := make([]int, k)
	for i, g := range fold {
		if g < 0 || g >= k {
			return nil, 0, "", fmt.Errorf("risk: unit %d: fold %d, want 0 … %d: %w", i, g, k-1, ErrBadFolds)
		}
		size[g]++
	}
	if g := slices.Index(size, 0); g >= 0 {
		return nil, 0, "", fmt.Errorf("risk: fold %d holds no unit: %w", g, ErrBadFolds)
	}
	return slices.Clone(fold), k, fmt.Sprintf("user folds (%d)", k), nil
}

// groupedFolds puts each group whole in one fold, balancing the folds'
// sizes: the groups in seeded random order, then largest first, each to
// the smallest fold.
func groupedFolds(group []string, k int, seed uint64, by string, n int) ([]int, int, string, error) {
	if len(group) != n {
		return nil, 0, "", fmt.Errorf("risk: %d group keys for %d units: %w", len(group), n, ErrBadFolds)
	}
	// The distinct keys sorted, so that the folds do not depend on the
	// order of the units.
	size := map[string]int{}
	for _, g := range group {
		size[g]++
	}
	keys := slices.Sorted(maps.Keys(size))
	if k < 2 || k > len(keys) {
		return nil, 0, "", fmt.Errorf("risk: %d folds for %d groups: %w", k, len(keys), ErrBadFolds)
	}
	r := rand.New(rand.NewPCG(seed, 0x6772_6f75_7066_6f6c)) // "groupfol"
	r.Shuffle(len(keys), func(a, b int) { keys[a], keys[b] = keys[b], keys[a] })
	slices.SortStableFunc(keys, func(a, b string) int { return size[b] - size[a] })
	rows := make([]int, k)
	foldOf := make(map[string]int, len(keys))
	for _, g := range keys {
		best := 0
		for f := 1; f < k; f++ {
			if rows[f] < rows[best] {
				best = f
			}
		}
		foldOf[g] = best
		rows[best] += size[g]
	}
	fold := make([]int, n)
	for i, g := range group {
		fold[i] = foldOf[g]
	}
	if by == "" {
		by = "group"
	}
	return fold, k, fmt.Sprintf("%d-fold, grouped by %s (%d groups)", k, by, len(keys)), nil
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
