//go:build firedraw_targeted_port

package schedule_test

import (
	"fmt"

	"github.com/firedraw/firedraw/risk/alert"
	"github.com/firedraw/firedraw/risk/synthcity"
	"github.com/firedraw/firedraw/sampling"
	"github.com/firedraw/firedraw/schedule"
)

// ExamplePlanTargeted plans the default city's first round at random,
// then its targeted inspections: one per unit with a serious alert raised
// in the month before, disclosed with its trigger.
func ExamplePlanTargeted() {
	c := synthcity.Default()
	a, _ := schedule.Assess(&c.Records, c.AsOf, schedule.AssessConfig{})
	pool, _ := schedule.NewPool(c.Records.Inspectors)
	rounds, _ := schedule.Period(c.AsOf, 12, schedule.Month)
	cfg := &schedule.Config{Rounds: rounds, HistoryStart: a.HistoryStart}
	seed := sampling.Seed{7} // a real draw commits to a crypto/rand seed first
	disc, err := schedule.PlanRound(cfg, a.Frame, pool, 0, seed, schedule.Commit(seed, c.AsOf.AddDate(0, 0, -7)))
	if err != nil {
		panic(err)
	}
	rep, _ := alert.Evaluate(c.Records.Telemetry, c.Records.Incidents, c.AsOf, alert.Config{})
	since := c.AsOf.AddDate(0, -1, 0)
	targets, _ := a.Targets(c.Records.Units, rep, since, alert.Serious, nil)
	in := &schedule.TargetedInput{Random: disc, Seed: seed, Targets: targets, MinSeverity: alert.Serious, Since: since}
	td, err := schedule.PlanTargeted(cfg, a.Frame, pool, 0, in)
	if err != nil {
		panic(err)
	}
	merged := 0
	for _, t := range td.Tasks {
		if t.RandomTask != "" {
			merged++
		}
	}
	fmt.Printf("%d random tasks, %d targeted (%d of them drawn at random too)\n", len(disc.Tasks), len(td.Tasks), merged)
	t := td.Tasks[0]
	fmt.Println(t.Unit, t.Date, t.Method, t.Reason, t.Triggers[0].Rule, t.Triggers[0].Severity)
	fmt.Println(t.Triggers[0].ExplanationEN)
	fmt.Println("verified:", schedule.VerifyTargeted(cfg, a.Frame, pool, 0, in, td) == nil)
	// Output:
	// 131 random tasks, 185 targeted (16 of them drawn at random too)
	// 91330102078778621F 2026-01-02 on-site other pressure-low serious
	// Water pressure low for 3 days or more (91330102078778621F-WP02, from 2025-12-28 18:17): sprinklers and hydrants may not deliver water.
	// verified: true
}
