package risk_test

import (
	"fmt"
	"time"

	"github.com/firedraw/firedraw/risk"
)

// Check keeps records dated after the as-of date out of a draw (here
// leniently: left out and reported) and refuses conflicts between files.
// With recordio.Locations as the Locator, errors name the file and line.
func ExampleCheck() {
	day := func(s string) time.Time { t, _ := time.Parse(time.DateOnly, s); return t }
	rec := &risk.Records{
		Units: []risk.Unit{{ID: "U1", Category: risk.StreetShop, District: "North"}, {ID: "U2", Category: risk.Industrial, District: "East"}},
		Inspectors: []risk.Inspector{
			{ID: "P1", Districts: []string{"North"}, Categories: []risk.Category{risk.StreetShop, risk.Industrial}},
			{ID: "P2", Districts: []string{"North"}, Categories: []risk.Category{risk.StreetShop}},
		},
		Inspections: []risk.Inspection{
			{ID: "I1", UnitID: "U1", Date: day("2025-05-01"), Inspectors: []string{"P1", "P2"}, Result: risk.Pass},
			{ID: "I2", UnitID: "U1", Date: day("2030-05-01"), Inspectors: []string{"P1", "P2"}, Result: risk.Pass},
		},
	}
	out, rep, err := risk.Check(rec, day("2026-01-01"), risk.CheckOptions{Lenient: true})
	fmt.Println(len(out.Inspections), err)
	for _, l := range rep.Lines() {
		fmt.Println(l)
	}

	rec.Inspections[0].Inspectors = []string{"P1", "P9"}
	_, _, err = risk.Check(rec, day("2026-01-01"), risk.CheckOptions{Lenient: true})
	fmt.Println(err)
	// Output:
	// 1 <nil>
	// left out 1 record(s) dated after the as-of date
	//   inspections: column "date" of record "I2": value "2030-05-01": date after asOf 2026-01-01
	// warning: no inspector covers district(s) East: their units can never be staffed
	// inspections: column "inspectors" of record "I1": value "P9": inspector not in the pool
}
