// Package alert turns IoT fire-device telemetry and incidents into early
// warnings: rules that raise alerts, each with a severity, a rule ID, the
// unit, the time window, the evidence and a plain explanation in Chinese
// and English.
//
//	rep, err := alert.Evaluate(rec.Telemetry, rec.Incidents, asOf, alert.Config{})
//	for _, a := range rep.AtLeast(alert.Serious) {
//		zh, en := a.Explain()
//		fmt.Println(a.UnitID, a.Rule, a.Severity, zh, en)
//	}
//
// A service that evaluates a growing log again and again keeps an
// [Evaluator], which reuses its memory.
//
// # Rules
//
// [Config] documents each rule's threshold and default severity: a fire
// (critical), a fire alarm (serious), a device offline for a day
// (warning), a fault unresolved for 7 days (serious), 5 faults of one
// device in 30 days (warning), a device shielded for a day (serious),
// water pressure low for 3 days (serious), 3 residual-current or
// cable-temperature alarms of one device in 7 days (serious). Severities
// are ordered Info < Warning < Serious < Critical. Episodes follow the
// pairing of package risk: a fault, power fault, offline, shielded or
// pressure-low event opens an episode of its kind on its device, and the
// device's next restored event closes every open episode.
//
// # Conventions
//
// Time is a parameter: only records dated strictly before asOf count
// (as in risk.Extract); later ones are counted in [Report] and ignored.
// The alerts are sorted by unit ID and rule, their evidence by device ID,
// whatever the input order; inputs are never modified. Evaluate reads
// the events from 2 goroutines. Events numbered by risk.NumberDevices
// (every event's Device set) are evaluated faster: each device's state is
// found by its number, checked against the IDs, instead of by hashing
// the IDs; any other numbering gives the same report by the slower path.
// The package imports only the standard library and the record types of
// package risk.
package alert
