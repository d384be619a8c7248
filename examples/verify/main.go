// Command verify checks a published draw. Given the disclosure and the
// records of the directory the draw used, it re-runs the draw and prints
// "verified" or every difference:
//
//	go run ./examples/verify -disclosure out/disclosure.json
//	go run ./examples/verify -disclosure out/disclosure.json -units units.csv -inspectors inspectors.csv …
//
// In sealed mode a unit checks its own line (level, π, PRN, selected)
// against the published Merkle root with the proof it was given:
//
//	go run ./examples/verify -disclosure out/disclosure.json -unit 91330102062242072Y -proof out/proofs.jsonl
//
// The exit status is 0 only when everything matches.
package main

import "os"

func main() {
	os.Exit(exitCode(run(os.Args[1:], os.Stdout, os.Stderr), os.Stderr))
}
