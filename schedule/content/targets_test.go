package content_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/firedraw/firedraw/risk"
	"github.com/firedraw/firedraw/risk/alert"
	"github.com/firedraw/firedraw/schedule/content"
)

// TestEarlyWarningTargets: on the default city, targeted tasks go to the
// units with a serious alert raised since the previous monthly round,
// each with its trigger and reason; their focus follows the trigger and
// none is checked remotely.
func TestEarlyWarningTargets(t *testing.T) {
	s := defaultCity(t)
	c := s.city
	rep, err := alert.Evaluate(c.Telemetry, c.Incidents, c.AsOf, alert.Config{})
	require.NoError(t, err)
	since := c.AsOf.AddDate(0, -1, 0)
	tg := content.Targets(rep, since, alert.Serious)
	require.NotEmpty(t, tg)
	all := content.Targets(rep, since.AddDate(-10, 0, 0), alert.Serious)
	assert.Less(t, len(tg), len(all), "older conditions make no new task")
	byID := map[string]int{}
	for i := range c.Units {
		byID[c.Units[i].ID] = i
	}
	var p content.Policy
	reasons := map[risk.Reason]int{}
	for _, x := range tg {
		require.NotEmpty(t, x.Alerts)
		reasons[x.Reason]++
		for _, a := range x.Alerts {
			assert.Equal(t, x.UnitID, a.UnitID)
			assert.GreaterOrEqual(t, a.Severity, alert.Serious)
			assert.True(t, a.Raised.After(since))
			assert.LessOrEqual(t, a.Severity, x.Severity)
		}
		pr := s.profiles[byID[x.UnitID]]
		pr.Alerts = x.Alerts
		ct, err := p.Content(&pr)
		require.NoError(t, err)
		assert.NotEqual(t, content.Remote, ct.Method)
		assert.NotEmpty(t, ct.FocusCodes())
	}
	t.Logf("%d targeted tasks (%d over any time), reasons %v", len(tg), len(all), reasons)
}

// TestEarlyWarningTargetPolicy: the policy selects alerts by rule,
// severity, raised time and (for episodes) whether the condition is
// still open; each case is a crafted alert.
func TestEarlyWarningTargetPolicy(t *testing.T) {
	asOf := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	since := asOf.AddDate(0, -1, 0)
	recent, old := asOf.AddDate(0, 0, -3), asOf.AddDate(0, -2, 0)
	mk := func(r alert.Rule, sev alert.Severity, raised time.Time, open bool) alert.Alert {
		return alert.Alert{UnitID: "U1", Rule: r, Severity: sev, Raised: raised, Evidence: []alert.Evidence{{DeviceID: "D1", Open: open}}}
	}
	for _, tc := range []struct {
		name string
		p    content.TargetPolicy
		a    alert.Alert
		want bool
	}{
		{"fire", content.TargetPolicy{Since: since}, mk(alert.RuleFire, alert.Critical, recent, false), true},
		{"fire alarm", content.TargetPolicy{Since: since}, mk(alert.RuleFireAlarm, alert.Serious, recent, false), true},
		{"shielded open", content.TargetPolicy{Since: since}, mk(alert.RuleShielded, alert.Serious, recent, true), true},
		{"pressure restored", content.TargetPolicy{Since: since}, mk(alert.RulePressureLow, alert.Serious, recent, false), false},
		{"pressure restored, closed included", content.TargetPolicy{Since: since, IncludeClosed: true}, mk(alert.RulePressureLow, alert.Serious, recent, false), true},
		{"fault unresolved: not a default rule", content.TargetPolicy{Since: since}, mk(alert.RuleFaultUnresolved, alert.Serious, recent, true), false},
		{"fault unresolved when named", content.TargetPolicy{Since: since, Rules: []alert.Rule{alert.RuleFaultUnresolved}}, mk(alert.RuleFaultUnresolved, alert.Serious, recent, true), true},
		{"raised before since", content.TargetPolicy{Since: since}, mk(alert.RuleFire, alert.Critical, old, false), false},
		{"below the severity", content.TargetPolicy{Since: since}, mk(alert.RuleShielded, alert.Warning, recent, true), false},
		{"critical only", content.TargetPolicy{Since: since, MinSeverity: alert.Critical}, mk(alert.RuleShielded, alert.Serious, recent, true), false},
		{"no rules", content.TargetPolicy{Since: since, Rules: []alert.Rule{}}, mk(alert.RuleFire, alert.Critical, recent, false), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, tc.p.Makes(&tc.a))
			got := tc.p.Targets(&alert.Report{AsOf: asOf, Alerts: []alert.Alert{tc.a}})
			assert.Equal(t, tc.want, len(got) == 1)
			if tc.want {
				incident := tc.a.Rule == alert.RuleFire || tc.a.Rule == alert.RuleFireAlarm
				assert.Equal(t, incident, got[0].Reason == risk.IncidentFollowUp)
			}
		})
	}
}

// TestEarlyWarningTargetPolicyLoad: on the default city the default
// policy gives fewer targets than every serious alert since the previous
// round (185 units, more than the ~130 drawn at random a month).
func TestEarlyWarningTargetPolicyLoad(t *testing.T) {
	c := defaultCity(t).city
	rep, err := alert.Evaluate(c.Telemetry, c.Incidents, c.AsOf, alert.Config{})
	require.NoError(t, err)
	p := content.TargetPolicy{Since: c.AsOf.AddDate(0, -1, 0)}
	got, all := p.Targets(rep), content.Targets(rep, p.Since, alert.Serious)
	t.Logf("default policy: %d targets; every serious alert: %d", len(got), len(all))
	assert.Less(t, len(got), len(all))
	assert.NotEmpty(t, got)
}
