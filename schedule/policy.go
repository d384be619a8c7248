package schedule

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"github.com/firedraw/firedraw/risk"
	"github.com/firedraw/firedraw/sampling"
)

// Default annual inspection frequencies and floors of classified
// supervision, used where the corresponding Policy field is zero.
const (
	DefaultLowFrequency      = 0.05 // inspections per unit per year at level Low
	DefaultGeneralFrequency  = 0.2  // … at level General
	DefaultHigherFrequency   = 0.6  // … at level Higher
	DefaultHighFrequency     = 1    // … at level High
	DefaultCrowdedKeyFloor   = 1    // key units that are crowded places
	DefaultHighFireRiskFloor = 2    // high-fire-risk units
	DefaultMinShare          = 0.1  // least within-level weight, as a share of the level mean
)

var defaultFrequencies = [risk.NumLevels]float64{
	risk.Low:          DefaultLowFrequency,
	risk.LevelGeneral: DefaultGeneralFrequency,
	risk.Higher:       DefaultHigherFrequency,
	risk.High:         DefaultHighFrequency,
}

// Policy is a risk-weighted inspection policy: how many times a year, on
// average, a unit of each risk level is inspected, the floors that
// regulation imposes on some units, and how strongly the risk score steers
// the draw inside a level.
//
// A zero Policy uses the default frequencies (Low 0.05, General 0.2,
// Higher 0.6, High 1 inspection per unit per year), the default floors
// (crowded-place key units at least 1 a year, high-fire-risk units at least
// 2 a year) and equal chances inside each level. Every zero field takes its
// default; no field can switch a floor off or exempt a level, because every
// unit must keep a positive chance of being drawn.
//
// Annual frequencies are built in three steps:
//
//  1. Level frequency: unit k at level L starts from f_L = Frequencies[L].
//  2. Within-level weighting with s = Strength: inside level L the weight
//     of unit k is w_k = (1−s) + s·score_k/mean_L, where mean_L is the mean
//     score of the level's units, so that Σ_{k∈L} w_k = n_L and the level's
//     expected inspections stay n_L·f_L. At s = 0 every unit of the level
//     has w = 1; at s = 1 the weight is proportional to the score. A weight
//     is never below MinShare (default 0.1): units below it are raised to
//     MinShare and the others scaled down so the level total is unchanged.
//     So a unit with score 0 at s = 1 is still inspected at MinShare·f_L a
//     year, never exempt. A level whose scores are all 0 is weighted
//     equally. Then f_k = f_L·w_k.
//  3. Floors: f_k = max(f_k, CrowdedKeyFloor) for a key unit that is a
//     crowded place (Unit.KeyUnit and either Unit.CrowdedPlace or Category
//     risk.CrowdedPlaceCategory), and f_k = max(f_k, HighFireRiskFloor) for
//     a unit with Unit.HighFireRisk. Floors are applied after weighting and
//     add inspections on top of the level totals.
type Policy struct {
	// Frequencies holds the annual inspections per unit at each level,
	// indexed by risk.Level; a zero entry uses the default.
	Frequencies [risk.NumLevels]float64 `json:"frequencies"`
	// CrowdedKeyFloor is the least annual frequency of a key unit that is
	// a crowded place; zero means 1.
	CrowdedKeyFloor float64 `json:"crowded_key_floor"`
	// HighFireRiskFloor is the least annual frequency of a high-fire-risk
	// unit; zero means 2.
	HighFireRiskFloor float64 `json:"high_fire_risk_floor"`
	// Strength in [0, 1] is how strongly the score steers the draw inside
	// a level: 0 gives every unit of a level an equal chance, 1 makes the
	// chance proportional to the score (subject to MinShare).
	Strength float64 `json:"strength"`
	// MinShare in (0, 1] is the least within-level weight, as a share of
	// the level's mean frequency, so that no unit is exempt; zero means 0.1.
	MinShare float64 `json:"min_share"`
}

// Resolved returns p with every zero field replaced by its default, or an
// error wrapping ErrBadPolicy that names the first bad field. Resolving is
// idempotent, and a resolved Policy gives the same frequencies as p; a
// disclosure records the resolved form so that readers see the numbers
// actually used.
func (p Policy) Resolved() (Policy, error) {
	bad := func(field string, v float64, why string) error {
		return fmt.Errorf("schedule: policy field %s = %v: %s: %w", field, v, why, ErrBadPolicy)
	}
	for l, f := range p.Frequencies {
		name := "Frequencies[" + risk.Level(l).String() + "]"
		if !(f >= 0) || math.IsInf(f, 0) {
			return p, bad(name, f, "must be a finite non-negative number (zero for the default)")
		}
		if f == 0 {
			p.Frequencies[l] = defaultFrequencies[l]
		}
	}
	for _, fl := range []struct {
		name string
		v    *float64
		def  float64
	}{
		{"CrowdedKeyFloor", &p.CrowdedKeyFloor, DefaultCrowdedKeyFloor},
		{"HighFireRiskFloor", &p.HighFireRiskFloor, DefaultHighFireRiskFloor},
	} {
		if !(*fl.v >= 0) || math.IsInf(*fl.v, 0) {
			return p, bad(fl.name, *fl.v, "must be a finite non-negative number (zero for the default)")
		}
		if *fl.v == 0 {
			*fl.v = fl.def
		}
	}
	if !(p.Strength >= 0 && p.Strength <= 1) {
		return p, bad("Strength", p.Strength, "must lie in [0, 1]")
	}
	if !(p.MinShare >= 0 && p.MinShare <= 1) {
		return p, bad("MinShare", p.MinShare, "must lie in (0, 1] (zero for the default)")
	}
	if p.MinShare == 0 {
		p.MinShare = DefaultMinShare
	}
	return p, nil
}

// crowdedKey reports whether u is a key unit that is a crowded place.
func crowdedKey(u *risk.Unit) bool {
	return u.KeyUnit && (u.CrowdedPlace || u.Category == risk.CrowdedPlaceCategory)
}

// Annual returns each unit's annual inspection frequency f_k > 0 (expected
// inspections per year), built as described on Policy. units, levels and
// scores are parallel: levels[k] and scores[k] belong to units[k]; scores
// lie in [0, 1] and are read only when Strength > 0 (they may then be nil).
//
// Annual returns an error wrapping ErrBadPolicy for a bad Policy field,
// ErrBadLevel or ErrBadScore naming the unit for a bad level or score. It
// panics if the slices' lengths differ (scores may be nil when Strength is
// 0).
func (p Policy) Annual(units []risk.Unit, levels []risk.Level, scores []float64) ([]float64, error) {
	q, err := p.Resolved()
	if err != nil {
		return nil, err
	}
	checkPolicyLengths("Annual", units, levels, scores, q.Strength)
	for k := range units {
		if int(levels[k]) >= risk.NumLevels {
			return nil, policyUnitError(k, units[k].ID, "level "+levels[k].String(), ErrBadLevel)
		}
		if scores != nil && !(scores[k] >= 0 && scores[k] <= 1) {
			return nil, policyUnitError(k, units[k].ID, fmt.Sprintf("score %v outside [0, 1]", scores[k]), ErrBadScore)
		}
	}
	f := make([]float64, len(units))
	for k := range f {
		f[k] = 1
	}
	if q.Strength > 0 {
		// Group units by level and weight each group.
		var idx [risk.NumLevels][]int
		for k, l := range levels {
			idx[l] = append(idx[l], k)
		}
		for _, members := range idx {
			levelWeights(f, members, scores, q.Strength, q.MinShare)
		}
	}
	for k := range f {
		f[k] *= q.Frequencies[levels[k]]
		if crowdedKey(&units[k]) {
			f[k] = math.Max(f[k], q.CrowdedKeyFloor)
		}
		if units[k].HighFireRisk {
			f[k] = math.Max(f[k], q.HighFireRiskFloor)
		}
	}
	return f, nil
}

// Probabilities returns each unit's inclusion probability in one round
// when the year is cut into rounds rounds: π_k = f_k/rounds, with f_k from
// Annual, so that a unit is drawn f_k times a year on average. Where f_k/rounds
// exceeds 1 (a unit due more often than once a round), π_k is capped at 1
// and the excess is redistributed over the other units of the same level in
// proportion to their f_k, by InclusionProbabilities(f_level, Σ f_level/rounds):
// each level keeps its expected inspections per round. If a level's demand
// reaches its number of units, every unit of it gets π = 1. Every π lies in
// (0, 1].
//
// Probabilities returns the errors of Annual, and an error wrapping
// ErrBadPolicy when rounds ≤ 0. It panics as Annual does on mismatched
// lengths.
func (p Policy) Probabilities(units []risk.Unit, levels []risk.Level, scores []float64, rounds int) ([]float64, error) {
	if rounds <= 0 {
		return nil, fmt.Errorf("schedule: rounds = %d: must be positive: %w", rounds, ErrBadPolicy)
	}
	f, err := p.Annual(units, levels, scores)
	if err != nil {
		return nil, err
	}
	r := float64(rounds)
	var over [risk.NumLevels]bool
	for k := range f {
		f[k] /= r
		if f[k] > 1 {
			over[levels[k]] = true
		}
	}
	for l := range over {
		if !over[l] {
			continue
		}
		var members []int
		var w []float64
		var total float64
		for k, lk := range levels {
			if int(lk) == l {
				members = append(members, k)
				w = append(w, f[k])
				total += f[k]
			}
		}
		if total >= float64(len(members)) {
			for _, k := range members {
				f[k] = 1
			}
			continue
		}
		pi, err := sampling.InclusionProbabilities(w, total)
		if err != nil {
			// Unreachable: every f > 0 and 0 < total < len(members).
			return nil, fmt.Errorf("schedule: level %v: %w", risk.Level(l), err)
		}
		for i, k := range members {
			f[k] = pi[i]
		}
	}
	return f, nil
}

// levelWeights writes into w[k], for k in members, the within-level weight
// (1−s) + s·score_k/mean, floored at minShare with the level total kept at
// len(members).
func levelWeights(w []float64, members []int, scores []float64, s, minShare float64) {
	n := len(members)
	if n == 0 {
		return
	}
	var sum float64
	for _, k := range members {
		sum += scores[k]
	}
	if sum == 0 {
		return // all scores 0: equal weights, already 1
	}
	mean := sum / float64(n)
	low := 0 // number of weights below the floor
	for _, k := range members {
		w[k] = (1 - s) + s*scores[k]/mean
		if w[k] < minShare {
			low++
		}
	}
	if low == 0 {
		return
	}
	// Raise the lowest weights to minShare and scale the rest down so the
	// total stays n. Scaling down may push more units under the floor, so
	// find the smallest j such that, with the j lowest weights floored, the
	// (j+1)-th scaled weight is at or above the floor. The final scale is
	// at least 1−minShare (at most all n weights, whose sum is n, give way
	// to at most n·minShare), so only weights below minShare/(1−minShare)
	// can end up floored: sort those alone.
	limit := math.Inf(1)
	if minShare < 1 {
		limit = minShare / (1 - minShare)
	}
	type cand struct {
		w float64
		k int
	}
	var cands []cand
	var total float64
	for _, k := range members {
		total += w[k]
		if w[k] < limit {
			cands = append(cands, cand{w[k], k})
		}
	}
	slices.SortFunc(cands, func(a, b cand) int { return cmp.Compare(a.w, b.w) })
	rest := total // sum of the weights not floored
	j := 0
	for ; j < len(cands); j++ {
		if cands[j].w*(float64(n)-float64(j)*minShare)/rest >= minShare {
			break
		}
		rest -= cands[j].w
	}
	if rest <= 0 {
		// Only when minShare = 1 and every weight was floored: all equal.
		for _, k := range members {
			w[k] = 1
		}
		return
	}
	scale := (float64(n) - float64(j)*minShare) / rest
	for _, k := range members {
		w[k] *= scale
	}
	for _, c := range cands[:j] {
		w[c.k] = minShare
	}
}

// policyUnitError names unit k (index and ID) and its bad value, e.g.
// `schedule: unit 17 ("ABC"): score NaN outside [0, 1]: bad score`.
func policyUnitError(k int, id, what string, sentinel error) error {
	return fmt.Errorf("schedule: unit %d (%q): %s: %w", k, id, what, sentinel)
}

// checkPolicyLengths panics when the parallel slices of fn differ in
// length (scores may be nil when strength is 0).
func checkPolicyLengths(fn string, units []risk.Unit, levels []risk.Level, scores []float64, strength float64) {
	if len(levels) != len(units) {
		panic(fmt.Sprintf("schedule: Policy.%s: %d units but %d levels", fn, len(units), len(levels)))
	}
	if scores == nil && strength == 0 {
		return
	}
	if len(scores) != len(units) {
		panic(fmt.Sprintf("schedule: Policy.%s: %d units but %d scores", fn, len(units), len(scores)))
	}
}

// StratumKey returns the key of the stratum (risk level × district) that
// policies and stratified draws use, e.g. "high/Xicheng". Keys of the same
// district sort by level name, not by level order.
func StratumKey(level risk.Level, district string) string {
	return level.String() + "/" + district
}

// LevelSummary is the expected workload of one risk level under a policy.
type LevelSummary struct {
	Level risk.Level
	Units int // units at the level
	// Inspections is the expected number of inspections a year, Σ f_k.
	Inspections float64
	// MinFrequency and MaxFrequency are the least and greatest annual
	// frequencies at the level (0 when Units is 0).
	MinFrequency, MaxFrequency float64
}

// Summarize returns, for every level from Low to High, the number of units
// and their expected inspections a year, from the annual frequencies that
// Policy.Annual returned. It panics if the lengths of levels and annual
// differ or if a level is out of range.
func Summarize(levels []risk.Level, annual []float64) [risk.NumLevels]LevelSummary {
	if len(levels) != len(annual) {
		panic(fmt.Sprintf("schedule: Summarize: %d levels but %d frequencies", len(levels), len(annual)))
	}
	var out [risk.NumLevels]LevelSummary
	for l := range out {
		out[l].Level = risk.Level(l)
	}
	for k, l := range levels {
		if int(l) >= risk.NumLevels {
			panic(fmt.Sprintf("schedule: Summarize: unit %d: level %v out of range", k, l))
		}
		s := &out[l]
		f := annual[k]
		if s.Units == 0 || f < s.MinFrequency {
			s.MinFrequency = f
		}
		if s.Units == 0 || f > s.MaxFrequency {
			s.MaxFrequency = f
		}
		s.Units++
		s.Inspections += f
	}
	return out
}
