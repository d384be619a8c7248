package protocol

import (
	"crypto/sha256"
	"slices"
	"time"

	"github.com/firedraw/firedraw/risk/alert"
)

// TargetedAlgorithm names how a round's targeted inspections are chosen,
// dated and staffed (schedule.PlanTargeted): targets from the alerts the
// manifest's Targeted section selects, committed by their digest; visit
// order and teams drawn under a seed derived from the round's seed
// (schedule.TargetedSeed), the random tasks' inspector loads counted;
// dates spread over the round's first WithinDays working days.
const TargetedAlgorithm = "targeted/v2"

// Bounds of the Targeted section.
const (
	// MaxWithinDays bounds Targeted.WithinDays (a quarter's working days).
	MaxWithinDays = 66
)

// Targeted fixes a round's targeted (alert-triggered) inspections before
// any randomness exists: which alerts make a target (the alert
// configuration's digest, the least severity, the rules, whether an
// episode must still be open, and the time after which an alert must
// have been raised), how soon they are visited, and the list of targets
// itself (its count and SHA-256, schedule.TargetsDigest), so that no
// target can be added, dropped or changed once the seed or the random
// draw is known. An auditor re-derives the list from the committed
// telemetry and incidents snapshot; the public checks the published
// targeted tasks against the digest.
type Targeted struct {
	Algorithm string `json:"algorithm"` // TargetedAlgorithm
	// AlertConfig is the SHA-256 (64 hex digits) of the alert rules'
	// configuration (schedule.AlertConfigDigest).
	AlertConfig string `json:"alert_config_sha256"`
	// MinSeverity is the least severity of an alert that makes a target
	// (alert.Severity's name).
	MinSeverity string `json:"min_severity"`
	// Rules are the rules whose alerts make targets (alert.Rule IDs, in
	// rule order, each once); empty: no targeted inspections.
	Rules []string `json:"rules"`
	// OpenOnly makes an episode alert (a condition with a start and an
	// end, such as low water pressure) a target only while its condition
	// is still open at the as-of time.
	OpenOnly bool `json:"open_only"`
	// Since: only alerts raised after it (TimeLayout, before the as-of
	// time; usually the previous round's as-of time) make targets.
	Since string `json:"since"`
	// WithinDays is the number of the round's first working days the
	// targeted visits are dated in.
	WithinDays int `json:"within_days"`
	// Targets is the count and SHA-256 of the canonical target list.
	Targets Digest `json:"targets"`
}

// validateTargeted checks the Targeted section.
func (m *Manifest) validateTargeted() error {
	t := &m.Targeted
	if t.Algorithm != TargetedAlgorithm {
		return manifestErr("targeted.algorithm", "%q, want %q", t.Algorithm, TargetedAlgorithm)
	}
	if err := checkHex("targeted.alert_config_sha256", t.AlertConfig, sha256.Size); err != nil {
		return err
	}
	if _, err := alert.ParseSeverity(t.MinSeverity); err != nil {
		return manifestErr("targeted.min_severity", "%v", err)
	}
	if len(t.Rules) > alert.NumRules {
		return manifestErr("targeted.rules", "%d rules, there are %d", len(t.Rules), alert.NumRules)
	}
	prev := -1
	for _, s := range t.Rules {
		r, err := alert.ParseRule(s)
		if err != nil {
			return manifestErr("targeted.rules", "%v", err)
		}
		if int(r) <= prev {
			return manifestErr("targeted.rules", "%q out of rule order or repeated", s)
		}
		prev = int(r)
	}
	since, err := ParseTime(t.Since)
	if err != nil {
		return manifestErr("targeted.since", "%v", err)
	}
	if asOf, err := ParseTime(m.AsOf); err == nil && !since.Before(asOf) {
		return manifestErr("targeted.since", "%s is not before the as-of time %s", t.Since, m.AsOf)
	}
	if t.WithinDays < 1 || t.WithinDays > MaxWithinDays {
		return manifestErr("targeted.within_days", "%d outside [1, %d]", t.WithinDays, MaxWithinDays)
	}
	if t.Targets.Count < 0 || t.Targets.Count > m.Frame.Directory.Count {
		return manifestErr("targeted.targets.count", "%d outside [0, %d]: one target per unit at most", t.Targets.Count, m.Frame.Directory.Count)
	}
	if len(t.Rules) == 0 && t.Targets.Count != 0 {
		return manifestErr("targeted.targets.count", "%d targets, but no rule makes targets", t.Targets.Count)
	}
	return checkHex("targeted.targets.sha256", t.Targets.SHA256, sha256.Size)
}

// SinceTime returns the time after which alerts make targets (the
// manifest must be valid).
func (t *Targeted) SinceTime() time.Time { return mustTime(t.Since) }

// HasRule reports whether alerts of rule r make targets.
func (t *Targeted) HasRule(r alert.Rule) bool { return slices.Contains(t.Rules, r.String()) }

// TargetedBody is the body of a targeted entry, logged after the draw
// entry of the same manifest: the SHA-256 of the round's targeted
// disclosure (schedule.TargetedDisclosure, published next to the random
// disclosure) and its number of tasks, the manifest's target count.
type TargetedBody struct {
	Manifest string `json:"manifest"`
	Targeted string `json:"targeted_sha256"`
	Count    int64  `json:"count"`
}
