package main

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/firedraw/firedraw/risk"
	"github.com/firedraw/firedraw/risk/synthcity"
	"github.com/firedraw/firedraw/sampling"
	"github.com/firedraw/firedraw/schedule"
)

// errUsage marks an error that the flag package has already reported with
// the usage text.
var errUsage = errors.New("usage")

// exitCode reports err on stderr and returns the process exit status: 0 on
// success or -h, 2 on a usage error, 1 otherwise.
func exitCode(err error, stderr io.Writer) int {
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		return 2
	}
	fmt.Fprintf(stderr, "draw: %v\n", err)
	return 1
}

// options are the parsed flags.
type options struct {
	files     recordFiles
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

// recordFiles names the record files given on the command line; an empty
// name means the source is absent.
type recordFiles struct {
	Units, Telemetry, Incidents, Inspections, Credit, Inspectors string
}

func (f recordFiles) any() bool {
	return f != recordFiles{}
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
	fs := flag.NewFlagSet("draw", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), usageText)
		fs.PrintDefaults()
	}
	fs.StringVar(&o.files.Units, "units", "", "units `FILE` (the directory); without it the default city is used")
	fs.StringVar(&o.files.Telemetry, "telemetry", "", "telemetry events `FILE`")
	fs.StringVar(&o.files.Incidents, "incidents", "", "incidents `FILE`")
	fs.StringVar(&o.files.Inspections, "inspections", "", "inspections and violations `FILE`")
	fs.StringVar(&o.files.Credit, "credit", "", "credit records `FILE`")
	fs.StringVar(&o.files.Inspectors, "inspectors", "", "inspector pool `FILE`")
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
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, err
		}
		return nil, fmt.Errorf("%w: %v", errUsage, err)
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "unexpected argument %q\n", fs.Arg(0))
		fs.Usage()
		return nil, fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(0))
	}
	if o.commit && o.seed != "" {
		return nil, errors.New("-commit creates a new seed: it cannot be combined with -seed")
	}
	if o.files.any() && o.files.Units == "" {
		return nil, errors.New("record files need -units, the directory they refer to")
	}
	return o, nil
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
	committed := today()
	if o.committed != "" {
		if committed, err = time.Parse(time.DateOnly, o.committed); err != nil {
			return fmt.Errorf("-committed: %q is not a date YYYY-MM-DD", o.committed)
		}
	}
	model, err := loadModel(o.model)
	if err != nil {
		return err
	}
	start := time.Now()
	recs, asOf, err := loadRecords(o, stderr, start)
	if err != nil {
		return err
	}
	if o.asOf != "" {
		if asOf, err = time.Parse(time.DateOnly, o.asOf); err != nil {
			return fmt.Errorf("-asof: %q is not a date YYYY-MM-DD", o.asOf)
		}
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
		progress = func(format string, a ...any) {
			fmt.Fprintf(stderr, "[%6.1fs] %s\n", time.Since(start).Seconds(), fmt.Sprintf(format, a...))
		}
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
		filepath.Join(o.out, "disclosure.json"), recordFlags(o.files)+modelFlag(o.model), asOf.Format(time.DateOnly))
	return nil
}

// recordFlags returns the record-file flags of the command line, for the
// verify command the summary suggests.
func recordFlags(f recordFiles) string {
	var b strings.Builder
	for _, kv := range [][2]string{{"units", f.Units}, {"telemetry", f.Telemetry}, {"incidents", f.Incidents},
		{"inspections", f.Inspections}, {"credit", f.Credit}, {"inspectors", f.Inspectors}} {
		if kv[1] != "" {
			fmt.Fprintf(&b, " -%s %s", kv[0], kv[1])
		}
	}
	return b.String()
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

func today() time.Time {
	now := time.Now().UTC()
	return time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
}

// result is everything a draw produced.
type result struct {
	units  []risk.Unit
	scores *risk.Scores
	levels []risk.LevelAssignment
	disc   *schedule.Disclosure
	pool   *schedule.Pool
}

// draw runs the pipeline: features → scores → levels → policy → frame →
// the round's plan.
func draw(o *options, model *risk.Model, recs *risk.Records, asOf time.Time, rounds []schedule.Round, round schedule.Round,
	seed sampling.Seed, committed time.Time, progress func(string, ...any)) (*result, error) {
	table, err := risk.Extract(recs, asOf, risk.FeatureConfig{})
	if err != nil {
		return nil, err
	}
	progress("extracted %d features", table.Cols())
	scores, err := model.Score(table)
	if err != nil {
		return nil, err
	}
	as, err := risk.AssignLevels(recs.Units, table, scores.Prob, risk.LevelConfig{})
	if err != nil {
		return nil, err
	}
	levels := make([]risk.Level, len(as))
	for k := range as {
		levels[k] = as[k].Level
	}
	progress("scored and levelled")
	var policy sampling.Policy
	annual, err := policy.Annual(recs.Units, levels, scores.Prob)
	if err != nil {
		return nil, err
	}
	frame, err := schedule.NewFrame(recs.Units, levels, annual, recs.Inspections)
	if err != nil {
		return nil, err
	}
	pool, err := schedule.NewPool(recs.Inspectors)
	if err != nil {
		return nil, fmt.Errorf("inspectors: %w", err)
	}
	cfg := planConfig(rounds, policy, o.sealed, recs.Inspections)
	disc, err := schedule.PlanRound(cfg, frame, pool, round.Index, seed, schedule.Commit(seed, committed))
	if err != nil {
		return nil, err
	}
	return &result{units: recs.Units, scores: scores, levels: as, disc: disc, pool: pool}, nil
}

// planConfig is the schedule configuration of the draw; verify rebuilds
// the same from the disclosure. The history is complete from the first
// inspection on record.
func planConfig(rounds []schedule.Round, policy sampling.Policy, sealed bool, history []risk.Inspection) *schedule.Config {
	cfg := &schedule.Config{Rounds: rounds, Policy: policy, Sealed: sealed}
	for i := range history {
		if d := history[i].Date; cfg.HistoryStart.IsZero() || d.Before(cfg.HistoryStart) {
			cfg.HistoryStart = d
		}
	}
	return cfg
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

// loadRecords returns the records named by the flags, or the default city,
// and the as-of date they suggest.
func loadRecords(o *options, stderr io.Writer, start time.Time) (*risk.Records, time.Time, error) {
	if !o.files.any() {
		c := synthcity.Default()
		return &c.Records, c.AsOf, nil
	}
	// Units first, then each other file checked against them, so that a
	// large directory can report its progress file by file.
	recs, _, err := risk.LoadRecords(osFS{}, risk.Files{Units: o.files.Units}, risk.LoadOptions{})
	if err != nil {
		return nil, time.Time{}, err
	}
	dir, err := risk.NewDirectory(recs.Units)
	if err != nil {
		return nil, time.Time{}, err
	}
	large := len(recs.Units) > progressUnits
	report := func(name string) {
		if large {
			fmt.Fprintf(stderr, "[%6.1fs] loaded %s\n", time.Since(start).Seconds(), name)
		}
	}
	report(fmt.Sprintf("%d units from %s", len(recs.Units), o.files.Units))
	for _, f := range []struct {
		name  string
		files risk.Files
		take  func(*risk.Records)
	}{
		{o.files.Inspectors, risk.Files{Inspectors: o.files.Inspectors}, func(r *risk.Records) { recs.Inspectors = r.Inspectors }},
		{o.files.Telemetry, risk.Files{Telemetry: o.files.Telemetry}, func(r *risk.Records) { recs.Telemetry = r.Telemetry }},
		{o.files.Incidents, risk.Files{Incidents: o.files.Incidents}, func(r *risk.Records) { recs.Incidents = r.Incidents }},
		{o.files.Inspections, risk.Files{Inspections: o.files.Inspections}, func(r *risk.Records) { recs.Inspections = r.Inspections }},
		{o.files.Credit, risk.Files{Credit: o.files.Credit}, func(r *risk.Records) { recs.Credit = r.Credit }},
	} {
		if f.name == "" {
			continue
		}
		if large {
			fmt.Fprintf(stderr, "[%6.1fs] loading %s …\n", time.Since(start).Seconds(), f.name)
		}
		r, _, err := risk.LoadRecords(osFS{}, f.files, risk.LoadOptions{Units: dir})
		if err != nil {
			return nil, time.Time{}, err
		}
		f.take(r)
	}
	return recs, today(), nil
}

// osFS opens the file names given on the command line as they are, so that
// the loaders' errors name each file as the user typed it. (os.DirFS would
// need one root and unrooted names.)
type osFS struct{}

func (osFS) Open(name string) (fs.File, error) { return os.Open(name) }

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

// loadModel reads a model written as JSON (examples/tune -fit writes one),
// or returns the default expert model when name is empty.
func loadModel(name string) (*risk.Model, error) {
	if name == "" {
		return risk.DefaultModel(), nil
	}
	b, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	var m risk.Model
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if err := m.Validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return &m, nil
}
