package synthcity_test

import (
	"math"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/firedraw/firedraw/risk"
	"github.com/firedraw/firedraw/risk/synthcity"
)

// auc is the Mann–Whitney AUC of scores against labels, ties counted
// half (computed here so that the test does not depend on package risk's
// evaluation code).
func auc(t *testing.T, s []float64, y []bool) float64 {
	t.Helper()
	idx := make([]int, len(s))
	for i := range idx {
		idx[i] = i
	}
	sort.Slice(idx, func(a, b int) bool { return s[idx[a]] < s[idx[b]] })
	var rankSum, pos float64
	for i := 0; i < len(idx); {
		j := i
		for j < len(idx) && s[idx[j]] == s[idx[i]] {
			j++
		}
		for k := i; k < j; k++ {
			if y[idx[k]] {
				rankSum += float64(i+j+1) / 2 // mean 1-based rank of the tie block
				pos++
			}
		}
		i = j
	}
	neg := float64(len(s)) - pos
	require.Positive(t, pos)
	require.Positive(t, neg)
	return (rankSum - pos*(pos+1)/2) / (pos * neg)
}

func TestAUCHelper(t *testing.T) {
	assert.InDelta(t, 1.0, auc(t, []float64{0.1, 0.2, 0.8, 0.9}, []bool{false, false, true, true}), 1e-12)
	assert.InDelta(t, 0.0, auc(t, []float64{0.9, 0.8, 0.2, 0.1}, []bool{false, false, true, true}), 1e-12)
	assert.InDelta(t, 0.5, auc(t, []float64{0.5, 0.5, 0.5, 0.5}, []bool{false, true, false, true}), 1e-12)
	assert.InDelta(t, 0.75, auc(t, []float64{0.1, 0.3, 0.2, 0.4}, []bool{false, false, true, true}), 1e-12)
}

// TestDefaultStructure checks the shape of the default city against the
// targets of the package documentation. Bands are wide enough for any
// seed of a 5,000-unit city (binomial SD of a 5 % share is 0.3 points).
func TestDefaultStructure(t *testing.T) {
	c := synthcity.Default()
	n := len(c.Units)
	require.Equal(t, synthcity.DefaultUnits, n)
	require.Len(t, c.Outcomes, n)
	assert.Equal(t, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), c.AsOf)

	idRE := regexp.MustCompile(`^9[12]33\d{12}[0-9A-Z]{2}$`)
	ids := map[string]int{}
	cats := map[risk.Category]int{}
	districts := map[string]int{}
	var key, crowded, hfr int
	for i, u := range c.Units {
		if _, dup := ids[u.ID]; dup || !idRE.MatchString(u.ID) {
			t.Fatalf("bad or duplicate ID %q", u.ID)
		}
		ids[u.ID] = i
		cats[u.Category]++
		districts[u.District]++
		key += b2i(u.KeyUnit)
		crowded += b2i(u.CrowdedPlace)
		hfr += b2i(u.HighFireRisk)
		if u.Name == "" || !u.HasLocation || math.Abs(u.Lat-30.27) > 0.3 || math.Abs(u.Lon-120.16) > 0.3 || len(u.Attrs) != 6 {
			t.Fatalf("unit %+v", u)
		}
		for _, name := range []string{"floor_area", "floors", "occupants", "sprinklers", "year_built"} {
			if a, ok := u.Attr(name); !ok || !a.Numeric || !(a.Num >= 0) {
				t.Fatalf("attribute %s of %+v", name, u)
			}
		}
		if a, _ := u.Attr("construction"); !slices.Contains([]string{"reinforced-concrete", "brick", "steel", "timber-mixed"}, a.Text) {
			t.Fatalf("construction of %+v", u)
		}
		if u.ID != c.Outcomes[i].UnitID {
			t.Fatalf("outcome %d is for %s, not %s: outcomes must follow the order of units", i, c.Outcomes[i].UnitID, u.ID)
		}
	}
	share := func(k int) float64 { return float64(k) / float64(n) }
	smallShops := share(cats[risk.NineSmallPlaces] + cats[risk.StreetShop])
	assert.True(t, smallShops >= 0.60 && smallShops <= 0.70, "nine-small-places + street shops: %.3f", smallShops)
	for _, cat := range risk.Categories() {
		assert.Positive(t, cats[cat], "category %v", cat)
	}
	assert.InDelta(t, 0.05, share(key), 0.01, "key units")
	assert.InDelta(t, 0.03, share(hfr), 0.015, "high-fire-risk units")
	assert.Greater(t, share(crowded), share(cats[risk.CrowdedPlaceCategory]))
	require.Len(t, districts, 8)
	for d, k := range districts {
		assert.Regexp(t, `区$`, d)
		assert.Greater(t, k, n/30, d)
	}

	// Outcomes: Any = Fire || MajorViolation, fires are rarer, and the
	// rate of Any matches the mean hazard (SD of the rate ≈ 0.005).
	var meanP float64
	var fires, majors, anys int
	y := make([]bool, n)
	p := make([]float64, n)
	for i, o := range c.Outcomes {
		if o.Any != (o.Fire || o.MajorViolation) || !(o.Hazard >= 0 && o.Hazard <= 1) {
			t.Fatalf("outcome %+v", o)
		}
		meanP += o.Hazard / float64(n)
		fires += b2i(o.Fire)
		majors += b2i(o.MajorViolation)
		anys += b2i(o.Any)
		y[i], p[i] = o.Any, o.Hazard
	}
	assert.InDelta(t, meanP, share(anys), 0.02)
	assert.Less(t, fires, majors/4)
	assert.Positive(t, fires)
	a := auc(t, p, y)
	t.Logf("true-hazard AUC %.4f, mean hazard %.4f, Any %.4f, fires %d", a, meanP, share(anys), fires)
	assert.True(t, a >= 0.75 && a <= 0.85, "AUC of the true hazard %.4f outside [0.75, 0.85]", a)

	checkHistory(t, c, ids)
	checkInspectors(t, c, ids)
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// checkHistory checks dates, teams, violations, credit and telemetry.
func checkHistory(t *testing.T, c *synthcity.City, ids map[string]int) {
	t.Helper()
	start := c.AsOf.AddDate(-3, 0, 0)
	inspectors := map[string]*risk.Inspector{}
	for i := range c.Inspectors {
		inspectors[c.Inspectors[i].ID] = &c.Inspectors[i]
	}
	inspected := map[string]int{}
	reasons := map[risk.Reason]int{}
	sev := map[risk.Severity]int{}
	var open, total int
	codeRE := regexp.MustCompile(`^XF-[1-5]0[1-8]$`)
	inspIDs := map[string]bool{}
	for _, in := range c.Inspections {
		require.False(t, inspIDs[in.ID], "duplicate inspection %s", in.ID)
		inspIDs[in.ID] = true
		i, ok := ids[in.UnitID]
		if !ok || in.Date.Before(start) || !in.Date.Before(c.AsOf) || len(in.Inspectors) != 2 ||
			in.Inspectors[0] == in.Inspectors[1] {
			t.Fatalf("inspection %+v", in)
		}
		u := &c.Units[i]
		for _, id := range in.Inspectors {
			p := inspectors[id]
			if p == nil || !slices.Contains(p.Districts, u.District) || !slices.Contains(p.Categories, u.Category) ||
				slices.Contains(p.Conflicts, u.ID) {
				t.Fatalf("inspection %s: inspector %s not eligible for unit %s", in.ID, id, u.ID)
			}
		}
		inspected[in.UnitID]++
		reasons[in.Reason]++
		fail := false
		for _, v := range in.Violations {
			if !codeRE.MatchString(v.Code) {
				t.Fatalf("code %q", v.Code)
			}
			sev[v.Severity]++
			total++
			open += b2i(v.Open(c.AsOf))
			fail = fail || v.Severity >= risk.General
			if !v.Rectified.IsZero() && v.Rectified.Before(in.Date) {
				t.Fatalf("inspection %s: rectified before found", in.ID)
			}
		}
		if fail != (in.Result == risk.Fail) {
			t.Fatalf("inspection %s: result %v with violations %v", in.ID, in.Result, in.Violations)
		}
	}
	for _, r := range []risk.Reason{risk.RandomDraw, risk.Complaint, risk.Reinspection, risk.IncidentFollowUp, risk.OtherReason} {
		assert.Positive(t, reasons[r], "reason %v", r)
	}
	assert.Greater(t, reasons[risk.RandomDraw], len(c.Inspections)/2)
	for _, s := range []risk.Severity{risk.Minor, risk.General, risk.Major} {
		assert.Positive(t, sev[s], "severity %v", s)
	}
	assert.Less(t, sev[risk.Major], sev[risk.Minor])
	assert.True(t, open > 0 && open < total/3, "open %d of %d", open, total)

	// Key units are inspected more often than others.
	var keyVisits, keyN, otherVisits, otherN float64
	for _, u := range c.Units {
		if u.KeyUnit {
			keyVisits += float64(inspected[u.ID])
			keyN++
		} else {
			otherVisits += float64(inspected[u.ID])
			otherN++
		}
	}
	assert.Greater(t, keyVisits/keyN, 1.5*otherVisits/otherN)

	// Credit: most units, every grade, a small dishonest share.
	grades := map[risk.Grade]int{}
	var dishonest int
	for _, cr := range c.Credit {
		_, ok := ids[cr.UnitID]
		require.True(t, ok)
		require.True(t, cr.AsOf.Before(c.AsOf))
		grades[cr.Grade]++
		dishonest += b2i(cr.Dishonest)
		require.True(t, !cr.Dishonest || cr.Grade == risk.GradeD)
	}
	assert.InDelta(t, 0.95, float64(len(c.Credit))/float64(len(c.Units)), 0.02)
	assert.Len(t, grades, 4)
	assert.True(t, dishonest > 0 && dishonest < len(c.Units)/20, "dishonest %d", dishonest)

	// Incidents: fires and false alarms in the window.
	types := map[risk.IncidentType]int{}
	for _, in := range c.Incidents {
		require.False(t, in.Time.Before(start) || !in.Time.Before(c.AsOf))
		types[in.Type]++
		require.Equal(t, in.Type == risk.Fire, in.HasLoss)
	}
	assert.Positive(t, types[risk.Fire])
	assert.Greater(t, types[risk.FalseAlarmIncident], types[risk.Fire])

	// Telemetry: one year, 40–65 % of units equipped, 20–100 events per
	// equipped unit, every kind present, restored events after troubles.
	tstart := c.AsOf.AddDate(-1, 0, 0)
	equipped := map[string]int{}
	kinds := map[risk.EventKind]int{}
	for k, e := range c.Telemetry {
		_, ok := ids[e.UnitID]
		if !ok || e.Time.Before(tstart) || !e.Time.Before(c.AsOf) {
			t.Fatalf("event %+v", e)
		}
		if k > 0 && c.Telemetry[k-1].UnitID == e.UnitID && e.Time.Before(c.Telemetry[k-1].Time) {
			t.Fatalf("events of unit %s are not in time order", e.UnitID)
		}
		equipped[e.UnitID]++
		kinds[e.Kind]++
		var good bool
		switch e.Kind {
		case risk.PressureLow:
			good = e.HasValue && e.Measure == "MPa" && e.Value < 0.1
		case risk.ResidualCurrentHigh:
			good = e.HasValue && e.Measure == "mA" && e.Value >= 300
		case risk.TemperatureHigh:
			good = e.HasValue && e.Measure == "°C" && e.Value >= 60
		default:
			good = !e.HasValue
		}
		if !good {
			t.Fatalf("event value %+v", e)
		}
	}
	share := float64(len(equipped)) / float64(len(c.Units))
	assert.True(t, share >= 0.40 && share <= 0.65, "equipped share %.3f", share)
	perUnit := float64(len(c.Telemetry)) / float64(len(equipped))
	assert.True(t, perUnit >= 20 && perUnit <= 100, "events per equipped unit %.1f", perUnit)
	for _, k := range risk.EventKinds() {
		assert.Positive(t, kinds[k], "kind %v", k)
	}
	assert.Less(t, kinds[risk.FireAlarm], kinds[risk.FalseAlarm]/10)
}

// checkInspectors checks the coverage promised by the documentation.
func checkInspectors(t *testing.T, c *synthcity.City, ids map[string]int) {
	t.Helper()
	require.Len(t, c.Inspectors, synthcity.DefaultUnits/40)
	cover := map[string]int{}
	qualified := map[string]map[risk.Category]int{}
	depts := map[string]int{}
	var conflicts, withLeave int
	seen := map[string]bool{}
	for _, in := range c.Inspectors {
		require.False(t, seen[in.ID])
		seen[in.ID] = true
		assert.NotEmpty(t, in.Name)
		assert.NotEmpty(t, in.Certificate)
		require.True(t, len(in.Districts) >= 1 && len(in.Districts) <= 3)
		require.True(t, in.MaxPerRound >= 20 && in.MaxPerRound <= 40)
		for _, d := range in.Districts {
			cover[d]++
			if qualified[d] == nil {
				qualified[d] = map[risk.Category]int{}
			}
			for _, cat := range in.Categories {
				qualified[d][cat]++
			}
		}
		switch {
		case regexp.MustCompile(`消防救援大队$`).MatchString(in.Department):
			depts["fire"]++
		case regexp.MustCompile(`(应急管理局|市场监管局)$`).MatchString(in.Department):
			depts["joint"]++
		default:
			t.Errorf("department %q", in.Department)
		}
		for _, u := range in.Conflicts {
			_, ok := ids[u]
			require.True(t, ok)
			conflicts++
		}
		require.True(t, slices.IsSortedFunc(in.Leave, func(a, b time.Time) int { return a.Compare(b) }))
		for _, d := range in.Leave {
			require.True(t, !d.Before(c.AsOf) && d.Before(c.AsOf.AddDate(1, 0, 0)))
		}
		withLeave += b2i(len(in.Leave) > 0)
	}
	require.Len(t, cover, 8)
	for d, k := range cover {
		assert.GreaterOrEqual(t, k, 4, d)
		for _, cat := range risk.Categories() {
			assert.GreaterOrEqual(t, qualified[d][cat], 3, "%s %v", d, cat)
		}
	}
	assert.Greater(t, depts["fire"], depts["joint"])
	assert.Positive(t, depts["joint"])
	assert.Positive(t, conflicts)
	assert.Greater(t, withLeave, len(c.Inspectors)/2)
}

func TestDeterminism(t *testing.T) {
	cfg := synthcity.Config{Units: 1500, Seed: 42}
	a, err := synthcity.Generate(cfg)
	require.NoError(t, err)
	b, err := synthcity.Generate(cfg)
	require.NoError(t, err)
	require.True(t, reflect.DeepEqual(a, b), "two runs of the same Config differ")

	other, err := synthcity.Generate(synthcity.Config{Units: 1500, Seed: 43})
	require.NoError(t, err)
	var same int
	for i := range a.Units {
		same += b2i(a.Units[i].ID == other.Units[i].ID || a.Units[i].Name == other.Units[i].Name)
	}
	assert.Less(t, same, len(a.Units)/5, "different seeds give different cities")
	assert.NotEqual(t, a.Outcomes, other.Outcomes)

	// Phases use separate streams: dropping telemetry changes nothing
	// else, and a smaller city is a prefix of a larger one's directory.
	nt, err := synthcity.Generate(synthcity.Config{Units: 1500, Seed: 42, NoTelemetry: true})
	require.NoError(t, err)
	assert.Empty(t, nt.Telemetry)
	nt.Telemetry = a.Telemetry
	assert.True(t, reflect.DeepEqual(a, nt), "NoTelemetry changed other records")
	small, err := synthcity.Generate(synthcity.Config{Units: 500, Seed: 42, Inspectors: 38})
	require.NoError(t, err)
	assert.Equal(t, a.Units[:500], small.Units)
}

func TestConfig(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  synthcity.Config
		ok   bool
	}{
		{"zero units is the default", synthcity.Config{Units: 0, Inspectors: 20, NoTelemetry: true}, true},
		{"negative units", synthcity.Config{Units: -1}, false},
		{"too many units", synthcity.Config{Units: 100_000_001}, false},
		{"negative districts", synthcity.Config{Units: 10, Districts: -2}, false},
		{"too few inspectors", synthcity.Config{Units: 100, Districts: 8, Inspectors: 10}, false},
		{"enough inspectors", synthcity.Config{Units: 100, Districts: 8, Inspectors: 11}, true},
		{"one district", synthcity.Config{Units: 50, Districts: 1, Inspectors: 4}, true},
		{"many districts", synthcity.Config{Units: 3000, Districts: 40}, true},
		{"IoT share above 1", synthcity.Config{Units: 10, IoTShare: 1.5}, false},
		{"IoT share NaN", synthcity.Config{Units: 10, IoTShare: math.NaN()}, false},
		{"full IoT", synthcity.Config{Units: 100, IoTShare: 1}, true},
		{"negative history", synthcity.Config{Units: 10, HistoryYears: -1}, false},
		{"AsOf is truncated to a day", synthcity.Config{Units: 10, AsOf: time.Date(2030, 6, 1, 15, 4, 5, 0, time.FixedZone("CST", 8*3600))}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := synthcity.Generate(tc.cfg)
			if !tc.ok {
				require.Error(t, err)
				assert.Nil(t, c)
				return
			}
			require.NoError(t, err)
			assert.Len(t, c.Outcomes, len(c.Units))
			assert.Equal(t, c.AsOf, c.AsOf.Truncate(24*time.Hour))
			assert.Equal(t, time.UTC, c.AsOf.Location())
			districts := map[string]bool{}
			for _, u := range c.Units {
				districts[u.District] = true
			}
			if tc.cfg.Districts > 0 && len(c.Units) >= 50*tc.cfg.Districts {
				assert.Len(t, districts, tc.cfg.Districts)
			}
			for _, in := range c.Inspections {
				require.Len(t, in.Inspectors, 2)
				require.NotEqual(t, in.Inspectors[0], in.Inspectors[1])
			}
		})
	}
}
