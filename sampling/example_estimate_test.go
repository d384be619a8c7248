package sampling_test

import (
	"fmt"
	"strconv"

	"github.com/firedraw/firedraw/sampling"
)

// The share of units with a major violation, estimated from the sampled
// units alone: y_k = 1 for a violation, π_k the unit's inclusion
// probability.
func ExampleHajekMean() {
	y := []float64{1, 0, 0, 1, 0, 0, 1, 0}
	pi := []float64{0.1, 0.1, 0.2, 0.5, 0.5, 0.5, 1, 1}
	e, err := sampling.HajekMean(y, pi, sampling.PoissonVariance)
	if err != nil {
		panic(err)
	}
	fmt.Printf("rate %.3f, SE %.3f, 95%% CI [%.3f, %.3f], n = %d\n", e.Value, e.SE, e.Lower, e.Upper, e.N)
	// Output: rate 0.394, SE 0.217, 95% CI [-0.032, 0.820], n = 8
}

// A risk-weighted systematic draw from 2,000 units, then the rate of major
// violations by risk level with the variance that fits the design. Each
// unit's π is its level's annual inspection frequency (one round a year;
// schedule.Policy computes such frequencies from risk levels).
func ExampleEstimateByDomain() {
	const n = 2000
	names := []string{"low", "general", "higher", "high"}
	freq := []float64{0.05, 0.2, 0.6, 1} // inspections per unit per year, by level
	ids := make([]string, n)
	levels := make([]int, n)
	pi := make([]float64, n)
	violation := make([]float64, n) // known here only to make the example self-contained
	for k := range ids {
		ids[k] = "unit-" + strconv.Itoa(k)
		levels[k] = k % len(names)
		pi[k] = freq[levels[k]]
		if (k*37)%100 < 5+10*levels[k] { // higher levels violate more often
			violation[k] = 1
		}
	}
	seed, err := sampling.ParseSeed("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f")
	if err != nil {
		panic(err)
	}
	s, err := sampling.Select(sampling.Systematic, ids, pi, seed, "2026")
	if err != nil {
		panic(err)
	}
	domain := make([]string, n)
	for k := range domain {
		domain[k] = names[levels[k]]
	}
	est, err := sampling.EstimateByDomain(s, violation, domain)
	if err != nil {
		panic(err)
	}
	truth := map[string]float64{}
	for k := range domain {
		truth[domain[k]] += violation[k] / float64(n/len(names))
	}
	fmt.Printf("drew %d of %d units\n", s.Size, n)
	for _, d := range est {
		fmt.Printf("%-7s units %d, sampled %3d: rate %.3f, 95%% CI [%.3f, %.3f], true %.3f\n",
			d.Domain, d.Units, d.Mean.N, d.Mean.Value, d.Mean.Lower, d.Mean.Upper, truth[d.Domain])
	}
	// Output:
	// drew 925 of 2000 units
	// general units 500, sampled 106: rate 0.132, 95% CI [0.074, 0.190], true 0.160
	// high    units 500, sampled 500: rate 0.320, 95% CI [0.320, 0.320], true 0.320
	// higher  units 500, sampled 288: rate 0.240, 95% CI [0.208, 0.271], true 0.240
	// low     units 500, sampled  31: rate 0.065, 95% CI [-0.020, 0.149], true 0.080
}
