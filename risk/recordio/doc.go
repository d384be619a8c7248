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
// CSV loaders parse on up to four goroutines, a block of rows at a time;
// results and errors come in input order and do not depend on the number
// of goroutines. Loaders share the strings of repeated values (districts,
// measures, nearby IDs), so memory grows with distinct values.
package recordio
