package train

import (
	"time"

	"github.com/firedraw/firedraw/risk"
)

// A copy of the fixture city of risk's features_test.go.

var fxAsOf = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

func daysBefore(d float64) time.Time { return fxAsOf.Add(-time.Duration(d * 24 * float64(time.Hour))) }

// fixtureRecords is a hand-built city of three units: U1 with telemetry
// and credit, U2 with inspections only, U3 with only attributes and
// incidents.
func fixtureRecords() *risk.Records {
	h := time.Hour
	ev := func(dev string, t time.Time, k risk.EventKind) risk.TelemetryEvent {
		return risk.TelemetryEvent{UnitID: "U1", DeviceID: dev, Time: t, Kind: k}
	}
	return &risk.Records{
		Units: []risk.Unit{
			{ID: "U1", Category: risk.StreetShop, District: "east", KeyUnit: true, Attrs: []risk.Attr{
				{Name: "construction", Text: "brick"}, {Name: "floor_area", Numeric: true, Num: 100}}},
			{ID: "U2", Category: risk.Industrial, District: "west", HighFireRisk: true, Attrs: []risk.Attr{
				{Name: "construction", Text: "steel"}, {Name: "floor_area", Numeric: true, Num: 300}}},
			{ID: "U3", Category: risk.School, District: "east", CrowdedPlace: true, Attrs: []risk.Attr{
				{Name: "construction", Text: "brick"}}},
		},
		Telemetry: []risk.TelemetryEvent{
			ev("D1", daysBefore(10), risk.Fault),
			ev("D1", daysBefore(10).Add(5*h), risk.Restored),
			ev("D1", daysBefore(5), risk.Fault), // still open at asOf
			ev("D2", daysBefore(3), risk.PressureLow),
			ev("D2", daysBefore(3).Add(2*h), risk.Restored),
			ev("D2", daysBefore(20), risk.FireAlarm), // out of order on purpose
		},
		Inspections: []risk.Inspection{
			{ID: "I1", UnitID: "U2", Date: daysBefore(365), Result: risk.Fail, Violations: []risk.Violation{
				{Code: "XF-301", Severity: risk.Major, Deadline: daysBefore(355)},                             // open, overdue
				{Code: "XF-102", Severity: risk.Minor, Deadline: daysBefore(335), Rectified: daysBefore(300)}, // late
			}},
			{ID: "I2", UnitID: "U2", Date: daysBefore(100), Result: risk.Pass, Reason: risk.Complaint},
		},
		Incidents: []risk.Incident{
			{UnitID: "U3", Time: daysBefore(365), Type: risk.Fire},
			{UnitID: "U3", Time: daysBefore(730), Type: risk.FalseAlarmIncident},
		},
		Credit: []risk.CreditRecord{
			{UnitID: "U1", Grade: risk.GradeB, AsOf: daysBefore(200), Penalties: 1},
			{UnitID: "U1", Grade: risk.GradeD, Dishonest: true, AsOf: daysBefore(10), Penalties: 2},
		},
	}
}
