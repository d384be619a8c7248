package schedule_test

import (
	"fmt"
	"strings"
	"time"

	"github.com/firedraw/firedraw/risk"
	"github.com/firedraw/firedraw/risk/synthcity"
	"github.com/firedraw/firedraw/schedule"
	"github.com/firedraw/firedraw/schedule/protocol"
)

// exampleLog collects the entries of a public log as the protocol's steps
// happen, replaying each through the protocol's rules.
type exampleLog struct {
	st      *protocol.State
	m       *protocol.Manifest
	entries []protocol.Entry
}

func (l *exampleLog) add(at string, kind protocol.Kind, body any) {
	t, err := protocol.ParseTime(at)
	if err != nil {
		panic(err)
	}
	b, err := protocol.MarshalBody(body)
	if err != nil {
		panic(err)
	}
	e := protocol.Entry{Seq: int64(len(l.entries)), Time: t, Kind: kind, Period: l.m.Period.ID, Round: l.m.Round.Number, Body: b}
	if err := l.st.Apply(e); err != nil {
		panic(err)
	}
	l.entries = append(l.entries, e)
}

// A tiny round under the protocol: 10 units, 6 inspectors, the March
// round of 2026, three parties and a public dice roll. The manifest is
// logged first; each party commits, then reveals; the dice are rolled
// after the reveal deadline; the seed follows from the log alone.
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

	// 1. The manifest fixes every input before any randomness exists.
	// (The record digests would come from schedule.Snapshot.)
	digest := protocol.Digest{SHA256: strings.Repeat("0", 64)}
	parties := []string{"fire-service", "market-regulator", "notary"}
	m, err := schedule.NewManifest(cfg, 2, frame, pool, schedule.ManifestParams{
		PeriodID: "2026",
		AsOf:     time.Date(2026, 2, 15, 0, 0, 0, 0, time.UTC),
		Records: protocol.Records{Units: protocol.Digest{Count: 10, SHA256: digest.SHA256}, Telemetry: digest, Incidents: digest,
			Inspections: digest, Credit: digest, Inspectors: protocol.Digest{Count: 6, SHA256: digest.SHA256}},
		Model: protocol.Model{Weights: digest.SHA256, Config: digest.SHA256},
		Randomness: protocol.Randomness{
			Parties:  parties,
			CommitBy: "2026-02-20T12:00:00Z", RevealBy: "2026-02-25T12:00:00Z",
			Dice: protocol.DicePlan{At: "2026-02-26T10:00:00Z", Digits: 20},
		},
	})
	if err != nil {
		panic(err)
	}
	h, _ := m.Hash()
	manifests, _ := protocol.Manifests(m)
	log := &exampleLog{st: protocol.NewState(manifests, nil), m: m}
	log.add("2026-02-16T09:00:00Z", protocol.KindManifest, &protocol.ManifestBody{Manifest: h})

	// 2. Commitments, 3. reveals (each party keeps its secret until then;
	// a real party draws it with protocol.NewSecret(crypto/rand.Reader)).
	secrets := map[string]string{}
	for i, p := range parties {
		secrets[p] = strings.Repeat(fmt.Sprintf("%02x", i+1), 32)
		c, _ := protocol.Commit(h, p, secrets[p])
		log.add("2026-02-18T10:00:00Z", protocol.KindCommitment, &protocol.CommitmentBody{Manifest: h, Party: p, Commitment: c})
	}
	for _, p := range parties {
		log.add("2026-02-23T10:00:00Z", protocol.KindReveal, &protocol.RevealBody{Manifest: h, Party: p, Secret: secrets[p]})
	}
	// 4. Twenty ten-sided dice rolled in public after the reveal deadline.
	log.add("2026-02-26T10:00:00Z", protocol.KindDice, &protocol.DiceBody{Manifest: h, Digits: "73019284655102938475"})

	// 5. The draw, with the seed the log derives; its hash is logged.
	a, _ := log.st.Attempt(h)
	seed, err := a.Seed()
	if err != nil {
		panic(err)
	}
	d, err := schedule.PlanRound(m, frame, pool, seed, a.Seq)
	if err != nil {
		panic(err)
	}
	b, _ := d.MarshalCanonical()
	log.add("2026-02-26T11:00:00Z", protocol.KindDraw, &protocol.DrawBody{Manifest: h, Seed: seed.String(), Disclosure: protocol.HashBytes(b)})
	for _, t := range d.Tasks {
		fmt.Printf("%s π=%.3f %s team %v results due %s\n", t.Unit, t.Pi, t.Date, t.Teams[0].Inspectors, t.ResultsDue)
	}

	// Anyone checks it from the published files alone.
	r, err := schedule.VerifyPublic(schedule.Published{Manifest: m, Attempt: a, Disclosure: b})
	fmt.Println("public tier:", err == nil, len(r.Disclosure.Units), "leaves,", len(r.Notes), "notes")
	// Output:
	// 913301 π=0.167 2026-03-05 team [insp-5 insp-0] results due 2026-04-02
	// 913303 π=0.500 2026-03-16 team [insp-0 insp-3] results due 2026-04-13
	// 913306 π=0.333 2026-03-26 team [insp-4 insp-3] results due 2026-04-23
	// public tier: true 10 leaves, 0 notes
}

// An auditor holding the record files re-derives levels, frequencies and
// π from the snapshot the manifest fixed, and re-runs the whole draw.
func ExampleAuditFrame() {
	city, err := synthcity.Generate(synthcity.Config{Units: 200})
	if err != nil {
		panic(err)
	}
	// The operator: snapshot, assessment, manifest (single-operator here).
	snap, err := schedule.Snapshot(&city.Records, city.AsOf)
	if err != nil {
		panic(err)
	}
	model, _ := schedule.ModelDigest(nil, risk.FeatureConfig{}, risk.LevelConfig{})
	assessed, err := schedule.Assess(&city.Records, city.AsOf, schedule.AssessConfig{})
	if err != nil {
		panic(err)
	}
	pool, _ := schedule.NewPool(city.Inspectors)
	rounds, _ := schedule.Period(city.AsOf, 12, schedule.Month)
	cfg := &schedule.Config{Rounds: rounds, HistoryStart: assessed.HistoryStart}
	m, err := schedule.NewManifest(cfg, 1, assessed.Frame, pool, schedule.ManifestParams{
		PeriodID: "2026", AsOf: city.AsOf, Records: snap, Model: model,
		Randomness: protocol.Randomness{SingleOperator: true, Parties: []string{"operator"},
			CommitBy: "2026-01-20T00:00:00Z", RevealBy: "2026-01-25T00:00:00Z"},
	})
	if err != nil {
		panic(err)
	}
	h, _ := m.Hash()
	manifests, _ := protocol.Manifests(m)
	log := &exampleLog{st: protocol.NewState(manifests, nil), m: m}
	secret := strings.Repeat("5e", 32)
	c, _ := protocol.Commit(h, "operator", secret)
	log.add("2026-01-10T09:00:00Z", protocol.KindManifest, &protocol.ManifestBody{Manifest: h})
	log.add("2026-01-11T09:00:00Z", protocol.KindCommitment, &protocol.CommitmentBody{Manifest: h, Party: "operator", Commitment: c})
	log.add("2026-01-22T09:00:00Z", protocol.KindReveal, &protocol.RevealBody{Manifest: h, Party: "operator", Secret: secret})
	a, _ := log.st.Attempt(h)
	seed, _ := a.Seed()
	d, err := schedule.PlanRound(m, assessed.Frame, pool, seed, a.Seq)
	if err != nil {
		panic(err)
	}
	b, _ := d.MarshalCanonical()
	log.add("2026-01-26T09:00:00Z", protocol.KindDraw, &protocol.DrawBody{Manifest: h, Seed: seed.String(), Disclosure: protocol.HashBytes(b)})

	// The auditor: rebuild from the records, then verify.
	again, pool2, err := schedule.AuditFrame(m, &city.Records, schedule.AssessConfig{})
	if err != nil {
		panic(err)
	}
	r, err := schedule.Verify(schedule.Published{Manifest: m, Attempt: a, Disclosure: b}, again.Frame, pool2)
	fmt.Println("auditor tier:", err, len(r.Disclosure.Tasks) > 0)
	fmt.Println(r.Notes[0])
	// Output:
	// auditor tier: <nil> true
	// single-operator draw: its seed came from one party, so it offers no protection against the operator
}
