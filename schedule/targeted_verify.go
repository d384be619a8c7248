package schedule

import (
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/firedraw/firedraw/risk"
	"github.com/firedraw/firedraw/risk/alert"
	"github.com/firedraw/firedraw/schedule/canon"
	"github.com/firedraw/firedraw/schedule/content"
	"github.com/firedraw/firedraw/schedule/protocol"
	"github.com/google/uuid"
)

// MaxTargetedBytes bounds a targeted disclosure ParseTargeted reads:
// 256 MiB, room for some 100 000 tasks with long evidence.
const MaxTargetedBytes = 256 << 20

// ParseTargeted reads a targeted disclosure written by MarshalCanonical.
// It accepts only canonical bytes (canon.Unmarshal: no unknown, missing,
// duplicate or case-variant keys, one number spelling, no trailing data,
// no null where a list is written), checks the format version, and that
// the tasks are sorted by unit, each once. What the tasks say is checked
// against the manifest by VerifyTargetedPublic. Errors wrap ErrBadInput.
func ParseTargeted(b []byte) (*TargetedDisclosure, error) {
	var td TargetedDisclosure
	if err := canon.Unmarshal(b, &td, canon.Limits{MaxBytes: MaxTargetedBytes}); err != nil {
		return nil, fmt.Errorf("schedule: targeted disclosure: %w: %w", err, ErrBadInput)
	}
	if td.Format != TargetedFormatVersion {
		return nil, fmt.Errorf("schedule: targeted disclosure format %q, want %q: %w", td.Format, TargetedFormatVersion, ErrBadInput)
	}
	if td.Tasks == nil {
		return nil, fmt.Errorf("schedule: targeted disclosure: tasks is null, not []: %w", ErrBadInput)
	}
	for i := range td.Tasks {
		t := &td.Tasks[i]
		if t.Teams == nil || t.Focus == nil || t.Triggers == nil {
			return nil, fmt.Errorf("schedule: targeted disclosure: task of unit %q: a list is null, not []: %w", t.Unit, ErrBadInput)
		}
		for j := range t.Triggers {
			if t.Triggers[j].Evidence == nil {
				return nil, fmt.Errorf("schedule: targeted disclosure: task of unit %q: null evidence: %w", t.Unit, ErrBadInput)
			}
		}
		if i > 0 && t.Unit <= td.Tasks[i-1].Unit {
			return nil, fmt.Errorf("schedule: targeted disclosure: task of unit %q out of order or repeated: %w", t.Unit, ErrBadInput)
		}
	}
	return &td, nil
}

// TargetedVerifyError is returned for a targeted disclosure that does
// not match its manifest, its log entry, the random draw or its re-run:
// every difference as a readable line, naming the unit. It wraps
// ErrVerify.
type TargetedVerifyError struct {
	Round int
	Diffs []string
	More  int
}

func (e *TargetedVerifyError) Error() string {
	const show = 5
	var b strings.Builder
	fmt.Fprintf(&b, "schedule: targeted disclosure of round %d: %d difference(s): ", e.Round, len(e.Diffs)+e.More)
	writeCapped(&b, e.Diffs, show, func(rest int) string { return fmt.Sprintf("; … (%d more)", rest+e.More) })
	b.WriteString(": ")
	b.WriteString(ErrVerify.Error())
	return b.String()
}

// Unwrap returns ErrVerify.
func (e *TargetedVerifyError) Unwrap() error { return ErrVerify }

func (d *diffs) targetedErr(round int) error {
	return &TargetedVerifyError{Round: round, Diffs: d.list, More: d.more}
}

// VerifyTargetedPublic checks a round's targeted disclosure from the
// published files only (the public tier). random must be the round's
// disclosure as VerifyPublic(p) returned it. It checks that the log
// holds a targeted entry for the manifest, after its draw, hashing
// exactly these bytes; that the header names the manifest, its log
// entry, the seed, the random draw, the period and round; that the
// tasks' targets hash to the Targeted digest the manifest fixed before
// any randomness (so no target was added, dropped or changed after the
// seed) and each follows the manifest's selection (rules, severity,
// raised between its since and as-of times, reason, method); that every
// task's ID is its own; that a unit drawn at random is visited by its
// random task (same date and teams) and no other is; and that every
// other visit is dated on a working day of the round (the first
// WithinDays unless its team was on leave; only the auditor, who holds
// the pool, can tell), with its results due date and a team of the
// manifest's shape.
// Teams are drawn from the inspector pool, which only the auditor holds
// (VerifyTargeted re-derives them). It returns the parsed disclosure,
// or the differences in a *TargetedVerifyError wrapping ErrVerify.
func VerifyTargetedPublic(p Published, random *Disclosure, targeted []byte) (*TargetedDisclosure, error) {
	var df diffs
	a, m := p.Attempt, p.Manifest
	number := m.Round.Number
	switch {
	case random == nil || a == nil || a.Draw == nil:
		df.add("the round's random draw is not verified, so its targeted tasks cannot be checked")
		return nil, df.targetedErr(number)
	case a.Targeted == nil:
		df.add("the log holds no targeted entry for manifest %s", a.Hash)
		return nil, df.targetedErr(number)
	}
	if got := protocol.HashBytes(targeted); got != a.Targeted.Targeted {
		df.add("the targeted disclosure hashes to %s, but the log's targeted entry %d names %s", got, a.TargetedSeq, a.Targeted.Targeted)
		return nil, df.targetedErr(number)
	}
	td, err := ParseTargeted(targeted)
	if err != nil {
		df.add("%v", err)
		return nil, df.targetedErr(number)
	}
	seed, _ := a.Seed()
	want := newTargeted(m, a.Hash, seed, random)
	diffFields(&df, "", reflect.ValueOf(*headerOf(td)), reflect.ValueOf(*headerOf(want)))
	checkTargetDigest(&df, m, td)
	cfg, _, err := ConfigOf(m)
	if err != nil {
		df.add("manifest: %v", err)
		return nil, df.targetedErr(number)
	}
	checkTargetedTasks(&df, m, cfg, random, td)
	if len(df.list) > 0 {
		return nil, df.targetedErr(number)
	}
	return td, nil
}

// checkTargetDigest compares the digest of the tasks' targets with the
// manifest's, and checks each target against the manifest's selection.
func checkTargetDigest(df *diffs, m *protocol.Manifest, td *TargetedDisclosure) {
	ts := make([]Target, len(td.Tasks))
	for i := range td.Tasks {
		ts[i] = td.Tasks[i].target()
		if err := checkTarget(m, &ts[i]); err != nil {
			df.add("targeted task of unit %q: %v", ts[i].Unit, err)
		}
	}
	d, err := TargetsDigest(ts)
	switch {
	case err != nil:
		df.add("targets: %v", err)
	case d != m.Targeted.Targets:
		df.add("the %d targeted tasks' targets hash to %s, but the manifest committed %d targets hashing to %s before the seed existed: targets were added, dropped or changed",
			d.Count, d.SHA256, m.Targeted.Targets.Count, m.Targeted.Targets.SHA256)
	}
}

// checkTargetedTasks checks each task's ID, its link to the random draw,
// its date, results-due date and team shape.
func checkTargetedTasks(df *diffs, m *protocol.Manifest, cfg *Config, random *Disclosure, td *TargetedDisclosure) {
	drawn := make(map[string]*Task, len(random.Tasks))
	for i := range random.Tasks {
		drawn[random.Tasks[i].Unit] = &random.Tasks[i]
	}
	ds, _ := cfg.Calendar.compile()
	_, round, _ := ConfigOf(m)
	workdays := ds.workingDays(cfg.Rounds[round])
	tid, err := uuid.Parse(td.DrawID)
	if err != nil {
		df.add("draw ID %q: %v", td.DrawID, err)
		return
	}
	for i := range td.Tasks {
		t := &td.Tasks[i]
		who := fmt.Sprintf("targeted task of unit %q", t.Unit)
		if want := TaskID(tid, t.Unit).String(); t.ID != want {
			df.add("%s: ID %s, want %s", who, t.ID, want)
		}
		if rt, ok := drawn[t.Unit]; ok {
			if t.RandomTask != rt.ID || t.Date != rt.Date || t.ResultsDue != rt.ResultsDue || !reflect.DeepEqual(t.Teams, rt.Teams) {
				df.add("%s: the unit was drawn at random (task %s): the targeted visit must be that task's, with its date and teams", who, rt.ID)
			}
			continue
		}
		if t.RandomTask != "" {
			df.add("%s: names random task %s, but the unit was not drawn at random", who, t.RandomTask)
		}
		if _, ok := slices.BinarySearch(workdays, t.Date); !ok {
			df.add("%s: date %s is not a working day of the round %s..%s", who, t.Date, m.Round.First, m.Round.Last)
		} else if want := ds.addWorkingDays(t.Date, cfg.resultsDue()); t.ResultsDue != want {
			df.add("%s: results due %s, want %s", who, t.ResultsDue, want)
		}
		checkTeamShape(df, &Task{Unit: t.Unit, Teams: t.Teams}, cfg.Staffing)
	}
}

// SealedTargets returns copies of the targets without method and focus,
// as a sealed manifest commits them: both are scoped by the unit's level,
// which sealed mode does not publish (the teams' task lists carry them).
func SealedTargets(ts []Target) []Target {
	out := slices.Clone(ts)
	for i := range out {
		out[i].Method, out[i].Focus = "", []string{}
	}
	return out
}

// AuditTargets re-derives the targets a manifest committed, from the
// records (the auditor tier; call AuditFrame first, which checks the
// records' snapshot and returns the assessment a): the alert rules'
// configuration must have the manifest's digest; the alerts are
// evaluated as of the manifest's as-of time (alert.Evaluate), selected
// by the manifest's Targeted section (TargetPolicyOf) and given their
// content by p (nil: the default content.Policy); sealed, without method
// and focus. Compare the result with the published tasks with
// VerifyTargeted. Errors wrap ErrManifestMismatch or are the steps'.
func AuditTargets(m *protocol.Manifest, rec *risk.Records, a *Assessment, alerts alert.Config, p *content.Policy) ([]Target, error) {
	cd, err := AlertConfigDigest(alerts)
	if err != nil {
		return nil, err
	}
	if cd != m.Targeted.AlertConfig {
		return nil, fmt.Errorf("schedule: the alert configuration's digest %s is not the manifest's %s: %w", cd, m.Targeted.AlertConfig, ErrManifestMismatch)
	}
	rep, err := alert.Evaluate(rec.Telemetry, rec.Incidents, m.AsOfTime(), alerts)
	if err != nil {
		return nil, err
	}
	tp := TargetPolicyOf(m)
	ts, err := a.Targets(rec.Units, rep, &tp, p)
	if err != nil {
		return nil, err
	}
	if m.Sealed {
		ts = SealedTargets(ts)
	}
	return ts, nil
}

// VerifyTargeted is the auditor tier of a round's targeted tasks:
// VerifyTargetedPublic, then the targets (re-derived from the records
// by AuditTargets) must be the published ones, unit by unit, and
// re-running PlanTargeted on the frame and pool (AuditFrame) must give
// the published disclosure in every field, dates and teams included.
// It returns the parsed disclosure, or the differences in a
// *TargetedVerifyError wrapping ErrVerify.
func VerifyTargeted(p Published, random *Disclosure, targeted []byte, frame *Frame, pool *Pool, targets []Target) (*TargetedDisclosure, error) {
	td, err := VerifyTargetedPublic(p, random, targeted)
	if err != nil {
		return nil, err
	}
	var df diffs
	got := make([]Target, len(td.Tasks))
	for i := range td.Tasks {
		got[i] = td.Tasks[i].target()
	}
	compareTargets(&df, got, targets)
	seed, _ := p.Attempt.Seed()
	want, err := PlanTargeted(p.Manifest, frame, pool, seed, random, targets)
	if err != nil {
		df.add("re-running the targeted plan fails: %v", err)
		return nil, df.targetedErr(p.Manifest.Round.Number)
	}
	compareTargetedTasks(&df, td.Tasks, want.Tasks)
	if len(df.list) > 0 {
		return nil, df.targetedErr(p.Manifest.Round.Number)
	}
	return td, nil
}

// compareTargets lists the targets missing from got, extra in it, or
// different, by unit; both sorted by unit.
func compareTargets(df *diffs, got, want []Target) {
	i, j := 0, 0
	for i < len(got) || j < len(want) {
		switch {
		case j == len(want) || (i < len(got) && got[i].Unit < want[j].Unit):
			df.add("target %q is published but the records do not make it a target", got[i].Unit)
			i++
		case i == len(got) || want[j].Unit < got[i].Unit:
			df.add("target %q: the records make it a target, but it is not published", want[j].Unit)
			j++
		default:
			diffFields(df, fmt.Sprintf("target %q: ", got[i].Unit), reflect.ValueOf(got[i]), reflect.ValueOf(want[j]))
			i++
			j++
		}
	}
}

// compareTargetedTasks compares the published tasks with the re-run's,
// by unit (both sorted by unit, the targets already compared).
func compareTargetedTasks(df *diffs, got, want []TargetedTask) {
	if len(got) != len(want) {
		df.add("%d targeted tasks, the re-run gives %d", len(got), len(want))
		return
	}
	for i := range got {
		diffFields(df, fmt.Sprintf("targeted task of unit %q: ", got[i].Unit), reflect.ValueOf(got[i]), reflect.ValueOf(want[i]))
	}
}

// headerOf returns td without its tasks.
func headerOf(td *TargetedDisclosure) *TargetedDisclosure {
	h := *td
	h.Tasks = nil
	return &h
}

// diffFields adds a line for every field of the structs got and want
// whose canonical JSON differs, named by its JSON key.
func diffFields(df *diffs, prefix string, got, want reflect.Value) {
	t := got.Type()
	for i := range t.NumField() {
		key := strings.Split(t.Field(i).Tag.Get("json"), ",")[0]
		if key == "-" || key == "" {
			continue
		}
		g, errG := canon.AppendValue(nil, got.Field(i).Interface())
		w, errW := canon.AppendValue(nil, want.Field(i).Interface())
		if errG != nil || errW != nil || string(g) != string(w) {
			df.add("%s%s is %s, the re-run gives %s", prefix, key, clip(g), clip(w))
		}
	}
}

// clip shortens a value for an error message.
func clip(b []byte) string {
	const n = 120
	if len(b) > n {
		return string(b[:n]) + "…"
	}
	return string(b)
}
