package workspace

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/firedraw/firedraw/risk"
	"github.com/firedraw/firedraw/schedule"
)

// ConfigFormat names the layout of a period's configuration file.
const ConfigFormat = "firedraw/year-config/v1"

// Bounds of a configuration, so that a hostile or mistyped file cannot
// make the programs allocate or loop without limit.
const (
	MaxConfigBytes   = 1 << 20 // a configuration file is at most 1 MiB
	MaxRounds        = 366     // rounds in a period
	MaxResultsDue    = 365     // working days allowed for results
	MaxTeamSize      = 16      // inspectors in one team
	MaxParties       = 16      // parties contributing randomness
	MaxCalendarDays  = 3660    // listed holidays or make-up days (ten years)
	MaxDepartments   = 16      // departments of a joint inspection
	MaxAsOfDays      = 366     // days between a round's as-of time and its start
	MinDiceDigits    = 20      // digits rolled at a public meeting, at least …
	MaxDiceDigits    = 100     // … and at most
	MaxDailyCap      = 100     // visits an inspector makes in a day
	MaxPerRoundLimit = 100000  // visits an inspector makes in a round
)

// ErrConfig is wrapped by every configuration error; the error names the
// file and the key path (period.rounds, calendar.holidays[3], …).
var ErrConfig = errors.New("bad configuration")

// Config is a period's configuration file (JSON, read by ParseConfig).
// Every key is documented here and in the README's table; unknown,
// duplicate and case-variant keys are errors. A zero field takes the
// default its comment names.
type Config struct {
	// Format must be ConfigFormat.
	Format string `json:"format"`
	// Note is free text for people (say where the holidays come from).
	Note string `json:"note"`
	// Period is the period's ID, its first day and its rounds.
	Period PeriodConfig `json:"period"`
	// Mode spreads frequencies over rounds: "independent" (default: a
	// fresh seed every round) or "rotation" (one period seed).
	Mode string `json:"mode"`
	// Policy gives the annual inspection frequency of each risk level,
	// the floors, and the within-level score weighting.
	Policy PolicyConfig `json:"policy"`
	// Staffing is the team size, the departments of a joint inspection
	// and the inspectors' caps.
	Staffing StaffingConfig `json:"staffing"`
	// Calendar lists public holidays and make-up working days.
	Calendar CalendarConfig `json:"calendar"`
	// ResultsDueDays is the number of working days after a visit by which
	// its results must be published; zero means 20.
	ResultsDueDays int `json:"results_due_days"`
	// AsOf fixes each round's as-of time: records dated at or after it
	// are left out of the round (and reported).
	AsOf AsOfConfig `json:"as_of"`
	// Planner holds the remaining draw settings.
	Planner PlannerConfig `json:"planner"`
	// Protocol names the parties who contribute randomness, their
	// deadlines and the late public source (see the protocol design).
	Protocol ProtocolConfig `json:"protocol"`
	// Records names the record files, relative to the workspace directory
	// unless absolute; empty names mean "give them as flags".
	Records RecordsConfig `json:"records"`
	// Output chooses the language of reasons and the CSV flavour.
	Output OutputConfig `json:"output"`
	// Snapshots chooses how a round keeps the records it read.
	Snapshots SnapshotsConfig `json:"snapshots"`
}

// SnapshotsConfig chooses how a round keeps its as-of records.
type SnapshotsConfig struct {
	// Mode is SnapshotCopy ("copy", the default): each record set as of
	// the round's as-of time is copied into snapshots/ (gzip CSV, stored
	// once while unchanged), so the round verifies whatever happens to
	// the record files; or SnapshotDigest ("digest"): only the digests
	// (in the manifest) and where the record files live, with their size
	// and SHA-256 at the time, are kept (rounds/NN/sources.json), plus
	// the recorded results the round added to the inspections
	// (rounds/NN/added.jsonl); verify re-reads the files, takes them as
	// of the as-of time and checks the digests. The files may then grow
	// by records dated at or after each round's as-of time, but must be
	// kept, and must not change or gain records dated before it.
	Mode string `json:"mode"`
}

// PeriodConfig is the period: an ID, a first day (the first of a month),
// the number of rounds and their length.
type PeriodConfig struct {
	// ID names the period in every output and stream, e.g. "2026".
	ID string `json:"id"`
	// Start is the first day, YYYY-MM-01.
	Start string `json:"start"`
	// Rounds is the number of rounds, 1…366.
	Rounds int `json:"rounds"`
	// Length is "month" (default) or "quarter".
	Length string `json:"length"`
}

// PolicyConfig is schedule.Policy in a file: zero fields take its
// defaults (Low 0.05, General 0.2, Higher 0.6, High 1 a year; crowded key
// units ≥ 1, high-fire-risk units ≥ 2; min share 0.1).
type PolicyConfig struct {
	// Frequencies are annual inspections per unit at each level.
	Frequencies LevelFrequencies `json:"frequencies"`
	// Strength in [0, 1] steers the draw inside a level by score.
	Strength float64 `json:"strength"`
	// MinShare in [0, 1] is the least within-level weight (0 → 0.1).
	MinShare float64 `json:"min_share"`
	// Floors are least annual frequencies of some units.
	Floors Floors `json:"floors"`
}

// LevelFrequencies are annual frequencies by risk level.
type LevelFrequencies struct {
	Low     float64 `json:"low"`
	General float64 `json:"general"`
	Higher  float64 `json:"higher"`
	High    float64 `json:"high"`
}

// Floors are the least annual frequencies regulation imposes.
type Floors struct {
	// CrowdedKeyUnit applies to key units that are crowded places (0 → 1).
	CrowdedKeyUnit float64 `json:"crowded_key_unit"`
	// HighFireRisk applies to high-fire-risk units (0 → 2).
	HighFireRisk float64 `json:"high_fire_risk"`
}

// StaffingConfig says how teams are formed.
type StaffingConfig struct {
	// TeamSize is the number of inspectors per team: 0 (→ 2) or 2…16.
	TeamSize int `json:"team_size"`
	// Departments, when not empty, makes every visit a joint inspection
	// with one team from each listed department (the inspectors file's
	// department column).
	Departments []string `json:"departments"`
	// DailyCap is the most visits an inspector makes in a day (0 → 4).
	DailyCap int `json:"daily_cap"`
	// MaxPerRound is the most visits an inspector makes in a round, for
	// inspectors whose own max_per_round is 0; 0 means no cap.
	MaxPerRound int `json:"max_per_round"`
}

// CalendarConfig lists non-working and extra working days. A list item
// is a date YYYY-MM-DD or a range YYYY-MM-DD..YYYY-MM-DD.
type CalendarConfig struct {
	// Source names where the days come from (e.g. the State Council
	// notice), copied into outputs for readers.
	Source string `json:"source"`
	// Holidays are public holidays (non-working even on a weekday).
	Holidays []string `json:"holidays"`
	// MakeupDays are weekend days worked to make up for a holiday.
	MakeupDays []string `json:"makeup_days"`
}

// AsOfConfig fixes a round's as-of time.
type AsOfConfig struct {
	// DaysBeforeRound puts the as-of time at 00:00 UTC this many days
	// before the round's first day (0…366; 0 = the round's first day).
	DaysBeforeRound int `json:"days_before_round"`
}

// PlannerConfig holds the draw settings of schedule.Config.
type PlannerConfig struct {
	// MaxQuiet caps the rounds without a draw after an inspection in
	// independent mode; 0 means half a year, -1 no cap.
	MaxQuiet int `json:"max_quiet"`
	// ExcludeVisited drops drawn units visited for another reason in the
	// round ("one visit, many items").
	ExcludeVisited bool `json:"exclude_visited"`
	// Sealed publishes a Merkle root instead of every unit's level and π.
	Sealed bool `json:"sealed"`
	// RedrawOpen lets a unit whose earlier task has no results yet be
	// drawn again; false (default) keeps it out while its task is open
	// unless its frequency demands a visit every round.
	RedrawOpen bool `json:"redraw_open"`
}

// ProtocolConfig is the randomness plan of every round.
type ProtocolConfig struct {
	// Parties name the contributors of commit–reveal secrets, at least 2,
	// at most 16, unless SingleOperator.
	Parties []string `json:"parties"`
	// SingleOperator draws with one operator's secret (tests and demos:
	// it offers no protection against the operator).
	SingleOperator bool `json:"single_operator"`
	// CommitDaysBeforeRound is the commitment deadline, at 00:00 UTC this
	// many days before the round's first day (1…366).
	CommitDaysBeforeRound int `json:"commit_days_before_round"`
	// RevealDaysBeforeRound is the reveal deadline, at 00:00 UTC this
	// many days before the round's first day (0…CommitDaysBeforeRound−1).
	RevealDaysBeforeRound int `json:"reveal_days_before_round"`
	// LateSource is "drand" (a drand quicknet round after the reveal
	// deadline) or "dice" (digits rolled at a public meeting after it);
	// required with parties.
	LateSource string `json:"late_source"`
	// DiceDigits is the number of digits rolled (20…100) with "dice".
	DiceDigits int `json:"dice_digits"`
}

// RecordsConfig names the record files (CSV or JSON Lines, optionally
// .gz), as the programs' -units … -inspectors flags do.
type RecordsConfig struct {
	Units       string `json:"units"`
	Telemetry   string `json:"telemetry"`
	Incidents   string `json:"incidents"`
	Inspections string `json:"inspections"`
	Credit      string `json:"credit"`
	Inspectors  string `json:"inspectors"`
	// Model is a model file written by examples/tune -fit; empty means
	// the default expert model.
	Model string `json:"model"`
}

// OutputConfig chooses how outputs read.
type OutputConfig struct {
	// Language of reasons and column headings: "zh" (default) or "en".
	Language string `json:"language"`
	// CSVBOM starts every CSV with a UTF-8 byte-order mark, which Excel
	// needs to read Chinese text correctly.
	CSVBOM bool `json:"csv_bom"`
}

// configError returns an error naming the file and key path.
func configError(file, key, format string, args ...any) error {
	if key == "" {
		return fmt.Errorf("%s: %s: %w", file, fmt.Sprintf(format, args...), ErrConfig)
	}
	return fmt.Errorf("%s: %s: %s: %w", file, key, fmt.Sprintf(format, args...), ErrConfig)
}

// ParseConfig reads and validates a configuration file's bytes; file
// names it in errors. Errors wrap ErrConfig and name the key path.
func ParseConfig(b []byte, file string) (*Config, error) {
	if len(b) > MaxConfigBytes {
		return nil, configError(file, "", "%d bytes: larger than %d", len(b), MaxConfigBytes)
	}
	var c Config
	if err := strictDecode(b, &c); err != nil {
		var ke *keyError
		if errors.As(err, &ke) {
			return nil, configError(file, ke.path, "%s", ke.msg)
		}
		return nil, configError(file, "", "%v", err)
	}
	if err := c.validate(file); err != nil {
		return nil, err
	}
	return &c, nil
}

// validate checks every field, in file order, naming the key path.
func (c *Config) validate(file string) error {
	for _, check := range []func(string) error{
		c.checkFormat, c.checkPeriod, c.checkMode, c.checkPolicy, c.checkStaffing,
		c.checkCalendar, c.checkDeadlines, c.checkProtocol, c.checkOutput, c.checkSnapshots,
	} {
		if err := check(file); err != nil {
			return err
		}
	}
	return nil
}

func (c *Config) checkFormat(file string) error {
	if c.Format != ConfigFormat {
		return configError(file, "format", "%q: want %q", c.Format, ConfigFormat)
	}
	return nil
}

func (c *Config) checkPeriod(file string) error {
	p := &c.Period
	if p.ID == "" || len(p.ID) > 64 || strings.ContainsAny(p.ID, "/\\\x00 \t\n") {
		return configError(file, "period.id", "%q: want 1–64 characters without spaces or slashes", p.ID)
	}
	t, err := time.Parse(time.DateOnly, p.Start)
	if err != nil || t.Day() != 1 {
		return configError(file, "period.start", "%q: want the first day of a month, YYYY-MM-01", p.Start)
	}
	if p.Rounds < 1 || p.Rounds > MaxRounds {
		return configError(file, "period.rounds", "%d: want 1…%d", p.Rounds, MaxRounds)
	}
	if p.Length != "" && p.Length != "month" && p.Length != "quarter" {
		return configError(file, "period.length", "%q: want month or quarter", p.Length)
	}
	return nil
}

func (c *Config) checkMode(file string) error {
	if c.Mode != "" && c.Mode != "independent" && c.Mode != "rotation" {
		return configError(file, "mode", "%q: want independent or rotation", c.Mode)
	}
	return nil
}

func (c *Config) checkPolicy(file string) error {
	p := &c.Policy
	for _, f := range []struct {
		key string
		v   float64
		hi  float64
	}{
		{"policy.frequencies.low", p.Frequencies.Low, 366},
		{"policy.frequencies.general", p.Frequencies.General, 366},
		{"policy.frequencies.higher", p.Frequencies.Higher, 366},
		{"policy.frequencies.high", p.Frequencies.High, 366},
		{"policy.strength", p.Strength, 1},
		{"policy.min_share", p.MinShare, 1},
		{"policy.floors.crowded_key_unit", p.Floors.CrowdedKeyUnit, 366},
		{"policy.floors.high_fire_risk", p.Floors.HighFireRisk, 366},
	} {
		if !(f.v >= 0 && f.v <= f.hi) || math.IsInf(f.v, 0) {
			return configError(file, f.key, "%v: want a number in [0, %v] (0 for the default)", f.v, f.hi)
		}
	}
	return nil
}

func (c *Config) checkStaffing(file string) error {
	s := &c.Staffing
	if s.TeamSize != 0 && (s.TeamSize < 2 || s.TeamSize > MaxTeamSize) {
		return configError(file, "staffing.team_size", "%d: want 0 (→ 2) or 2…%d", s.TeamSize, MaxTeamSize)
	}
	if len(s.Departments) > MaxDepartments {
		return configError(file, "staffing.departments", "%d departments: at most %d", len(s.Departments), MaxDepartments)
	}
	seen := map[string]bool{}
	for i, d := range s.Departments {
		if d == "" || seen[d] {
			return configError(file, fmt.Sprintf("staffing.departments[%d]", i), "%q: empty or listed twice", d)
		}
		seen[d] = true
	}
	if s.DailyCap < 0 || s.DailyCap > MaxDailyCap {
		return configError(file, "staffing.daily_cap", "%d: want 0 (→ 4) or 1…%d", s.DailyCap, MaxDailyCap)
	}
	if s.MaxPerRound < 0 || s.MaxPerRound > MaxPerRoundLimit {
		return configError(file, "staffing.max_per_round", "%d: want 0 (no cap) or 1…%d", s.MaxPerRound, MaxPerRoundLimit)
	}
	return nil
}

func (c *Config) checkCalendar(file string) error {
	hol, err := parseDays(file, "calendar.holidays", c.Calendar.Holidays)
	if err != nil {
		return err
	}
	mk, err := parseDays(file, "calendar.makeup_days", c.Calendar.MakeupDays)
	if err != nil {
		return err
	}
	h := map[schedule.Day]bool{}
	for _, t := range hol {
		h[schedule.DayOf(t)] = true
	}
	for i, t := range mk {
		d := schedule.DayOf(t)
		if h[d] {
			return configError(file, fmt.Sprintf("calendar.makeup_days[%d]", i), "%s is also a holiday", d)
		}
		if wd := t.Weekday(); wd != time.Saturday && wd != time.Sunday {
			return configError(file, fmt.Sprintf("calendar.makeup_days[%d]", i), "%s is a %s, already a working day", d, wd)
		}
	}
	return nil
}

// parseDays expands a list of dates and ranges, bounded by
// MaxCalendarDays days in all.
func parseDays(file, key string, items []string) ([]time.Time, error) {
	var out []time.Time
	for i, s := range items {
		k := fmt.Sprintf("%s[%d]", key, i)
		first, last, isRange := strings.Cut(s, "..")
		a, err := time.Parse(time.DateOnly, first)
		if err != nil {
			return nil, configError(file, k, "%q: want YYYY-MM-DD or YYYY-MM-DD..YYYY-MM-DD", s)
		}
		b := a
		if isRange {
			if b, err = time.Parse(time.DateOnly, last); err != nil || b.Before(a) {
				return nil, configError(file, k, "%q: want YYYY-MM-DD..YYYY-MM-DD, first not after last", s)
			}
		}
		if n := int(b.Sub(a).Hours()/24) + 1; len(out)+n > MaxCalendarDays {
			return nil, configError(file, k, "more than %d days listed", MaxCalendarDays)
		}
		for d := a; !d.After(b); d = d.AddDate(0, 0, 1) {
			out = append(out, d)
		}
	}
	return out, nil
}

func (c *Config) checkDeadlines(file string) error {
	if c.ResultsDueDays < 0 || c.ResultsDueDays > MaxResultsDue {
		return configError(file, "results_due_days", "%d: want 0 (→ 20) or 1…%d", c.ResultsDueDays, MaxResultsDue)
	}
	if d := c.AsOf.DaysBeforeRound; d < 0 || d > MaxAsOfDays {
		return configError(file, "as_of.days_before_round", "%d: want 0…%d", d, MaxAsOfDays)
	}
	if q := c.Planner.MaxQuiet; q < -1 || q > MaxRounds {
		return configError(file, "planner.max_quiet", "%d: want -1 (no cap), 0 (half a year) or 1…%d", q, MaxRounds)
	}
	return nil
}

func (c *Config) checkProtocol(file string) error {
	p := &c.Protocol
	if p.CommitDaysBeforeRound < 1 || p.CommitDaysBeforeRound > MaxAsOfDays {
		return configError(file, "protocol.commit_days_before_round", "%d: want 1…%d", p.CommitDaysBeforeRound, MaxAsOfDays)
	}
	if p.RevealDaysBeforeRound < 0 || p.RevealDaysBeforeRound >= p.CommitDaysBeforeRound {
		return configError(file, "protocol.reveal_days_before_round", "%d: want 0…%d (after the commitment deadline)",
			p.RevealDaysBeforeRound, p.CommitDaysBeforeRound-1)
	}
	if c.AsOf.DaysBeforeRound < p.CommitDaysBeforeRound {
		return configError(file, "as_of.days_before_round", "%d: the as-of time must come before the commitment deadline (%d days before the round)",
			c.AsOf.DaysBeforeRound, p.CommitDaysBeforeRound)
	}
	if p.SingleOperator {
		if len(p.Parties) > 1 {
			return configError(file, "protocol.parties", "%d parties with single_operator: name one operator or none", len(p.Parties))
		}
	} else if len(p.Parties) < 2 || len(p.Parties) > MaxParties {
		return configError(file, "protocol.parties", "%d parties: want 2…%d (or single_operator: true)", len(p.Parties), MaxParties)
	}
	seen := map[string]bool{}
	for i, name := range p.Parties {
		if name == "" || len(name) > 128 || seen[name] || strings.ContainsAny(name, "\x00/\\") {
			return configError(file, fmt.Sprintf("protocol.parties[%d]", i), "%q: empty, too long, listed twice or with / \\ NUL", name)
		}
		seen[name] = true
	}
	return c.checkLateSource(file)
}

func (c *Config) checkLateSource(file string) error {
	p := &c.Protocol
	switch p.LateSource {
	case "drand":
		if p.DiceDigits != 0 {
			return configError(file, "protocol.dice_digits", "%d with late_source drand: want 0", p.DiceDigits)
		}
	case "dice":
		if p.DiceDigits < MinDiceDigits || p.DiceDigits > MaxDiceDigits {
			return configError(file, "protocol.dice_digits", "%d: want %d…%d", p.DiceDigits, MinDiceDigits, MaxDiceDigits)
		}
	case "":
		if !p.SingleOperator {
			return configError(file, "protocol.late_source", "empty: parties need a late public source (drand or dice), so that no party can choose an outcome by not revealing")
		}
	default:
		return configError(file, "protocol.late_source", "%q: want drand or dice", p.LateSource)
	}
	return nil
}

func (c *Config) checkOutput(file string) error {
	if l := c.Output.Language; l != "" && l != "zh" && l != "en" {
		return configError(file, "output.language", "%q: want zh or en", l)
	}
	return nil
}

func (c *Config) checkSnapshots(file string) error {
	if m := c.Snapshots.Mode; m != "" && m != SnapshotCopy && m != SnapshotDigest {
		return configError(file, "snapshots.mode", "%q: want %s or %s", m, SnapshotCopy, SnapshotDigest)
	}
	return nil
}

// SnapshotMode returns the snapshot mode, SnapshotCopy by default.
func (c *Config) SnapshotMode() string {
	if c.Snapshots.Mode == "" {
		return SnapshotCopy
	}
	return c.Snapshots.Mode
}

// Language returns the output language, "zh" by default.
func (c *Config) Language() string {
	if c.Output.Language == "" {
		return "zh"
	}
	return c.Output.Language
}

// Length returns the rounds' length.
func (c *Config) Length() schedule.Length {
	if c.Period.Length == "quarter" {
		return schedule.Quarter
	}
	return schedule.Month
}

// Start returns the period's first day.
func (c *Config) Start() time.Time {
	t, err := time.Parse(time.DateOnly, c.Period.Start)
	if err != nil {
		panic("workspace: unvalidated config: " + err.Error())
	}
	return t
}

// Rounds returns the period's rounds (indices from 0, as schedule numbers
// them; every output adds 1).
func (c *Config) Rounds() []schedule.Round {
	r, err := schedule.Period(c.Start(), c.Period.Rounds, c.Length())
	if err != nil {
		panic("workspace: unvalidated config: " + err.Error())
	}
	return r
}

// SamplingPolicy returns the sampling policy the configuration describes.
func (c *Config) SamplingPolicy() schedule.Policy {
	p := c.Policy
	var pol schedule.Policy
	pol.Frequencies[risk.Low] = p.Frequencies.Low
	pol.Frequencies[risk.LevelGeneral] = p.Frequencies.General
	pol.Frequencies[risk.Higher] = p.Frequencies.Higher
	pol.Frequencies[risk.High] = p.Frequencies.High
	pol.Strength, pol.MinShare = p.Strength, p.MinShare
	pol.CrowdedKeyFloor, pol.HighFireRiskFloor = p.Floors.CrowdedKeyUnit, p.Floors.HighFireRisk
	return pol
}

// WorkCalendar returns the working-day calendar.
func (c *Config) WorkCalendar() schedule.Calendar {
	hol, err1 := parseDays("", "", c.Calendar.Holidays)
	mk, err2 := parseDays("", "", c.Calendar.MakeupDays)
	if err1 != nil || err2 != nil {
		panic("workspace: unvalidated config calendar")
	}
	return schedule.Calendar{Holidays: hol, MakeupDays: mk}
}

// Schedule returns the planner configuration of the period (every round;
// HistoryStart as given).
func (c *Config) Schedule(historyStart time.Time) *schedule.Config {
	mode := schedule.Independent
	if c.Mode == "rotation" {
		mode = schedule.Rotation
	}
	return &schedule.Config{
		Rounds: c.Rounds(), Length: c.Length(), Calendar: c.WorkCalendar(), Mode: mode,
		Staffing: schedule.Staffing{TeamSize: c.Staffing.TeamSize, DailyCap: c.Staffing.DailyCap,
			Departments: append([]string(nil), c.Staffing.Departments...)},
		ResultsDue: c.ResultsDueDays, ExcludeVisited: c.Planner.ExcludeVisited, MaxQuiet: c.Planner.MaxQuiet,
		Sealed: c.Planner.Sealed, HistoryStart: historyStart, Policy: c.SamplingPolicy(),
	}
}

// AsOfTime returns round r's as-of time (r from 0).
func (c *Config) AsOfTime(r schedule.Round) time.Time {
	return r.Start.AddDate(0, 0, -c.AsOf.DaysBeforeRound)
}

// CommitDeadline returns round r's commitment deadline.
func (c *Config) CommitDeadline(r schedule.Round) time.Time {
	return r.Start.AddDate(0, 0, -c.Protocol.CommitDaysBeforeRound)
}

// RevealDeadline returns round r's reveal deadline.
func (c *Config) RevealDeadline(r schedule.Round) time.Time {
	return r.Start.AddDate(0, 0, -c.Protocol.RevealDaysBeforeRound)
}
