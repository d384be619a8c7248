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
	// Validate every weight first, naming the unit.
	for i := range ids {
		x := 1.0
		if w != nil {
			x = w[i]
		}
		if st.Allocation == BySum {
			if !(x >= 0 && x <= 1) {
				return nil, &UnitError{Index: i, ID: ids[i], What: "π " + strconv.FormatFloat(x, 'g', -1, 64), Err: ErrBadProbability}
			}
		} else if !(x >= 0) || math.IsInf(x, 1) {
			return nil, &UnitError{Index: i, ID: ids[i], What: "weight " + strconv.FormatFloat(x, 'g', -1, 64), Err: ErrBadWeight}
		}
	}
	// Group units by key, keys sorted so the result is order-independent.
	groups := map[string][]int32{}
	for i, k := range keys {
		groups[k] = append(groups[k], int32(i))
	}
	names := make([]string, 0, len(groups))
	for k := range groups {
		names = append(names, k)
	}
	slices.Sort(names)
	positive := make([]int, len(names))
	for h, k := range names {
		for _, i := range groups[k] {
			if w == nil || w[i] > 0 {
				positive[h]++
			}
		}
	}
	sizes, err := st.allocate(names, groups, positive)
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
		idx := groups[k]
		sub := &Sample{Design: st.spec(k).Design, IDs: make([]string, len(idx)), Target: make([]float64, len(idx))}
		sw := make([]float64, len(idx))
		for j, i := range idx {
			sub.IDs[j] = ids[i]
			sw[j] = 1
			if w != nil {
				sw[j] = w[i]
			}
		}
		switch {
		case st.Allocation == BySum:
			copy(sub.Target, sw)
		case sizes[h] > 0:
			if err := inclusionInto(sub.Target, sw, float64(sizes[h]), sub.IDs); err != nil {
				return nil, fmt.Errorf("sampling: stratum %q: %w", k, err)
			}
		}
		size := StratumSize{Key: k, Design: sub.Design, Units: len(idx)}
		var total exactSum
		for _, p := range sub.Target {
			total.add(p)
		}
		size.Target = total.value()
		if size.Target > 0 {
			if err := selectInto(sub, seed, stream, k, nil); err != nil {
				return nil, remapUnitError(err, idx, k)
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
		size.Size = sub.Size
		out.Size += sub.Size
		out.Strata = append(out.Strata, size)
	}
	// A duplicate ID in two strata escapes the per-stratum checks; equal
	// IDs have equal PRNs, so the PRN order finds them.
	if first, second := prnOrder(out.PRN, out.Target, ids, nil, nil, func([]ordRec) {}); first >= 0 {
		return nil, &UnitError{Index: second, ID: ids[second], What: fmt.Sprintf("same ID as unit %d", first), Err: ErrDuplicateUnit}
	}
	return out, nil
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

// allocate returns the integer sample size of each stratum (names sorted).
func (st Stratified) allocate(names []string, groups map[string][]int32, positive []int) ([]int, error) {
	H := len(names)
	sizes := make([]int, H)
	switch st.Allocation {
	case BySum:
		return sizes, nil // unused: the π are given
	case FixedCount:
		for h, k := range names {
			c := st.spec(k).Count
			if c < 0 || c > positive[h] {
				return nil, fmt.Errorf("sampling: stratum %q: count %d with %d units of positive weight: %w", k, c, positive[h], ErrBadSize)
			}
			sizes[h] = c
		}
		return sizes, nil
	}
	if st.N <= 0 {
		return nil, fmt.Errorf("sampling: stratified N = %d: %w", st.N, ErrBadSize)
	}
	share := make([]float64, H)
	lo := make([]float64, H)
	hi := make([]float64, H)
	var sumLo, sumHi float64
	for h, k := range names {
		s := st.spec(k)
		share[h] = float64(positive[h])
		if st.Allocation == Neyman {
			if !(s.SD > 0) || math.IsInf(s.SD, 1) {
				return nil, fmt.Errorf("sampling: stratum %q: Neyman SD %v: %w", k, s.SD, ErrBadWeight)
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
	N := float64(st.N)
	if sumLo > N || sumHi < N {
		return nil, fmt.Errorf("sampling: stratified N = %d outside the bounds [%v, %v] of the strata: %w", st.N, sumLo, sumHi, ErrBadSize)
	}
	// Clamp iteratively: fix strata whose share violates a bound and
	// redistribute the rest (at most H rounds).
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
	// Largest remainder, ties by key (names are sorted), within bounds.
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
	for total < st.N {
		progressed := false
		for _, h := range order {
			if total == st.N {
				break
			}
			if float64(sizes[h]) < hi[h] {
				sizes[h]++
				total++
				progressed = true
			}
		}
		if !progressed {
			return nil, fmt.Errorf("sampling: stratified N = %d cannot be allocated: %w", st.N, ErrBadSize)
		}
	}
	return sizes, nil
}
