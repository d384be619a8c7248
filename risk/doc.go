// Package risk turns fire-safety records into per-unit features, an
// explainable risk score and one of four risk levels.
//
//	rec, _, err := recordio.LoadRecords(os.DirFS("data"), files, recordio.LoadOptions{}) // or build *risk.Records
//	rec, rep, err := risk.Check(rec, asOf, risk.CheckOptions{Now: now, Locate: recordio.Locations(fsys, files)})
//	tab, err := risk.Extract(rec, asOf, risk.FeatureConfig{})      // one row of named features per unit
//	s, err := risk.DefaultModel().Score(tab)                       // probability and logit per unit
//	why := s.TopReasons(i, 3)                                      // unit i's largest contributions, in words
//	lv, err := risk.AssignLevels(rec.Units, tab, s.Prob, risk.LevelConfig{}) // Low … High, with the rule
//
// The package imports the standard library only. Reading and writing
// record files is package [github.com/firedraw/firedraw/risk/recordio];
// fitting and evaluating a model is package
// [github.com/firedraw/firedraw/risk/train] (the one user of gonum).
//
// # Records
//
// The record model has one Go type per source: [Unit] (the directory),
// [TelemetryEvent] (IoT fire devices, vocabulary of GB/T 26875.3),
// [Incident], [Inspection] with its [Violation]s, [CreditRecord] and
// [Inspector]. Every record is keyed by a unit ID string; times are
// time.Time in UTC.
//
// A bad record, from a loader of recordio or from [Extract], is a
// [*RecordError] naming the source, line, column, record ID and value and
// wrapping an exported sentinel of this package such as [ErrDuplicateID],
// so that errors.Is works.
//
// # Dates and conflicts across files
//
// [AsOf] keeps every record dated after the as-of date out of a draw: an
// error in strict mode, left out and counted in a [Report] with
// [CheckOptions.Lenient]; a record dated after today ([CheckOptions.Now])
// and a violation rectified or due before its inspection are errors in
// both modes. [Check] adds the checks no single file can make: two credit
// rows of one unit with one as_of ([ErrDuplicateID]; several as_of dates
// are a history whose latest row before asOf counts, reported), an
// inspector not in the pool ([ErrUnknownInspector]), a pass with an open
// major violation ([ErrInconsistent]), and a warning listing districts
// and categories no inspector covers. A [Locator] (recordio.Locations)
// lets their errors name the file and line.
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
// the table. [NumberDevices] numbers the telemetry's (unit, device) pairs
// in [TelemetryEvent.Device]: Extract and package risk/alert then index each
// device's state by its number, checked against the IDs, instead of hashing
// the IDs of every event; the results are the same with or without numbers.
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
// Researchers fit weights and judge them with package train.
//
// # Conventions
//
// Nothing in this package reads the clock: functions that depend on time
// take an asOf argument. Slices passed in are never modified unless a
// function's documentation says so. Values of the record types are plain
// data and safe to share between goroutines once built.
package risk
