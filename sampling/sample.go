package sampling

import (
	"fmt"
	"math"
	"strings"
)

// Design is a sampling design. The zero value is Systematic, the default:
// fixed size and exact inclusion probabilities. See the package
// documentation for a table of the designs' properties.
type Design uint8

const (
	// Systematic is systematic πps sampling over the units in PRN order
	// (Madow 1949; Tillé 2006, §7.2 "randomly ordered systematic"): fixed
	// size, exact π. See Select for the details.
	Systematic Design = iota
	// Pareto is Pareto order sampling (Rosén 1997): fixed size; its true
	// inclusion probabilities differ slightly from the targets and are
	// reported in Sample.Pi.
	Pareto
	// Poisson is Poisson sampling: each unit independently, exact π, random
	// size.
	Poisson
	numDesigns
)

var designNames = [numDesigns]string{"systematic", "pareto", "poisson"}

func (d Design) String() string {
	if d < numDesigns {
		return designNames[d]
	}
	return fmt.Sprintf("Design(%d)", uint8(d))
}

// ParseDesign parses the name String returns ("systematic", "pareto",
// "poisson"), ignoring case and surrounding spaces.
func ParseDesign(s string) (Design, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	for d, name := range designNames {
		if t == name {
			return Design(d), nil
		}
	}
	return 0, fmt.Errorf("sampling: unknown design %q (want systematic, pareto or poisson)", s)
}

// MarshalText implements encoding.TextMarshaler.
func (d Design) MarshalText() ([]byte, error) {
	if d >= numDesigns {
		return nil, fmt.Errorf("sampling: unknown design %d", uint8(d))
	}
	return []byte(d.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (d *Design) UnmarshalText(b []byte) error {
	v, err := ParseDesign(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// Sample is the outcome of a draw: one entry per frame unit, in the order of
// the input — nothing is lost.
type Sample struct {
	Design   Design
	IDs      []string
	Target   []float64 // the π asked for
	Pi       []float64 // the π the design realises: == Target for Systematic and Poisson; Pareto: see Select
	PRN      []float64 // PRN(seed, stream, IDs[k])
	Selected []bool
	Size     int // number selected

	scratch []ordRec // SelectInto's sort buffer, kept for the next draw
}

// Select draws a sample with the given design from the frame ids with target
// inclusion probabilities pi (for example from InclusionProbabilities), using
// the permanent random numbers PRN(seed, stream, id). The result does not
// depend on the order of the frame. ids and pi are not modified; Sample.IDs
// and Sample.Target are ids and pi themselves (not copies, which would cost
// 240 MB at 10^7 units), so do not modify them while the Sample is in use.
//
// Per design (certain units, π = 1, are always selected and units with π = 0
// never; the rest are "uncertain"):
//
//   - Systematic: the uncertain units are ordered by PRN (ties by ID), their
//     π cumulated in that order (V_0 = 0, V_j = V_{j-1} + π_j), and unit j is
//     selected when a point a + m, m = 0, 1, …, falls in [V_{j-1}, V_j),
//     where the start a = the PRN of the stratum key "" under the label
//     "firedraw/start/v1" (see PRN). Each unit is selected with probability
//     exactly π_j. When Σπ is an integer (within 1e-9 relative) the size is
//     exactly Σπ; otherwise it is ⌊Σπ⌋ or ⌈Σπ⌉, the latter with probability
//     Σπ − ⌊Σπ⌋, and each π is still exact.
//   - Poisson: unit k is selected iff PRN_k < π_k. Exact π, random size.
//   - Pareto: the uncertain units are ranked by q_k = [u_k/(1−u_k)] /
//     [π_k/(1−π_k)] (ties by ID) and the n = Σπ smallest taken; Σπ over the
//     uncertain units must be an integer within 1e-6 (ErrBadProbability
//     otherwise). Sample.Pi holds the true inclusion probabilities, computed
//     as in Aires (1999) by numerical integration of the order statistics of
//     the ranking variables: with an exact Poisson-binomial distribution
//     when there are at most 200 uncertain units (error below 1e-6), with its
//     normal approximation beyond (cost O(N) per quadrature node, 256 nodes;
//     error O(1/σ) where σ² = Σπ(1−π)).
//
// Errors: an empty frame (ErrEmptyFrame); a duplicate ID (ErrDuplicateUnit); a
// π outside [0, 1] or NaN (ErrBadProbability); no unit with π > 0
// (ErrBadSize). Select panics if len(ids) != len(pi) or the frame has 2^31
// units or more.
func Select(design Design, ids []string, pi []float64, seed Seed, stream string) (*Sample, error) {
	if len(ids) != len(pi) {
		panic(fmt.Sprintf("sampling: Select: %d IDs but %d probabilities", len(ids), len(pi)))
	}
	s := &Sample{Design: design, IDs: ids, Target: pi}
	if err := selectInto(s, seed, stream, "", nil); err != nil {
		return nil, err
	}
	return s, nil
}

// SelectInto is Select writing the draw into s: it reuses the memory of
// s.PRN and s.Selected when their capacity is at least len(ids), so a
// service that draws repeatedly from frames of similar size touches no
// fresh memory (at 10^7 units, 90 MB that would cost about 60 ms of page
// faults on a typical virtual machine, and garbage for the collector).
// s also keeps the sort buffer of the draw (16 bytes a unit) for the next
// one, so do not call SelectInto on one Sample (or copies of it) from two
// goroutines at once. Every field of s is overwritten; slices previously
// taken from s.PRN or s.Selected see the new draw. On error s is left in an unspecified state.
// SelectInto panics if len(ids) != len(pi) or the frame has 2^31 units or
// more.
func SelectInto(s *Sample, design Design, ids []string, pi []float64, seed Seed, stream string) error {
	if len(ids) != len(pi) {
		panic(fmt.Sprintf("sampling: Select: %d IDs but %d probabilities", len(ids), len(pi)))
	}
	*s = Sample{Design: design, IDs: ids, Target: pi, PRN: s.PRN, Selected: s.Selected, scratch: s.scratch}
	return selectInto(s, seed, stream, "", &s.scratch)
}

// SelectPart is Select for one part (a stratum) of a larger frame whose
// units share one PRN stream: every unit's PRN is PRN(seed, stream, id),
// whatever its part, so a unit's number can be checked without knowing
// its part; the random start of the systematic design is drawn from
// (seed, stream, part), so that the parts' starts are independent, as in
// Stratified. SelectPart(…, "") is Select. It panics as Select does.
func SelectPart(design Design, ids []string, pi []float64, seed Seed, stream, part string) (*Sample, error) {
	if len(ids) != len(pi) {
		panic(fmt.Sprintf("sampling: SelectPart: %d IDs but %d probabilities", len(ids), len(pi)))
	}
	s := &Sample{Design: design, IDs: ids, Target: pi}
	if err := selectInto(s, seed, stream, part, nil); err != nil {
		return nil, err
	}
	return s, nil
}

// selectInto fills s.PRN, s.Pi, s.Selected and s.Size from s.IDs and
// s.Target; part names the sub-frame (stratum) for the systematic start;
// scratch, when not nil, is the sort buffer to reuse (see prnOrder).
func selectInto(s *Sample, seed Seed, stream, part string, scratch *[]ordRec) error {
	n := len(s.IDs)
	if n >= math.MaxInt32 {
		panic("sampling: frame of 2^31 units or more")
	}
	if n == 0 {
		return fmt.Errorf("sampling: no units: %w", ErrEmptyFrame)
	}
	if s.Design >= numDesigns {
		return fmt.Errorf("sampling: unknown design %d", uint8(s.Design))
	}
	if cap(s.PRN) < n {
		s.PRN = make([]float64, n)
	}
	s.PRN = s.PRN[:n]
	if cap(s.Selected) < n {
		s.Selected = make([]bool, n)
	}
	s.Selected = s.Selected[:n]
	clear(s.Selected)
	k0, k1 := prnKey(seed, prnLabel, stream)
	sc := scanFrame(k0, k1, s.IDs, s.Target, s.PRN, s.Selected)
	if sc.bad >= 0 {
		return checkProbabilities(s.IDs[:sc.bad+1], s.Target[:sc.bad+1])
	}
	if !sc.drawable {
		return fmt.Errorf("sampling: all %d units have π = 0: %w", n, ErrBadSize)
	}
	// Sorting every unit by (PRN, ID) also finds duplicate IDs (see
	// prnOrder).
	var sys *systematicPass
	visit := func([]ordRec) {}
	if s.Design == Systematic {
		sys = &systematicPass{a: startPRN(seed, stream, part)}
		visit = func(recs []ordRec) { sys.feed(recs, s.Selected) }
	}
	if first, second := prnOrder(s.PRN, s.Target, s.IDs, sc.counts, scratch, visit); first >= 0 {
		return &UnitError{Index: second, ID: s.IDs[second], What: fmt.Sprintf("same ID as unit %d", first), Err: ErrDuplicateUnit}
	}
	s.Pi = s.Target
	switch s.Design {
	case Systematic:
		s.Size = sc.certain + sys.finish(s.Selected)
		return nil
	case Poisson:
		poisson(s.Target, s.PRN, s.Selected)
	case Pareto:
		uncertain := uncertainUnits(s.Target)
		k, err := paretoSize(s.Target, uncertain)
		if err != nil {
			return err
		}
		paretoSelect(s.IDs, s.Target, s.PRN, uncertain, k, s.Selected)
		s.Pi = paretoPi(s.Target, uncertain, k)
	}
	s.Size = 0
	for _, b := range s.Selected {
		if b {
			s.Size++
		}
	}
	return nil
}

// frameScan is what scanFrame finds in one pass over the frame.
type frameScan struct {
	counts   [][prnBuckets]int32 // per block, units per bucket (see prnOrder); nil for small frames
	bad      int                 // the first unit whose π is NaN or outside [0, 1], or -1
	certain  int                 // units with π = 1
	drawable bool                // some π > 0
}

// scanFrame computes the PRNs u of ids under the SipHash key (k0, k1),
// marks the certain units (π = 1) in selected, checks pi and counts the
// units per bucket of prnOrder, in one pass over the frame in parallel
// blocks. When a π is bad it stops early: only sc.bad is then meaningful.
func scanFrame(k0, k1 uint64, ids []string, pi, u []float64, selected []bool) frameScan {
	n := len(ids)
	p := prnBlocks(n)
	sc := frameScan{bad: -1}
	count := n > 4*prnBuckets
	if count {
		sc.counts = make([][prnBuckets]int32, p)
	}
	type result struct {
		bad, certain int
		drawable     bool
	}
	res := make([]result, p)
	runBlocks(p, func(w int) {
		lo, hi := w*n/p, (w+1)*n/p
		r := result{bad: -1}
		const chunk = 512
		for c := lo; c < hi; c += chunk {
			e := min(c+chunk, hi)
			prnRange(k0, k1, ids[c:e], u[c:e])
			pp, sel := pi[c:e], selected[c:e]
			sel = sel[:len(pp)]
			for j, x := range pp {
				if !(x >= 0 && x <= 1) {
					r.bad = c + j
					res[w] = r
					return
				}
				if x == 1 {
					sel[j] = true
					r.certain++
				}
				r.drawable = r.drawable || x > 0
			}
			if count {
				cnt := &sc.counts[w]
				for _, x := range u[c:e] {
					cnt[prnBucket(x)&(prnBuckets-1)]++
				}
			}
		}
		res[w] = r
	})
	for _, r := range res {
		if r.bad >= 0 && (sc.bad < 0 || r.bad < sc.bad) {
			sc.bad = r.bad
		}
		sc.certain += r.certain
		sc.drawable = sc.drawable || r.drawable
	}
	return sc
}

// uncertainUnits lists the units with 0 < π < 1.
func uncertainUnits(pi []float64) []int32 {
	var out []int32
	for i, p := range pi {
		if p > 0 && p < 1 {
			out = append(out, int32(i))
		}
	}
	return out
}
