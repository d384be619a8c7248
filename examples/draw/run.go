package main

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/firedraw/firedraw/examples/internal/cli"
	"github.com/firedraw/firedraw/examples/internal/drawflow"
	"github.com/firedraw/firedraw/risk"
	"github.com/firedraw/firedraw/risk/alert"
	"github.com/firedraw/firedraw/risk/recordio"
	"github.com/firedraw/firedraw/schedule"
	"github.com/firedraw/firedraw/schedule/content"
	"github.com/firedraw/firedraw/schedule/protocol"
)

// exitCode reports err on stderr and returns the process exit status.
func exitCode(err error, stderr io.Writer) int { return cli.ExitCode("draw", err, stderr) }

// options are the parsed flags.
type options struct {
	files       recordio.Files
	asOf        string
	period      string
	round       string
	seed        string
	parties     string
	secrets     string
	dice        string
	beaconRound uint64
	beaconSig   string
	sealed      bool
	noProofs    bool
	model       string
	out         string
	lenient     bool
}

const usageText = `usage: draw [flags]

Runs one round of a "double random" inspection draw under the trust
protocol, every party simulated on this machine, and prints each step:

  1 manifest    the records' snapshot, model, policy, calendar, round and
                settings are fixed and hashed before any randomness exists,
                with the targets: units with a serious alert (fire, fire
                alarm, shielded device, low water pressure, repeating
                electrical alarms) raised since the previous round
  2 commitments each party publishes H(manifest, party, secret)
  3 reveals     each party publishes its secret
  4 late source dice rolled in public (simulated unless -dice), or a
                recorded drand quicknet round (-beacon-round, -beacon-signature)
  5 seed        SHA-256 of the manifest, the secrets and the late source
  6 draw        records → features → scores → levels → the round's draw →
                inspector teams and dates → disclosure, its hash logged
  7 targeted    the targeted inspections, outside the random draw: dated
                in the round's first days, staffed by the same team rules
                under the round's seed, disclosed with their triggers
  8 verify      the public tier, from the published files alone

With no record files it uses the embedded default synthetic city. Writes
into -out: manifest.json, log.jsonl, disclosure.json and targeted.json
(publish these four), tasks.csv, targeted_tasks.csv, levels.csv,
level_changes.csv and alerts.csv (internal) and, with -sealed,
proofs.jsonl (each unit's leaf and Merkle proof, to hand out). The log's
times are simulated, counted back from the round's first day.

-seed HEX draws in single-operator mode (tests and demonstrations): the
operator alone makes the seed, the disclosure says so, and verify warns
that such a draw offers no protection against the operator.

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
	fs.StringVar(&o.round, "round", "", "the `ROUND` to draw: an index from 0 or a month YYYY-MM; default: the first round starting a week or more after -asof")
	fs.StringVar(&o.parties, "parties", strings.Join(drawflow.DefaultParties(), ","), "the contributing `PARTIES`, comma-separated (at least two)")
	fs.StringVar(&o.secrets, "secrets", "", "the parties' secrets, comma-separated `HEX` (64 digits each); default: fresh from crypto/rand")
	fs.StringVar(&o.dice, "dice", "", "the `DIGITS` rolled at the public meeting (at least 20); default: a simulated roll")
	fs.Uint64Var(&o.beaconRound, "beacon-round", 0, "use drand quicknet `ROUND` as the late source (with -beacon-signature); the timeline is set before it")
	fs.StringVar(&o.beaconSig, "beacon-signature", "", "the drand round's BLS `SIGNATURE` (96 hex digits), verified offline")
	fs.StringVar(&o.seed, "seed", "", "single-operator mode: the operator's secret, 64 `HEX` digits (no protection against the operator)")
	fs.BoolVar(&o.sealed, "sealed", false, "sealed disclosure: publish a Merkle root instead of every unit's level and π")
	fs.BoolVar(&o.noProofs, "no-proofs", false, "with -sealed, do not write proofs.jsonl (by default every unit's proof is written: about 1 KB a unit)")
	fs.StringVar(&o.model, "model", "", "score with the model in `FILE` (JSON, as examples/tune -fit writes); default: the default expert model")
	fs.StringVar(&o.out, "out", "out", "output `DIR`")
	fs.BoolVar(&o.lenient, "lenient-dates", false, "leave out (and report) records dated after -asof instead of failing on the first")
	if err := cli.Parse(fs, args); err != nil {
		return nil, err
	}
	switch {
	case o.seed != "" && (o.secrets != "" || o.beaconRound != 0):
		return nil, errors.New("-seed is the single-operator mode: it cannot be combined with -secrets or -beacon-round")
	case (o.beaconRound == 0) != (o.beaconSig == ""):
		return nil, errors.New("-beacon-round and -beacon-signature go together")
	case o.beaconRound != 0 && o.dice != "":
		return nil, errors.New("-dice and -beacon-round are two late sources: give one")
	}
	return o, cli.CheckFiles(o.files)
}

func run(args []string, stdout, stderr io.Writer) error {
	o, err := parseFlags(args, stderr)
	if err != nil {
		return err
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
	if recs, err = cli.Check("draw", o.files, recs, asOf, o.lenient, stderr); err != nil {
		return err
	}
	progress := func(string, ...any) {}
	if len(recs.Units) > progressUnits {
		progress = func(format string, a ...any) { stamp(fmt.Sprintf(format, a...)) }
	}
	progress("loaded %d units, %d telemetry events, %d inspections", len(recs.Units), len(recs.Telemetry), len(recs.Inspections))
	in, round, err := o.inputs(recs, asOf, model, stdout)
	if err != nil {
		return err
	}
	printRecords(stdout, recs, asOf)
	fmt.Fprintln(stdout)
	res, err := drawflow.Run(*in)
	if err != nil {
		return err
	}
	progress("drew %d tasks", len(res.Disclosure.Tasks))
	d := &result{units: recs.Units, scores: res.Assessment.Scores, levels: res.Assessment.Levels, disc: res.Disclosure, pool: res.Pool,
		alerts: res.Alerts, targetedTasks: res.Targeted}
	if err := d.addContent(recs, model, res.Assessment, asOf, round, &in.Targets); err != nil {
		return err
	}
	progress("%d level changes since the previous round, %d alerts, %d targeted tasks", len(d.changes), len(d.alerts.Alerts), len(d.targetedTasks.Tasks))
	files, err := d.write(o.out, res, !o.noProofs)
	if err != nil {
		return err
	}
	progress("wrote %s", strings.Join(files, ", "))
	if err := verifyPublic(res, stdout); err != nil {
		return err
	}
	d.summarize(stdout)
	fmt.Fprintf(stdout, "\nwrote      %s\n", strings.Join(files, ", "))
	fmt.Fprintf(stdout, "verify:    go run ./examples/verify -dir %s%s%s   (public tier, then the auditor tier from the records)\n",
		o.out, cli.FileArgs(o.files)+modelFlag(o.model), asOfFlag(o.files, asOf))
	return nil
}

// inputs turns the flags into the protocol run's inputs.
func (o *options) inputs(recs *risk.Records, asOf time.Time, model *risk.Model, stdout io.Writer) (*drawflow.Inputs, schedule.Round, error) {
	rounds, err := parsePeriod(o.period, asOf)
	if err != nil {
		return nil, schedule.Round{}, err
	}
	round, err := pickRound(rounds, o.round, asOf)
	if err != nil {
		return nil, schedule.Round{}, err
	}
	// Alerts raised since the previous monthly round's as-of time make
	// targets (content.TargetPolicy's default rules and severity).
	targets := content.TargetPolicy{Since: asOf.Add(-round.End.Sub(round.Start))}
	in := &drawflow.Inputs{Records: recs, AsOf: asOf, Model: model, Round: round.Index, Targets: targets,
		Config:   &schedule.Config{Rounds: rounds, Sealed: o.sealed},
		PeriodID: periodID(rounds), Rand: rand.Reader, Dice: o.dice,
		Step: func(name, detail string) { fmt.Fprintf(stdout, "%-10s %s\n", name, detail) }}
	if o.seed != "" {
		if err := protocol.CheckSecret(o.seed); err != nil {
			return nil, round, fmt.Errorf("-seed: %w", err)
		}
		in.SingleOperator, in.Parties, in.Secrets = true, []string{"operator"}, []string{o.seed}
		return in, round, nil
	}
	in.Parties = splitList(o.parties)
	if o.secrets != "" {
		in.Secrets = splitList(o.secrets)
	}
	if o.beaconRound != 0 {
		in.Beacon = &drawflow.Beacon{Round: o.beaconRound, Signature: o.beaconSig}
	}
	return in, round, nil
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		out = append(out, strings.TrimSpace(p))
	}
	return out
}

// periodID names the period in the log: its year, or its first and last
// months.
func periodID(rounds []schedule.Round) string {
	first, last := rounds[0].Start, rounds[len(rounds)-1].End.AddDate(0, 0, -1)
	if first.Month() == time.January && last.Month() == time.December && first.Year() == last.Year() {
		return strconv.Itoa(first.Year())
	}
	return first.Format("2006-01") + ".." + last.Format("2006-01")
}

// verifyPublic checks the run's published files as anyone would (the
// public tier) and prints the result.
func verifyPublic(res *drawflow.Result, stdout io.Writer) error {
	r, err := schedule.VerifyPublic(schedule.Published{Manifest: res.Manifest, Attempt: res.Attempt, Disclosure: res.DisclosureBytes})
	if err != nil {
		return fmt.Errorf("the draw's own disclosure does not verify: %w", err)
	}
	fmt.Fprintf(stdout, "%-10s public tier: log chain and order, dates, commitments, reveals, seed, %d PRNs%s: verified\n",
		"verify", len(res.Disclosure.Tasks), map[bool]string{false: ", the whole selection", true: " (sealed)"}[res.Disclosure.Sealed])
	if _, err := schedule.VerifyTargetedPublic(schedule.Published{Manifest: res.Manifest, Attempt: res.Attempt, Disclosure: res.DisclosureBytes},
		r.Disclosure, res.TargetedBytes); err != nil {
		return fmt.Errorf("the draw's own targeted tasks do not verify: %w", err)
	}
	fmt.Fprintf(stdout, "%-10s public tier: %d targeted tasks against the targets the manifest committed, their dates and team shapes: verified\n",
		"", len(res.Targeted.Tasks))
	for _, n := range r.Notes {
		fmt.Fprintf(stdout, "%-10s WARNING: %s\n", "", n)
	}
	return nil
}

func modelFlag(name string) string {
	if name == "" {
		return ""
	}
	return " -model " + name
}

func asOfFlag(f recordio.Files, asOf time.Time) string {
	if f == (recordio.Files{}) {
		return ""
	}
	return " -asof " + asOf.Format(time.DateOnly)
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
	// content of each drawn unit's task, by unit ID; the level changes
	// since the previous round; the alerts as of asOf, the units they make
	// targets of an inspection outside the draw and their tasks.
	content       map[string]content.Content
	targeted      map[string]content.Content // with the alerts' focus
	changes       []content.LevelChange
	alerts        *alert.Report
	targets       []content.Target
	targetedTasks *schedule.TargetedDisclosure
}

// addContent derives each task's content and method, the level changes
// since the previous round (as of one round length before asOf) and the
// targets' content (their alerts added; tp selects them, as in the run).
func (d *result) addContent(recs *risk.Records, model *risk.Model, assessed *schedule.Assessment, asOf time.Time, round schedule.Round, tp *content.TargetPolicy) error {
	prevAsOf := asOf.Add(-round.End.Sub(round.Start))
	prev, err := schedule.Assess(recs, prevAsOf, schedule.AssessConfig{Model: model})
	if err != nil {
		return fmt.Errorf("previous round: %w", err)
	}
	d.changes, err = content.LevelChanges(
		content.Round{AsOf: prevAsOf, Units: recs.Units, Levels: prev.Levels, Scores: prev.Scores},
		content.Round{AsOf: asOf, Units: recs.Units, Levels: assessed.Levels, Scores: assessed.Scores}, recs)
	if err != nil {
		return err
	}
	d.targets = tp.Targets(d.alerts)
	byUnit := map[string][]alert.Alert{}
	for _, t := range d.targets {
		byUnit[t.UnitID] = t.Alerts
	}
	drawn := map[string]bool{}
	for _, t := range d.disc.Tasks {
		drawn[t.Unit] = true
	}
	d.content = map[string]content.Content{}
	d.targeted = map[string]content.Content{}
	var p content.Policy
	for k, pr := range content.Profiles(recs.Units, assessed.Scores, assessed.Levels, schedule.FocusReasons) {
		id := recs.Units[k].ID
		if drawn[id] {
			c, err := p.Content(&pr)
			if err != nil {
				return err
			}
			d.content[id] = c
		}
		if byUnit[id] != nil {
			pr.Alerts = byUnit[id]
			c, err := p.Content(&pr)
			if err != nil {
				return err
			}
			d.targeted[id] = c
		}
	}
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

// pickRound returns the round named by the flag: "" is the first round
// starting a week or more after asOf (the protocol's steps need the days
// before it), a number an index, YYYY-MM the round of that month.
func pickRound(rounds []schedule.Round, s string, asOf time.Time) (schedule.Round, error) {
	if s == "" {
		for _, r := range rounds {
			if !r.Start.Before(asOf.AddDate(0, 0, 7)) {
				return r, nil
			}
		}
		return schedule.Round{}, fmt.Errorf("-round: no round of the period starts a week or more after -asof %s", asOf.Format(time.DateOnly))
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
