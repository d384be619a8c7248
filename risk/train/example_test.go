package train_test

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/firedraw/firedraw/risk"
	"github.com/firedraw/firedraw/risk/train"
)

// Fitting a model to labelled outcomes and evaluating it out of fold.
func ExampleFit() {
	// 5,000 units whose true log-odds are −2 + 1.0·faults − 0.5·sprinklers.
	r := rand.New(rand.NewPCG(1, 2))
	n := 5000
	ids := make([]string, n)
	x := make([]float64, 2*n)
	y := make([]bool, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("u%04d", i)
		faults, sprinklers := r.NormFloat64(), float64(r.IntN(2))
		x[2*i], x[2*i+1] = faults, sprinklers
		y[i] = r.Float64() < 1/(1+math.Exp(2-faults+0.5*sprinklers))
	}
	tab, err := risk.NewTable([]string{"faults", "sprinklers"}, ids, x)
	if err != nil {
		fmt.Println(err)
		return
	}
	m, info, err := train.Fit(tab, y, train.FitConfig{Lambda: 1e-4})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("converged:", info.Status)
	for _, t := range m.Terms {
		fmt.Printf("%-10s %+.1f per unit\n", t.Feature, t.Coef)
	}
	cv, err := train.CrossValidate(tab, y, 5, 7, train.FitConfig{Lambda: 1e-4})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("out-of-fold AUC %.2f; the top 10 %% hold %.0f %% of the positives\n",
		cv.Evaluation.AUC, 100*cv.Evaluation.Top[2].Captured)
	// Output:
	// converged: GradientThreshold
	// faults     +0.9 per unit
	// sprinklers -0.4 per unit
	// out-of-fold AUC 0.73; the top 10 % hold 30 % of the positives
}

// Evaluating scores against outcomes: ranking (AUC, precision at k) and
// calibration (Brier score).
func ExampleEvaluate() {
	scores := []float64{0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1, 0.05}
	fire := []bool{true, false, true, false, false, true, false, false, false, false}
	ev, err := train.Evaluate(scores, fire, train.EvalConfig{K: []int{2, 5}, TopShares: []float64{0.3}})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("AUC %.3f, Brier %.3f\n", ev.AUC, ev.Brier)
	for _, a := range ev.AtK {
		fmt.Printf("top %d: precision %.2f, recall %.2f, lift %.2f\n", a.K, a.Precision, a.Recall, a.Lift)
	}
	fmt.Printf("top 30 %% of units hold %.0f %% of the fires\n", 100*ev.Top[0].Captured)
	// Output:
	// AUC 0.810, Brier 0.185
	// top 2: precision 0.50, recall 0.33, lift 1.67
	// top 5: precision 0.40, recall 0.67, lift 1.33
	// top 30 % of units hold 67 % of the fires
}

// Cross-validating a fit: out-of-fold scores from seeded stratified
// folds, so that the evaluation never sees a unit's own outcome.
func ExampleCrossValidate() {
	r := rand.New(rand.NewPCG(5, 5))
	n := 2000
	ids := make([]string, n)
	x := make([]float64, n)
	y := make([]bool, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("u%04d", i)
		x[i] = r.NormFloat64()
		y[i] = r.Float64() < 1/(1+math.Exp(1.5-x[i]))
	}
	tab, err := risk.NewTable([]string{"faults"}, ids, x)
	if err != nil {
		fmt.Println(err)
		return
	}
	cv, err := train.CrossValidate(tab, y, 4, 1, train.FitConfig{Lambda: 1e-3})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%d folds, pooled out-of-fold AUC %.2f\n", len(cv.FoldAUC), cv.Evaluation.AUC)
	// Output:
	// 4 folds, pooled out-of-fold AUC 0.76
}
