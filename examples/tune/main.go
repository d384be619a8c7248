// Command tune compares inspection policies for researchers: for each
// within-level score weighting strength and each table of annual
// frequencies it reports, on the synthetic city (or on records with known
// outcomes), the expected detections per 1,000 inspections, the lift over a
// uniform random draw, the width of the 95 % confidence interval of the
// citywide violation rate that a round's sample gives, and the smallest
// inclusion probability (nobody is exempt). It prints the table as markdown
// and writes PNG plots of the model and the policies:
//
//	go run ./examples/tune -out out/tune
//
// Run "go run ./examples/tune -h" for every flag.
package main

import "os"

func main() {
	os.Exit(exitCode(run(os.Args[1:], os.Stdout, os.Stderr), os.Stderr))
}
