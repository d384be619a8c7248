package risk_test

import (
	"fmt"
	"time"

	"github.com/firedraw/firedraw/risk"
)

// Extracting features: one row per unit, named columns; a unit without
// telemetry gets the missing indicator instead of silent zeros.
func ExampleExtract() {
	asOf := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	rec := &risk.Records{
		Units: []risk.Unit{{ID: "U1", Category: risk.StreetShop}, {ID: "U2", Category: risk.Warehouse}},
		Telemetry: []risk.TelemetryEvent{
			{UnitID: "U1", DeviceID: "S1", DeviceType: risk.SmokeDetector, Time: asOf.AddDate(0, -2, 0), Kind: risk.Fault},
			{UnitID: "U1", DeviceID: "S1", DeviceType: risk.SmokeDetector, Time: asOf.AddDate(0, -2, 1), Kind: risk.Restored},
			{UnitID: "U1", DeviceID: "S2", DeviceType: risk.SmokeDetector, Time: asOf.AddDate(0, -1, 0), Kind: risk.Offline},
		},
	}
	tab, err := risk.Extract(rec, asOf, risk.FeatureConfig{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, name := range []string{risk.FeatTelMissing, risk.FeatTelDevices, risk.FeatTelShareDown, risk.FeatTelRestoreHours} {
		c, _ := tab.Col(name)
		fmt.Printf("%-24s %v\n", name, c)
	}
	// Output:
	// tel_missing              [0 1]
	// tel_devices              [2 0]
	// tel_share_devices_down   [0.5 0]
	// tel_mean_restore_hours   [24 0]
}

// Assigning levels by target shares; the overrides lift a key unit.
func ExampleAssignLevels() {
	asOf := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	units := []risk.Unit{{ID: "a"}, {ID: "b"}, {ID: "c", KeyUnit: true}, {ID: "d"}, {ID: "e"}}
	tab, err := risk.Extract(&risk.Records{Units: units}, asOf, risk.FeatureConfig{})
	if err != nil {
		fmt.Println(err)
		return
	}
	scores := []float64{0.9, 0.5, 0.05, 0.2, 0.01}
	levels, err := risk.AssignLevels(units, tab, scores, risk.LevelConfig{Shares: [4]float64{0.4, 0.2, 0.2, 0.2}})
	if err != nil {
		fmt.Println(err)
		return
	}
	for i, l := range levels {
		fmt.Printf("%s %-7s %s\n", units[i].ID, l.Level, l.Rule)
	}
	// Output:
	// a high    score 0.9 ≥ 0.9 (top 20 %)
	// b higher  score 0.5 ≥ 0.5 (top 40 %)
	// c general override: key unit ⇒ at least general
	// d general score 0.2 ≥ 0.2 (top 60 %)
	// e low     score 0.01 below every threshold
}
