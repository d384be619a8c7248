package schedule_test

import (
	"fmt"
	"os"
	"time"

	"github.com/firedraw/firedraw/risk"
	"github.com/firedraw/firedraw/risk/recordio"
	"github.com/firedraw/firedraw/sampling"
	"github.com/firedraw/firedraw/schedule"
)

// must returns v, or panics with err: it keeps the pipeline to one line
// per step.
func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// The whole pipeline on the default city's record files: records → risk
// levels → a draw → its disclosure → verification. It is the program of
// the README (there the seed comes from crypto/rand.Reader and the files
// from the caller). schedule.Assess does the risk steps and Policy.Annual
// in one call.
func Example() {
	asOf := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	recs, _, err := recordio.LoadRecords(os.DirFS("../testdata/city"), recordio.Files{Units: "units.csv.gz", Telemetry: "telemetry.csv.gz",
		Incidents: "incidents.csv.gz", Inspections: "inspections.csv.gz", Credit: "credit.csv.gz", Inspectors: "inspectors.csv.gz"}, recordio.LoadOptions{})
	if err != nil {
		panic(err)
	}
	table := must(risk.Extract(recs, asOf, risk.FeatureConfig{}))                           // features per unit
	scores := must(risk.DefaultModel().Score(table))                                        // score and reasons
	assigned := must(risk.AssignLevels(recs.Units, table, scores.Prob, risk.LevelConfig{})) // level and the rule behind it
	levels := make([]risk.Level, len(assigned))
	for k := range assigned {
		levels[k] = assigned[k].Level
	}
	annual := must(schedule.Policy{}.Annual(recs.Units, levels, scores.Prob)) // inspections a year
	frame := must(schedule.NewFrame(recs.Units, levels, annual, recs.Inspections))
	pool := must(schedule.NewPool(recs.Inspectors))
	seed := must(sampling.ParseSeed("5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed")) // secret until the draw
	commitment := schedule.Commit(seed, asOf.AddDate(0, 0, -7))                                          // published before it
	cfg := &schedule.Config{Rounds: must(schedule.Period(asOf, 12, schedule.Month))}
	disc := must(schedule.PlanRound(cfg, frame, pool, 0, seed, commitment)) // draw, dates, teams
	published := must(disc.MarshalCanonical())                              // the disclosure's one byte form
	diffs := must(schedule.Verify(must(schedule.ParseDisclosure(published)), frame, pool))

	for _, l := range schedule.Summarize(levels, annual) {
		fmt.Printf("%-7v %4d units, %6.1f inspections a year\n", l.Level, l.Units, l.Inspections)
	}
	fmt.Println("tasks in January:", len(disc.Tasks), "differences:", len(diffs))
	// Output:
	// low     1876 units,   93.8 inspections a year
	// general 1972 units,  487.2 inspections a year
	// higher   887 units,  717.2 inspections a year
	// high     265 units,  277.0 inspections a year
	// tasks in January: 205 differences: 0
}
