package main

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/firedraw/firedraw/examples/internal/cli"
	"github.com/firedraw/firedraw/risk"
	"github.com/firedraw/firedraw/risk/recordio"
	"github.com/firedraw/firedraw/sampling"
	"github.com/firedraw/firedraw/schedule"
)

// exitCode reports err on stderr and returns the process exit status.
func exitCode(err error, stderr io.Writer) int { return cli.ExitCode("draw", err, stderr) }

// options are the parsed flags.
type options struct {
	files     recordio.Files
	asOf      string
	period    string
	round     string
	seed      string
	committed string
	commit    bool
	sealed    bool
	noProofs  bool
	model     string
	out       string
}

const usageText = `usage: draw [flags]

Runs one round of a "double random" inspection draw: records → features →
scores → risk levels → the period's policy → the round's draw → inspector
teams and dates → disclosure. With no record files it uses the embedded
default synthetic city.

Writes into -out: disclosure.json (publish it), tasks.csv (task ID, unit,
date, team), levels.csv (unit, score, level, π, drawn, top reasons; internal)
and, with -sealed, proofs.jsonl (each unit's leaf and Merkle proof, to hand out).

A real draw commits to its seed before the draw:
  draw -commit -out DIR     creates DIR/seed.txt (mode 0600) and prints its
                            commitment: publish the commitment, keep the seed
  draw -seed HEX -out DIR   draws with the committed seed, then publish the
                            disclosure (it reveals the seed)
Without -seed a fresh random seed is used and the output says so.

Record files are CSV or JSON Lines, chosen by extension (.csv, .jsonl,
optionally followed by .gz).

flags:
`

func parseFlags(args []string, stderr io.Writer) (*options, error) {
	o := &options{}
	fs := cli.NewFlagSet("draw", usageText, stderr)
	cli.RecordFlags(fs, &o.files, true)
	fs.StringVar(&o.asOf, "asof", "", "features use records before this `DATE` (YYYY-MM-DD); default: the default city's as-of date, or today for record files")
	fs.StringVar(&o.period, "period", "", "the `PERIOD` cut into monthly rounds: a year (2026) or months FIRST..LAST (2026-01-01..2026-12-31); default: the year starting at -asof")
	fs.StringVar(&o.round, "round", "", "the `ROUND` to draw: an index from 0 or a month YYYY-MM; default: the first round")
	fs.StringVar(&o.seed, "seed", "", "the committed seed, 64 `HEX` digits; default: a fresh crypto/rand seed")
	fs.StringVar(&o.committed, "committed", "", "the `DATE` the seed's commitment was published (YYYY-MM-DD); default: today")
	fs.BoolVar(&o.commit, "commit", false, "only create a seed: write it to DIR/seed.txt (0600) and print its commitment")
	fs.BoolVar(&o.sealed, "sealed", false, "sealed disclosure: publish a Merkle root instead of every unit's level and π")
	fs.BoolVar(&o.noProofs, "no-proofs", false, "with -sealed, do not write proofs.jsonl (by default every unit's proof is written: about 1 KB a unit)")
	fs.StringVar(&o.model, "model", "", "score with the model in `FILE` (JSON, as examples/tune -fit writes); default: the default expert model")
	fs.StringVar(&o.out, "out", "out", "output `DIR`")
	if err := cli.Parse(fs, args); err != nil {
		return nil, err
	}
	if o.commit && o.seed != "" {
		return nil, errors.New("-commit creates a new seed: it cannot be combined with -seed")
	}
	return o, cli.CheckFiles(o.files)
}

func run(args []string, stdout, stderr io.Writer) error {
	o, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	if o.commit {
		return commitSeed(o.out, stdout)
	}
	var seed sampling.Seed
	fresh := o.seed == ""
	if fresh {
		if seed, err = sampling.NewSeed(rand.Reader); err != nil {
			return err
		}
	} else if seed, err = sampling.ParseSeed(o.seed); err != nil {
		return fmt.Errorf("-seed: %w", err)
	}
	committed := cli.Today()
	if o.committed != "" {
		if committed, err = time.Parse(time.DateOnly, o.committed); err != nil {
			return fmt.Errorf("-committed: %q is not a date YYYY-MM-DD", o.committed)
		}
	}
	model, err := cli.LoadModel(o.model)
	if err != nil {
		return err
	}
	start := time.Now()
	stamp := func(msg string) { fmt.Fprintf(stderr, "[%6.1fs] %s\n", time.Since(start).Seconds(), msg) }
	recs, asOf, err := cli.Records(o.files, o.asOf, func(units int, msg string) {
		if units > progressUnits {
			stamp(msg)
		}
	})
	if err != nil {
		return err
	}
	rounds, err := parsePeriod(o.period, asOf)
	if err != nil {
		return err
	}
	round, err := pickRound(rounds, o.round)
	if err != nil {
		return err
	}
	progress := func(string, ...any) {}
	if len(recs.Units) > progressUnits {
		progress = func(format string, a ...any) { stamp(fmt.Sprintf(format, a...)) }
	}
	progress("loaded %d units, %d telemetry events, %d inspections", len(recs.Units), len(recs.Telemetry), len(recs.Inspections))

	d, err := draw(o, model, recs, asOf, rounds, round, seed, committed, progress)
	if err != nil {
		return err
	}
	progress("drew %d tasks", len(d.disc.Tasks))
	files, err := d.write(o.out, !o.noProofs)
	if err != nil {
		return err
	}
	progress("wrote %s", strings.Join(files, ", "))

	printRecords(stdout, recs, asOf)
	d.summarize(stdout)
	fmt.Fprintf(stdout, "\ncommitment %s (published %s)\n", d.disc.Commitment.Hash, d.disc.Commitment.Date)
	if fresh {
		fmt.Fprintf(stdout, "seed       %s — a fresh crypto/rand seed: for a real draw, publish a commitment first (-commit) and draw with -seed\n", seed)
	} else {
		fmt.Fprintf(stdout, "seed       %s (revealed in the disclosure)\n", seed)
	}
	fmt.Fprintf(stdout, "wrote      %s\n", strings.Join(files, ", "))
	fmt.Fprintf(stdout, "verify:    go run ./examples/verify -disclosure %s%s -asof %s\n",
		filepath.Join(o.out, "disclosure.json"), cli.FileArgs(o.files)+modelFlag(o.model), asOf.Format(time.DateOnly))
	return nil
}

func modelFlag(name string) string {
	if name == "" {
		return ""
	}
	return " -model " + name
}

// progressUnits is the directory size above which stages are reported on
// stderr as they finish.
var progressUnits = 100_000

// result is everything a draw produced.
type result struct {
	units  []risk.Unit
	scores *risk.Scores
	levels []risk.LevelAssignment
	disc   *schedule.Disclosure
	pool   *schedule.Pool
}

// draw runs the pipeline: the directory (features → scores → levels →
// frequencies → frame) and the round's plan on it.
func draw(o *options, model *risk.Model, recs *risk.Records, asOf time.Time, rounds []schedule.Round, round schedule.Round,
	seed sampling.Seed, committed time.Time, progress func(string, ...any)) (*result, error) {
	assessed, err := schedule.Assess(recs, asOf, schedule.AssessConfig{Model: model})
	if err != nil {
		return nil, err
	}
	progress("scored and levelled %d units on %d features", assessed.Frame.Len(), assessed.Table.Cols())
	pool, err := schedule.NewPool(recs.Inspectors)
	if err != nil {
		return nil, fmt.Errorf("inspectors: %w", err)
	}
	// The history is complete from the first inspection on record; verify
	// rebuilds the same configuration from the disclosure.
	cfg := &schedule.Config{Rounds: rounds, Sealed: o.sealed, HistoryStart: assessed.HistoryStart}
	disc, err := schedule.PlanRound(cfg, assessed.Frame, pool, round.Index, seed, schedule.Commit(seed, committed))
	if err != nil {
		return nil, err
	}
	return &result{units: recs.Units, scores: assessed.Scores, levels: assessed.Levels, disc: disc, pool: pool}, nil
}

// commitSeed creates a seed with crypto/rand, writes it to dir/seed.txt
// readable by its owner only and prints the commitment to publish.
func commitSeed(dir string, stdout io.Writer) error {
	seed, err := sampling.NewSeed(rand.Reader)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	path := filepath.Join(dir, "seed.txt")
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("%w (refusing to overwrite a seed that may have been committed)", err)
	}
	if _, err := fmt.Fprintln(f, seed.String()); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "seed written to %s (mode 0600): keep it secret until the draw\n", path)
	fmt.Fprintf(stdout, "commitment (SHA-256 of the seed), publish it now:\n%s\n", seed.Commitment())
	return nil
}

// parsePeriod cuts the period flag into monthly rounds: "" is the twelve
// months from the first of the month of asOf, "2026" a calendar year and
// "2026-01-01..2026-12-31" the months from the first to the last date.
func parsePeriod(s string, asOf time.Time) ([]schedule.Round, error) {
	var start time.Time
	months := 12
	switch first, last, isRange := strings.Cut(s, ".."); {
	case s == "":
		start = time.Date(asOf.Year(), asOf.Month(), 1, 0, 0, 0, 0, time.UTC)
	case isRange:
		a, err1 := time.Parse(time.DateOnly, first)
		b, err2 := time.Parse(time.DateOnly, last)
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("-period: %q: want YYYY-MM-DD..YYYY-MM-DD", s)
		}
		if a.Day() != 1 || b.AddDate(0, 0, 1).Day() != 1 {
			return nil, fmt.Errorf("-period: %q: rounds are months: the period must run from a first to a last day of a month", s)
		}
		start = a
		months = (b.Year()-a.Year())*12 + int(b.Month()-a.Month()) + 1
		if months < 1 {
			return nil, fmt.Errorf("-period: %q ends before it starts", s)
		}
	default:
		y, err := strconv.Atoi(s)
		if err != nil || y < 1 || y > 9999 {
			return nil, fmt.Errorf("-period: %q: want a year (2026) or YYYY-MM-DD..YYYY-MM-DD", s)
		}
		start = time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	rounds, err := schedule.Period(start, months, schedule.Month)
	if err != nil {
		return nil, fmt.Errorf("-period: %w", err)
	}
	return rounds, nil
}

// pickRound returns the round named by the flag: "" is the first, a number
// an index, YYYY-MM the round of that month.
func pickRound(rounds []schedule.Round, s string) (schedule.Round, error) {
	if s == "" {
		return rounds[0], nil
	}
	if i, err := strconv.Atoi(s); err == nil {
		if i < 0 || i >= len(rounds) {
			return schedule.Round{}, fmt.Errorf("-round: %d is outside the period's rounds 0..%d", i, len(rounds)-1)
		}
		return rounds[i], nil
	}
	m, err := time.Parse("2006-01", s)
	if err != nil {
		return schedule.Round{}, fmt.Errorf("-round: %q: want an index or a month YYYY-MM", s)
	}
	for _, r := range rounds {
		if !m.Before(r.Start) && m.Before(r.End) {
			return r, nil
		}
	}
	return schedule.Round{}, fmt.Errorf("-round: %s is outside the period (%s..%s)", s,
		rounds[0].Start.Format(time.DateOnly), rounds[len(rounds)-1].End.AddDate(0, 0, -1).Format(time.DateOnly))
}
