package schedule_test

import (
	"fmt"

	"github.com/firedraw/firedraw/risk"
	"github.com/firedraw/firedraw/schedule"
)

// A zero Policy uses the default frequencies of classified supervision and
// the regulatory floors.
func ExamplePolicy_Annual() {
	units := []risk.Unit{
		{ID: "shop-1", Category: risk.StreetShop},
		{ID: "shop-2", Category: risk.StreetShop},
		{ID: "mall", Category: risk.CrowdedPlaceCategory, KeyUnit: true},
		{ID: "warehouse", Category: risk.Warehouse},
		{ID: "plant", Category: risk.Industrial, HighFireRisk: true},
		{ID: "tower", Category: risk.HighRise},
	}
	levels := []risk.Level{risk.Low, risk.LevelGeneral, risk.LevelGeneral, risk.Higher, risk.Higher, risk.High}
	f, err := schedule.Policy{}.Annual(units, levels, nil)
	if err != nil {
		panic(err)
	}
	for k, u := range units {
		fmt.Printf("%-9s %-7v %.2f/yr\n", u.ID, levels[k], f[k])
	}
	// Output:
	// shop-1    low     0.05/yr
	// shop-2    general 0.20/yr
	// mall      general 1.00/yr
	// warehouse higher  0.60/yr
	// plant     higher  2.00/yr
	// tower     high    1.00/yr
}

// Strength steers the draw inside a level by the risk score while keeping
// the level's expected inspections; Probabilities turns annual frequencies
// into per-round inclusion probabilities.
func ExamplePolicy_Probabilities() {
	units := []risk.Unit{{ID: "a"}, {ID: "b"}, {ID: "c"}, {ID: "d"}}
	levels := []risk.Level{risk.Higher, risk.Higher, risk.Higher, risk.Higher}
	// Mean score 0.3; at strength 1 the weights 0, 2/3, 4/3, 2 put "a"
	// below MinShare 0.1, so it gets 0.1 and the others ×0.975.
	scores := []float64{0, 0.2, 0.4, 0.6}
	for _, s := range []float64{0, 0.5, 1} {
		p := schedule.Policy{Strength: s}
		f, err := p.Annual(units, levels, scores)
		if err != nil {
			panic(err)
		}
		pi, err := p.Probabilities(units, levels, scores, 4) // quarterly rounds
		if err != nil {
			panic(err)
		}
		sum := schedule.Summarize(levels, f)[risk.Higher]
		fmt.Printf("strength %.1f: annual %.3f  per quarter %.4f  total %.1f/yr\n", s, f, pi, sum.Inspections)
	}
	// Output:
	// strength 0.0: annual [0.600 0.600 0.600 0.600]  per quarter [0.1500 0.1500 0.1500 0.1500]  total 2.4/yr
	// strength 0.5: annual [0.300 0.500 0.700 0.900]  per quarter [0.0750 0.1250 0.1750 0.2250]  total 2.4/yr
	// strength 1.0: annual [0.060 0.390 0.780 1.170]  per quarter [0.0150 0.0975 0.1950 0.2925]  total 2.4/yr
}

func ExampleStratumKey() {
	fmt.Println(schedule.StratumKey(risk.Higher, "Binjiang"))
	// Output: higher/Binjiang
}
