package sampling

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Sentinel errors wrapped by every validation error of this package, for use
// with errors.Is.
var (
	// ErrBadWeight reports a weight that is NaN, infinite or negative, or a
	// weight vector with no positive entry.
	ErrBadWeight = errors.New("bad weight")
	// ErrDuplicateUnit reports a unit ID that occurs twice in one frame.
	// (risk.ErrDuplicateID is the loaders' error for a record file that
	// repeats an ID; sampling imports no other firedraw package, so a
	// frame's duplicate has a sentinel of its own.)
	ErrDuplicateUnit = errors.New("duplicate unit in frame")
	// ErrEmptyFrame reports a frame with no units.
	ErrEmptyFrame = errors.New("empty frame")
	// ErrBadSize reports a sample size n that is not a positive finite number
	// no larger than the number of units that can be drawn.
	ErrBadSize = errors.New("bad sample size")
	// ErrBadProbability reports an inclusion probability outside [0, 1] (or
	// NaN), or probabilities whose sum a design cannot honour.
	ErrBadProbability = errors.New("bad inclusion probability")
)

// UnitError locates a bad value at one unit of a frame. Its Error text names
// the unit by index and, when known, by ID, e.g.
//
//	sampling: unit 17 ("ABC"): weight NaN: bad weight
type UnitError struct {
	Index int    // 0-based position in the input slices
	ID    string // unit ID; "" if the call had no IDs
	What  string // the offending value, e.g. "weight NaN"
	Err   error  // wraps a sentinel
}

func (e *UnitError) Error() string {
	var b strings.Builder
	b.WriteString("sampling: unit ")
	b.WriteString(strconv.Itoa(e.Index))
	if e.ID != "" {
		fmt.Fprintf(&b, " (%q)", e.ID)
	}
	b.WriteString(": ")
	if e.What != "" {
		b.WriteString(e.What)
		b.WriteString(": ")
	}
	if e.Err != nil {
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

func (e *UnitError) Unwrap() error { return e.Err }

// idAt returns ids[i], or "" when ids is nil.
func idAt(ids []string, i int) string {
	if ids == nil {
		return ""
	}
	return ids[i]
}

// checkProbabilities reports the first π that is NaN or outside [0, 1].
func checkProbabilities(ids []string, pi []float64) error {
	for i, p := range pi {
		if !(p >= 0 && p <= 1) {
			return &UnitError{Index: i, ID: idAt(ids, i), What: "π " + strconv.FormatFloat(p, 'g', -1, 64), Err: ErrBadProbability}
		}
	}
	return nil
}
