package content

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/firedraw/firedraw/risk"
)

// Round is one round's levels: what [LevelChanges] compares.
type Round struct {
	AsOf time.Time
	// Units, Levels and Scores describe the same units in the same order
	// (the inputs and output of risk.AssignLevels).
	Units  []risk.Unit
	Levels []risk.LevelAssignment
	Scores *risk.Scores
}

// LevelChange is one unit whose level changed between two rounds.
type LevelChange struct {
	UnitID   string
	From, To risk.Level
	// Rule is the rule that set the new level (risk.LevelAssignment.Rule).
	Rule string
	// ZH and EN explain the change, e.g. "higher → high: on the
	// serious-dishonesty list since 2026-03-02".
	ZH, EN string
}

// LevelChanges lists every unit of both rounds whose level changed, by
// unit ID, with the reason: the override that set the new level (with
// its date from rec: the credit record that put the unit on the
// dishonesty list, the inspection that found the open major violation)
// or, for a change by score, the feature whose contribution moved most
// in the direction of the change, else the override that no longer
// applies or the movement of the share-based thresholds. rec holds the records of the later
// round; it may be nil (no dates). Units of one round only are not
// listed. It returns an error wrapping risk.ErrFeatureMismatch if a
// round's slices differ in length or the two rounds' models differ.
func LevelChanges(before, after Round, rec *risk.Records) ([]LevelChange, error) {
	for _, r := range []Round{before, after} {
		if len(r.Units) != len(r.Levels) || r.Scores == nil || r.Scores.Len() != len(r.Units) {
			return nil, fmt.Errorf("content: a round has %d units and %d levels, or no scores for them: %w", len(r.Units), len(r.Levels), risk.ErrFeatureMismatch)
		}
	}
	mb, ma := before.Scores.Model(), after.Scores.Model()
	if len(mb.Terms) != len(ma.Terms) {
		return nil, fmt.Errorf("content: the rounds' models have %d and %d terms: %w", len(mb.Terms), len(ma.Terms), risk.ErrFeatureMismatch)
	}
	idx := make(map[string]int, len(before.Units))
	for i := range before.Units {
		idx[before.Units[i].ID] = i
	}
	var out []LevelChange
	for j := range after.Units {
		i, ok := idx[after.Units[j].ID]
		if !ok || before.Levels[i].Level == after.Levels[j].Level {
			continue
		}
		out = append(out, change(before, after, i, j, rec))
	}
	slices.SortFunc(out, func(a, b LevelChange) int { return cmp.Compare(a.UnitID, b.UnitID) })
	return out, nil
}

// change explains the level change of unit i of before, j of after.
func change(before, after Round, i, j int, rec *risk.Records) LevelChange {
	la, lb := after.Levels[j], before.Levels[i]
	id := after.Units[j].ID
	c := LevelChange{UnitID: id, From: lb.Level, To: la.Level, Rule: la.Rule}
	head := fmt.Sprintf("%s → %s: ", lb.Level, la.Level)
	headZH := fmt.Sprintf("%s → %s：", levelZH(lb.Level), levelZH(la.Level))
	switch la.Rule {
	case risk.RuleDishonest:
		since := dishonestSince(rec, id, after.AsOf)
		c.EN, c.ZH = head+"on the serious-dishonesty list"+sinceEN(since), headZH+"列入严重失信名单"+sinceZH(since)
	case risk.RuleOpenMajor:
		since := openMajorSince(rec, id, after.AsOf)
		c.EN, c.ZH = head+"an open major violation"+sinceEN(since), headZH+"存在未整改重大隐患"+sinceZH(since)
	case risk.RuleHighFireRisk:
		c.EN, c.ZH = head+"designated a high-fire-risk unit", headZH+"被确定为火灾高危单位"
	case risk.RuleKeyUnit:
		c.EN, c.ZH = head+"designated a fire-safety key unit", headZH+"被确定为消防安全重点单位"
	default:
		var en, zh string
		switch {
		case lb.Level > lb.ScoreLevel && la.Level < lb.Level:
			en, zh = "no longer "+lb.Rule, "不再适用："+lb.Rule
		default:
			en, zh = scoreDriver(before.Scores, after.Scores, i, j, la.Level > lb.Level)
			if en == "" {
				en, zh = "the level thresholds moved (before: "+lb.Rule+")", "等级阈值变化（此前："+lb.Rule+"）"
			}
		}
		c.EN = head + fmt.Sprintf("score %.3f → %.3f (%s); %s", before.Scores.Prob[i], after.Scores.Prob[j], la.Rule, en)
		c.ZH = headZH + fmt.Sprintf("风险分 %.3f → %.3f（%s）；%s", before.Scores.Prob[i], after.Scores.Prob[j], la.Rule, zh)
	}
	return c
}

// scoreDriver names the term whose contribution moved most in the
// direction of the change, or returns "" if none did (the change then
// comes from the share-based thresholds).
func scoreDriver(b, a *risk.Scores, i, j int, up bool) (string, string) {
	cb, ca := b.Contributions(i, nil), a.Contributions(j, nil)
	best, bestD := -1, 0.0
	for k := range ca {
		d := ca[k] - cb[k]
		if !up {
			d = -d
		}
		if d > bestD {
			best, bestD = k, d
		}
	}
	if best < 0 {
		return "", ""
	}
	name := a.Model().Terms[best].Feature
	vb, va := featureOf(b, i, name), featureOf(a, j, name)
	return fmt.Sprintf("largest change %s: %s → %s (logit %+.2f)", name, fmtNum(vb), fmtNum(va), ca[best]-cb[best]),
		fmt.Sprintf("变化最大的因素 %s：%s → %s（对数几率 %+.2f）", name, fmtNum(vb), fmtNum(va), ca[best]-cb[best])
}

func featureOf(s *risk.Scores, i int, name string) float64 {
	if j, ok := s.Table().Index(name); ok {
		return s.Table().At(i, j)
	}
	return math.NaN()
}

// dishonestSince returns the date of the first credit record of the
// unit's latest unbroken run of dishonest records before asOf.
func dishonestSince(rec *risk.Records, id string, asOf time.Time) time.Time {
	if rec == nil {
		return time.Time{}
	}
	var cr []risk.CreditRecord
	for _, c := range rec.Credit {
		if c.UnitID == id && c.AsOf.Before(asOf) {
			cr = append(cr, c)
		}
	}
	slices.SortStableFunc(cr, func(a, b risk.CreditRecord) int { return a.AsOf.Compare(b.AsOf) })
	var since time.Time
	for _, c := range cr {
		switch {
		case !c.Dishonest:
			since = time.Time{}
		case since.IsZero():
			since = c.AsOf
		}
	}
	return since
}

// openMajorSince returns the earliest date an inspection found a major
// violation of the unit still open at asOf.
func openMajorSince(rec *risk.Records, id string, asOf time.Time) time.Time {
	if rec == nil {
		return time.Time{}
	}
	var since time.Time
	for _, in := range rec.Inspections {
		if in.UnitID != id || !in.Date.Before(asOf) {
			continue
		}
		for _, v := range in.Violations {
			if v.Severity == risk.Major && (v.Rectified.IsZero() || !v.Rectified.Before(asOf)) && (since.IsZero() || in.Date.Before(since)) {
				since = in.Date
			}
		}
	}
	return since
}

func sinceEN(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return " since " + t.Format(time.DateOnly)
}

func sinceZH(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return "（自 " + t.Format(time.DateOnly) + " 起）"
}
