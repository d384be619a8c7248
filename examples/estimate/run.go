package main

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/firedraw/firedraw/examples/internal/cli"
	"github.com/firedraw/firedraw/examples/internal/drawflow"
	"github.com/firedraw/firedraw/risk"
	"github.com/firedraw/firedraw/risk/recordio"
	"github.com/firedraw/firedraw/risk/synthcity"
	"github.com/firedraw/firedraw/sampling"
	"github.com/firedraw/firedraw/schedule"
)

// exitCode reports err on stderr and returns the process exit status.
func exitCode(err error, stderr io.Writer) int { return cli.ExitCode("estimate", err, stderr) }

type options struct {
	levels   string
	results  string
	severity string
	seed     string
	out      string
}

const usageText = `usage: estimate -levels levels.csv -results results.csv [-out FILE]
       estimate [-seed HEX] [-out FILE]      (demonstration on the default city)

Estimates the share of units with a violation (at least -severity) over
the whole directory, by risk level and by district, from the results of one
drawn round: Hájek rates with 95 % confidence intervals (package sampling,
EstimateByDomain: the round taken as one systematic πps sample, levels and
districts as domains). Units with π = 0 in the round could not be drawn and
are outside what the round can estimate; the output counts them.

-levels is the draw's levels.csv (columns unit, district, level, pi,
selected); -results the inspections of the drawn units (CSV or JSON Lines
in the inspections format of package risk, .gz ok). Every drawn unit needs
a result. Inspections for other reasons than the random draw are ignored.

flags:
`

func parseFlags(args []string, stderr io.Writer) (*options, error) {
	o := &options{}
	fs := cli.NewFlagSet("estimate", usageText, stderr)
	fs.StringVar(&o.levels, "levels", "", "the draw's levels.csv `FILE`")
	fs.StringVar(&o.results, "results", "", "inspection results `FILE` of the round's drawn units")
	fs.StringVar(&o.severity, "severity", "major", "count a unit as violating when a violation of at least this `SEVERITY` (minor, general, major) was found")
	fs.StringVar(&o.seed, "seed", strings.Repeat("5e", 32), "demonstration only: the draw's seed, 64 `HEX` digits")
	fs.StringVar(&o.out, "out", "", "also write the estimates as CSV to `FILE`")
	if err := cli.Parse(fs, args); err != nil {
		return nil, err
	}
	if (o.levels == "") != (o.results == "") {
		return nil, errors.New("-levels and -results go together (neither: a demonstration on the default city)")
	}
	return o, nil
}

// round is a drawn round as estimation needs it: every unit of the frame
// with its domains, π and whether it was drawn, and the observed outcome
// of the drawn ones.
type round struct {
	ids, level, district []string
	pi                   []float64
	selected             []bool
	y                    []float64 // observed at drawn units, 0 elsewhere
	// truth is every unit's true outcome (demonstration only, else nil).
	truth []bool
}

func run(args []string, stdout, stderr io.Writer) error {
	o, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	sev, err := risk.ParseSeverity(o.severity)
	if err != nil {
		return fmt.Errorf("-severity: %w", err)
	}
	var r *round
	if o.levels == "" {
		if sev != risk.Major {
			return errors.New("-severity: the demonstration knows only major violations")
		}
		seed, err := sampling.ParseSeed(o.seed)
		if err != nil {
			return fmt.Errorf("-seed: %w", err)
		}
		if r, err = demoRound(seed, stdout); err != nil {
			return err
		}
	} else {
		if r, err = readLevels(o.levels); err != nil {
			return err
		}
		if err := r.readResults(o.results, sev); err != nil {
			return err
		}
	}
	rows, err := r.estimate()
	if err != nil {
		return err
	}
	printRows(stdout, rows, r.truth != nil, o.severity)
	if o.out != "" {
		if err := writeRows(o.out, rows, r.truth != nil); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "\nwrote %s\n", o.out)
	}
	return nil
}

// readLevels reads the draw's levels.csv.
func readLevels(name string) (*round, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	cr := csv.NewReader(f)
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("%s:1: %w", name, err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.TrimSpace(h)] = i
	}
	for _, c := range []string{"unit", "district", "level", "pi", "selected"} {
		if _, ok := col[c]; !ok {
			return nil, &risk.RecordError{Source: name, Line: 1, Column: c, Err: risk.ErrMissingColumn}
		}
	}
	r := &round{}
	seen := map[string]int{}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		line, _ := cr.FieldPos(0)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", name, line, err)
		}
		id := rec[col["unit"]]
		bad := func(c string, e error) error {
			return &risk.RecordError{Source: name, Line: line, Column: c, RecordID: id, Value: rec[col[c]], Err: e}
		}
		if id == "" {
			return nil, bad("unit", risk.ErrMissingValue)
		}
		if first, dup := seen[id]; dup {
			return nil, fmt.Errorf("%w (first on line %d)", bad("unit", risk.ErrDuplicateID), first)
		}
		seen[id] = line
		lv, err := risk.ParseLevel(rec[col["level"]])
		if err != nil {
			return nil, bad("level", risk.ErrBadEnum)
		}
		pi, err := strconv.ParseFloat(rec[col["pi"]], 64)
		if err != nil || !(pi >= 0 && pi <= 1) {
			return nil, bad("pi", risk.ErrBadNumber)
		}
		sel, err := strconv.ParseBool(rec[col["selected"]])
		if err != nil || (sel && pi == 0) {
			return nil, bad("selected", risk.ErrMalformed)
		}
		r.ids = append(r.ids, id)
		r.level = append(r.level, lv.String())
		r.district = append(r.district, rec[col["district"]])
		r.pi = append(r.pi, pi)
		r.selected = append(r.selected, sel)
	}
	r.y = make([]float64, len(r.ids))
	return r, nil
}

// readResults sets y from the random-draw inspections in the results file:
// 1 for a drawn unit where a violation of at least sev was found.
func (r *round) readResults(name string, sev risk.Severity) error {
	recs, err := cli.LoadRecords(recordio.Files{Inspections: name}, nil)
	if err != nil {
		return err
	}
	index := make(map[string]int, len(r.ids))
	for k, id := range r.ids {
		index[id] = k
	}
	has := make([]bool, len(r.ids))
	for _, in := range recs.Inspections {
		if in.Reason != risk.RandomDraw {
			continue
		}
		k, ok := index[in.UnitID]
		if !ok || !r.selected[k] {
			return fmt.Errorf("%s: inspection %q of unit %q: the unit was not drawn in this round (levels.csv)", name, in.ID, in.UnitID)
		}
		has[k] = true
		for _, v := range in.Violations {
			if v.Severity >= sev {
				r.y[k] = 1
			}
		}
	}
	var missing []string
	for k, sel := range r.selected {
		if sel && !has[k] {
			missing = append(missing, r.ids[k])
		}
	}
	if len(missing) > 0 {
		more := ""
		if len(missing) > 5 {
			missing, more = missing[:5], ", …"
		}
		return fmt.Errorf("%s: no result for %d drawn unit(s) (%s%s): record every drawn unit's result — a missing one is not a pass", name, len(missing), strings.Join(missing, ", "), more)
	}
	return nil
}

// demoRound draws the February round of the default city as
// examples/draw -seed does (single-operator protocol, the seed's hex as
// the operator's secret), prints what it drew, and "inspects" the drawn
// units by their true next-year major violation.
func demoRound(seed sampling.Seed, stdout io.Writer) (*round, error) {
	c := synthcity.Default()
	rounds, err := schedule.Period(c.AsOf, 12, schedule.Month)
	if err != nil {
		return nil, err
	}
	res, err := drawflow.Run(drawflow.Inputs{Records: &c.Records, AsOf: c.AsOf, Config: &schedule.Config{Rounds: rounds},
		Round: 1, PeriodID: "2026", Parties: []string{"operator"}, SingleOperator: true, Secrets: []string{seed.String()}})
	if err != nil {
		return nil, err
	}
	frame, disc := res.Assessment.Frame, res.Disclosure
	truth := make(map[string]bool, len(c.Outcomes))
	for _, o := range c.Outcomes {
		truth[o.UnitID] = o.MajorViolation
	}
	r := &round{}
	for _, l := range disc.Leaves() {
		fu, _ := frame.Unit(l.ID)
		r.ids = append(r.ids, l.ID)
		r.level = append(r.level, l.Level.String())
		r.district = append(r.district, fu.District)
		r.pi = append(r.pi, l.Pi)
		r.selected = append(r.selected, l.Selected)
		y := 0.0
		if l.Selected && truth[l.ID] {
			y = 1
		}
		r.y = append(r.y, y)
		r.truth = append(r.truth, truth[l.ID])
	}
	fmt.Fprintf(stdout, "demonstration on the default synthetic city (%d units): round %d (%s..%s) drew %d units with operator secret %s;\n",
		len(r.ids), disc.Round.Number, disc.Round.First, disc.Round.Last, len(disc.Tasks), seed)
	fmt.Fprintf(stdout, "each drawn unit \"inspected\" by its true next-year major violation (synthcity Outcomes)\n\n")
	return r, nil
}

// row is one domain's estimate.
type row struct {
	by, domain string
	// units are the domain's units, covered those with π > 0 in the round.
	units, covered, sampled int
	est                     sampling.Estimate
	// trueRate is the true rate over the covered units (demonstration).
	trueRate float64
}

// estimate computes the Hájek rate of y overall, by level and by
// district, over the units with π > 0 (the others could not be drawn).
func (r *round) estimate() ([]row, error) {
	// The frame of the estimate: units the round could draw.
	var s sampling.Sample
	var y []float64
	var level, district []string
	var truth []bool
	units := map[[2]string]int{}
	for k := range r.ids {
		units[[2]string{"level", r.level[k]}]++
		units[[2]string{"district", r.district[k]}]++
		units[[2]string{"all", "all units"}]++
		if r.pi[k] == 0 {
			continue
		}
		s.IDs = append(s.IDs, r.ids[k])
		s.Pi = append(s.Pi, r.pi[k])
		s.Selected = append(s.Selected, r.selected[k])
		if r.selected[k] {
			s.Size++
		}
		y = append(y, r.y[k])
		level = append(level, r.level[k])
		district = append(district, r.district[k])
		if r.truth != nil {
			truth = append(truth, r.truth[k])
		}
	}
	if s.Size < 2 {
		return nil, fmt.Errorf("the round drew %d unit(s): at least 2 are needed for a variance", s.Size)
	}
	s.Target, s.Design = s.Pi, sampling.Systematic
	var rows []row
	for _, by := range []struct {
		name   string
		domain []string
	}{{"all", nil}, {"level", level}, {"district", district}} {
		ests, err := sampling.EstimateByDomain(&s, y, by.domain)
		if err != nil {
			return nil, err
		}
		for _, e := range ests {
			name := e.Domain
			if by.domain == nil {
				name = "all units"
			}
			rw := row{by: by.name, domain: name, units: units[[2]string{by.name, name}], covered: e.Units,
				sampled: e.Mean.N, est: e.Mean, trueRate: math.NaN()}
			if truth != nil {
				pos, n := 0, 0
				for k := range truth {
					if by.domain == nil || by.domain[k] == e.Domain {
						n++
						if truth[k] {
							pos++
						}
					}
				}
				rw.trueRate = float64(pos) / float64(n)
			}
			rows = append(rows, rw)
		}
	}
	return rows, nil
}

func pct(v float64) string {
	if math.IsNaN(v) {
		return "-"
	}
	return strconv.FormatFloat(100*v, 'f', 1, 64) + " %"
}

func printRows(w io.Writer, rows []row, truth bool, severity string) {
	fmt.Fprintf(w, "share of units with a %s violation (Hájek estimate, 95 %% CI, Deville variance):\n", severity)
	few := false
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprint(tw, "by\tunits\tπ>0\tsampled\testimate\t95 % CI\t")
	if truth {
		fmt.Fprint(tw, "true (π>0)\t")
	}
	fmt.Fprintln(tw, "  domain")
	for _, r := range rows {
		ci := "-"
		if !math.IsNaN(r.est.Lower) {
			ci = fmt.Sprintf("%s..%s", pct(max(r.est.Lower, 0)), pct(min(r.est.Upper, 1)))
		}
		if r.sampled < fewSampled {
			ci += " *"
			few = true
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%s\t%s\t", r.by, r.units, r.covered, r.sampled, pct(r.est.Value), ci)
		if truth {
			fmt.Fprintf(tw, "%s\t", pct(r.trueRate))
		}
		fmt.Fprintf(tw, "  %s\n", r.domain)
	}
	tw.Flush()
	fmt.Fprintln(w, "units: in the domain; π>0: could be drawn this round (what the estimate covers); sampled: drawn and inspected")
	if few {
		fmt.Fprintf(w, "* fewer than %d units sampled: the normal-approximation interval is unreliable\n", fewSampled)
	}
}

// fewSampled is the sample size below which a domain's interval is
// flagged: the normal approximation behind it needs more units.
const fewSampled = 10

func writeRows(name string, rows []row, truth bool) (err error) {
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}()
	cw := csv.NewWriter(f)
	header := []string{"by", "domain", "units", "covered", "sampled", "rate", "se", "lower", "upper"}
	if truth {
		header = append(header, "true_rate")
	}
	if err := cw.Write(header); err != nil {
		return err
	}
	num := func(v float64) string {
		if math.IsNaN(v) {
			return ""
		}
		return strconv.FormatFloat(v, 'g', 6, 64)
	}
	for _, r := range rows {
		rec := []string{r.by, r.domain, strconv.Itoa(r.units), strconv.Itoa(r.covered), strconv.Itoa(r.sampled),
			num(r.est.Value), num(r.est.SE), num(r.est.Lower), num(r.est.Upper)}
		if truth {
			rec = append(rec, num(r.trueRate))
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
