// Command gencity writes a synthetic city (package risk/synthcity) as
// gzip-compressed CSV files: units, telemetry, incidents, inspections,
// credit, inspectors and the next-year outcomes.
//
// Usage:
//
//	go run ./examples/gencity -out DIR [-units N] [-seed N] [-asof YYYY-MM-DD] [-no-telemetry]
//
// Without -units and -seed it writes the default city committed in
// testdata/city:
//
//	go run ./examples/gencity -out testdata/city
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/firedraw/firedraw/risk/synthcity"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return // usage printed
		}
		fmt.Fprintln(os.Stderr, "gencity:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("gencity", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("out", "", "output directory (required; created if missing)")
	units := fs.Int("units", synthcity.DefaultUnits, "number of units")
	seed := fs.Uint64("seed", synthcity.DefaultSeed, "random seed")
	asof := fs.String("asof", "2026-01-01", "end of the history (YYYY-MM-DD, UTC); outcomes cover the year after")
	noTelemetry := fs.Bool("no-telemetry", false, "skip the telemetry")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: gencity -out DIR [-units N] [-seed N] [-asof YYYY-MM-DD] [-no-telemetry]")
		fmt.Fprintln(stderr, "Writes a synthetic city as gzip-compressed CSV files; the defaults give testdata/city.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if *out == "" {
		fs.Usage()
		return errors.New("-out is required")
	}
	if *units <= 0 {
		return fmt.Errorf("-units %d: want a positive number", *units)
	}
	t, err := time.Parse(time.DateOnly, *asof)
	if err != nil {
		return fmt.Errorf("-asof: %w", err)
	}
	c, err := synthcity.Generate(synthcity.Config{Units: *units, Seed: *seed, AsOf: t, NoTelemetry: *noTelemetry})
	if err != nil {
		return err
	}
	if err := c.WriteDir(*out); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s: %d units, %d telemetry events, %d incidents, %d inspections, %d credit records, %d inspectors, %d outcomes\n",
		*out, len(c.Units), len(c.Telemetry), len(c.Incidents), len(c.Inspections), len(c.Credit), len(c.Inspectors), len(c.Outcomes))
	return nil
}
