package schedule_test

import (
	"fmt"
	"time"

	"github.com/firedraw/firedraw/risk"
	"github.com/firedraw/firedraw/risk/synthcity"
	"github.com/firedraw/firedraw/schedule"
)

// Assess does the risk steps of the pipeline in one call: features as of
// the city's date, the default model, levels and policy. The planner draws on its
// frame; an auditor rebuilds the same frame from the same records under
// the policy the draw's manifest fixed (AuditFrame).
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

	fmt.Println("directory:", assessed.Frame.Len(), "units")
	// Output:
	// units per level (low, general, higher, high): [72 79 39 10]
	// history complete from: 2023-01-01
	// directory: 200 units
}
