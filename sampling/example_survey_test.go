package sampling_test

import (
	"fmt"

	"github.com/firedraw/firedraw/sampling"
)

// The share of units with a major violation with the three intervals of
// R's svyciprop: the normal one leaves [0, 1] for a rare outcome in a
// small sample, the beta (default) and logit ones do not.
func ExampleEstimator_Proportion() {
	y := []float64{0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0}
	pi := []float64{0.2, 0.2, 0.2, 0.2, 0.2, 0.25, 0.25, 0.25, 0.25, 0.25, 0.4, 0.4, 0.4, 0.4, 0.4, 0.5, 0.5, 0.5, 0.5, 1}
	for _, m := range []sampling.IntervalMethod{sampling.BetaInterval, sampling.LogitInterval, sampling.NormalInterval} {
		e, err := sampling.Estimator{Interval: m}.Proportion(y, pi)
		if err != nil {
			panic(err)
		}
		fmt.Printf("%-6s rate %.3f, 95%% CI [%.3f, %.3f]\n", m, e.Value, e.Lower, e.Upper)
	}
	e, _ := sampling.Estimator{}.Proportion(y, pi)
	fmt.Printf("n = %d, design df %d, effective df %.1f, deff %.2f, n_eff %.1f\n", e.N, e.DF, e.EffectiveDF, e.Deff, e.NEff)
	// Output:
	// beta   rate 0.173, 95% CI [0.041, 0.412]
	// logit  rate 0.173, 95% CI [0.056, 0.425]
	// normal rate 0.173, 95% CI [-0.008, 0.354]
	// n = 20, design df 19, effective df 12.4, deff 1.32, n_eff 15.2
}

// Three monthly rounds drawn with independent seeds, pooled: the estimate
// describes the mean over the rounds of the units each round could draw.
// The third round drew a single unit, too few for a variance of its own.
func ExamplePool() {
	rounds := []sampling.Survey{
		{Pi: []float64{0.1, 0.1, 0.5, 0.5}},
		{Pi: []float64{0.1, 0.2, 0.5}},
		{Pi: []float64{0.25}},
	}
	y := []float64{1, 0, 0, 1, 0, 0, 1, 0}
	e, err := sampling.Estimator{}.SurveyProportion(sampling.Pool(rounds...), y)
	if err != nil {
		panic(err)
	}
	fmt.Printf("rate %.3f, 95%% CI [%.3f, %.3f], n = %d, df %d\n", e.Value, e.Lower, e.Upper, e.N, e.DF)
	for _, w := range e.Warnings {
		fmt.Println("warning:", w)
	}
	// Output:
	// rate 0.311, 95% CI [0.015, 0.844], n = 8, df 5
	// warning: round 2: one unit with π < 1: Poisson variance used
}
