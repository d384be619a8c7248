package content

import (
	"fmt"
	"slices"
	"strings"

	"github.com/firedraw/firedraw/risk"
	"github.com/firedraw/firedraw/risk/alert"
)

// Profile is what the content policy knows of one unit.
type Profile struct {
	Unit  *risk.Unit
	Level risk.Level
	// Reasons are the unit's risk reasons, largest first
	// (risk.Scores.TopReasons); only positive contributions are reasons.
	Reasons []risk.Explanation
	// Names and Row are the unit's features (a risk.Table's names and
	// the unit's row); nil if unknown.
	Names []string
	Row   []float64
	// Alerts are the unit's alerts that made the task, if it is a
	// targeted one; they add focus items and rule out a remote check.
	Alerts []alert.Alert
}

func (pr *Profile) has(name string) bool { return slices.Contains(pr.Names, name) }

// feat returns the unit's feature, or 0 if unknown.
func (pr *Profile) feat(name string) float64 {
	if j := slices.Index(pr.Names, name); j >= 0 && j < len(pr.Row) {
		return pr.Row[j]
	}
	return 0
}

// Scope sets how much of the catalogue a task checks besides its focus.
// The zero Scope is the default:
//
//	level    checks
//	low      focus + base (EVA-1 exits, FAC-6 extinguishers, RSP-1 responsibility)
//	general  + the groups evacuation and management
//	higher   + facilities, electrical, control-room, rectification, responsibility
//	high     the full checklist (every item that applies to the unit)
//
// Items that do not apply to a unit (key-unit, crowded-place or IoT
// items) are never in its list.
type Scope struct {
	// Base are the items of every task; nil means the default.
	Base []string
	// Groups[l] are the item groups checked in full at level l; "*"
	// means every group. A nil entry means the default.
	Groups [risk.NumLevels][]string
}

var defaultGroups = [risk.NumLevels][]string{
	{},
	{"evacuation", "management"},
	{"evacuation", "management", "facilities", "electrical", "control-room", "rectification", "responsibility"},
	{"*"},
}

// Policy derives a task's content and method. The zero Policy uses the
// default catalogue, focus rules, scope and method policy.
type Policy struct {
	Catalogue *Catalogue  // nil: DefaultCatalogue()
	Focus     []FocusRule // nil: DefaultFocusRules()
	Scope     Scope
	Method    MethodPolicy
}

// Content is what a task checks and how.
type Content struct {
	Method Method
	// Counts reports whether the check counts toward the unit's
	// inspection frequency.
	Counts             bool
	MethodZH, MethodEN string // why this method
	// Checks are the focus items (in catalogue order), then the other
	// items of the scope (in catalogue order).
	Checks []Check
}

// Check is one item of a task, with why it is there.
type Check struct {
	Code string
	// Focus marks an item that follows from the unit's own reasons.
	Focus        bool
	WhyZH, WhyEN string
}

// FocusCodes returns the codes of the focus items.
func (c *Content) FocusCodes() []string {
	var out []string
	for _, k := range c.Checks {
		if k.Focus {
			out = append(out, k.Code)
		}
	}
	return out
}

// Content returns the content and method of a task for one unit. It
// returns an error wrapping risk.ErrBadEnum for a focus rule or base
// item naming an item not in the catalogue, or a level out of range. It
// panics if pr.Unit is nil.
func (p *Policy) Content(pr *Profile) (Content, error) {
	if pr.Unit == nil {
		panic("content: Profile without a Unit")
	}
	cat := p.Catalogue
	if cat == nil {
		cat = DefaultCatalogue()
	}
	rules := p.Focus
	if rules == nil {
		rules = DefaultFocusRules()
	}
	why, err := focus(cat, rules, pr)
	if err != nil {
		return Content{}, err
	}
	scope, err := p.scope(cat, pr.Level)
	if err != nil {
		return Content{}, err
	}
	var c Content
	for _, it := range cat.Items {
		if w, ok := why[it.Code]; ok && applies(&it, pr) {
			c.Checks = append(c.Checks, Check{Code: it.Code, Focus: true, WhyZH: strings.Join(w.zh, "；"), WhyEN: strings.Join(w.en, "; ")})
		}
	}
	for _, it := range cat.Items {
		if _, ok := why[it.Code]; ok || !applies(&it, pr) {
			continue
		}
		if zh, en, ok := scope(&it); ok {
			c.Checks = append(c.Checks, Check{Code: it.Code, WhyZH: zh, WhyEN: en})
		}
	}
	c.Method, c.MethodZH, c.MethodEN = p.Method.choose(pr)
	c.Counts = !(c.Method == Remote && p.Method.RemoteNotCounted) && !(c.Method == DocumentReview && p.Method.DocumentNotCounted)
	return c, nil
}

// applies reports whether an item applies to the unit.
func applies(it *Item, pr *Profile) bool {
	switch it.Applies {
	case AppliesKey:
		return pr.Unit.KeyUnit
	case AppliesCrowded:
		return pr.Unit.CrowdedPlace || pr.Unit.Category == risk.CrowdedPlaceCategory
	case AppliesIoT:
		return pr.has(risk.FeatTelMissing) && pr.feat(risk.FeatTelMissing) == 0
	}
	return true
}

type whys struct{ zh, en []string }

// focus returns the focus items of a unit with why each is there.
func focus(cat *Catalogue, rules []FocusRule, pr *Profile) (map[string]*whys, error) {
	out := map[string]*whys{}
	add := func(r *FocusRule, zh, en string) error {
		for _, code := range r.Items {
			if _, ok := cat.Item(code); !ok {
				return fmt.Errorf("content: focus rule %q names item %q not in the catalogue: %w", r.Feature, code, risk.ErrBadEnum)
			}
			w := out[code]
			if w == nil {
				w = &whys{}
				out[code] = w
			}
			if !slices.Contains(w.en, en) {
				w.zh, w.en = append(w.zh, zh), append(w.en, en)
			}
		}
		return nil
	}
	seen := map[string]bool{}
	for _, e := range pr.Reasons {
		if !(e.Contribution > 0) {
			continue
		}
		seen[e.Feature] = true
		for i := range rules {
			if r := &rules[i]; r.matches(e.Feature) {
				if err := add(r, r.ZH+"（"+valueZH(e)+"）", joinWhy(r.EN, e.Text)); err != nil {
					return nil, err
				}
			}
		}
	}
	for i := range rules {
		r := &rules[i]
		if r.Always && !seen[r.Feature] && pr.feat(r.Feature) > 0 {
			v := pr.feat(r.Feature)
			if err := add(r, r.ZH+"（"+fmtNum(v)+"）", joinWhy(r.EN, risk.Describe(r.Feature, v, 0))); err != nil {
				return nil, err
			}
		}
	}
	for _, a := range pr.Alerts {
		for i := range rules {
			if r := &rules[i]; r.matches(AlertFeature(a.Rule)) {
				zh, en := a.Explain()
				if err := add(r, "预警："+zh, "alert: "+en); err != nil {
					return nil, err
				}
			}
		}
	}
	return out, nil
}

// joinWhy joins a concern and the reason's text, once if they are the
// same words (a flag).
func joinWhy(concern, text string) string {
	if concern == text {
		return concern
	}
	return concern + ": " + text
}

// valueZH gives a reason's value and the city median in Chinese.
func valueZH(e risk.Explanation) string {
	return "数值 " + fmtNum(e.Value) + "，全市中位数 " + fmtNum(e.Median)
}

func fmtNum(v float64) string {
	s := fmt.Sprintf("%.3g", v)
	if strings.ContainsAny(s, "e") {
		s = fmt.Sprintf("%.0f", v)
	}
	return s
}

// scope returns a function telling whether a (non-focus) item is in the
// scope of level l, and why.
func (p *Policy) scope(cat *Catalogue, l risk.Level) (func(*Item) (string, string, bool), error) {
	base := p.Scope.Base
	if base == nil {
		base = []string{"EVA-1", "FAC-6", "RSP-1"}
	}
	for _, code := range base {
		if _, ok := cat.Item(code); !ok {
			return nil, fmt.Errorf("content: base item %q not in the catalogue: %w", code, risk.ErrBadEnum)
		}
	}
	if int(l) >= risk.NumLevels {
		return nil, fmt.Errorf("content: level %v: %w", l, risk.ErrBadEnum)
	}
	groups := p.Scope.Groups[l]
	if groups == nil {
		groups = defaultGroups[l]
	}
	all := slices.Contains(groups, "*")
	return func(it *Item) (string, string, bool) {
		switch {
		case all:
			return fmt.Sprintf("%s风险：全面检查", levelZH(l)), fmt.Sprintf("%s risk: full checklist", l), true
		case slices.Contains(groups, it.Group):
			return fmt.Sprintf("%s风险：检查%s类全部项目", levelZH(l), it.Group), fmt.Sprintf("%s risk: every %s item", l, it.Group), true
		case slices.Contains(base, it.Code):
			return "每次检查的基本项目", "a base item of every check", true
		}
		return "", "", false
	}, nil
}

// Profiles returns the profile of every scored unit: its level, its top
// k reasons and its features. units, the scores' table rows and levels
// describe the same units in the same order; Profiles panics otherwise.
func Profiles(units []risk.Unit, sc *risk.Scores, levels []risk.LevelAssignment, k int) []Profile {
	t := sc.Table()
	if len(units) != t.Rows() || len(levels) != t.Rows() {
		panic(fmt.Sprintf("content: %d units, %d scored rows, %d levels", len(units), t.Rows(), len(levels)))
	}
	out := make([]Profile, len(units))
	for i := range units {
		out[i] = Profile{Unit: &units[i], Level: levels[i].Level, Reasons: sc.TopReasons(i, k), Names: t.Names, Row: t.Row(i)}
	}
	return out
}
