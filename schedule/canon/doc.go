// Package canon is the canonical JSON codec of firedraw's public artifacts
// (disclosures, manifests, log entries, proofs): one byte form per value,
// and a strict decoder that accepts only that form.
//
//	b, err := canon.Marshal(&manifest)                  // canonical bytes, ending in "\n"
//	var m Manifest
//	err = canon.Unmarshal(b, &m, canon.Limits{MaxBytes: 1 << 20})
//	// err names the byte offset and the key path: canon: byte 412 (teams[2].size): …
//
// # The canonical form
//
//   - a struct is an object whose keys are its fields' `json` tag names, in
//     declaration order, every field present (a field tagged "-" is
//     skipped; tag options such as omitempty are not supported);
//   - a map (string keys only) is an object with keys in increasing byte
//     order; a slice or array is an array; a nil slice, map or pointer is
//     null;
//   - a float64 is written as encoding/json writes it: the shortest
//     decimal that reads back to the same float (strconv 'f' format, or
//     'e' format below 1e-6 and from 1e21 up, with the exponent's leading
//     zero removed: 1e-7, 1e+21); −0 is written 0; NaN and ±Inf are
//     errors. Integers are written in decimal. So 0.5, 1e-7 and 12 are
//     canonical; 00.5, .5, 0.50, 1e0, 1E-7, 1.0, -0 and +1 are not;
//   - a string is UTF-8 between quotes, with exactly three escapes: \" ,
//     \\ , and \u2028 / \u2029 (which encoding/json also escapes). Strings
//     holding invalid UTF-8 or a control character (U+0000–U+001F,
//     U+007F–U+009F) cannot be encoded: Marshal returns an error;
//   - a type implementing encoding.TextMarshaler is the string of its text;
//     Raw is a canonical JSON value embedded as it is;
//   - no insignificant space; a document (Marshal) ends in one "\n".
//
// The byte form is the one encoding/json writes with HTML escaping off, for
// every value canon can encode (structs without omitempty, no control
// characters in strings), so documents written before this package decode
// unchanged.
//
// # The strict decoder
//
// Unmarshal accepts exactly the bytes Marshal would write for the decoded
// value: it rejects duplicate keys, keys that differ from a field's name
// only in case, unknown and missing keys, keys out of order, every other
// number spelling, other escapes, control characters, invalid UTF-8,
// insignificant space, trailing bytes, nesting deeper than Limits.MaxDepth
// and documents larger than Limits.MaxBytes. A value decoded through
// encoding.TextUnmarshaler must re-encode (MarshalText) to the same text.
// Each error is an *Error giving the byte offset and the key path, and
// wraps one of the exported sentinels (ErrSyntax, ErrDuplicateKey, …), all
// of which wrap ErrNotCanonical.
//
// Memory is bounded by a small multiple of the input's size (MaxBytes):
// nothing is allocated in proportion to a number read from the input.
//
// # Large arrays
//
// An array of flat structs (fields of scalar kinds only: string, bool,
// integer, float64, TextMarshaler types) longer than 1 MiB, such as a
// disclosure's million unit leaves, is split at element boundaries and
// decoded on every core (GOMAXPROCS), with the same checks.
//
// Marshal and Unmarshal are safe for concurrent use.
package canon
