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
