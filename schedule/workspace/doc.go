// Package workspace keeps a period of "double random" draws in one
// directory, and carries a regulator through its rounds in order.
//
//	cfg, err := workspace.ParseConfig(b, "config.json") // the period's configuration
//	ws, err := workspace.Init(dir, b, now)               // set up the period
//	ws, err = workspace.Open(dir)
//	err = ws.Manifest(round, records, now)               // snapshot as of the round's as-of; commit the inputs
//	err = ws.Contribute(round, party, secret, now)       // each party's commitment, later its reveal
//	err = ws.Draw(round, now)                            // seed from the contributions; plan; disclose
//	err = ws.Record(round, outcomes, now)                // results, checked against the round's tasks
//	pub, err := ws.Publish(now)                          // results publication; overdue results listed
//	report, err := ws.Verify()                           // every round from its files
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
