package recordio

import (
	"bytes"
	"errors"
	"fmt"
	"iter"
	"unicode"
	"unicode/utf8"

	"github.com/firedraw/firedraw/risk"
	"golang.org/x/text/unicode/norm"
)

// ErrBadCreditCode reports a unit ID that is not a valid unified social
// credit code (GB 32100-2015), under LoadOptions.CreditCodes.
var ErrBadCreditCode = errors.New("not a valid unified social credit code")

// NormalizeID applies the ID rule of every loader to an ID (of a unit,
// device, inspection or inspector, wherever it appears) and reports
// whether it is acceptable:
//
//  1. surrounding white space (Unicode, including U+3000 and tabs) is
//     trimmed;
//  2. an ID that still holds a control or format character (Unicode Cc
//     or Cf: NUL, DEL, zero-width and direction marks…) is refused;
//  3. the ID is brought to Unicode normalisation form NFKC, which folds
//     full-width digits and letters ("９1350100MA0000001X") to ASCII;
//  4. an ID of 18 ASCII letters and digits, the shape of a unified social
//     credit code, is upper-cased.
//
// IDs are compared after this rule, so two IDs that differ only in these
// ways are one ID (a repeated unit or inspector ID is an ErrDuplicateID
// naming both lines). Other letters keep their case.
func NormalizeID(id string) (string, error) {
	b, err := normalizeID([]byte(id))
	return string(b), err
}

// normalizeID is NormalizeID on bytes; it returns b itself when the rule
// changes nothing (the common case, kept cheap for telemetry).
func normalizeID(b []byte) ([]byte, error) {
	plain, lower := true, false
	for _, c := range b {
		if c <= ' ' || c >= 0x7f {
			plain = false
			break
		}
		lower = lower || c >= 'a' && c <= 'z'
	}
	if plain {
		if lower && len(b) == 18 && isAlnum(b) {
			return bytes.ToUpper(b), nil
		}
		return b, nil
	}
	if !utf8.Valid(b) {
		return nil, errors.New("not valid UTF-8")
	}
	b = bytes.TrimFunc(b, unicode.IsSpace)
	for _, r := range string(b) {
		if unicode.Is(unicode.Cc, r) || unicode.Is(unicode.Cf, r) {
			return nil, fmt.Errorf("control or format character U+%04X in an ID", r)
		}
	}
	b = norm.NFKC.Bytes(b)
	b = bytes.TrimFunc(b, unicode.IsSpace) // NFKC may make spaces
	if len(b) == 18 && isAlnum(b) {
		b = bytes.ToUpper(b)
	}
	return b, nil
}

func isAlnum(b []byte) bool {
	for _, c := range b {
		if !(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z') {
			return false
		}
	}
	return true
}

// creditCodeAlphabet lists the characters of a unified social credit
// code in the order of their values 0–30 (GB 32100-2015, table 1: no I,
// O, S, V, Z).
const creditCodeAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// ValidCreditCode reports whether id is a unified social credit code
// whose 18th character is the check character of GB 32100-2015: with
// the values v_i of the first 17 characters and weights w_i = 3^(i−1)
// mod 31, the check character has value 31 − (Σ v_i·w_i mod 31), or 0
// for 31.
func ValidCreditCode(id string) bool {
	if len(id) != 18 {
		return false
	}
	sum, w := 0, 1
	for i := range 17 {
		v := bytes.IndexByte([]byte(creditCodeAlphabet), id[i])
		if v < 0 {
			return false
		}
		sum += v * w
		w = w * 3 % 31
	}
	return id[17] == creditCodeAlphabet[(31-sum%31)%31]
}

// id returns the normalised, non-empty ID in column c.
func (r *row) id(c int) ([]byte, *risk.RecordError) {
	v, err := normalizeID(r.vals[c])
	if err != nil {
		return nil, &risk.RecordError{Column: r.colName(c), Value: string(r.vals[c]),
			Err: fmt.Errorf("%w: %v", risk.ErrMalformed, err)}
	}
	if len(v) == 0 {
		return nil, r.missing(c)
	}
	return v, nil
}

// idList returns the list column c with each element normalised as an ID.
func (r *row) idList(c int) ([]string, *risk.RecordError) {
	list := r.list(c)
	for i, s := range list {
		v, err := normalizeID([]byte(s))
		if err != nil {
			return nil, &risk.RecordError{Column: r.colName(c), Value: s,
				Err: fmt.Errorf("%w: %v", risk.ErrMalformed, err)}
		}
		if len(v) == 0 || bytes.IndexByte(v, listSep) >= 0 {
			// NFKC turns a full-width '；' into the separator.
			return nil, &risk.RecordError{Column: r.colName(c), Value: s,
				Err: fmt.Errorf("%w: list element is empty or contains ';' after normalisation", risk.ErrMalformed)}
		}
		list[i] = string(v)
	}
	return list, nil
}

// creditCodeErrors returns, for CreditCodes other than CreditCodeOff, an
// error for each unit whose ID is not a valid credit code, by unit index.
func creditCodeErrors(units []risk.Unit, lines []int, opt LoadOptions) iter.Seq2[int, *risk.RecordError] {
	return func(yield func(int, *risk.RecordError) bool) {
		if opt.CreditCodes == CreditCodeOff {
			return
		}
		for i := range units {
			id := units[i].ID
			if ValidCreditCode(id) {
				continue
			}
			e := &risk.RecordError{Source: opt.Source, Line: lines[i], Column: "id", RecordID: id, Value: id,
				Err: fmt.Errorf("%w: want 18 characters of %s whose last is the GB 32100-2015 check character",
					ErrBadCreditCode, creditCodeAlphabet)}
			if !yield(i, e) {
				return
			}
		}
	}
}
