package main

import (
	"crypto/rand"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/firedraw/firedraw/risk/recordio"
	"github.com/firedraw/firedraw/sampling"
	"github.com/firedraw/firedraw/schedule/workspace"
)

// opts are every command's flags.
type opts struct {
	ws, now string
	at      time.Time
	round   int
	config  string
	files   recordio.Files
	step    string
	party   string
	secret  string
	digits  string
	sig     string
	// indicator is estimate's -indicator.
	indicator string
	results   string
	out       string
	lang      string
	bom       bool
	targeted  bool // tasks: the targeted task list
	// reason is abandon's and correct's -reason; task, field and value
	// are correct's.
	reason             string
	task, field, value string
}

type command struct {
	flags func(*flag.FlagSet, *opts)
	run   func(*opts, io.Writer) error
}

func roundFlag(fs *flag.FlagSet, o *opts) {
	fs.IntVar(&o.round, "round", 0, "the round `N`, from 1")
}

var commands = map[string]command{
	"init": {func(fs *flag.FlagSet, o *opts) {
		fs.StringVar(&o.config, "config", "", "the configuration `FILE` (JSON); default: the 2026 example ("+workspace.DefaultConfigName+")")
	}, runInit},
	"manifest": {func(fs *flag.FlagSet, o *opts) {
		roundFlag(fs, o)
		for _, f := range []struct {
			name string
			p    *string
		}{{"units", &o.files.Units}, {"telemetry", &o.files.Telemetry}, {"incidents", &o.files.Incidents},
			{"inspections", &o.files.Inspections}, {"credit", &o.files.Credit}, {"inspectors", &o.files.Inspectors}} {
			fs.StringVar(f.p, f.name, "", f.name+" record `FILE`; default: the configuration's records."+f.name)
		}
	}, runManifest},
	"contribute": {func(fs *flag.FlagSet, o *opts) {
		roundFlag(fs, o)
		fs.StringVar(&o.step, "step", "", "commit, reveal, dice or beacon")
		fs.StringVar(&o.party, "party", "", "the party `NAME`; default: every party of the configuration, simulated")
		fs.StringVar(&o.secret, "secret", "", "the party's secret (`HEX`); default: simulated (kept in DIR/private)")
		fs.StringVar(&o.digits, "digits", "", "the `DIGITS` rolled at the public meeting; default: simulated")
		fs.StringVar(&o.sig, "signature", "", "-step beacon: the drand quicknet round's BLS `SIGNATURE` (hex, from https://api.drand.sh/52db9ba70e0cc0f6eaf7803dd07447a1f5477735fd3f661792ba94600c84e971/public/ROUND), verified offline")
	}, runContribute},
	"draw": {roundFlag, runDraw},
	"tasks": {func(fs *flag.FlagSet, o *opts) {
		roundFlag(fs, o)
		fs.StringVar(&o.lang, "lang", "", "headers' `LANGUAGE`: zh or en; default: the configuration's")
		fs.BoolVar(&o.bom, "bom", false, "start with a UTF-8 byte-order mark (Excel); the configuration's csv_bom also sets it")
		fs.StringVar(&o.out, "out", "", "write to `FILE` instead of standard output")
		fs.BoolVar(&o.targeted, "targeted", false, "the targeted task list (inspections outside the random draw, with their triggers)")
	}, runTasks},
	"record": {func(fs *flag.FlagSet, o *opts) {
		roundFlag(fs, o)
		fs.StringVar(&o.results, "results", "", "the results `FILE`: inspections format (CSV or JSON Lines), inspection_id = task ID")
	}, runRecord},
	"abandon": {func(fs *flag.FlagSet, o *opts) {
		roundFlag(fs, o)
		fs.StringVar(&o.reason, "reason", "", "why the attempt is given up (`TEXT`, logged)")
	}, runAbandon},
	"correct": {func(fs *flag.FlagSet, o *opts) {
		roundFlag(fs, o)
		fs.StringVar(&o.task, "task", "", "the task `ID` whose published result is wrong")
		fs.StringVar(&o.field, "field", "", "the `FIELD` corrected: result, date or violations")
		fs.StringVar(&o.value, "value", "", "the corrected `VALUE`: pass|fail; YYYY-MM-DD; \"CODE (severity); …\" or - for none")
		fs.StringVar(&o.reason, "reason", "", "why (`TEXT`, logged)")
	}, runCorrect},
	"publish": {func(*flag.FlagSet, *opts) {}, runPublish},
	"status":  {func(*flag.FlagSet, *opts) {}, runStatus},
	"verify":  {func(*flag.FlagSet, *opts) {}, runVerify},
	"estimate": {func(fs *flag.FlagSet, o *opts) {
		fs.StringVar(&o.indicator, "indicator", workspace.IndicatorFail, "the share to estimate: fail (inspections failed) or major (a major violation found)")
	}, runEstimate},
}

func runInit(o *opts, w io.Writer) error {
	b, name := workspace.DefaultConfig(), workspace.DefaultConfigName
	if o.config != "" {
		var err error
		if b, err = os.ReadFile(o.config); err != nil {
			return err
		}
		name = o.config
	}
	ws, err := workspace.Init(o.ws, b, name)
	if err != nil {
		return err
	}
	c := ws.Config
	fmt.Fprintf(w, "workspace %s: period %s from %s, %d %s rounds, %s mode; calendar: %s\n",
		o.ws, c.Period.ID, c.Period.Start, c.Period.Rounds, c.Length(), c.Schedule(time.Time{}).Mode, c.Calendar.Source)
	fmt.Fprintf(w, "next: year manifest -ws %s -round 1 (after the as-of time %s)\n", o.ws, c.AsOfTime(c.Rounds()[0]).Format(time.DateOnly))
	return nil
}

func open(o *opts) (*workspace.Workspace, error) {
	return workspace.Open(o.ws)
}

func needRound(o *opts) error {
	if o.round == 0 {
		return fmt.Errorf("%w: -round is required", errUsage)
	}
	return nil
}

// recordFiles returns the record files: the flags, else the
// configuration's (relative to the workspace).
func recordFiles(o *opts, ws *workspace.Workspace) recordio.Files {
	if o.files != (recordio.Files{}) {
		return o.files
	}
	r := ws.Config.Records
	rel := func(s string) string {
		if s == "" || filepath.IsAbs(s) {
			return s
		}
		return filepath.Join(o.ws, s)
	}
	return recordio.Files{Units: rel(r.Units), Telemetry: rel(r.Telemetry), Incidents: rel(r.Incidents),
		Inspections: rel(r.Inspections), Credit: rel(r.Credit), Inspectors: rel(r.Inspectors)}
}

func runManifest(o *opts, w io.Writer) error {
	if err := needRound(o); err != nil {
		return err
	}
	ws, err := open(o)
	if err != nil {
		return err
	}
	files := recordFiles(o, ws)
	if files.Units == "" {
		return fmt.Errorf("no record files: give -units … -inspectors, or name them in the configuration's records")
	}
	rep, err := ws.Manifest(o.round, files, o.at)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "round %d manifest %s\n  as of %s: %d units, %d telemetry events, %d inspections (with recorded results), %d inspectors\n",
		rep.Round, rep.Hash, rep.AsOf.Format(time.RFC3339), rep.Units, rep.Records.Telemetry.Count, rep.Records.Inspections.Count, rep.Records.Inspectors.Count)
	fmt.Fprintf(w, "  %d unit(s) with an open task (results not in) kept out of the draw\n", rep.Open)
	if rep.LeftOut.Count > 0 {
		fmt.Fprintf(w, "  %d record(s) dated at or after the as-of time left out, e.g. %s\n", rep.LeftOut.Count, strings.Join(rep.LeftOut.First, "; "))
	}
	fmt.Fprintf(w, "next: year contribute -ws %s -round %d -step commit\n", o.ws, o.round)
	return nil
}

func runContribute(o *opts, w io.Writer) error {
	if err := needRound(o); err != nil {
		return err
	}
	ws, err := open(o)
	if err != nil {
		return err
	}
	parties := ws.Config.Protocol.Parties
	if o.party != "" {
		parties = []string{o.party}
	} else if len(parties) == 0 {
		parties = []string{"operator"}
	}
	switch o.step {
	case "commit":
		for _, p := range parties {
			c, err := ws.Commit(o.round, p, o.secret, rand.Reader, o.at)
			if err != nil {
				return err
			}
			fmt.Fprintf(w, "round %d: %s committed %s\n", o.round, p, c)
		}
	case "reveal":
		for _, p := range parties {
			if err := ws.Reveal(o.round, p, o.secret, o.at); err != nil {
				return err
			}
			fmt.Fprintf(w, "round %d: %s revealed\n", o.round, p)
		}
	case "dice":
		d, err := ws.Dice(o.round, o.digits, rand.Reader, o.at)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "round %d: dice %s\n", o.round, d)
	case "beacon":
		r, err := ws.Beacon(o.round, o.sig, o.at)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "round %d: drand signature verified; randomness %s\n", o.round, r)
	default:
		return fmt.Errorf("%w: -step %q: want commit, reveal, dice or beacon", errUsage, o.step)
	}
	return nil
}

func runDraw(o *opts, w io.Writer) error {
	if err := needRound(o); err != nil {
		return err
	}
	ws, err := open(o)
	if err != nil {
		return err
	}
	rep, err := ws.Draw(o.round, o.at)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "round %d drawn: %d tasks, seed %s\n", rep.Round, len(rep.Disclosure.Tasks), rep.Seed)
	if len(rep.Defaulted) > 0 {
		fmt.Fprintf(w, "  defaulted (did not reveal): %s\n", strings.Join(rep.Defaulted, ", "))
	}
	fmt.Fprintf(w, "  %d targeted tasks outside the random draw (targets committed in the manifest)\n", len(rep.Targeted.Tasks))
	fmt.Fprintf(w, "wrote rounds/%02d/%s, %s, %s, %s, %s\n", rep.Round, workspace.Disclosure, workspace.TasksName, workspace.ReasonsName,
		workspace.TargetedName, workspace.TargetedTasksName)
	return nil
}

func runTasks(o *opts, w io.Writer) error {
	if err := needRound(o); err != nil {
		return err
	}
	ws, err := open(o)
	if err != nil {
		return err
	}
	lang := o.lang
	if lang == "" {
		lang = ws.Config.Language()
	}
	if lang != "zh" && lang != "en" {
		return fmt.Errorf("%w: -lang %q: want zh or en", errUsage, lang)
	}
	tasks := ws.Tasks
	if o.targeted {
		tasks = ws.TargetedTasks
	}
	b, err := tasks(o.round, lang, o.bom || ws.Config.Output.CSVBOM)
	if err != nil {
		return err
	}
	if o.out == "" {
		_, err = w.Write(b)
		return err
	}
	return os.WriteFile(o.out, b, 0o644)
}

func runRecord(o *opts, w io.Writer) error {
	if err := needRound(o); err != nil {
		return err
	}
	if o.results == "" {
		return fmt.Errorf("%w: -results is required", errUsage)
	}
	ws, err := open(o)
	if err != nil {
		return err
	}
	n, err := ws.Record(o.round, o.results, o.at)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "round %d: recorded %d result(s)\n", o.round, n)
	return nil
}

func runPublish(o *opts, w io.Writer) error {
	ws, err := open(o)
	if err != nil {
		return err
	}
	rep, err := ws.Publish(o.at)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "published %d result(s) in %d file(s) %s\n", rep.Count, len(rep.Files), strings.Join(rep.Files, " "))
	printCorrections(w, rep.Corrections)
	printOverdue(w, rep.Overdue)
	return nil
}

func printOverdue(w io.Writer, od []workspace.Overdue) {
	if len(od) == 0 {
		fmt.Fprintln(w, "no overdue results")
		return
	}
	fmt.Fprintf(w, "%d overdue result(s) (due date passed, not published):\n", len(od))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "round\ttask\tunit\tdue\trecorded")
	for i, x := range od {
		if i == 50 {
			fmt.Fprintf(tw, "… and %d more\t\t\t\t\n", len(od)-50)
			break
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%v\n", x.Round, x.Task, x.Unit, x.Due, x.Recorded)
	}
	tw.Flush()
}

func runStatus(o *opts, w io.Writer) error {
	ws, err := open(o)
	if err != nil {
		return err
	}
	rs, od, err := ws.Status(o.at)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "round\tstage\ttasks\trecorded\tpublished\tcorrections\tabandoned\tnext")
	for _, r := range rs {
		fmt.Fprintf(tw, "%d\t%s\t%d\t%d\t%d\t%d\t%d\t%s\n", r.Round, r.Stage, r.Tasks, r.Recorded, r.Published, r.Corrections, r.Abandoned, r.Next)
	}
	tw.Flush()
	printOverdue(w, od)
	return nil
}

func runEstimate(o *opts, w io.Writer) error {
	ws, err := open(o)
	if err != nil {
		return err
	}
	rep, err := ws.Estimate(o.indicator)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "share of units (%s), Hájek estimate per round with its 95 %% interval:\n", rep.Indicator)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "round\ttasks\tresults\tshare\t95% interval\tvariance")
	for _, r := range rep.Rounds {
		e := r.Estimate
		fmt.Fprintf(tw, "%d\t%d\t%d\t%.3f\t%s\t%s\n", r.Round, r.Tasks, r.Results, e.Value, interval(e), r.Variance)
	}
	p := rep.Pooled
	fmt.Fprintf(tw, "pooled\t\t%d\t%.3f\t%s\tall rounds' results together\n", p.N, p.Value, interval(p))
	tw.Flush()
	for _, m := range rep.Warnings {
		fmt.Fprintf(w, "warning: %s\n", m)
	}
	return nil
}

// interval writes an estimate's interval, "-" if it has none.
func interval(e sampling.Estimate) string {
	if math.IsNaN(e.Lower) || math.IsNaN(e.Upper) {
		return "-"
	}
	return fmt.Sprintf("[%.3f, %.3f]", max(0, e.Lower), min(1, e.Upper))
}

func runVerify(o *opts, w io.Writer) error {
	ws, err := open(o)
	if err != nil {
		return err
	}
	checks, err := ws.Verify()
	if err != nil {
		fmt.Fprintf(w, "NOT verified: %v\n", err)
		return fmt.Errorf("workspace %s does not verify", o.ws)
	}
	bad := 0
	for _, c := range checks {
		if len(c.Problems) == 0 {
			fmt.Fprintf(w, "round %d: verified (%d tasks, %d targeted)\n", c.Round, c.Tasks, c.Targeted)
			for _, n := range c.Notes {
				fmt.Fprintf(w, "  note: %s\n", n)
			}
			continue
		}
		bad++
		fmt.Fprintf(w, "round %d: NOT verified\n", c.Round)
		for _, p := range c.Problems {
			fmt.Fprintf(w, "  %s\n", p)
		}
	}
	if bad > 0 {
		return fmt.Errorf("workspace %s: %d round(s) do not verify", o.ws, bad)
	}
	fmt.Fprintf(w, "verified: %d round(s), log of %d entries\n", len(checks), ws.LogSize())
	return nil
}

func runAbandon(o *opts, w io.Writer) error {
	if err := needRound(o); err != nil {
		return err
	}
	if o.reason == "" {
		return fmt.Errorf("%w: -reason is required (it is logged)", errUsage)
	}
	ws, err := open(o)
	if err != nil {
		return err
	}
	rep, err := ws.Abandon(o.round, o.reason, o.at)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "round %d: the attempt of manifest %s (log entry %d) is abandoned; its files are in rounds/%02d/%s/%d/\n",
		rep.Round, rep.Manifest, rep.Seq, rep.Round, workspace.AbandonedDir, rep.Seq)
	if rep.Again {
		fmt.Fprintf(w, "next: year manifest -ws %s -round %d (a new attempt with its own deadlines; build it before %s)\n",
			o.ws, o.round, rep.By.Format(time.RFC3339))
	} else {
		fmt.Fprintf(w, "the round can no longer be re-drawn: a new attempt had to be built before %s to fit its commitments, reveals and late source before the round starts\n",
			rep.By.Format(time.RFC3339))
	}
	return nil
}

func runCorrect(o *opts, w io.Writer) error {
	if err := needRound(o); err != nil {
		return err
	}
	for _, f := range []struct{ name, v string }{{"task", o.task}, {"field", o.field}, {"value", o.value}, {"reason", o.reason}} {
		if f.v == "" {
			return fmt.Errorf("%w: -%s is required", errUsage, f.name)
		}
	}
	ws, err := open(o)
	if err != nil {
		return err
	}
	c, err := ws.Correct(o.round, o.task, o.field, o.value, o.reason, o.at)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "round %d: log entry %d corrects task %s as published by entry %d: %s = %s\n", c.Round, c.Seq, c.Task, c.Of, c.Field, c.Value)
	return nil
}

func printCorrections(w io.Writer, cs []workspace.Correction) {
	if len(cs) == 0 {
		return
	}
	fmt.Fprintf(w, "%d correction(s) in the log:\n", len(cs))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "round\tentry\tof\ttask\tfield\tvalue\treason")
	for _, c := range cs {
		fmt.Fprintf(tw, "%d\t%d\t%d\t%s\t%s\t%s\t%s\n", c.Round, c.Seq, c.Of, c.Task, c.Field, c.Value, c.Reason)
	}
	tw.Flush()
}
