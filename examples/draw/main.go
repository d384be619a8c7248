// Command draw runs one round of a "double random" inspection draw: it loads
// the records of a directory, scores every unit, assigns risk levels, turns
// the period's policy into inclusion probabilities, draws the round's units,
// staffs each with a random team of eligible inspectors, dates the visits and
// writes the disclosure that anyone holding the directory can verify.
//
// With no flags it runs on the embedded default synthetic city:
//
//	go run ./examples/draw
//
// A real draw commits to its seed first and reveals it only after the draw:
//
//	go run ./examples/draw -commit -out out        # writes out/seed.txt (0600), prints the commitment: publish it
//	go run ./examples/draw -seed $(cat out/seed.txt) -out out
//
// Without -seed a fresh seed is read from crypto/rand and the program says
// so; such a draw cannot have been committed to beforehand.
//
// Run "go run ./examples/draw -h" for every flag.
package main

import (
	"os"
)

func main() {
	os.Exit(exitCode(run(os.Args[1:], os.Stdout, os.Stderr), os.Stderr))
}
