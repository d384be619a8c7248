package recordio_test

import (
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/firedraw/firedraw/risk"
	"github.com/firedraw/firedraw/risk/recordio"
)

// hostileAsOf and hostileNow are the as-of date and "today" of the
// cross-file checks below.
var (
	hostileAsOf = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	hostileNow  = time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
)

// hostileCleanFiles is a small consistent directory: two units, two inspectors
// covering both districts and categories, one inspection with a rectified
// major violation, telemetry, an incident and one credit row per unit.
func hostileCleanFiles() map[string]string {
	return map[string]string{
		"units.csv": "id,name,category,district\n" +
			"U1,Shop one,street-shop,North\n" +
			"U2,Plant two,industrial,South\n",
		"inspectors.csv": "id,districts,categories\n" +
			"P1,North;South,street-shop;industrial\n" +
			"P2,North;South,street-shop;industrial\n",
		"telemetry.csv": "unit_id,device_id,device_type,time,kind\n" +
			"U1,D1,smoke,2025-06-01T10:00:00Z,fault\n" +
			"U2,D2,smoke,2025-07-01T10:00:00Z,false-alarm\n",
		"incidents.csv": "unit_id,time,type\n" +
			"U1,2025-03-01T08:00:00Z,false-alarm\n",
		"inspections.csv": "inspection_id,unit_id,date,inspectors,result,reason,code,severity,deadline,rectified\n" +
			"I1,U1,2025-05-01,P1;P2,fail,random,V1,major,2025-05-10,2025-05-08\n" +
			"I1,U1,2025-05-01,P1;P2,fail,random,V2,minor,,\n" +
			"I2,U2,2025-06-01,P2;P1,pass,random,,,,\n",
		"credit.csv": "unit_id,grade,as_of\n" +
			"U1,A,2025-01-01\n" +
			"U2,B,2025-01-01\n",
	}
}

var hostileNames = recordio.Files{Units: "units.csv", Inspectors: "inspectors.csv", Telemetry: "telemetry.csv",
	Incidents: "incidents.csv", Inspections: "inspections.csv", Credit: "credit.csv"}

// hostileCheck loads files through recordio.LoadRecords (strict) and runs
// risk.Check with recordio.Locations.
func hostileCheck(t *testing.T, files map[string]string, lenient bool) (*risk.Records, *risk.Report, error) {
	t.Helper()
	fsys := fstest.MapFS{}
	for name, text := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(text)}
	}
	recs, _, err := recordio.LoadRecords(fsys, hostileNames, recordio.LoadOptions{})
	require.NoError(t, err, "the loaders accept each file on its own")
	return risk.Check(recs, hostileAsOf, risk.CheckOptions{Lenient: lenient, Now: hostileNow, Locate: recordio.Locations(fsys, hostileNames)})
}

// hostileWith returns the clean files with the given file's text appended.
func hostileWith(name, rows string) map[string]string {
	f := hostileCleanFiles()
	f[name] += rows
	return f
}

func TestHostileCleanFilesPass(t *testing.T) {
	recs, rep, err := hostileCheck(t, hostileCleanFiles(), false)
	require.NoError(t, err)
	assert.Len(t, recs.Inspections, 2)
	assert.Empty(t, rep.Lines(), "nothing to report")
}

// TestHostileFutureDated: a record dated after the as-of date is an error
// naming file, line and field in strict mode, and is left out and
// reported in lenient mode; after today it is an error in both.
func TestHostileFutureDated(t *testing.T) {
	for _, tc := range []struct {
		name  string
		files map[string]string
		want  string // the strict error
		// afterNow: dated after today, an error in lenient mode too.
		afterNow bool
	}{
		{"inspection in 2026, after asOf", hostileWith("inspections.csv", "I9,U2,2026-06-01,P1;P2,pass,random,,,,\n"),
			`inspections.csv:5: column "date" of record "I9": value "2026-06-01": date after asOf 2026-01-01`, false},
		{"inspection in 2030", hostileWith("inspections.csv", "I9,U2,2030-06-01,P1;P2,pass,random,,,,\n"),
			`inspections.csv:5: column "date" of record "I9": value "2030-06-01": date after asOf: after today 2026-12-01`, true},
		{"violation rectified in 2031", hostileWith("inspections.csv", "I9,U2,2025-09-01,P1;P2,fail,random,V9,general,,2031-02-01\n"),
			`inspections.csv:5: column "rectified" of record "I9": value "2031-02-01": date after asOf: after today 2026-12-01`, true},
		{"telemetry in 2030", hostileWith("telemetry.csv", "U1,D1,smoke,2030-01-01T00:00:05Z,fault\n"),
			`telemetry.csv:4: column "time" of record "U1": value "2030-01-01T00:00:05Z": date after asOf: after today 2026-12-01`, true},
		{"incident after asOf", hostileWith("incidents.csv", "U2,2026-02-03T04:05:06Z,fire\n"),
			`incidents.csv:3: column "time" of record "U2": value "2026-02-03T04:05:06Z": date after asOf 2026-01-01`, false},
		{"credit as_of after asOf", hostileWith("credit.csv", "U2,D,2026-03-01\n"),
			`credit.csv:4: column "as_of" of record "U2": value "2026-03-01": date after asOf 2026-01-01`, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := hostileCheck(t, tc.files, false)
			require.ErrorIs(t, err, risk.ErrFuture)
			assert.EqualError(t, err, tc.want)

			recs, rep, err := hostileCheck(t, tc.files, true)
			if tc.afterNow {
				require.ErrorIs(t, err, risk.ErrFuture, "after today is refused in lenient mode too")
				assert.EqualError(t, err, tc.want)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, 1, rep.LeftOut)
			require.Len(t, rep.LeftOutFirst, 1)
			assert.Equal(t, tc.want, rep.LeftOutFirst[0].Error())
			require.NotEmpty(t, rep.Lines())
			assert.Contains(t, rep.Lines()[0], "left out 1 record(s) dated after the as-of date\n  "+tc.want)
			clean, _, err := hostileCheck(t, hostileCleanFiles(), false)
			require.NoError(t, err)
			assert.Equal(t, clean, recs, "the records a draw reads are those without the future row")
		})
	}
}

// TestHostileLenientReportsFirstFew: many future rows are counted, and
// the first MaxReported listed in file order.
func TestHostileLenientReportsFirstFew(t *testing.T) {
	var rows strings.Builder
	for i := range 8 {
		rows.WriteString("U1,D1,smoke,2026-02-0" + string(rune('1'+i)) + "T00:00:00Z,fault\n")
	}
	recs, rep, err := hostileCheck(t, hostileWith("telemetry.csv", rows.String()), true)
	require.NoError(t, err)
	assert.Len(t, recs.Telemetry, 2)
	assert.Equal(t, 8, rep.LeftOut)
	require.Len(t, rep.LeftOutFirst, risk.MaxReported)
	for i, e := range rep.LeftOutFirst {
		assert.Equal(t, "telemetry.csv", e.Source)
		assert.Equal(t, 4+i, e.Line)
		assert.Equal(t, "time", e.Column)
	}
	assert.Contains(t, rep.Lines()[0], "… and 3 more")
}

// TestHostileCrossFile: conflicts between files are errors naming file,
// line, field and value.
func TestHostileCrossFile(t *testing.T) {
	for _, tc := range []struct {
		name    string
		files   map[string]string
		wantErr error
		want    string
	}{
		{"duplicate credit row", hostileWith("credit.csv", "U1,D,2025-01-01\n"), risk.ErrDuplicateID,
			`credit.csv:4: column "as_of" of record "U1": value "2025-01-01": duplicate ID: a second credit row of the unit with this as_of (the first is credit.csv:2)`},
		{"unknown inspector", hostileWith("inspections.csv", "I9,U2,2025-09-01,P1;P7,pass,random,,,,\n"), risk.ErrUnknownInspector,
			`inspections.csv:5: column "inspectors" of record "I9": value "P7": inspector not in the pool`},
		{"pass with open major", hostileWith("inspections.csv", "I9,U2,2025-09-01,P1;P2,pass,random,V9,major,2025-10-01,\n"), risk.ErrInconsistent,
			`inspections.csv:5: column "result" of record "I9": value "pass": result inconsistent with its violations: pass with major violation "V9" open after the visit`},
		{"pass with major rectified later", hostileWith("inspections.csv", "I9,U2,2025-09-01,P1;P2,pass,random,V9,major,,2025-09-03\n"), risk.ErrInconsistent,
			`inspections.csv:5: column "result" of record "I9": value "pass": result inconsistent with its violations: pass with major violation "V9" open after the visit`},
		{"deadline before the visit", hostileWith("inspections.csv", "I9,U2,2025-09-01,P1;P2,fail,random,V9,minor,2025-08-01,\n"), risk.ErrBadTime,
			`inspections.csv:5: column "deadline" of record "I9": value "2025-08-01": bad timestamp: violation "V9" due before the inspection on 2025-09-01`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, lenient := range []bool{false, true} {
				_, _, err := hostileCheck(t, tc.files, lenient)
				require.ErrorIs(t, err, tc.wantErr)
				assert.EqualError(t, err, tc.want)
			}
		})
	}
}

// TestHostileCreditHistoryRule: rows of one unit with different as_of
// dates are a history; the latest before asOf is used, and reported.
func TestHostileCreditHistoryRule(t *testing.T) {
	recs, rep, err := hostileCheck(t, hostileWith("credit.csv", "U1,D,2025-06-01\n"), false)
	require.NoError(t, err)
	assert.Equal(t, 1, rep.CreditHistory)
	assert.Contains(t, rep.Lines(), "1 unit(s) have credit rows of several as_of dates: the latest before the as-of date is used")
	table, err := risk.Extract(recs, hostileAsOf, risk.FeatureConfig{})
	require.NoError(t, err)
	grades, ok := table.Col(risk.FeatCredGrade)
	require.True(t, ok)
	assert.Equal(t, []float64{3, 1}, grades, "U1's latest row (D, 2025-06-01) holds")
}

// TestHostileUncovered: districts and categories no inspector covers are
// listed in a warning.
func TestHostileUncovered(t *testing.T) {
	files := hostileWith("units.csv", "U3,Hall,crowded-place,East\nU4,Cafe,street-shop,West\n")
	_, rep, err := hostileCheck(t, files, false)
	require.NoError(t, err)
	assert.Equal(t, []string{"East", "West"}, rep.UncoveredDistricts)
	assert.Equal(t, []risk.Category{risk.CrowdedPlaceCategory}, rep.UncoveredCategories)
	assert.Equal(t, []string{
		"warning: no inspector covers district(s) East, West: their units can never be staffed",
		"warning: no inspector is qualified for categor(ies) crowded-place: their units can never be staffed",
	}, rep.Lines())

	files["inspectors.csv"] += "P3,East;West,crowded-place\n"
	_, rep, err = hostileCheck(t, files, false)
	require.NoError(t, err)
	assert.Empty(t, rep.Lines())
}
