// Package train fits the weights of a [risk.Model] to labelled outcomes
// and measures how well scores predict them.
//
//	tab, err := risk.Extract(rec, asOf, risk.FeatureConfig{})
//	m, info, err := train.Fit(tab, fired, train.FitConfig{Lambda: 1e-4})
//	cv, err := train.CrossValidate(tab, fired, 5, seed, train.FitConfig{Lambda: 1e-4})
//	ev, err := train.Evaluate(cv.Scores, fired, train.EvalConfig{}) // AUC, precision@k, Brier …
//	split, err := train.TemporalSplit(rec, cut, train.SplitConfig{}) // features at cut, outcomes after
//
// [Fit] is L2-regularised logistic regression, standardised inside,
// minimised by L-BFGS from gonum/optimize; it is deterministic and returns
// an error wrapping [ErrNotConverged] on non-convergence or on separable
// data without a penalty. [Evaluate] reports tie-aware AUC, precision,
// recall and lift at k, the share captured in the top x %, the Brier score
// (Brier 1950) and reliability bins. [CrossValidate] uses seeded
// stratified k folds; [TemporalSplit] takes features at a cut date and
// outcomes after it, so that nothing leaks from the future.
//
// # Conventions
//
// Outcomes are a []bool aligned with the table's rows; invalid outcomes
// wrap [ErrBadOutcome]. Inputs are never modified. Fit and CrossValidate
// evaluate the objective on 2 goroutines; their results do not depend on
// scheduling.
package train
