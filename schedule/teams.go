package schedule

import (
	"fmt"
	"math"
	"math/bits"
	"math/rand/v2"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/firedraw/firedraw/risk"
	"github.com/firedraw/firedraw/sampling"
)

// Pool is a validated inspector pool, sorted by ID, with its eligibility
// index (category × district). Build it with NewPool; a Pool is read-only
// and safe for concurrent use.
type Pool struct {
	insp      []risk.Inspector
	index     map[string]int32
	leave     []days
	conflicts map[string][]int32 // unit ID → inspectors declaring a conflict
	qualified map[poolKey][]int32

	hashOnce sync.Once
	hash     string
}

type poolKey struct {
	district string
	category risk.Category
}

// NewPool validates and indexes the inspectors: IDs must be non-empty and
// unique (a repeated ID wraps risk.ErrDuplicateID and ErrBadInput),
// MaxPerRound non-negative. An empty pool is an error wrapping ErrPool. The inspectors are copied and sorted by ID, so the pool does not
// depend on the input order.
func NewPool(inspectors []risk.Inspector) (*Pool, error) {
	if len(inspectors) == 0 {
		return nil, fmt.Errorf("schedule: empty inspector pool: %w", ErrPool)
	}
	p := &Pool{
		insp:      slices.Clone(inspectors),
		index:     make(map[string]int32, len(inspectors)),
		conflicts: make(map[string][]int32),
		qualified: make(map[poolKey][]int32),
	}
	sort.Slice(p.insp, func(i, j int) bool { return p.insp[i].ID < p.insp[j].ID })
	p.leave = make([]days, len(p.insp))
	for i := range p.insp {
		in := &p.insp[i]
		if in.ID == "" {
			return nil, fmt.Errorf("schedule: inspector %q (%s) has an empty ID: %w", in.Name, in.Certificate, ErrBadInput)
		}
		if _, dup := p.index[in.ID]; dup {
			return nil, fmt.Errorf("schedule: inspector %q: %w: %w", in.ID, risk.ErrDuplicateID, ErrBadInput)
		}
		if in.MaxPerRound < 0 {
			return nil, fmt.Errorf("schedule: inspector %q: MaxPerRound %d is negative: %w", in.ID, in.MaxPerRound, ErrBadInput)
		}
		p.index[in.ID] = int32(i)
		p.leave[i] = leaveSet(in.Leave)
		for _, u := range in.Conflicts {
			p.conflicts[u] = append(p.conflicts[u], int32(i))
		}
		for _, d := range in.Districts {
			for _, c := range in.Categories {
				k := poolKey{d, c}
				if l := p.qualified[k]; len(l) == 0 || l[len(l)-1] != int32(i) {
					p.qualified[k] = append(l, int32(i))
				}
			}
		}
	}
	return p, nil
}

// Len returns the number of inspectors.
func (p *Pool) Len() int { return len(p.insp) }

// Inspectors returns the inspectors sorted by ID. The slice is shared.
func (p *Pool) Inspectors() []risk.Inspector { return p.insp }

func (p *Pool) onLeave(i int32, d Day) bool { return p.leave[i].has(d) }

// eligible returns the inspectors of department dept ("" = any) qualified
// for the category and covering the district, with no declared conflict
// with the unit, sorted by ID. The unit's last lead inspector is left out
// unless that would leave fewer than size inspectors (in a small
// pool the rotation of leads yields to forming a team at all; a declared
// conflict never yields). It also returns how many qualified inspectors
// of the department were excluded for a conflict or as last lead.
func (p *Pool) eligible(dst []int32, unitID, district string, cat risk.Category, lastLead, dept string, size int) (out []int32, excluded int) {
	out = dst[:0]
	conf := p.conflicts[unitID]
	lead := int32(-1)
	for _, i := range p.qualified[poolKey{district, cat}] {
		in := &p.insp[i]
		if dept != "" && in.Department != dept {
			continue
		}
		if slices.Contains(conf, i) {
			excluded++
			continue
		}
		if in.ID == lastLead {
			lead = i
			excluded++
			continue
		}
		out = append(out, i)
	}
	if lead >= 0 && len(out) < size {
		at, _ := slices.BinarySearch(out, lead)
		out = slices.Insert(out, at, lead)
		excluded--
	}
	return out, excluded
}

// Visit is one drawn unit to staff: the unit, its task date and the lead
// inspector of its last inspection (excluded from its team).
type Visit struct {
	UnitID   string
	District string
	Category risk.Category
	LastLead string
	Date     Day
}

// Team is the inspectors one department sends to a visit; the first is
// the lead.
type Team struct {
	Department string   `json:"department"`
	Inspectors []string `json:"inspectors"`
}

// Staffing says how teams are drawn. The zero value draws teams of two
// from the whole pool, each inspector making at most DefaultDailyCap
// visits a day.
type Staffing struct {
	// TeamSize is the number of inspectors per team; zero means 2. A
	// team of one is refused: "double random" needs two to witness.
	TeamSize int
	// DailyCap is the number of visits an inspector makes in one day;
	// zero means DefaultDailyCap.
	DailyCap int
	// Departments lists the departments of a joint inspection: each visit
	// gets one team per department, drawn from that department's
	// inspectors. Empty means one team drawn from the whole pool.
	Departments []string
}

func (s Staffing) teamSize() int {
	if s.TeamSize == 0 {
		return 2
	}
	return s.TeamSize
}

func (s Staffing) dailyCap() int {
	if s.DailyCap <= 0 {
		return DefaultDailyCap
	}
	return s.DailyCap
}

func (s Staffing) departments() []string {
	if len(s.Departments) == 0 {
		return []string{""}
	}
	return s.Departments
}

func (s Staffing) check(pool *Pool) error {
	if s.TeamSize < 0 || s.TeamSize == 1 {
		return fmt.Errorf("schedule: team size %d: want 0 (→ 2) or at least 2: %w", s.TeamSize, ErrBadInput)
	}
	if s.DailyCap < 0 {
		return fmt.Errorf("schedule: daily cap %d is negative: %w", s.DailyCap, ErrBadInput)
	}
	seen := map[string]bool{}
	for _, d := range s.Departments {
		if d == "" || seen[d] {
			return fmt.Errorf("schedule: department %q empty or listed twice: %w", d, ErrBadInput)
		}
		seen[d] = true
	}
	for _, d := range s.departments() {
		n := 0
		for i := range pool.insp {
			if d == "" || pool.insp[i].Department == d {
				n++
			}
		}
		if n < s.teamSize() {
			what := "the pool"
			if d != "" {
				what = fmt.Sprintf("department %q", d)
			}
			return fmt.Errorf("schedule: %s has %d inspector(s), fewer than the team size %d: %w", what, n, s.teamSize(), ErrPool)
		}
	}
	return nil
}

// TeamStream is the PRN stream of the team draws of one department in
// round `round` (1-based) of the period periodID:
// "team/<period>/<round>/<department>".
//
// The inspectors of a visit are put in a uniformly random order by a
// Fisher–Yates shuffle (Durstenfeld 1964) of its eligible inspectors
// (sorted by ID), driven by a PCG-DXSM generator (math/rand/v2 NewPCG)
// seeded with (⌊2⁵²·u₁⌋, ⌊2⁵²·u₂⌋), where u₁ = PRN(seed, TeamStream, unit
// ID + "/1") and u₂ the same with "/2": position j of n takes the
// candidate at j + r, r uniform in [0, n−j) by Lemire's (2019) unbiased
// multiply-and-reject on the generator's 64-bit outputs. The team is the
// first TeamSize inspectors in that order that are free on the visit's
// date. So every eligible inspector is equally likely, and anyone with
// the revealed seed can redo the draw; only the shuffle's first few steps
// are computed unless the max-flow fallback needs the whole order.
func TeamStream(periodID string, round int, department string) string {
	return "team/" + periodID + "/" + strconv.Itoa(round) + "/" + department
}

// shuffler draws a visit's candidates one at a time in random order.
type shuffler struct {
	rng rand.PCG
	pos int // candidates before pos are drawn, in order
}

// next moves a uniformly chosen remaining candidate to position pos.
func (s *shuffler) next(c []int32) {
	n := uint64(len(c) - s.pos)
	hi, lo := bits.Mul64(s.rng.Uint64(), n)
	if lo < n {
		thresh := -n % n
		for lo < thresh {
			hi, lo = bits.Mul64(s.rng.Uint64(), n)
		}
	}
	j := s.pos + int(hi)
	c[s.pos], c[j] = c[j], c[s.pos]
	s.pos++
}

func seedWord(u float64) uint64 { return uint64(u * (1 << 52)) }

// Assign draws a team per department for every visit of round `round`
// under seed, visiting units in the given order (callers pass them in
// a random order so that nobody is favoured when caps bind). It is random
// greedy first: each visit takes the eligible inspectors in its random
// order (see TeamStream) who are not on leave on its date, below DailyCap that day and below
// their MaxPerRound. When greedy leaves a visit short, the remaining
// slots are filled by augmenting paths in the flow network
// source → visit (demand TeamSize) → (inspector, day) (capacity DailyCap)
// → inspector (capacity MaxPerRound) → sink (Ford & Fulkerson 1956),
// starting from the greedy assignment so that most random choices are
// kept; the dates being fixed, this finds a valid assignment whenever one
// exists. Otherwise Assign returns an error wrapping ErrInfeasible that
// names every visit it cannot staff and the binding constraint.
//
// The result has, for each visit, one Team per department in the order
// of Staffing.Departments, inspectors in draw order (the lead first).
func (s Staffing) Assign(pool *Pool, seed sampling.Seed, periodID string, round int, visits []Visit) ([][]Team, error) {
	if err := s.check(pool); err != nil {
		return nil, err
	}
	depts := s.departments()
	out := make([][]Team, len(visits))
	for v := range out {
		out[v] = make([]Team, len(depts))
	}
	var problems []string
	for di, dept := range depts {
		a := newAssigner(s, pool, seed, periodID, round, dept, visits)
		a.greedy()
		a.augment()
		problems = append(problems, a.problems()...)
		for v := range visits {
			t := Team{Department: dept, Inspectors: make([]string, len(a.team[v]))}
			for j, i := range a.team[v] {
				t.Inspectors[j] = pool.insp[i].ID
			}
			out[v][di] = t
		}
	}
	if len(problems) > 0 {
		return nil, &InfeasibleError{Round: round, Problems: problems}
	}
	return out, nil
}

// InfeasibleError lists the visits of a round that cannot be staffed, one
// readable line each naming the unit, its date and the binding
// constraint. It wraps ErrInfeasible.
type InfeasibleError struct {
	Round    int
	Problems []string
}

func (e *InfeasibleError) Error() string {
	const show = 20
	var b strings.Builder
	fmt.Fprintf(&b, "schedule: round %d: %d team(s) cannot be staffed: ", e.Round, len(e.Problems))
	writeCapped(&b, e.Problems, show, func(rest int) string { return fmt.Sprintf("; … and %d more", rest) })
	b.WriteString(": ")
	b.WriteString(ErrInfeasible.Error())
	return b.String()
}

func (e *InfeasibleError) Unwrap() error { return ErrInfeasible }

// assigner staffs one department's teams for one round.
type assigner struct {
	pool     *Pool
	dept     string
	size     int
	dailyCap int32
	visits   []Visit
	cand     [][]int32  // eligible inspectors of each visit (PRN order once sorted)
	shuf     []shuffler // each visit's shuffle of cand
	excluded []int      // qualified but excluded (conflict, last lead)
	team     [][]int32
	roundLd  []int32
	capOf    []int32
	dayLd    map[dayKey]int32
}

type dayKey struct {
	insp int32
	day  Day
}

func newAssigner(s Staffing, pool *Pool, seed sampling.Seed, periodID string, round int, dept string, visits []Visit) *assigner {
	a := &assigner{
		pool: pool, dept: dept, size: s.teamSize(), dailyCap: int32(s.dailyCap()), visits: visits,
		cand: make([][]int32, len(visits)), shuf: make([]shuffler, len(visits)),
		excluded: make([]int, len(visits)),
		team:     make([][]int32, len(visits)), roundLd: make([]int32, len(pool.insp)),
		capOf: make([]int32, len(pool.insp)), dayLd: make(map[dayKey]int32),
	}
	for i := range pool.insp {
		a.capOf[i] = math.MaxInt32
		if m := pool.insp[i].MaxPerRound; m > 0 {
			a.capOf[i] = int32(m)
		}
	}
	ids := make([]string, 2*len(visits))
	for v := range visits {
		ids[2*v], ids[2*v+1] = visits[v].UnitID+"/1", visits[v].UnitID+"/2"
	}
	u := sampling.PRNs(seed, TeamStream(periodID, round, dept), ids, nil)
	parallel(len(visits), func(lo, hi int) {
		var buf []int32
		for v := lo; v < hi; v++ {
			vi := &visits[v]
			buf, a.excluded[v] = pool.eligible(buf, vi.UnitID, vi.District, vi.Category, vi.LastLead, dept, a.size)
			a.cand[v] = slices.Clone(buf)
			a.shuf[v].rng.Seed(seedWord(u[2*v]), seedWord(u[2*v+1]))
		}
	})
	return a
}

// shuffleAll completes visit v's shuffle.
func (a *assigner) shuffleAll(v int) {
	for a.shuf[v].pos < len(a.cand[v]) {
		a.shuf[v].next(a.cand[v])
	}
}

func (a *assigner) free(i int32, d Day) bool {
	return !a.pool.onLeave(i, d) && a.dayLd[dayKey{i, d}] < a.dailyCap && a.roundLd[i] < a.capOf[i]
}

func (a *assigner) add(v int, i int32) {
	a.team[v] = append(a.team[v], i)
	a.dayLd[dayKey{i, a.visits[v].Date}]++
	a.roundLd[i]++
}

// greedy gives each visit, in order, the first free candidates of its
// shuffle, drawn lazily: a team needs only the first few of a hundred or
// so candidates.
func (a *assigner) greedy() {
	for v := range a.visits {
		d := a.visits[v].Date
		c, sh := a.cand[v], &a.shuf[v]
		for sh.pos < len(c) && len(a.team[v]) < a.size {
			sh.next(c)
			if i := c[sh.pos-1]; a.free(i, d) {
				a.add(v, i)
			}
		}
	}
}

// augment fills the slots greedy left empty with shortest augmenting
// paths over the implicit residual network (see Assign). A visit with no
// augmenting path stays short: by the max-flow min-cut theorem no later
// augmentation can create one (a path through it would have existed
// before), so one pass over the short visits reaches the maximum flow.
func (a *assigner) augment() {
	if !a.anyShort() {
		return
	}
	for v := range a.cand {
		a.shuffleAll(v)
	}
	sr := a.newPathSearch()
	for v := range a.team {
		for len(a.team[v]) < a.size {
			endV, endI := sr.find(int32(v))
			if endV < 0 {
				break // v cannot be completed; reported by problems
			}
			sr.apply(int32(v), endV, endI)
		}
	}
}

// anyShort reports whether some visit's team has fewer than a.size
// members.
func (a *assigner) anyShort() bool {
	for v := range a.team {
		if len(a.team[v]) < a.size {
			return true
		}
	}
	return false
}

// pathSearch is the state of augment's breadth-first searches: who holds
// whom, the path back to the short visit, and per node the generation
// (search number) that last reached it, so no state is cleared between
// searches.
type pathSearch struct {
	a        *assigner
	holders  map[int32][]int32 // inspector → visits whose team holds it
	parent   []pathStep        // per visit: how the search reached it
	seenV    []int32           // per visit: generation that reached it
	seenDay  map[dayKey]int32  // per (inspector, day) node
	seenInsp map[int32]int32   // per inspector node
	gen      int32
}

// pathStep is one step of an augmenting path: visit from receives insp.
type pathStep struct {
	from int32
	insp int32
}

func (a *assigner) newPathSearch() *pathSearch {
	holders := make(map[int32][]int32)
	for v, t := range a.team {
		for _, i := range t {
			holders[i] = append(holders[i], int32(v))
		}
	}
	return &pathSearch{
		a: a, holders: holders,
		parent:  make([]pathStep, len(a.visits)),
		seenV:   make([]int32, len(a.visits)),
		seenDay: make(map[dayKey]int32), seenInsp: make(map[int32]int32),
	}
}

// find searches, breadth first, for the shortest augmenting path from the
// short visit v: a visit endV that can take a free inspector endI, reached
// through visits that each give an inspector to the previous one. It
// returns endV = -1 when there is none.
func (sr *pathSearch) find(v int32) (endV, endI int32) {
	a := sr.a
	sr.gen++
	gen := sr.gen
	queue := []int32{v}
	sr.seenV[v] = gen
	for len(queue) > 0 {
		x := queue[0]
		queue = queue[1:]
		dx := a.visits[x].Date
		for _, i := range a.cand[x] {
			if slices.Contains(a.team[x], i) || a.pool.onLeave(i, dx) {
				continue
			}
			k := dayKey{i, dx}
			if sr.seenDay[k] == gen {
				continue
			}
			sr.seenDay[k] = gen
			dayRoom := a.dayLd[k] < a.dailyCap
			if dayRoom && a.roundLd[i] < a.capOf[i] {
				return x, i
			}
			throughInsp := dayRoom && sr.seenInsp[i] != gen
			if throughInsp {
				sr.seenInsp[i] = gen
			}
			for _, y := range sr.holders[i] {
				if sr.seenV[y] == gen {
					continue
				}
				if a.visits[y].Date != dx {
					if !throughInsp {
						continue
					}
					// Reaching (i, day of y) through the inspector node.
					sr.seenDay[dayKey{i, a.visits[y].Date}] = gen
				}
				sr.seenV[y] = gen
				sr.parent[y] = pathStep{from: x, insp: i}
				queue = append(queue, y)
			}
		}
	}
	return -1, -1
}

// apply augments along the path find returned: endV takes the free endI;
// every visit y on the way back to v gives parent[y].insp to
// parent[y].from.
func (sr *pathSearch) apply(v, endV, endI int32) {
	a := sr.a
	a.add(int(endV), endI)
	sr.holders[endI] = append(sr.holders[endI], endV)
	for y := endV; y != v; {
		st := sr.parent[y]
		i := st.insp
		a.team[y] = slices.DeleteFunc(a.team[y], func(j int32) bool { return j == i })
		a.dayLd[dayKey{i, a.visits[y].Date}]--
		a.roundLd[i]--
		a.add(int(st.from), i)
		h := sr.holders[i]
		for hi, hv := range h {
			if hv == y {
				h[hi] = st.from
				break
			}
		}
		y = st.from
	}
}

// problems describes every visit left short, with the binding constraint.
func (a *assigner) problems() []string {
	var out []string
	for v, t := range a.team {
		if len(t) >= a.size {
			continue
		}
		vi := &a.visits[v]
		who := fmt.Sprintf("unit %q", vi.UnitID)
		if a.dept != "" {
			who += fmt.Sprintf(" (department %q)", a.dept)
		}
		n := len(a.cand[v])
		var why string
		switch {
		case n == 0:
			why = fmt.Sprintf("no eligible inspector (qualified for %s and covering district %q", vi.Category, vi.District)
			if a.excluded[v] > 0 {
				why += fmt.Sprintf("; %d excluded for a conflict or as last lead", a.excluded[v])
			}
			why += ")"
		case n < a.size:
			why = fmt.Sprintf("only %d eligible inspector(s) for a team of %d", n, a.size)
			if a.excluded[v] > 0 {
				why += fmt.Sprintf(" (%d more excluded for a conflict or as last lead)", a.excluded[v])
			}
		default:
			avail := 0
			for _, i := range a.cand[v] {
				if !a.pool.onLeave(i, vi.Date) {
					avail++
				}
			}
			if avail < a.size {
				why = fmt.Sprintf("only %d of %d eligible inspectors not on leave on %s", avail, n, vi.Date)
			} else {
				why = fmt.Sprintf("caps exhausted: the %d eligible inspectors available on %s are at their MaxPerRound or at %d visits that day", avail, vi.Date, a.dailyCap)
			}
		}
		out = append(out, fmt.Sprintf("%s on %s: %s", who, vi.Date, why))
	}
	return out
}
