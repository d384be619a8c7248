package schedule

import (
	"fmt"
	"math"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/firedraw/firedraw/sampling"
)

// Mode says how a unit's annual frequency is spread over the rounds of a
// period. See the package documentation for the trade-off.
type Mode uint8

// Spreading modes.
const (
	// Independent rounds (the default): every round has its own seed,
	// committed before and revealed after the round, and a unit's
	// per-round inclusion probability rises with the time since its last
	// inspection (see Spacing).
	Independent Mode = iota
	// Rotation: one period seed, committed at the start of the period and
	// revealed only at its end; unit k is drawn in round t iff
	// frac(φ_k + t·π_k) < π_k (see RotationPlan).
	Rotation
)

func (m Mode) String() string {
	switch m {
	case Independent:
		return "independent"
	case Rotation:
		return "rotation"
	}
	return fmt.Sprintf("Mode(%d)", uint8(m))
}

// MarshalText implements encoding.TextMarshaler.
func (m Mode) MarshalText() ([]byte, error) {
	if m > Rotation {
		return nil, fmt.Errorf("schedule: mode %d: %w", uint8(m), ErrBadInput)
	}
	return []byte(m.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (m *Mode) UnmarshalText(b []byte) error {
	switch string(b) {
	case "independent":
		*m = Independent
	case "rotation":
		*m = Rotation
	default:
		return fmt.Errorf("schedule: unknown mode %q (want independent or rotation): %w", b, ErrBadInput)
	}
	return nil
}

// Spacing is the gap distribution of independent rounds for a unit drawn
// with per-round probability π = 1/m (m > 1 rounds between inspections on
// average). It has two forms.
//
// The spread law, for frequent units, is the mixture
//
//	G ~ (1−φ)·U{a−w, …, a+w} + φ·U{a−w+1, …, a+w+1},
//	a = ⌊m⌋, φ = m − a, w = ⌊(a−1)/2⌋,
//
// of two discrete uniform laws, so that E[G] = a + φ = m exactly and every
// gap lies within [a−w, a+w+1] ≈ [m/2, 3m/2].
//
// The spread law keeps a unit out of the draw for about m/2 rounds after an
// inspection, which for a rarely inspected unit (m = 240 monthly rounds at
// 0.05 a year) would tell it that it is safe for ten years: deterrence
// forbids that. So when the spread law's quiet window (a−w−1 rounds)
// exceeds maxQuiet rounds, the quiet law is used instead:
//
//	G = c + Y,  c = maxQuiet,  Y ~ Geometric{1, 2, …} with q = 1/(m − c),
//
// again with E[G] = m exactly: no draw for c rounds after an inspection
// (so a unit is not drawn again at once), then the same chance q in every
// round — memoryless, so nobody learns anything from the time elapsed.
//
// A unit inspected g rounds ago is drawn in this round with the hazard
// h(g) = P(G = g)/P(G ≥ g). The inspections form a renewal process with
// mean gap m, hence exactly 1/m inspections per round, π·R = f per period
// of R rounds, in the long run (the elementary renewal theorem).
//
// A unit with no inspection on record is treated as a stationary renewal
// process observed from the start of the history: its first inspection
// comes t rounds after the start with the equilibrium delay law
// P(D = t) = P(G ≥ t)/m, whose hazard is DelayHazard. With it the expected
// number of inspections in any T rounds is exactly T/m, from the first
// round on (Cox 1962, Renewal Theory, §5.2).
//
// Nobody can compute the round of the next inspection from published
// records: each round's draw uses that round's fresh seed, so the exact
// round is random within the window.
type Spacing struct {
	m      float64
	lo, hi int     // spread law: support of the first uniform; the second is shifted by one
	phi    float64 // spread law: weight of the shifted uniform
	quiet  bool    // the quiet law is in use
	c      int     // quiet law: rounds without a draw after an inspection
	q      float64 // quiet law: hazard after the quiet rounds
}

// NewSpacing returns the gap law for per-round probability pi with at
// most maxQuiet rounds without a draw after an inspection (see Spacing);
// a negative maxQuiet means no cap (always the spread law). It panics if
// pi is not in (0, 1).
func NewSpacing(pi float64, maxQuiet int) Spacing {
	if !(pi > 0 && pi < 1) {
		panic(fmt.Sprintf("schedule: NewSpacing(%v): π must be in (0, 1)", pi))
	}
	m := 1 / pi
	a := math.Floor(m)
	phi := m - a
	ai := int(a)
	w := (ai - 1) / 2
	s := Spacing{m: m, lo: ai - w, hi: ai + w, phi: phi}
	if maxQuiet >= 0 && s.lo-1 > maxQuiet {
		return Spacing{m: m, quiet: true, c: maxQuiet, q: 1 / (m - float64(maxQuiet))}
	}
	return s
}

// Mean returns the mean gap m = 1/π.
func (s Spacing) Mean() float64 { return s.m }

// Range returns the shortest and longest possible gaps; the longest is
// math.MaxInt under the quiet law, whose gaps are unbounded.
func (s Spacing) Range() (lo, hi int) {
	if s.quiet {
		return s.c + 1, math.MaxInt
	}
	if s.phi > 0 {
		return s.lo, s.hi + 1
	}
	return s.lo, s.hi
}

func (s Spacing) width() float64 { return float64(s.hi - s.lo + 1) }

// pmf returns P(G = g).
func (s Spacing) pmf(g int) float64 {
	if s.quiet {
		if g <= s.c {
			return 0
		}
		return s.q * math.Pow(1-s.q, float64(g-s.c-1))
	}
	p := 0.0
	if g >= s.lo && g <= s.hi {
		p += 1 - s.phi
	}
	if g >= s.lo+1 && g <= s.hi+1 {
		p += s.phi
	}
	return p / s.width()
}

// uniformTail returns P(U ≥ g) for U uniform on {lo, …, hi}.
func uniformTail(lo, hi, g int) float64 {
	switch {
	case g <= lo:
		return 1
	case g > hi:
		return 0
	}
	return float64(hi-g+1) / float64(hi-lo+1)
}

// uniformExcess returns E[(U − c)⁺] for U uniform on {lo, …, hi}.
func uniformExcess(lo, hi, c int) float64 {
	switch {
	case c <= lo:
		return float64(lo+hi)/2 - float64(c)
	case c >= hi:
		return 0
	}
	k := float64(hi - c)
	return k * (k + 1) / 2 / float64(hi-lo+1)
}

// survival returns P(G ≥ g).
func (s Spacing) survival(g int) float64 {
	if s.quiet {
		if g <= s.c+1 {
			return 1
		}
		return math.Pow(1-s.q, float64(g-s.c-1))
	}
	return (1-s.phi)*uniformTail(s.lo, s.hi, g) + s.phi*uniformTail(s.lo+1, s.hi+1, g)
}

// Hazard returns the probability of an inspection in the round g ≥ 1
// rounds after the last one, given none in between: P(G = g)/P(G ≥ g).
// It is 0 for g ≤ 0 (inspected in this round already); under the spread
// law it reaches 1 at the longest gap, under the quiet law it is q after
// the quiet rounds.
func (s Spacing) Hazard(g int) float64 {
	if g <= 0 {
		return 0
	}
	if s.quiet {
		if g <= s.c {
			return 0
		}
		return s.q
	}
	sv := s.survival(g)
	if sv <= 0 {
		return 1
	}
	return math.Min(1, s.pmf(g)/sv)
}

// DelayHazard returns the probability of a first inspection in round
// t ≥ 1 of the history of a unit never inspected in rounds 1…t−1:
// P(D = t)/P(D ≥ t) with P(D = t) = P(G ≥ t)/m, that is
// P(G ≥ t) / E[(G − t + 1)⁺]. DelayHazard(1) = π.
func (s Spacing) DelayHazard(t int) float64 {
	if t <= 0 {
		t = 1
	}
	if s.quiet {
		// G ≥ c+1 ≥ t: E[(G−t+1)⁺] = m−t+1; past c+1 the law is memoryless.
		if t <= s.c+1 {
			return 1 / (s.m - float64(t) + 1)
		}
		return s.q
	}
	sv := s.survival(t)
	ex := (1-s.phi)*uniformExcess(s.lo, s.hi, t-1) + s.phi*uniformExcess(s.lo+1, s.hi+1, t-1)
	if !(ex > 0) {
		return 1
	}
	return math.Min(1, sv/ex)
}

// monthIndex counts months from year 0.
func monthIndex(t time.Time) int { return t.Year()*12 + int(t.Month()) - 1 }

// roundsBetween returns how many rounds of `months` months separate the
// round starting at start from an event on day last: 1 if last falls in
// the previous round, 0 if it falls in this round or later.
func roundsBetween(start time.Time, last Day, months int) int {
	d := monthIndex(start) - monthIndex(last.Time())
	if d <= 0 {
		return 0
	}
	return (d + months - 1) / months
}

// RotationPlan is the rotation of one period: every unit's phase φ_k in
// [0, 1) and the per-round inclusion probabilities that the phases imply
// (Ohlsson 1995 for PRN rotation). Unit k is drawn in round t of the
// period iff frac(φ_k + t·π_k) < π_k (RotationDrawn): within the period it
// is drawn ⌊Rπ_k⌋ or ⌈Rπ_k⌉ times in R rounds, consecutive draws ⌊1/π_k⌋
// or ⌈1/π_k⌉ rounds apart (a Sturmian, or Beatty, sequence). Round t draws
// the units whose phase lies in the arc I_t = [−tπ, −tπ+π) mod 1, so a
// unit's true inclusion probability in round t is the mass of its phase
// law on I_t; Round reports it.
//
// The phase law honours history. A unit that must wait w_k rounds at the
// start of the period (inspected too recently: see NewRotation) gets no
// phase mass on I_0 … I_{w−1}. Units are grouped by (group, π) and, within
// a group of n units, into classes by their wait w, of n_w units. With
// T = min(⌊1/π⌋, catchUp) rounds (at least one more than the longest
// wait), the arcs I_0 … I_{T−1} are disjoint, and the law of class w has
// density x_{w,s} on I_s (s < T) and 1 elsewhere:
//
//	x_{w,s} = 0 for s < w and T/(T−w) for s ≥ w   (w ≥ 1),
//	x_{0,s} = (n − Σ_{1≤w≤s} n_w·T/(T−w)) / n_0.
//
// Every class keeps mass Tπ on the first T arcs — a waiting unit catches
// up within T rounds, so its expected draws over the first T rounds (a
// year when catchUp is the number of rounds in a year) are exactly Tπ, as
// for a unit without history — and Σ_w n_w·x_{w,s} = n on every arc, so
// every round's expected count of the group is nπ, as the policy
// forecasts. Should some x_{0,s} come out negative (more waiting units
// than the others can stand in for), class 0 keeps the uniform law and
// the group's first rounds fall short of nπ.
//
// Within a class of m units in PRN order r = 0…m−1 (ties by ID), the
// phase is φ = G⁻¹((r + c)/m), G the class's distribution function and
// c = PRN(seed, "rotation/offset", class key): since r is uniform and c
// independent of it, φ follows the class law exactly, and each round
// draws within one of the class's expected count (a window sliding along
// the PRN order). Without waiting units every law is uniform and
// φ = (r + c)/n.
type RotationPlan struct {
	phase []float64
	pi    []float64 // each unit's period π
	law   []int32   // index into laws; −1 when π ∉ (0, 1)
	laws  []phaseLaw
}

// NewRotation computes the rotation plan of a period. ids, group, u (PRNs), pi
// (per-round probabilities of the policy) and wait are parallel; group
// keys group units (strata); ids break ties between equal PRNs. wait[k]
// is the number of rounds at the start of the period in which unit k may
// not be drawn, at most ⌊1/π_k⌋−1 (larger values are capped); catchUp
// (the rounds of a year) bounds the rounds over which a waiting unit
// catches up. It panics if the slices' lengths differ or catchUp < 1.
func NewRotation(seed sampling.Seed, ids, group []string, u, pi []float64, wait []int, catchUp int) *RotationPlan {
	n := len(ids)
	if len(group) != n || len(u) != n || len(pi) != n || len(wait) != n {
		panic("schedule: NewRotation: slices of different lengths")
	}
	if catchUp < 1 {
		panic(fmt.Sprintf("schedule: NewRotation: catchUp = %d, want at least 1", catchUp))
	}
	r := &RotationPlan{phase: make([]float64, n), pi: slices.Clone(pi), law: make([]int32, n)}
	byGroup := map[string][]int{}
	for k := range n {
		r.law[k] = -1
		if p := pi[k]; p > 0 && p < 1 {
			key := group[k] + "|" + strconv.FormatFloat(p, 'g', -1, 64)
			byGroup[key] = append(byGroup[key], k)
		}
	}
	keys := make([]string, 0, len(byGroup))
	for key := range byGroup {
		keys = append(keys, key)
	}
	sort.Strings(keys)
	for _, key := range keys {
		r.placeGroup(seed, key, byGroup[key], ids, u, wait, catchUp)
	}
	return r
}

// placeGroup computes the class laws of one (group, π) and places its
// units' phases.
func (r *RotationPlan) placeGroup(seed sampling.Seed, key string, members []int, ids []string, u []float64, wait []int, catchUp int) {
	p := r.pi[members[0]]
	cycle := int(math.Floor(1 / p))
	classes := [][]int{}
	for _, k := range members {
		w := min(max(wait[k], 0), cycle-1)
		for len(classes) <= w {
			classes = append(classes, nil)
		}
		classes[w] = append(classes[w], k)
	}
	counts := make([]int, len(classes))
	for w, c := range classes {
		counts[w] = len(c)
	}
	T := max(min(cycle, catchUp), len(classes))
	x := rotationDensities(T, counts)
	for w, cls := range classes {
		if len(cls) == 0 {
			continue
		}
		law := newPhaseLaw(p, x[w])
		idx := int32(len(r.laws))
		r.laws = append(r.laws, law)
		sort.Slice(cls, func(i, j int) bool {
			a, b := cls[i], cls[j]
			if u[a] != u[b] {
				return u[a] < u[b]
			}
			return ids[a] < ids[b]
		})
		ckey := key
		if w > 0 {
			ckey += "|wait=" + strconv.Itoa(w)
		}
		c := sampling.PRN(seed, "rotation/offset", ckey)
		m := float64(len(cls))
		for rank, k := range cls {
			r.phase[k] = law.quantile((float64(rank) + c) / m)
			r.law[k] = idx
		}
	}
}

// rotationDensities returns the densities x[w][s] of the class laws on the
// arcs I_0 … I_{T−1} for classes of counts[w] units (see RotationPlan).
func rotationDensities(T int, counts []int) [][]float64 {
	x := make([][]float64, len(counts))
	n := 0
	for _, c := range counts {
		n += c
	}
	for w := range counts {
		x[w] = make([]float64, T)
		for s := w; s < T; s++ {
			x[w][s] = float64(T) / float64(T-w)
		}
	}
	if len(counts) == 1 || counts[0] == 0 {
		return x
	}
	comp := make([]float64, T)
	for s := range T {
		stand := 0.0 // load of the waiting classes on arc s
		for w := 1; w < len(counts) && w <= s; w++ {
			stand += float64(counts[w]) * x[w][s]
		}
		comp[s] = (float64(n) - stand) / float64(counts[0])
		if comp[s] < 0 {
			return x // cannot stand in: class 0 stays uniform
		}
	}
	x[0] = comp
	return x
}

// phaseLaw is a piecewise-uniform law on [0, 1): density dens[i] on
// [start[i], start[i+1]) (the last piece ends at 1).
type phaseLaw struct {
	pi      float64
	uniform bool
	start   []float64
	dens    []float64
	cdf     []float64 // cdf[i]: mass below start[i]; cdf[len(start)]: total
}

// newPhaseLaw returns the law with density x[s] on I_s for s < len(x) and
// 1 on the rest of the circle.
func newPhaseLaw(p float64, x []float64) phaseLaw {
	uniform := true
	for _, v := range x {
		uniform = uniform && v == 1
	}
	if uniform {
		return phaseLaw{pi: p, uniform: true}
	}
	T := len(x)
	// In φ order: I_0 = [0, π), the rest [π, 1−(T−1)π), then I_{T−1} … I_1,
	// I_s = [1−sπ, 1−(s−1)π).
	l := phaseLaw{pi: p, start: []float64{0, p}, dens: []float64{x[0], 1}}
	for s := T - 1; s >= 1; s-- {
		l.start = append(l.start, 1-float64(float64(s)*p))
		l.dens = append(l.dens, x[s])
	}
	for i := 1; i < len(l.start); i++ {
		l.start[i] = max(l.start[i], l.start[i-1]) // rounding may invert an empty rest
	}
	l.cdf = make([]float64, len(l.start)+1)
	for i := range l.start {
		l.cdf[i+1] = l.cdf[i] + float64((l.end(i)-l.start[i])*l.dens[i])
	}
	return l
}

func (l *phaseLaw) end(i int) float64 {
	if i+1 < len(l.start) {
		return l.start[i+1]
	}
	return 1
}

// quantile returns G⁻¹(q) for q in [0, 1).
func (l *phaseLaw) quantile(q float64) float64 {
	if l.uniform {
		return q
	}
	total := l.cdf[len(l.start)]
	x := float64(q * total)
	// First piece whose mass ends above x: pieces without mass are skipped.
	i := sort.Search(len(l.start), func(i int) bool { return l.cdf[i+1] > x })
	i = min(i, len(l.start)-1)
	for i > 0 && l.dens[i] == 0 {
		i--
	}
	phi := l.start[i] + (x-l.cdf[i])/l.dens[i]
	if e := l.end(i); phi >= e {
		phi = math.Nextafter(e, 0)
	}
	return max(phi, l.start[i])
}

// cum returns G(φ), the mass below φ in [0, 1], unnormalised.
func (l *phaseLaw) cum(phi float64) float64 {
	i := sort.Search(len(l.start), func(i int) bool { return l.start[i] > phi }) - 1
	if i < 0 {
		return 0
	}
	return l.cdf[i] + float64((min(phi, l.end(i))-l.start[i])*l.dens[i])
}

// roundPi returns the probability that the phase lies in I_t.
func (l *phaseLaw) roundPi(t int) float64 {
	a := frac(-float64(float64(t) * l.pi))
	b := a + l.pi
	if l.uniform {
		return l.pi
	}
	mass := l.cum(min(b, 1)) - l.cum(a)
	if b > 1 {
		mass += l.cum(b - 1)
	}
	return min(1, max(0, mass/l.cdf[len(l.start)]))
}

// Phase returns unit k's phase φ_k.
func (r *RotationPlan) Phase(k int) float64 { return r.phase[k] }

// Round writes into pi each unit's true inclusion probability in round t
// of the period and into drawn whether it is drawn: drawn[k] iff π > 0
// and frac(φ_k + t·π_k) < π_k. It panics if the slices' lengths differ
// from the number of units.
func (r *RotationPlan) Round(t int, pi []float64, drawn []bool) {
	if len(pi) != len(r.phase) || len(drawn) != len(r.phase) {
		panic("schedule: RotationPlan.Round: slices of different lengths")
	}
	lawPi := make([]float64, len(r.laws))
	for i := range r.laws {
		lawPi[i] = r.laws[i].roundPi(t)
	}
	for k := range r.phase {
		p := r.pi[k]
		switch {
		case r.law[k] >= 0:
			pi[k] = lawPi[r.law[k]]
		case p >= 1:
			pi[k] = 1
		default:
			pi[k] = 0
		}
		drawn[k] = pi[k] > 0 && RotationDrawn(r.phase[k], p, t)
	}
}

// RotationDrawn reports whether a unit with phase φ and per-round
// probability π is drawn in round t: frac(φ + t·π) < π.
func RotationDrawn(phase, pi float64, t int) bool {
	if pi >= 1 {
		return true
	}
	return frac(phase+float64(float64(t)*pi)) < pi
}

func frac(x float64) float64 { return x - math.Floor(x) }

// drawRound computes every unit's π in round `round` and draws the round
// (steps 2 and 3 of PlanRound): the π it returns are the units' true
// inclusion probabilities in the round, given the frame.
func drawRound(cfg *Config, frame *Frame, round int, seed sampling.Seed, stream string) (pi, prn []float64, selected []bool, err error) {
	n := frame.Len()
	prn = make([]float64, n)
	selected = make([]bool, n)
	st := frame.strataOf()
	if cfg.Mode == Rotation {
		return drawRotation(cfg, frame, round, st, seed, prn, selected), prn, selected, nil
	}
	pi, err = independentProbabilities(cfg, frame, round, st)
	if err != nil {
		return nil, nil, nil, err
	}
	applyContinuity(cfg, frame, pi) // open-tasks/v1: a unit with an open task waits
	return pi, prn, selected, drawIndependent(st, pi, seed, stream, prn, selected)
}

// policyPi returns the policy's per-round probability f/rounds-per-year,
// capped at 1.
func policyPi(annual, perYear float64) float64 { return math.Min(1, annual/perYear) }

// independentProbabilities returns every unit's π in round `round` of
// independent rounds: the hazard of its Spacing, given the rounds since
// its last inspection (Spacing.Hazard) or since HistoryStart
// (Spacing.DelayHazard), balanced within each stratum (balanceStrata).
func independentProbabilities(cfg *Config, frame *Frame, round int, st *strataIndex) ([]float64, error) {
	units := frame.units
	pol := make([]float64, len(units))
	h := make([]float64, len(units))
	due := make([]bool, len(units))
	perYear := float64(12 / cfg.monthsPerRound())
	months := cfg.monthsPerRound()
	start := cfg.Rounds[round].Start
	sinceHistory := 1
	if d := monthIndex(start) - monthIndex(cfg.historyStart()); d > 0 {
		sinceHistory = d/months + 1
	}
	quiet := cfg.maxQuiet()
	parallel(len(units), func(lo, hi int) {
		for k := lo; k < hi; k++ {
			p := policyPi(units[k].Annual, perYear)
			pol[k] = p
			if p <= 0 || p >= 1 {
				h[k] = p
				continue
			}
			hk := &frame.hist[k]
			last := hk.lastRandom
			if cfg.ExcludeVisited {
				last = max(last, hk.lastVisit)
			}
			s := NewSpacing(p, quiet)
			g := sinceHistory
			if last != NoDay {
				g = roundsBetween(start, last, months)
				h[k] = s.Hazard(g)
			} else {
				h[k] = s.DelayHazard(g)
			}
			if _, longest := s.Range(); h[k] >= 1 && g <= longest {
				due[k] = true
			}
		}
	})
	return h, balanceStrata(st, pol, h, due)
}

// balanceStrata makes every stratum's expected count in the round the
// policy's, whatever the history. Within a stratum, among the units with
// 0 < p_k < 1 (p_k the policy's per-round probability): the units due
// (due[k]: hazard 1 at exactly the longest gap of their law, so within
// the law's range) keep π = 1; the hazards h_k of the others become
// π_k ∝ h_k, capped at 1, with Σπ_k = Σp_k − #due
// (sampling.InclusionProbabilities; all positive h become 1 if that
// reaches their number; left as they are if the due units alone reach
// Σp_k). Units waiting after a recent inspection (h = 0) stay at 0; the
// others stand in for them. In a stationary population Σh_k ≈ Σp_k
// already and the factor is about 1; after an uneven history (many units
// inspected at once, or some not for longer than the law allows: a
// backlog, spread over the rounds at the policy's pace instead of drawn
// at once) it keeps the load, and so each level's annual frequency, at
// the policy from the first round. h is rewritten in place.
func balanceStrata(st *strataIndex, p, h []float64, due []bool) error {
	var idx []int32
	var w []float64
	for si, members := range st.members {
		idx, w = idx[:0], w[:0]
		target, positive := 0.0, 0
		for _, k := range members {
			if !(p[k] > 0 && p[k] < 1) {
				continue
			}
			target += p[k]
			if due[k] {
				target--
				continue
			}
			idx = append(idx, k)
			w = append(w, h[k])
			if h[k] > 0 {
				positive++
			}
		}
		if positive == 0 || target <= 0 {
			continue
		}
		if target >= float64(positive) {
			for _, k := range idx {
				if h[k] > 0 {
					h[k] = 1
				}
			}
			continue
		}
		pi, err := sampling.InclusionProbabilities(w, target)
		if err != nil {
			return fmt.Errorf("stratum %q: %w", st.keys[si], err)
		}
		for i, k := range idx {
			h[k] = pi[i]
		}
	}
	return nil
}

// drawIndependent draws every stratum by systematic πps over the PRNs of
// stream (sampling.SelectPart, the stratum key drawing the start).
func drawIndependent(st *strataIndex, pi []float64, seed sampling.Seed, stream string, prn []float64, selected []bool) error {
	keys, strata := st.keys, st.members
	// Strata are independent draws writing disjoint units: run them on
	// every core, largest first.
	order := make([]int, len(keys))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return len(strata[order[a]]) > len(strata[order[b]]) })
	errs := make([]error, len(keys))
	next := make(chan int, len(order))
	for _, si := range order {
		next <- si
	}
	close(next)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var pis []float64
			for si := range next {
				key, members, ids := keys[si], strata[si], st.ids[si]
				pis = pis[:0]
				anyPos := false
				for _, k := range members {
					pis = append(pis, pi[k])
					anyPos = anyPos || pi[k] > 0
				}
				if !anyPos {
					u := sampling.PRNs(seed, stream, ids, nil)
					for i, k := range members {
						prn[k] = u[i]
					}
					continue
				}
				s, err := sampling.SelectPart(sampling.Systematic, ids, pis, seed, stream, key)
				if err != nil {
					errs[si] = fmt.Errorf("stratum %q: %w", key, err)
					continue
				}
				for i, k := range members {
					prn[k] = s.PRN[i]
					selected[k] = s.Selected[i]
				}
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// drawRotation draws round `round` of a rotation period and returns every
// unit's π in it. A unit inspected g rounds before the period waits
// max(0, lo − g) rounds, lo the shortest gap of its Spacing (at most
// MaxQuiet+1 rounds after an inspection), and catches up within a year.
func drawRotation(cfg *Config, frame *Frame, round int, st *strataIndex, seed sampling.Seed, prn []float64, selected []bool) []float64 {
	units := frame.units
	n := len(units)
	ids := make([]string, n)
	group := make([]string, n)
	pol := make([]float64, n)
	wait := make([]int, n)
	months := cfg.monthsPerRound()
	perYear := 12 / months
	start := cfg.Rounds[0].Start
	for si, key := range st.keys {
		for _, k := range st.members[si] {
			group[k] = key
		}
	}
	shortest := map[float64]int{}
	for k := range units {
		ids[k] = units[k].ID
		p := policyPi(units[k].Annual, float64(perYear))
		pol[k] = p
		last := frame.hist[k].lastRandom
		if cfg.ExcludeVisited {
			last = max(last, frame.hist[k].lastVisit)
		}
		if last == NoDay || p <= 0 || p >= 1 {
			continue
		}
		lo, ok := shortest[p]
		if !ok {
			lo, _ = NewSpacing(p, cfg.maxQuiet()).Range()
			shortest[p] = lo
		}
		wait[k] = max(0, lo-roundsBetween(start, last, months))
	}
	sampling.PRNs(seed, "rotation", ids, prn)
	pi := make([]float64, n)
	NewRotation(seed, ids, group, prn, pol, wait, perYear).Round(round, pi, selected)
	return pi
}

// roundProbabilities returns every unit's π in round `round` of
// independent rounds before the continuity rule, as drawRound computes
// them (Reasons explains these).
func roundProbabilities(cfg *Config, frame *Frame, round int) ([]float64, error) {
	return independentProbabilities(cfg, frame, round, frame.strataOf())
}
