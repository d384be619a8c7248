// Package pubcheck is the public tier of verification over a set of
// published files held in memory: the public log, and each round's
// manifest and disclosure. It is what examples/verify runs (tlog.Read,
// protocol.ParseManifest, protocol.ReplayLog, schedule.VerifyPublic), put
// behind one call that never touches a file system, so that the static
// disclosure page can run the same code compiled to WebAssembly.
//
//	rep := pubcheck.Check(pubcheck.Files{Log: logBytes, Rounds: []pubcheck.RoundFiles{
//		{Name: "rounds/01", Manifest: m, Disclosure: d}}})
//	// rep.Verified, or rep.Log.Problems and rep.Rounds[i].Problems in plain words
//	err := pubcheck.CheckProof(rep, "rounds/01", proofLine) // a sealed unit's proof
//
// When a disclosure does not hash to what the log's draw entry names,
// Check says so and, to help the reader find the change, also runs the
// remaining checks as if the log had named this disclosure: their
// differences (naming the task or unit) are listed after the hash
// mismatch. The verdict stays "not verified".
package pubcheck
