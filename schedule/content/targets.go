package content

import (
	"cmp"
	"slices"
	"time"

	"github.com/firedraw/firedraw/risk"
	"github.com/firedraw/firedraw/risk/alert"
)

// Target is a unit that alerts make the subject of a targeted
// inspection, outside the random draw.
type Target struct {
	UnitID string
	// Alerts are the unit's alerts that triggered the task, by rule.
	Alerts []alert.Alert
	// Reason is the reason the inspection is recorded with: an incident
	// follow-up (risk.IncidentFollowUp) if a fire or a fire alarm
	// triggered it, else risk.OtherReason; either way not RandomDraw, so
	// its outcome feeds the history like any inspection while the
	// random regime knows it was not drawn.
	Reason risk.Reason
	// Severity is the highest severity of the alerts.
	Severity alert.Severity
}

// Targets returns the units with an alert of severity ≥ min raised
// after since (the previous round's as-of time, so that a condition
// already acted upon does not make a task again; zero means every
// alert), by unit ID.
func Targets(rep *alert.Report, since time.Time, min alert.Severity) []Target {
	var out []Target
	for _, a := range rep.Alerts {
		if a.Severity < min || !a.Raised.After(since) {
			continue
		}
		if n := len(out); n == 0 || out[n-1].UnitID != a.UnitID {
			out = append(out, Target{UnitID: a.UnitID, Reason: risk.OtherReason})
		}
		t := &out[len(out)-1]
		t.Alerts = append(t.Alerts, a)
		t.Severity = max(t.Severity, a.Severity)
		if a.Rule == alert.RuleFire || a.Rule == alert.RuleFireAlarm {
			t.Reason = risk.IncidentFollowUp
		}
	}
	// rep.Alerts are sorted by unit ID; keep the promise for any report.
	slices.SortStableFunc(out, func(a, b Target) int { return cmp.Compare(a.UnitID, b.UnitID) })
	return out
}

// TargetPolicy chooses which alerts make targeted inspections. The zero
// TargetPolicy (with Since set to the previous round's as-of time) is
// the default: alerts of DefaultTargetRules, serious or worse, raised
// after Since, episodes still open at the as-of time.
//
// Why not every serious alert: on the default city that gave 185
// targeted units against about 130 drawn at random in a month, most of
// them for a fault left unresolved for a week. A device fault is a
// maintenance matter that the monitoring platform follows up remotely
// with the unit and its maintenance company; it also raises the unit's
// fault rate, hence its risk level and its chance of being drawn. A
// shielded device, low water pressure, a fire, a fire alarm or
// repeating electrical alarms disable protection or announce a fire:
// those call for a visit. An episode that ended before the as-of time
// (water pressure restored) is likewise left to the risk features.
type TargetPolicy struct {
	// MinSeverity is the least severity of an alert that makes a target;
	// zero means alert.Serious.
	MinSeverity alert.Severity
	// Rules are the rules whose alerts make targets; nil means
	// DefaultTargetRules(), an empty non-nil slice none.
	Rules []alert.Rule
	// IncludeClosed also makes targets of episode alerts whose
	// condition ended before the as-of time (by default an episode alert
	// needs a device still in the condition).
	IncludeClosed bool
	// Since: only alerts raised after it make targets (the previous
	// round's as-of time; zero means every alert).
	Since time.Time
}

// DefaultTargetRules returns the rules whose alerts make targets by
// default: every rule of default severity serious or worse but
// fault-unresolved (see TargetPolicy).
func DefaultTargetRules() []alert.Rule {
	return []alert.Rule{alert.RuleFire, alert.RuleFireAlarm, alert.RuleShielded, alert.RulePressureLow, alert.RuleElectrical}
}

// MinSev returns MinSeverity with its default applied.
func (p *TargetPolicy) MinSev() alert.Severity {
	if p.MinSeverity == 0 {
		return alert.Serious
	}
	return p.MinSeverity
}

// RuleSet returns the rules that make targets, in rule order, each once
// (Rules with its default applied).
func (p *TargetPolicy) RuleSet() []alert.Rule {
	rs := p.Rules
	if rs == nil {
		rs = DefaultTargetRules()
	}
	out := slices.Clone(rs)
	slices.Sort(out)
	return slices.Compact(out)
}

// Makes reports whether alert a makes a target under p.
func (p *TargetPolicy) Makes(a *alert.Alert) bool {
	if a.Severity < p.MinSev() || !a.Raised.After(p.Since) || !slices.Contains(p.RuleSet(), a.Rule) {
		return false
	}
	if p.IncludeClosed || !isEpisode(a.Rule) {
		return true
	}
	for _, e := range a.Evidence {
		if e.Open {
			return true
		}
	}
	return false
}

// isEpisode reports whether alerts of rule r are about conditions with a
// start and an end (Evidence.Open says whether it is still on).
func isEpisode(r alert.Rule) bool {
	switch r {
	case alert.RuleOffline, alert.RuleFaultUnresolved, alert.RuleShielded, alert.RulePressureLow:
		return true
	}
	return false
}

// Targets returns the units that alerts of rep make targets under p, by
// unit ID, as the function Targets does.
func (p *TargetPolicy) Targets(rep *alert.Report) []Target {
	rules := p.RuleSet()
	var out []Target
	for i := range rep.Alerts {
		a := &rep.Alerts[i]
		if !slices.Contains(rules, a.Rule) || !p.Makes(a) {
			continue
		}
		if n := len(out); n == 0 || out[n-1].UnitID != a.UnitID {
			out = append(out, Target{UnitID: a.UnitID, Reason: risk.OtherReason})
		}
		t := &out[len(out)-1]
		t.Alerts = append(t.Alerts, *a)
		t.Severity = max(t.Severity, a.Severity)
		if a.Rule == alert.RuleFire || a.Rule == alert.RuleFireAlarm {
			t.Reason = risk.IncidentFollowUp
		}
	}
	slices.SortStableFunc(out, func(a, b Target) int { return cmp.Compare(a.UnitID, b.UnitID) })
	return out
}
