package risk

import "time"

// Unit is one supervised unit of the directory: a factory, a shop, a
// building. ID is any non-empty string, typically the 18-character unified
// social credit code.
type Unit struct {
	ID       string
	Name     string
	Category Category
	District string

	// KeyUnit marks a fire-safety key unit (消防安全重点单位).
	KeyUnit bool
	// CrowdedPlace marks a crowded place (人员密集场所), whatever the
	// category.
	CrowdedPlace bool
	// HighFireRisk marks a unit with a high fire risk (火灾高危单位).
	HighFireRisk bool

	// HasLocation reports whether Lat and Lon are set (WGS-84 degrees).
	HasLocation bool
	Lat, Lon    float64

	// Attrs holds the free attributes: every extra CSV column (or every key
	// of the JSON "attrs" object), sorted by name. A missing value is simply
	// absent from the slice.
	Attrs []Attr
}

// Attr is one free attribute of a unit: numeric (floor area, floors, year
// built, occupants…) or categorical (construction type…).
type Attr struct {
	Name string
	// Numeric reports whether the value is Num; otherwise it is Text.
	Numeric bool
	Num     float64
	Text    string
}

// Attr returns the attribute with the given name and whether it exists.
func (u *Unit) Attr(name string) (Attr, bool) {
	for _, a := range u.Attrs {
		if a.Name == name {
			return a, true
		}
	}
	return Attr{}, false
}

// TelemetryEvent is one event reported by an IoT fire device.
type TelemetryEvent struct {
	UnitID     string
	DeviceID   string
	DeviceType DeviceType
	// Device optionally numbers the event's (UnitID, DeviceID) pair: the
	// events of one pair share a number in 1…len(events), different
	// pairs have different numbers, and 0 means not numbered.
	// [NumberDevices] sets it, as LoadTelemetry of package risk/recordio
	// does. It is a hint only: [Extract] and package risk/alert check it
	// against the IDs and, if any event of a log is unnumbered or
	// numbered otherwise, take a slower path with the same results.
	Device uint32
	Time   time.Time
	Kind   EventKind
	// HasValue reports whether Value (in Measure, e.g. "MPa", "mA", "°C")
	// was reported.
	HasValue bool
	Value    float64
	Measure  string
}

// Incident is a fire, a false alarm or another call-out at a unit.
type Incident struct {
	UnitID string
	Time   time.Time
	Type   IncidentType
	// HasLoss reports whether Loss (direct loss, yuan) was recorded.
	HasLoss    bool
	Loss       float64
	Casualties int
}

// Inspection is one visit to a unit and what it found.
type Inspection struct {
	// ID identifies the inspection; violations of one inspection share it.
	ID     string
	UnitID string
	Date   time.Time
	// Inspectors lists the inspector IDs; the first is the lead.
	Inspectors []string
	Result     Result
	// Reason says why the unit was visited: a random draw or something else
	// (complaint, re-inspection, incident follow-up).
	Reason     Reason
	Violations []Violation
}

// Violation is one finding of an inspection.
type Violation struct {
	Code     string
	Severity Severity
	// Deadline is the rectification deadline (zero if none was set).
	Deadline time.Time
	// Rectified is the date the violation was rectified; zero means open.
	Rectified time.Time
}

// Open reports whether the violation was still unrectified at asOf.
func (v Violation) Open(asOf time.Time) bool {
	return v.Rectified.IsZero() || v.Rectified.After(asOf)
}

// CreditRecord is a unit's credit standing as of a date.
type CreditRecord struct {
	UnitID string
	Grade  Grade
	// Dishonest marks a unit on the serious-dishonesty list (严重失信名单).
	Dishonest bool
	Penalties int
	AsOf      time.Time
}

// Inspector is a member of the inspection pool.
type Inspector struct {
	ID          string
	Name        string
	Certificate string // enforcement certificate number
	Department  string
	Districts   []string
	Categories  []Category
	// MaxPerRound caps the inspections the inspector joins in one round;
	// zero means no cap.
	MaxPerRound int
	// Leave lists days (UTC midnight) the inspector is unavailable.
	Leave []time.Time
	// Conflicts lists unit IDs with a declared conflict of interest.
	Conflicts []string
}

// Records bundles every source for one directory. Any slice may be empty:
// a city with only units and incidents still gets features and scores.
type Records struct {
	Units       []Unit
	Telemetry   []TelemetryEvent
	Incidents   []Incident
	Inspections []Inspection
	Credit      []CreditRecord
	Inspectors  []Inspector
}
