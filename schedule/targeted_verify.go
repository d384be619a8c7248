//go:build firedraw_targeted_port

package schedule

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/firedraw/firedraw/risk"
	"github.com/firedraw/firedraw/schedule/canon"
	"github.com/firedraw/firedraw/schedule/content"
)

// validTime reports whether s is a UTC time in TimeLayout, as fmtTime
// writes it.
func validTime(s string) bool {
	t, err := time.Parse(TimeLayout, s)
	return err == nil && fmtTime(t) == s
}

// maxTargetedBytes bounds the size of a targeted disclosure
// ParseTargeted reads: 64 MiB, some 30 000 tasks with long evidence.
const maxTargetedBytes = 64 << 20

// ParseTargeted reads a targeted disclosure written by MarshalCanonical.
// It accepts only canonical bytes (canon.Unmarshal: no unknown, missing,
// duplicate or case-variant keys, one number spelling, no trailing data),
// checks the format version, and checks every task: a known reason,
// method, rule and severity, times in TimeLayout, tasks sorted by unit
// and listed once. Errors wrap ErrBadInput.
func ParseTargeted(b []byte) (*TargetedDisclosure, error) {
	var td TargetedDisclosure
	if err := canon.Unmarshal(b, &td, canon.Limits{MaxBytes: maxTargetedBytes}); err != nil {
		return nil, fmt.Errorf("schedule: targeted disclosure: %w: %w", err, ErrBadInput)
	}
	if td.Format != TargetedFormatVersion {
		return nil, fmt.Errorf("schedule: targeted disclosure format %q, want %q: %w", td.Format, TargetedFormatVersion, ErrBadInput)
	}
	if td.Since != "" && !validTime(td.Since) {
		return nil, fmt.Errorf("schedule: targeted disclosure: since %q: want UTC %s: %w", td.Since, TimeLayout, ErrBadInput)
	}
	for i := range td.Tasks {
		if err := checkTargetedTask(&td.Tasks[i]); err != nil {
			return nil, err
		}
		if i > 0 && td.Tasks[i].Unit <= td.Tasks[i-1].Unit {
			return nil, fmt.Errorf("schedule: targeted disclosure: task of unit %q out of order or repeated: %w", td.Tasks[i].Unit, ErrBadInput)
		}
	}
	return &td, nil
}

// checkTargetedTask checks the enumerated fields and times of a parsed
// task.
func checkTargetedTask(t *TargetedTask) error {
	who := fmt.Sprintf("schedule: targeted task %s (unit %q)", t.ID, t.Unit)
	reason, err := risk.ParseReason(t.Reason)
	if err != nil || t.Reason == "" || (reason == risk.RandomDraw) != (t.RandomTask != "") {
		return fmt.Errorf("%s: reason %q with random task %q: %w", who, t.Reason, t.RandomTask, ErrBadInput)
	}
	if m, err := content.ParseMethod(t.Method); err != nil || m == content.Remote {
		return fmt.Errorf("%s: method %q: %w", who, t.Method, ErrBadInput)
	}
	if len(t.Triggers) == 0 {
		return fmt.Errorf("%s: no trigger: %w", who, ErrBadInput)
	}
	for i := range t.Triggers {
		if err := checkTrigger(&t.Triggers[i]); err != nil {
			return fmt.Errorf("%s: %w", who, err)
		}
	}
	if t.Severity != maxSeverity(t.Triggers) {
		return fmt.Errorf("%s: severity %q is not its triggers' highest %q: %w", who, t.Severity, maxSeverity(t.Triggers), ErrBadInput)
	}
	return nil
}

// TargetedVerifyError is returned by VerifyTargeted for a targeted
// disclosure that differs from its re-run: every difference as a
// readable line. It wraps ErrVerify.
type TargetedVerifyError struct {
	Round int
	Diffs []string
}

func (e *TargetedVerifyError) Error() string {
	const show = 5
	var b strings.Builder
	fmt.Fprintf(&b, "schedule: targeted disclosure of round %d: %d difference(s): ", e.Round, len(e.Diffs))
	writeCapped(&b, e.Diffs, show, func(rest int) string { return fmt.Sprintf("; … (%d more)", rest) })
	b.WriteString(": ")
	b.WriteString(ErrVerify.Error())
	return b.String()
}

// Unwrap returns ErrVerify.
func (e *TargetedVerifyError) Unwrap() error { return ErrVerify }

// VerifyTargeted re-runs PlanTargeted on the same inputs and compares the
// result with td field by field: the header, then each task by unit
// (missing, extra, or a field that differs, named with both values). It
// returns nil if they agree, a *TargetedVerifyError (wrapping ErrVerify)
// listing the differences, or PlanTargeted's error if the inputs
// themselves are bad.
//
// The targets are inputs: the alerts behind them are re-derived from the
// committed telemetry snapshot (alert.Evaluate, content.Targets) by
// whoever holds it, and the public compares the triggers shown.
func VerifyTargeted(cfg *Config, frame *Frame, pool *Pool, round int, in *TargetedInput, td *TargetedDisclosure) error {
	want, err := PlanTargeted(cfg, frame, pool, round, in)
	if err != nil {
		return err
	}
	var diffs []string
	diffFields(&diffs, "", reflect.ValueOf(*headerOf(td)), reflect.ValueOf(*headerOf(want)))
	got := map[string]*TargetedTask{}
	for i := range td.Tasks {
		got[td.Tasks[i].Unit] = &td.Tasks[i]
	}
	for i := range want.Tasks {
		w := &want.Tasks[i]
		g, ok := got[w.Unit]
		if !ok {
			diffs = append(diffs, fmt.Sprintf("targeted task of unit %q missing", w.Unit))
			continue
		}
		delete(got, w.Unit)
		diffFields(&diffs, fmt.Sprintf("task of unit %q: ", w.Unit), reflect.ValueOf(*g), reflect.ValueOf(*w))
	}
	extra := make([]string, 0, len(got))
	for u := range got {
		extra = append(extra, u)
	}
	slices.Sort(extra)
	for _, u := range extra {
		diffs = append(diffs, fmt.Sprintf("targeted task of unit %q not in the re-run", u))
	}
	if len(diffs) > 0 {
		return &TargetedVerifyError{Round: round, Diffs: diffs}
	}
	return nil
}

// headerOf returns td without its tasks.
func headerOf(td *TargetedDisclosure) *TargetedDisclosure {
	h := *td
	h.Tasks = nil
	return &h
}

// diffFields appends a line for every field of the structs got and want
// whose canonical JSON differs, named by its JSON key.
func diffFields(out *[]string, prefix string, got, want reflect.Value) {
	t := got.Type()
	for i := range t.NumField() {
		key := strings.Split(t.Field(i).Tag.Get("json"), ",")[0]
		if key == "-" || key == "" {
			continue
		}
		g, errG := canon.AppendValue(nil, got.Field(i).Interface())
		w, errW := canon.AppendValue(nil, want.Field(i).Interface())
		if errG != nil || errW != nil || string(g) != string(w) {
			*out = append(*out, fmt.Sprintf("%s%s is %s, the re-run gives %s", prefix, key, clip(g), clip(w)))
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
