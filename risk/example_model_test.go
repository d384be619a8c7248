package risk_test

import (
	"fmt"
	"time"

	"github.com/firedraw/firedraw/risk"
)

// Scoring a small directory with the default expert model, explaining
// the score of one unit and assigning levels.
func ExampleModel_Score() {
	asOf := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	rec := &risk.Records{
		Units: []risk.Unit{
			{ID: "shop-1", Category: risk.StreetShop},
			{ID: "plant-2", Category: risk.Industrial, KeyUnit: true},
			{ID: "school-3", Category: risk.School, KeyUnit: true},
		},
		Inspections: []risk.Inspection{{UnitID: "plant-2", Date: asOf.Add(-200 * day), Result: risk.Fail,
			Violations: []risk.Violation{{Code: "XF-301", Severity: risk.Major, Deadline: asOf.Add(-190 * day)}}}},
		Incidents: []risk.Incident{{UnitID: "plant-2", Time: asOf.Add(-400 * day), Type: risk.Fire}},
		Credit:    []risk.CreditRecord{{UnitID: "plant-2", Grade: risk.GradeC, AsOf: asOf.Add(-30 * day)}},
	}
	tab, err := risk.Extract(rec, asOf, risk.FeatureConfig{})
	if err != nil {
		fmt.Println(err)
		return
	}
	s, err := risk.DefaultModel().Score(tab)
	if err != nil {
		fmt.Println(err)
		return
	}
	levels, err := risk.AssignLevels(rec.Units, tab, s.Prob, risk.LevelConfig{Thresholds: [3]float64{0.1, 0.3, 0.6}})
	if err != nil {
		fmt.Println(err)
		return
	}
	for i, id := range tab.UnitIDs {
		fmt.Printf("%-8s p=%.3f %-7s by %s\n", id, s.Prob[i], levels[i].Level, levels[i].Rule)
	}
	fmt.Println("why plant-2:")
	for _, r := range s.TopReasons(1, 3) {
		fmt.Printf("  %+.2f  %s\n", r.Contribution, r.Text)
	}
	// Output:
	// shop-1   p=0.083 low     by score 0.08317 below every threshold
	// plant-2  p=0.661 high    by score 0.6614 ≥ 0.6
	// school-3 p=0.076 general by override: key unit ⇒ at least general
	// why plant-2:
	//   +0.60  credit grade C
	//   +0.50  1 unrectified major violations, city median 0
	//   +0.50  100 % of violations rectified late or overdue, city median 0 %
}
