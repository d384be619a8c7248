package schedule

import (
	"encoding/hex"
	"fmt"
	"sort"

	"github.com/firedraw/firedraw/risk"
	"github.com/firedraw/firedraw/schedule/canon"
	"github.com/firedraw/firedraw/schedule/protocol"
)

// Versions written into every disclosure. A change to any algorithm that
// alters a draw bumps its version, so an old disclosure still says how to
// re-run it.
const (
	// FormatVersion names the disclosure's JSON layout. Version 3 names
	// the manifest and its log entry instead of repeating the
	// configuration (version 2 added each task's method and focus);
	// earlier disclosures no longer verify.
	FormatVersion = "firedraw-disclosure/3"
	// LibraryVersion names this library.
	LibraryVersion = "firedraw/schedule v0.2.0"
)

// Algorithms names the version of every algorithm a draw used (the
// manifest fixes them before the draw).
type Algorithms = protocol.Algorithms

// CurrentAlgorithms returns the algorithms of this version of the
// library, the ones a new manifest records and Verify accepts. It is a
// function, not a variable, so that no importer can change what a draw
// means. Version 2 of the draw, dates, team and task-ID algorithms binds
// the period and round into the PRN streams and the draw ID to the
// manifest; canonical-binary/v2 puts the district into a leaf. Under
// team/v2 a unit's last lead is left out of its team unless the team
// cannot be formed without them: that exception (added 2026-12-02) only
// staffs draws that had no valid team before, so every disclosure made
// earlier is unchanged and still verifies.
func CurrentAlgorithms() Algorithms {
	return Algorithms{
		Seed: protocol.SeedAlgorithm, PRN: "prn/v1", Draw: "systematic/v2", Spread: "spread/v3", Team: "team/v2",
		Dates: "dates/v2", TaskID: "uuid5/v2", Merkle: "rfc9162-sha256/v1", Hashing: "canonical-binary/v2",
		Continuity: ContinuityAlgorithm, Leave: LeaveAlgorithm,
	}
}

// RoundInfo names the round drawn: its number in the period (1-based)
// and its first and last days.
type RoundInfo struct {
	Number int `json:"number"`
	First  Day `json:"first"`
	Last   Day `json:"last"`
}

// StratumCount is the draw of one stratum (level × district): its units,
// the expected number drawn (Σπ) and the number drawn.
type StratumCount struct {
	Key      string  `json:"key"`
	Units    int     `json:"units"`
	Expected float64 `json:"expected"`
	Drawn    int     `json:"drawn"`
	// Waiting counts the units with π = 0 in this round because of their
	// history: inspected too recently (within the shortest gap of their
	// Spacing) to be drawn again yet. They are outside the population that
	// the round's estimates describe.
	Waiting int `json:"waiting"`
	// Exempt counts the units with π = 0 because their annual frequency is
	// zero (never drawn at random).
	Exempt int `json:"exempt"`
}

// countZero counts a unit with π = 0 as waiting (annual frequency > 0)
// or exempt.
func (sc *StratumCount) countZero(pi, annual float64) {
	switch {
	case pi > 0:
	case annual > 0:
		sc.Waiting++
	default:
		sc.Exempt++
	}
}

// Leaf is one unit's line of a draw: every unit of the directory has one,
// drawn or not (nothing is lost). Its canonical encoding, hashed into the
// Merkle tree, is ID, district, level, π, PRN, selected (see the package's
// canonical forms).
type Leaf struct {
	ID       string     `json:"id"`
	District string     `json:"district"`
	Level    risk.Level `json:"-"`
	// LevelStr is Level's name ("low" … "high"), the published form;
	// ParseDisclosure sets both.
	LevelStr string `json:"level"`
	// Pi is the unit's inclusion probability in the round, PRN its
	// permanent random number in the round's unit stream (UnitStream).
	Pi       float64 `json:"pi"`
	PRN      float64 `json:"prn"`
	Selected bool    `json:"selected"`
}

func (l *Leaf) appendCanonical(b []byte) []byte {
	b = appendString(b, l.ID)
	b = appendString(b, l.District)
	b = appendString(b, l.Level.String())
	b = appendFloat(b, l.Pi)
	b = appendFloat(b, l.PRN)
	return appendBool(b, l.Selected)
}

// Task is one visit: a drawn unit, its date, the date by which its
// results must be published, and one team per department. In sealed mode
// Pi is 0 and Method and Focus are empty (they would reveal its level).
type Task struct {
	ID         string  `json:"id"`
	Unit       string  `json:"unit"`
	Pi         float64 `json:"pi"`
	PRN        float64 `json:"prn"`
	Date       Day     `json:"date"`
	ResultsDue Day     `json:"results_due"`
	Teams      []Team  `json:"teams"`
	// Method is how the visit is done (content.Method: on-site, remote,
	// document-review, joint) and Focus the catalogue items it focuses
	// on, from the unit's own risk reasons (format 2).
	Method string   `json:"method"`
	Focus  []string `json:"focus"`
}

// Exclusion is a drawn unit not visited by the draw's team because it was
// visited for another reason in the same round ("one visit, many items").
// In sealed mode Pi is 0.
type Exclusion struct {
	Unit       string  `json:"unit"`
	Pi         float64 `json:"pi"`
	PRN        float64 `json:"prn"`
	Inspection string  `json:"inspection"`
	Date       Day     `json:"date"`
}

// Disclosure is the public record of one round's draw. Its canonical JSON
// (MarshalCanonical) is byte-identical across runs, machines and input
// orders: lists are sorted (tasks, exclusions and units by unit ID,
// strata by key) and every number has one textual form.
//
// A disclosure does not describe its own inputs: it names the manifest
// that fixed them (its SHA-256) and the manifest's entry in the public
// log, and the log's draw entry names the disclosure's SHA-256. Verify
// checks it against the manifest and the log, never against itself.
//
// In open mode Units holds every unit's leaf and MerkleRoot is empty; in
// sealed mode Units and Strata are empty, tasks and exclusions carry no
// π, and MerkleRoot commits to the leaves, which the planner keeps to
// hand out per-unit proofs (Proof): nothing published reveals a level.
type Disclosure struct {
	Format     string     `json:"format"`  // FormatVersion
	Library    string     `json:"library"` // LibraryVersion
	Algorithms Algorithms `json:"algorithms"`
	// Manifest is the SHA-256 of the manifest, logged at entry
	// ManifestSeq of the public log.
	Manifest    string `json:"manifest"`
	ManifestSeq int64  `json:"manifest_seq"`
	// SingleOperator marks a draw whose seed came from one party only: it
	// offers no protection against the operator.
	SingleOperator bool `json:"single_operator"`
	Sealed         bool `json:"sealed"`
	// Seed (64 hex digits) is the seed the log's contributions derive
	// (protocol.DeriveSeed).
	Seed   string    `json:"seed"`
	DrawID string    `json:"draw_id"` // DrawID(Manifest)
	Period string    `json:"period"`  // the manifest's period ID
	Round  RoundInfo `json:"round"`
	// UnitCount is the number of units of the directory: of leaves in
	// open mode, of the Merkle tree's leaves in sealed mode.
	UnitCount int `json:"unit_count"`
	// Strata lists each stratum's counts (open mode only).
	Strata []StratumCount `json:"strata"`
	// MerkleRoot is the root over every unit's leaf (sealed mode only).
	MerkleRoot string      `json:"merkle_root"`
	Tasks      []Task      `json:"tasks"`
	Excluded   []Exclusion `json:"excluded"`
	// Units holds every unit's leaf (open mode only).
	Units []Leaf `json:"units"`

	leaves []hash // leaf hashes, in ID order (planner and Verify only)
	all    []Leaf // every leaf, in ID order (planner and Verify only)
}

// MarshalCanonical returns the canonical JSON of the disclosure
// (schedule/canon), ending in a newline.
func (d *Disclosure) MarshalCanonical() ([]byte, error) {
	return canon.Marshal(d)
}

// MaxDisclosureBytes bounds a disclosure file: 1 GiB, room for about
// nine million units in open mode (a 10⁶-unit open disclosure is 120 MB).
const MaxDisclosureBytes = 1 << 30

// ParseDisclosure reads a disclosure written by MarshalCanonical and
// accepts only its canonical bytes (schedule/canon's strict decoder): at
// most MaxDisclosureBytes, no unknown, missing, duplicate or
// case-variant key, no other number spelling, escape, control character
// or spacing than MarshalCanonical writes, no trailing data, no null
// where a list is written. It checks the format version and the levels.
// Errors wrap ErrBadInput.
func ParseDisclosure(b []byte) (*Disclosure, error) {
	var d Disclosure
	if err := canon.Unmarshal(b, &d, canon.Limits{MaxBytes: MaxDisclosureBytes}); err != nil {
		return nil, fmt.Errorf("schedule: disclosure: %w: %w", err, ErrBadInput)
	}
	if d.Format != FormatVersion {
		return nil, fmt.Errorf("schedule: disclosure format %q, want %q: %w", d.Format, FormatVersion, ErrBadInput)
	}
	if d.Strata == nil || d.Tasks == nil || d.Excluded == nil || d.Units == nil {
		return nil, fmt.Errorf("schedule: disclosure: a list is null, not []: %w", ErrBadInput)
	}
	for i := range d.Tasks {
		if d.Tasks[i].Teams == nil {
			return nil, fmt.Errorf("schedule: disclosure: task %d has null teams: %w", i, ErrBadInput)
		}
	}
	return &d, d.checkLevels()
}

func (d *Disclosure) checkLevels() error {
	for i := range d.Units {
		lv, err := risk.ParseLevel(d.Units[i].LevelStr)
		if err != nil {
			return fmt.Errorf("schedule: disclosure unit %q: %w: %w", d.Units[i].ID, err, ErrBadInput)
		}
		d.Units[i].Level = lv
	}
	return nil
}

// Leaves returns every unit's leaf in ID order, as drawn (nil for a parsed
// disclosure).
func (d *Disclosure) Leaves() []Leaf { return d.all }

// Proof returns the leaf of unitID and its inclusion proof under
// MerkleRoot: what a unit is given in sealed mode to check its own line
// with VerifyProof. It needs the leaves, which only the planner (and
// Verify) hold: a parsed disclosure, or an open one (whose leaves are
// public), returns an error wrapping ErrProof.
func (d *Disclosure) Proof(unitID string) (Leaf, Proof, error) {
	if !d.Sealed {
		return Leaf{}, Proof{}, fmt.Errorf("schedule: open disclosure: every leaf is published, there is no Merkle root: %w", ErrProof)
	}
	if len(d.leaves) == 0 {
		return Leaf{}, Proof{}, fmt.Errorf("schedule: disclosure holds no leaves (only the planner's copy does): %w", ErrProof)
	}
	i := sort.Search(len(d.all), func(i int) bool { return d.all[i].ID >= unitID })
	if i == len(d.all) || d.all[i].ID != unitID {
		return Leaf{}, Proof{}, fmt.Errorf("schedule: unit %q is not in the draw: %w", unitID, ErrProof)
	}
	path := merklePath(i, d.leaves)
	p := Proof{Index: i, Size: len(d.leaves), Path: make([]string, len(path))}
	for j, h := range path {
		p.Path[j] = hex.EncodeToString(h[:])
	}
	return d.all[i], p, nil
}
