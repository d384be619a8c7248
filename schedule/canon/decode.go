package canon

import (
	"bytes"
	"encoding"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Default and largest limits.
const (
	// DefaultMaxBytes is the size limit of a document when Limits.MaxBytes
	// is zero: 1 MiB, the bound of a manifest or a log entry.
	DefaultMaxBytes = 1 << 20
	// MaxDepth is the deepest nesting of objects and arrays accepted, and
	// the default of Limits.MaxDepth.
	MaxDepth = 32
)

// Limits bound what Unmarshal reads. The zero Limits allows
// DefaultMaxBytes and MaxDepth.
type Limits struct {
	MaxBytes int64 // largest document, in bytes, newline included
	MaxDepth int   // deepest nesting of objects and arrays, at most MaxDepth
}

func (l Limits) norm() Limits {
	if l.MaxBytes <= 0 {
		l.MaxBytes = DefaultMaxBytes
	}
	if l.MaxDepth <= 0 || l.MaxDepth > MaxDepth {
		l.MaxDepth = MaxDepth
	}
	return l
}

// Unmarshal decodes the canonical document data (a value and "\n") into
// v, which must be a non-nil pointer (Unmarshal panics otherwise). It
// accepts exactly the bytes Marshal writes for the decoded value; any other
// input returns an *Error wrapping one of the package's sentinels. v is
// reset first; on error it may hold part of the input.
func Unmarshal(data []byte, v any, lim Limits) error {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		panic(fmt.Sprintf("canon: Unmarshal into %T: want a non-nil pointer", v))
	}
	lim = lim.norm()
	if int64(len(data)) > lim.MaxBytes {
		return &Error{Offset: lim.MaxBytes, Msg: fmt.Sprintf("%d bytes, above the limit of %d", len(data), lim.MaxBytes), Kind: ErrTooLarge}
	}
	if len(data) == 0 || data[len(data)-1] != '\n' {
		return &Error{Offset: int64(len(data)), Msg: "the document does not end in one newline", Kind: ErrSyntax}
	}
	d := &decoder{data: data[:len(data)-1], lim: lim}
	elem := rv.Elem()
	c := codecOf(elem.Type())
	if c.err != nil {
		panic(c.err.Error())
	}
	elem.SetZero()
	if err := d.value(elem, c, 0); err != nil {
		return err
	}
	if d.pos != len(d.data) {
		return d.fail(ErrTrailing, "%s after the value", quote(d.data[d.pos:]))
	}
	return nil
}

// decoder reads one canonical value from data.
type decoder struct {
	data []byte
	pos  int
	base int64 // offset of data[0] in the document
	lim  Limits
	path []step
}

func (d *decoder) fail(kind error, format string, args ...any) *Error {
	steps := append([]step(nil), d.path...)
	return &Error{Offset: d.base + int64(d.pos), Path: pathString(steps), Msg: fmt.Sprintf(format, args...), Kind: kind, steps: steps}
}

func (d *decoder) peek() byte {
	if d.pos < len(d.data) {
		return d.data[d.pos]
	}
	return 0
}

func (d *decoder) literal(s string) bool {
	if bytes.HasPrefix(d.data[d.pos:], []byte(s)) {
		d.pos += len(s)
		return true
	}
	return false
}

// unexpected reports the byte at pos where a value of what was expected.
func (d *decoder) unexpected(what string) *Error {
	if d.pos >= len(d.data) {
		return d.fail(ErrSyntax, "end of input, want %s", what)
	}
	switch c := d.data[d.pos]; c {
	case ' ', '\t', '\n', '\r':
		return d.fail(ErrSyntax, "insignificant space %q, want %s", c, what)
	default:
		return d.fail(ErrSyntax, "unexpected %q, want %s", c, what)
	}
}

func (d *decoder) value(v reflect.Value, c *codec, depth int) error {
	switch c.kind {
	case kBool:
		switch {
		case d.literal("true"):
			v.SetBool(true)
		case d.literal("false"):
			v.SetBool(false)
		default:
			return d.typeError("true or false")
		}
	case kInt, kUint:
		return d.integer(v, c)
	case kFloat:
		x, err := d.float()
		if err != nil {
			return err
		}
		v.SetFloat(x)
	case kString:
		s, err := d.string()
		if err != nil {
			return err
		}
		v.SetString(s)
	case kText:
		return d.text(v, c)
	case kRaw:
		start := d.pos
		if err := d.any(depth); err != nil {
			return err
		}
		v.SetBytes(bytes.Clone(d.data[start:d.pos]))
	case kStruct:
		return d.object(v, c, depth)
	case kSlice, kArray:
		return d.array(v, c, depth)
	case kMap:
		return d.mapValue(v, c, depth)
	case kPointer:
		if d.literal("null") {
			return nil
		}
		p := reflect.New(c.elem.typ)
		if err := d.value(p.Elem(), c.elem, depth); err != nil {
			return err
		}
		v.Set(p)
	}
	return nil
}

func (d *decoder) typeError(want string) *Error {
	switch d.peek() {
	case '{', '[', '"', 't', 'f', 'n', '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		return d.fail(ErrType, "%s, want %s", quote(d.data[d.pos:min(len(d.data), d.pos+12)]), want)
	}
	return d.unexpected(want)
}

// number returns the number token at pos (not yet checked).
func (d *decoder) number() []byte {
	end := d.pos
	for end < len(d.data) {
		c := d.data[end]
		if !(c >= '0' && c <= '9' || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E') {
			break
		}
		end++
	}
	return d.data[d.pos:end]
}

func (d *decoder) integer(v reflect.Value, c *codec) error {
	tok := d.number()
	if len(tok) == 0 {
		return d.typeError("an integer")
	}
	if !canonicalInt(tok, c.kind == kInt) {
		return d.fail(ErrNumber, "%s is not a canonical integer", quote(tok))
	}
	if c.kind == kInt {
		n, err := strconv.ParseInt(string(tok), 10, 64)
		if err != nil || v.OverflowInt(n) {
			return d.fail(ErrNumber, "%s out of range for %v", quote(tok), c.typ)
		}
		v.SetInt(n)
	} else {
		n, err := strconv.ParseUint(string(tok), 10, 64)
		if err != nil || v.OverflowUint(n) {
			return d.fail(ErrNumber, "%s out of range for %v", quote(tok), c.typ)
		}
		v.SetUint(n)
	}
	d.pos += len(tok)
	return nil
}

// canonicalInt reports whether tok is -?(0|[1-9][0-9]*), not -0.
func canonicalInt(tok []byte, signed bool) bool {
	if signed && len(tok) > 1 && tok[0] == '-' {
		tok = tok[1:]
		if tok[0] == '0' {
			return false
		}
	}
	if len(tok) == 0 || len(tok) > 20 || tok[0] == '0' && len(tok) > 1 {
		return false
	}
	for _, c := range tok {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// float reads a number that must be the canonical form of a float64.
func (d *decoder) float() (float64, error) {
	tok := d.number()
	if len(tok) == 0 {
		return 0, d.typeError("a number")
	}
	x, err := parseCanonicalFloat(tok)
	if err != nil {
		return 0, d.fail(ErrNumber, "%s %s", quote(tok), err.Error())
	}
	d.pos += len(tok)
	return x, nil
}

type numberError string

func (e numberError) Error() string { return string(e) }

func parseCanonicalFloat(tok []byte) (float64, error) {
	if len(tok) > 32 { // the longest canonical float64 has 24 bytes
		return 0, numberError("is too long to be canonical")
	}
	var buf [32]byte
	x, err := strconv.ParseFloat(string(tok), 64)
	if err != nil || math.IsInf(x, 0) {
		return 0, numberError("is not a finite number")
	}
	if canon, _ := AppendFloat(buf[:0], x); !bytes.Equal(canon, tok) {
		return 0, numberError("is written " + string(canon) + " in canonical form")
	}
	return x, nil
}

// string reads a canonical string.
func (d *decoder) string() (string, error) {
	if d.peek() != '"' {
		return "", d.typeError("a string")
	}
	start := d.pos + 1
	i, escaped := start, false
	for {
		if i >= len(d.data) {
			d.pos = i
			return "", d.fail(ErrSyntax, "unterminated string")
		}
		c := d.data[i]
		switch {
		case c == '"':
			s := d.data[start:i]
			d.pos = i + 1
			if escaped {
				return unescape(s), nil
			}
			return string(s), nil
		case c == '\\':
			n := escapeLen(d.data[i:])
			if n == 0 {
				d.pos = i
				return "", d.fail(ErrString, "escape %s is not one of \\\" \\\\ \\u2028 \\u2029", quote(d.data[i:min(len(d.data), i+6)]))
			}
			escaped = true
			i += n
		case c < 0x20 || c == 0x7f:
			d.pos = i
			return "", d.fail(ErrString, "control character U+%04X", c)
		case c < utf8.RuneSelf:
			i++
		default:
			r, size := utf8.DecodeRune(d.data[i:])
			if msg := badRune(r, size); msg != "" {
				d.pos = i
				return "", d.fail(ErrString, "%s", msg)
			}
			i += size
		}
	}
}

func badRune(r rune, size int) string {
	switch {
	case r == utf8.RuneError && size == 1:
		return "invalid UTF-8"
	case r >= 0x80 && r <= 0x9f:
		return fmt.Sprintf("control character U+%04X", r)
	case r == 0x2028 || r == 0x2029:
		return fmt.Sprintf("U+%04X must be written \\u%04x", r, r)
	}
	return ""
}

// escapeLen returns the length of the canonical escape at the start of b,
// or 0.
func escapeLen(b []byte) int {
	if len(b) >= 2 && (b[1] == '"' || b[1] == '\\') {
		return 2
	}
	if bytes.HasPrefix(b, []byte(`\u2028`)) || bytes.HasPrefix(b, []byte(`\u2029`)) {
		return 6
	}
	return 0
}

func unescape(s []byte) string {
	var sb strings.Builder
	sb.Grow(len(s))
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' {
			sb.WriteByte(s[i])
			continue
		}
		if s[i+1] == 'u' {
			sb.WriteRune(0x2028 + rune(s[i+5]-'8'))
			i += 5
			continue
		}
		sb.WriteByte(s[i+1])
		i++
	}
	return sb.String()
}

// text decodes a string through encoding.TextUnmarshaler and checks that
// it re-encodes to the same text.
func (d *decoder) text(v reflect.Value, c *codec) error {
	start := d.pos
	s, err := d.string()
	if err != nil {
		return err
	}
	if err := v.Addr().Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(s)); err != nil {
		d.pos = start
		return d.fail(ErrType, "%v", err)
	}
	again, err := v.Interface().(encoding.TextMarshaler).MarshalText()
	if err != nil || string(again) != s {
		d.pos = start
		return d.fail(ErrString, "%q is written %q in canonical form", s, again)
	}
	return nil
}
