package main

import (
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/firedraw/firedraw/examples/internal/cli"
	"github.com/firedraw/firedraw/risk"
	"github.com/firedraw/firedraw/risk/recordio"
	"github.com/firedraw/firedraw/risk/synthcity"
	"github.com/firedraw/firedraw/risk/train"
	"github.com/firedraw/firedraw/sampling"
	"github.com/firedraw/firedraw/schedule"
)

// exitCode reports err on stderr and returns the process exit status.
func exitCode(err error, stderr io.Writer) int { return cli.ExitCode("tune", err, stderr) }

type options struct {
	files    recordio.Files
	outcomes string
	fit      bool
	split    string
	rounds   int
	sims     int
	seed     uint64
	strength float64
	out      string
	asOf     string
}

const usageText = `usage: tune [flags]

Compares inspection policies: for each within-level weighting strength and
each frequency table, the expected detections per 1,000 inspections (units
with a fire or a major violation next year), the lift over a uniform random
draw, the mean width of the 95 % CI of the citywide major-violation rate
over seeded simulated rounds, and the smallest per-round π. Prints the table
(markdown) and writes PNG plots into -out: scores.png (score by level),
gains.png, calibration.png, pi.png (π versus score) and frontier.png.

Data: the embedded default synthetic city and its true outcomes, or record
files (-units …) with -outcomes FILE (columns unit_id, fire,
major_violation, any, as written by synthcity.WriteOutcomesCSV) and -asof
DATE (features as of DATE, when the outcomes' year starts), or record
files with -split DATE (outcomes read from the records after DATE).

flags:
`

func parseFlags(args []string, stderr io.Writer) (*options, error) {
	o := &options{}
	fs := cli.NewFlagSet("tune", usageText, stderr)
	cli.RecordFlags(fs, &o.files, false)
	fs.StringVar(&o.outcomes, "outcomes", "", "outcomes `FILE` (CSV) of the record files' units, the year after -split or the records")
	fs.BoolVar(&o.fit, "fit", false, "fit a model with train.Fit instead of the default expert model (scores are out-of-fold from 5-fold cross-validation, or, with -split, from a model fitted on the year before DATE)")
	fs.StringVar(&o.split, "split", "", "temporal split at `DATE` (YYYY-MM-DD): features as of DATE, outcomes from the records of the year after it")
	fs.IntVar(&o.rounds, "rounds", 12, "rounds a year (12: monthly)")
	fs.IntVar(&o.sims, "sims", 500, "simulated rounds per policy for the CI width")
	fs.Uint64Var(&o.seed, "seed", 1, "seed of the simulated rounds and of cross-validation")
	fs.Float64Var(&o.strength, "strength", 0.5, "weighting strength of the π-versus-score plot")
	fs.StringVar(&o.out, "out", "out/tune", "output `DIR` for the plots")
	fs.StringVar(&o.asOf, "asof", "", "with -outcomes: features use the records before this `DATE` (YYYY-MM-DD), the start of the outcomes' year (required there)")
	if err := cli.Parse(fs, args); err != nil {
		return nil, err
	}
	if err := cli.CheckFiles(o.files); err != nil {
		return nil, err
	}
	switch {
	case o.rounds < 1:
		return nil, fmt.Errorf("-rounds %d: want at least 1", o.rounds)
	case o.sims < 1:
		return nil, fmt.Errorf("-sims %d: want at least 1", o.sims)
	case !(o.strength >= 0 && o.strength <= 1):
		return nil, fmt.Errorf("-strength %v: want a number in [0, 1]", o.strength)
	case o.files.Units != "" && o.outcomes == "" && o.split == "":
		return nil, errors.New("record files need -outcomes FILE or -split DATE to know what happened")
	case o.outcomes != "" && o.files.Units == "":
		return nil, errors.New("-outcomes needs the record files it belongs to (-units …)")
	case o.outcomes != "" && o.split != "":
		return nil, errors.New("-outcomes and -split are two sources of outcomes: give one")
	}
	return o, nil
}

// dataset is what tune evaluates: one row per unit.
type dataset struct {
	units []risk.Unit
	table *risk.Table
	// any is a fire or major violation in the outcome period, the
	// detection a targeted inspection hopes for; violation is a major
	// violation, whose citywide rate the random draw estimates.
	any, violation []bool
	// hazard is the generator's true probability, when known (else nil).
	hazard []float64
	desc   string
	// recs and cut are kept for fitting on an earlier split.
	recs *risk.Records
	cut  time.Time
}

func run(args []string, stdout, stderr io.Writer) error {
	o, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	d, err := load(o)
	if err != nil {
		return err
	}
	scores, modelName, fitted, err := score(o, d)
	if err != nil {
		return err
	}
	ev, err := train.Evaluate(scores, d.any, train.EvalConfig{})
	if err != nil {
		return fmt.Errorf("evaluating %s: %w", modelName, err)
	}
	levels, err := assignLevels(d, scores)
	if err != nil {
		return err
	}
	if d.cut.IsZero() {
		fmt.Fprintf(stdout, "%s: %d units, %d with a fire or major violation (%.1f %%), %d with a major violation\n",
			d.desc, len(d.units), ev.Positives, 100*ev.BaseRate, count(d.violation))
	} else {
		// train.TemporalSplit gives one label: a fire or a major violation
		// found; it stands for both outcomes.
		fmt.Fprintf(stdout, "%s: %d units, %d with a fire or major violation found (%.1f %%; also the \"violation\" of the CI column)\n",
			d.desc, len(d.units), ev.Positives, 100*ev.BaseRate)
	}
	fmt.Fprintf(stdout, "model %s: AUC %.3f, Brier %.4f", modelName, ev.AUC, ev.Brier)
	for _, t := range ev.Top {
		if t.Share == 0.1 {
			fmt.Fprintf(stdout, ", top 10 %% of units hold %.0f %% of outcomes", 100*t.Captured)
		}
	}
	fmt.Fprintln(stdout)

	rows, err := compare(o, d, levels, scores)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "\n%d rounds a year; CI width: mean over %d simulated rounds (systematic πps, Hájek estimator, Deville variance)\n\n", o.rounds, o.sims)
	printTable(stdout, rows)

	if err := os.MkdirAll(o.out, 0o755); err != nil {
		return err
	}
	files, err := writePlots(o, d, levels, scores, modelName, rows)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "\nplots: %s\n", strings.Join(files, ", "))
	if fitted != nil {
		path := filepath.Join(o.out, "model.json")
		b, err := json.MarshalIndent(fitted, "", "  ")
		if err != nil {
			return err
		}
		if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "model: %s (draw with it: go run ./examples/draw -model %s)\n", path, path)
	}
	return nil
}

// load reads the records and outcomes the flags name, or the default city.
func load(o *options) (*dataset, error) {
	var (
		recs *risk.Records
		asOf time.Time
		out  []synthcity.Outcome
		desc string
	)
	if o.files.Units == "" {
		c := synthcity.Default()
		recs, asOf, out = &c.Records, c.AsOf, c.Outcomes
		desc = "default synthetic city"
	} else {
		var err error
		if recs, err = cli.LoadRecords(o.files, nil); err != nil {
			return nil, err
		}
		desc = o.files.Units
		if o.outcomes != "" {
			if out, err = loadOutcomes(o.outcomes); err != nil {
				return nil, err
			}
			if o.split == "" {
				if o.asOf == "" {
					return nil, fmt.Errorf("-outcomes needs -asof DATE: the date the features are computed at, when the outcomes' year starts")
				}
				if asOf, err = time.Parse(time.DateOnly, o.asOf); err != nil {
					return nil, fmt.Errorf("-asof: %q is not a date YYYY-MM-DD", o.asOf)
				}
			}
		}
	}
	d := &dataset{units: recs.Units, desc: desc, recs: recs}
	if o.split != "" {
		cut, err := time.Parse(time.DateOnly, o.split)
		if err != nil {
			return nil, fmt.Errorf("-split: %q is not a date YYYY-MM-DD", o.split)
		}
		d.cut = cut
		s, err := train.TemporalSplit(recs, cut, train.SplitConfig{})
		if err != nil {
			return nil, err
		}
		d.table, d.any, d.violation = s.Table, s.Y, s.Y
		d.desc += fmt.Sprintf(", features as of %s, outcomes %s..%s from the records",
			o.split, o.split, s.End.AddDate(0, 0, -1).Format(time.DateOnly))
		return d, nil
	}
	t, err := risk.Extract(recs, asOf, risk.FeatureConfig{})
	if err != nil {
		return nil, err
	}
	d.table = t
	if err := d.setOutcomes(out, o.outcomes); err != nil {
		return nil, err
	}
	return d, nil
}

// setOutcomes aligns the outcomes with the units; every unit needs one.
func (d *dataset) setOutcomes(out []synthcity.Outcome, source string) error {
	byID := make(map[string]int, len(out))
	for i := range out {
		byID[out[i].UnitID] = i
	}
	if source == "" {
		source = "outcomes"
	}
	n := len(d.units)
	d.any, d.violation, d.hazard = make([]bool, n), make([]bool, n), make([]float64, n)
	for k := range d.units {
		i, ok := byID[d.units[k].ID]
		if !ok {
			return fmt.Errorf("%s: no outcome for unit %q", source, d.units[k].ID)
		}
		d.any[k], d.violation[k], d.hazard[k] = out[i].Any, out[i].MajorViolation, out[i].Hazard
	}
	return nil
}

func loadOutcomes(name string) ([]synthcity.Outcome, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var r io.Reader = f
	if strings.HasSuffix(strings.ToLower(name), ".gz") {
		zr, err := gzip.NewReader(f)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		defer zr.Close()
		r = zr
	}
	return synthcity.LoadOutcomes(r, name)
}

// score returns every unit's score, the model's name and, with -fit, the
// fitted model to save.
func score(o *options, d *dataset) ([]float64, string, *risk.Model, error) {
	if !o.fit {
		m := risk.DefaultModel()
		s, err := m.Score(d.table)
		if err != nil {
			return nil, "", nil, err
		}
		return s.Prob, "default expert weights", nil, nil
	}
	cfg := train.FitConfig{Lambda: 1e-3}
	if o.split == "" {
		// Honest scores come from cross-validation; the model saved for
		// drawing is fitted on every unit.
		cv, err := train.CrossValidate(d.table, d.any, 5, o.seed, cfg)
		if err != nil {
			return nil, "", nil, fmt.Errorf("-fit: %w", err)
		}
		m, _, err := train.Fit(d.table, d.any, cfg)
		if err != nil {
			return nil, "", nil, fmt.Errorf("-fit: %w", err)
		}
		return cv.Scores, "fitted (5-fold out-of-fold scores)", m, nil
	}
	// Fit on the year before the cut (features as of cut−1y, outcomes in
	// the year up to the cut), then score the evaluation table.
	cut := d.cut.AddDate(-1, 0, 0)
	past, err := train.TemporalSplit(d.recs, cut, train.SplitConfig{})
	if err != nil {
		return nil, "", nil, fmt.Errorf("-fit: training split at %s: %w", cut.Format(time.DateOnly), err)
	}
	m, _, err := train.Fit(past.Table, past.Y, cfg)
	if err != nil {
		return nil, "", nil, fmt.Errorf("-fit: training split at %s: %w", cut.Format(time.DateOnly), err)
	}
	s, err := m.Score(d.table)
	if err != nil {
		return nil, "", nil, fmt.Errorf("-fit: %w", err)
	}
	return s.Prob, fmt.Sprintf("fitted on %s..%s", cut.Format(time.DateOnly), d.cut.AddDate(0, 0, -1).Format(time.DateOnly)), m, nil
}

// frequencyTable is one table of annual frequencies by level.
type frequencyTable struct {
	name string
	freq [risk.NumLevels]float64
}

var frequencyTables = []frequencyTable{
	{"default", [risk.NumLevels]float64{schedule.DefaultLowFrequency, schedule.DefaultGeneralFrequency,
		schedule.DefaultHigherFrequency, schedule.DefaultHighFrequency}},
	// steep spends fewer visits on Low and General units and more on
	// Higher and High ones.
	{"steep", [risk.NumLevels]float64{0.02, 0.1, 1, 2}},
}

var strengths = []float64{0, 0.25, 0.5, 0.75, 1}

// row is one policy's line of the table.
type row struct {
	table    string
	strength float64
	// perRound is the expected number of inspections in a round, Σπ.
	perRound float64
	// detections is Σπ·y/Σπ per 1,000 inspections, lift its ratio to the
	// base rate.
	detections, lift float64
	// ciWidth is the mean width of the 95 % CI of the citywide violation
	// rate over the simulated rounds; ciCover is the share of those CIs
	// that cover the true rate.
	ciWidth, ciCover float64
	minPi            float64
	pi               []float64
}

func compare(o *options, d *dataset, levels []risk.Level, scores []float64) ([]row, error) {
	ids := make([]string, len(d.units))
	for k := range d.units {
		ids[k] = d.units[k].ID
	}
	base := float64(count(d.any)) / float64(len(d.any))
	trueRate := float64(count(d.violation)) / float64(len(d.violation))
	var rows []row
	for _, ft := range frequencyTables {
		for _, s := range strengths {
			p := schedule.Policy{Frequencies: ft.freq, Strength: s}
			pi, err := p.Probabilities(d.units, levels, scores, o.rounds)
			if err != nil {
				return nil, err
			}
			r := row{table: ft.name, strength: s, pi: pi, minPi: math.Inf(1)}
			var sumY float64
			for k, v := range pi {
				r.perRound += v
				if d.any[k] {
					sumY += v
				}
				r.minPi = min(r.minPi, v)
			}
			r.detections = 1000 * sumY / r.perRound
			r.lift = sumY / r.perRound / base
			r.ciWidth, r.ciCover, err = simulate(o, ids, pi, d.violation, trueRate)
			if err != nil {
				return nil, err
			}
			rows = append(rows, r)
		}
	}
	return rows, nil
}

// simulate draws o.sims rounds with seeds from a fixed ChaCha8 stream and
// returns the mean width of the Hájek estimator's 95 % CI of the rate of y
// and the share of CIs that cover trueRate.
func simulate(o *options, ids []string, pi []float64, y []bool, trueRate float64) (width, cover float64, err error) {
	var key [32]byte
	for i := range 8 {
		key[i] = byte(o.seed >> (8 * i))
	}
	src := rand.NewChaCha8(key)
	var ys, ps []float64
	for range o.sims {
		seed, err := sampling.NewSeed(src)
		if err != nil {
			return 0, 0, err
		}
		s, err := sampling.Select(sampling.Systematic, ids, pi, seed, "tune")
		if err != nil {
			return 0, 0, err
		}
		ys, ps = ys[:0], ps[:0]
		for k, sel := range s.Selected {
			if sel {
				ys = append(ys, b2f(y[k]))
				ps = append(ps, s.Pi[k])
			}
		}
		e, err := sampling.HajekMean(ys, ps, sampling.DevilleVariance)
		if err != nil {
			return 0, 0, err
		}
		width += e.Upper - e.Lower
		if e.Lower <= trueRate && trueRate <= e.Upper {
			cover++
		}
	}
	return width / float64(o.sims), cover / float64(o.sims), nil
}

func printTable(w io.Writer, rows []row) {
	fmt.Fprintln(w, "| frequencies | strength | inspections/round | detections per 1,000 | lift | 95 % CI width (pp) | CI coverage | min π |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|---:|---:|")
	for _, r := range rows {
		fmt.Fprintf(w, "| %s | %.2f | %.1f | %.0f | %.2f | %.1f | %.0f %% | %.4f |\n",
			r.table, r.strength, r.perRound, r.detections, r.lift, 100*r.ciWidth, 100*r.ciCover, r.minPi)
	}
}

func count(b []bool) int {
	n := 0
	for _, v := range b {
		if v {
			n++
		}
	}
	return n
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// assignLevels gives every unit its level by the default shares and
// overrides.
func assignLevels(d *dataset, scores []float64) ([]risk.Level, error) {
	as, err := risk.AssignLevels(d.units, d.table, scores, risk.LevelConfig{})
	if err != nil {
		return nil, err
	}
	levels := make([]risk.Level, len(as))
	for k := range as {
		levels[k] = as[k].Level
	}
	return levels, nil
}
