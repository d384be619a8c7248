package risk_test

import (
	"fmt"
	"time"

	"github.com/firedraw/firedraw/risk"
)

// Numbering the devices of events built in Go: Extract and package
// risk/alert then index each device's state by its number (checked
// against the IDs) instead of hashing the IDs, with the same results.
func ExampleNumberDevices() {
	t0 := time.Date(2025, 12, 1, 0, 0, 0, 0, time.UTC)
	ev := []risk.TelemetryEvent{
		{UnitID: "U1", DeviceID: "S1", Time: t0, Kind: risk.Fault},
		{UnitID: "U2", DeviceID: "S1", Time: t0.Add(time.Hour), Kind: risk.Fault},
		{UnitID: "U1", DeviceID: "S1", Time: t0.Add(2 * time.Hour), Kind: risk.Restored},
		{UnitID: "U1", DeviceID: "S2", Time: t0.Add(3 * time.Hour), Kind: risk.Offline},
	}
	n := risk.NumberDevices(ev)
	fmt.Println(n, "devices")
	for _, e := range ev {
		fmt.Println(e.UnitID, e.DeviceID, e.Device)
	}
	// Output:
	// 3 devices
	// U1 S1 1
	// U2 S1 2
	// U1 S1 1
	// U1 S2 3
}
