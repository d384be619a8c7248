package synthcity_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/firedraw/firedraw/risk"
	"github.com/firedraw/firedraw/risk/synthcity"
)

func TestOutcomesRoundTrip(t *testing.T) {
	want := []synthcity.Outcome{
		{UnitID: "91330102MA2XXXXX1A", Hazard: 0.123456, Fire: true, MajorViolation: false, Any: true},
		{UnitID: "西湖区老王烧烤店", Hazard: 0, Any: false},
		{UnitID: "a,\"quoted\"", Hazard: 1, MajorViolation: true, Any: true},
	}
	var buf bytes.Buffer
	require.NoError(t, synthcity.WriteOutcomesCSV(&buf, want))
	assert.True(t, strings.HasPrefix(buf.String(), "unit_id,hazard,fire,major_violation,any\n"))
	got, err := synthcity.LoadOutcomes(&buf, "o.csv")
	require.NoError(t, err)
	assert.Equal(t, want, got)

	// Columns in any order, extra columns ignored, a BOM tolerated.
	got, err = synthcity.LoadOutcomes(strings.NewReader("\uFEFFany,note,fire,major_violation,hazard,unit_id\ntrue,x,false,true,0.5,u1\n"), "o.csv")
	require.NoError(t, err)
	assert.Equal(t, []synthcity.Outcome{{UnitID: "u1", Hazard: 0.5, MajorViolation: true, Any: true}}, got)
}

func TestWriteOutcomesErrors(t *testing.T) {
	var buf bytes.Buffer
	err := synthcity.WriteOutcomesCSV(&buf, []synthcity.Outcome{{UnitID: "u", Hazard: 1.5}})
	assert.ErrorIs(t, err, risk.ErrBadNumber)
	err = synthcity.WriteOutcomesCSV(&buf, []synthcity.Outcome{{Hazard: 0.5}})
	assert.ErrorIs(t, err, risk.ErrMissingValue)
}

func TestLoadOutcomesErrors(t *testing.T) {
	const header = "unit_id,hazard,fire,major_violation,any\n"
	for _, tc := range []struct {
		name, in string
		sentinel error
		line     int
		column   string
	}{
		{"empty input", "", risk.ErrMissingColumn, 1, "unit_id"},
		{"missing column", "unit_id,hazard,fire,any\n", risk.ErrMissingColumn, 1, "major_violation"},
		{"empty unit", header + ",0.1,false,false,false\n", risk.ErrMissingValue, 2, "unit_id"},
		{"duplicate unit", header + "u,0.1,false,false,false\nu,0.2,false,false,false\n", risk.ErrDuplicateID, 3, "unit_id"},
		{"hazard NaN", header + "u,NaN,false,false,false\n", risk.ErrBadNumber, 2, "hazard"},
		{"hazard above 1", header + "u,1.01,false,false,false\n", risk.ErrBadNumber, 2, "hazard"},
		{"hazard negative", header + "u,-0.1,false,false,false\n", risk.ErrBadNumber, 2, "hazard"},
		{"hazard text", header + "u,high,false,false,false\n", risk.ErrBadNumber, 2, "hazard"},
		{"bad boolean", header + "u,0.1,maybe,false,false\n", risk.ErrMalformed, 2, "fire"},
		{"inconsistent any", header + "u,0.1,true,false,false\n", risk.ErrMalformed, 2, "any"},
		{"short row", header + "u,0.1,true\n", risk.ErrMalformed, 2, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := synthcity.LoadOutcomes(strings.NewReader(tc.in), "outcomes.csv")
			require.Error(t, err)
			assert.Nil(t, out)
			assert.ErrorIs(t, err, tc.sentinel)
			var re *risk.RecordError
			require.True(t, errors.As(err, &re))
			assert.Equal(t, "outcomes.csv", re.Source)
			assert.Equal(t, tc.line, re.Line)
			assert.Equal(t, tc.column, re.Column)
			assert.Contains(t, err.Error(), "outcomes.csv:")
		})
	}
}
