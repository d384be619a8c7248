package risk

import (
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestExtractTelemetryIDStrings checks that the telemetry features do
// not depend on how the ID strings are stored: shared by the events of a
// unit or device (as loaders do), a fresh copy per event (the events of
// a unit then go to several buckets at first), or too long for a string
// token. Some events are out of time order and some at or after asOf.
func TestExtractTelemetryIDStrings(t *testing.T) {
	asOf := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	base := benchTelemetry(300, 20000, asOf, false)
	r := rand.New(rand.NewPCG(3, 3))
	for k := 0; k < 2000; k++ {
		i, j := r.IntN(len(base.Telemetry)), r.IntN(len(base.Telemetry))
		base.Telemetry[i], base.Telemetry[j] = base.Telemetry[j], base.Telemetry[i]
	}
	for k := 0; k < 500; k++ {
		base.Telemetry[r.IntN(len(base.Telemetry))].Time = asOf.Add(time.Duration(r.IntN(3)) * time.Hour)
	}
	want, err := Extract(base, asOf, FeatureConfig{})
	require.NoError(t, err)
	require.Greater(t, want.Rows(), 0)

	copies := func(id func(string) string) *Records {
		rec := &Records{Units: make([]Unit, len(base.Units)), Telemetry: make([]TelemetryEvent, len(base.Telemetry))}
		for i, u := range base.Units {
			u.ID = id(u.ID)
			rec.Units[i] = u
		}
		for i, e := range base.Telemetry {
			e.UnitID, e.DeviceID = id(e.UnitID), id(e.DeviceID)
			rec.Telemetry[i] = e
		}
		return rec
	}
	long := strings.Repeat("x", 300)
	for name, id := range map[string]func(string) string{
		"fresh": strings.Clone,
		"long":  func(s string) string { return long + s },
	} {
		t.Run(name, func(t *testing.T) {
			got, err := Extract(copies(id), asOf, FeatureConfig{})
			require.NoError(t, err)
			require.Equal(t, want.Names, got.Names)
			require.Equal(t, want.X, got.X)
		})
	}
}
