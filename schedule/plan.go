package schedule

import (
	"encoding/hex"
	"fmt"
	"runtime"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/firedraw/firedraw/sampling"
	"github.com/firedraw/firedraw/schedule/protocol"
	"github.com/google/uuid"
)

// DefaultResultsDue is the number of working days after a visit by which
// its results must be published when Config.ResultsDue is zero.
const DefaultResultsDue = 20

// Config describes a period of rounds and how each round is drawn,
// staffed and published. The zero value of every field but Rounds is
// useful: independent rounds, teams of two, four visits a day per
// inspector, results due 20 working days after the visit, open mode.
type Config struct {
	// Rounds are the period's rounds as returned by Period: consecutive
	// rounds of Length, the first starting on the first of a month.
	Rounds []Round
	// Length is the length of every round; a unit's per-round π is its
	// annual frequency divided by the number of rounds in a year (12 or 4).
	Length   Length
	Calendar Calendar
	Mode     Mode
	Staffing Staffing
	// ResultsDue is the number of working days after a visit by which its
	// results must be published; zero means DefaultResultsDue.
	ResultsDue int
	// ExcludeVisited drops from a round's tasks the drawn units that were
	// visited for another reason during the round (the frame's Other
	// visits), recording them in Disclosure.Excluded; it also lets any
	// visit restart a unit's spacing clock.
	ExcludeVisited bool
	// MaxQuiet caps the rounds after an inspection in which a unit cannot
	// be drawn (see Spacing; in rotation, how long a unit inspected before
	// the period waits): zero means half a year (6 monthly or 2 quarterly
	// rounds), a negative value means no cap (gaps within about
	// [m/2, 3m/2] for every unit, which tells a rarely inspected unit that
	// it is safe for years).
	MaxQuiet int
	// Sealed publishes only the Merkle root of the units' leaves, not the
	// leaves (risk levels are not public in many places).
	Sealed bool
	// HistoryStart is the date from which the inspection history is
	// complete; a unit with no inspection on record starts its spacing
	// clock there (Spacing.DelayHazard), one with an older inspection
	// counts from that inspection. Zero means the start of the period.
	HistoryStart time.Time
	// Policy is recorded in the disclosure: the frame's frequencies are
	// expected to come from Policy.Annual.
	Policy Policy
}

func (c *Config) monthsPerRound() int {
	if c.Length == Quarter {
		return 3
	}
	return 1
}

// maxQuiet returns MaxQuiet with its default applied; -1 means no cap.
func (c *Config) maxQuiet() int {
	switch {
	case c.MaxQuiet < 0:
		return -1
	case c.MaxQuiet == 0:
		return 6 / c.monthsPerRound()
	}
	return c.MaxQuiet
}

func (c *Config) resultsDue() int {
	if c.ResultsDue == 0 {
		return DefaultResultsDue
	}
	return c.ResultsDue
}

func (c *Config) check() error {
	if err := CheckRounds(c.Rounds); err != nil {
		return err
	}
	want, err := Period(c.Rounds[0].Start, len(c.Rounds), c.Length)
	if err != nil {
		return err
	}
	for i, r := range c.Rounds {
		if DayOf(r.Start) != DayOf(want[i].Start) || DayOf(r.End) != DayOf(want[i].End) {
			return fmt.Errorf("schedule: %s is not the %s after %s: rounds must come from Period: %w", r, c.Length, DayOf(c.Rounds[0].Start), ErrBadRound)
		}
	}
	if err := c.Calendar.CheckCalendar(); err != nil {
		return err
	}
	if c.Mode > Rotation {
		return fmt.Errorf("schedule: mode %v: %w", c.Mode, ErrBadInput)
	}
	if c.ResultsDue < 0 {
		return fmt.Errorf("schedule: ResultsDue %d is negative: %w", c.ResultsDue, ErrBadInput)
	}
	if _, err := c.Policy.Resolved(); err != nil {
		return fmt.Errorf("schedule: %w", err)
	}
	return nil
}

// PlanRound draws the round a manifest fixes, on frame and pool, with
// the seed the public log derives for it (protocol.Attempt.Seed), and
// returns its disclosure, which names the manifest's hash and its log
// entry manifestSeq. There is no other way to draw: the manifest is
// published before any randomness exists, and PlanRound refuses a frame
// or pool that does not hash to what it fixed (ErrManifestMismatch). The
// pipeline, every step a function of (manifest, frame, pool, seed) only:
//
//  1. The configuration is the manifest's (ConfigOf).
//  2. Per-unit π of the round: p_k = f_k / rounds-per-year, capped at 1,
//     moved by the unit's history (Spacing.Hazard of the rounds since its
//     last inspection, or Spacing.DelayHazard of the rounds since
//     HistoryStart if none).
//  3. Draw: systematic πps over PRN order within each stratum (level ×
//     district; sampling.SelectPart with the round's UnitStream, the
//     stratum key drawing the start), so each stratum's count is within 1
//     of its Σπ.
//  4. Exclusions (Config.ExcludeVisited).
//  5. Capacity: tasks × team size per department must fit the round's
//     inspector-visits (ErrCapacity names the round and the numbers).
//  6. Dates: within each district, tasks in PRN order (OrderStream) are
//     spread over the round's working days in proportion to the
//     district's inspectors available each day.
//  7. Teams: Staffing.Assign in the same order (TeamStream).
//  8. Task IDs (TaskID of DrawID), results-due dates (ResultsDue working
//     days after the visit), and every unit's leaf: published as such in
//     open mode, as the Merkle root over the leaves in sealed mode.
//
// Every stream names the period and the round, so two rounds never share
// random numbers even under one seed. Round t is planned on the frame as
// it stands before the round (history up to date, e.g. NewFrame with the
// Ledger's inspections, or Frame.After).
//
// PlanRound returns a complete disclosure or an error; it never returns
// a partial plan. The disclosure holds the leaves (for Proof in sealed
// mode).
func PlanRound(m *protocol.Manifest, frame *Frame, pool *Pool, seed sampling.Seed, manifestSeq int64) (*Disclosure, error) {
	cfg, round, err := ConfigOf(m)
	if err != nil {
		return nil, err
	}
	h, err := m.Hash()
	if err != nil {
		return nil, err
	}
	if err := checkInputs(m, frame, pool); err != nil {
		return nil, err
	}
	if err := cfg.Staffing.check(pool); err != nil {
		return nil, err
	}
	id := drawIdentity{manifest: h, seq: manifestSeq, period: m.Period.ID, singleOperator: m.Randomness.SingleOperator}
	return plan(cfg, frame, pool, round, seed, id)
}

// drawIdentity is what names a draw: its manifest's hash and log entry,
// the period ID, and whether its seed came from one party.
type drawIdentity struct {
	manifest       string
	seq            int64
	period         string
	singleOperator bool
}

// plan is PlanRound after its checks: draw, disclosure header, strata,
// exclusions, capacity, visit order and dates, teams, tasks and leaves.
func plan(cfg *Config, frame *Frame, pool *Pool, round int, seed sampling.Seed, id drawIdentity) (*Disclosure, error) {
	r := cfg.Rounds[round]
	number := round + 1
	st := frame.strataOf() // level × district, in key order
	pi, prn, selected, err := drawRound(cfg, frame, round, seed, UnitStream(id.period, number))
	if err != nil {
		return nil, fmt.Errorf("schedule: %s: %w", r, err)
	}
	// π does not depend on the seed, so neither does this check's verdict:
	// a draw never fails because of which units the seed picked.
	if err := checkStaffable(cfg, frame, pool, round, pi); err != nil {
		return nil, err
	}
	d := newDisclosure(cfg, frame.Len(), round, seed, id)
	if !cfg.Sealed {
		d.Strata = stratumCounts(st, frame.units, pi, selected)
	}
	visit := unitsToVisit(cfg, frame, r, pi, prn, selected, d)
	if err := checkCapacity(cfg, pool, r, len(visit), ""); err != nil {
		return nil, err
	}
	ds, _ := cfg.Calendar.compile()
	workdays := ds.workingDays(r)
	if len(visit) > 0 && len(workdays) == 0 {
		return nil, fmt.Errorf("schedule: %s has no working day for its %d tasks: %w", r, len(visit), ErrCapacity)
	}
	visits := visitsInOrder(frame, visit, seed, OrderStream(id.period, number))
	assignDates(pool, workdays, visits)
	teams, err := assignWithLeave(cfg.Staffing, pool, seed, id.period, number, visits, workdays)
	if err != nil {
		return nil, err
	}
	due := make(map[Day]Day, len(workdays))
	for _, w := range workdays {
		due[w] = ds.addWorkingDays(w, cfg.resultsDue())
	}
	d.Tasks = makeTasks(frame, visits, teams, pi, prn, DrawID(id.manifest), due, cfg.Sealed)
	writeLeaves(d, cfg.Sealed, frame.units, pi, prn, selected)
	return d, nil
}

// newDisclosure returns the disclosure of round with every field that
// the manifest and the seed fix, for a frame of units units; the strata,
// tasks and leaves are filled in by plan.
func newDisclosure(cfg *Config, units, round int, seed sampling.Seed, id drawIdentity) *Disclosure {
	r := cfg.Rounds[round]
	return &Disclosure{
		Format: FormatVersion, Library: LibraryVersion, Algorithms: CurrentAlgorithms(),
		Manifest: id.manifest, ManifestSeq: id.seq, SingleOperator: id.singleOperator,
		Sealed: cfg.Sealed, Seed: seed.String(), DrawID: DrawID(id.manifest).String(),
		Period:    id.period,
		Round:     RoundInfo{Number: round + 1, First: DayOf(r.Start), Last: DayOf(r.End) - 1},
		UnitCount: units,
		Strata:    []StratumCount{},
		Tasks:     []Task{},
		Excluded:  []Exclusion{},
	}
}

// stratumCounts returns each stratum's units, expected count Σπ and
// drawn count, in key order.
func stratumCounts(st *strataIndex, units []FrameUnit, pi []float64, selected []bool) []StratumCount {
	var out []StratumCount
	for si, key := range st.keys {
		sc := StratumCount{Key: key, Units: len(st.members[si])}
		for _, k := range st.members[si] {
			sc.Expected += pi[k]
			if selected[k] {
				sc.Drawn++
			}
			sc.countZero(pi[k], units[k].Annual)
		}
		out = append(out, sc)
	}
	return out
}

// unitsToVisit returns the drawn units, in frame order, less those
// visited for another reason during round r when Config.ExcludeVisited is
// set; those are appended to d.Excluded.
func unitsToVisit(cfg *Config, frame *Frame, r Round, pi, prn []float64, selected []bool, d *Disclosure) []int32 {
	units := frame.units
	first, end := DayOf(r.Start), DayOf(r.End)
	var visit []int32
	for k := range units {
		if !selected[k] {
			continue
		}
		if cfg.ExcludeVisited {
			if o, ok := visitIn(units[k].Other, first, end); ok {
				e := Exclusion{Unit: units[k].ID, Pi: pi[k], PRN: prn[k], Inspection: o.InspectionID, Date: o.Date}
				if cfg.Sealed {
					e.Pi = 0 // π would reveal the level
				}
				d.Excluded = append(d.Excluded, e)
				continue
			}
		}
		visit = append(visit, int32(k))
	}
	return visit
}

// visitsInOrder returns the visits to the units visit (frame indices) in
// visit order: ascending PRN of the order stream, ties by ID.
func visitsInOrder(frame *Frame, visit []int32, seed sampling.Seed, stream string) []Visit {
	units := frame.units
	ids := make([]string, len(visit))
	for i, k := range visit {
		ids[i] = units[k].ID
	}
	order := sampling.PRNs(seed, stream, ids, nil)
	idx := make([]int, len(visit))
	for i := range idx {
		idx[i] = i
	}
	sort.Slice(idx, func(a, b int) bool {
		if order[idx[a]] != order[idx[b]] {
			return order[idx[a]] < order[idx[b]]
		}
		return ids[idx[a]] < ids[idx[b]]
	})
	visits := make([]Visit, len(visit))
	for j, i := range idx {
		u := &units[visit[i]]
		visits[j] = Visit{UnitID: u.ID, District: u.District, Category: u.Category, LastLead: frame.leads.name(frame.hist[visit[i]].lead)}
	}
	return visits
}

// makeTasks returns a task per dated and staffed visit, sorted by unit ID,
// with its ID (TaskID of drawID) and its results-due date; sealed, without
// its π, method and focus.
func makeTasks(frame *Frame, visits []Visit, teams [][]Team, pi, prn []float64, drawID uuid.UUID, due map[Day]Day, sealed bool) []Task {
	tasks := make([]Task, len(visits))
	parallel(len(visits), func(lo, hi int) {
		for j := lo; j < hi; j++ {
			v := &visits[j]
			k := frame.index[v.UnitID]
			tasks[j] = Task{
				ID: TaskID(drawID, v.UnitID).String(), Unit: v.UnitID, Pi: pi[k], PRN: prn[k],
				Date: v.Date, ResultsDue: due[v.Date], Teams: teams[j],
				Method: frame.units[k].Method.String(), Focus: append([]string{}, frame.units[k].Focus...),
			}
			if sealed {
				// π, the method and the focus (scoped by level) would reveal
				// the level: the task list handed to the teams carries them.
				tasks[j].Pi, tasks[j].Method, tasks[j].Focus = 0, "", []string{}
			}
		}
	})
	sort.Slice(tasks, func(a, b int) bool { return tasks[a].Unit < tasks[b].Unit })
	return tasks
}

// writeLeaves fills every unit's leaf into d; sealed, it publishes their
// Merkle root instead of the leaves.
func writeLeaves(d *Disclosure, sealed bool, units []FrameUnit, pi, prn []float64, selected []bool) {
	n := len(units)
	d.all = make([]Leaf, n)
	if sealed {
		d.leaves = make([]hash, n)
	}
	parallel(n, func(lo, hi int) {
		buf := make([]byte, 0, 128)
		for k := lo; k < hi; k++ {
			lv := units[k].Level
			d.all[k] = Leaf{ID: units[k].ID, District: units[k].District, Level: lv, LevelStr: lv.String(),
				Pi: pi[k], PRN: prn[k], Selected: selected[k]}
			if sealed {
				buf = d.all[k].appendCanonical(append(buf[:0], 0))
				d.leaves[k] = leafHashPrefixed(buf)
			}
		}
	})
	if sealed {
		root := merkleRoot(d.leaves)
		d.MerkleRoot = hex.EncodeToString(root[:])
		d.Units = []Leaf{}
	} else {
		d.Units = d.all
	}
}

func (c *Config) historyStart() time.Time {
	if c.HistoryStart.IsZero() {
		return c.Rounds[0].Start
	}
	return c.HistoryStart
}

func sortedDays(ts []time.Time) []Day {
	out := make([]Day, 0, len(ts))
	for _, t := range ts {
		out = append(out, DayOf(t))
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// visitIn returns the first visit dated in [first, end).
func visitIn(o []OtherVisit, first, end Day) (OtherVisit, bool) {
	for _, v := range o {
		if v.Date >= first && v.Date < end {
			return v, true
		}
	}
	return OtherVisit{}, false
}

// checkCapacity returns an error wrapping ErrCapacity when the round's
// tasks need more inspector-visits than the pool (or a department) has.
func checkCapacity(cfg *Config, pool *Pool, r Round, tasks int, upTo string) error {
	size := cfg.Staffing.teamSize()
	for _, dept := range cfg.Staffing.departments() {
		insp := pool.insp
		if dept != "" {
			insp = nil
			for i := range pool.insp {
				if pool.insp[i].Department == dept {
					insp = append(insp, pool.insp[i])
				}
			}
		}
		capa, err := RoundCapacity(&cfg.Calendar, r, insp, cfg.Staffing.dailyCap())
		if err != nil {
			return err
		}
		if need := tasks * size; need > capa.Visits {
			who := "the pool"
			if dept != "" {
				who = fmt.Sprintf("department %q", dept)
			}
			return fmt.Errorf("schedule: %s: %s%d tasks × team of %d = %d inspector-visits exceed the %d that %s can make (%d inspectors, %d working days, %d inspector-days, %d visits a day, per-round caps): %w",
				r, upTo, tasks, size, need, capa.Visits, who, len(insp), capa.WorkingDays, capa.InspectorDays, cfg.Staffing.dailyCap(), ErrCapacity)
		}
	}
	return nil
}

// assignDates gives every visit a working day: within each district, the
// visits (in their given order) are spread over the days in proportion
// to the number of the district's inspectors available each day.
func assignDates(pool *Pool, workdays []Day, visits []Visit) {
	if len(visits) == 0 {
		return
	}
	weights := map[string][]float64{}
	for i := range visits {
		weights[visits[i].District] = nil
	}
	for dist := range weights {
		w := make([]float64, len(workdays))
		weights[dist] = w
	}
	for i := range pool.insp {
		for _, dist := range pool.insp[i].Districts {
			w, ok := weights[dist]
			if !ok {
				continue
			}
			for j, d := range workdays {
				if !pool.onLeave(int32(i), d) {
					w[j]++
				}
			}
		}
	}
	count := map[string]int{}
	for i := range visits {
		count[visits[i].District]++
	}
	seen := map[string]int{}
	cum := map[string][]float64{}
	for dist, w := range weights {
		c := make([]float64, len(w))
		total := 0.0
		for j, x := range w {
			total += x
			c[j] = total
		}
		if total == 0 { // nobody covers the district: spread evenly; Assign reports it
			for j := range c {
				c[j] = float64(j + 1)
			}
		}
		cum[dist] = c
	}
	for i := range visits {
		dist := visits[i].District
		c := cum[dist]
		x := (float64(seen[dist]) + 0.5) / float64(count[dist]) * c[len(c)-1]
		seen[dist]++
		j := sort.SearchFloat64s(c, x)
		for j < len(c)-1 && c[j] < x { // defensive; SearchFloat64s gives c[j] ≥ x
			j++
		}
		visits[i].Date = workdays[min(j, len(c)-1)]
	}
}

// parallel runs f over [0, n) in contiguous blocks on every core.
func parallel(n int, f func(lo, hi int)) {
	w := runtime.GOMAXPROCS(0)
	if n < 1<<14 || w == 1 {
		f(0, n)
		return
	}
	var wg sync.WaitGroup
	step := (n + w - 1) / w
	for lo := 0; lo < n; lo += step {
		hi := min(lo+step, n)
		wg.Add(1)
		go func() { defer wg.Done(); f(lo, hi) }()
	}
	wg.Wait()
}

// After returns the frame as it will be once the tasks of disclosure d
// are done on their dates by their teams: each visited unit's last
// inspection (random and of any reason) moves to its task date and its
// last lead to the lead of its first team. It is how PlanPeriod chains
// independent rounds; real results come through the Ledger.
func (f *Frame) After(d *Disclosure) *Frame {
	g := &Frame{units: f.units, index: f.index, strata: f.strata, leads: f.leads, static: f.static, hist: slices.Clone(f.hist)}
	for i := range d.Tasks {
		t := &d.Tasks[i]
		k, ok := g.index[t.Unit]
		if !ok {
			continue
		}
		h := &g.hist[k]
		h.lastRandom = max(h.lastRandom, t.Date)
		if t.Date >= h.lastVisit {
			h.lastVisit = t.Date
			if len(t.Teams) > 0 && len(t.Teams[0].Inspectors) > 0 {
				h.lead = g.leads.intern(t.Teams[0].Inspectors[0])
			}
		}
	}
	return g
}

// PlanPeriod plans every round of cfg in single-operator mode, for
// simulations and tests (a real draw logs each round's manifest,
// commitments and reveals before it is drawn): round t gets the manifest
// NewManifest(cfg, t, frame as it will be after rounds 0…t−1
// (Frame.After), pool, params), where params.Randomness must be
// single-operator, and the seed DeriveSeed(manifest, its party's secret
// secrets[t]). It returns every manifest and disclosure, or the first
// error.
func PlanPeriod(cfg *Config, frame *Frame, pool *Pool, params ManifestParams, secrets []string) ([]*protocol.Manifest, []*Disclosure, error) {
	if len(secrets) != len(cfg.Rounds) {
		return nil, nil, fmt.Errorf("schedule: %d rounds need %d secrets, got %d: %w", len(cfg.Rounds), len(cfg.Rounds), len(secrets), ErrBadInput)
	}
	if !params.Randomness.SingleOperator {
		return nil, nil, fmt.Errorf("schedule: PlanPeriod draws single-operator simulations only: %w", ErrBadInput)
	}
	ms := make([]*protocol.Manifest, len(cfg.Rounds))
	out := make([]*Disclosure, len(cfg.Rounds))
	cur := frame
	for t := range cfg.Rounds {
		m, err := NewManifest(cfg, t, cur, pool, params)
		if err != nil {
			return nil, nil, err
		}
		h, err := m.Hash()
		if err != nil {
			return nil, nil, err
		}
		party := m.Randomness.Parties[0]
		seed, err := protocol.DeriveSeed(protocol.SeedInputs{Manifest: h, Parties: []protocol.Contribution{{Party: party, Secret: secrets[t]}}})
		if err != nil {
			return nil, nil, err
		}
		d, err := PlanRound(m, cur, pool, seed, 0)
		if err != nil {
			return nil, nil, err
		}
		ms[t], out[t] = m, d
		if t+1 < len(cfg.Rounds) {
			cur = cur.After(d)
		}
	}
	return ms, out, nil
}
