package schedule_test

import (
	"fmt"
	"time"

	"github.com/firedraw/firedraw/risk"
	"github.com/firedraw/firedraw/risk/alert"
	"github.com/firedraw/firedraw/risk/synthcity"
	"github.com/firedraw/firedraw/schedule"
	"github.com/firedraw/firedraw/schedule/content"
	"github.com/firedraw/firedraw/schedule/protocol"
)

// ExamplePlanTargeted commits the default city's targets in the manifest
// of its February round — units with a serious alert of the default
// rules raised in the month before the as-of date — then draws the
// round at random and plans the targeted inspections, each disclosed
// with its trigger.
func ExamplePlanTargeted() {
	c := synthcity.Default()
	a, _ := schedule.Assess(&c.Records, c.AsOf, schedule.AssessConfig{})
	pool, _ := schedule.NewPool(c.Records.Inspectors)
	rounds, _ := schedule.Period(c.AsOf, 12, schedule.Month)
	cfg := &schedule.Config{Rounds: rounds, HistoryStart: a.HistoryStart}

	// Before any randomness: the alerts, the targets and their digest.
	rep, _ := alert.Evaluate(c.Records.Telemetry, c.Records.Incidents, c.AsOf, alert.Config{})
	tp := content.TargetPolicy{Since: c.AsOf.AddDate(0, -1, 0)} // the previous round's as-of time
	targets, _ := a.Targets(c.Records.Units, rep, &tp, nil)
	section, _ := schedule.TargetedSection(&schedule.TargetedParams{Policy: tp, Targets: targets}, c.AsOf)
	snap, _ := schedule.Snapshot(&c.Records, c.AsOf)
	md, _ := schedule.ModelDigest(nil, risk.FeatureConfig{}, risk.LevelConfig{})
	m, err := schedule.NewManifest(cfg, 1, a.Frame, pool, schedule.ManifestParams{
		PeriodID: "2026", AsOf: c.AsOf, Records: snap, Model: md, Targeted: section,
		Randomness: protocol.Randomness{SingleOperator: true, Parties: []string{"operator"},
			CommitBy: "2026-01-20T00:00:00Z", RevealBy: "2026-01-25T00:00:00Z"}})
	if err != nil {
		panic(err)
	}
	fmt.Println("committed:", m.Targeted.Targets.Count, "targets, rules", m.Targeted.Rules)

	// After the reveals: the seed, the random draw, then the targeted tasks.
	h, _ := m.Hash()
	seed, _ := protocol.DeriveSeed(protocol.SeedInputs{Manifest: h,
		Parties: []protocol.Contribution{{Party: "operator", Secret: "8f14e45fceea167a5a36dedd4bea2543a2a6ca3d5d1ba8d62e5e0e4a6b2d8a10"}}})
	d, err := schedule.PlanRound(m, a.Frame, pool, seed, 0)
	if err != nil {
		panic(err)
	}
	td, err := schedule.PlanTargeted(m, a.Frame, pool, seed, d, targets)
	if err != nil {
		panic(err)
	}
	merged := 0
	for _, t := range td.Tasks {
		if t.RandomTask != "" {
			merged++
		}
	}
	fmt.Printf("%d random tasks, %d targeted (%d of them drawn at random too)\n", len(d.Tasks), len(td.Tasks), merged)
	t := td.Tasks[0]
	fmt.Println(t.Unit, t.Date, t.Method, t.Reason, t.Triggers[0].Rule, t.Triggers[0].Severity)
	fmt.Println(t.Triggers[0].ExplanationEN)
	fmt.Println("within the first", td.WithinDays, "working days:", t.Date <= schedule.DayOf(time.Date(2026, 2, 6, 0, 0, 0, 0, time.UTC)))
	// Output:
	// committed: 66 targets, rules [fire fire-alarm device-shielded pressure-low electrical-repeated]
	// 133 random tasks, 66 targeted (3 of them drawn at random too)
	// 91330102078778621F 2026-02-03 on-site other pressure-low serious
	// Water pressure low for 3 days or more (91330102078778621F-WP02, from 2025-12-28 18:17): sprinklers and hydrants may not deliver water.
	// within the first 5 working days: true
}
