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
// # Features, scores and levels
//
// [Extract] turns the records dated strictly before asOf into a [Table]: one
// row per unit, named columns, row-major. The columns cover telemetry rates
// per capable device-month by event kind, the share of devices down, mean
// restore hours and low-pressure hours; violation history (decayed counts by
// severity with a configurable half-life, open, open-major and overdue
// violations, days since and result of the last inspection); decayed fires
// and false alarms; credit grade as an ordinal, the dishonesty flag and
// penalties; unit flags, category, district and free attributes, with rare
// levels pooled. A missing source (no devices, never inspected, no credit
// record) sets an indicator column and neutral values, so a unit with only
// attributes and incidents still gets a row. Records after asOf never change
// the table.
//
// A [Model] is an intercept plus one readable term per feature — linear,
// log1p or quantile-binned: a generalised additive model with a logistic
// link. [Model.Score] returns each unit's probability and logit;
// [Scores.Contributions] and [Scores.TopReasons] explain one unit exactly
// and in plain words. [DefaultModel] gives documented expert weights for
// regulators without outcome data. [AssignLevels] maps scores to Low,
// General, Higher and High by thresholds or target shares (40/40/15/5 % by
// default), then applies the overrides — serious-dishonesty list ⇒ High,
// high fire risk or an open major violation ⇒ at least Higher, key unit ⇒
// at least General — and records the rule that set each level.
//
// Researchers fit weights with [Fit] (L2-regularised logistic regression,
// standardised inside, L-BFGS from gonum/optimize, deterministic; an error
// on non-convergence or on separable data without a penalty) and judge them
// with [Evaluate] (tie-aware AUC, precision, recall and lift at k, share
// captured in the top x %, Brier score, reliability bins), [CrossValidate]
// (seeded stratified k folds) and [TemporalSplit] (features at a cut date,
// outcomes after it).
//
// # Conventions
//
// Nothing in this package reads the clock: functions that depend on time
// take an asOf argument. Slices passed in are never modified unless a
// function's documentation says so. Values of the record types are plain
// data and safe to share between goroutines once built.
package risk
