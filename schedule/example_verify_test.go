package schedule_test

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/firedraw/firedraw/risk"
	"github.com/firedraw/firedraw/schedule"
	"github.com/firedraw/firedraw/schedule/protocol"
)

// tinyDirectory is a 10-unit directory with 6 inspectors; annual gives
// each level's frequency.
func tinyDirectory(annual [risk.NumLevels]float64) (*schedule.Frame, *schedule.Pool) {
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
	return must(schedule.NewFrame(units, levels, f, nil)), must(schedule.NewPool(inspectors))
}

// tinyParams are single-operator manifest parameters for the tiny
// directory (the record digests stand in for schedule.Snapshot's).
func tinyParams() schedule.ManifestParams {
	d := protocol.Digest{SHA256: strings.Repeat("0", 64)}
	return schedule.ManifestParams{PeriodID: "2026", AsOf: time.Date(2025, 12, 1, 0, 0, 0, 0, time.UTC),
		Records: protocol.Records{Units: protocol.Digest{Count: 10, SHA256: d.SHA256}, Telemetry: d, Incidents: d, Inspections: d,
			Credit: d, Inspectors: protocol.Digest{Count: 6, SHA256: d.SHA256}},
		Model: protocol.Model{Weights: d.SHA256, Config: d.SHA256},
		Randomness: protocol.Randomness{SingleOperator: true, Parties: []string{"operator"},
			CommitBy: "2025-12-20T00:00:00Z", RevealBy: "2025-12-28T00:00:00Z"}}
}

// tinyDraw draws the March 2026 round of the tiny directory under a
// single-operator manifest, logging every step, and returns what the
// public holds.
func tinyDraw(annual [risk.NumLevels]float64) (schedule.Published, *schedule.Disclosure, *schedule.Frame, *schedule.Pool) {
	frame, pool := tinyDirectory(annual)
	cfg := &schedule.Config{Rounds: must(schedule.Period(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), 12, schedule.Month))}
	m := must(schedule.NewManifest(cfg, 2, frame, pool, tinyParams()))
	h := must(m.Hash())
	log := &exampleLog{st: protocol.NewState(must(protocol.Manifests(m)), nil), m: m}
	secret := strings.Repeat("5e", 32)
	log.add("2025-12-02T09:00:00Z", protocol.KindManifest, &protocol.ManifestBody{Manifest: h})
	log.add("2025-12-03T09:00:00Z", protocol.KindCommitment, &protocol.CommitmentBody{Manifest: h, Party: "operator", Commitment: must(protocol.Commit(h, "operator", secret))})
	log.add("2025-12-21T09:00:00Z", protocol.KindReveal, &protocol.RevealBody{Manifest: h, Party: "operator", Secret: secret})
	a, _ := log.st.Attempt(h)
	d := must(schedule.PlanRound(m, frame, pool, must(a.Seed()), a.Seq))
	b := must(d.MarshalCanonical())
	log.add("2025-12-29T09:00:00Z", protocol.KindDraw, &protocol.DrawBody{Manifest: h, Seed: d.Seed, Disclosure: protocol.HashBytes(b)})
	return schedule.Published{Manifest: m, Attempt: a, Disclosure: b}, d, frame, pool
}

// A verifier checks the published files against the manifest and the
// log, and an auditor re-runs the draw on the directory and pool rebuilt
// from the records. A directory other than the one the manifest fixed
// (here: other frequencies) is caught and named.
func ExampleVerify() {
	pub, _, frame, pool := tinyDraw([risk.NumLevels]float64{1, 2, 4, 6})
	_, err := schedule.VerifyPublic(pub)
	fmt.Println("public tier:", err)
	r, err := schedule.Verify(pub, frame, pool)
	fmt.Println("auditor tier:", err)
	fmt.Println(r.Notes[0])

	other, _ := tinyDirectory([risk.NumLevels]float64{1, 2, 4, 12})
	_, err = schedule.Verify(pub, other, pool)
	var ve *schedule.VerifyError
	fmt.Println("other directory:", errors.As(err, &ve), errors.Is(err, schedule.ErrVerify))
	fmt.Println(ve.Diffs[0])
	// Output:
	// public tier: <nil>
	// auditor tier: <nil>
	// single-operator draw: its seed came from one party, so it offers no protection against the operator
	// other directory: true true
	// schedule: the directory given hashes to 7180c5944fe7192076648263cafb8d788f872c806c1fff662c66183bae387a81, the manifest fixed 5f8f10335e15bc25f28d6f85473d85ec53e24c2ad6f9bfc046ac655e9c208b70: input differs from the manifest
}

// After the visits, the Ledger records each task's outcome, lists the
// results due for publication (20 working days after the visit by
// default) and turns the outcomes into inspection history for the next
// round's frame.
func ExampleNewLedger() {
	_, d, _, _ := tinyDraw([risk.NumLevels]float64{1, 2, 4, 6})
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
	// 913303 visited 2026-03-09 results due 2026-04-06 recorded true
	// 913306 visited 2026-03-24 results due 2026-04-21 recorded false
	// history: 913303 2026-03-09 fail 1 violation(s)
}

// A year of independent monthly rounds, simulated in single-operator
// mode: one manifest and one operator secret per round, each round
// planned on the history the earlier rounds made. A unit due 6 times a
// year is drawn about every other month; one due once a year may fall
// twice in a calendar year (its gaps vary around a year, see Spacing).
func ExamplePlanPeriod() {
	frame, pool := tinyDirectory([risk.NumLevels]float64{1, 2, 4, 6})
	cfg := &schedule.Config{Rounds: must(schedule.Period(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), 12, schedule.Month))}
	secrets := make([]string, len(cfg.Rounds))
	for t := range secrets {
		sum := sha256.Sum256([]byte(fmt.Sprint("example round ", t))) // crypto/rand in real use
		secrets[t] = hex.EncodeToString(sum[:])
	}
	ms, ds, err := schedule.PlanPeriod(cfg, frame, pool, tinyParams(), secrets)
	if err != nil {
		panic(err)
	}
	visits := map[string]int{}
	for _, d := range ds {
		for _, t := range d.Tasks {
			visits[t.Unit]++
		}
	}
	fmt.Println("rounds:", len(ds), "manifests:", len(ms))
	fmt.Println("visits in 2026 to 913303 (due 6 a year):", visits["913303"])
	fmt.Println("visits in 2026 to 913300 (due once a year):", visits["913300"])
	// Output:
	// rounds: 12 manifests: 12
	// visits in 2026 to 913303 (due 6 a year): 6
	// visits in 2026 to 913300 (due once a year): 2
}
