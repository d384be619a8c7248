package alert

import (
	"fmt"
	"time"
)

// Severity orders alerts: Info < Warning < Serious < Critical. The zero
// Severity is not a severity; in a [Config] it means "the default".
type Severity uint8

// Severities, in increasing order.
const (
	Info Severity = iota + 1
	Warning
	Serious
	Critical
)

var severityNames = [...]string{"", "info", "warning", "serious", "critical"}

func (s Severity) String() string {
	if int(s) < len(severityNames) && s > 0 {
		return severityNames[s]
	}
	return fmt.Sprintf("Severity(%d)", s)
}

// ParseSeverity parses "info", "warning", "serious" or "critical".
func ParseSeverity(s string) (Severity, error) {
	for i, n := range severityNames {
		if i > 0 && n == s {
			return Severity(i), nil
		}
	}
	return 0, fmt.Errorf("alert: unknown severity %q (want info, warning, serious or critical): %w", s, ErrBadConfig)
}

// Rule identifies an early-warning rule. Its String is the stable rule ID
// written in alerts and disclosures.
type Rule uint8

// The rules, in the order alerts of one unit are listed.
const (
	// RuleFire: a real fire (an incident of type fire) in the fire window.
	RuleFire Rule = iota
	// RuleFireAlarm: fire-alarm events from the unit's devices in the
	// alarm window.
	RuleFireAlarm
	// RuleOffline: a device offline, without a later restored event, for
	// longer than OfflineAfter at asOf.
	RuleOffline
	// RuleFaultUnresolved: a fault or power fault not restored for longer
	// than FaultUnresolvedAfter at asOf.
	RuleFaultUnresolved
	// RuleFaultRepeated: a device reporting FaultRepeat or more faults
	// (fault or power fault) in the fault window.
	RuleFaultRepeated
	// RuleShielded: a device shielded (屏蔽), without a later restored
	// event, for longer than ShieldedAfter at asOf.
	RuleShielded
	// RulePressureLow: water pressure low for PressureLowFor or longer in
	// one episode that was still open at asOf or ended in the pressure
	// window.
	RulePressureLow
	// RuleElectrical: a device reporting ElectricalRepeat or more
	// residual-current-high or temperature-high alarms in the electrical
	// window.
	RuleElectrical
	numRules
)

// NumRules is the number of rules.
const NumRules = int(numRules)

var ruleIDs = [...]string{"fire", "fire-alarm", "device-offline", "fault-unresolved", "fault-repeated",
	"device-shielded", "pressure-low", "electrical-repeated"}

func (r Rule) String() string {
	if int(r) < len(ruleIDs) {
		return ruleIDs[r]
	}
	return fmt.Sprintf("Rule(%d)", r)
}

// Rules returns every rule in order.
func Rules() []Rule {
	out := make([]Rule, numRules)
	for i := range out {
		out[i] = Rule(i)
	}
	return out
}

// ParseRule parses a rule ID such as "device-offline".
func ParseRule(s string) (Rule, error) {
	for i, n := range ruleIDs {
		if n == s {
			return Rule(i), nil
		}
	}
	return 0, fmt.Errorf("alert: unknown rule %q: %w", s, ErrBadConfig)
}

const day = 24 * time.Hour

// Config configures the rules. The zero Config uses every default below;
// each zero field means its default.
//
//	rule                 threshold                                 severity
//	fire                 a fire incident in the last 30 days        critical
//	fire-alarm           a fire alarm in the last 7 days            serious
//	device-offline       offline for 24 h or more                   warning
//	fault-unresolved     fault not restored for 7 days or more      serious
//	fault-repeated       5 faults from one device in 30 days        warning
//	device-shielded      shielded for 24 h or more                  serious
//	pressure-low         low water pressure for 3 days or more      serious
//	electrical-repeated  3 residual-current or cable-temperature
//	                     alarms from one device in 7 days           serious
//
// Why: a real fire always warrants a follow-up visit; a fire alarm is a
// signal an inspector must check was handled (GB 25201-2010 asks the
// control room to confirm every alarm); a day offline means the unit is
// not monitored at all; a fault left a week, a shielded detector or
// a sprinkler system without pressure disables protection; electrical
// faults cause about a third of China's fires, so repeating
// residual-current or over-temperature alarms are a precursor worth a
// visit, while repeated faults and short outages are a maintenance
// matter (warning).
type Config struct {
	FireWindow           time.Duration // zero: 30 days
	AlarmWindow          time.Duration // zero: 7 days
	OfflineAfter         time.Duration // zero: 24 h
	FaultUnresolvedAfter time.Duration // zero: 7 days
	FaultRepeat          int           // zero: 5
	FaultWindow          time.Duration // zero: 30 days
	ShieldedAfter        time.Duration // zero: 24 h
	PressureLowFor       time.Duration // zero: 3 days
	PressureWindow       time.Duration // zero: 30 days
	ElectricalRepeat     int           // zero: 3
	ElectricalWindow     time.Duration // zero: 7 days
	// Severity overrides the severity of a rule; zero entries keep the
	// default.
	Severity [NumRules]Severity
	// Off disables rules.
	Off [NumRules]bool
	// MinSeverity drops alerts below it; zero reports every alert.
	MinSeverity Severity
}

var defaultSeverity = [NumRules]Severity{Critical, Serious, Warning, Serious, Warning, Serious, Serious, Serious}

// DefaultSeverity returns the default severity of rule r.
func DefaultSeverity(r Rule) Severity { return defaultSeverity[r] }

// params are a Config with every default filled in, as nanoseconds.
type params struct {
	fireWin, alarmWin, offline, faultOpen, faultWin, shielded, pressFor, pressWin, elecWin int64
	faultRepeat, elecRepeat                                                                int
	sev                                                                                    [NumRules]Severity
	off                                                                                    [NumRules]bool
	min                                                                                    Severity
	// asOf and the start of each counting window, Unix nanoseconds (see setFrom).
	asOf, alarmFrom, faultFrom, elecFrom, pressFrom int64
}

// setFrom sets asOf and the start of the counting windows.
func (p *params) setFrom(asOf int64) {
	p.asOf = asOf
	p.alarmFrom, p.faultFrom, p.elecFrom, p.pressFrom = asOf-p.alarmWin, asOf-p.faultWin, asOf-p.elecWin, asOf-p.pressWin
}

func dur(d, def time.Duration) int64 {
	if d == 0 {
		return int64(def)
	}
	return int64(d)
}

// params validates cfg and fills in its defaults.
func (c Config) params() (params, error) {
	p := params{
		fireWin: dur(c.FireWindow, 30*day), alarmWin: dur(c.AlarmWindow, 7*day), offline: dur(c.OfflineAfter, day),
		faultOpen: dur(c.FaultUnresolvedAfter, 7*day), faultWin: dur(c.FaultWindow, 30*day),
		shielded: dur(c.ShieldedAfter, day), pressFor: dur(c.PressureLowFor, 3*day), pressWin: dur(c.PressureWindow, 30*day),
		elecWin: dur(c.ElectricalWindow, 7*day), faultRepeat: c.FaultRepeat, elecRepeat: c.ElectricalRepeat,
		off: c.Off, min: c.MinSeverity,
	}
	if p.faultRepeat == 0 {
		p.faultRepeat = 5
	}
	if p.elecRepeat == 0 {
		p.elecRepeat = 3
	}
	for _, f := range []struct {
		name string
		v    int64
	}{{"FireWindow", p.fireWin}, {"AlarmWindow", p.alarmWin}, {"OfflineAfter", p.offline},
		{"FaultUnresolvedAfter", p.faultOpen}, {"FaultWindow", p.faultWin}, {"ShieldedAfter", p.shielded},
		{"PressureLowFor", p.pressFor}, {"PressureWindow", p.pressWin}, {"ElectricalWindow", p.elecWin}} {
		if f.v < 0 {
			return p, fmt.Errorf("alert: Config.%s = %v, want ≥ 0: %w", f.name, time.Duration(f.v), ErrBadConfig)
		}
	}
	if p.faultRepeat < 0 || p.elecRepeat < 0 {
		return p, fmt.Errorf("alert: Config repeats %d, %d, want ≥ 0: %w", p.faultRepeat, p.elecRepeat, ErrBadConfig)
	}
	if c.MinSeverity > Critical {
		return p, fmt.Errorf("alert: Config.MinSeverity = %d: %w", c.MinSeverity, ErrBadConfig)
	}
	for r := range p.sev {
		switch s := c.Severity[r]; {
		case s == 0:
			p.sev[r] = defaultSeverity[r]
		case s > Critical:
			return p, fmt.Errorf("alert: Config.Severity[%s] = %d: %w", Rule(r), s, ErrBadConfig)
		default:
			p.sev[r] = s
		}
	}
	return p, nil
}

// on reports whether rule r is enabled and severe enough to report.
func (p *params) on(r Rule) bool { return !p.off[r] && p.sev[r] >= p.min }
