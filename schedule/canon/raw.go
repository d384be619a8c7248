package canon

import (
	"fmt"
	"strings"
)

// Raw is a canonical JSON value kept as its bytes (no newline), such as a
// log entry's kind-specific body. Marshal writes it unchanged after
// checking it with Valid; Unmarshal checks it with the rules of Valid and
// keeps a copy.
type Raw []byte

// Valid reports whether b (without a newline) is one canonical JSON value
// when its schema is unknown: no duplicate or case-variant keys within an
// object (whatever their order), numbers in the canonical float64 form,
// canonical strings, no space, nesting at most lim.MaxDepth, at most
// lim.MaxBytes bytes. It returns nil or an *Error.
func Valid(b []byte, lim Limits) error {
	lim = lim.norm()
	if int64(len(b)) > lim.MaxBytes {
		return &Error{Offset: lim.MaxBytes, Msg: fmt.Sprintf("%d bytes, above the limit of %d", len(b), lim.MaxBytes), Kind: ErrTooLarge}
	}
	d := &decoder{data: b, lim: lim}
	if err := d.any(0); err != nil {
		return err
	}
	if d.pos != len(b) {
		return d.fail(ErrTrailing, "%s after the value", quote(b[d.pos:]))
	}
	return nil
}

// any checks one value of unknown schema.
func (d *decoder) any(depth int) error {
	switch d.peek() {
	case '{':
		return d.anyObject(depth)
	case '[':
		if err := d.enter(depth, '[', "an array"); err != nil {
			return err
		}
		for n := 0; !d.literal("]"); n++ {
			if n > 0 && !d.literal(",") {
				return d.unexpected(`"," or "]"`)
			}
			d.path = append(d.path, step{index: n})
			if err := d.any(depth + 1); err != nil {
				return err
			}
			d.path = d.path[:len(d.path)-1]
		}
		return nil
	case '"':
		_, err := d.string()
		return err
	}
	if d.literal("true") || d.literal("false") || d.literal("null") {
		return nil
	}
	_, err := d.float()
	return err
}

func (d *decoder) anyObject(depth int) error {
	if err := d.enter(depth, '{', "an object"); err != nil {
		return err
	}
	seen := map[string]string{} // folded key → key
	for n := 0; !d.literal("}"); n++ {
		if n > 0 && !d.literal(",") {
			return d.unexpected(`"," or "}"`)
		}
		start := d.pos
		k, err := d.string()
		if err != nil {
			return err
		}
		fold := strings.ToLower(strings.ToUpper(k))
		if prev, ok := seen[fold]; ok {
			d.pos = start
			if prev == k {
				return d.fail(ErrDuplicateKey, "key %q appears twice", k)
			}
			return d.fail(ErrCaseVariantKey, "keys %q and %q differ only in case", prev, k)
		}
		seen[fold] = k
		if !d.literal(":") {
			return d.unexpected(`":"`)
		}
		d.path = append(d.path, step{key: k, index: -1})
		if err := d.any(depth + 1); err != nil {
			return err
		}
		d.path = d.path[:len(d.path)-1]
	}
	return nil
}

// MarshalJSON returns r itself ("null" if r is nil), so encoding/json
// writes a Raw as canon does.
func (r Raw) MarshalJSON() ([]byte, error) {
	if r == nil {
		return []byte("null"), nil
	}
	return r, nil
}

// UnmarshalJSON keeps a copy of b, so encoding/json reads a Raw as canon
// does (without canon's checks).
func (r *Raw) UnmarshalJSON(b []byte) error {
	*r = append((*r)[:0], b...)
	return nil
}
