package risk

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var fxAsOf = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

func daysBefore(d float64) time.Time { return fxAsOf.Add(-time.Duration(d * 24 * float64(time.Hour))) }

// fixtureRecords is a hand-built city of three units: U1 with telemetry
// and credit, U2 with inspections only, U3 with only attributes and
// incidents.
func fixtureRecords() *Records {
	h := time.Hour
	ev := func(dev string, t time.Time, k EventKind) TelemetryEvent {
		return TelemetryEvent{UnitID: "U1", DeviceID: dev, Time: t, Kind: k}
	}
	return &Records{
		Units: []Unit{
			{ID: "U1", Category: StreetShop, District: "east", KeyUnit: true, Attrs: []Attr{
				{Name: "construction", Text: "brick"}, {Name: "floor_area", Numeric: true, Num: 100}}},
			{ID: "U2", Category: Industrial, District: "west", HighFireRisk: true, Attrs: []Attr{
				{Name: "construction", Text: "steel"}, {Name: "floor_area", Numeric: true, Num: 300}}},
			{ID: "U3", Category: School, District: "east", CrowdedPlace: true, Attrs: []Attr{
				{Name: "construction", Text: "brick"}}},
		},
		Telemetry: []TelemetryEvent{
			ev("D1", daysBefore(10), Fault),
			ev("D1", daysBefore(10).Add(5*h), Restored),
			ev("D1", daysBefore(5), Fault), // still open at asOf
			ev("D2", daysBefore(3), PressureLow),
			ev("D2", daysBefore(3).Add(2*h), Restored),
			ev("D2", daysBefore(20), FireAlarm), // out of order on purpose
		},
		Inspections: []Inspection{
			{ID: "I1", UnitID: "U2", Date: daysBefore(365), Result: Fail, Violations: []Violation{
				{Code: "XF-301", Severity: Major, Deadline: daysBefore(355)},                             // open, overdue
				{Code: "XF-102", Severity: Minor, Deadline: daysBefore(335), Rectified: daysBefore(300)}, // late
			}},
			{ID: "I2", UnitID: "U2", Date: daysBefore(100), Result: Pass, Reason: Complaint},
		},
		Incidents: []Incident{
			{UnitID: "U3", Time: daysBefore(365), Type: Fire},
			{UnitID: "U3", Time: daysBefore(730), Type: FalseAlarmIncident},
		},
		Credit: []CreditRecord{
			{UnitID: "U1", Grade: GradeB, AsOf: daysBefore(200), Penalties: 1},
			{UnitID: "U1", Grade: GradeD, Dishonest: true, AsOf: daysBefore(10), Penalties: 2},
		},
	}
}

func col(t *testing.T, tab *Table, name string) []float64 {
	t.Helper()
	c, ok := tab.Col(name)
	require.True(t, ok, "column %q", name)
	return c
}

func TestExtractHandBuilt(t *testing.T) {
	tab, err := Extract(fixtureRecords(), fxAsOf, FeatureConfig{RareLevelShare: -1, CodePrefix: 4})
	require.NoError(t, err)
	require.NoError(t, tab.Validate())
	assert.Equal(t, []string{"U1", "U2", "U3"}, tab.UnitIDs)
	rate := func(k EventKind) string { n, _ := TelemetryRateName(k); return n }
	half := math.Exp2(-100.0 / 365)
	for _, tc := range []struct {
		name string
		want []float64
	}{
		{FeatTelMissing, []float64{0, 1, 1}},
		{FeatTelDevices, []float64{2, 0, 0}},
		// First event 20 days before asOf: one month (the floor) of 2 devices.
		{rate(Fault), []float64{1, 0, 0}},
		{rate(FireAlarm), []float64{0.5, 0, 0}},
		{rate(PressureLow), []float64{0.5, 0, 0}},
		{FeatTelTrouble, []float64{1.5, 0, 0}},
		{FeatTelShareDown, []float64{0.5, 0, 0}},
		{FeatTelRestoreHours, []float64{5, 0, 0}},
		{FeatTelPressureLowH, []float64{2, 0, 0}},
		{FeatHistMissing, []float64{1, 0, 1}},
		{FeatHistMajor, []float64{0, 0.5, 0}},
		{FeatHistMinor, []float64{0, 0.5, 0}},
		{FeatHistGeneral, []float64{0, 0, 0}},
		{FeatHistOpen, []float64{0, 1, 0}},
		{FeatHistOpenMajor, []float64{0, 1, 0}},
		{FeatHistOverdue, []float64{0, 1, 0}},
		{FeatHistDaysSince, []float64{0, 100, 0}},
		{FeatHistLastFailed, []float64{0, 0, 0}},
		{FeatHistInspections, []float64{0, 0.5 + half, 0}},
		{FeatHistComplaints, []float64{0, half, 0}},
		{FeatHistViolPerInsp, []float64{0, 1, 0}},
		{FeatHistMajorShare, []float64{0, 0.5, 0}},
		{FeatHistLateShare, []float64{0, 1, 0}},
		{"hist_code_XF-3_decayed", []float64{0, 0.5, 0}},
		{"hist_code_XF-1_decayed", []float64{0, 0.5, 0}},
		{FeatIncFire, []float64{0, 0, 0.5}},
		{FeatIncFalseAlarm, []float64{0, 0, 0.25}},
		{FeatCredMissing, []float64{0, 1, 1}},
		{FeatCredGrade, []float64{3, 0, 0}},
		{FeatCredDishonest, []float64{1, 0, 0}},
		{FeatCredPenalties, []float64{2, 0, 0}},
		{FeatKeyUnit, []float64{1, 0, 0}},
		{FeatHighFireRisk, []float64{0, 1, 0}},
		{FeatCrowdedPlace, []float64{0, 0, 1}},
		{CategoryName(StreetShop), []float64{1, 0, 0}},
		{CategoryName(School), []float64{0, 0, 1}},
		{"dist_east", []float64{1, 0, 1}},
		{"dist_west", []float64{0, 1, 0}},
		{"attr_construction=brick", []float64{1, 0, 1}},
		{"attr_construction=steel", []float64{0, 1, 0}},
		{"attr_floor_area", []float64{100, 300, 200}}, // U3: the median
		{"attr_floor_area_missing", []float64{0, 0, 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.InDeltaSlice(t, tc.want, col(t, tab, tc.name), 1e-12)
		})
	}
	_, ok := tab.Index("attr_construction_missing")
	assert.False(t, ok, "construction is never missing")

	// A unit with only attributes and incidents gets a score.
	s, err := DefaultModel().Score(tab)
	require.NoError(t, err)
	assert.Greater(t, s.Prob[2], 0.0)
}

func TestExtractOptions(t *testing.T) {
	rec := fixtureRecords()
	tab, err := Extract(rec, fxAsOf, FeatureConfig{LogAttrs: true, NoDistricts: true, HalfLife: 730 * 24 * time.Hour,
		Attrs: []string{"floor_area"}})
	require.NoError(t, err)
	assert.InDeltaSlice(t, []float64{math.Log1p(100), math.Log1p(300), (math.Log1p(100) + math.Log1p(300)) / 2},
		col(t, tab, "attr_log1p_floor_area"), 1e-12)
	assert.InDeltaSlice(t, []float64{0, 0, math.Sqrt(0.5)}, col(t, tab, FeatIncFire), 1e-12)
	assert.Empty(t, SourceColumns(tab, PrefixDistrict))
	_, ok := tab.Index("attr_construction=brick")
	assert.False(t, ok)
	// Pooling: with the default 1 % threshold nothing is rare among 3
	// units; with 50 %, "steel" (1 of 3) is pooled.
	tab, err = Extract(rec, fxAsOf, FeatureConfig{RareLevelShare: 0.5})
	require.NoError(t, err)
	assert.Equal(t, []float64{0, 1, 0}, col(t, tab, "attr_construction=other"))
	assert.Equal(t, []float64{0, 1, 0}, col(t, tab, "dist_other"))
}

// TestExtractNoLeakage adds records dated at or after asOf to every
// source: the table must not change by a single bit.
func TestExtractNoLeakage(t *testing.T) {
	rec := fixtureRecords()
	cfg := FeatureConfig{CodePrefix: 4}
	before, err := Extract(rec, fxAsOf, cfg)
	require.NoError(t, err)
	later := func(d float64) time.Time { return fxAsOf.Add(time.Duration(d * 24 * float64(time.Hour))) }
	for _, k := range EventKinds() {
		rec.Telemetry = append(rec.Telemetry, TelemetryEvent{UnitID: "U1", DeviceID: "D1", Time: later(1), Kind: k},
			TelemetryEvent{UnitID: "U2", DeviceID: "N1", Time: fxAsOf, Kind: k})
	}
	rec.Telemetry = append(rec.Telemetry, TelemetryEvent{UnitID: "U1", DeviceID: "D1", Time: later(0.1), Kind: Restored})
	rec.Inspections = append(rec.Inspections,
		Inspection{UnitID: "U1", Date: fxAsOf, Result: Fail, Reason: Complaint, Violations: []Violation{{Code: "XF-999", Severity: Major}}},
		Inspection{UnitID: "U2", Date: later(3), Result: Fail, Violations: []Violation{{Code: "XF-301", Severity: Major}}})
	// A violation rectified after asOf stays open at asOf.
	rec.Incidents = append(rec.Incidents, Incident{UnitID: "U3", Time: fxAsOf, Type: Fire},
		Incident{UnitID: "U1", Time: later(30), Type: FalseAlarmIncident})
	rec.Credit = append(rec.Credit, CreditRecord{UnitID: "U2", Grade: GradeD, Dishonest: true, AsOf: fxAsOf},
		CreditRecord{UnitID: "U1", Grade: GradeA, AsOf: later(1)})
	after, err := Extract(rec, fxAsOf, cfg)
	require.NoError(t, err)
	assert.Equal(t, before.Names, after.Names)
	assert.Equal(t, before.UnitIDs, after.UnitIDs)
	require.Equal(t, len(before.X), len(after.X))
	for k := range before.X {
		require.Equal(t, math.Float64bits(before.X[k]), math.Float64bits(after.X[k]), "value %d (%s)", k, before.Names[k%before.Cols()])
	}
	// Rectification after asOf: still open at asOf.
	rec = fixtureRecords()
	rec.Inspections[0].Violations[0].Rectified = later(1)
	again, err := Extract(rec, fxAsOf, cfg)
	require.NoError(t, err)
	assert.Equal(t, before.X, again.X)
}

// TestExtractOrderIndependent shuffles every source: the table is the same.
func TestExtractOrderIndependent(t *testing.T) {
	rec := fixtureRecords()
	// More telemetry so that both goroutines and the replay path work.
	r := rand.New(rand.NewPCG(5, 5))
	kinds := EventKinds()
	for i := 0; i < 2000; i++ {
		u := []string{"U1", "U2", "U3"}[r.IntN(3)]
		rec.Telemetry = append(rec.Telemetry, TelemetryEvent{UnitID: u, DeviceID: "D" + string(rune('0'+r.IntN(5))),
			Time: daysBefore(400 * r.Float64()).Truncate(time.Hour), Kind: kinds[r.IntN(len(kinds))]})
	}
	want, err := Extract(rec, fxAsOf, FeatureConfig{})
	require.NoError(t, err)
	for trial := 0; trial < 3; trial++ {
		r.Shuffle(len(rec.Telemetry), func(i, j int) { rec.Telemetry[i], rec.Telemetry[j] = rec.Telemetry[j], rec.Telemetry[i] })
		r.Shuffle(len(rec.Credit), func(i, j int) { rec.Credit[i], rec.Credit[j] = rec.Credit[j], rec.Credit[i] })
		r.Shuffle(len(rec.Inspections), func(i, j int) { rec.Inspections[i], rec.Inspections[j] = rec.Inspections[j], rec.Inspections[i] })
		got, err := Extract(rec, fxAsOf, FeatureConfig{})
		require.NoError(t, err)
		assert.Equal(t, want.X, got.X, "trial %d", trial)
	}
}

func TestExtractErrors(t *testing.T) {
	for _, tc := range []struct {
		name   string
		modify func(*Records)
		is     error
		text   string
	}{
		{"unknown unit telemetry", func(r *Records) { r.Telemetry[2].UnitID = "ZZ" }, ErrUnknownUnit, `"ZZ"`},
		{"unknown unit inspection", func(r *Records) { r.Inspections[1].UnitID = "ZZ" }, ErrUnknownUnit, `"ZZ"`},
		{"unknown unit incident", func(r *Records) { r.Incidents[0].UnitID = "ZZ" }, ErrUnknownUnit, `"ZZ"`},
		{"unknown unit credit", func(r *Records) { r.Credit[0].UnitID = "ZZ" }, ErrUnknownUnit, `"ZZ"`},
		{"duplicate unit", func(r *Records) { r.Units[2].ID = "U1" }, ErrDuplicateID, `"U1"`},
		{"NaN attribute", func(r *Records) { r.Units[1].Attrs[1].Num = math.NaN() }, ErrBadFeature, `"floor_area" of unit "U2"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := fixtureRecords()
			tc.modify(rec)
			_, err := Extract(rec, fxAsOf, FeatureConfig{})
			require.Error(t, err)
			assert.ErrorIs(t, err, tc.is)
			assert.Contains(t, err.Error(), tc.text)
		})
	}
}

func TestMedianOf(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 9))
	for n := 1; n < 60; n++ {
		v := make([]float64, n)
		for i := range v {
			v[i] = float64(r.IntN(7))
		}
		s := append([]float64(nil), v...)
		for i := range s { // insertion sort: the obvious reference
			for j := i; j > 0 && s[j] < s[j-1]; j-- {
				s[j], s[j-1] = s[j-1], s[j]
			}
		}
		want := s[n/2]
		if n%2 == 0 {
			want = (s[n/2-1] + s[n/2]) / 2
		}
		assert.Equal(t, want, medianOf(v), "n=%d", n)
	}
}
