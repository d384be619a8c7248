package risk

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Sentinel errors wrapped by every loader and validation error, for use
// with errors.Is.
var (
	ErrMissingColumn = errors.New("missing required column")
	ErrUnknownField  = errors.New("unknown field")
	ErrMalformed     = errors.New("malformed record")
	ErrBadEnum       = errors.New("unknown enumeration value")
	ErrBadTime       = errors.New("bad timestamp")
	ErrBadNumber     = errors.New("bad number")
	ErrMissingValue  = errors.New("missing required value")
	ErrDuplicateID   = errors.New("duplicate ID")
	ErrUnknownUnit   = errors.New("record for an unknown unit")
	ErrFuture        = errors.New("date after asOf")
	// ErrFeatureMismatch reports a model and a feature table whose feature
	// names differ.
	ErrFeatureMismatch = errors.New("feature mismatch")
	// ErrBadFeature reports a NaN or infinite feature value.
	ErrBadFeature = errors.New("bad feature value")
)

// RecordError locates a bad input record. Its Error text names every part
// that is known, e.g.
//
//	units.csv:12: column "floor_area" of unit "9133…": value "NaN": bad number
type RecordError struct {
	Source   string // file name given by the caller
	Line     int    // 1-based line number; 0 if unknown
	Column   string // column or JSON field; "" if the whole record
	RecordID string // unit or inspector ID, when known
	Value    string // the offending value
	Err      error  // wraps a sentinel
}

func (e *RecordError) Error() string {
	var b strings.Builder
	if e.Source != "" {
		b.WriteString(e.Source)
	} else {
		b.WriteString("input")
	}
	if e.Line > 0 {
		b.WriteByte(':')
		b.WriteString(strconv.Itoa(e.Line))
	}
	b.WriteString(": ")
	if e.Column != "" {
		fmt.Fprintf(&b, "column %q", e.Column)
		if e.RecordID != "" {
			b.WriteString(" of ")
		}
	}
	if e.RecordID != "" {
		fmt.Fprintf(&b, "record %q", e.RecordID)
	}
	if e.Column != "" || e.RecordID != "" {
		b.WriteString(": ")
	}
	if e.Value != "" {
		fmt.Fprintf(&b, "value %q: ", e.Value)
	}
	if e.Err != nil {
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

func (e *RecordError) Unwrap() error { return e.Err }
