package sampling_test

import (
	"crypto/sha256"
	"fmt"

	"github.com/firedraw/firedraw/sampling"
)

func ExampleInclusionProbabilities() {
	// Risk scores of six units; inspect three. The riskiest unit's share
	// would exceed 1, so it is certain and the rest are rescaled.
	w := []float64{1, 2, 3, 4, 5, 30}
	pi, err := sampling.InclusionProbabilities(w, 3)
	if err != nil {
		fmt.Println(err)
		return
	}
	for i, p := range pi {
		fmt.Printf("w=%2.0f π=%.4f\n", w[i], p)
	}
	_, err = sampling.InclusionProbabilities([]float64{1, -2}, 1)
	fmt.Println(err)
	// Output:
	// w= 1 π=0.1333
	// w= 2 π=0.2667
	// w= 3 π=0.4000
	// w= 4 π=0.5333
	// w= 5 π=0.6667
	// w=30 π=1.0000
	// sampling: unit 1: weight -2: bad weight
}

func ExampleSelect() {
	// The seed is published as a commitment before the draw and revealed
	// after; here it is fixed so the example is reproducible.
	seed := sampling.Seed(sha256.Sum256([]byte("example")))
	ids := []string{"A", "B", "C", "D", "E", "F"}
	pi, _ := sampling.InclusionProbabilities([]float64{1, 2, 3, 4, 5, 30}, 3)
	s, err := sampling.Select(sampling.Systematic, ids, pi, seed, "2026-Q1")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("commitment", s.Design, seed.Commitment()[:16])
	for i, id := range s.IDs {
		fmt.Printf("%s π=%.4f prn=%.4f selected=%v\n", id, s.Pi[i], s.PRN[i], s.Selected[i])
	}
	fmt.Println("size", s.Size)
	// Output:
	// commitment systematic f0a7447cc7c8ab13
	// A π=0.1333 prn=0.8323 selected=false
	// B π=0.2667 prn=0.0803 selected=false
	// C π=0.4000 prn=0.9206 selected=false
	// D π=0.5333 prn=0.5793 selected=true
	// E π=0.6667 prn=0.6358 selected=true
	// F π=1.0000 prn=0.3170 selected=true
	// size 3
}

func ExampleSelect_pareto() {
	seed := sampling.Seed(sha256.Sum256([]byte("example")))
	ids := []string{"A", "B", "C", "D", "E", "F"}
	pi, _ := sampling.InclusionProbabilities([]float64{1, 2, 3, 4, 5, 30}, 3)
	s, err := sampling.Select(sampling.Pareto, ids, pi, seed, "2026-Q1")
	if err != nil {
		fmt.Println(err)
		return
	}
	// Pareto's true π differ slightly from the targets; Select reports them.
	for i, id := range s.IDs {
		fmt.Printf("%s target=%.4f true=%.4f selected=%v\n", id, s.Target[i], s.Pi[i], s.Selected[i])
	}
	fmt.Println("size", s.Size)
	// Output:
	// A target=0.1333 true=0.1283 selected=false
	// B target=0.2667 true=0.2584 selected=true
	// C target=0.4000 true=0.3954 selected=false
	// D target=0.5333 true=0.5399 selected=false
	// E target=0.6667 true=0.6780 selected=true
	// F target=1.0000 true=1.0000 selected=true
	// size 3
}

func ExampleStratified_Select() {
	seed := sampling.Seed(sha256.Sum256([]byte("example")))
	ids := []string{"h1", "h2", "h3", "h4", "l1", "l2", "l3", "l4", "l5", "l6"}
	keys := []string{"High", "High", "High", "High", "Low", "Low", "Low", "Low", "Low", "Low"}
	st := sampling.Stratified{
		Allocation: sampling.FixedCount,
		Strata: map[string]sampling.Stratum{
			"High": {Count: 2},
			"Low":  {Count: 1, Design: sampling.Poisson},
		},
	}
	s, err := st.Select(ids, keys, nil, seed, "2026-Q1")
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, h := range s.Strata {
		fmt.Printf("%s: %s, %d units, expected %.0f, drawn %d\n", h.Key, h.Design, h.Units, h.Target, h.Size)
	}
	// Poisson's size is random: the Low stratum expects 1 and drew 2.
	// Output:
	// High: systematic, 4 units, expected 2, drawn 2
	// Low: poisson, 6 units, expected 1, drawn 2
}
