package risk

import (
	"cmp"
	"fmt"
	"math"
	"slices"
)

// LevelConfig configures [AssignLevels]. The zero LevelConfig assigns
// levels by the target shares 40 % Low, 40 % General, 15 % Higher and 5 %
// High, then applies every override.
type LevelConfig struct {
	// Shares are the target shares of Low, General, Higher and High
	// units; they must be ≥ 0 and sum to 1. If all are zero, Thresholds
	// are used, or the default shares if Thresholds are zero too.
	Shares [NumLevels]float64
	// Thresholds are the score thresholds of General, Higher and High: a
	// unit is at the highest level whose threshold its score reaches.
	// They must be non-decreasing.
	Thresholds [NumLevels - 1]float64
	// NoOverrides skips the overrides.
	NoOverrides bool
}

// DefaultShares are the level shares of a zero LevelConfig.
var DefaultShares = [NumLevels]float64{0.40, 0.40, 0.15, 0.05}

// LevelAssignment is one unit's level and why.
type LevelAssignment struct {
	Level Level
	// ScoreLevel is the level set by the score alone.
	ScoreLevel Level
	// Rule is the rule that set Level, e.g. "score 0.412 ≥ 0.310 (top
	// 5 %)" or "override: serious-dishonesty list ⇒ high".
	Rule string
	// Overrides lists every override rule that applied to the unit,
	// whether or not it raised the level.
	Overrides []string
}

// Override rules, in the order they are checked. An override only ever
// raises a level.
const (
	RuleDishonest    = "override: serious-dishonesty list ⇒ high"
	RuleHighFireRisk = "override: high-fire-risk unit ⇒ at least higher"
	RuleOpenMajor    = "override: open major violation ⇒ at least higher"
	RuleKeyUnit      = "override: key unit ⇒ at least general"
)

// AssignLevels gives every unit one of the four risk levels (the A/B/C/D
// classes of classified supervision) with the rule that set it. First by
// score: by Thresholds, or by Shares — the units are ranked by score and
// the thresholds are the scores at the cumulative share boundaries
// (rounded to whole units), so tied units always share a level and a
// level may hold a few more units than its share. Then the overrides,
// each recorded: the serious-dishonesty list (feature cred_dishonest = 1)
// ⇒ High; a high-fire-risk unit ⇒ at least Higher; an open major violation
// (hist_open_major > 0) ⇒ at least Higher; a key unit ⇒ at least General.
//
// units, the rows of t and scores must describe the same units in the
// same order (t.UnitIDs[i] == units[i].ID); otherwise AssignLevels
// returns an error wrapping [ErrFeatureMismatch] naming the first unit
// that differs. A NaN score, bad shares or thresholds, or a table without
// the columns cred_dishonest and hist_open_major (unless NoOverrides) are
// errors too.
func AssignLevels(units []Unit, t *Table, scores []float64, cfg LevelConfig) ([]LevelAssignment, error) {
	n := len(units)
	if t.Rows() != n || len(scores) != n {
		return nil, fmt.Errorf("risk: %d units, %d table rows, %d scores: %w", n, t.Rows(), len(scores), ErrFeatureMismatch)
	}
	for i := range units {
		if t.UnitIDs[i] != units[i].ID {
			return nil, fmt.Errorf("risk: unit %d is %q but table row %d is %q: %w", i, units[i].ID, i, t.UnitIDs[i], ErrFeatureMismatch)
		}
		if math.IsNaN(scores[i]) {
			return nil, fmt.Errorf("risk: score of unit %q is NaN: %w", units[i].ID, ErrBadFeature)
		}
	}
	var dis, maj int
	if !cfg.NoOverrides {
		var ok bool
		if dis, ok = t.Index(FeatCredDishonest); !ok {
			return nil, fmt.Errorf("risk: override needs feature %q: %w", FeatCredDishonest, ErrFeatureMismatch)
		}
		if maj, ok = t.Index(FeatHistOpenMajor); !ok {
			return nil, fmt.Errorf("risk: override needs feature %q: %w", FeatHistOpenMajor, ErrFeatureMismatch)
		}
	}
	thr, labels, err := cfg.thresholds(scores)
	if err != nil {
		return nil, err
	}
	out := make([]LevelAssignment, n)
	for i := range units {
		a := &out[i]
		a.Rule = fmt.Sprintf("score %.4g below every threshold", scores[i])
		for l := NumLevels - 1; l >= 1; l-- {
			if scores[i] >= thr[l-1] {
				a.ScoreLevel = Level(l)
				a.Rule = fmt.Sprintf("score %.4g ≥ %.4g%s", scores[i], thr[l-1], labels[l-1])
				break
			}
		}
		a.Level = a.ScoreLevel
		if cfg.NoOverrides {
			continue
		}
		u := &units[i]
		row := t.Row(i)
		for _, o := range []struct {
			applies bool
			min     Level
			rule    string
		}{
			{row[dis] == 1, High, RuleDishonest},
			{u.HighFireRisk, Higher, RuleHighFireRisk},
			{row[maj] > 0, Higher, RuleOpenMajor},
			{u.KeyUnit, LevelGeneral, RuleKeyUnit},
		} {
			if !o.applies {
				continue
			}
			a.Overrides = append(a.Overrides, o.rule)
			if o.min > a.Level {
				a.Level, a.Rule = o.min, o.rule
			}
		}
	}
	return out, nil
}

// thresholds returns the score thresholds of General, Higher and High and
// a label for each.
func (cfg LevelConfig) thresholds(scores []float64) ([NumLevels - 1]float64, [NumLevels - 1]string, error) {
	var thr [NumLevels - 1]float64
	var labels [NumLevels - 1]string
	shares := cfg.Shares
	if shares == ([NumLevels]float64{}) {
		if cfg.Thresholds != ([NumLevels - 1]float64{}) {
			for l, v := range cfg.Thresholds {
				if !isFinite(v) || (l > 0 && v < cfg.Thresholds[l-1]) {
					return thr, labels, fmt.Errorf("risk: level thresholds %v not finite and non-decreasing", cfg.Thresholds)
				}
			}
			return cfg.Thresholds, labels, nil
		}
		shares = DefaultShares
	}
	var sum float64
	for l, s := range shares {
		if !(s >= 0) || math.IsInf(s, 0) {
			return thr, labels, fmt.Errorf("risk: share of level %s is %v, want ≥ 0", Level(l), s)
		}
		sum += s
	}
	if math.Abs(sum-1) > 1e-9 {
		return thr, labels, fmt.Errorf("risk: level shares %v sum to %v, want 1", shares, sum)
	}
	sorted := slices.Clone(scores)
	slices.SortFunc(sorted, func(a, b float64) int { return cmp.Compare(b, a) })
	n := len(sorted)
	var above float64 // share of units in the levels above
	for l := NumLevels - 1; l >= 1; l-- {
		above += shares[l]
		k := int(math.Round(above * float64(n)))
		labels[l-1] = fmt.Sprintf(" (top %.4g %%)", 100*above)
		if k == 0 || n == 0 {
			thr[l-1] = math.Inf(1)
		} else {
			thr[l-1] = sorted[k-1]
		}
	}
	return thr, labels, nil
}
