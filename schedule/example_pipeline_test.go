package schedule_test

import (
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/firedraw/firedraw/risk"
	"github.com/firedraw/firedraw/risk/recordio"
	"github.com/firedraw/firedraw/schedule"
	"github.com/firedraw/firedraw/schedule/protocol"
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
// levels → a manifest fixing every input → three parties' commitments and
// reveals and a public dice roll, each logged → the seed the log derives
// → the draw → its disclosure → verification from the published files.
// It is the program of the README (there the secrets come from
// crypto/rand.Reader and the files from the caller). schedule.Assess does
// the risk steps and Policy.Annual in one call.
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
	cfg := &schedule.Config{Rounds: must(schedule.Period(asOf, 12, schedule.Month))}

	// 1. The manifest, before any randomness: the February round.
	parties := []string{"fire-service", "market-regulator", "notary"}
	m := must(schedule.NewManifest(cfg, 1, frame, pool, schedule.ManifestParams{
		PeriodID: "2026", AsOf: asOf, Records: must(schedule.Snapshot(recs, asOf)),
		Model: must(schedule.ModelDigest(nil, risk.FeatureConfig{}, risk.LevelConfig{})),
		Randomness: protocol.Randomness{Parties: parties, CommitBy: "2026-01-25T12:00:00Z", RevealBy: "2026-01-28T12:00:00Z",
			Dice: protocol.DicePlan{At: "2026-01-29T10:00:00Z", Digits: 20}},
	}))
	h := must(m.Hash())
	log := &exampleLog{st: protocol.NewState(must(protocol.Manifests(m)), protocol.Drand), m: m}
	log.add("2026-01-20T09:00:00Z", protocol.KindManifest, &protocol.ManifestBody{Manifest: h})
	// 2. Commitments, 3. reveals, 4. the dice rolled in public.
	secrets := []string{strings.Repeat("51", 32), strings.Repeat("52", 32), strings.Repeat("53", 32)} // protocol.NewSecret(crypto/rand.Reader)
	for i, p := range parties {
		c := must(protocol.Commit(h, p, secrets[i]))
		log.add("2026-01-22T10:00:00Z", protocol.KindCommitment, &protocol.CommitmentBody{Manifest: h, Party: p, Commitment: c})
	}
	for i, p := range parties {
		log.add("2026-01-27T10:00:00Z", protocol.KindReveal, &protocol.RevealBody{Manifest: h, Party: p, Secret: secrets[i]})
	}
	log.add("2026-01-29T10:00:00Z", protocol.KindDice, &protocol.DiceBody{Manifest: h, Digits: "58209749445923078164"})
	// 5. The draw, with the seed the log derives; its hash is logged.
	a, _ := log.st.Attempt(h)
	disc := must(schedule.PlanRound(m, frame, pool, must(a.Seed()), a.Seq))
	published := must(disc.MarshalCanonical()) // the disclosure's one byte form
	log.add("2026-01-30T09:00:00Z", protocol.KindDraw, &protocol.DrawBody{Manifest: h, Seed: disc.Seed, Disclosure: protocol.HashBytes(published)})
	// Anyone: the public tier; an auditor: the records re-derived, the draw re-run.
	pub := schedule.Published{Manifest: m, Attempt: a, Disclosure: published}
	_, errPublic := schedule.VerifyPublic(pub)
	_, errAudit := schedule.Verify(pub, frame, pool)

	for _, l := range schedule.Summarize(levels, annual) {
		fmt.Printf("%-7v %4d units, %6.1f inspections a year\n", l.Level, l.Units, l.Inspections)
	}
	fmt.Println("tasks in February:", len(disc.Tasks), "public tier:", errPublic, "auditor tier:", errAudit)
	// Output:
	// low     1876 units,   93.8 inspections a year
	// general 1972 units,  487.2 inspections a year
	// higher   887 units,  717.2 inspections a year
	// high     265 units,  277.0 inspections a year
	// tasks in February: 133 public tier: <nil> auditor tier: <nil>
}
