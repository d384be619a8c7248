package schedule

import (
	"encoding/hex"
	"fmt"
	"slices"
	"strings"

	"github.com/google/uuid"

	"github.com/firedraw/firedraw/sampling"
	"github.com/firedraw/firedraw/schedule/protocol"
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

// Published is what the public holds about one draw: the manifest file,
// the attempt the public log records for it (protocol.State replaying
// the log: commitments, reveals, late sources, the draw entry) and the
// disclosure's bytes as published.
type Published struct {
	Manifest   *protocol.Manifest
	Attempt    *protocol.Attempt
	Disclosure []byte
}

// Report is what a successful verification found: the parsed disclosure
// and notes a reader must see (a single-operator draw, defaulted
// parties).
type Report struct {
	Disclosure *Disclosure
	Notes      []string
}

// VerifyPublic checks a draw from the published files only (the public
// tier): that the disclosure is the one the log's draw entry hashed, that
// it names the manifest, its log entry, period and round, the seed the
// log derives, the draw ID and the algorithms the manifest fixed; every
// task's ID, PRN (in the round's UnitStream), date (a working day of the
// round under the manifest's calendar), results-due date and team
// shape; and, in open mode, the whole selection re-drawn from the
// published π and PRNs (the systematic draw within each stratum), the
// strata counts, and that the tasks and exclusions are exactly the drawn
// units. In sealed mode it checks that nothing published reveals a level.
// The order and dates of the log's entries are protocol.State's job.
//
// It returns the differences in a *VerifyError wrapping ErrVerify.
func VerifyPublic(p Published) (*Report, error) {
	var df diffs
	d, seed := verifyLink(&df, p)
	if d == nil {
		return nil, df.err(0)
	}
	m := p.Manifest
	cfg, _, err := ConfigOf(m)
	if err != nil {
		df.add("manifest: %v", err)
		return nil, df.err(d.Round.Number)
	}
	checkTaskShapes(&df, d, cfg, seed)
	if d.Sealed {
		checkSealed(&df, d)
	} else {
		checkSelection(&df, d, seed)
	}
	if len(df.list) > 0 {
		return nil, df.err(d.Round.Number)
	}
	r := &Report{Disclosure: d}
	if m.Randomness.SingleOperator {
		r.Notes = append(r.Notes, "single-operator draw: its seed came from one party, so it offers no protection against the operator")
	}
	if def := p.Attempt.Defaulted(); len(def) > 0 {
		r.Notes = append(r.Notes, fmt.Sprintf("defaulted (did not reveal): %s", strings.Join(def, ", ")))
	}
	return r, nil
}

// Verify is the auditor tier: VerifyPublic, then the frame and pool
// (rebuilt from the record files, see AuditFrame) must hash to what the
// manifest fixed, and re-running the draw on them must give the
// published disclosure in every field (every task's date and team
// included); the differences are listed otherwise. On success the
// disclosure holds its leaves, so that Proof works on it.
func Verify(p Published, frame *Frame, pool *Pool) (*Report, error) {
	r, err := VerifyPublic(p)
	if err != nil {
		return nil, err
	}
	d := r.Disclosure
	var df diffs
	if err := checkInputs(p.Manifest, frame, pool); err != nil {
		df.add("%v", err)
		return nil, df.err(d.Round.Number)
	}
	cfg, round, _ := ConfigOf(p.Manifest)
	seed, _ := sampling.ParseSeed(d.Seed)
	id := drawIdentity{manifest: d.Manifest, seq: d.ManifestSeq, period: d.Period, singleOperator: d.SingleOperator}
	e, err := plan(cfg, frame, pool, round, seed, id)
	if err != nil {
		df.add("re-running the draw fails: %v", err)
		return nil, df.err(d.Round.Number)
	}
	// The header was checked against the manifest and the log; the rest is
	// compared field by field (the published bytes are canonical, so equal
	// fields mean equal bytes).
	compareStrata(&df, d.Strata, e.Strata)
	if d.MerkleRoot != e.MerkleRoot {
		df.add("Merkle root %s, want %s", d.MerkleRoot, e.MerkleRoot)
	}
	compareTasks(&df, d.Tasks, e.Tasks)
	compareExcluded(&df, d.Excluded, e.Excluded)
	if !d.Sealed {
		compareLeaves(&df, d.Units, e.all)
	}
	if len(df.list) > 0 {
		return nil, df.err(d.Round.Number)
	}
	d.all, d.leaves = e.all, e.leaves
	return r, nil
}

func (d *diffs) err(round int) error {
	return &VerifyError{Round: round, Diffs: d.list, More: d.more}
}

// verifyLink parses the disclosure and checks what links it to the
// manifest and the log; it returns nil if the rest cannot be checked.
func verifyLink(df *diffs, p Published) (*Disclosure, sampling.Seed) {
	a, m := p.Attempt, p.Manifest
	h, err := m.Hash()
	switch {
	case err != nil:
		df.add("manifest: %v", err)
		return nil, sampling.Seed{}
	case a == nil || a.Hash != h:
		df.add("the log holds no attempt for manifest %s", h)
		return nil, sampling.Seed{}
	case a.Draw == nil:
		df.add("the log holds no draw entry for manifest %s", h)
		return nil, sampling.Seed{}
	}
	if got := protocol.HashBytes(p.Disclosure); got != a.Draw.Disclosure {
		df.add("the disclosure hashes to %s, but the log's draw entry %d names %s", got, a.DrawSeq, a.Draw.Disclosure)
		return nil, sampling.Seed{}
	}
	d, err := ParseDisclosure(p.Disclosure)
	if err != nil {
		df.add("%v", err)
		return nil, sampling.Seed{}
	}
	seed, err := a.Seed()
	if err != nil {
		df.add("the log's contributions: %v", err)
		return nil, sampling.Seed{}
	}
	want := newDisclosureHeader(m, h, a.Seq, seed)
	for _, c := range []struct {
		what      string
		got, want any
	}{
		{"format", d.Format, want.Format}, {"library", d.Library, want.Library},
		{"algorithms", d.Algorithms, want.Algorithms}, {"manifest", d.Manifest, want.Manifest},
		{"manifest log entry", d.ManifestSeq, want.ManifestSeq}, {"single-operator mark", d.SingleOperator, want.SingleOperator},
		{"sealed mark", d.Sealed, want.Sealed}, {"seed", d.Seed, want.Seed}, {"draw ID", d.DrawID, want.DrawID},
		{"period", d.Period, want.Period}, {"round", d.Round, want.Round}, {"unit count", d.UnitCount, want.UnitCount},
	} {
		if c.got != c.want {
			df.add("%s %v, but the manifest and the log give %v", c.what, c.got, c.want)
		}
	}
	if d.Algorithms != CurrentAlgorithms() {
		df.add("algorithms %+v: this library implements %+v", d.Algorithms, CurrentAlgorithms())
	}
	if len(df.list) > 0 {
		return nil, sampling.Seed{}
	}
	return d, seed
}

// newDisclosureHeader is the header a disclosure of manifest m (hash h,
// logged at seq) drawn with seed must have.
func newDisclosureHeader(m *protocol.Manifest, h string, seq int64, seed sampling.Seed) *Disclosure {
	first, _ := protocol.ParseDate(m.Round.First)
	last, _ := protocol.ParseDate(m.Round.Last)
	return &Disclosure{
		Format: FormatVersion, Library: m.Library, Algorithms: m.Algorithms,
		Manifest: h, ManifestSeq: seq, SingleOperator: m.Randomness.SingleOperator, Sealed: m.Sealed,
		Seed: seed.String(), DrawID: DrawID(h).String(), Period: m.Period.ID,
		Round:     RoundInfo{Number: m.Round.Number, First: DayOf(first), Last: DayOf(last)},
		UnitCount: int(m.Frame.Directory.Count),
	}
}

// checkTaskShapes checks what the public can check of every task and
// exclusion without the records: order, ID, PRN, dates and team shape.
func checkTaskShapes(df *diffs, d *Disclosure, cfg *Config, seed sampling.Seed) {
	stream := UnitStream(d.Period, d.Round.Number)
	drawID, _ := uuid.Parse(d.DrawID)
	ds, _ := cfg.Calendar.compile()
	units := make([]string, len(d.Tasks))
	for i := range d.Tasks {
		t := &d.Tasks[i]
		units[i] = t.Unit
		if want := TaskID(drawID, t.Unit).String(); t.ID != want {
			df.add("task of unit %q: ID %s, want %s", t.Unit, t.ID, want)
		}
		if want := sampling.PRN(seed, stream, t.Unit); t.PRN != want {
			df.add("task of unit %q: PRN %v, but the seed gives %v in stream %s", t.Unit, t.PRN, want, stream)
		}
		if t.Date < d.Round.First || t.Date > d.Round.Last || !ds.working(t.Date) {
			df.add("task of unit %q: date %s is not a working day of the round %s..%s", t.Unit, t.Date, d.Round.First, d.Round.Last)
		} else if want := ds.addWorkingDays(t.Date, cfg.resultsDue()); t.ResultsDue != want {
			df.add("task of unit %q: results due %s, want %s (%d working days after the visit date %s)", t.Unit, t.ResultsDue, want, cfg.resultsDue(), t.Date)
		}
		checkTeamShape(df, t, cfg.Staffing)
	}
	checkOrder(df, "tasks", units)
	excl := make([]string, len(d.Excluded))
	for i, e := range d.Excluded {
		excl[i] = e.Unit
		if want := sampling.PRN(seed, stream, e.Unit); e.PRN != want {
			df.add("exclusion of unit %q: PRN %v, but the seed gives %v", e.Unit, e.PRN, want)
		}
		if e.Date < d.Round.First || e.Date > d.Round.Last {
			df.add("exclusion of unit %q: visit of %s outside the round", e.Unit, e.Date)
		}
	}
	checkOrder(df, "exclusions", excl)
}

// checkTeamShape checks that a task has one team per department, each of
// the manifest's team size, without an inspector twice.
func checkTeamShape(df *diffs, t *Task, s Staffing) {
	depts := s.departments()
	if len(t.Teams) != len(depts) {
		df.add("task of unit %q: %d teams, want one per department (%d)", t.Unit, len(t.Teams), len(depts))
		return
	}
	seen := map[string]bool{}
	for i, tm := range t.Teams {
		if tm.Department != depts[i] || len(tm.Inspectors) != s.teamSize() {
			df.add("task of unit %q: team %d is %d inspector(s) of department %q, want %d of %q", t.Unit, i, len(tm.Inspectors), tm.Department, s.teamSize(), depts[i])
		}
		for _, in := range tm.Inspectors {
			if seen[in] {
				df.add("task of unit %q: inspector %q twice", t.Unit, in)
			}
			seen[in] = true
		}
	}
}

// checkSealed checks that a sealed disclosure publishes nothing that
// reveals a level.
func checkSealed(df *diffs, d *Disclosure) {
	if len(d.Units) != 0 || len(d.Strata) != 0 {
		df.add("sealed disclosure publishes %d unit leaves and %d strata; it must publish neither", len(d.Units), len(d.Strata))
	}
	for _, t := range d.Tasks {
		if t.Pi != 0 {
			df.add("sealed disclosure: task of unit %q publishes π %v, which reveals its level", t.Unit, t.Pi)
		}
	}
	for _, e := range d.Excluded {
		if e.Pi != 0 {
			df.add("sealed disclosure: exclusion of unit %q publishes π %v, which reveals its level", e.Unit, e.Pi)
		}
	}
	if b, err := hex.DecodeString(d.MerkleRoot); err != nil || len(b) != 32 {
		df.add("sealed disclosure: Merkle root %q is not 64 hex digits", d.MerkleRoot)
	}
}

// checkSelection re-draws an open disclosure from its published leaves:
// every leaf's PRN, each stratum's systematic draw from the published π,
// the strata counts, and the tasks and exclusions against the drawn
// leaves.
func checkSelection(df *diffs, d *Disclosure, seed sampling.Seed) {
	if d.MerkleRoot != "" {
		df.add("open disclosure with a Merkle root %q", d.MerkleRoot)
	}
	if len(d.Units) != d.UnitCount {
		df.add("%d unit leaves, but the manifest fixes %d units", len(d.Units), d.UnitCount)
		return
	}
	ids := make([]string, len(d.Units))
	pi := make([]float64, len(d.Units))
	for i := range d.Units {
		ids[i], pi[i] = d.Units[i].ID, d.Units[i].Pi
	}
	before := len(df.list)
	checkOrder(df, "unit leaves", ids)
	if len(df.list) > before {
		return
	}
	st := leafStrata(d.Units)
	prn, selected := make([]float64, len(ids)), make([]bool, len(ids))
	if err := drawIndependent(st, pi, seed, UnitStream(d.Period, d.Round.Number), prn, selected); err != nil {
		df.add("re-drawing from the published π: %v", err)
		return
	}
	for i := range d.Units {
		if l := &d.Units[i]; l.PRN != prn[i] || l.Selected != selected[i] {
			df.add("leaf of unit %q: (PRN %v, selected %v), but the seed and the published π give (%v, %v)", l.ID, l.PRN, l.Selected, prn[i], selected[i])
		}
	}
	compareStrata(df, d.Strata, stratumCounts(st, pi, selected))
	checkVisitsAgainstLeaves(df, d)
}

// leafStrata groups leaves (in ID order) by stratum, as Frame.strataOf
// groups a frame's units.
func leafStrata(leaves []Leaf) *strataIndex {
	byKey := map[string][]int32{}
	for k := range leaves {
		key := StratumKey(leaves[k].Level, leaves[k].District)
		byKey[key] = append(byKey[key], int32(k))
	}
	st := &strataIndex{}
	for key := range byKey {
		st.keys = append(st.keys, key)
	}
	slices.Sort(st.keys)
	for _, key := range st.keys {
		m := byKey[key]
		ids := make([]string, len(m))
		for i, k := range m {
			ids[i] = leaves[k].ID
		}
		st.members = append(st.members, m)
		st.ids = append(st.ids, ids)
	}
	return st
}

// checkVisitsAgainstLeaves checks that the tasks and exclusions are
// exactly the drawn leaves, with their π and PRN.
func checkVisitsAgainstLeaves(df *diffs, d *Disclosure) {
	byID := make(map[string]*Leaf, len(d.Tasks)+len(d.Excluded))
	drawn := 0
	for i := range d.Units {
		if d.Units[i].Selected {
			byID[d.Units[i].ID] = &d.Units[i]
			drawn++
		}
	}
	check := func(what, unit string, pi, prn float64) {
		l, ok := byID[unit]
		switch {
		case !ok:
			df.add("%s of unit %q: the unit is not drawn in the published leaves", what, unit)
		case l.Pi != pi || l.PRN != prn:
			df.add("%s of unit %q: (π %v, PRN %v), its leaf says (%v, %v)", what, unit, pi, prn, l.Pi, l.PRN)
		}
	}
	for _, t := range d.Tasks {
		check("task", t.Unit, t.Pi, t.PRN)
	}
	for _, e := range d.Excluded {
		check("exclusion", e.Unit, e.Pi, e.PRN)
	}
	if n := len(d.Tasks) + len(d.Excluded); n != drawn {
		df.add("%d tasks and exclusions for %d drawn units", n, drawn)
	}
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
		if g.District != x.District || g.LevelStr != x.LevelStr || g.Pi != x.Pi || g.PRN != x.PRN || g.Selected != x.Selected {
			df.add("leaf of unit %q: (district %s, level %s, π %v, PRN %v, selected %v), want (%s, %s, %v, %v, %v)",
				g.ID, g.District, g.LevelStr, g.Pi, g.PRN, g.Selected, x.District, x.LevelStr, x.Pi, x.PRN, x.Selected)
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
