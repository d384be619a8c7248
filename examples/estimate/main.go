// Command estimate turns the recorded results of a drawn round into
// design-based estimates of the violation rate of the whole directory, by
// risk level and by district, with 95 % confidence intervals
// (Horvitz–Thompson and Hájek estimators of package sampling):
//
//	go run ./examples/estimate -levels out/levels.csv -results results.csv -out estimates.csv
//
// levels.csv is written by examples/draw (every unit's level, district, π and
// whether it was drawn); results.csv holds the inspections of the drawn
// units, in the inspections format of package risk (what
// schedule.Ledger.Inspections gives, written with recordio.WriteInspectionsCSV).
//
// With no flags it demonstrates on the default synthetic city: it draws a
// round, "inspects" the drawn units by looking up the city's true next-year
// major violations, and prints the estimates beside the true rates.
package main

import "os"

func main() {
	os.Exit(exitCode(run(os.Args[1:], os.Stdout, os.Stderr), os.Stderr))
}
