// Package recordio reads and writes the records of package risk: CSV and
// JSON Lines, gzipped or not, strictly or leniently.
//
//	rec, rejected, err := recordio.LoadRecords(os.DirFS("data"), recordio.Files{
//		Units: "units.csv", Telemetry: "telemetry.csv.gz", Inspections: "inspections.jsonl",
//	}, recordio.LoadOptions{Lenient: true, AsOf: asOf})
//	units, rejected, err := recordio.LoadUnits(f, recordio.LoadOptions{Source: "units.csv"})
//	rejected, err = recordio.StreamTelemetry(f, opt, func(e *risk.TelemetryEvent) error { … })
//	err = recordio.WriteUnitsCSV(w, units) // and WriteXxxCSV, WriteXxxJSONL per record type
//
// # Conventions
//
// CSV is RFC 4180, UTF-8 with an optional byte order mark; the header
// names the columns in any order. JSON Lines has one object per line with
// the CSV column names as keys. Each loader's documentation lists its
// columns, which are the same in both formats.
//
// Every row is validated; a bad row yields a *[risk.RecordError] naming
// the source, line, column, record ID and value and wrapping a sentinel of
// package risk (such as [risk.ErrDuplicateID]), so that errors.Is works.
// In strict mode a loader stops at the first bad row; in lenient mode it
// returns the good rows and every rejected row with its error, so no row
// is ever lost silently. Writers produce what the loaders read back
// unchanged, and reject values that would not round-trip (NaN, a
// separator inside a list element).
//
// # Hostile input
//
// A header or JSON key that differs from a known column only in case,
// spaces, '-' or '_' (Key_Unit, "high fire risk") is an ErrUnknownField
// with "did you mean key_unit?"; it never becomes a free attribute. A
// JSON object with a key repeated exactly or up to case is an
// ErrMalformed, as is data after the object. Every ID (of a unit, device,
// inspection or inspector, and in ID lists) follows one rule, see
// NormalizeID: white space trimmed, control and format characters
// refused, NFKC width folding, credit codes upper-cased; IDs equal after
// it are one ID. Integers are at most MaxCount (2³¹−1). An inspector's
// districts and categories must not be empty.
//
// Every reader is bounded by LoadOptions.MaxLineBytes, MaxFieldBytes,
// MaxBytes and MaxGzipRatio (ErrTooLarge); memory stays bounded on any
// input. Input starting with the gzip magic number is gunzipped. An
// Excel workbook is refused with "this is an .xlsx workbook: save it as
// CSV UTF-8", and GBK/GB18030 text with an iconv hint unless
// LoadOptions.Charset is GB18030 (ErrWrongFormat).
//
// CSV loaders parse on up to four goroutines, a block of rows at a time;
// results and errors come in input order and do not depend on the number
// of goroutines. Loaders share the strings of repeated values (districts,
// measures, nearby IDs), so memory grows with distinct values.
package recordio
