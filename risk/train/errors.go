package train

import "errors"

// Sentinel errors of fitting and evaluation, for use with errors.Is.
var (
	// ErrBadOutcome reports outcomes that cannot train or evaluate a model.
	ErrBadOutcome = errors.New("bad outcomes")
	// ErrNotConverged reports a fit that did not converge.
	ErrNotConverged = errors.New("fit did not converge")
)
