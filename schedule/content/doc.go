// Package content says what an inspection checks and how: the items of
// the catalogue a task focuses on (from the unit's own risk reasons and
// alerts), how much of the catalogue its risk level adds (the scope),
// the method (on site, remote, document review, joint), and which units
// changed level between two rounds and why.
//
//	profiles := content.Profiles(units, scores, levels, 5) // reasons from risk.Scores.TopReasons
//	var p content.Policy                                    // defaults: catalogue, focus rules, scope, methods
//	c, err := p.Content(&profiles[i])
//	fmt.Println(c.Method, c.FocusCodes(), c.Checks[0].WhyEN)
//	changes, err := content.LevelChanges(lastRound, thisRound, rec)
//	tp := content.TargetPolicy{Since: prevAsOf}              // which alerts make targeted inspections
//	targets := tp.Targets(alertReport)
//
// # Catalogue
//
// The items follow the Ministry of Public Security's 《消防监督检查规定》
// (order No. 120), article 10 (every unit) and article 11 (key units):
// acceptance or filing and use, the responsibility system, rules, plans
// and patrols, fire systems and their maintenance (alarm, sprinklers and
// water supply, smoke control, emergency lighting and signs,
// extinguishers and hydrants, IoT monitoring), electrical wiring and gas
// lines, evacuation routes, exits and fire lanes, compartments and
// separation, the control room on duty, training and drills, and the
// rectification of earlier violations. It ships as catalogue.csv
// (embedded); [LoadCatalogue] reads a replacement.
//
// # Focus, scope and method
//
// [DefaultFocusRules] maps reasons to items (many faults or offline
// devices → the alarm system and its maintenance; low water pressure →
// sprinklers and water supply; electrical alarms → wiring; open
// violations → their rectification; the dishonesty list or penalties →
// the responsibility system; an alert → the items of its rule), each
// item with why, in Chinese and English. [Scope] adds groups by level:
// focus and a base set at Low, the full checklist at High.
// [MethodPolicy] documents the method rules and [Healthy] the telemetry
// coverage a remote check needs.
//
// # Targets
//
// [TargetPolicy] chooses the alerts that make targeted inspections
// outside the random draw (by default: serious or worse, of
// [DefaultTargetRules], raised since the previous round, an episode still
// open at the as-of time) and why fault-unresolved alerts are left to the
// risk features.
//
// # Conventions
//
// Policies are struct literals whose zero values are the documented
// defaults. Nothing reads the clock: dates come from the records and
// the rounds. Outputs are in catalogue order or by unit ID.
package content
