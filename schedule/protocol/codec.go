package protocol

import (
	"bytes"
	"fmt"

	"github.com/firedraw/firedraw/schedule/canon"
)

// Marshal returns the manifest's canonical JSON (schedule/canon): fields
// in declaration order, no insignificant space, no HTML escaping, empty
// lists as [], numbers in their shortest form, one trailing newline.
func (m *Manifest) Marshal() ([]byte, error) {
	c := *m
	c.Settings.Departments = nonNil(c.Settings.Departments)
	c.Calendar.Holidays = nonNil(c.Calendar.Holidays)
	c.Calendar.MakeupDays = nonNil(c.Calendar.MakeupDays)
	c.Randomness.Parties = nonNil(c.Randomness.Parties)
	c.Targeted.Rules = nonNil(c.Targeted.Rules)
	return marshalCanonical(&c)
}

// ParseManifest reads a manifest and accepts only its canonical bytes
// (schedule/canon): at most MaxManifestBytes, no unknown, duplicate,
// missing or case-variant key, no other number spelling, escape or
// spacing than Marshal writes, no trailing data. It then checks
// Validate. Errors wrap ErrManifest.
func ParseManifest(b []byte) (*Manifest, error) {
	if len(b) > MaxManifestBytes {
		return nil, fmt.Errorf("protocol: manifest of %d bytes exceeds %d: %w", len(b), MaxManifestBytes, ErrManifest)
	}
	var m Manifest
	if err := unmarshalCanonical(b, &m, MaxManifestBytes); err != nil {
		return nil, fmt.Errorf("protocol: manifest: %v: %w", err, ErrManifest)
	}
	// canon reads null as an empty list; Marshal writes [] only.
	if c, err := m.Marshal(); err != nil || !bytes.Equal(c, b) {
		return nil, fmt.Errorf("protocol: manifest: a list is null, not []: %w", ErrManifest)
	}
	if err := m.Validate(); err != nil {
		return nil, err
	}
	return &m, nil
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func marshalCanonical(v any) ([]byte, error) { return canon.Marshal(v) }

// unmarshalCanonical decodes the canonical document b (ending in "\n")
// into v with schedule/canon's strict decoder: duplicate, case-variant,
// unknown and missing keys, other number spellings, escapes and spacing,
// control characters, invalid UTF-8 and trailing data are refused.
func unmarshalCanonical(b []byte, v any, max int) error {
	return canon.Unmarshal(b, v, canon.Limits{MaxBytes: int64(max)})
}
