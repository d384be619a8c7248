package schedule

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"sync"

	"github.com/firedraw/firedraw/risk"
)

// Versions written into every disclosure. A change to any algorithm that
// alters a draw bumps its version, so an old disclosure still says how to
// re-run it.
const (
	// FormatVersion names the disclosure's JSON layout.
	FormatVersion = "firedraw-disclosure/1"
	// LibraryVersion names this library.
	LibraryVersion = "firedraw/schedule v0.1.0"
)

// Algorithms names the version of every algorithm a draw used.
type Algorithms struct {
	PRN     string `json:"prn"`     // sampling.PRN: HMAC-SHA-256 subkey + SipHash-2-4
	Draw    string `json:"draw"`    // per-stratum systematic πps over PRN order (sampling.Select)
	Spread  string `json:"spread"`  // independent: renewal hazard (Spacing); rotation: RotationPhases
	Team    string `json:"team"`    // eligible pool in PRN order, greedy then augmenting paths
	Dates   string `json:"dates"`   // per-district spreading over working days
	TaskID  string `json:"task_id"` // UUID v5 of draw ID and unit ID
	Merkle  string `json:"merkle"`  // RFC 9162 tree over ID-sorted leaves
	Hashing string `json:"hashing"` // canonical binary encoding of units, inspectors and leaves
}

// CurrentAlgorithms returns the algorithms of this version of the
// library, the ones a new disclosure records and Verify accepts. It is a
// function, not a variable, so that no importer can change what a draw
// means.
func CurrentAlgorithms() Algorithms {
	return Algorithms{
		PRN: "prn/v1", Draw: "systematic/v1", Spread: "spread/v2", Team: "team/v1",
		Dates: "dates/v1", TaskID: "uuid5/v1", Merkle: "rfc9162-sha256/v1", Hashing: "canonical-binary/v1",
	}
}

// PeriodInfo describes the period a round belongs to.
type PeriodInfo struct {
	Start  Day    `json:"start"`
	Rounds int    `json:"rounds"`
	Length string `json:"length"` // "month" or "quarter"
}

// RoundInfo describes a round: its index and its first and last days.
type RoundInfo struct {
	Index int `json:"index"`
	First Day `json:"first"`
	Last  Day `json:"last"`
}

// CalendarInfo lists the calendar's holidays and make-up days, sorted.
type CalendarInfo struct {
	Holidays   []Day `json:"holidays"`
	MakeupDays []Day `json:"makeup_days"`
}

// StaffingInfo is the staffing configuration with defaults filled in.
type StaffingInfo struct {
	TeamSize    int      `json:"team_size"`
	DailyCap    int      `json:"daily_cap"`
	Departments []string `json:"departments"`
}

// Digest identifies an input by its size and canonical SHA-256.
type Digest struct {
	Count  int    `json:"count"`
	SHA256 string `json:"sha256"`
}

// StratumCount is the draw of one stratum (level × district): its units,
// the expected number drawn (Σπ) and the number drawn.
type StratumCount struct {
	Key      string  `json:"key"`
	Units    int     `json:"units"`
	Expected float64 `json:"expected"`
	Drawn    int     `json:"drawn"`
}

// Leaf is one unit's line of a draw: every unit of the directory has one,
// drawn or not (nothing is lost). Its canonical encoding, hashed into the
// Merkle tree, is ID, level, π, PRN, selected (see the package's canonical
// forms).
type Leaf struct {
	ID    string     `json:"id"`
	Level risk.Level `json:"-"`
	// LevelStr is Level's name ("low" … "high"), the published form;
	// ParseDisclosure sets both.
	LevelStr string `json:"level"`
	// Pi is the unit's inclusion probability in the round, PRN its
	// permanent random number in the draw's stream.
	Pi       float64 `json:"pi"`
	PRN      float64 `json:"prn"`
	Selected bool    `json:"selected"`
}

func (l *Leaf) appendCanonical(b []byte) []byte {
	b = appendString(b, l.ID)
	b = appendString(b, l.Level.String())
	b = appendFloat(b, l.Pi)
	b = appendFloat(b, l.PRN)
	return appendBool(b, l.Selected)
}

// Task is one visit: a drawn unit, its date, the date by which its
// results must be published, and one team per department.
type Task struct {
	ID         string  `json:"id"`
	Unit       string  `json:"unit"`
	Pi         float64 `json:"pi"`
	PRN        float64 `json:"prn"`
	Date       Day     `json:"date"`
	ResultsDue Day     `json:"results_due"`
	Teams      []Team  `json:"teams"`
}

// Exclusion is a drawn unit not visited by the draw's team because it was
// visited for another reason in the same round ("one visit, many items").
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
// In open mode Units holds every unit's leaf and MerkleRoot is empty; in
// sealed mode Units is empty and MerkleRoot commits to the leaves, which
// the planner keeps to hand out per-unit proofs (Proof). In rotation mode a
// round is published before the period seed may be revealed: Withhold
// strips the seed and every PRN from the published copy.
//
// Verify checks a disclosure against the directory and pool it names.
type Disclosure struct {
	Format     string     `json:"format"`  // FormatVersion
	Library    string     `json:"library"` // LibraryVersion
	Algorithms Algorithms `json:"algorithms"`
	Mode       Mode       `json:"mode"`
	Sealed     bool       `json:"sealed"`
	Withheld   bool       `json:"withheld"` // see Withhold
	// Commitment was published before the draw; Seed (64 hex digits) is
	// the revealed seed it commits to ("" while withheld).
	Commitment Commitment `json:"commitment"`
	Seed       string     `json:"seed"`
	DrawID     string     `json:"draw_id"` // Commitment.DrawID(round)
	Period     PeriodInfo `json:"period"`
	Round      RoundInfo  `json:"round"`
	// Calendar, HistoryStart, Staffing, ResultsDueDays, ExcludeVisited
	// and MaxQuiet are the configuration Verify re-runs the draw with.
	Calendar       CalendarInfo `json:"calendar"`
	HistoryStart   Day          `json:"history_start"`
	Staffing       StaffingInfo `json:"staffing"`
	ResultsDueDays int          `json:"results_due_days"`
	ExcludeVisited bool         `json:"exclude_visited"`
	// MaxQuiet is Config.MaxQuiet with its default applied (-1: no cap).
	MaxQuiet int `json:"max_quiet_rounds"`
	// Policy is recorded as configured; the draw reads the frequencies
	// the directory holds (covered by the Directory hash).
	Policy Policy `json:"policy"`
	// Directory, History and Pool identify the inputs: the units' static
	// fields (Frame.Hash), their inspection history (Frame.HistoryHash)
	// and the inspectors (Pool.Hash).
	Directory Digest         `json:"directory"`
	History   Digest         `json:"history"`
	Pool      Digest         `json:"pool"`
	Strata    []StratumCount `json:"strata"`
	// MerkleRoot is the root over every unit's leaf (sealed mode only).
	MerkleRoot string      `json:"merkle_root"`
	Tasks      []Task      `json:"tasks"`
	Excluded   []Exclusion `json:"excluded"`
	// Units holds every unit's leaf (open mode only).
	Units []Leaf `json:"units"`

	leaves []hash // leaf hashes, in ID order (planner and Verify only)
	all    []Leaf // every leaf, in ID order (planner and Verify only)
}

// MarshalCanonical returns the canonical JSON of the disclosure, ending in
// a newline.
func (d *Disclosure) MarshalCanonical() ([]byte, error) {
	return marshalCanonical(d)
}

// ParseDisclosure reads a disclosure written by MarshalCanonical. It
// rejects unknown fields and trailing data, and checks the format version.
func ParseDisclosure(b []byte) (*Disclosure, error) {
	// The unit leaves, last in canonical order and a million lines long,
	// are read by a dedicated parser on every core; the rest by
	// encoding/json. A non-canonical (but valid) layout falls back to
	// encoding/json for the whole document.
	const key = `,"units":[`
	if at := bytes.LastIndex(b, []byte(key)); at >= 0 {
		head := append(b[:at:at], '}')
		tail := bytes.TrimRight(b[at+len(key)-1:], "\n")
		if len(tail) >= 2 && tail[len(tail)-1] == '}' {
			d, err := decodeDisclosure(head)
			if err != nil {
				return nil, err
			}
			if d.Units != nil {
				return nil, fmt.Errorf("schedule: disclosure: two unit lists: %w", ErrBadInput)
			}
			units, ok := parseLeaves(tail[:len(tail)-1])
			if !ok {
				if err := json.Unmarshal(tail[:len(tail)-1], &units); err != nil {
					return nil, fmt.Errorf("schedule: disclosure units: %v: %w", err, ErrBadInput)
				}
			}
			d.Units = units
			return d, d.checkLevels()
		}
	}
	d, err := decodeDisclosure(b)
	if err != nil {
		return nil, err
	}
	return d, d.checkLevels()
}

func decodeDisclosure(b []byte) (*Disclosure, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var d Disclosure
	if err := dec.Decode(&d); err != nil {
		return nil, fmt.Errorf("schedule: disclosure: %v: %w", err, ErrBadInput)
	}
	if dec.More() {
		return nil, fmt.Errorf("schedule: disclosure: trailing data: %w", ErrBadInput)
	}
	if d.Format != FormatVersion {
		return nil, fmt.Errorf("schedule: disclosure format %q, want %q: %w", d.Format, FormatVersion, ErrBadInput)
	}
	return &d, nil
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

// parseLeaves reads a JSON array of leaves in exactly the canonical
// layout [{"id":…,"level":…,"pi":…,"prn":…,"selected":…},…], split in two
// halves parsed concurrently. It reports false for anything else.
func parseLeaves(b []byte) ([]Leaf, bool) {
	if len(b) < 2 || b[0] != '[' || b[len(b)-1] != ']' {
		return nil, false
	}
	body := b[1 : len(b)-1]
	if len(body) == 0 {
		return []Leaf{}, true
	}
	// "},{" followed by "id" only occurs between two leaves: quotes inside
	// strings are escaped.
	sep := []byte(`},{"id":`)
	cut := -1
	if len(body) > 1<<16 {
		if k := bytes.Index(body[len(body)/2:], sep); k >= 0 {
			cut = len(body)/2 + k + 1
		}
	}
	if cut < 0 {
		return parseLeafRun(body)
	}
	var (
		first []Leaf
		ok1   bool
		wg    sync.WaitGroup
	)
	wg.Add(1)
	go func() { defer wg.Done(); first, ok1 = parseLeafRun(body[:cut]) }()
	second, ok2 := parseLeafRun(body[cut+1:])
	wg.Wait()
	if !ok1 || !ok2 {
		return nil, false
	}
	return append(first, second...), true
}

// parseLeafRun parses leaves separated by commas, without brackets.
func parseLeafRun(b []byte) ([]Leaf, bool) {
	out := make([]Leaf, 0, len(b)/90)
	p := 0
	expect := func(lit string) bool {
		if !bytes.HasPrefix(b[p:], []byte(lit)) {
			return false
		}
		p += len(lit)
		return true
	}
	str := func() (string, bool) {
		if p >= len(b) || b[p] != '"' {
			return "", false
		}
		end := p + 1
		esc := false
		for end < len(b) && b[end] != '"' {
			if b[end] == '\\' {
				esc = true
				end++
			}
			end++
		}
		if end >= len(b) {
			return "", false
		}
		raw := b[p : end+1]
		p = end + 1
		if !esc {
			return string(raw[1 : len(raw)-1]), true
		}
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return "", false
		}
		return s, true
	}
	num := func() (float64, bool) {
		end := p
		for end < len(b) && (b[end] >= '0' && b[end] <= '9' || b[end] == '.' || b[end] == 'e' || b[end] == 'E' || b[end] == '-' || b[end] == '+') {
			end++
		}
		if end == p || b[p] == '+' {
			return 0, false
		}
		x, err := strconv.ParseFloat(string(b[p:end]), 64)
		p = end
		return x, err == nil
	}
	for {
		var l Leaf
		var ok bool
		if !expect(`{"id":`) {
			return nil, false
		}
		if l.ID, ok = str(); !ok || !expect(`,"level":`) {
			return nil, false
		}
		if l.LevelStr, ok = str(); !ok || !expect(`,"pi":`) {
			return nil, false
		}
		if l.Pi, ok = num(); !ok || !expect(`,"prn":`) {
			return nil, false
		}
		if l.PRN, ok = num(); !ok || !expect(`,"selected":`) {
			return nil, false
		}
		switch {
		case expect("true}"):
			l.Selected = true
		case expect("false}"):
		default:
			return nil, false
		}
		out = append(out, l)
		if p == len(b) {
			return out, true
		}
		if !expect(",") {
			return nil, false
		}
	}
}

// Withhold returns the copy of a rotation-mode disclosure that may be
// published while the period seed is still secret: no seed, no PRNs, no
// unit leaves (their PRNs would reveal the rotation). The task list,
// teams, dates, π and the Merkle root stay, so the round can be checked
// against the full disclosure once the seed is revealed.
func (d *Disclosure) Withhold() *Disclosure {
	c := *d
	c.Withheld = true
	c.Seed = ""
	c.Units = []Leaf{}
	c.Tasks = make([]Task, len(d.Tasks))
	for i, t := range d.Tasks {
		t.PRN = 0
		c.Tasks[i] = t
	}
	c.Excluded = make([]Exclusion, len(d.Excluded))
	for i, e := range d.Excluded {
		e.PRN = 0
		c.Excluded[i] = e
	}
	c.leaves, c.all = nil, nil
	return &c
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
