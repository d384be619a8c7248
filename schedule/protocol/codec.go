package protocol

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// Marshal returns the manifest's canonical JSON: fields in declaration
// order, no insignificant space, no HTML escaping, empty lists as [],
// numbers in their shortest form, one trailing newline.
func (m *Manifest) Marshal() ([]byte, error) {
	c := *m
	c.Settings.Departments = nonNil(c.Settings.Departments)
	c.Calendar.Holidays = nonNil(c.Calendar.Holidays)
	c.Calendar.MakeupDays = nonNil(c.Calendar.MakeupDays)
	c.Randomness.Parties = nonNil(c.Randomness.Parties)
	return marshalCanonical(&c)
}

// ParseManifest reads a manifest and accepts only its canonical bytes: at
// most MaxManifestBytes, no unknown, duplicate or case-variant key, no
// other number spelling, escape or spacing than Marshal writes, no
// trailing data. It then checks Validate. Errors wrap ErrManifest.
func ParseManifest(b []byte) (*Manifest, error) {
	if len(b) > MaxManifestBytes {
		return nil, fmt.Errorf("protocol: manifest of %d bytes exceeds %d: %w", len(b), MaxManifestBytes, ErrManifest)
	}
	var m Manifest
	if err := unmarshalCanonical(b, &m, func() ([]byte, error) { return m.Marshal() }); err != nil {
		return nil, fmt.Errorf("protocol: manifest: %v: %w", err, ErrManifest)
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

func marshalCanonical(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// unmarshalCanonical decodes b into v strictly and checks that
// re-encoding (remarshal) gives b back byte for byte: that one check
// refuses duplicate and case-variant keys (the decoder keeps one of
// them), other number spellings, escapes and spacing, and invalid UTF-8
// (decoded as U+FFFD).
func unmarshalCanonical(b []byte, v any, remarshal func() ([]byte, error)) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return fmt.Errorf("trailing data")
	}
	c, err := remarshal()
	if err != nil {
		return err
	}
	if !bytes.Equal(c, b) {
		return fmt.Errorf("not in canonical form (first difference at byte %d)", firstDiff(b, c))
	}
	return nil
}

func firstDiff(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}
