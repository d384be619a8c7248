//go:build firedraw_targeted_port

package schedule

import (
	"cmp"
	"crypto/sha256"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/firedraw/firedraw/risk"
	"github.com/firedraw/firedraw/risk/alert"
	"github.com/firedraw/firedraw/sampling"
	"github.com/firedraw/firedraw/schedule/canon"
	"github.com/firedraw/firedraw/schedule/content"
	"github.com/google/uuid"
)

// Identity of the targeted disclosure.
const (
	// TargetedFormatVersion names the targeted disclosure's JSON layout.
	TargetedFormatVersion = "firedraw-targeted/1"
	// TargetedAlgorithm names how targeted tasks are dated and staffed:
	// a seed derived from the round's (TargetedSeed), visit order and
	// teams as in the random draw under it, dates spread over the first
	// working days of the round, the random tasks' inspector loads
	// counted against the caps.
	TargetedAlgorithm = "targeted/v1"
	// DefaultTargetedWithin is the number of the round's first working
	// days a targeted visit is dated in when TargetedInput.Within is zero:
	// an alert calls for a prompt visit.
	DefaultTargetedWithin = 5
)

// Target is a unit that alerts make the subject of an inspection outside
// the random draw, with what the inspection checks and why it happens.
// Build it from the early-warning report with TargetOf.
type Target struct {
	Unit string
	// Reason is the inspection's reason in the history: risk.IncidentFollowUp
	// (a fire or fire alarm triggered it) or risk.OtherReason; never
	// risk.RandomDraw.
	Reason risk.Reason
	// Method is how the visit is done; a targeted visit is never remote.
	Method content.Method
	// Focus are the catalogue items the visit focuses on, the alerts'
	// items included (content.Policy.Content with Profile.Alerts).
	Focus []string
	// Triggers are the alerts behind the task (at least one).
	Triggers []Trigger
}

// Trigger is one alert behind a targeted task, as disclosed: the rule,
// its severity, when it was raised, its evidence and a plain explanation.
type Trigger struct {
	Rule     string `json:"rule"`     // alert.Rule's ID
	Severity string `json:"severity"` // alert.Severity's name
	// Raised, From and To are UTC times in TimeLayout: when the newest
	// evidence met the rule, and the evidence's window [From, To).
	Raised string `json:"raised"`
	From   string `json:"from"`
	To     string `json:"to"`
	// Count is the triggering events or devices (alert.Alert.Count).
	Count         int               `json:"count"`
	Evidence      []TriggerEvidence `json:"evidence"`
	ExplanationZH string            `json:"explanation_zh"`
	ExplanationEN string            `json:"explanation_en"`
}

// TriggerEvidence is what one device (or, for a fire, one incident:
// Device "") showed.
type TriggerEvidence struct {
	Device string `json:"device"`
	Count  int    `json:"count"`
	First  string `json:"first"`
	Last   string `json:"last"`
	Open   bool   `json:"open"`
}

// TimeLayout is the layout of the times of a trigger (UTC, to the second).
const TimeLayout = "2006-01-02T15:04:05Z"

func fmtTime(t time.Time) string { return t.UTC().Format(TimeLayout) }

// TriggerOf returns the disclosed form of alert a.
func TriggerOf(a *alert.Alert) Trigger {
	zh, en := a.Explain()
	t := Trigger{
		Rule: a.Rule.String(), Severity: a.Severity.String(),
		Raised: fmtTime(a.Raised), From: fmtTime(a.From), To: fmtTime(a.To),
		Count: a.Count, Evidence: make([]TriggerEvidence, len(a.Evidence)),
		ExplanationZH: zh, ExplanationEN: en,
	}
	for i, e := range a.Evidence {
		t.Evidence[i] = TriggerEvidence{Device: e.DeviceID, Count: e.Count, First: fmtTime(e.First), Last: fmtTime(e.Last), Open: e.Open}
	}
	return t
}

// TargetOf returns the target of t (content.Targets) inspected with
// content c (content.Policy.Content of the unit's profile with t's
// alerts): its reason, method, focus codes and triggers.
func TargetOf(t *content.Target, c *content.Content) Target {
	out := Target{Unit: t.UnitID, Reason: t.Reason, Method: c.Method, Focus: c.FocusCodes(),
		Triggers: make([]Trigger, len(t.Alerts))}
	for i := range t.Alerts {
		out.Triggers[i] = TriggerOf(&t.Alerts[i])
	}
	return out
}

// TargetedInput is what PlanTargeted reads besides the configuration,
// frame and pool of the round.
type TargetedInput struct {
	// Random is the round's random disclosure, planned on the same frame:
	// its tasks' inspectors are busy (they count against DailyCap and
	// MaxPerRound) and a targeted unit it drew is visited once, by its
	// random task (see PlanTargeted).
	Random *Disclosure
	// Seed is the round's revealed seed (it must match Random's
	// commitment); targeted staffing draws from TargetedSeed of it.
	Seed sampling.Seed
	// Targets are the round's targets, in any order, one per unit.
	Targets []Target
	// MinSeverity and Since are the alert selection the targets come from
	// (content.Targets), recorded in the disclosure.
	MinSeverity alert.Severity
	Since       time.Time
	// Within is the number of the round's first working days targeted
	// visits are dated in; zero means DefaultTargetedWithin.
	Within int
}

func (in *TargetedInput) within() int {
	if in.Within == 0 {
		return DefaultTargetedWithin
	}
	return in.Within
}

// TargetedTask is one inspection outside the random draw, with its
// trigger. If the unit was also drawn at random in the round, RandomTask
// is that task's ID and the visit is the random task's: same date and
// teams, the targeted focus added to it (see PlanTargeted).
type TargetedTask struct {
	ID         string `json:"id"`
	Unit       string `json:"unit"`
	RandomTask string `json:"random_task"`
	// Reason is "incident" or "other": the reason the outcome is
	// recorded with, unless RandomTask is set (then "random").
	Reason     string    `json:"reason"`
	Severity   string    `json:"severity"` // the highest of the triggers
	Date       Day       `json:"date"`
	ResultsDue Day       `json:"results_due"`
	Teams      []Team    `json:"teams"`
	Method     string    `json:"method"`
	Focus      []string  `json:"focus"`
	Triggers   []Trigger `json:"triggers"`
}

// TargetedDisclosure is the public record of a round's targeted tasks,
// published next to (and separately from) the random disclosure, so that
// anyone can see which inspections were not random and why. Its
// canonical JSON (MarshalCanonical) is byte-identical across runs,
// machines and input orders: tasks by unit, triggers by rule then
// raised time.
type TargetedDisclosure struct {
	Format    string `json:"format"`    // TargetedFormatVersion
	Library   string `json:"library"`   // LibraryVersion
	Algorithm string `json:"algorithm"` // TargetedAlgorithm
	// DrawID identifies the targeted tasks (TargetedDrawID of
	// RandomDrawID); task IDs are TaskID(DrawID, unit).
	DrawID       string `json:"draw_id"`
	RandomDrawID string `json:"random_draw_id"`
	// Seed is the random disclosure's seed ("" while withheld).
	Seed        string     `json:"seed"`
	Period      PeriodInfo `json:"period"`
	Round       RoundInfo  `json:"round"`
	MinSeverity string     `json:"min_severity"`
	Since       string     `json:"since"`
	WithinDays  int        `json:"within_days"`
	// Staffing, Directory, History and Pool are the random disclosure's.
	Staffing  StaffingInfo   `json:"staffing"`
	Directory Digest         `json:"directory"`
	History   Digest         `json:"history"`
	Pool      Digest         `json:"pool"`
	Tasks     []TargetedTask `json:"tasks"`
}

// TargetedSeed is the seed targeted staffing draws from: SHA-256 of
// "firedraw/targeted/<period start>/<round>/" followed by the round's
// seed. It is a stream of its own, unknown before the round's seed is
// revealed, so targeted teams are as unsteerable as random ones and
// independent of them.
func TargetedSeed(seed sampling.Seed, periodStart Day, round int) sampling.Seed {
	h := sha256.New()
	h.Write([]byte("firedraw/targeted/" + periodStart.String() + "/" + strconv.Itoa(round) + "/"))
	h.Write(seed[:])
	var s sampling.Seed
	copy(s[:], h.Sum(nil))
	return s
}

// TargetedDrawID is the draw ID of the targeted tasks of the random draw
// randomDrawID.
func TargetedDrawID(randomDrawID uuid.UUID) uuid.UUID {
	return uuid.NewSHA1(randomDrawID, []byte("targeted"))
}

// MarshalCanonical returns the canonical JSON of the disclosure, ending
// in a newline (package canon).
func (td *TargetedDisclosure) MarshalCanonical() ([]byte, error) {
	return canon.Marshal(td)
}

// Inspection returns the inspection record of a done targeted task for
// the history: reason incident or other, ID the task's; for a task merged
// into a random task, the random task's record (ID RandomTask, reason
// random), which the random ledger also produces, so record it once.
func (t *TargetedTask) Inspection(date time.Time, result risk.Result, violations []risk.Violation) (risk.Inspection, error) {
	reason, err := risk.ParseReason(t.Reason)
	if err != nil {
		return risk.Inspection{}, fmt.Errorf("schedule: targeted task %s: %w", t.ID, err)
	}
	id := t.ID
	if t.RandomTask != "" {
		id = t.RandomTask
	}
	var insp []string
	for _, tm := range t.Teams {
		insp = append(insp, tm.Inspectors...)
	}
	return risk.Inspection{ID: id, UnitID: t.Unit, Date: date, Inspectors: insp, Result: result,
		Reason: reason, Violations: slices.Clone(violations)}, nil
}

// sortTriggers orders triggers by rule, then raised time, then severity.
func sortTriggers(tr []Trigger) {
	slices.SortFunc(tr, func(a, b Trigger) int {
		return cmp.Or(cmp.Compare(a.Rule, b.Rule), cmp.Compare(a.Raised, b.Raised), cmp.Compare(a.Severity, b.Severity))
	})
}

// Targets returns the targets of the alerts of rep with severity ≥ min
// raised after since (content.Targets), by unit: each with the content p
// gives its unit's profile (its level and top FocusReasons reasons, from
// the assessment) with the unit's alerts added (TargetOf). units are the
// records' units the assessment was made of, in the same order; a nil p
// is the zero (default) content.Policy. It
// returns p's errors, or an error wrapping ErrBadInput for an alert on a
// unit not among units.
func (a *Assessment) Targets(units []risk.Unit, rep *alert.Report, since time.Time, min alert.Severity, p *content.Policy) ([]Target, error) {
	if p == nil {
		p = &content.Policy{}
	}
	ts := content.Targets(rep, since, min)
	if len(ts) == 0 {
		return []Target{}, nil
	}
	at := make(map[string]int, len(units))
	for k := range units {
		at[units[k].ID] = k
	}
	profiles := content.Profiles(units, a.Scores, a.Levels, FocusReasons)
	out := make([]Target, len(ts))
	for i := range ts {
		k, ok := at[ts[i].UnitID]
		if !ok {
			return nil, fmt.Errorf("schedule: alert on unit %q, not in the directory: %w", ts[i].UnitID, ErrBadInput)
		}
		pr := profiles[k]
		pr.Alerts = ts[i].Alerts
		c, err := p.Content(&pr)
		if err != nil {
			return nil, err
		}
		out[i] = TargetOf(&ts[i], &c)
	}
	return out, nil
}
