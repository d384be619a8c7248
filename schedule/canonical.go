package schedule

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"math"
	"strconv"
	"unicode/utf8"
)

// Canonical JSON. A disclosure is written by encoding/json with HTML
// escaping off: struct fields in their declaration order, no maps, floats
// in the shortest form that reads back to the same float64 (strconv 'f'
// or 'e' by magnitude, as encoding/json does), strings as UTF-8 with only
// the escapes JSON requires, one trailing newline. The hashed lines of
// the directory, the pool and the Merkle leaves use the same rules through
// the append helpers below (arrays, not objects, so no key order to fix).

// marshalCanonical encodes v as canonical JSON with a trailing newline.
func marshalCanonical(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

const hexDigits = "0123456789abcdef"

// appendString appends s as a JSON string: ", \ and control characters
// escaped, invalid UTF-8 replaced by U+FFFD, U+2028 and U+2029 escaped
// (as encoding/json does), everything else verbatim.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c == '\n':
				b = append(b, '\\', 'n')
			case c == '\r':
				b = append(b, '\\', 'r')
			case c == '\t':
				b = append(b, '\\', 't')
			case c < 0x20:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			// escaped by encoding/json too (JavaScript line terminators)
			b = append(b, `\u202`...)
			b = append(b, hexDigits[r&0xf])
		default:
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}

// appendFloat appends x in the shortest round-trip form, as encoding/json
// writes float64 values. x must be finite.
func appendFloat(b []byte, x float64) []byte {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		panic("schedule: appendFloat of a non-finite value")
	}
	abs := math.Abs(x)
	format := byte('f')
	if abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, x, format, -1, 64)
	if format == 'e' {
		// clean up e-09 to e-9, as encoding/json does
		n := len(b)
		if n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b
}

// appendDay appends a day as "2006-01-02", or "" for NoDay.
func appendDay(b []byte, d Day) []byte {
	if d == NoDay {
		return append(b, '"', '"')
	}
	b = append(b, '"')
	b = d.Time().AppendFormat(b, "2006-01-02")
	return append(b, '"')
}

func hexSum(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}
