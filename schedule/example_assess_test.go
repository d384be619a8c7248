package schedule_test

import (
	"fmt"
	"strings"
	"time"

	"github.com/firedraw/firedraw/risk"
	"github.com/firedraw/firedraw/risk/synthcity"
	"github.com/firedraw/firedraw/sampling"
	"github.com/firedraw/firedraw/schedule"
)

// Assess does the risk steps of the pipeline in one call: features as of
// the city's date, the default model, levels and policy. The planner draws on its
// frame; a verifier rebuilds the same frame from the same records and
// the policy the disclosure records, and checks the draw.
func ExampleAssess() {
	city, err := synthcity.Generate(synthcity.Config{Units: 200})
	if err != nil {
		panic(err)
	}
	assessed, err := schedule.Assess(&city.Records, city.AsOf, schedule.AssessConfig{})
	if err != nil {
		panic(err)
	}
	var perLevel [risk.NumLevels]int
	for _, a := range assessed.Levels {
		perLevel[a.Level]++
	}
	fmt.Println("units per level (low, general, higher, high):", perLevel)
	fmt.Println("history complete from:", assessed.HistoryStart.Format(time.DateOnly))

	rounds, err := schedule.Period(city.AsOf, 12, schedule.Month)
	if err != nil {
		panic(err)
	}
	pool, err := schedule.NewPool(city.Inspectors)
	if err != nil {
		panic(err)
	}
	cfg := &schedule.Config{Rounds: rounds, HistoryStart: assessed.HistoryStart}
	seed, err := sampling.ParseSeed(strings.Repeat("5e", 32))
	if err != nil {
		panic(err)
	}
	disc, err := schedule.PlanRound(cfg, assessed.Frame, pool, 0, seed, schedule.Commit(seed, city.AsOf.AddDate(0, 0, -7)))
	if err != nil {
		panic(err)
	}

	again, err := schedule.Assess(&city.Records, city.AsOf, schedule.AssessConfig{Policy: disc.Policy})
	if err != nil {
		panic(err)
	}
	diffs, err := schedule.Verify(disc, again.Frame, pool)
	fmt.Println("differences:", len(diffs), err)
	// Output:
	// units per level (low, general, higher, high): [72 79 39 10]
	// history complete from: 2023-01-01
	// differences: 0 <nil>
}
