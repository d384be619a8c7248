// Package schedule puts a draw on a calendar: it cuts a period into
// rounds, draws the units of each round, staffs every drawn unit with a
// random team of eligible inspectors, dates the visits, and publishes a
// disclosure that anyone can check against the draw's manifest and the
// public log (schedule/protocol, schedule/tlog).
//
// A round, start to finish (see Example for the whole program):
//
//	a, err := schedule.Assess(records, asOf, schedule.AssessConfig{}) // features, scores, levels, Policy.Annual
//	pool, err := schedule.NewPool(records.Inspectors)
//	cfg := &schedule.Config{Rounds: rounds, HistoryStart: a.HistoryStart}
//	snap, err := schedule.Snapshot(records, asOf)                     // refuses records dated after asOf
//	m, err := schedule.NewManifest(cfg, round, a.Frame, pool, params) // fixes every input: log its hash first
//	// … the parties commit, reveal; the late source is logged (protocol.State)
//	seed, err := attempt.Seed()                                       // derived from the log alone
//	disc, err := schedule.PlanRound(m, a.Frame, pool, seed, attempt.Seq) // draw, dates, teams
//	b, err := disc.MarshalCanonical()                                 // publish b, log its hash
//	pub := schedule.Published{Manifest: m, Attempt: attempt, Disclosure: b}
//	_, err = schedule.VerifyPublic(pub)                               // anyone: the published files
//	au, pool, err := schedule.AuditFrame(m, records, schedule.AssessConfig{}) // an auditor:
//	_, err = schedule.Verify(pub, au.Frame, pool)                     // the draw re-run
//	ledger, err := schedule.NewLedger(disc)                           // then record outcomes
//
// Policy turns risk levels (and scores) into annual frequencies and
// per-round π: this is where levels meet probabilities, so package
// sampling knows nothing of risk.
//
// # Pipeline
//
// A period is a slice of Rounds (Period: months or quarters) on a
// Calendar (weekdays minus Holidays plus MakeupDays, China's adjusted
// weekends). The directory of a draw is a Frame: every unit's ID,
// district, category, risk level, annual frequency f_k (from
// Policy.Annual) and inspection history (NewFrame, or
// Assess straight from risk.Records: features, scores, levels and
// frequencies in one call). Inspectors
// form a Pool (NewPool). Before any randomness exists the operator
// publishes the round's manifest (NewManifest: the snapshot of the
// records, the frame's and pool's hashes, the policy, every setting, the
// calendar, the period and round, the versions and the randomness plan)
// and logs its hash; the parties commit and reveal and the late public
// source is logged (schedule/protocol). PlanRound takes the manifest and
// the seed the log derives, refuses a frame or pool other than the
// manifest's (ErrManifestMismatch), and then
//
//  1. computes each unit's inclusion probability π for the round,
//  2. draws units by systematic πps over PRN order within each stratum
//     (level × district; sampling.SelectPart, every unit's PRN in the
//     round's UnitStream, which names the period and the round), so that
//     each stratum's count is within one of its expected Σπ,
//  3. drops units already visited for another reason in the round when
//     Config.ExcludeVisited is set ("one visit, many items"),
//  4. checks the round's capacity in inspector-visits (RoundCapacity),
//  5. dates each task on a working day of the round, spreading each
//     district's tasks over the days in proportion to the district's
//     inspectors available that day,
//  6. draws a team per department for each task (Staffing.Assign): the
//     first eligible inspectors in a random order seeded by the PRNs of
//     stream TeamStream(period, round, department) — eligible meaning qualified for
//     the category, covering the district, no declared conflict, not the
//     lead of the unit's last inspection, not on leave that day, under
//     MaxPerRound and DailyCap — with a max-flow fallback that finds a
//     valid assignment whenever one exists for the dates, and an error
//     naming every unit that cannot be staffed and why otherwise,
//  7. gives each task a deterministic ID (UUID v5 of the draw ID, itself
//     UUID v5 of the manifest's hash) and a results-publication date
//     (ResultsDue working days after the visit, 20 by default),
//
// and returns the round's Disclosure: canonical JSON (schedule/canon)
// with versions, the manifest's hash and log entry, the seed, per-stratum
// counts, every task with its π, PRN, date and teams, and every unit's
// leaf (ID, district, level, π, PRN, selected) — drawn or not. The open
// mode publishes the leaves; the sealed mode (Config.Sealed), where risk
// levels are not public, publishes neither leaves, strata nor π, only
// the leaves' Merkle root, and gives each unit a proof of its own leaf
// (Disclosure.Proof for one, Disclosure.Proofs for all in O(n log n),
// UnitProof, VerifyProof; RFC 9162 tree). VerifyPublic checks a
// disclosure from the published files (log, manifest, disclosure);
// Verify, the auditor's tier, re-runs the draw on the frame and pool
// rebuilt from the records (AuditFrame) and lists every difference. A
// Ledger records outcomes against task IDs, lists results due for
// publication and turns outcomes into next period's history.
//
// # Targeted inspections (early warning)
//
// An alert that the target policy selects (content.TargetPolicy: by
// default serious or worse, of the rules fire, fire alarm, shielded
// device, low water pressure and repeating electrical alarms, raised
// since the previous round, episodes still open) makes its unit the
// target of an inspection outside the random draw. The targets are fixed
// before any randomness: the manifest's Targeted section commits them.
//
//	rep, err := alert.Evaluate(records.Telemetry, records.Incidents, asOf, alert.Config{})
//	tp := content.TargetPolicy{Since: prevAsOf}
//	targets, err := a.Targets(records.Units, rep, &tp, nil)       // focus with the alerts' items
//	section, err := schedule.TargetedSection(&schedule.TargetedParams{Policy: tp, Targets: targets}, asOf)
//	m, err := schedule.NewManifest(cfg, round, a.Frame, pool, schedule.ManifestParams{…, Targeted: section})
//	…                                                               // commitments, reveals, seed, PlanRound
//	td, err := schedule.PlanTargeted(m, a.Frame, pool, seed, disc, targets)
//	b, err := td.MarshalCanonical()                                 // publish; log its hash (protocol.TargetedBody)
//	td, err = schedule.VerifyTargetedPublic(published, disc, b)     // the public tier
//	ts, err := schedule.AuditTargets(m, records, a, alert.Config{}, nil)
//	td, err = schedule.VerifyTargeted(published, disc, b, a.Frame, pool, ts) // the auditor tier
//
// Targeted visits are dated in the round's first working days and staffed
// by the same team rules, under TargetedSeed (derived from the round's
// seed) and with the random tasks' inspectors busy. A unit drawn at
// random and targeted in the same round is visited once, by its random
// task; the targeted disclosure names that task and the trigger (see
// PlanTargeted).
//
// # Independent rounds or rotation: the trade-off
//
// Deterrence comes first: nothing published may let a unit compute its
// future rounds. The two modes spread a unit's f_k inspections a year
// over the rounds in different ways.
//
// Independent rounds (the only mode drawn under the protocol) have a
// fresh seed for every round, so a revealed seed says nothing about the
// next round. The spreading comes from the unit's history instead: its
// weight in a round is the hazard of a gap law with mean exactly 1/π_k rounds (π_k = f_k per
// round; see Spacing). For frequent units the gaps lie within about
// [1/(2π_k), 3/(2π_k)], so a unit is never drawn in the round right after
// an inspection unless its frequency demands it and is certain to be drawn
// once the longest gap is reached. For rare units that quiet window would
// tell a unit it is safe for years (ten years at 0.05 a year), so it is
// capped at Config.MaxQuiet rounds (half a year by default), after which
// the unit has the same, memoryless chance every round. A real history is
// not the stationary renewal process the hazards assume (a city where
// units were inspected more often than the policy, or not for years), so
// the hazards are balanced within each stratum: π_k ∝ hazard_k, capped at
// 1, with Σπ_k equal to the policy's Σ f_k/rounds-per-year (units due at
// exactly their longest gap keep π = 1). Each stratum's expected count,
// hence each level's annual frequency, is the policy's from the first
// round; an overdue backlog is worked off at the policy's pace rather than
// drawn at once. The price: counts per unit vary (a unit due 4 times a
// year has gaps of 2 to 4 months, hence 3 to 6 inspections in a year) and
// the exact round within the window is left to chance.
//
// Rotation keeps one period seed, committed at the start and revealed
// only at the end of the period; unit k is drawn in round t iff
// frac(φ_k + t·π_k) < π_k (RotationPlan), so it is inspected ⌊Rπ_k⌋ or
// ⌈Rπ_k⌉ times in the R rounds with gaps of ⌊1/π_k⌋ or ⌈1/π_k⌉ rounds.
// A unit inspected recently waits as in independent rounds (no draw
// within the shortest gap of its Spacing, at most MaxQuiet+1 rounds) and
// then catches up within a year: its phase is drawn within the window its
// history allows, from a law under which the waiting units' share of each
// round is taken by the others, so each group's expected count in every
// round is the policy's and each unit's expected count over the first
// year is exactly f_k. The published π are the real per-round inclusion
// probabilities under that law (RotationPlan.Round). Plan rotation in
// periods of one year: within a longer period the rhythm repeats every
// ⌊1/π_k⌋ rounds, waiting included. The price: the whole period is fixed
// by one secret that one party keeps until the period ends — which the
// draw protocol rules out (a seed derived from public reveals is public),
// so PlanRound does not draw rotation mode and the manifest refuses it;
// RotationPlan and RotationDrawn remain as building blocks for a future
// protocol of their own (the operator's committed secret plus a beacon,
// revealed at the period's end).
//
// In both modes a unit waiting after a recent inspection has π = 0 in
// the round: a round's estimates describe the units with π > 0 only.
// Each stratum's count of waiting units is published (StratumCount.Waiting;
// by level: Disclosure.Population); a citywide figure needs the rounds of
// a period pooled.
//
// Both modes read the previous period's inspections from the frame: a
// unit inspected late last period is not drawn again in the first round
// of the next unless its frequency demands it.
//
// # Conventions
//
// Nothing reads the clock or a global random source: every date is a
// parameter and every random choice derives from a seed through
// sampling.PRN. Dates are UTC days (Day). Outputs are sorted by ID and do
// not depend on input order; canonical bytes are identical on every
// machine. Functions return a complete result or an error, never a
// partial one; errors name the round, unit, inspector or date and wrap
// the package's sentinels (ErrBadRound, ErrCapacity, ErrInfeasible,
// ErrManifestMismatch, ErrFutureRecord, ErrVerify, …). Frames, pools and disclosures are
// read-only once built and safe for concurrent reads; a Ledger is not
// safe for concurrent use. Panics are for programmer errors only
// (mismatched slice lengths) and are documented.
package schedule
