package protocol

import (
	"crypto/sha256"
	"encoding/hex"
	"time"
)

// Identity of the manifest format and of the rules it fixes.
const (
	// ManifestFormat names the manifest's JSON layout.
	// Version 2 adds the Targeted section.
	ManifestFormat = "firedraw/manifest/v2"
	// NonRevealRule names the fixed non-reveal rule (see the package
	// doc): a party that has not revealed by the reveal deadline
	// contributes the value "defaulted".
	NonRevealRule = "defaulted/v1"
	// Defaulted is the contribution of a party that did not reveal.
	Defaulted = "defaulted"
	// TimeLayout is the one form of a time in a manifest or log entry:
	// RFC 3339 in UTC, to the second.
	TimeLayout = "2006-01-02T15:04:05Z"
	// DateLayout is the one form of a date.
	DateLayout = time.DateOnly
)

// Manifest fixes everything a draw reads, before any randomness exists.
// Its canonical JSON (Marshal) is published, and its SHA-256 (Hash) is
// the first entry of a round in the public log; the seed is derived from
// that hash, so changing any field after the randomness is known changes
// the seed and every commitment, which then no longer match.
//
// Dates are strings in DateLayout and times in TimeLayout, so that the
// manifest has one byte form in every language.
type Manifest struct {
	Format     string     `json:"format"`  // ManifestFormat
	Library    string     `json:"library"` // the library version that draws
	Algorithms Algorithms `json:"algorithms"`
	Period     Period     `json:"period"`
	Round      Round      `json:"round"`
	// AsOf is the time of the snapshot: no record dated after it is read.
	AsOf    string  `json:"as_of"`
	Records Records `json:"records"`
	Frame   Frame   `json:"frame"`
	Model   Model   `json:"model"`
	Policy  Policy  `json:"policy"`
	// Mode is "independent": rotation mode needs a period seed that one
	// party keeps secret, which the protocol rules out.
	Mode     string   `json:"mode"`
	Sealed   bool     `json:"sealed"`
	Settings Settings `json:"settings"`
	Calendar Calendar `json:"calendar"`
	// Targeted fixes the round's targeted (alert-triggered) inspections.
	Targeted   Targeted   `json:"targeted"`
	Randomness Randomness `json:"randomness"`
}

// Algorithms names the version of every algorithm a draw uses.
type Algorithms struct {
	Seed    string `json:"seed"`    // DeriveSeed
	PRN     string `json:"prn"`     // sampling.PRN: HMAC-SHA-256 subkey + SipHash-2-4
	Draw    string `json:"draw"`    // per-stratum systematic πps over PRN order
	Spread  string `json:"spread"`  // independent: renewal hazard; rotation: phases
	Team    string `json:"team"`    // eligible pool in PRN order, greedy then augmenting paths
	Dates   string `json:"dates"`   // per-district spreading over working days
	TaskID  string `json:"task_id"` // UUID v5 of draw ID and unit ID
	Merkle  string `json:"merkle"`  // RFC 9162 tree over ID-sorted leaves
	Hashing string `json:"hashing"` // canonical binary encoding of units, inspectors and leaves
	// Continuity keeps a unit with an open task (drawn, results not yet
	// in) out of the draw while it is open (schedule.ContinuityAlgorithm).
	Continuity string `json:"continuity"`
	// Leave re-dates within the round a visit whose team is on leave
	// (schedule.LeaveAlgorithm).
	Leave string `json:"leave"`
}

// Period is the period a round belongs to.
type Period struct {
	// ID names the period in the log ("2026").
	ID string `json:"id"`
	// Start is the first day of the period, the first of a month.
	Start string `json:"start"`
	// Length is the length of every round: "month" or "quarter".
	Length string `json:"length"`
	Rounds int    `json:"rounds"`
}

// Round is the round drawn: its number (1-based) and its first and last
// days, which must be those the period implies.
type Round struct {
	Number int    `json:"number"`
	First  string `json:"first"`
	Last   string `json:"last"`
}

// Digest identifies a set of records by its size and canonical SHA-256
// (64 lowercase hex digits).
type Digest struct {
	Count  int64  `json:"count"`
	SHA256 string `json:"sha256"`
}

// Records is the snapshot of every record set the draw reads.
type Records struct {
	Units       Digest `json:"units"`
	Telemetry   Digest `json:"telemetry"`
	Incidents   Digest `json:"incidents"`
	Inspections Digest `json:"inspections"`
	Credit      Digest `json:"credit"`
	Inspectors  Digest `json:"inspectors"`
}

// Frame is the digests of what the draw computes from the records: the
// directory's static fields, its inspection history and the inspector
// pool, as the disclosure names them. Directory.Count is the number of
// units, hence the size of the sealed mode's Merkle tree.
type Frame struct {
	Directory Digest `json:"directory"`
	History   Digest `json:"history"`
	Pool      Digest `json:"pool"`
}

// Model identifies the scoring: the SHA-256 of the model's canonical
// weights and of the feature and level configuration.
type Model struct {
	Weights string `json:"weights_sha256"`
	Config  string `json:"config_sha256"`
}

// Policy is the resolved inspection policy (every default filled in):
// annual frequencies per level, the regulatory floors, and the
// within-level weighting. Validate enforces MinFrequency and
// MinShareFloor, so no level and no unit can be exempted.
type Policy struct {
	Low               float64 `json:"low"`
	General           float64 `json:"general"`
	Higher            float64 `json:"higher"`
	High              float64 `json:"high"`
	CrowdedKeyFloor   float64 `json:"crowded_key_floor"`
	HighFireRiskFloor float64 `json:"high_fire_risk_floor"`
	Strength          float64 `json:"strength"`
	MinShare          float64 `json:"min_share"`
}

// Settings are the planner's settings, with defaults applied.
type Settings struct {
	// HistoryStart is the date from which the inspection history is
	// complete.
	HistoryStart string `json:"history_start"`
	// MaxQuiet caps the quiet rounds after an inspection; -1: no cap.
	MaxQuiet       int      `json:"max_quiet_rounds"`
	ExcludeVisited bool     `json:"exclude_visited"`
	TeamSize       int      `json:"team_size"`
	DailyCap       int      `json:"daily_cap"`
	Departments    []string `json:"departments"`
	ResultsDueDays int      `json:"results_due_days"`
}

// Calendar lists the holidays and make-up working days, sorted, each once.
type Calendar struct {
	Holidays   []string `json:"holidays"`
	MakeupDays []string `json:"makeup_days"`
}

// Randomness is the plan of the seed: who contributes, by when, and the
// late public source(s) that do not exist when the reveal deadline
// passes.
type Randomness struct {
	// SingleOperator marks a draw whose only contributor is the operator
	// (tests and demonstrations): it offers no protection against the
	// operator. Parties then holds exactly one name.
	SingleOperator bool `json:"single_operator"`
	// Parties are the contributors, in the order their secrets enter the
	// seed.
	Parties []string `json:"parties"`
	// CommitBy is the commitment deadline, before the round starts;
	// RevealBy the reveal deadline, after it.
	CommitBy string `json:"commit_by"`
	RevealBy string `json:"reveal_by"`
	// Beacon is the drand round whose value enters the seed (Chain ""
	// for none).
	Beacon BeaconPlan `json:"beacon"`
	// Dice is the public dice roll whose digits enter the seed (Digits 0
	// for none).
	Dice DicePlan `json:"dice"`
	// NonReveal is NonRevealRule.
	NonReveal string `json:"non_reveal"`
}

// BeaconPlan names a future drand round: the chain hash (64 hex digits),
// the round number and the time drand emits it (TimeLayout), after the
// reveal deadline.
type BeaconPlan struct {
	Chain string `json:"chain"`
	Round uint64 `json:"round"`
	Time  string `json:"time"`
}

// DicePlan names a public dice meeting: its time (after the reveal
// deadline) and the number of ten-sided dice rolled.
type DicePlan struct {
	At     string `json:"at"`
	Digits int    `json:"digits"`
}

// HasBeacon reports whether the plan names a beacon round.
func (r *Randomness) HasBeacon() bool { return r.Beacon.Chain != "" }

// HasDice reports whether the plan names a dice roll.
func (r *Randomness) HasDice() bool { return r.Dice.Digits != 0 }

// Hash returns the manifest's SHA-256 over its canonical bytes, as 64
// lowercase hex digits: the value published first, and the one every
// commitment and the seed bind. It returns an error if the manifest
// cannot be encoded.
func (m *Manifest) Hash() (string, error) {
	b, err := m.Marshal()
	if err != nil {
		return "", err
	}
	return HashBytes(b), nil
}

// HashBytes returns the SHA-256 of b as 64 lowercase hex digits.
func HashBytes(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// RoundFirst returns the round's first day at 00:00 UTC (the manifest
// must be valid).
func (m *Manifest) RoundFirst() time.Time { return mustDate(m.Round.First) }

// RoundEnd returns the day after the round's last day at 00:00 UTC.
func (m *Manifest) RoundEnd() time.Time { return mustDate(m.Round.Last).AddDate(0, 0, 1) }

// Deadlines returns the commitment and reveal deadlines (the manifest
// must be valid).
func (m *Manifest) Deadlines() (commitBy, revealBy time.Time) {
	return mustTime(m.Randomness.CommitBy), mustTime(m.Randomness.RevealBy)
}

// AsOfTime returns the snapshot time (the manifest must be valid).
func (m *Manifest) AsOfTime() time.Time { return mustTime(m.AsOf) }

func mustDate(s string) time.Time {
	t, err := ParseDate(s)
	if err != nil {
		panic("protocol: unvalidated manifest: " + err.Error())
	}
	return t
}

func mustTime(s string) time.Time {
	t, err := ParseTime(s)
	if err != nil {
		panic("protocol: unvalidated manifest: " + err.Error())
	}
	return t
}
