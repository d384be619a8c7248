package schedule

import (
	"cmp"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/firedraw/firedraw/risk"
	"github.com/firedraw/firedraw/risk/alert"
	"github.com/firedraw/firedraw/sampling"
	"github.com/firedraw/firedraw/schedule/canon"
	"github.com/firedraw/firedraw/schedule/content"
	"github.com/firedraw/firedraw/schedule/protocol"
	"github.com/google/uuid"
)

// Identity of the targeted disclosure.
const (
	// TargetedFormatVersion names the targeted disclosure's JSON layout.
	// Version 2 names the manifest (whose Targeted section commits the
	// targets) instead of repeating the configuration.
	TargetedFormatVersion = "firedraw-targeted/2"
	// TargetsFormatVersion names the canonical target list whose SHA-256
	// the manifest commits (TargetsDigest).
	TargetsFormatVersion = "firedraw-targets/1"
	// DefaultTargetedWithin is the number of the round's first working
	// days a targeted visit is dated in when TargetedParams.Within is
	// zero: an alert calls for a prompt visit.
	DefaultTargetedWithin = 5
)

// Target is a unit that alerts make the subject of an inspection outside
// the random draw, in its published form: what the visit checks and why
// it happens. Build the list with Assessment.Targets; its digest
// (TargetsDigest) goes into the manifest before any randomness exists.
type Target struct {
	Unit string `json:"unit"`
	// Reason is the inspection's reason in the history: "incident" (a
	// fire or fire alarm triggered it) or "other"; never "random".
	Reason string `json:"reason"`
	// Method is how the visit is done (content.Method's name); a
	// targeted visit is never remote.
	Method string `json:"method"`
	// Focus are the catalogue items the visit focuses on, the alerts'
	// items first (content.Policy.Content with Profile.Alerts).
	Focus []string `json:"focus"`
	// Severity is the highest severity of the triggers.
	Severity string `json:"severity"`
	// Triggers are the alerts behind the task (at least one), by rule.
	Triggers []Trigger `json:"triggers"`
}

// Trigger is one alert behind a targeted task, as disclosed: the rule,
// its severity, when it was raised, its evidence and a plain explanation.
type Trigger struct {
	Rule     string `json:"rule"`     // alert.Rule's ID
	Severity string `json:"severity"` // alert.Severity's name
	// Raised, From and To are UTC times in protocol.TimeLayout: when the
	// newest evidence met the rule, and the evidence's window [From, To).
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

// TriggerOf returns the disclosed form of alert a.
func TriggerOf(a *alert.Alert) Trigger {
	zh, en := a.Explain()
	t := Trigger{
		Rule: a.Rule.String(), Severity: a.Severity.String(),
		Raised: protocol.FormatTime(a.Raised), From: protocol.FormatTime(a.From), To: protocol.FormatTime(a.To),
		Count: a.Count, Evidence: make([]TriggerEvidence, len(a.Evidence)),
		ExplanationZH: zh, ExplanationEN: en,
	}
	for i, e := range a.Evidence {
		t.Evidence[i] = TriggerEvidence{Device: e.DeviceID, Count: e.Count,
			First: protocol.FormatTime(e.First), Last: protocol.FormatTime(e.Last), Open: e.Open}
	}
	return t
}

// TargetOf returns the published form of target t (content.Targets)
// inspected with content c (content.Policy.Content of the unit's profile
// with t's alerts): its reason, method, focus codes and triggers, these
// sorted by rule then raised time.
func TargetOf(t *content.Target, c *content.Content) Target {
	out := Target{Unit: t.UnitID, Reason: t.Reason.String(), Method: c.Method.String(), Focus: c.FocusCodes(),
		Severity: t.Severity.String(), Triggers: make([]Trigger, len(t.Alerts))}
	for i := range t.Alerts {
		out.Triggers[i] = TriggerOf(&t.Alerts[i])
	}
	if out.Focus == nil {
		out.Focus = []string{}
	}
	sortTriggers(out.Triggers)
	return out
}

// sortTriggers orders triggers by rule, then raised time, then severity.
func sortTriggers(tr []Trigger) {
	slices.SortFunc(tr, func(a, b Trigger) int {
		return cmp.Or(cmp.Compare(a.Rule, b.Rule), cmp.Compare(a.Raised, b.Raised), cmp.Compare(a.Severity, b.Severity))
	})
}

// Targets returns the targets that the alerts of rep make under tp
// (content.TargetPolicy.Targets), by unit: each with the content p gives
// its unit's profile (its level and top FocusReasons reasons, from the
// assessment) with the unit's alerts added (TargetOf). units are the
// records' units the assessment was made of, in the same order; a nil p
// is the zero (default) content.Policy. It returns p's errors, or an
// error wrapping ErrBadInput for an alert on a unit not among units.
func (a *Assessment) Targets(units []risk.Unit, rep *alert.Report, tp *content.TargetPolicy, p *content.Policy) ([]Target, error) {
	if p == nil {
		p = &content.Policy{}
	}
	ts := tp.Targets(rep)
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

// targetList is the canonical document whose SHA-256 the manifest
// commits.
type targetList struct {
	Format  string   `json:"format"` // TargetsFormatVersion
	Targets []Target `json:"targets"`
}

// TargetsDigest returns the count and SHA-256 of the canonical target
// list {"format":TargetsFormatVersion,"targets":[…]}, targets sorted by
// unit: what the manifest's Targeted section commits. It returns an
// error wrapping ErrBadInput for targets that are not sorted by unit,
// each once, or cannot be encoded.
func TargetsDigest(targets []Target) (protocol.Digest, error) {
	for i := 1; i < len(targets); i++ {
		if targets[i].Unit <= targets[i-1].Unit {
			return protocol.Digest{}, fmt.Errorf("schedule: target %q out of order or repeated: %w", targets[i].Unit, ErrBadInput)
		}
	}
	l := targetList{Format: TargetsFormatVersion, Targets: targets}
	if l.Targets == nil {
		l.Targets = []Target{}
	}
	b, err := canon.Marshal(&l)
	if err != nil {
		return protocol.Digest{}, fmt.Errorf("schedule: target list: %w: %w", err, ErrBadInput)
	}
	return protocol.Digest{Count: int64(len(targets)), SHA256: protocol.HashBytes(b)}, nil
}

// AlertConfigDigest returns the SHA-256 (hex) of the alert rules'
// configuration: its encoding/json form (zero fields meaning the
// defaults, as alert.Evaluate reads them).
func AlertConfigDigest(cfg alert.Config) (string, error) {
	b, err := json.Marshal(cfg)
	if err != nil {
		return "", fmt.Errorf("schedule: alert configuration: %w", err)
	}
	return protocol.HashBytes(b), nil
}

// TargetedParams are the inputs of a manifest's Targeted section
// (TargetedSection): the alert rules' configuration, which alerts make
// targets, how soon they are visited, and the targets themselves.
type TargetedParams struct {
	Alerts alert.Config
	Policy content.TargetPolicy
	// Within is the number of the round's first working days targeted
	// visits are dated in; zero means DefaultTargetedWithin.
	Within  int
	Targets []Target
}

// TargetedSection returns the manifest's Targeted section for p: the
// alert configuration's digest, the selection (severity, rules, open
// episodes only, since), the visit window and the targets' digest. A
// zero Since is written as the as-of time minus one year, the alerts'
// longest look-back being shorter. Put it in ManifestParams.Targeted.
func TargetedSection(p *TargetedParams, asOf time.Time) (protocol.Targeted, error) {
	cd, err := AlertConfigDigest(p.Alerts)
	if err != nil {
		return protocol.Targeted{}, err
	}
	td, err := TargetsDigest(p.Targets)
	if err != nil {
		return protocol.Targeted{}, err
	}
	rules := []string{}
	for _, r := range p.Policy.RuleSet() {
		rules = append(rules, r.String())
	}
	since := p.Policy.Since
	if since.IsZero() {
		since = asOf.AddDate(-1, 0, 0)
	}
	within := p.Within
	if within == 0 {
		within = DefaultTargetedWithin
	}
	return protocol.Targeted{Algorithm: protocol.TargetedAlgorithm, AlertConfig: cd, MinSeverity: p.Policy.MinSev().String(),
		Rules: rules, OpenOnly: !p.Policy.IncludeClosed, Since: protocol.FormatTime(since), WithinDays: within, Targets: td}, nil
}

// noTargets is the Targeted section of a manifest without targeted
// inspections: no rule, no target.
func noTargets(asOf time.Time) protocol.Targeted {
	s, _ := TargetedSection(&TargetedParams{Policy: content.TargetPolicy{Rules: []alert.Rule{}}}, asOf)
	return s
}

// TargetPolicyOf returns the target selection a valid manifest fixes.
func TargetPolicyOf(m *protocol.Manifest) content.TargetPolicy {
	t := &m.Targeted
	sev, _ := alert.ParseSeverity(t.MinSeverity)
	p := content.TargetPolicy{MinSeverity: sev, Rules: []alert.Rule{}, IncludeClosed: !t.OpenOnly, Since: t.SinceTime()}
	for _, s := range t.Rules {
		r, _ := alert.ParseRule(s)
		p.Rules = append(p.Rules, r)
	}
	return p
}

// TargetedSeed is the seed targeted visits are ordered and staffed
// under: SHA-256("firedraw/targeted/v2" 0x00 ‖ the round's seed). It
// exists only once the round's seed does, so targeted teams are as
// unsteerable as random ones, and it is a stream of its own.
func TargetedSeed(seed sampling.Seed) sampling.Seed {
	h := sha256.New()
	h.Write([]byte("firedraw/targeted/v2\x00"))
	h.Write(seed[:])
	var s sampling.Seed
	copy(s[:], h.Sum(nil))
	return s
}

// TargetedDrawID is the draw ID of the targeted tasks of the random draw
// randomDrawID; a targeted task's ID is TaskID(TargetedDrawID, unit).
func TargetedDrawID(randomDrawID uuid.UUID) uuid.UUID {
	return uuid.NewSHA1(randomDrawID, []byte("targeted"))
}

// TargetedTask is one inspection outside the random draw, with its
// target's fields (unit, reason, method, focus, severity, triggers) as
// the manifest committed them. If the unit was also drawn at random in
// the round, RandomTask is that task's ID and the visit is the random
// task's: same date and teams, results recorded once, under the random
// task (reason random), so the random sample is unchanged.
type TargetedTask struct {
	ID         string    `json:"id"`
	Unit       string    `json:"unit"`
	RandomTask string    `json:"random_task"`
	Reason     string    `json:"reason"`
	Severity   string    `json:"severity"`
	Date       Day       `json:"date"`
	ResultsDue Day       `json:"results_due"`
	Teams      []Team    `json:"teams"`
	Method     string    `json:"method"`
	Focus      []string  `json:"focus"`
	Triggers   []Trigger `json:"triggers"`
}

// target returns the task's target, as the manifest committed it.
func (t *TargetedTask) target() Target {
	return Target{Unit: t.Unit, Reason: t.Reason, Method: t.Method, Focus: t.Focus, Severity: t.Severity, Triggers: t.Triggers}
}

// TargetedDisclosure is the public record of a round's targeted tasks,
// published next to (and separately from) the random disclosure and
// logged in an entry of its own after the draw, so that anyone can see
// which inspections were not random and why. It names the manifest whose
// Targeted section committed the targets, and the random draw. Its
// canonical JSON (MarshalCanonical) is byte-identical across runs,
// machines and input orders: tasks by unit, triggers by rule then raised
// time.
type TargetedDisclosure struct {
	Format    string `json:"format"`    // TargetedFormatVersion
	Library   string `json:"library"`   // LibraryVersion
	Algorithm string `json:"algorithm"` // protocol.TargetedAlgorithm
	// Manifest is the SHA-256 of the manifest, logged at ManifestSeq.
	Manifest    string `json:"manifest"`
	ManifestSeq int64  `json:"manifest_seq"`
	// Seed is the round's seed; RandomDrawID the random draw's ID and
	// DrawID TargetedDrawID of it.
	Seed         string    `json:"seed"`
	RandomDrawID string    `json:"random_draw_id"`
	DrawID       string    `json:"draw_id"`
	Period       string    `json:"period"`
	Round        RoundInfo `json:"round"`
	// WithinDays is the manifest's: visits are dated in the round's first
	// WithinDays working days.
	WithinDays int            `json:"within_days"`
	Tasks      []TargetedTask `json:"tasks"`
}

// MarshalCanonical returns the canonical JSON of the disclosure, ending
// in a newline (package canon).
func (td *TargetedDisclosure) MarshalCanonical() ([]byte, error) {
	return canon.Marshal(td)
}

// Inspection returns the inspection record of a done targeted task for
// the history: reason incident or other, ID the task's. For a task
// merged into a random task it returns an error wrapping ErrBadInput:
// record the random task's results instead (its reason is random).
func (t *TargetedTask) Inspection(date time.Time, result risk.Result, violations []risk.Violation) (risk.Inspection, error) {
	if t.RandomTask != "" {
		return risk.Inspection{}, fmt.Errorf("schedule: targeted task %s is visited as random task %s: record that task's results: %w", t.ID, t.RandomTask, ErrBadInput)
	}
	reason, err := risk.ParseReason(t.Reason)
	if err != nil || reason == risk.RandomDraw {
		return risk.Inspection{}, fmt.Errorf("schedule: targeted task %s: reason %q: %w", t.ID, t.Reason, ErrBadInput)
	}
	var insp []string
	for _, tm := range t.Teams {
		insp = append(insp, tm.Inspectors...)
	}
	return risk.Inspection{ID: t.ID, UnitID: t.Unit, Date: date, Inspectors: insp, Result: result,
		Reason: reason, Violations: slices.Clone(violations)}, nil
}
