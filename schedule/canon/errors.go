package canon

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// ErrNotCanonical is wrapped by every error about bytes that are not the
// canonical form of a value (every decoding error).
var ErrNotCanonical = errors.New("canon: not canonical JSON")

// The kinds of decoding error; each wraps ErrNotCanonical.
var (
	ErrSyntax         = fmt.Errorf("syntax error: %w", ErrNotCanonical)
	ErrDuplicateKey   = fmt.Errorf("duplicate key: %w", ErrNotCanonical)
	ErrCaseVariantKey = fmt.Errorf("case-variant key: %w", ErrNotCanonical)
	ErrUnknownKey     = fmt.Errorf("unknown key: %w", ErrNotCanonical)
	ErrKeyOrder       = fmt.Errorf("missing or misplaced key: %w", ErrNotCanonical)
	ErrNumber         = fmt.Errorf("non-canonical number: %w", ErrNotCanonical)
	ErrString         = fmt.Errorf("non-canonical string: %w", ErrNotCanonical)
	ErrType           = fmt.Errorf("wrong type: %w", ErrNotCanonical)
	ErrTrailing       = fmt.Errorf("trailing bytes: %w", ErrNotCanonical)
	ErrDepth          = fmt.Errorf("nesting too deep: %w", ErrNotCanonical)
	ErrTooLarge       = fmt.Errorf("input too large: %w", ErrNotCanonical)
)

// ErrUnsupported is returned by Marshal for a value canon cannot encode
// canonically (NaN, a control character, an unsupported type).
var ErrUnsupported = errors.New("canon: value has no canonical form")

// Error is a decoding error: where it is and what is wrong.
type Error struct {
	Offset int64  // byte offset in the input
	Path   string // key path, e.g. units[3].pi ("" at the top level)
	Msg    string // what is wrong
	Kind   error  // the sentinel (ErrSyntax, ErrDuplicateKey, …)

	steps []step // Path, for renumbering by the parallel decoder
}

func (e *Error) Error() string {
	if e.Path == "" {
		return fmt.Sprintf("canon: byte %d: %s: %v", e.Offset, e.Msg, e.Kind)
	}
	return fmt.Sprintf("canon: byte %d (%s): %s: %v", e.Offset, e.Path, e.Msg, e.Kind)
}

// Unwrap returns the sentinel.
func (e *Error) Unwrap() error { return e.Kind }

// step is one element of a key path: a key (index −1) or an index.
type step struct {
	key   string
	index int
}

func pathString(steps []step) string {
	var sb strings.Builder
	for _, s := range steps {
		if s.index < 0 {
			if sb.Len() > 0 {
				sb.WriteByte('.')
			}
			sb.WriteString(s.key)
			continue
		}
		sb.WriteByte('[')
		sb.WriteString(strconv.Itoa(s.index))
		sb.WriteByte(']')
	}
	return sb.String()
}

// quote quotes a piece of hostile input for an error message, shortened.
func quote(b []byte) string {
	if len(b) > 40 {
		return strconv.Quote(string(b[:40])) + "…"
	}
	return strconv.Quote(string(b))
}
