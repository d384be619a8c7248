package schedule_test

import (
	"fmt"
	"time"

	"github.com/firedraw/firedraw/risk"
	"github.com/firedraw/firedraw/sampling"
	"github.com/firedraw/firedraw/schedule"
)

// A tiny round: 10 units, 6 inspectors, the March round of 2026. The
// seed is committed (its SHA-256 published) before the draw and revealed
// in the disclosure after it.
func ExamplePlanRound() {
	var units []risk.Unit
	var levels []risk.Level
	var annual []float64
	for k := range 10 {
		units = append(units, risk.Unit{ID: fmt.Sprintf("9133%02d", k), District: "Xihu", Category: risk.StreetShop})
		levels = append(levels, risk.Level(k%risk.NumLevels))
		annual = append(annual, []float64{1, 2, 4, 6}[k%risk.NumLevels])
	}
	frame, err := schedule.NewFrame(units, levels, annual, nil)
	if err != nil {
		panic(err)
	}
	var inspectors []risk.Inspector
	for i := range 6 {
		inspectors = append(inspectors, risk.Inspector{
			ID: fmt.Sprintf("insp-%d", i), Districts: []string{"Xihu"}, Categories: []risk.Category{risk.StreetShop},
		})
	}
	pool, err := schedule.NewPool(inspectors)
	if err != nil {
		panic(err)
	}
	rounds, err := schedule.Period(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), 12, schedule.Month)
	if err != nil {
		panic(err)
	}
	cfg := &schedule.Config{Rounds: rounds}

	seed, err := sampling.ParseSeed("5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed")
	if err != nil {
		panic(err)
	}
	c := schedule.Commit(seed, time.Date(2026, 2, 25, 0, 0, 0, 0, time.UTC))
	fmt.Println("commitment:", c.Hash[:16]+"…", "published", c.Date)

	d, err := schedule.PlanRound(cfg, frame, pool, 2, seed, c)
	if err != nil {
		panic(err)
	}
	for _, t := range d.Tasks {
		fmt.Printf("%s π=%.3f %s team %v results due %s task %s…\n", t.Unit, t.Pi, t.Date, t.Teams[0].Inspectors, t.ResultsDue, t.ID[:8])
	}
	drawn := 0
	for _, l := range d.Units {
		if l.Selected {
			drawn++
		}
	}
	fmt.Println("published leaves:", len(d.Units), "drawn:", drawn)
	// Output:
	// commitment: f9fa5c699354e46a… published 2026-02-25
	// 913307 π=0.500 2026-03-16 team [insp-2 insp-1] results due 2026-04-13 task 6e7960f7…
	// published leaves: 10 drawn: 1
}
