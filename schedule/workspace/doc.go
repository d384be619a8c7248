// Package workspace keeps a period of "double random" draws in one
// directory, and carries a regulator through its rounds in order.
//
//	cfg, err := workspace.ParseConfig(b, "config.json") // the period's configuration
//	ws, err := workspace.Init(dir, b, now)               // set up the period
//	ws, err = workspace.Open(dir)
//	err = ws.Manifest(round, records, now)               // snapshot as of the round's as-of; commit the inputs
//	c, err := ws.Commit(round, party, secret, rand, now) // each party's commitment …
//	err = ws.Reveal(round, party, secret, now)           // … later its reveal
//	digits, err := ws.Dice(round, digits, rand, now)     // the late source: dice, or
//	r, err := ws.Beacon(round, signatureHex, now)        // the drand round, verified offline
//	rep, err := ws.Draw(round, now)                      // seed from the log; schedule.PlanRound; disclose
//	n, err := ws.Record(round, resultsFile, now)         // results, checked against the round's tasks
//	pub, err := ws.Publish(now)                          // results publication; overdue results listed
//	c, err := ws.Correct(round, task, field, value, why, now) // a published result was wrong: a correction entry
//	rep, err := ws.Abandon(round, why, now)              // give up a manifest before its draw; then Manifest again
//	checks, err := ws.Verify()                           // every round from its files
//	est, err := ws.Estimate(workspace.IndicatorFail)     // shares per round and pooled
//	head := ws.LogHead()                                 // the log's RFC 9162 head, for mirrors
//
// # Layout
//
// A workspace directory holds (names are the exported constants):
//
//	config.json                      the configuration (ConfigFile)
//	log.jsonl                        the public log, a schedule/tlog log (LogFile)
//	rounds/NN/manifest.json          round NN's manifest (NN = 01 …), canonical JSON
//	rounds/NN/open.json              the open tasks committed with it
//	rounds/NN/disclosure.json        the draw's disclosure (its SHA-256 is in the log's draw entry)
//	rounds/NN/tasks.csv, reasons.csv the task list and every unit's π with its reason
//	rounds/NN/results.jsonl          recorded results (inspections format)
//	rounds/NN/abandoned/SEQ/         an abandoned attempt's manifest.json and open.json (SEQ: its manifest entry)
//	rounds/NN/sources.json           digest-only snapshots: where each record file lives, its size and SHA-256
//	rounds/NN/added.jsonl            digest-only snapshots: the recorded results the round added to the inspections
//	snapshots/SET-DIGEST.csv.gz      the as-of record sets, content-addressed (copy mode, the default)
//	publications/                    results publications (each logged by a results entry)
//	private/                         simulated parties' secrets: never publish
//
// A site generator reads the log (Open, Log, LogHead) and the published
// files of every round, abandoned attempts' manifests included; it never
// needs private/, snapshots/, sources.json or added.jsonl.
//
// # Verification
//
// Verify replays the log (protocol.State), then checks every drawn round:
// the disclosure against the log, the snapshot against the manifest's
// digests, the draw re-run, the recorded results, every publication
// against its results entry and every published result against its own
// task (schedule.VerifyResults: not dated before the task's visit nor
// after its publication), and every correction against its publication.
//
// # Configuration
//
// A period's configuration is a JSON file (Config, ParseConfig): every
// key is documented on its field, and unknown, duplicate and case-variant
// keys, nulls, trailing data and out-of-range values are errors that name
// the file and the key path. DefaultConfig is the example for 2026 with
// China's public holidays and make-up working days.
//
// # Conventions
//
// Nothing here reads the clock: every step takes the time it runs at.
// Every step refuses to run out of order, with an error (wrapping
// ErrOrder) that says what must come first. Files are written whole
// (to a temporary name, then renamed), so a failed step leaves the
// workspace as it was.
package workspace
