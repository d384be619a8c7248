package protocol

import (
	"encoding/hex"
	"slices"
	"time"
	"unicode/utf8"
)

// Validate checks every rule a manifest must follow and returns an error
// wrapping ErrManifest that names the first field at fault:
//
//   - the format is ManifestFormat and the non-reveal rule NonRevealRule;
//   - every count and size is within its bound (see the Max… constants);
//   - the round lies in its period, with the dates the period implies;
//   - every date and time has its one canonical form; the calendar's days
//     are sorted, unique, and no day is both a holiday and a make-up day;
//   - every level's frequency and every floor is at least MinFrequency,
//     and MinShare at least MinShareFloor (no level or unit is exempt);
//   - the snapshot is taken before the commitment deadline, the
//     commitment deadline is before the round starts and before the
//     reveal deadline, and every late public source (beacon round time,
//     dice meeting) is after the reveal deadline;
//   - at least two distinct named parties, and at least one late public
//     source, unless the manifest is marked single-operator (exactly one
//     party);
//   - the targeted section names TargetedAlgorithm, known rules in rule
//     order, a severity, a time before the as-of time, and at most one
//     target per unit.
func (m *Manifest) Validate() error {
	for _, step := range []func() error{
		m.validateHeader, m.validatePeriod, m.validateDigests, m.validatePolicy,
		m.validateSettings, m.validateCalendar, m.validateParties, m.validateDeadlines, m.validateTargeted,
	} {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

func (m *Manifest) validateHeader() error {
	if m.Format != ManifestFormat {
		return manifestErr("format", "%q, want %q", m.Format, ManifestFormat)
	}
	if err := checkName("library", m.Library, 128); err != nil {
		return err
	}
	a := m.Algorithms
	for _, f := range []struct{ name, v string }{
		{"algorithms.seed", a.Seed}, {"algorithms.prn", a.PRN}, {"algorithms.draw", a.Draw},
		{"algorithms.spread", a.Spread}, {"algorithms.team", a.Team}, {"algorithms.dates", a.Dates},
		{"algorithms.task_id", a.TaskID}, {"algorithms.merkle", a.Merkle}, {"algorithms.hashing", a.Hashing},
		{"algorithms.continuity", a.Continuity}, {"algorithms.leave", a.Leave},
	} {
		if err := checkName(f.name, f.v, MaxNameBytes); err != nil {
			return err
		}
	}
	switch m.Mode {
	case "independent":
	case "rotation":
		return manifestErr("mode", "rotation keeps one period seed secret with the operator until the period ends, and a seed derived from public reveals cannot stay secret: only independent rounds are drawn under the protocol")
	default:
		return manifestErr("mode", "%q, want \"independent\"", m.Mode)
	}
	if m.Randomness.NonReveal != NonRevealRule {
		return manifestErr("randomness.non_reveal", "%q, want %q", m.Randomness.NonReveal, NonRevealRule)
	}
	return nil
}

// validatePeriod checks the period and that the round's dates are those
// the period implies.
func (m *Manifest) validatePeriod() error {
	p := m.Period
	if err := checkName("period.id", p.ID, MaxNameBytes); err != nil {
		return err
	}
	start, err := ParseDate(p.Start)
	if err != nil {
		return manifestErr("period.start", "%v", err)
	}
	if start.Day() != 1 {
		return manifestErr("period.start", "%s is not the first of a month", p.Start)
	}
	months := map[string]int{"month": 1, "quarter": 3}[p.Length]
	if months == 0 {
		return manifestErr("period.length", "%q, want \"month\" or \"quarter\"", p.Length)
	}
	if p.Rounds < 1 || p.Rounds > MaxRounds {
		return manifestErr("period.rounds", "%d outside [1, %d]", p.Rounds, MaxRounds)
	}
	r := m.Round
	if r.Number < 1 || r.Number > p.Rounds {
		return manifestErr("round.number", "%d outside the period's rounds 1..%d", r.Number, p.Rounds)
	}
	first := start.AddDate(0, (r.Number-1)*months, 0)
	last := start.AddDate(0, r.Number*months, -1)
	if r.First != FormatDate(first) || r.Last != FormatDate(last) {
		return manifestErr("round", "round %d of a period of %ss from %s runs %s..%s, not %s..%s",
			r.Number, p.Length, p.Start, FormatDate(first), FormatDate(last), r.First, r.Last)
	}
	return nil
}

func (m *Manifest) validateDigests() error {
	r, f := &m.Records, &m.Frame
	for _, d := range []struct {
		name string
		d    Digest
	}{
		{"records.units", r.Units}, {"records.telemetry", r.Telemetry}, {"records.incidents", r.Incidents},
		{"records.inspections", r.Inspections}, {"records.credit", r.Credit}, {"records.inspectors", r.Inspectors},
		{"frame.directory", f.Directory}, {"frame.history", f.History}, {"frame.pool", f.Pool},
	} {
		if d.d.Count < 0 || d.d.Count > MaxRecords {
			return manifestErr(d.name+".count", "%d outside [0, %d]", d.d.Count, int64(MaxRecords))
		}
		if err := checkHex(d.name+".sha256", d.d.SHA256, 32); err != nil {
			return err
		}
	}
	if f.Directory.Count < 1 {
		return manifestErr("frame.directory.count", "an empty directory cannot be drawn")
	}
	if f.Directory.Count != r.Units.Count || f.History.Count != r.Units.Count {
		return manifestErr("frame", "directory of %d units and history of %d, but the snapshot holds %d units",
			f.Directory.Count, f.History.Count, r.Units.Count)
	}
	if f.Pool.Count != r.Inspectors.Count {
		return manifestErr("frame.pool.count", "%d inspectors, but the snapshot holds %d", f.Pool.Count, r.Inspectors.Count)
	}
	if err := checkHex("model.weights_sha256", m.Model.Weights, 32); err != nil {
		return err
	}
	return checkHex("model.config_sha256", m.Model.Config, 32)
}

// validatePolicy enforces the frequency floor: no level and no regulatory
// floor below MinFrequency, no within-level share below MinShareFloor.
func (m *Manifest) validatePolicy() error {
	p := m.Policy
	for _, f := range []struct {
		name string
		v    float64
	}{
		{"policy.low", p.Low}, {"policy.general", p.General}, {"policy.higher", p.Higher}, {"policy.high", p.High},
		{"policy.crowded_key_floor", p.CrowdedKeyFloor}, {"policy.high_fire_risk_floor", p.HighFireRiskFloor},
	} {
		if !(f.v >= MinFrequency && f.v <= MaxFrequency) {
			return manifestErr(f.name, "%v inspections a year outside [%v, %v]: the floor keeps every level drawable",
				f.v, MinFrequency, MaxFrequency)
		}
	}
	if !(p.Strength >= 0 && p.Strength <= 1) {
		return manifestErr("policy.strength", "%v outside [0, 1]", p.Strength)
	}
	if !(p.MinShare >= MinShareFloor && p.MinShare <= 1) {
		return manifestErr("policy.min_share", "%v outside [%v, 1]: the floor keeps every unit drawable", p.MinShare, MinShareFloor)
	}
	return nil
}

func (m *Manifest) validateSettings() error {
	s := m.Settings
	hs, err := ParseDate(s.HistoryStart)
	if err != nil {
		return manifestErr("settings.history_start", "%v", err)
	}
	if hs.After(mustDate(m.Round.First)) {
		return manifestErr("settings.history_start", "%s is after the round's first day %s", s.HistoryStart, m.Round.First)
	}
	for _, b := range []struct {
		name   string
		v      int
		lo, hi int
	}{
		{"settings.max_quiet_rounds", s.MaxQuiet, -1, MaxQuietRounds},
		{"settings.team_size", s.TeamSize, 1, MaxTeamSize},
		{"settings.daily_cap", s.DailyCap, 1, MaxDailyCap},
		{"settings.results_due_days", s.ResultsDueDays, 1, MaxResultsDueDays},
	} {
		if b.v < b.lo || b.v > b.hi {
			return manifestErr(b.name, "%d outside [%d, %d]", b.v, b.lo, b.hi)
		}
	}
	if s.MaxQuiet == 0 {
		return manifestErr("settings.max_quiet_rounds", "0: record the resolved value (-1 for no cap)")
	}
	if len(s.Departments) > MaxDepartments {
		return manifestErr("settings.departments", "%d departments, at most %d", len(s.Departments), MaxDepartments)
	}
	for i, d := range s.Departments {
		if err := checkName("settings.departments", d, MaxNameBytes); err != nil {
			return err
		}
		if slices.Contains(s.Departments[:i], d) {
			return manifestErr("settings.departments", "%q listed twice", d)
		}
	}
	return nil
}

func (m *Manifest) validateCalendar() error {
	c := m.Calendar
	for _, l := range []struct {
		name string
		days []string
	}{{"calendar.holidays", c.Holidays}, {"calendar.makeup_days", c.MakeupDays}} {
		if len(l.days) > MaxCalendarDays {
			return manifestErr(l.name, "%d days, at most %d", len(l.days), MaxCalendarDays)
		}
		for i, d := range l.days {
			if _, err := ParseDate(d); err != nil {
				return manifestErr(l.name, "%v", err)
			}
			if i > 0 && d <= l.days[i-1] {
				return manifestErr(l.name, "%s after %s: days must be sorted, each once", d, l.days[i-1])
			}
		}
	}
	for _, d := range c.MakeupDays {
		if _, found := slices.BinarySearch(c.Holidays, d); found {
			return manifestErr("calendar", "%s is both a holiday and a make-up day", d)
		}
	}
	return nil
}

func (m *Manifest) validateParties() error {
	r := &m.Randomness
	if len(r.Parties) > MaxParties {
		return manifestErr("randomness.parties", "%d parties, at most %d", len(r.Parties), MaxParties)
	}
	for i, p := range r.Parties {
		if err := checkName("randomness.parties", p, MaxNameBytes); err != nil {
			return err
		}
		if slices.Contains(r.Parties[:i], p) {
			return manifestErr("randomness.parties", "%q listed twice", p)
		}
	}
	switch {
	case r.SingleOperator && len(r.Parties) != 1:
		return manifestErr("randomness.parties", "single-operator mode names exactly one party, not %d", len(r.Parties))
	case !r.SingleOperator && len(r.Parties) < 2:
		return manifestErr("randomness.parties", "%d named: a draw needs at least two parties, or the explicit single-operator mode", len(r.Parties))
	case !r.SingleOperator && !r.HasBeacon() && !r.HasDice():
		return manifestErr("randomness", "no late public source (beacon or dice): with several parties the last one to reveal could choose between two known outcomes by withholding")
	}
	return nil
}

// validateDeadlines checks as-of < commit deadline < round start, commit
// deadline < reveal deadline < each late source.
func (m *Manifest) validateDeadlines() error {
	r := &m.Randomness
	asOf, err := ParseTime(m.AsOf)
	if err != nil {
		return manifestErr("as_of", "%v", err)
	}
	commitBy, err := ParseTime(r.CommitBy)
	if err != nil {
		return manifestErr("randomness.commit_by", "%v", err)
	}
	revealBy, err := ParseTime(r.RevealBy)
	if err != nil {
		return manifestErr("randomness.reveal_by", "%v", err)
	}
	switch {
	case !asOf.Before(commitBy):
		return manifestErr("as_of", "%s is not before the commitment deadline %s", m.AsOf, r.CommitBy)
	case !commitBy.Before(mustDate(m.Round.First)):
		return manifestErr("randomness.commit_by", "%s is not before the round starts on %s", r.CommitBy, m.Round.First)
	case !commitBy.Before(revealBy):
		return manifestErr("randomness.reveal_by", "%s is not after the commitment deadline %s", r.RevealBy, r.CommitBy)
	case !revealBy.Before(m.RoundEnd()):
		return manifestErr("randomness.reveal_by", "%s is not before the round ends on %s", r.RevealBy, m.Round.Last)
	}
	if err := m.validateBeacon(revealBy); err != nil {
		return err
	}
	return m.validateDice(revealBy)
}

func (m *Manifest) validateBeacon(revealBy time.Time) error {
	b := m.Randomness.Beacon
	if b.Chain == "" {
		if b.Round != 0 || b.Time != "" {
			return manifestErr("randomness.beacon", "a round or time without a chain")
		}
		return nil
	}
	emit, err := BeaconTime(b.Chain, b.Round)
	if err != nil {
		return manifestErr("randomness.beacon", "%v", err)
	}
	if b.Time != FormatTime(emit) {
		return manifestErr("randomness.beacon.time", "%q, but round %d of the chain is emitted at %s", b.Time, b.Round, FormatTime(emit))
	}
	if !emit.After(revealBy) {
		return manifestErr("randomness.beacon.round", "round %d is emitted at %s, not after the reveal deadline %s",
			b.Round, b.Time, FormatTime(revealBy))
	}
	if !emit.Before(m.RoundEnd()) {
		return manifestErr("randomness.beacon.round", "round %d is emitted at %s, after the round ends", b.Round, b.Time)
	}
	return nil
}

func (m *Manifest) validateDice(revealBy time.Time) error {
	d := m.Randomness.Dice
	if d.Digits == 0 {
		if d.At != "" {
			return manifestErr("randomness.dice", "a meeting time without digits")
		}
		return nil
	}
	if d.Digits < MinDiceDigits || d.Digits > MaxDiceDigits {
		return manifestErr("randomness.dice.digits", "%d outside [%d, %d]", d.Digits, MinDiceDigits, MaxDiceDigits)
	}
	at, err := ParseTime(d.At)
	if err != nil {
		return manifestErr("randomness.dice.at", "%v", err)
	}
	if !at.After(revealBy) || !at.Before(m.RoundEnd()) {
		return manifestErr("randomness.dice.at", "%s is not after the reveal deadline %s and before the round ends",
			d.At, FormatTime(revealBy))
	}
	return nil
}

// checkName accepts 1..max bytes of printable UTF-8 without NUL.
func checkName(field, s string, max int) error {
	if len(s) == 0 || len(s) > max {
		return manifestErr(field, "%q: want 1 to %d bytes", s, max)
	}
	if !utf8.ValidString(s) {
		return manifestErr(field, "%q is not UTF-8", s)
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			return manifestErr(field, "%q holds a control character", s)
		}
	}
	return nil
}

// checkHex accepts exactly n bytes as 2n lowercase hex digits.
func checkHex(field, s string, n int) error {
	if len(s) != 2*n {
		return manifestErr(field, "%q: want %d lowercase hex digits", s, 2*n)
	}
	if _, err := hex.DecodeString(s); err != nil || hex.EncodeToString(mustHex(s)) != s {
		return manifestErr(field, "%q: want %d lowercase hex digits", s, 2*n)
	}
	return nil
}

func mustHex(s string) []byte {
	b, _ := hex.DecodeString(s)
	return b
}
