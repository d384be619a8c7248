package recordio

import (
	"bytes"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/firedraw/firedraw/risk"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// sampleRecords returns a small set of records using every field,
// including Chinese text and values that need CSV quoting.
func sampleRecords() *risk.Records {
	t0 := time.Date(2026, 3, 1, 8, 30, 0, 0, time.UTC)
	return &risk.Records{
		Units: []risk.Unit{
			{ID: "91330106MA2B0001X1", Name: "老王烧烤店", Category: risk.NineSmallPlaces, District: "西湖区",
				CrowdedPlace: true, HasLocation: true, Lat: 30.25, Lon: 120.125,
				Attrs: []risk.Attr{{Name: "construction", Text: "砖混"}, {Name: "floor_area", Numeric: true, Num: 85.5}}},
			{ID: "U2", Name: `Acme, "Ltd"`, Category: risk.Industrial, District: "滨江区", KeyUnit: true, HighFireRisk: true,
				Attrs: []risk.Attr{{Name: "floors", Numeric: true, Num: 1e6}}},
			{ID: "U3", Category: risk.OtherCategory, District: "西湖区"},
		},
		Telemetry: []risk.TelemetryEvent{
			{UnitID: "91330106MA2B0001X1", DeviceID: "D1", DeviceType: risk.SmokeDetector, Time: t0, Kind: risk.FireAlarm},
			{UnitID: "U2", DeviceID: "P-7", DeviceType: risk.WaterPressureSensor, Time: t0.Add(1500 * time.Millisecond),
				Kind: risk.PressureLow, HasValue: true, Value: 0.05, Measure: "MPa"},
			{UnitID: "U2", DeviceID: "T-1", DeviceType: risk.CableTemperatureMonitor, Time: t0.Add(time.Hour),
				Kind: risk.TemperatureHigh, HasValue: true, Value: -3, Measure: "°C"},
		},
		Incidents: []risk.Incident{
			{UnitID: "U2", Time: t0, Type: risk.Fire, HasLoss: true, Loss: 12000, Casualties: 1},
			{UnitID: "U3", Time: t0.Add(24 * time.Hour), Type: risk.FalseAlarmIncident},
		},
		Inspections: []risk.Inspection{
			{ID: "I1", UnitID: "U2", Date: day(2025, 6, 3), Inspectors: []string{"P1", "P2"}, Result: risk.Fail, Reason: risk.RandomDraw,
				Violations: []risk.Violation{
					{Code: "疏散通道堵塞", Severity: risk.Major, Deadline: day(2025, 6, 10), Rectified: day(2025, 6, 9)},
					{Code: "V-02", Severity: risk.Minor},
				}},
			{ID: "I2", UnitID: "91330106MA2B0001X1", Date: day(2025, 7, 1), Inspectors: []string{"P2"}, Result: risk.Pass, Reason: risk.Complaint},
		},
		Credit: []risk.CreditRecord{
			{UnitID: "U2", Grade: risk.GradeC, Dishonest: true, Penalties: 2, AsOf: day(2025, 12, 31)},
			{UnitID: "U3", Grade: risk.GradeA, AsOf: day(2025, 12, 31)},
		},
		Inspectors: []risk.Inspector{
			{ID: "P1", Name: "张伟", Certificate: "ZF-001", Department: "西湖大队", Districts: []string{"西湖区", "滨江区"},
				Categories: []risk.Category{risk.NineSmallPlaces, risk.Industrial}, MaxPerRound: 12,
				Leave:     []time.Time{day(2026, 3, 1), day(2026, 3, 2), day(2026, 3, 3), day(2026, 4, 1)},
				Conflicts: []string{"U3"}},
			{ID: "P2", Name: "Li", Districts: []string{"滨江区"}, Categories: []risk.Category{risk.Industrial}},
		},
	}
}

func TestWriteCSVBytes(t *testing.T) {
	r := sampleRecords()
	for _, tc := range []struct {
		name  string
		write func(*bytes.Buffer) error
		want  string
	}{
		{"units", func(b *bytes.Buffer) error { return WriteUnitsCSV(b, r.Units) },
			"id,name,category,district,key_unit,crowded_place,high_fire_risk,lat,lon,construction,floor_area,floors\n" +
				"91330106MA2B0001X1,老王烧烤店,nine-small-places,西湖区,false,true,false,30.25,120.125,砖混,85.5,\n" +
				"U2,\"Acme, \"\"Ltd\"\"\",industrial,滨江区,true,false,true,,,,,1e+06\n" +
				"U3,,other,西湖区,false,false,false,,,,,\n"},
		{"telemetry", func(b *bytes.Buffer) error { return WriteTelemetryCSV(b, r.Telemetry) },
			"unit_id,device_id,device_type,time,kind,value,measure\n" +
				"91330106MA2B0001X1,D1,smoke,2026-03-01T08:30:00Z,fire-alarm,,\n" +
				"U2,P-7,water-pressure-sensor,2026-03-01T08:30:01.5Z,pressure-low,0.05,MPa\n" +
				"U2,T-1,cable-temperature-monitor,2026-03-01T09:30:00Z,temperature-high,-3,°C\n"},
		{"incidents", func(b *bytes.Buffer) error { return WriteIncidentsCSV(b, r.Incidents) },
			"unit_id,time,type,loss,casualties\n" +
				"U2,2026-03-01T08:30:00Z,fire,12000,1\n" +
				"U3,2026-03-02T08:30:00Z,false-alarm,,0\n"},
		{"inspections", func(b *bytes.Buffer) error { return WriteInspectionsCSV(b, r.Inspections) },
			"inspection_id,unit_id,date,inspectors,result,reason,code,severity,deadline,rectified\n" +
				"I1,U2,2025-06-03,P1;P2,fail,random,疏散通道堵塞,major,2025-06-10,2025-06-09\n" +
				"I1,U2,2025-06-03,P1;P2,fail,random,V-02,minor,,\n" +
				"I2,91330106MA2B0001X1,2025-07-01,P2,pass,complaint,,,,\n"},
		{"credit", func(b *bytes.Buffer) error { return WriteCreditCSV(b, r.Credit) },
			"unit_id,grade,dishonest,penalties,as_of\n" +
				"U2,C,true,2,2025-12-31\n" +
				"U3,A,false,0,2025-12-31\n"},
		{"inspectors", func(b *bytes.Buffer) error { return WriteInspectorsCSV(b, r.Inspectors) },
			"id,name,certificate,department,districts,categories,max_per_round,leave,conflicts\n" +
				"P1,张伟,ZF-001,西湖大队,西湖区;滨江区,nine-small-places;industrial,12,2026-03-01..2026-03-03;2026-04-01,U3\n" +
				"P2,Li,,,滨江区,industrial,0,,\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			require.NoError(t, tc.write(&b))
			assert.Equal(t, tc.want, b.String())
		})
	}
}

func TestWriteJSONLBytes(t *testing.T) {
	r := sampleRecords()
	for _, tc := range []struct {
		name  string
		write func(*bytes.Buffer) error
		want  string
	}{
		{"units", func(b *bytes.Buffer) error { return WriteUnitsJSONL(b, r.Units[:2]) },
			`{"id":"91330106MA2B0001X1","name":"老王烧烤店","category":"nine-small-places","district":"西湖区","key_unit":false,"crowded_place":true,"high_fire_risk":false,"lat":30.25,"lon":120.125,"attrs":{"construction":"砖混","floor_area":85.5}}` + "\n" +
				`{"id":"U2","name":"Acme, \"Ltd\"","category":"industrial","district":"滨江区","key_unit":true,"crowded_place":false,"high_fire_risk":true,"attrs":{"floors":1e+06}}` + "\n"},
		{"telemetry", func(b *bytes.Buffer) error { return WriteTelemetryJSONL(b, r.Telemetry[:2]) },
			`{"unit_id":"91330106MA2B0001X1","device_id":"D1","device_type":"smoke","time":"2026-03-01T08:30:00Z","kind":"fire-alarm"}` + "\n" +
				`{"unit_id":"U2","device_id":"P-7","device_type":"water-pressure-sensor","time":"2026-03-01T08:30:01.5Z","kind":"pressure-low","value":0.05,"measure":"MPa"}` + "\n"},
		{"incidents", func(b *bytes.Buffer) error { return WriteIncidentsJSONL(b, r.Incidents) },
			`{"unit_id":"U2","time":"2026-03-01T08:30:00Z","type":"fire","loss":12000,"casualties":1}` + "\n" +
				`{"unit_id":"U3","time":"2026-03-02T08:30:00Z","type":"false-alarm","casualties":0}` + "\n"},
		{"inspections", func(b *bytes.Buffer) error { return WriteInspectionsJSONL(b, r.Inspections) },
			`{"inspection_id":"I1","unit_id":"U2","date":"2025-06-03","inspectors":["P1","P2"],"result":"fail","reason":"random","violations":[{"code":"疏散通道堵塞","severity":"major","deadline":"2025-06-10","rectified":"2025-06-09"},{"code":"V-02","severity":"minor"}]}` + "\n" +
				`{"inspection_id":"I2","unit_id":"91330106MA2B0001X1","date":"2025-07-01","inspectors":["P2"],"result":"pass","reason":"complaint","violations":[]}` + "\n"},
		{"credit", func(b *bytes.Buffer) error { return WriteCreditJSONL(b, r.Credit[:1]) },
			`{"unit_id":"U2","grade":"C","dishonest":true,"penalties":2,"as_of":"2025-12-31"}` + "\n"},
		{"inspectors", func(b *bytes.Buffer) error { return WriteInspectorsJSONL(b, r.Inspectors) },
			`{"id":"P1","name":"张伟","certificate":"ZF-001","department":"西湖大队","districts":["西湖区","滨江区"],"categories":["nine-small-places","industrial"],"max_per_round":12,"leave":["2026-03-01..2026-03-03","2026-04-01"],"conflicts":["U3"]}` + "\n" +
				`{"id":"P2","name":"Li","certificate":"","department":"","districts":["滨江区"],"categories":["industrial"],"max_per_round":0,"leave":[],"conflicts":[]}` + "\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			require.NoError(t, tc.write(&b))
			assert.Equal(t, tc.want, b.String())
		})
	}
}

func TestWriteRejects(t *testing.T) {
	for _, tc := range []struct {
		name  string
		write func(*bytes.Buffer) error
		want  error
	}{
		{"NaN attr", func(b *bytes.Buffer) error {
			return WriteUnitsCSV(b, []risk.Unit{{ID: "u", Attrs: []risk.Attr{{Name: "a", Numeric: true, Num: math.NaN()}}}})
		}, risk.ErrBadNumber},
		{"attr named like a column", func(b *bytes.Buffer) error {
			return WriteUnitsJSONL(b, []risk.Unit{{ID: "u", Attrs: []risk.Attr{{Name: "district", Text: "x"}}}})
		}, risk.ErrMalformed},
		{"repeated attr", func(b *bytes.Buffer) error {
			return WriteUnitsCSV(b, []risk.Unit{{ID: "u", Attrs: []risk.Attr{{Name: "a", Text: "x"}, {Name: "a", Text: "y"}}}})
		}, risk.ErrMalformed},
		{"infinite lat", func(b *bytes.Buffer) error {
			return WriteUnitsJSONL(b, []risk.Unit{{ID: "u", HasLocation: true, Lat: math.Inf(1)}})
		}, risk.ErrBadNumber},
		{"NaN value", func(b *bytes.Buffer) error {
			return WriteTelemetryCSV(b, []risk.TelemetryEvent{{UnitID: "u", HasValue: true, Value: math.NaN()}})
		}, risk.ErrBadNumber},
		{"NaN loss", func(b *bytes.Buffer) error {
			return WriteIncidentsJSONL(b, []risk.Incident{{UnitID: "u", HasLoss: true, Loss: math.NaN()}})
		}, risk.ErrBadNumber},
		{"inspector ID with ;", func(b *bytes.Buffer) error {
			return WriteInspectionsCSV(b, []risk.Inspection{{ID: "i", Inspectors: []string{"a;b"}}})
		}, risk.ErrMalformed},
		{"empty conflict", func(b *bytes.Buffer) error {
			return WriteInspectorsCSV(b, []risk.Inspector{{ID: "p", Districts: []string{"d"}, Categories: []risk.Category{risk.School}, Conflicts: []string{""}}})
		}, risk.ErrMalformed},
		{"unit ID not normal", func(b *bytes.Buffer) error {
			return WriteUnitsCSV(b, []risk.Unit{{ID: " U1"}})
		}, risk.ErrMalformed},
		{"credit code in lower case", func(b *bytes.Buffer) error {
			return WriteCreditJSONL(b, []risk.CreditRecord{{UnitID: "91350100m000100y43"}})
		}, risk.ErrMalformed},
		{"device ID with NUL", func(b *bytes.Buffer) error {
			return WriteTelemetryCSV(b, []risk.TelemetryEvent{{UnitID: "U1", DeviceID: "D\x001"}})
		}, risk.ErrMalformed},
		{"full-width inspector", func(b *bytes.Buffer) error {
			return WriteInspectionsJSONL(b, []risk.Inspection{{ID: "I1", UnitID: "U1", Inspectors: []string{"Ｐ１"}}})
		}, risk.ErrMalformed},
		{"count over 2^31-1", func(b *bytes.Buffer) error {
			n := math.MaxInt32
			n++ // wraps to a negative on 32-bit: refused as well
			return WriteIncidentsCSV(b, []risk.Incident{{UnitID: "U1", Casualties: n}})
		}, risk.ErrBadNumber},
		{"empty districts", func(b *bytes.Buffer) error {
			return WriteInspectorsCSV(b, []risk.Inspector{{ID: "p", Categories: []risk.Category{risk.School}}})
		}, risk.ErrMissingValue},
		{"empty categories", func(b *bytes.Buffer) error {
			return WriteInspectorsJSONL(b, []risk.Inspector{{ID: "p", Districts: []string{"d"}}})
		}, risk.ErrMissingValue},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			err := tc.write(&b)
			require.Error(t, err)
			assert.ErrorIs(t, err, tc.want)
		})
	}
}

type failWriter struct{ n int }

func (f *failWriter) Write(p []byte) (int, error) {
	if f.n -= len(p); f.n < 0 {
		return 0, errors.New("disk full")
	}
	return len(p), nil
}

func TestTelemetryCSVWriter(t *testing.T) {
	var b bytes.Buffer
	tw := NewTelemetryCSVWriter(&b)
	require.NoError(t, tw.Flush())
	assert.Equal(t, strings.Join(telemetryTable.colNames(), ",")+"\n", b.String(), "an empty stream still has its header")

	tw = NewTelemetryCSVWriter(&failWriter{n: 100})
	ev := sampleRecords().Telemetry[1]
	var err error
	for range 10000 {
		if err = tw.Write(&ev); err != nil {
			break
		}
	}
	require.Error(t, err)
	assert.Equal(t, err, tw.Flush(), "the first error sticks")
}
