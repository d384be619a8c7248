package schedule_test

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"time"

	"github.com/firedraw/firedraw/risk"
	"github.com/firedraw/firedraw/sampling"
	"github.com/firedraw/firedraw/schedule"
)

// tinyDraw plans the March 2026 round of a 10-unit directory with 6
// inspectors (as ExamplePlanRound does); annual gives each level's
// frequency.
func tinyDraw(annual [risk.NumLevels]float64) (*schedule.Disclosure, *schedule.Frame, *schedule.Pool) {
	var units []risk.Unit
	var levels []risk.Level
	var f []float64
	for k := range 10 {
		units = append(units, risk.Unit{ID: fmt.Sprintf("9133%02d", k), District: "Xihu", Category: risk.StreetShop})
		levels = append(levels, risk.Level(k%risk.NumLevels))
		f = append(f, annual[k%risk.NumLevels])
	}
	var inspectors []risk.Inspector
	for i := range 6 {
		inspectors = append(inspectors, risk.Inspector{
			ID: fmt.Sprintf("insp-%d", i), Districts: []string{"Xihu"}, Categories: []risk.Category{risk.StreetShop},
		})
	}
	frame := must(schedule.NewFrame(units, levels, f, nil))
	pool := must(schedule.NewPool(inspectors))
	cfg := &schedule.Config{Rounds: must(schedule.Period(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), 12, schedule.Month))}
	seed := must(sampling.ParseSeed("5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed"))
	d := must(schedule.PlanRound(cfg, frame, pool, 2, seed, schedule.Commit(seed, time.Date(2026, 2, 25, 0, 0, 0, 0, time.UTC))))
	return d, frame, pool
}

// A verifier reads the published bytes, rebuilds the directory and the
// pool, and re-runs the draw. A directory that differs from the one drawn
// (here: other frequencies) is caught.
func ExampleVerify() {
	d, frame, pool := tinyDraw([risk.NumLevels]float64{1, 2, 4, 6})
	published := must(d.MarshalCanonical())

	pub := must(schedule.ParseDisclosure(published))
	diffs, err := schedule.Verify(pub, frame, pool)
	fmt.Println("same directory:", len(diffs), "differences", err)

	_, other, _ := tinyDraw([risk.NumLevels]float64{1, 2, 4, 12})
	diffs, err = schedule.Verify(must(schedule.ParseDisclosure(published)), other, pool)
	fmt.Println("other directory:", len(diffs) > 0, errors.Is(err, schedule.ErrVerify))
	fmt.Println(diffs[0])
	// Output:
	// same directory: 0 differences <nil>
	// other directory: true true
	// directory: disclosure says 10 units with SHA-256 415f34eb1eb03c1cf7cea209ca60dc6e6e31049216557835c5233f33f70c14b5; the directory given has 10 units with SHA-256 6a8a9730987d0003ef21590f0c5243b8a3910b1c0970447c931c1f9a024383f3
}

// After the visits, the Ledger records each task's outcome, lists the
// results due for publication (20 working days after the visit by
// default) and turns the outcomes into inspection history for the next
// round's frame.
func ExampleNewLedger() {
	d, _, _ := tinyDraw([risk.NumLevels]float64{1, 2, 4, 6})
	ledger := must(schedule.NewLedger(d))
	first := d.Tasks[0]
	err := ledger.Record(schedule.Outcome{TaskID: first.ID, Result: risk.Fail,
		Violations: []risk.Violation{{Code: "blocked-exit", Severity: risk.Major}}})
	fmt.Println("recorded:", err)
	for _, due := range ledger.Due(time.Date(2026, 4, 30, 0, 0, 0, 0, time.UTC)) {
		fmt.Println(due.Unit, "visited", due.Date, "results due", due.Due, "recorded", due.Recorded)
	}
	for _, in := range ledger.Inspections() {
		fmt.Println("history:", in.UnitID, in.Date.Format(time.DateOnly), in.Result, len(in.Violations), "violation(s)")
	}
	// Output:
	// recorded: <nil>
	// 913306 visited 2026-03-05 results due 2026-04-02 recorded false
	// 913307 visited 2026-03-16 results due 2026-04-13 recorded false
	// 913303 visited 2026-03-26 results due 2026-04-23 recorded true
	// history: 913303 2026-03-26 fail 1 violation(s)
}

// A year of independent monthly rounds: one seed and commitment per
// round, each round planned on the history the earlier rounds made. A
// unit due 6 times a year is drawn about every other month.
func ExamplePlanPeriod() {
	_, frame, pool := tinyDraw([risk.NumLevels]float64{1, 2, 4, 6})
	cfg := &schedule.Config{Rounds: must(schedule.Period(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), 12, schedule.Month))}
	seeds := make([]sampling.Seed, len(cfg.Rounds))
	commits := make([]schedule.Commitment, len(cfg.Rounds))
	for t := range seeds {
		seeds[t] = sampling.Seed(sha256.Sum256([]byte(fmt.Sprint("example round ", t)))) // crypto/rand in real use
		commits[t] = schedule.Commit(seeds[t], cfg.Rounds[t].Start.AddDate(0, 0, -7))
	}
	ds := must(schedule.PlanPeriod(cfg, frame, pool, seeds, commits))
	visits := map[string]int{}
	for _, d := range ds {
		for _, t := range d.Tasks {
			visits[t.Unit]++
		}
	}
	fmt.Println("rounds:", len(ds))
	fmt.Println("visits in 2026 to 913303 (due 6 a year):", visits["913303"])
	fmt.Println("visits in 2026 to 913300 (due once a year):", visits["913300"])
	// Output:
	// rounds: 12
	// visits in 2026 to 913303 (due 6 a year): 6
	// visits in 2026 to 913300 (due once a year): 1
}
