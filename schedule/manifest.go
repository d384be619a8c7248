package schedule

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/firedraw/firedraw/risk"
	"github.com/firedraw/firedraw/schedule/protocol"
)

// ErrManifestMismatch reports an input that is not the one the manifest
// fixed.
var ErrManifestMismatch = errors.New("input differs from the manifest")

// ManifestParams are the parts of a draw's manifest that a Config does
// not hold.
type ManifestParams struct {
	// PeriodID names the period in the log ("2026").
	PeriodID string
	// AsOf is the snapshot time (Snapshot).
	AsOf time.Time
	// Records is Snapshot of the records as of AsOf.
	Records protocol.Records
	// Model is ModelDigest of the scoring.
	Model protocol.Model
	// Randomness is the seed's plan: parties, deadlines, late sources.
	Randomness protocol.Randomness
	// Targeted fixes the round's targeted inspections (TargetedSection);
	// the zero value means none: no rule makes targets.
	Targeted protocol.Targeted
}

// NewManifest returns the manifest of round `round` (an index into
// cfg.Rounds) of frame and pool under cfg: the configuration with its
// defaults applied, the digests of the frame and pool, and params. It
// checks the result with protocol.Manifest.Validate; the error names the
// field at fault. Check it with CheckStaffing before logging it.
func NewManifest(cfg *Config, round int, frame *Frame, pool *Pool, p ManifestParams) (*protocol.Manifest, error) {
	if err := cfg.check(); err != nil {
		return nil, err
	}
	if round < 0 || round >= len(cfg.Rounds) {
		return nil, fmt.Errorf("schedule: round %d outside the period's %d rounds: %w", round, len(cfg.Rounds), ErrBadRound)
	}
	pol, err := cfg.Policy.Resolved()
	if err != nil {
		return nil, fmt.Errorf("schedule: %w", err)
	}
	r := cfg.Rounds[round]
	targeted := p.Targeted
	if targeted.Algorithm == "" {
		targeted = noTargets(p.AsOf)
	}
	targeted.Rules = append([]string{}, targeted.Rules...)
	randomness := p.Randomness
	randomness.NonReveal = protocol.NonRevealRule
	m := &protocol.Manifest{
		Format: protocol.ManifestFormat, Library: LibraryVersion, Algorithms: CurrentAlgorithms(),
		Period: protocol.Period{ID: p.PeriodID, Start: DayOf(cfg.Rounds[0].Start).String(),
			Length: cfg.Length.String(), Rounds: len(cfg.Rounds)},
		Round:   protocol.Round{Number: round + 1, First: DayOf(r.Start).String(), Last: (DayOf(r.End) - 1).String()},
		AsOf:    protocol.FormatTime(p.AsOf),
		Records: p.Records,
		Frame: protocol.Frame{
			Directory: protocol.Digest{Count: int64(frame.Len()), SHA256: frame.Hash()},
			History:   protocol.Digest{Count: int64(frame.Len()), SHA256: frame.HistoryHash()},
			Pool:      protocol.Digest{Count: int64(pool.Len()), SHA256: pool.Hash()},
		},
		Model:  p.Model,
		Policy: policyToManifest(pol),
		Mode:   cfg.Mode.String(),
		Sealed: cfg.Sealed,
		Settings: protocol.Settings{
			HistoryStart: DayOf(cfg.historyStart()).String(), MaxQuiet: cfg.maxQuiet(), ExcludeVisited: cfg.ExcludeVisited,
			TeamSize: cfg.Staffing.teamSize(), DailyCap: cfg.Staffing.dailyCap(),
			Departments: append([]string{}, cfg.Staffing.Departments...), ResultsDueDays: cfg.resultsDue(),
		},
		Calendar:   protocol.Calendar{Holidays: dayStrings(cfg.Calendar.Holidays), MakeupDays: dayStrings(cfg.Calendar.MakeupDays)},
		Targeted:   targeted,
		Randomness: randomness,
	}
	if err := m.Validate(); err != nil {
		return nil, err
	}
	return m, nil
}

func dayStrings(ts []time.Time) []string {
	days := sortedDays(ts)
	out := make([]string, len(days))
	for i, d := range days {
		out[i] = d.String()
	}
	return out
}

// ConfigOf rebuilds the planning configuration a valid manifest fixes,
// and the index of its round in Config.Rounds.
func ConfigOf(m *protocol.Manifest) (*Config, int, error) {
	if err := m.Validate(); err != nil {
		return nil, 0, err
	}
	l := Month
	if m.Period.Length == "quarter" {
		l = Quarter
	}
	start, _ := protocol.ParseDate(m.Period.Start)
	rounds, err := Period(start, m.Period.Rounds, l)
	if err != nil {
		return nil, 0, err
	}
	hs, _ := protocol.ParseDate(m.Settings.HistoryStart)
	s := m.Settings
	cfg := &Config{
		Rounds: rounds, Length: l, Mode: Independent,
		Staffing:       Staffing{TeamSize: s.TeamSize, DailyCap: s.DailyCap, Departments: append([]string(nil), s.Departments...)},
		ResultsDue:     s.ResultsDueDays,
		ExcludeVisited: s.ExcludeVisited,
		MaxQuiet:       s.MaxQuiet,
		Sealed:         m.Sealed,
		HistoryStart:   hs,
		Policy:         policyFromManifest(m.Policy),
	}
	for _, d := range m.Calendar.Holidays {
		t, _ := protocol.ParseDate(d)
		cfg.Calendar.Holidays = append(cfg.Calendar.Holidays, t)
	}
	for _, d := range m.Calendar.MakeupDays {
		t, _ := protocol.ParseDate(d)
		cfg.Calendar.MakeupDays = append(cfg.Calendar.MakeupDays, t)
	}
	if err := cfg.check(); err != nil {
		return nil, 0, err
	}
	return cfg, m.Round.Number - 1, nil
}

func policyToManifest(p Policy) protocol.Policy {
	f := p.Frequencies
	return protocol.Policy{
		Low: f[risk.Low], General: f[risk.LevelGeneral], Higher: f[risk.Higher], High: f[risk.High],
		CrowdedKeyFloor: p.CrowdedKeyFloor, HighFireRiskFloor: p.HighFireRiskFloor,
		Strength: p.Strength, MinShare: p.MinShare,
	}
}

func policyFromManifest(p protocol.Policy) Policy {
	var q Policy
	q.Frequencies[risk.Low], q.Frequencies[risk.LevelGeneral] = p.Low, p.General
	q.Frequencies[risk.Higher], q.Frequencies[risk.High] = p.Higher, p.High
	q.CrowdedKeyFloor, q.HighFireRiskFloor = p.CrowdedKeyFloor, p.HighFireRiskFloor
	q.Strength, q.MinShare = p.Strength, p.MinShare
	return q
}

// ManifestPolicy returns the policy a manifest fixes, to build the
// directory with (the auditor tier rebuilds the frame with it).
func ManifestPolicy(m *protocol.Manifest) Policy { return policyFromManifest(m.Policy) }

// ModelDigest returns the digest of the scoring a manifest fixes: the
// SHA-256 of the model's JSON (risk.Model's encoding, as examples/tune
// writes it) and of the feature and level configuration's JSON. A nil
// model means risk.DefaultModel().
func ModelDigest(model *risk.Model, features risk.FeatureConfig, levels risk.LevelConfig) (protocol.Model, error) {
	if model == nil {
		model = risk.DefaultModel()
	}
	w, err := json.Marshal(model)
	if err != nil {
		return protocol.Model{}, fmt.Errorf("schedule: model: %w", err)
	}
	c, err := json.Marshal(struct {
		Features risk.FeatureConfig
		Levels   risk.LevelConfig
	}{features, levels})
	if err != nil {
		return protocol.Model{}, fmt.Errorf("schedule: scoring configuration: %w", err)
	}
	return protocol.Model{Weights: protocol.HashBytes(w), Config: protocol.HashBytes(c)}, nil
}

// checkInputs refuses a frame or pool that does not hash to what the
// manifest fixed.
func checkInputs(m *protocol.Manifest, frame *Frame, pool *Pool) error {
	for _, c := range []struct {
		what  string
		want  protocol.Digest
		count int
		hash  func() string
	}{
		{"directory", m.Frame.Directory, frame.Len(), frame.Hash},
		{"inspection history", m.Frame.History, frame.Len(), frame.HistoryHash},
		{"inspector pool", m.Frame.Pool, pool.Len(), pool.Hash},
	} {
		if int64(c.count) != c.want.Count {
			return fmt.Errorf("schedule: the %s given has %d entries, the manifest fixed %d: %w", c.what, c.count, c.want.Count, ErrManifestMismatch)
		}
		if h := c.hash(); h != c.want.SHA256 {
			return fmt.Errorf("schedule: the %s given hashes to %s, the manifest fixed %s: %w", c.what, h, c.want.SHA256, ErrManifestMismatch)
		}
	}
	return nil
}

// AuditFrame rebuilds from the record files the frame and pool a
// manifest fixed: the auditor tier. The records must have the manifest's
// snapshot digests (Snapshot as of its as-of time, so nothing dated after
// it), the scoring must have its digests (ModelDigest of cfg's model,
// features and levels), and the units are assessed under the manifest's
// policy (cfg.Policy is ignored): levels, frequencies and π are
// re-derived from the committed snapshot, not read from the disclosure.
// The frame and pool must then hash to the manifest's digests. Errors
// wrap ErrManifestMismatch and name what differs.
func AuditFrame(m *protocol.Manifest, rec *risk.Records, cfg AssessConfig) (*Assessment, *Pool, error) {
	asOf, err := protocol.ParseTime(m.AsOf)
	if err != nil {
		return nil, nil, fmt.Errorf("schedule: manifest as_of: %v: %w", err, protocol.ErrManifest)
	}
	snap, err := Snapshot(rec, asOf)
	if err != nil {
		return nil, nil, err
	}
	if snap != m.Records {
		return nil, nil, fmt.Errorf("schedule: the records' snapshot %+v is not the manifest's %+v: %w", snap, m.Records, ErrManifestMismatch)
	}
	md, err := ModelDigest(cfg.Model, cfg.Features, cfg.Levels)
	if err != nil {
		return nil, nil, err
	}
	if md != m.Model {
		return nil, nil, fmt.Errorf("schedule: the scoring's digests %+v are not the manifest's %+v: %w", md, m.Model, ErrManifestMismatch)
	}
	cfg.Policy = ManifestPolicy(m)
	a, err := Assess(rec, asOf, cfg)
	if err != nil {
		return nil, nil, err
	}
	pool, err := NewPool(rec.Inspectors)
	if err != nil {
		return nil, nil, err
	}
	if err := checkInputs(m, a.Frame, pool); err != nil {
		return nil, nil, err
	}
	return a, pool, nil
}
