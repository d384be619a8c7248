package synthcity

import (
	"reflect"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestTwoPassTelemetry checks that counting first (big cities) gives the
// same events as appending directly (small cities).
func TestTwoPassTelemetry(t *testing.T) {
	cfg, err := Config{Units: 3000, Seed: 9}.normalized()
	require.NoError(t, err)
	units, lat, err := genUnits(cfg, districtNames(cfg.Districts))
	require.NoError(t, err)
	direct := genTelemetry(cfg, units, lat)
	saved := twoPassUnits
	twoPassUnits = 0
	defer func() { twoPassUnits = saved }()
	counted := genTelemetry(cfg, units, lat)
	require.NotEmpty(t, direct)
	require.Equal(t, len(direct), cap(counted), "the first pass counts exactly")
	require.True(t, reflect.DeepEqual(direct, counted))
}
