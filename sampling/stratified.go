package sampling

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
)

// Allocation says how a stratified draw divides its sample among strata.
type Allocation uint8

const (
	// Proportional allocates n_h ∝ N_h, the number of units with positive
	// weight in stratum h (the zero value).
	Proportional Allocation = iota
	// Neyman allocates n_h ∝ N_h·S_h (Neyman 1934; Cochran 1977, §5.5),
	// with S_h the stratum's Stratum.SD.
	Neyman
	// FixedCount takes Stratum.Count units from each stratum.
	FixedCount
	// BySum uses the weights as the inclusion probabilities themselves
	// (each in [0, 1]; e.g. per-round π from annual inspection
	// frequencies), so n_h = Σ_h π.
	BySum
)

var allocationNames = [...]string{"proportional", "neyman", "fixed", "by-sum"}

func (a Allocation) String() string {
	if int(a) < len(allocationNames) {
		return allocationNames[a]
	}
	return fmt.Sprintf("Allocation(%d)", uint8(a))
}

// Stratum configures one stratum of a Stratified draw. The zero value is a
// systematic draw with no bounds.
type Stratum struct {
	Design Design  // the stratum's design
	Count  int     // FixedCount: the stratum's sample size
	SD     float64 // Neyman: the standard deviation of the study variable in the stratum (> 0)
	Min    int     // the smallest sample size of the stratum (Proportional, Neyman)
	Max    int     // the largest sample size of the stratum; 0: no bound (Proportional, Neyman)
}

// Stratified is a stratified draw: the frame is split into strata by a key
// (such as risk level × district), each stratum gets a sample size by the
// Allocation and draws independently with its own design. Within a stratum
// π ∝ weight, capped at 1 (InclusionProbabilities), except with BySum. The
// zero value allocates proportionally and draws systematically, but needs
// N.
type Stratified struct {
	Allocation Allocation
	N          int                // total sample size (Proportional, Neyman)
	Default    Stratum            // the configuration of strata not in Strata
	Strata     map[string]Stratum // per-stratum configuration by key
}

// StratumSize reports one stratum of a stratified draw.
type StratumSize struct {
	Key    string
	Design Design
	Units  int     // units in the frame
	Target float64 // Σπ, the expected sample size
	Size   int     // units selected
}

// StratifiedSample is the outcome of a stratified draw: one Sample for the
// whole frame (Sample.Design is the Default design; each stratum's design
// is in Strata) and the sizes per stratum, sorted by key.
type StratifiedSample struct {
	Sample
	Strata []StratumSize
}

func (st Stratified) spec(key string) Stratum {
	if s, ok := st.Strata[key]; ok {
		return s
	}
	return st.Default
}

// Select draws the stratified sample from the frame ids with stratum keys
// keys and weights w (nil: equal weights; with BySum the π themselves),
// using PRN(seed, stream, id) for every unit whatever its stratum, and for
// stratum h the systematic start of sub-frame key h (see PRN). Like the
// package's Select, the result does not depend on the order of the frame.
//
// Allocation of a total N (Proportional, Neyman): the real shares are
// clamped to [Min, Max] and to the number of units with positive weight,
// with the rest redistributed among the unclamped strata until none
// violates a bound, then rounded by largest remainder (ties by key) so the
// sizes sum to N exactly.
//
// Errors: those of the package's Select and InclusionProbabilities, naming
// the unit; ErrBadSize when the bounds make N impossible, a Count is out of
// range, or N ≤ 0; ErrBadWeight for a Neyman SD that is not positive and
// finite (naming the stratum). It panics if ids, keys and a non-nil w have
// different lengths.
func (st Stratified) Select(ids, keys []string, w []float64, seed Seed, stream string) (*StratifiedSample, error) {
	if len(keys) != len(ids) || (w != nil && len(w) != len(ids)) {
		panic(fmt.Sprintf("sampling: Stratified.Select: %d IDs, %d keys, %d weights", len(ids), len(keys), len(w)))
	}
	if len(ids) == 0 {
		return nil, fmt.Errorf("sampling: no units: %w", ErrEmptyFrame)
	}
	if int(st.Allocation) >= len(allocationNames) {
		return nil, fmt.Errorf("sampling: unknown allocation %d", uint8(st.Allocation))
	}
	if err := st.checkWeights(ids, w); err != nil {
		return nil, err
	}
	names, groups, positive := groupStrata(keys, w)
	sizes, err := st.allocate(names, positive)
	if err != nil {
		return nil, err
	}
	out := &StratifiedSample{Sample: Sample{
		Design:   st.Default.Design,
		IDs:      ids,
		Target:   make([]float64, len(ids)),
		Pi:       make([]float64, len(ids)),
		PRN:      make([]float64, len(ids)),
		Selected: make([]bool, len(ids)),
	}}
	for h, k := range names {
		size, err := st.drawStratum(&out.Sample, k, groups[k], w, sizes[h], seed, stream)
		if err != nil {
			return nil, err
		}
		out.Size += size.Size
		out.Strata = append(out.Strata, size)
	}
	// A duplicate ID in two strata escapes the per-stratum checks; equal
	// IDs have equal PRNs, so the PRN order finds them.
	if first, second := prnOrder(out.PRN, out.Target, ids, nil, nil, func([]ordRec) {}); first >= 0 {
		return nil, &UnitError{Index: second, ID: ids[second], What: fmt.Sprintf("same ID as unit %d", first), Err: ErrDuplicateUnit}
	}
	return out, nil
}

// checkWeights validates every weight (every π with BySum), naming the
// first bad unit; nil w means equal weights.
func (st Stratified) checkWeights(ids []string, w []float64) error {
	for i := range ids {
		x := 1.0
		if w != nil {
			x = w[i]
		}
		if st.Allocation == BySum {
			if !(x >= 0 && x <= 1) {
				return &UnitError{Index: i, ID: ids[i], What: "π " + strconv.FormatFloat(x, 'g', -1, 64), Err: ErrBadProbability}
			}
		} else if !(x >= 0) || math.IsInf(x, 1) {
			return &UnitError{Index: i, ID: ids[i], What: "weight " + strconv.FormatFloat(x, 'g', -1, 64), Err: ErrBadWeight}
		}
	}
	return nil
}

// groupStrata groups the units by key. It returns the keys sorted (so the
// result does not depend on the frame's order), each key's unit indices
// in frame order, and the number of units with positive weight per key.
func groupStrata(keys []string, w []float64) (names []string, groups map[string][]int32, positive []int) {
	groups = map[string][]int32{}
	for i, k := range keys {
		groups[k] = append(groups[k], int32(i))
	}
	names = make([]string, 0, len(groups))
	for k := range groups {
		names = append(names, k)
	}
	slices.Sort(names)
	positive = make([]int, len(names))
	for h, k := range names {
		for _, i := range groups[k] {
			if w == nil || w[i] > 0 {
				positive[h]++
			}
		}
	}
	return names, groups, positive
}

// drawStratum draws stratum key, whose units are idx of the frame, with
// sample size size (unused with BySum), and writes its units' target π,
// realised π, PRN and selection into out at their frame positions.
func (st Stratified) drawStratum(out *Sample, key string, idx []int32, w []float64, size int, seed Seed, stream string) (StratumSize, error) {
	sub := &Sample{Design: st.spec(key).Design, IDs: make([]string, len(idx)), Target: make([]float64, len(idx))}
	sw := make([]float64, len(idx))
	for j, i := range idx {
		sub.IDs[j] = out.IDs[i]
		sw[j] = 1
		if w != nil {
			sw[j] = w[i]
		}
	}
	switch {
	case st.Allocation == BySum:
		copy(sub.Target, sw)
	case size > 0:
		if err := inclusionInto(sub.Target, sw, float64(size), sub.IDs); err != nil {
			return StratumSize{}, fmt.Errorf("sampling: stratum %q: %w", key, err)
		}
	}
	res := StratumSize{Key: key, Design: sub.Design, Units: len(idx)}
	var total exactSum
	for _, p := range sub.Target {
		total.add(p)
	}
	res.Target = total.value()
	if res.Target > 0 {
		if err := selectInto(sub, seed, stream, key, nil); err != nil {
			return StratumSize{}, remapUnitError(err, idx, key)
		}
	} else {
		sub.PRN = PRNs(seed, stream, sub.IDs, nil)
		sub.Pi = sub.Target
		sub.Selected = make([]bool, len(idx))
	}
	for j, i := range idx {
		out.Target[i] = sub.Target[j]
		out.Pi[i] = sub.Pi[j]
		out.PRN[i] = sub.PRN[j]
		out.Selected[i] = sub.Selected[j]
	}
	res.Size = sub.Size
	return res, nil
}

// remapUnitError turns a stratum-local unit index into the frame's index.
func remapUnitError(err error, idx []int32, key string) error {
	if ue, ok := err.(*UnitError); ok {
		c := *ue
		c.Index = int(idx[ue.Index])
		return &c
	}
	return fmt.Errorf("sampling: stratum %q: %w", key, err)
}

// allocate returns the integer sample size of each stratum (names sorted):
// the given counts (FixedCount), nothing (BySum), or N shared in
// proportion to the strata's positive units (times SD for Neyman),
// clamped to their bounds and rounded by largest remainder.
func (st Stratified) allocate(names []string, positive []int) ([]int, error) {
	switch st.Allocation {
	case BySum:
		return make([]int, len(names)), nil // unused: the π are given
	case FixedCount:
		return st.fixedCounts(names, positive)
	}
	if st.N <= 0 {
		return nil, fmt.Errorf("sampling: stratified N = %d: %w", st.N, ErrBadSize)
	}
	share, lo, hi, err := st.sharesAndBounds(names, positive)
	if err != nil {
		return nil, err
	}
	alloc := clampShares(float64(st.N), share, lo, hi)
	return roundLargestRemainder(alloc, hi, st.N)
}

// fixedCounts returns each stratum's Count, checked against its units of
// positive weight.
func (st Stratified) fixedCounts(names []string, positive []int) ([]int, error) {
	sizes := make([]int, len(names))
	for h, k := range names {
		c := st.spec(k).Count
		if c < 0 || c > positive[h] {
			return nil, fmt.Errorf("sampling: stratum %q: count %d with %d units of positive weight: %w", k, c, positive[h], ErrBadSize)
		}
		sizes[h] = c
	}
	return sizes, nil
}

// sharesAndBounds returns each stratum's unnormalised share of N and its
// bounds [lo, hi] (Min and Max, within its units of positive weight), or an
// error when a Neyman SD is bad or the bounds cannot hold N.
func (st Stratified) sharesAndBounds(names []string, positive []int) (share, lo, hi []float64, err error) {
	H := len(names)
	share, lo, hi = make([]float64, H), make([]float64, H), make([]float64, H)
	var sumLo, sumHi float64
	for h, k := range names {
		s := st.spec(k)
		share[h] = float64(positive[h])
		if st.Allocation == Neyman {
			if !(s.SD > 0) || math.IsInf(s.SD, 1) {
				return nil, nil, nil, fmt.Errorf("sampling: stratum %q: Neyman SD %v: %w", k, s.SD, ErrBadWeight)
			}
			share[h] *= s.SD
		}
		hi[h] = float64(positive[h])
		if s.Max > 0 && float64(s.Max) < hi[h] {
			hi[h] = float64(s.Max)
		}
		lo[h] = math.Min(float64(max(s.Min, 0)), hi[h])
		sumLo += lo[h]
		sumHi += hi[h]
	}
	if N := float64(st.N); sumLo > N || sumHi < N {
		return nil, nil, nil, fmt.Errorf("sampling: stratified N = %d outside the bounds [%v, %v] of the strata: %w", st.N, sumLo, sumHi, ErrBadSize)
	}
	return share, lo, hi, nil
}

// clampShares shares N in proportion to share, clamping iteratively: it
// fixes strata whose share violates a bound and redistributes the rest
// among the others (at most H rounds).
func clampShares(N float64, share, lo, hi []float64) []float64 {
	H := len(share)
	alloc := make([]float64, H)
	fixed := make([]bool, H)
	for range H + 1 {
		rest, weight := N, 0.0
		for h := range H {
			if fixed[h] {
				rest -= alloc[h]
			} else {
				weight += share[h]
			}
		}
		changed := false
		for h := range H {
			if fixed[h] {
				continue
			}
			x := 0.0
			if weight > 0 {
				x = rest * share[h] / weight
			}
			alloc[h] = x
			if x < lo[h] {
				alloc[h], fixed[h], changed = lo[h], true, true
			} else if x > hi[h] {
				alloc[h], fixed[h], changed = hi[h], true, true
			}
		}
		if !changed {
			break
		}
	}
	return alloc
}

// roundLargestRemainder rounds the real allocation to integers summing to
// N by largest remainder, ties by stratum (the keys are sorted), keeping
// every size at or below hi.
func roundLargestRemainder(alloc, hi []float64, N int) ([]int, error) {
	H := len(alloc)
	sizes := make([]int, H)
	total := 0
	for h := range H {
		sizes[h] = int(math.Floor(alloc[h] + 1e-9))
		total += sizes[h]
	}
	order := make([]int, H)
	for h := range order {
		order[h] = h
	}
	slices.SortStableFunc(order, func(a, b int) int {
		return cmp.Compare(alloc[b]-float64(sizes[b]), alloc[a]-float64(sizes[a]))
	})
	for total < N {
		progressed := false
		for _, h := range order {
			if total == N {
				break
			}
			if float64(sizes[h]) < hi[h] {
				sizes[h]++
				total++
				progressed = true
			}
		}
		if !progressed {
			return nil, fmt.Errorf("sampling: stratified N = %d cannot be allocated: %w", N, ErrBadSize)
		}
	}
	return sizes, nil
}
