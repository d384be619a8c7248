package protocol

import (
	"errors"
	"fmt"
)

// Sentinel errors, wrapped by every error of this package for use with
// errors.Is. The wrapping error names the field, party or log entry.
var (
	// ErrManifest reports a manifest that breaks a rule of Validate or is
	// not in canonical form.
	ErrManifest = errors.New("bad manifest")
	// ErrContribution reports a secret, commitment, beacon value or dice
	// roll that is malformed or does not match what was committed.
	ErrContribution = errors.New("bad contribution")
	// ErrRule reports a log entry that breaks a rule of the protocol's
	// order or dates (RuleError says which).
	ErrRule = errors.New("protocol rule broken")
)

// RuleError reports the log entry that breaks a rule of the protocol:
// its sequence number and kind, the rule's name (one of the Rule…
// constants) and why. It wraps ErrRule and, where there is one, the
// underlying error.
type RuleError struct {
	Seq  int64
	Kind Kind
	Rule string
	Why  string
	Err  error
}

func (e *RuleError) Error() string {
	s := fmt.Sprintf("protocol: log entry %d (%s): rule %q: %s", e.Seq, e.Kind, e.Rule, e.Why)
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns ErrRule and the underlying error, if any.
func (e *RuleError) Unwrap() []error {
	if e.Err != nil {
		return []error{ErrRule, e.Err}
	}
	return []error{ErrRule}
}

func manifestErr(field, format string, args ...any) error {
	return fmt.Errorf("protocol: manifest field %s: %s: %w", field, fmt.Sprintf(format, args...), ErrManifest)
}
