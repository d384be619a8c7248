package content_test

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/firedraw/firedraw/risk"
	"github.com/firedraw/firedraw/risk/alert"
	"github.com/firedraw/firedraw/schedule/content"
)

func feat(pr *content.Profile, name string) float64 {
	if j := slices.Index(pr.Names, name); j >= 0 {
		return pr.Row[j]
	}
	return 0
}

// healthy is the default definition of healthy telemetry, restated.
func healthy(pr *content.Profile) bool {
	off, _ := risk.TelemetryRateName(risk.Offline)
	return feat(pr, risk.FeatTelMissing) == 0 && feat(pr, risk.FeatTelDevices) >= 3 &&
		feat(pr, risk.FeatTelShareDown) <= 0.10 && feat(pr, off) <= 0.25
}

// TestInspectionMethodFollowsPolicy: on the default city, remote checks
// go only to eligible units (Low, not key, credit A or B, not dishonest,
// no open violation, healthy telemetry), every eligible Low unit is
// checked remotely, joint visits only to High high-fire-risk, industrial
// or warehouse units, document reviews only to Low units in good
// standing, and every method is used.
func TestInspectionMethodFollowsPolicy(t *testing.T) {
	s := defaultCity(t)
	var p content.Policy
	n := map[content.Method]int{}
	for i := range s.profiles {
		pr := &s.profiles[i]
		c, err := p.Content(pr)
		require.NoError(t, err)
		n[c.Method]++
		assert.True(t, c.Counts)
		assert.NotEmpty(t, c.MethodEN)
		assert.NotEmpty(t, c.MethodZH)
		u := pr.Unit
		good := !u.KeyUnit && feat(pr, risk.FeatCredMissing) == 0 && feat(pr, risk.FeatCredDishonest) == 0 && feat(pr, risk.FeatCredGrade) <= 1
		eligible := pr.Level == risk.Low && good && feat(pr, risk.FeatHistOpen) == 0 && healthy(pr)
		joint := pr.Level == risk.High && (u.HighFireRisk || u.Category == risk.Industrial || u.Category == risk.Warehouse)
		switch c.Method {
		case content.Remote:
			require.True(t, eligible, "unit %s checked remotely but not eligible", u.ID)
		case content.Joint:
			require.True(t, joint, "unit %s", u.ID)
		case content.DocumentReview:
			require.True(t, pr.Level == risk.Low && good && !eligible && feat(pr, risk.FeatHistOpenMajor) == 0, "unit %s", u.ID)
		case content.OnSite:
			require.False(t, eligible || joint, "unit %s", u.ID)
		}
	}
	for m := content.OnSite; m <= content.Joint; m++ {
		assert.Positive(t, n[m], "method %s unused", m)
	}
	t.Logf("methods on the default city: %v", n)
}

// TestInspectionMethodTable checks the method rules one unit at a time.
func TestInspectionMethodTable(t *testing.T) {
	off, _ := risk.TelemetryRateName(risk.Offline)
	ok := map[string]float64{risk.FeatTelMissing: 0, risk.FeatTelDevices: 6, risk.FeatTelShareDown: 0, off: 0.05,
		risk.FeatCredMissing: 0, risk.FeatCredGrade: 1, risk.FeatCredDishonest: 0, risk.FeatHistOpen: 0, risk.FeatHistOpenMajor: 0}
	with := func(kv ...any) map[string]float64 {
		m := map[string]float64{}
		for a, b := range ok {
			m[a] = b
		}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1].(float64)
		}
		return m
	}
	shop := risk.Unit{ID: "U", Category: risk.StreetShop}
	key := risk.Unit{ID: "K", Category: risk.StreetShop, KeyUnit: true}
	plant := risk.Unit{ID: "P", Category: risk.Industrial}
	for _, tc := range []struct {
		name   string
		pr     *content.Profile
		policy content.Policy
		want   content.Method
		counts bool
	}{
		{"eligible", profile(shop, risk.Low, ok), content.Policy{}, content.Remote, true},
		{"eligible, remote not counted", profile(shop, risk.Low, ok), content.Policy{Method: content.MethodPolicy{RemoteNotCounted: true}}, content.Remote, false},
		{"general level", profile(shop, risk.LevelGeneral, ok), content.Policy{}, content.OnSite, true},
		{"general allowed", profile(shop, risk.LevelGeneral, ok), content.Policy{Method: content.MethodPolicy{RemoteLevels: []risk.Level{risk.Low, risk.LevelGeneral}}}, content.Remote, true},
		{"key unit", profile(key, risk.Low, ok), content.Policy{}, content.OnSite, true},
		{"grade C", profile(shop, risk.Low, with(risk.FeatCredGrade, 2.0)), content.Policy{}, content.OnSite, true},
		{"no credit record", profile(shop, risk.Low, with(risk.FeatCredMissing, 1.0)), content.Policy{}, content.OnSite, true},
		{"dishonest", profile(shop, risk.Low, with(risk.FeatCredDishonest, 1.0)), content.Policy{}, content.OnSite, true},
		{"open violation: documents", profile(shop, risk.Low, with(risk.FeatHistOpen, 1.0)), content.Policy{}, content.DocumentReview, true},
		{"no telemetry: documents", profile(shop, risk.Low, with(risk.FeatTelMissing, 1.0)), content.Policy{}, content.DocumentReview, true},
		{"too few devices", profile(shop, risk.Low, with(risk.FeatTelDevices, 2.0)), content.Policy{}, content.DocumentReview, true},
		{"many down", profile(shop, risk.Low, with(risk.FeatTelShareDown, 0.2)), content.Policy{}, content.DocumentReview, true},
		{"often offline", profile(shop, risk.Low, with(off, 0.5)), content.Policy{}, content.DocumentReview, true},
		{"documents not counted", profile(shop, risk.Low, with(off, 0.5)), content.Policy{Method: content.MethodPolicy{DocumentNotCounted: true}}, content.DocumentReview, false},
		{"open major: on site", profile(shop, risk.Low, with(risk.FeatHistOpenMajor, 1.0, risk.FeatHistOpen, 1.0)), content.Policy{}, content.OnSite, true},
		{"high industrial: joint", profile(plant, risk.High, ok), content.Policy{}, content.Joint, true},
		{"higher industrial", profile(plant, risk.Higher, ok), content.Policy{}, content.OnSite, true},
		{"on-site only", profile(shop, risk.Low, ok), content.Policy{Method: content.MethodPolicy{OnSiteOnly: true}}, content.OnSite, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := tc.policy.Content(tc.pr)
			require.NoError(t, err)
			assert.Equal(t, tc.want, c.Method, c.MethodEN)
			assert.Equal(t, tc.counts, c.Counts)
		})
	}
	// A unit with an alert is not checked remotely.
	pr := profile(shop, risk.Low, ok)
	pr.Alerts = []alert.Alert{{Rule: alert.RuleOffline}}
	c, err := (&content.Policy{}).Content(pr)
	require.NoError(t, err)
	assert.Equal(t, content.DocumentReview, c.Method)
}

func TestInspectionMethodParse(t *testing.T) {
	for m := content.OnSite; m <= content.Joint; m++ {
		got, err := content.ParseMethod(m.String())
		require.NoError(t, err)
		assert.Equal(t, m, got)
		assert.NotEqual(t, m.String(), m.ZH())
	}
	_, err := content.ParseMethod("by-phone")
	assert.ErrorIs(t, err, risk.ErrBadEnum)
}
