package content_test

import (
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/firedraw/firedraw/risk"
	"github.com/firedraw/firedraw/risk/alert"
	"github.com/firedraw/firedraw/schedule/content"
)

// applies mirrors the catalogue's applicability for the tests.
func applies(it content.Item, pr *content.Profile) bool {
	switch it.Applies {
	case content.AppliesKey:
		return pr.Unit.KeyUnit
	case content.AppliesCrowded:
		return pr.Unit.CrowdedPlace || pr.Unit.Category == risk.CrowdedPlaceCategory
	case content.AppliesIoT:
		j := slices.Index(pr.Names, risk.FeatTelMissing)
		return j >= 0 && pr.Row[j] == 0
	}
	return true
}

// TestInspectionContentFocusFollowsReasons: on the default city, every
// positive reason of a unit that a focus rule maps brings that rule's
// (applicable) items into the focus, with the reason in the why; and
// every focus item comes from a reason or an always-rule.
func TestInspectionContentFocusFollowsReasons(t *testing.T) {
	s := defaultCity(t)
	cat := content.DefaultCatalogue()
	rules := content.DefaultFocusRules()
	var p content.Policy
	withFocus := 0
	for i := range s.profiles {
		pr := &s.profiles[i]
		c, err := p.Content(pr)
		require.NoError(t, err)
		focus := map[string]content.Check{}
		for _, k := range c.Checks {
			if k.Focus {
				focus[k.Code] = k
			}
		}
		if len(focus) > 0 {
			withFocus++
		}
		for _, e := range pr.Reasons {
			for _, r := range rules {
				if !matches(r.Feature, e.Feature) {
					continue
				}
				for _, code := range r.Items {
					it, _ := cat.Item(code)
					if !applies(it, pr) {
						continue
					}
					k, ok := focus[code]
					require.True(t, ok, "unit %s reason %s: item %s not in focus", pr.Unit.ID, e.Feature, code)
					assert.Contains(t, k.WhyEN, e.Text)
					assert.NotEmpty(t, k.WhyZH)
				}
			}
		}
		for code, k := range focus {
			assert.NotEmpty(t, k.WhyEN, "unit %s item %s", pr.Unit.ID, code)
		}
	}
	// Every unit has reasons and almost every reason maps to items.
	assert.Greater(t, withFocus, len(s.profiles)*9/10)
}

func matches(rule, feature string) bool {
	if p, ok := cutStar(rule); ok {
		return len(feature) >= len(p) && feature[:len(p)] == p
	}
	return rule == feature
}

func cutStar(s string) (string, bool) {
	if len(s) > 0 && s[len(s)-1] == '*' {
		return s[:len(s)-1], true
	}
	return s, false
}

// profile builds a profile from a few features (the others 0) and
// reasons on those features.
func profile(u risk.Unit, lv risk.Level, feats map[string]float64, reasons ...string) *content.Profile {
	pr := &content.Profile{Unit: &u, Level: lv}
	for _, n := range slices.Sorted(func(yield func(string) bool) {
		for n := range feats {
			if !yield(n) {
				return
			}
		}
	}) {
		pr.Names = append(pr.Names, n)
		pr.Row = append(pr.Row, feats[n])
	}
	for _, r := range reasons {
		pr.Reasons = append(pr.Reasons, risk.Explanation{Feature: r, Value: feats[r], Contribution: 0.5, Text: risk.Describe(r, feats[r], 0.1)})
	}
	return pr
}

// TestInspectionContentFocusTable: the examples, one unit each.
func TestInspectionContentFocusTable(t *testing.T) {
	rate := func(k risk.EventKind) string { n, _ := risk.TelemetryRateName(k); return n }
	shop := risk.Unit{ID: "U", Category: risk.StreetShop}
	for _, tc := range []struct {
		name  string
		pr    *content.Profile
		want  []string
		avoid []string
	}{
		{"faults and offline devices", profile(shop, risk.Low, map[string]float64{risk.FeatTelTrouble: 2, risk.FeatTelShareDown: 0.3, risk.FeatTelMissing: 0},
			risk.FeatTelTrouble, risk.FeatTelShareDown), []string{"FAC-1", "FAC-2", "MON-1"}, []string{"FAC-3", "ELE-1"}},
		{"low water pressure", profile(shop, risk.Low, map[string]float64{risk.FeatTelPressureLowH: 200}, risk.FeatTelPressureLowH), []string{"FAC-3"}, []string{"ELE-1"}},
		{"residual current", profile(shop, risk.Low, map[string]float64{rate(risk.ResidualCurrentHigh): 1}, rate(risk.ResidualCurrentHigh)), []string{"ELE-1"}, []string{"FAC-3"}},
		{"cable temperature", profile(shop, risk.Low, map[string]float64{rate(risk.TemperatureHigh): 1}, rate(risk.TemperatureHigh)), []string{"ELE-1"}, nil},
		{"open violations, not a reason", profile(shop, risk.Low, map[string]float64{risk.FeatHistOpen: 2}), []string{"REC-1"}, nil},
		{"dishonesty list, not a reason", profile(shop, risk.High, map[string]float64{risk.FeatCredDishonest: 1}), []string{"RSP-1", "MGT-1"}, nil},
		{"penalties", profile(shop, risk.Low, map[string]float64{risk.FeatCredPenalties: 3}, risk.FeatCredPenalties), []string{"RSP-1"}, nil},
		{"no IoT: MON-1 does not apply", profile(shop, risk.Low, map[string]float64{risk.FeatTelMissing: 1, risk.FeatTelTrouble: 2}, risk.FeatTelTrouble, risk.FeatTelMissing),
			[]string{"FAC-1", "FAC-2"}, []string{"MON-1"}},
		{"clean unit: no focus", profile(shop, risk.Low, map[string]float64{risk.FeatHistOpen: 0}), nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var p content.Policy
			c, err := p.Content(tc.pr)
			require.NoError(t, err)
			got := c.FocusCodes()
			for _, w := range tc.want {
				assert.Contains(t, got, w)
			}
			for _, a := range tc.avoid {
				assert.NotContains(t, got, a)
			}
			if tc.want == nil {
				assert.Empty(t, got)
			}
		})
	}
	// An alert adds its items with its explanation.
	pr := profile(shop, risk.Low, map[string]float64{})
	pr.Alerts = []alert.Alert{{Rule: alert.RulePressureLow, Threshold: 72 * time.Hour, Evidence: []alert.Evidence{{DeviceID: "WP01"}}}}
	var p content.Policy
	c, err := p.Content(pr)
	require.NoError(t, err)
	require.Equal(t, []string{"FAC-3"}, c.FocusCodes())
	assert.Equal(t, "alert: Water pressure low for 3 days or more (WP01, from 0001-01-01 00:00): sprinklers and hydrants may not deliver water.", c.Checks[0].WhyEN)
}

// TestInspectionContentScopeFollowsLevel: on the default city, a High
// unit checks every item that applies to it, a Low unit its focus and
// the base items only, and the scope grows with the level: the checks of
// a unit at each level contain those of the level below.
func TestInspectionContentScopeFollowsLevel(t *testing.T) {
	s := defaultCity(t)
	cat := content.DefaultCatalogue()
	var p content.Policy
	base := []string{"EVA-1", "FAC-6", "RSP-1"}
	for i := range s.profiles {
		pr := s.profiles[i]
		var prev []string
		for _, lv := range risk.Levels() {
			pr.Level = lv
			c, err := p.Content(&pr)
			require.NoError(t, err)
			var codes []string
			for _, k := range c.Checks {
				codes = append(codes, k.Code)
				assert.NotEmpty(t, k.WhyEN)
			}
			for _, code := range prev {
				require.Contains(t, codes, code, "unit %s level %s", pr.Unit.ID, lv)
			}
			switch lv {
			case risk.High:
				for _, it := range cat.Items {
					assert.Equal(t, applies(it, &pr), slices.Contains(codes, it.Code), "unit %s item %s", pr.Unit.ID, it.Code)
				}
			case risk.Low:
				for _, k := range c.Checks {
					assert.True(t, k.Focus || slices.Contains(base, k.Code), "unit %s item %s", pr.Unit.ID, k.Code)
				}
			}
			prev = codes
		}
	}
	// A configured scope: Low checks the evacuation group too.
	pr := s.profiles[0]
	pr.Level = risk.Low
	p.Scope.Groups[risk.Low] = []string{"evacuation"}
	c, err := p.Content(&pr)
	require.NoError(t, err)
	var codes []string
	for _, k := range c.Checks {
		codes = append(codes, k.Code)
	}
	assert.Contains(t, codes, "EVA-2")
}

func TestInspectionContentErrors(t *testing.T) {
	pr := profile(risk.Unit{ID: "U"}, risk.Low, map[string]float64{risk.FeatHistOpen: 1})
	for _, p := range []content.Policy{
		{Focus: []content.FocusRule{{Feature: risk.FeatHistOpen, Items: []string{"NOPE"}, Always: true}}},
		{Scope: content.Scope{Base: []string{"NOPE"}}},
	} {
		_, err := p.Content(pr)
		assert.ErrorIs(t, err, risk.ErrBadEnum)
	}
	assert.Panics(t, func() { (&content.Policy{}).Content(&content.Profile{}) })
}
