package tlog

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/firedraw/firedraw/schedule/canon"
)

// ErrLog is wrapped by every error about a log or an entry.
var ErrLog = errors.New("tlog: bad log")

// Bounds on what Read accepts.
const (
	// MaxEntryBytes is the largest entry, newline included: 1 MiB.
	MaxEntryBytes = 1 << 20
	// MaxEntries is the largest number of entries in a log.
	MaxEntries = 1_000_000
)

// Kind names what an entry records.
type Kind string

// The kinds of entry.
const (
	KindManifest   Kind = "manifest"   // a draw manifest, before any randomness
	KindCommitment Kind = "commitment" // a party's commitment to its secret
	KindReveal     Kind = "reveal"     // a party's secret
	KindBeacon     Kind = "beacon"     // a public beacon round (drand)
	KindDice       Kind = "dice"       // digits rolled at a public meeting
	KindDraw       Kind = "draw"       // a draw's disclosure
	KindAbandon    Kind = "abandon"    // a draw abandoned before a new manifest
	KindResults    Kind = "results"    // inspection results published
	KindCorrection Kind = "correction" // a correction of an earlier entry
	KindAlert      Kind = "alert"      // an alert-triggered visit
	KindTargeted   Kind = "targeted"   // a targeted (non-random) visit
)

// Valid reports whether k is one of the kinds above.
func (k Kind) Valid() bool {
	switch k {
	case KindManifest, KindCommitment, KindReveal, KindBeacon, KindDice, KindDraw,
		KindAbandon, KindResults, KindCorrection, KindAlert, KindTargeted:
		return true
	}
	return false
}

// Entry is one step recorded in the log.
type Entry struct {
	Seq    uint64    `json:"seq"`
	Time   time.Time `json:"time"` // UTC, whole seconds
	Kind   Kind      `json:"kind"`
	Period string    `json:"period"` // the period's ID ("" if none)
	Round  int       `json:"round"`  // 1-based round number (0 if none)
	Prev   string    `json:"prev"`   // hex SHA-256 of the previous entry's bytes
	Body   canon.Raw `json:"body"`   // a canonical JSON object
}

// check validates the fields that the canonical form does not.
func (e *Entry) check() error {
	switch {
	case !e.Kind.Valid():
		return fmt.Errorf("tlog: entry %d: unknown kind %q: %w", e.Seq, e.Kind, ErrLog)
	case e.Time.Location() != time.UTC || e.Time.Nanosecond() != 0:
		return fmt.Errorf("tlog: entry %d: time %s is not UTC in whole seconds: %w", e.Seq, e.Time.Format(time.RFC3339Nano), ErrLog)
	case e.Time.Year() < 2000 || e.Time.Year() > 9999:
		return fmt.Errorf("tlog: entry %d: time %s outside the years 2000–9999: %w", e.Seq, e.Time.Format(time.RFC3339), ErrLog)
	case e.Round < 0:
		return fmt.Errorf("tlog: entry %d: round %d: %w", e.Seq, e.Round, ErrLog)
	case len(e.Body) == 0 || e.Body[0] != '{':
		return fmt.Errorf("tlog: entry %d: body is not a JSON object: %w", e.Seq, ErrLog)
	case e.Seq == 0 && e.Prev != "":
		return fmt.Errorf("tlog: entry 0: prev %q, want \"\": %w", e.Prev, ErrLog)
	case e.Seq > 0 && !isHash(e.Prev):
		return fmt.Errorf("tlog: entry %d: prev %q is not 64 lowercase hex digits: %w", e.Seq, e.Prev, ErrLog)
	}
	return nil
}

func isHash(s string) bool {
	if len(s) != 2*sha256.Size {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// Marshal returns the entry's canonical bytes: one line, ending in "\n".
func (e *Entry) Marshal() ([]byte, error) {
	if err := e.check(); err != nil {
		return nil, err
	}
	b, err := canon.Marshal(e)
	if err != nil {
		return nil, fmt.Errorf("tlog: entry %d: %w: %w", e.Seq, err, ErrLog)
	}
	if len(b) > MaxEntryBytes {
		return nil, fmt.Errorf("tlog: entry %d: %d bytes, above %d: %w", e.Seq, len(b), MaxEntryBytes, ErrLog)
	}
	return b, nil
}

// ParseEntry reads one entry's canonical bytes (a line with its "\n").
func ParseEntry(line []byte) (Entry, error) {
	var e Entry
	if err := canon.Unmarshal(line, &e, canon.Limits{MaxBytes: MaxEntryBytes}); err != nil {
		return Entry{}, fmt.Errorf("tlog: entry: %w: %w", err, ErrLog)
	}
	if err := e.check(); err != nil {
		return Entry{}, err
	}
	return e, nil
}

// Hash returns the hex SHA-256 of an entry's canonical bytes: the next
// entry's Prev.
func Hash(line []byte) string {
	h := sha256.Sum256(line)
	return hex.EncodeToString(h[:])
}
