package main

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/firedraw/firedraw/examples/internal/drawflow"
	"github.com/firedraw/firedraw/risk"
	"github.com/firedraw/firedraw/risk/alert"
	"github.com/firedraw/firedraw/schedule"
	"github.com/firedraw/firedraw/schedule/content"
)

// reasonsPerUnit is the number of top reasons written to levels.csv.
const reasonsPerUnit = 3

// write writes the published files manifest.json, log.jsonl,
// disclosure.json and targeted.json, the internal tasks.csv, levels.csv,
// level_changes.csv, alerts.csv and targeted_tasks.csv and, in sealed
// mode when proofs is set,
// proofs.jsonl (one line per unit: its leaf and Merkle proof, to hand to
// the unit) into dir and returns their paths.
func (d *result) write(dir string, res *drawflow.Result, proofs bool) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	var files []string
	put := func(name string, fn func(io.Writer) error) error {
		path := filepath.Join(dir, name)
		if err := writeFile(path, fn); err != nil {
			return fmt.Errorf("writing %s: %w", path, err)
		}
		files = append(files, path)
		return nil
	}
	for _, f := range []struct {
		name  string
		write func(io.Writer) error
	}{
		{"manifest.json", func(w io.Writer) error { _, err := w.Write(res.ManifestBytes); return err }},
		{"log.jsonl", func(w io.Writer) error { _, err := res.Log.WriteTo(w); return err }},
		{"disclosure.json", func(w io.Writer) error { _, err := w.Write(res.DisclosureBytes); return err }},
		{"targeted.json", func(w io.Writer) error { _, err := w.Write(res.TargetedBytes); return err }},
	} {
		if err := put(f.name, f.write); err != nil {
			return nil, err
		}
	}
	if err := put("tasks.csv", d.writeTasks); err != nil {
		return nil, err
	}
	if err := put("levels.csv", d.writeLevels); err != nil {
		return nil, err
	}
	for _, f := range []struct {
		name string
		fn   func(io.Writer) error
	}{{"level_changes.csv", d.writeChanges}, {"alerts.csv", d.writeAlerts}, {"targeted_tasks.csv", d.writeTargeted}} {
		if err := put(f.name, f.fn); err != nil {
			return nil, err
		}
	}
	if d.disc.Sealed && proofs {
		if err := put("proofs.jsonl", d.writeProofs); err != nil {
			return nil, err
		}
	}
	return files, nil
}

// writeFile writes a file through fn, reporting the first error of
// writing, flushing or closing.
func writeFile(path string, fn func(io.Writer) error) (err error) {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}()
	bw := bufio.NewWriter(f)
	if err := fn(bw); err != nil {
		return err
	}
	return bw.Flush()
}

// teamText formats a task's teams: inspectors ';'-separated, lead first;
// several departments' teams as "dept: a;b | dept2: c;d".
func teamText(teams []schedule.Team) string {
	parts := make([]string, len(teams))
	for i, t := range teams {
		parts[i] = strings.Join(t.Inspectors, ";")
		if t.Department != "" {
			parts[i] = t.Department + ": " + parts[i]
		}
	}
	return strings.Join(parts, " | ")
}

func (d *result) writeTasks(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"task_id", "unit", "date", "results_due", "pi", "team", "method", "counts", "focus", "why"}); err != nil {
		return err
	}
	pi := map[string]float64{} // the leaves' π: a sealed disclosure publishes none
	for _, l := range d.disc.Leaves() {
		if l.Selected {
			pi[l.ID] = l.Pi
		}
	}
	for _, t := range d.disc.Tasks {
		c := d.content[t.Unit]
		if err := cw.Write([]string{t.ID, t.Unit, t.Date.String(), t.ResultsDue.String(),
			strconv.FormatFloat(pi[t.Unit], 'g', -1, 64), teamText(t.Teams), c.Method.String(), strconv.FormatBool(c.Counts),
			strings.Join(c.FocusCodes(), ";"), focusWhy(&c)}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// writeLevels writes levels.csv: every unit's score, level and the rule
// that set it, its π, PRN and whether it was drawn this round, and its top
// reasons. It is internal (levels are not public in many places) and is
// what examples/estimate reads.
func (d *result) writeLevels(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"unit", "district", "category", "score", "level", "pi", "prn", "selected", "rule", "reasons"}); err != nil {
		return err
	}
	leaves := map[string]schedule.Leaf{}
	for _, l := range d.disc.Leaves() {
		leaves[l.ID] = l
	}
	for k := range d.units {
		u := &d.units[k]
		leaf := leaves[u.ID]
		var reasons []string
		for _, r := range d.scores.TopReasons(k, reasonsPerUnit) {
			reasons = append(reasons, r.Text)
		}
		if err := cw.Write([]string{u.ID, u.District, u.Category.String(),
			strconv.FormatFloat(d.scores.Prob[k], 'f', 4, 64), d.levels[k].Level.String(),
			strconv.FormatFloat(leaf.Pi, 'g', -1, 64), strconv.FormatFloat(leaf.PRN, 'g', -1, 64),
			strconv.FormatBool(leaf.Selected), d.levels[k].Rule, strings.Join(reasons, "; ")}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// writeProofs writes every unit's proof (schedule.UnitProof, one
// canonical line each, no root: a unit checks it against the published
// disclosure), from one Merkle tree built once.
func (d *result) writeProofs(w io.Writer) error {
	return d.disc.Proofs(func(leaf schedule.Leaf, proof schedule.Proof) error {
		b, err := (&schedule.UnitProof{Unit: leaf.ID, Leaf: leaf, Proof: proof}).Marshal()
		if err != nil {
			return err
		}
		_, err = w.Write(b)
		return err
	})
}

// summarize prints the draw: units and drawn per level and district, the
// π range per level, the inspectors' loads.
func (d *result) summarize(w io.Writer) {
	disc := d.disc
	fmt.Fprintf(w, "\nround %d of %s (%s..%s), %s disclosure: %d tasks\n", disc.Round.Number, disc.Period, disc.Round.First, disc.Round.Last,
		map[bool]string{false: "open", true: "sealed"}[disc.Sealed], len(disc.Tasks))
	lv, districts := tallyStrata(disc)
	printLevels(w, &lv)
	fmt.Fprintln(w)
	printDistricts(w, districts)
	d.printLoads(w)
	if len(disc.Excluded) > 0 {
		fmt.Fprintf(w, "excluded: %d drawn units already visited for another reason this round\n", len(disc.Excluded))
	}
	merged := 0
	for _, t := range d.targetedTasks.Tasks {
		if t.RandomTask != "" {
			merged++
		}
	}
	fmt.Fprintf(w, "targeted: %d inspections outside the random draw (%d of the units drawn at random too, visited once), %d alerts in all\n",
		len(d.targetedTasks.Tasks), merged, len(d.alerts.Alerts))
}

// levelTally is one level's units, expected and drawn counts (from the
// strata) and π range (from the leaves).
type levelTally struct {
	units, drawn int
	waiting      int // π = 0 after a recent inspection: outside the round's estimates
	expected     float64
	minPi, maxPi float64
}

// districtTally holds, per level, a district's [units, drawn].
type districtTally [risk.NumLevels][2]int

// tallyStrata sums the draw's leaves (the planner's copy: a sealed
// disclosure publishes none) by level and by district.
func tallyStrata(disc *schedule.Disclosure) ([risk.NumLevels]levelTally, map[string]districtTally) {
	var lv [risk.NumLevels]levelTally
	for l := range lv {
		lv[l].minPi, lv[l].maxPi = math.Inf(1), math.Inf(-1)
	}
	districts := map[string]districtTally{}
	for _, leaf := range disc.Leaves() {
		a := &lv[leaf.Level]
		a.units++
		a.expected += leaf.Pi
		a.minPi, a.maxPi = min(a.minPi, leaf.Pi), max(a.maxPi, leaf.Pi)
		if leaf.Pi == 0 {
			a.waiting++ // a policy with the floor exempts no unit: π = 0 means waiting
		}
		c := districts[leaf.District]
		c[leaf.Level][0]++
		if leaf.Selected {
			a.drawn++
			c[leaf.Level][1]++
		}
		districts[leaf.District] = c
	}
	return lv, districts
}

// printLevels prints the table of levels with a total row.
func printLevels(w io.Writer, lv *[risk.NumLevels]levelTally) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "level\tunits\twaiting (π=0)\texpected\tdrawn\tmin π\tmax π\t")
	var tu, td, tw0 int
	var te float64
	for l := range risk.NumLevels {
		a := lv[l]
		tu, td, te, tw0 = tu+a.units, td+a.drawn, te+a.expected, tw0+a.waiting
		lo, hi := "-", "-"
		if a.units > 0 {
			lo, hi = strconv.FormatFloat(a.minPi, 'f', 4, 64), strconv.FormatFloat(a.maxPi, 'f', 4, 64)
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%.1f\t%d\t%s\t%s\t\n", risk.Level(l), a.units, a.waiting, a.expected, a.drawn, lo, hi)
	}
	fmt.Fprintf(tw, "total\t%d\t%d\t%.1f\t%d\t\t\t\n", tu, tw0, te, td)
	tw.Flush()
	fmt.Fprintln(w, "units waiting after a recent inspection have π = 0: this round's estimates describe the others only")
}

// printDistricts prints drawn/units per level for every district, sorted
// by name. The district comes last: tabwriter cannot align wide (CJK)
// runes.
func printDistricts(w io.Writer, districts map[string]districtTally) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	for l := range risk.NumLevels {
		fmt.Fprintf(tw, "%s\t", risk.Level(l))
	}
	fmt.Fprintln(tw, "drawn/units\t  district")
	names := make([]string, 0, len(districts))
	for n := range districts {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		c := districts[n]
		var u, dr int
		for l := range risk.NumLevels {
			fmt.Fprintf(tw, "%d/%d\t", c[l][1], c[l][0])
			u, dr = u+c[l][0], dr+c[l][1]
		}
		fmt.Fprintf(tw, "%d/%d\t  %s\n", dr, u, n)
	}
	tw.Flush()
}

// printLoads prints the inspectors' loads: visits per inspector over the
// whole pool, and the number of working days with visits.
func (d *result) printLoads(w io.Writer) {
	load := map[string]int{}
	days := map[schedule.Day]int{}
	for _, t := range d.disc.Tasks {
		days[t.Date]++
		for _, team := range t.Teams {
			for _, id := range team.Inspectors {
				load[id]++
			}
		}
	}
	counts := make([]int, 0, d.pool.Len())
	for _, in := range d.pool.Inspectors() {
		counts = append(counts, load[in.ID])
	}
	slices.Sort(counts)
	if len(counts) == 0 {
		return
	}
	sum := 0
	for _, c := range counts {
		sum += c
	}
	fmt.Fprintf(w, "\ninspectors: %d in the pool, %d assigned; visits per inspector min %d, median %d, mean %.1f, max %d; visits on %d working days\n",
		len(counts), len(load), counts[0], counts[len(counts)/2], float64(sum)/float64(len(counts)), counts[len(counts)-1], len(days))
}

// printRecords summarises what the records hold.
func printRecords(w io.Writer, r *risk.Records, asOf time.Time) {
	fmt.Fprintf(w, "records as of %s: %d units, %d telemetry events, %d incidents, %d inspections, %d credit records, %d inspectors\n",
		asOf.Format(time.DateOnly), len(r.Units), len(r.Telemetry), len(r.Incidents), len(r.Inspections), len(r.Credit), len(r.Inspectors))
}

// focusWhy joins "code: why" of the focus items.
func focusWhy(c *content.Content) string {
	var out []string
	for _, k := range c.Checks {
		if k.Focus {
			out = append(out, k.Code+": "+k.WhyEN)
		}
	}
	return strings.Join(out, " | ")
}

// writeChanges writes level_changes.csv: every unit whose level changed
// since the previous round, with the rule and the reason.
func (d *result) writeChanges(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"unit", "from", "to", "rule", "reason_en", "reason_zh"}); err != nil {
		return err
	}
	for _, c := range d.changes {
		if err := cw.Write([]string{c.UnitID, c.From.String(), c.To.String(), c.Rule, c.EN, c.ZH}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// writeAlerts writes alerts.csv: every alert as of the as-of date.
func (d *result) writeAlerts(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"unit", "rule", "severity", "from", "to", "raised", "count", "devices", "explanation_en", "explanation_zh"}); err != nil {
		return err
	}
	for i := range d.alerts.Alerts {
		if err := cw.Write(alertRow(&d.alerts.Alerts[i])); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func alertRow(a *alert.Alert) []string {
	var devs []string
	for _, e := range a.Evidence {
		if e.DeviceID != "" {
			devs = append(devs, e.DeviceID)
		}
	}
	zh, en := a.Explain()
	ts := func(t time.Time) string { return t.Format(time.RFC3339) }
	return []string{a.UnitID, a.Rule.String(), a.Severity.String(), ts(a.From), ts(a.To), ts(a.Raised),
		strconv.Itoa(a.Count), strings.Join(devs, ";"), en, zh}
}

// writeTargeted writes targeted_tasks.csv: the inspections outside the
// random draw, one row per trigger: the task, its date, team and results
// due date, the random task that visits it if the unit was drawn too,
// the reason it is recorded with, its method and focus (also in sealed
// mode: this list is for the teams), and the trigger's rule, severity,
// time and explanation.
func (d *result) writeTargeted(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"task_id", "unit", "date", "results_due", "team", "random_task", "reason", "severity",
		"method", "focus", "rule", "trigger_severity", "raised", "trigger_en", "trigger_zh"}); err != nil {
		return err
	}
	for _, t := range d.targetedTasks.Tasks {
		method, focus := t.Method, strings.Join(t.Focus, ";")
		if c, ok := d.targeted[t.Unit]; ok {
			method, focus = c.Method.String(), strings.Join(c.FocusCodes(), ";")
		}
		for _, tr := range t.Triggers {
			if err := cw.Write([]string{t.ID, t.Unit, t.Date.String(), t.ResultsDue.String(), teamText(t.Teams), t.RandomTask, t.Reason, t.Severity,
				method, focus, tr.Rule, tr.Severity, tr.Raised, tr.ExplanationEN, tr.ExplanationZH}); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}
