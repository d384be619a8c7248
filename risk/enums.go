package risk

import (
	"fmt"
	"strings"
)

// Category is a unit's occupancy type.
type Category uint8

// Categories of units.
const (
	Industrial Category = iota
	Warehouse
	NineSmallPlaces
	StreetShop
	HighRise
	Underground
	CrowdedPlaceCategory
	Hospital
	School
	Residential
	OtherCategory
	numCategories
)

var categoryNames = [...]string{"industrial", "warehouse", "nine-small-places", "street-shop", "high-rise",
	"underground", "crowded-place", "hospital", "school", "residential", "other"}

// Categories returns every category in order.
func Categories() []Category { return enumValues[Category](numCategories) }

func (c Category) String() string { return enumString(categoryNames[:], uint8(c), "Category") }

// ParseCategory parses a category name such as "nine-small-places".
func ParseCategory(s string) (Category, error) {
	v, err := parseEnum(categoryNames[:], s, "category")
	return Category(v), err
}

// DeviceType is the kind of IoT fire device that reported an event.
type DeviceType uint8

// Device types.
const (
	SmokeDetector DeviceType = iota
	HeatDetector
	FlameDetector
	GasDetector
	ManualCallPoint
	ResidualCurrentMonitor
	CableTemperatureMonitor
	WaterPressureSensor
	WaterLevelSensor
	Pump
	Controller
	TransmissionDevice
	numDeviceTypes
)

var deviceTypeNames = [...]string{"smoke", "heat", "flame", "gas", "manual-call-point", "residual-current-monitor",
	"cable-temperature-monitor", "water-pressure-sensor", "water-level-sensor", "pump", "controller", "transmission-device"}

// DeviceTypes returns every device type in order.
func DeviceTypes() []DeviceType { return enumValues[DeviceType](numDeviceTypes) }

func (d DeviceType) String() string { return enumString(deviceTypeNames[:], uint8(d), "DeviceType") }

// ParseDeviceType parses a device type name such as "water-pressure-sensor".
func ParseDeviceType(s string) (DeviceType, error) {
	v, err := parseEnum(deviceTypeNames[:], s, "device type")
	return DeviceType(v), err
}

// EventKind is what a telemetry event reports.
type EventKind uint8

// Event kinds.
const (
	FireAlarm EventKind = iota
	FalseAlarm
	Fault
	Shielded
	Supervisory
	Offline
	PowerFault
	PressureLow
	ResidualCurrentHigh
	TemperatureHigh
	Restored
	numEventKinds
)

var eventKindNames = [...]string{"fire-alarm", "false-alarm", "fault", "shielded", "supervisory", "offline",
	"power-fault", "pressure-low", "residual-current-high", "temperature-high", "restored"}

// EventKinds returns every event kind in order.
func EventKinds() []EventKind { return enumValues[EventKind](numEventKinds) }

func (k EventKind) String() string { return enumString(eventKindNames[:], uint8(k), "EventKind") }

// ParseEventKind parses an event kind name such as "fire-alarm".
func ParseEventKind(s string) (EventKind, error) {
	v, err := parseEnum(eventKindNames[:], s, "event kind")
	return EventKind(v), err
}

// IncidentType is the type of an incident.
type IncidentType uint8

// Incident types.
const (
	Fire IncidentType = iota
	FalseAlarmIncident
	OtherIncident
	numIncidentTypes
)

var incidentTypeNames = [...]string{"fire", "false-alarm", "other"}

func (t IncidentType) String() string {
	return enumString(incidentTypeNames[:], uint8(t), "IncidentType")
}

// ParseIncidentType parses "fire", "false-alarm" or "other".
func ParseIncidentType(s string) (IncidentType, error) {
	v, err := parseEnum(incidentTypeNames[:], s, "incident type")
	return IncidentType(v), err
}

// Result is the outcome of an inspection.
type Result uint8

// Inspection results.
const (
	Pass Result = iota
	Fail
	numResults
)

var resultNames = [...]string{"pass", "fail"}

func (r Result) String() string { return enumString(resultNames[:], uint8(r), "Result") }

// ParseResult parses "pass" or "fail".
func ParseResult(s string) (Result, error) {
	v, err := parseEnum(resultNames[:], s, "result")
	return Result(v), err
}

// Reason says why an inspection took place.
type Reason uint8

// Inspection reasons. Only RandomDraw inspections belong to the random
// regime; the others are recorded so that a round can skip units already
// visited ("one visit, many items").
const (
	RandomDraw Reason = iota
	Complaint
	Reinspection
	IncidentFollowUp
	OtherReason
	numReasons
)

var reasonNames = [...]string{"random", "complaint", "reinspection", "incident", "other"}

func (r Reason) String() string { return enumString(reasonNames[:], uint8(r), "Reason") }

// ParseReason parses "random", "complaint", "reinspection", "incident" or
// "other". The empty string parses as RandomDraw.
func ParseReason(s string) (Reason, error) {
	if s == "" {
		return RandomDraw, nil
	}
	v, err := parseEnum(reasonNames[:], s, "reason")
	return Reason(v), err
}

// Severity is the severity of a violation.
type Severity uint8

// Violation severities, in increasing order.
const (
	Minor Severity = iota
	General
	Major
	numSeverities
)

var severityNames = [...]string{"minor", "general", "major"}

func (s Severity) String() string { return enumString(severityNames[:], uint8(s), "Severity") }

// ParseSeverity parses "minor", "general" or "major".
func ParseSeverity(s string) (Severity, error) {
	v, err := parseEnum(severityNames[:], s, "severity")
	return Severity(v), err
}

// Grade is a credit grade; A is best.
type Grade uint8

// Credit grades.
const (
	GradeA Grade = iota
	GradeB
	GradeC
	GradeD
	numGrades
)

var gradeNames = [...]string{"A", "B", "C", "D"}

func (g Grade) String() string { return enumString(gradeNames[:], uint8(g), "Grade") }

// ParseGrade parses "A", "B", "C" or "D" (case-insensitive).
func ParseGrade(s string) (Grade, error) {
	v, err := parseEnum(gradeNames[:], strings.ToUpper(s), "grade")
	return Grade(v), err
}

// Level is a unit's risk level, the four classes of classified
// supervision. Levels are ordered: Low < LevelGeneral < Higher < High.
type Level uint8

// Risk levels.
const (
	Low Level = iota
	LevelGeneral
	Higher
	High
	numLevels
)

// NumLevels is the number of risk levels.
const NumLevels = int(numLevels)

var levelNames = [...]string{"low", "general", "higher", "high"}

// Levels returns every level from Low to High.
func Levels() []Level { return enumValues[Level](numLevels) }

func (l Level) String() string { return enumString(levelNames[:], uint8(l), "Level") }

// ParseLevel parses "low", "general", "higher" or "high" (case-insensitive).
func ParseLevel(s string) (Level, error) {
	v, err := parseEnum(levelNames[:], strings.ToLower(s), "level")
	return Level(v), err
}

func enumValues[T ~uint8](n T) []T {
	out := make([]T, n)
	for i := range out {
		out[i] = T(i)
	}
	return out
}

func enumString(names []string, v uint8, typ string) string {
	if int(v) < len(names) {
		return names[v]
	}
	return fmt.Sprintf("%s(%d)", typ, v)
}

func parseEnum(names []string, s, what string) (uint8, error) {
	for i, n := range names {
		if n == s {
			return uint8(i), nil
		}
	}
	return 0, fmt.Errorf("%w: unknown %s %q (want one of %s)", ErrBadEnum, what, s, strings.Join(names, ", "))
}
