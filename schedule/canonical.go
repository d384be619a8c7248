package schedule

import (
	"encoding/binary"
	"math"
	"slices"
)

// Canonical forms.
//
// A disclosure, a manifest, a log entry and a proof are written as
// canonical JSON by schedule/canon (struct fields in their declaration
// order, floats in the shortest form that reads back to the same float64,
// strings as UTF-8, one trailing newline) and read only in that form. So
// the same draw gives the same bytes on every run and machine.
//
// What is hashed — the directory's units, the pool's inspectors and the
// Merkle leaves — uses a binary canonical encoding ("canonical-binary/v1"),
// exact and cheap for millions of records:
//
//   - a string: its byte length as a big-endian uint32, then its bytes;
//   - a float64: its IEEE-754 bits, big-endian (−0 written as +0);
//   - a day: days since 1970-01-01 as a big-endian int32 (no date: −2³¹);
//   - an integer: big-endian int64; a bool: one byte, 0 or 1;
//   - an enumeration (level, category): its name, as a string;
//   - a list: its length as a big-endian uint32, then its items, sorted.
//
// Records are encoded field by field in the order their documentation
// gives, and hashed in ID order.

func appendString(b []byte, s string) []byte {
	b = binary.BigEndian.AppendUint32(b, uint32(len(s)))
	return append(b, s...)
}

func appendFloat(b []byte, x float64) []byte {
	if x == 0 {
		x = 0 // −0 → +0
	}
	return binary.BigEndian.AppendUint64(b, math.Float64bits(x))
}

func appendDay(b []byte, d Day) []byte { return binary.BigEndian.AppendUint32(b, uint32(d)) }

func appendInt(b []byte, x int) []byte { return binary.BigEndian.AppendUint64(b, uint64(int64(x))) }

func appendBool(b []byte, x bool) []byte {
	if x {
		return append(b, 1)
	}
	return append(b, 0)
}

// appendStrings appends a sorted copy of s as a list.
func appendStrings(b []byte, s []string) []byte {
	c := slices.Clone(s)
	slices.Sort(c)
	b = binary.BigEndian.AppendUint32(b, uint32(len(c)))
	for _, x := range c {
		b = appendString(b, x)
	}
	return b
}
