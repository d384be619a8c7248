package sampling_test

import (
	"fmt"

	"github.com/firedraw/firedraw/sampling"
)

// A unit's PRN depends on the seed, the stream and its ID only: not on the
// other units or their order. A new stream gives independent numbers from
// the same seed.
func ExamplePRN() {
	seed, err := sampling.ParseSeed("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f")
	if err != nil {
		panic(err)
	}
	fmt.Printf("%.6f\n", sampling.PRN(seed, "2026-03", "913300"))
	fmt.Printf("%.6f\n", sampling.PRNs(seed, "2026-03", []string{"913301", "913300"}, nil))
	fmt.Printf("%.6f\n", sampling.PRN(seed, "2026-04", "913300"))
	// Output:
	// 0.078143
	// [0.459021 0.078143]
	// 0.426812
}

// The Horvitz–Thompson total of units with a major violation, from the
// sampled units' y and π alone, with the variance of a Poisson draw.
func ExampleHTTotal() {
	y := []float64{1, 0, 0, 1, 0, 0, 1, 0}
	pi := []float64{0.1, 0.1, 0.2, 0.5, 0.5, 0.5, 1, 1}
	e, err := sampling.HTTotal(y, pi, sampling.PoissonVariance)
	if err != nil {
		panic(err)
	}
	fmt.Printf("total %.1f, SE %.2f, 95%% CI [%.2f, %.2f], n = %d\n", e.Value, e.SE, e.Lower, e.Upper, e.N)
	// Output: total 13.0, SE 9.59, 95% CI [-5.80, 31.80], n = 8
}
