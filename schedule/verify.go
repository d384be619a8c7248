package schedule

import (
	"fmt"
	"slices"
	"strings"

	"github.com/firedraw/firedraw/sampling"
)

// maxDiffs bounds the differences Verify lists; beyond it, it counts.
const maxDiffs = 10000

// VerifyError is returned by Verify for a disclosure that does not match
// its re-run: every difference as a readable line. It wraps ErrVerify.
type VerifyError struct {
	Round int
	Diffs []string
	// More counts the differences beyond the listed ones.
	More int
}

func (e *VerifyError) Error() string {
	const show = 5
	var b strings.Builder
	fmt.Fprintf(&b, "schedule: disclosure of round %d: %d difference(s): ", e.Round, len(e.Diffs)+e.More)
	writeCapped(&b, e.Diffs, show, func(rest int) string { return fmt.Sprintf("; … (%d more)", rest+e.More) })
	b.WriteString(": ")
	b.WriteString(ErrVerify.Error())
	return b.String()
}

func (e *VerifyError) Unwrap() error { return ErrVerify }

type diffs struct {
	list []string
	more int
}

func (d *diffs) add(format string, args ...any) {
	if len(d.list) >= maxDiffs {
		d.more++
		return
	}
	d.list = append(d.list, fmt.Sprintf(format, args...))
}

// Verify re-runs the draw a disclosure describes on the given directory
// (frame) and inspector pool, with the configuration and the revealed
// seed written in the disclosure, and compares everything: versions, seed
// against commitment, directory and pool hashes, draw ID, strata, the
// Merkle root, every task (unit, π, PRN, date, results-due date, ID,
// teams), every exclusion and, in open mode, every unit's leaf, and the
// canonical order of every list. It returns the differences as readable
// lines and, when there is any, a *VerifyError wrapping ErrVerify. On
// success it fills the disclosure's leaves, so that Proof works on it.
//
// A withheld disclosure (rotation mode, seed still secret) cannot be
// verified by Verify; once the seed is revealed, VerifyWithheld checks it.
func Verify(d *Disclosure, frame *Frame, pool *Pool) ([]string, error) {
	if d.Withheld {
		df := diffs{}
		df.add("the disclosure is withheld (no seed): verify it with VerifyWithheld once the seed is revealed")
		return df.list, &VerifyError{Round: d.Round.Index, Diffs: df.list}
	}
	return verify(d, d.Seed, frame, pool)
}

// VerifyWithheld checks a round published withheld (Disclosure.Withhold:
// rotation mode, before the period seed is revealed) once the seed is
// known: the seed must match the commitment published at the start of
// the period, and re-running the round with it must give exactly the
// published task list, teams, dates, exclusions and counts.
func VerifyWithheld(d *Disclosure, seed sampling.Seed, frame *Frame, pool *Pool) ([]string, error) {
	if !d.Withheld {
		return Verify(d, frame, pool)
	}
	return verify(d, seed.String(), frame, pool)
}

func verify(d *Disclosure, revealed string, frame *Frame, pool *Pool) ([]string, error) {
	var df diffs
	fail := func() ([]string, error) {
		return df.list, &VerifyError{Round: d.Round.Index, Diffs: df.list, More: df.more}
	}
	if d.Format != FormatVersion {
		df.add("format %q: this library reads %q", d.Format, FormatVersion)
	}
	if d.Algorithms != CurrentAlgorithms() {
		df.add("algorithms %+v: this library implements %+v", d.Algorithms, CurrentAlgorithms())
	}
	seed, err := sampling.ParseSeed(revealed)
	if err != nil {
		df.add("revealed seed %q: %v", revealed, err)
		return fail()
	}
	if err := d.Commitment.Check(seed); err != nil {
		df.add("seed %s does not match the commitment %s published on %s", revealed, d.Commitment.Hash, d.Commitment.Date)
	}
	if h := frame.Hash(); h != d.Directory.SHA256 || frame.Len() != d.Directory.Count {
		df.add("directory: disclosure says %d units with SHA-256 %s; the directory given has %d units with SHA-256 %s",
			d.Directory.Count, d.Directory.SHA256, frame.Len(), h)
	}
	if h := frame.HistoryHash(); h != d.History.SHA256 || frame.Len() != d.History.Count {
		df.add("inspection history: disclosure says %d units with SHA-256 %s; the directory given has %d units with history SHA-256 %s",
			d.History.Count, d.History.SHA256, frame.Len(), h)
	}
	if h := pool.Hash(); h != d.Pool.SHA256 || pool.Len() != d.Pool.Count {
		df.add("inspector pool: disclosure says %d inspectors with SHA-256 %s; the pool given has %d with SHA-256 %s",
			d.Pool.Count, d.Pool.SHA256, pool.Len(), h)
	}
	cfg, err := d.config()
	if err != nil {
		df.add("configuration: %v", err)
		return fail()
	}
	if err := cfg.check(); err != nil {
		df.add("configuration: %v", err)
		return fail()
	}
	round := d.Round.Index
	if round < 0 || round >= len(cfg.Rounds) {
		df.add("round %d outside the period's %d rounds", round, len(cfg.Rounds))
		return fail()
	}
	r := cfg.Rounds[round]
	if d.Round.First != DayOf(r.Start) || d.Round.Last != DayOf(r.End)-1 {
		df.add("round %d runs %s..%s, not %s..%s", round, DayOf(r.Start), DayOf(r.End)-1, d.Round.First, d.Round.Last)
	}
	if err := cfg.Staffing.check(pool); err != nil {
		df.add("staffing: %v", err)
		return fail()
	}
	e, err := plan(cfg, frame, pool, round, seed, d.Commitment)
	if err != nil {
		df.add("re-running the draw fails: %v", err)
		return fail()
	}
	if d.Withheld {
		e = e.Withhold()
	}
	if d.DrawID != e.DrawID {
		df.add("draw ID %s, want %s", d.DrawID, e.DrawID)
	}
	compareStrata(&df, d.Strata, e.Strata)
	if d.MerkleRoot != e.MerkleRoot {
		df.add("Merkle root %s, want %s", d.MerkleRoot, e.MerkleRoot)
	}
	compareTasks(&df, d.Tasks, e.Tasks)
	compareExcluded(&df, d.Excluded, e.Excluded)
	switch {
	case d.Withheld:
		if len(d.Units) != 0 || d.Seed != "" {
			df.add("withheld disclosure publishes a seed or %d unit leaves; it must publish neither", len(d.Units))
		}
	case d.Sealed:
		if len(d.Units) != 0 {
			df.add("sealed disclosure publishes %d unit leaves; it must publish none", len(d.Units))
		}
	default:
		compareLeaves(&df, d.Units, e.all)
	}
	if len(df.list) > 0 {
		return fail()
	}
	if !d.Withheld {
		d.all, d.leaves = e.all, e.leaves
	}
	return nil, nil
}

// config rebuilds the planning configuration a disclosure records.
func (d *Disclosure) config() (*Config, error) {
	var l Length
	switch d.Period.Length {
	case "month":
		l = Month
	case "quarter":
		l = Quarter
	default:
		return nil, fmt.Errorf("round length %q", d.Period.Length)
	}
	rounds, err := Period(d.Period.Start.Time(), d.Period.Rounds, l)
	if err != nil {
		return nil, err
	}
	cfg := &Config{
		Rounds: rounds, Length: l, Mode: d.Mode,
		Staffing:       Staffing{TeamSize: d.Staffing.TeamSize, DailyCap: d.Staffing.DailyCap, Departments: d.Staffing.Departments},
		ResultsDue:     d.ResultsDueDays,
		ExcludeVisited: d.ExcludeVisited,
		MaxQuiet:       d.MaxQuiet,
		Sealed:         d.Sealed,
		Policy:         d.Policy,
	}
	if d.ResultsDueDays <= 0 {
		return nil, fmt.Errorf("results due after %d working days", d.ResultsDueDays)
	}
	if d.HistoryStart != NoDay {
		cfg.HistoryStart = d.HistoryStart.Time()
	}
	for _, h := range d.Calendar.Holidays {
		cfg.Calendar.Holidays = append(cfg.Calendar.Holidays, h.Time())
	}
	for _, m := range d.Calendar.MakeupDays {
		cfg.Calendar.MakeupDays = append(cfg.Calendar.MakeupDays, m.Time())
	}
	return cfg, nil
}

func compareStrata(df *diffs, got, want []StratumCount) {
	if len(got) != len(want) {
		df.add("%d strata, want %d", len(got), len(want))
	}
	for i := range min(len(got), len(want)) {
		if got[i] != want[i] {
			df.add("stratum %d: %+v, want %+v", i, got[i], want[i])
		}
	}
}

// checkOrder reports the first position where keys are not strictly
// increasing.
func checkOrder(df *diffs, what string, keys []string) {
	for i := 1; i < len(keys); i++ {
		if keys[i] <= keys[i-1] {
			df.add("%s not in canonical order (by unit ID, each once): entry %d (%q) after entry %d (%q)", what, i, keys[i], i-1, keys[i-1])
			return
		}
	}
}

func compareTasks(df *diffs, got, want []Task) {
	keys := make([]string, len(got))
	for i := range got {
		keys[i] = got[i].Unit
	}
	checkOrder(df, "tasks", keys)
	w := make(map[string]*Task, len(want))
	for i := range want {
		w[want[i].Unit] = &want[i]
	}
	seen := make(map[string]bool, len(got))
	for i := range got {
		g := &got[i]
		x, ok := w[g.Unit]
		if !ok {
			df.add("task %d: unit %q was not drawn (or not to be visited) in this round", i, g.Unit)
			continue
		}
		if seen[g.Unit] {
			df.add("task %d: unit %q listed twice", i, g.Unit)
			continue
		}
		seen[g.Unit] = true
		u := g.Unit
		if g.ID != x.ID {
			df.add("task of unit %q: ID %s, want %s", u, g.ID, x.ID)
		}
		if g.Pi != x.Pi {
			df.add("task of unit %q: π %v, want %v", u, g.Pi, x.Pi)
		}
		if g.PRN != x.PRN {
			df.add("task of unit %q: PRN %v, want %v", u, g.PRN, x.PRN)
		}
		if g.Date != x.Date {
			df.add("task of unit %q: date %s, want %s", u, g.Date, x.Date)
		}
		if g.ResultsDue != x.ResultsDue {
			df.add("task of unit %q: results due %s, want %s", u, g.ResultsDue, x.ResultsDue)
		}
		if !slices.EqualFunc(g.Teams, x.Teams, func(a, b Team) bool {
			return a.Department == b.Department && slices.Equal(a.Inspectors, b.Inspectors)
		}) {
			df.add("task of unit %q: teams %v, want %v", u, g.Teams, x.Teams)
		}
	}
	for i := range want {
		if !seen[want[i].Unit] {
			df.add("unit %q was drawn but has no task", want[i].Unit)
		}
	}
}

func compareExcluded(df *diffs, got, want []Exclusion) {
	keys := make([]string, len(got))
	for i := range got {
		keys[i] = got[i].Unit
	}
	checkOrder(df, "exclusions", keys)
	w := make(map[string]Exclusion, len(want))
	for _, x := range want {
		w[x.Unit] = x
	}
	seen := map[string]bool{}
	for _, g := range got {
		x, ok := w[g.Unit]
		switch {
		case !ok:
			df.add("exclusion of unit %q: not drawn, or not visited for another reason in the round", g.Unit)
		case g != x:
			df.add("exclusion of unit %q: %+v, want %+v", g.Unit, g, x)
		}
		seen[g.Unit] = true
	}
	for _, x := range want {
		if !seen[x.Unit] {
			df.add("unit %q was drawn and visited for another reason (%s) but is not listed as excluded", x.Unit, x.Inspection)
		}
	}
}

func compareLeaves(df *diffs, got, want []Leaf) {
	if len(got) != len(want) {
		df.add("%d unit leaves, want one per directory unit: %d", len(got), len(want))
	}
	keys := make([]string, len(got))
	sorted := true
	for i := range got {
		keys[i] = got[i].ID
		sorted = sorted && (i == 0 || keys[i] > keys[i-1])
	}
	checkOrder(df, "unit leaves", keys)
	check := func(g, x *Leaf) {
		if g.LevelStr != x.LevelStr || g.Pi != x.Pi || g.PRN != x.PRN || g.Selected != x.Selected {
			df.add("leaf of unit %q: (level %s, π %v, PRN %v, selected %v), want (%s, %v, %v, %v)",
				g.ID, g.LevelStr, g.Pi, g.PRN, g.Selected, x.LevelStr, x.Pi, x.PRN, x.Selected)
		}
	}
	if sorted {
		// Both lists in ID order: one merge pass.
		i, j := 0, 0
		for i < len(got) || j < len(want) {
			switch {
			case j == len(want) || (i < len(got) && got[i].ID < want[j].ID):
				df.add("leaf of unit %q: not in the directory", got[i].ID)
				i++
			case i == len(got) || want[j].ID < got[i].ID:
				df.add("unit %q of the directory has no leaf", want[j].ID)
				j++
			default:
				check(&got[i], &want[j])
				i++
				j++
			}
		}
		return
	}
	w := make(map[string]int, len(want))
	for i := range want {
		w[want[i].ID] = i
	}
	seen := make(map[string]bool, len(got))
	for i := range got {
		k, ok := w[got[i].ID]
		if !ok {
			df.add("leaf of unit %q: not in the directory", got[i].ID)
			continue
		}
		seen[got[i].ID] = true
		check(&got[i], &want[k])
	}
	for _, x := range want {
		if !seen[x.ID] {
			df.add("unit %q of the directory has no leaf", x.ID)
		}
	}
}
