// Package drawflow runs the whole draw protocol on one machine, with its
// parties simulated locally, for the example programs: assess the
// records, publish the manifest, commit, reveal, add the late public
// source, derive the seed, draw, and log every step in a public log.
//
//	res, err := drawflow.Run(drawflow.Inputs{Records: recs, AsOf: asOf, Config: cfg, Round: 1,
//		PeriodID: "2026", Parties: []string{"fire-service", "market-regulator", "notary"},
//		Rand: rand.Reader, Step: print})
//	// res.Manifest, res.Log, res.DisclosureBytes: the three published files
//
// The entries' times are simulated, counted back from the round's first
// day (or from the drand round's time when a recorded beacon round is the
// late source): manifest 6 days before, commitments 5, commitment
// deadline 4, reveals 3, reveal deadline 2, dice 2 (afternoon), draw 1.
// A real draw runs each step at its real time, each party on its own
// machine. Nothing here reads the clock.
package drawflow
