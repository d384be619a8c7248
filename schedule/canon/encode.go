package canon

import (
	"encoding"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"unicode/utf8"
)

// Marshal returns the canonical JSON document of v: its value followed by
// "\n". It returns an error wrapping ErrUnsupported for a value with no
// canonical form (NaN, ±Inf, a string with a control character or invalid
// UTF-8, a non-canonical Raw, a channel, func, interface or complex).
func Marshal(v any) ([]byte, error) {
	b, err := AppendValue(nil, v)
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// AppendValue appends the canonical JSON of v, without the newline, to b.
func AppendValue(b []byte, v any) ([]byte, error) {
	rv := reflect.ValueOf(v)
	if !rv.IsValid() {
		return append(b, "null"...), nil
	}
	return encode(b, rv, codecOf(rv.Type()))
}

func encode(b []byte, v reflect.Value, c *codec) ([]byte, error) {
	if c.err != nil {
		return b, c.err
	}
	switch c.kind {
	case kBool:
		return strconv.AppendBool(b, v.Bool()), nil
	case kInt:
		return strconv.AppendInt(b, v.Int(), 10), nil
	case kUint:
		return strconv.AppendUint(b, v.Uint(), 10), nil
	case kFloat:
		return AppendFloat(b, v.Float())
	case kString:
		return AppendString(b, v.String())
	case kText:
		text, err := v.Interface().(encoding.TextMarshaler).MarshalText()
		if err != nil {
			return b, fmt.Errorf("canon: %v: %w: %w", c.typ, err, ErrUnsupported)
		}
		return AppendString(b, string(text))
	case kRaw:
		if err := Valid(v.Bytes(), Limits{}); err != nil {
			return b, fmt.Errorf("canon: Raw value: %v: %w", err, ErrUnsupported)
		}
		return append(b, v.Bytes()...), nil
	case kStruct:
		return encodeStruct(b, v, c)
	case kSlice, kPointer:
		if v.IsNil() {
			return append(b, "null"...), nil
		}
		if c.kind == kPointer {
			return encode(b, v.Elem(), c.elem)
		}
		return encodeArray(b, v, c)
	case kArray:
		return encodeArray(b, v, c)
	default: // kMap
		return encodeMap(b, v, c)
	}
}

func encodeStruct(b []byte, v reflect.Value, c *codec) ([]byte, error) {
	b = append(b, '{')
	var err error
	for i, f := range c.fields {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, f.key...)
		if b, err = encode(b, v.Field(f.index), f.codec); err != nil {
			return b, err
		}
	}
	return append(b, '}'), nil
}

func encodeArray(b []byte, v reflect.Value, c *codec) ([]byte, error) {
	b = append(b, '[')
	var err error
	for i := range v.Len() {
		if i > 0 {
			b = append(b, ',')
		}
		if b, err = encode(b, v.Index(i), c.elem); err != nil {
			return b, err
		}
	}
	return append(b, ']'), nil
}

func encodeMap(b []byte, v reflect.Value, c *codec) ([]byte, error) {
	if v.IsNil() {
		return append(b, "null"...), nil
	}
	keys := v.MapKeys()
	slices.SortFunc(keys, func(x, y reflect.Value) int {
		switch a, b := x.String(), y.String(); {
		case a < b:
			return -1
		case a > b:
			return 1
		}
		return 0
	})
	b = append(b, '{')
	var err error
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		if b, err = AppendString(b, k.String()); err != nil {
			return b, err
		}
		b = append(b, ':')
		if b, err = encode(b, v.MapIndex(k), c.elem); err != nil {
			return b, err
		}
	}
	return append(b, '}'), nil
}

// AppendFloat appends the canonical form of x (see the package doc) to b.
// It returns an error wrapping ErrUnsupported for NaN and ±Inf.
func AppendFloat(b []byte, x float64) ([]byte, error) {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return b, fmt.Errorf("canon: number %v: %w", x, ErrUnsupported)
	}
	if x == 0 {
		return append(b, '0'), nil // −0 too
	}
	// As encoding/json (floatEncoder, bits 64).
	format := byte('f')
	if abs := math.Abs(x); abs < 1e-6 || abs >= 1e21 {
		format = 'e'
	}
	b = strconv.AppendFloat(b, x, format, -1, 64)
	if format == 'e' {
		// e-09 → e-9
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b, nil
}

// AppendString appends s as a canonical JSON string to b. It returns an
// error wrapping ErrUnsupported if s is not valid UTF-8 or holds a control
// character.
func AppendString(b []byte, s string) ([]byte, error) {
	if i, msg := checkText(s); msg != "" {
		return b, fmt.Errorf("canon: string %q: byte %d: %s: %w", clipString(s), i, msg, ErrUnsupported)
	}
	return appendString(b, s), nil
}

func clipString(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

// checkText returns the offset of, and a message about, the first byte of
// s that no canonical string may hold.
func checkText(s string) (int, string) {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 || c == 0x7f {
				return i, fmt.Sprintf("control character U+%04X", c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			return i, "invalid UTF-8"
		}
		if r >= 0x80 && r <= 0x9f {
			return i, fmt.Sprintf("control character U+%04X", r)
		}
		i += size
	}
	return 0, ""
}

// appendString quotes s (already checked) with the three canonical escapes.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c == '"' || c == '\\' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', c)
			i++
			start = i
			continue
		}
		if c == 0xe2 && i+2 < len(s) && s[i+1] == 0x80 && (s[i+2] == 0xa8 || s[i+2] == 0xa9) {
			b = append(b, s[start:i]...)
			b = append(b, `\u202`...)
			b = append(b, "89"[s[i+2]-0xa8])
			i += 3
			start = i
			continue
		}
		i++
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
