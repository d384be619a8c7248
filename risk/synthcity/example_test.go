package synthcity_test

import (
	"fmt"

	"github.com/firedraw/firedraw/risk/synthcity"
)

// A small city: the same Config always gives the same records.
func ExampleGenerate() {
	c, err := synthcity.Generate(synthcity.Config{Units: 400, Seed: 1})
	if err != nil {
		panic(err)
	}
	key, outcomes := 0, 0
	for i, u := range c.Units {
		if u.KeyUnit {
			key++
		}
		if c.Outcomes[i].Any {
			outcomes++
		}
	}
	fmt.Println("as of:", c.AsOf.Format("2006-01-02"))
	fmt.Println("units:", len(c.Units), "key units:", key)
	fmt.Println("inspectors:", len(c.Inspectors))
	fmt.Println("inspections:", len(c.Inspections), "incidents:", len(c.Incidents))
	fmt.Println("telemetry events:", len(c.Telemetry), "credit records:", len(c.Credit))
	fmt.Println("units with an adverse outcome next year:", outcomes)
	fmt.Println("first unit:", c.Units[0].ID, c.Units[0].Name, c.Units[0].Category)
	// Output:
	// as of: 2026-01-01
	// units: 400 key units: 24
	// inspectors: 20
	// inspections: 1372 incidents: 118
	// telemetry events: 16120 credit records: 384
	// units with an adverse outcome next year: 54
	// first unit: 923301058636859300 滨江区老冯建材店 street-shop
}
