// Package risk turns fire-safety records into per-unit features, an
// explainable risk score and one of four risk levels.
//
// # Records
//
// The record model has one Go type per source: [Unit] (the directory),
// [TelemetryEvent] (IoT fire devices, vocabulary of GB/T 26875.3),
// [Incident], [Inspection] with its [Violation]s, [CreditRecord] and
// [Inspector]. Every record is keyed by a unit ID string; times are
// time.Time in UTC.
//
// Loaders read CSV (header-named columns in any order, UTF-8) and JSON
// Lines from an io.Reader. Every row is validated; a bad row yields a
// [*RecordError] naming the source, line, column, record ID and value and
// wrapping an exported sentinel such as [ErrDuplicateID], so that
// errors.Is works. In strict mode a loader stops at the first bad row; in
// lenient mode it returns the good rows and every rejected row with its
// error, so no row is ever lost silently.
//
// # Conventions
//
// Nothing in this package reads the clock: functions that depend on time
// take an asOf argument. Slices passed in are never modified unless a
// function's documentation says so. Values of the record types are plain
// data and safe to share between goroutines once built.
package risk
