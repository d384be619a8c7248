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
