package schedule

import (
	"fmt"
	"math"
	"sort"
	"strconv"
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
	// frac(φ_k + t·π_k) < π_k (see RotationPhases).
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

// RotationPhases computes the rotation phase φ_k ∈ [0, 1) of every unit;
// unit k is drawn in round t of the period iff frac(φ_k + t·π_k) < π_k.
// Over the R rounds of a period it is drawn ⌊Rπ_k⌋ or ⌈Rπ_k⌉ times and
// consecutive draws are ⌊1/π_k⌋ or ⌈1/π_k⌉ rounds apart (a Sturmian, or
// Beatty, sequence), and for each round P(drawn) = π_k exactly because φ_k
// is uniform on [0, 1).
//
// Units with no inspection before the period (gap[k] ≤ 0) are grouped by
// (group[k], π_k); within a group of n units the phases are the ranks r of
// u_k (their PRNs) moved by one offset c of the group, φ = (r + c)/n, so
// each round draws ⌊nπ⌋ or ⌈nπ⌉ units of the group (a window sliding
// along the PRN order; Ohlsson 1995 for PRN rotation). A unit inspected
// gap[k] ≥ 1 rounds before the period keeps its rhythm: its phase is
// φ = frac(g·π + π·u_k) with g = min(gap, ⌈1/π⌉), which puts a virtual
// draw g rounds before round 0, so its next inspection comes ⌊1/π⌋ or
// ⌈1/π⌉ rounds after the last one and not in round 0 unless that is due.
//
// u, pi, gap and group are parallel; ids break ties between equal PRNs.
// The offsets are PRN(seed, "rotation/offset", group key).
func RotationPhases(seed sampling.Seed, ids, group []string, u, pi []float64, gap []int) []float64 {
	n := len(ids)
	if len(group) != n || len(u) != n || len(pi) != n || len(gap) != n {
		panic("schedule: RotationPhases: slices of different lengths")
	}
	phase := make([]float64, n)
	byGroup := map[string][]int{}
	for k := range n {
		p := pi[k]
		if p >= 1 {
			phase[k] = 0
			continue
		}
		if gap[k] > 0 {
			g := min(gap[k], int(math.Ceil(1/p)))
			phase[k] = frac(float64(float64(g)*p) + float64(p*u[k])) // no fused multiply-add: same bits on every machine
			continue
		}
		key := group[k] + "|" + strconv.FormatFloat(p, 'g', -1, 64)
		byGroup[key] = append(byGroup[key], k)
	}
	keys := make([]string, 0, len(byGroup))
	for key := range byGroup {
		keys = append(keys, key)
	}
	sort.Strings(keys)
	for _, key := range keys {
		members := byGroup[key]
		sort.Slice(members, func(i, j int) bool {
			a, b := members[i], members[j]
			if u[a] != u[b] {
				return u[a] < u[b]
			}
			return ids[a] < ids[b]
		})
		c := sampling.PRN(seed, "rotation/offset", key)
		nn := float64(len(members))
		for r, k := range members {
			phase[k] = (float64(r) + c) / nn
		}
	}
	return phase
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
