package risk

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDescribe(t *testing.T) {
	fault, _ := TelemetryRateName(Fault)
	for _, tc := range []struct {
		name string
		v, m float64
		want string
	}{
		{fault, 12, 4, "12 faults per device-month, 3× the city median"},
		{fault, 0.5, 0, "0.5 faults per device-month, city median 0"},
		{FeatCredDishonest, 1, 0, "on the serious-dishonesty list"},
		{FeatKeyUnit, 0, 1, "not a fire-safety key unit (0)"},
		{FeatCredGrade, 3, 1, "credit grade D"},
		{FeatTelShareDown, 0.25, 0.1, "25 % of devices offline or faulty, 2.5× the city median"},
		{FeatHistDaysSince, 412, 206, "412 days since the last inspection, 2× the city median"},
		{CategoryName(Warehouse), 1, 0, "category warehouse"},
		{"dist_east", 1, 0, "in district east"},
		{"attr_construction=brick", 1, 0, "construction brick"},
		{"attr_floors_missing", 1, 0, "floors not recorded"},
		{"attr_floors", 30, 3, "floors 30, 10× the city median"},
		{"hist_code_XF-3_decayed", 1.5, 0, "1.5 recent violations of code group XF-3 (time-decayed), city median 0"},
		{"mystery", 0.125, 0, "mystery = 0.125"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, Describe(tc.name, tc.v, tc.m))
		})
	}
}

func TestTopReasons(t *testing.T) {
	tab := &Table{Names: []string{"a", "b", "c"}, UnitIDs: []string{"u1", "u2", "u3"},
		X: []float64{1, 2, 3, 4, 5, 6, 7, 8, 9}}
	m := &Model{Terms: []Term{{Feature: "a", Coef: 1}, {Feature: "b", Coef: -1}, {Feature: "c", Coef: 2}}}
	s, err := m.Score(tab)
	require.NoError(t, err)
	r := s.TopReasons(1, 5)
	require.Len(t, r, 2) // b lowers the risk: not a reason
	assert.Equal(t, "c", r[0].Feature)
	assert.Equal(t, 12.0, r[0].Contribution)
	assert.Equal(t, 6.0, r[0].Median)
	assert.Equal(t, "c = 6", r[0].Text)
	assert.Equal(t, "a", r[1].Feature)
	assert.Len(t, s.TopReasons(1, 1), 1)
	assert.Empty(t, s.TopReasons(1, 0))
}
