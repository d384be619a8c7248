package content_test

import (
	"testing"

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
