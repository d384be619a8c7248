package alert_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/firedraw/firedraw/risk"
	"github.com/firedraw/firedraw/risk/alert"
)

var asOf = time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)

// ev is an event of unit u, device d, at asOf minus ago.
func ev(u, d string, ago time.Duration, k risk.EventKind) risk.TelemetryEvent {
	return risk.TelemetryEvent{UnitID: u, DeviceID: u + "-" + d, DeviceType: risk.SmokeDetector, Time: asOf.Add(-ago), Kind: k}
}

const h, day = time.Hour, 24 * time.Hour

// repeat returns n events of kind k, one every gap, the last at asOf−ago.
func repeat(u, d string, n int, ago, gap time.Duration, k risk.EventKind) []risk.TelemetryEvent {
	var out []risk.TelemetryEvent
	for i := range n {
		out = append(out, ev(u, d, ago+time.Duration(n-1-i)*gap, k))
	}
	return out
}

type ruleCase struct {
	rule         alert.Rule
	crafted      []risk.TelemetryEvent // unit "hit" meets the rule
	clean        []risk.TelemetryEvent // unit "ok" almost does
	fire, noFire []risk.Incident
}

// ruleCases crafts, for every rule, a log that meets it by a margin and
// one that misses it by a margin, with the default Config.
func ruleCases() []ruleCase {
	return []ruleCase{
		{rule: alert.RuleFire,
			fire:   []risk.Incident{{UnitID: "hit", Time: asOf.Add(-10 * day), Type: risk.Fire, Casualties: 1}},
			noFire: []risk.Incident{{UnitID: "ok", Time: asOf.Add(-40 * day), Type: risk.Fire}, {UnitID: "ok", Time: asOf.Add(-day), Type: risk.FalseAlarmIncident}}},
		{rule: alert.RuleFireAlarm,
			crafted: []risk.TelemetryEvent{ev("hit", "SD01", 2*day, risk.FireAlarm)},
			clean:   []risk.TelemetryEvent{ev("ok", "SD01", 8*day, risk.FireAlarm), ev("ok", "SD01", day, risk.FalseAlarm)}},
		{rule: alert.RuleOffline,
			crafted: []risk.TelemetryEvent{ev("hit", "TD01", 30*h, risk.Offline)},
			clean: []risk.TelemetryEvent{ev("ok", "TD01", 50*h, risk.Offline), ev("ok", "TD01", 40*h, risk.Restored),
				ev("ok", "TD02", 20*h, risk.Offline)}},
		{rule: alert.RuleFaultUnresolved,
			crafted: []risk.TelemetryEvent{ev("hit", "SD01", 8*day, risk.Fault)},
			clean: []risk.TelemetryEvent{ev("ok", "SD01", 10*day, risk.Fault), ev("ok", "SD01", 2*day, risk.Restored),
				ev("ok", "SD02", 6*day, risk.PowerFault)}},
		{rule: alert.RuleFaultRepeated,
			crafted: slices.Concat(repeat("hit", "SD01", 5, 2*day, 5*day, risk.Fault), repeat("hit", "SD01", 5, 2*day-h, 5*day, risk.Restored)),
			clean: slices.Concat(repeat("ok", "SD01", 4, 2*day, 5*day, risk.Fault), repeat("ok", "SD01", 4, 2*day-h, 5*day, risk.Restored),
				repeat("ok", "SD02", 3, 2*day, 5*day, risk.Fault), repeat("ok", "SD02", 3, 2*day-h, 5*day, risk.Restored),
				[]risk.TelemetryEvent{ev("ok", "SD03", 40*day, risk.Fault), ev("ok", "SD03", 40*day-h, risk.Restored)})},
		{rule: alert.RuleShielded,
			crafted: []risk.TelemetryEvent{ev("hit", "SD01", 2*day, risk.Shielded)},
			clean:   []risk.TelemetryEvent{ev("ok", "SD01", 3*day, risk.Shielded), ev("ok", "SD01", day, risk.Restored), ev("ok", "SD02", 12*h, risk.Shielded)}},
		{rule: alert.RulePressureLow,
			crafted: []risk.TelemetryEvent{ev("hit", "WP01", 4*day, risk.PressureLow),
				ev("hit", "WP02", 20*day, risk.PressureLow), ev("hit", "WP02", 16*day, risk.Restored)},
			clean: []risk.TelemetryEvent{ev("ok", "WP01", 2*day, risk.PressureLow),
				ev("ok", "WP02", 20*day, risk.PressureLow), ev("ok", "WP02", 18*day, risk.Restored),
				ev("ok", "WP03", 60*day, risk.PressureLow), ev("ok", "WP03", 40*day, risk.Restored)}},
		{rule: alert.RuleElectrical,
			crafted: slices.Concat(repeat("hit", "RC01", 2, day, day, risk.ResidualCurrentHigh), []risk.TelemetryEvent{ev("hit", "RC01", 5*h, risk.TemperatureHigh)}),
			clean: slices.Concat(repeat("ok", "RC01", 2, day, day, risk.ResidualCurrentHigh), repeat("ok", "RC02", 3, day, 5*day, risk.TemperatureHigh),
				repeat("ok", "RC03", 2, day, day, risk.ResidualCurrentHigh), []risk.TelemetryEvent{ev("ok", "RC04", day, risk.TemperatureHigh)})},
	}
}

// TestEarlyWarningRules: every rule fires on its crafted log, with its
// default severity and evidence, and stays silent on a clean log that
// misses it by a margin.
func TestEarlyWarningRules(t *testing.T) {
	for _, tc := range ruleCases() {
		t.Run(tc.rule.String(), func(t *testing.T) {
			rep, err := alert.Evaluate(tc.crafted, tc.fire, asOf, alert.Config{})
			require.NoError(t, err)
			require.Len(t, rep.Alerts, 1, "%+v", rep.Alerts)
			a := rep.Alerts[0]
			assert.Equal(t, tc.rule, a.Rule)
			assert.Equal(t, "hit", a.UnitID)
			assert.Equal(t, alert.DefaultSeverity(tc.rule), a.Severity)
			assert.NotEmpty(t, a.Evidence)
			zh, en := a.Explain()
			assert.NotEmpty(t, zh)
			assert.NotEmpty(t, en)
			assert.False(t, a.Raised.After(asOf))
			assert.True(t, a.From.Before(a.To))
			assert.Equal(t, asOf, a.To)

			clean, err := alert.Evaluate(tc.clean, tc.noFire, asOf, alert.Config{})
			require.NoError(t, err)
			assert.Empty(t, clean.Alerts)
		})
	}
}

// TestEarlyWarningCleanLog: the clean logs of every rule together raise
// nothing, and the crafted ones together raise exactly one alert per
// rule.
func TestEarlyWarningCleanLog(t *testing.T) {
	var crafted, clean []risk.TelemetryEvent
	var fires, noFires []risk.Incident
	for i, tc := range ruleCases() {
		for _, e := range tc.crafted {
			e.UnitID = fmt.Sprintf("hit%d", i)
			crafted = append(crafted, e)
		}
		for _, in := range tc.fire {
			in.UnitID = fmt.Sprintf("hit%d", i)
			fires = append(fires, in)
		}
		for _, e := range tc.clean {
			e.UnitID = fmt.Sprintf("ok%d", i)
			clean = append(clean, e)
		}
		for _, in := range tc.noFire {
			in.UnitID = fmt.Sprintf("ok%d", i)
			noFires = append(noFires, in)
		}
	}
	rep, err := alert.Evaluate(clean, noFires, asOf, alert.Config{})
	require.NoError(t, err)
	assert.Empty(t, rep.Alerts)
	rep, err = alert.Evaluate(crafted, fires, asOf, alert.Config{})
	require.NoError(t, err)
	require.Len(t, rep.Alerts, alert.NumRules)
	for i, a := range rep.Alerts {
		assert.Equal(t, fmt.Sprintf("hit%d", i), a.UnitID)
		assert.Equal(t, alert.Rule(i), a.Rule)
	}
}

// TestEarlyWarningEvidence checks the evidence and text of an offline
// alert with two devices.
func TestEarlyWarningEvidence(t *testing.T) {
	tel := []risk.TelemetryEvent{ev("U", "TD02", 50*h, risk.Offline), ev("U", "TD01", 30*h, risk.Offline),
		ev("U", "TD01", 29*h, risk.Offline)}
	rep, err := alert.Evaluate(tel, nil, asOf, alert.Config{})
	require.NoError(t, err)
	require.Len(t, rep.Alerts, 1)
	a := rep.Alerts[0]
	assert.Equal(t, 2, a.Count)
	assert.Equal(t, asOf.Add(-50*h), a.From)
	assert.Equal(t, asOf.Add(-30*h+day), a.Raised)
	assert.Equal(t, []alert.Evidence{
		{DeviceID: "U-TD01", Count: 1, First: asOf.Add(-30 * h), Last: asOf, Open: true},
		{DeviceID: "U-TD02", Count: 1, First: asOf.Add(-50 * h), Last: asOf, Open: true},
	}, a.Evidence)
	assert.Equal(t, 24*h, a.Threshold)
	zh, en := a.Explain()
	assert.Equal(t, "2 device(s) offline for over 24 h (U-TD01, U-TD02, the first since 2026-05-29 22:00, 50 h): the unit is not monitored.", en)
	assert.Equal(t, "2个设备离线超过24小时（U-TD01, U-TD02，最早自 2026-05-29 22:00 起，已50小时），单位处于无监测状态。", zh)
}

// TestEarlyWarningSeverityThreshold: MinSeverity drops the alerts
// below it, Severity overrides a rule's severity and Off disables it.
func TestEarlyWarningSeverityThreshold(t *testing.T) {
	var tel []risk.TelemetryEvent
	var inc []risk.Incident
	for i, tc := range ruleCases() {
		for _, e := range tc.crafted {
			e.UnitID = fmt.Sprint(i)
			tel = append(tel, e)
		}
		for _, in := range tc.fire {
			in.UnitID = fmt.Sprint(i)
			inc = append(inc, in)
		}
	}
	count := func(cfg alert.Config) map[alert.Rule]alert.Severity {
		rep, err := alert.Evaluate(tel, inc, asOf, cfg)
		require.NoError(t, err)
		out := map[alert.Rule]alert.Severity{}
		for _, a := range rep.Alerts {
			out[a.Rule] = a.Severity
		}
		return out
	}
	all := count(alert.Config{})
	require.Len(t, all, alert.NumRules)
	for _, tc := range []struct {
		name string
		cfg  alert.Config
		want []alert.Rule
	}{
		{"serious", alert.Config{MinSeverity: alert.Serious}, []alert.Rule{alert.RuleFire, alert.RuleFireAlarm,
			alert.RuleFaultUnresolved, alert.RuleShielded, alert.RulePressureLow, alert.RuleElectrical}},
		{"critical", alert.Config{MinSeverity: alert.Critical}, []alert.Rule{alert.RuleFire}},
		{"raised", alert.Config{MinSeverity: alert.Critical, Severity: [alert.NumRules]alert.Severity{alert.RuleOffline: alert.Critical}},
			[]alert.Rule{alert.RuleFire, alert.RuleOffline}},
		{"off", alert.Config{MinSeverity: alert.Critical, Off: [alert.NumRules]bool{alert.RuleFire: true}}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := count(tc.cfg)
			var rules []alert.Rule
			for r, s := range got {
				assert.GreaterOrEqual(t, s, tc.cfg.MinSeverity)
				rules = append(rules, r)
			}
			slices.Sort(rules)
			assert.Equal(t, tc.want, rules)
		})
	}
	rep, err := alert.Evaluate(tel, inc, asOf, alert.Config{})
	require.NoError(t, err)
	assert.Len(t, rep.AtLeast(alert.Serious), 6)
	assert.Len(t, rep.AtLeast(alert.Info), alert.NumRules)
}

// TestEarlyWarningAfterAsOf: events and incidents at or after asOf are
// counted and ignored — neither raising alerts nor closing episodes.
func TestEarlyWarningAfterAsOf(t *testing.T) {
	tel := []risk.TelemetryEvent{
		ev("U", "TD01", 30*h, risk.Offline),
		ev("U", "TD01", -h, risk.Restored), // after asOf: the device is still offline at asOf
		ev("V", "SD01", 0, risk.FireAlarm), // at asOf: the next evaluation's
		ev("V", "SD02", -day, risk.Shielded),
		ev("V", "SD02", -2*day, risk.Shielded),
	}
	inc := []risk.Incident{{UnitID: "V", Time: asOf, Type: risk.Fire}, {UnitID: "V", Time: asOf.Add(-40 * day), Type: risk.Fire}}
	rep, err := alert.Evaluate(tel, inc, asOf, alert.Config{})
	require.NoError(t, err)
	assert.Equal(t, 5, rep.Events)
	assert.Equal(t, 4, rep.Late)
	assert.Equal(t, 2, rep.Incidents)
	assert.Equal(t, 1, rep.LateIncidents)
	require.Len(t, rep.Alerts, 1)
	assert.Equal(t, alert.RuleOffline, rep.Alerts[0].Rule)
	assert.Equal(t, "U", rep.Alerts[0].UnitID)
}

// TestEarlyWarningDeterministic: a random log of many buckets gives the
// same alerts in any order and as a naive per-device evaluation of each
// unit alone.
func TestEarlyWarningDeterministic(t *testing.T) {
	tel := randomLog(rand.New(rand.NewPCG(3, 4)), 300, 60000)
	rep, err := alert.Evaluate(tel, nil, asOf, alert.Config{})
	require.NoError(t, err)
	require.NotEmpty(t, rep.Alerts)
	// 60,000 events use 8 buckets; out of time order within devices.
	shuffled := slices.Clone(tel)
	rand.New(rand.NewPCG(5, 6)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	var e alert.Evaluator
	for range 2 { // the second call reuses the memory of the first
		rep2, err := e.Evaluate(shuffled, nil, asOf)
		require.NoError(t, err)
		assert.Equal(t, rep.Alerts, rep2.Alerts)
	}
	// Each unit alone: the same alerts.
	byUnit := map[string][]risk.TelemetryEvent{}
	for _, x := range tel {
		byUnit[x.UnitID] = append(byUnit[x.UnitID], x)
	}
	var alone []alert.Alert
	for _, u := range slices.Sorted(func(yield func(string) bool) {
		for u := range byUnit {
			if !yield(u) {
				return
			}
		}
	}) {
		r, err := alert.Evaluate(byUnit[u], nil, asOf, alert.Config{})
		require.NoError(t, err)
		alone = append(alone, r.Alerts...)
	}
	assert.Equal(t, rep.Alerts, alone)
}

// randomLog returns n events of units×5 devices over the 60 days before
// asOf, in time order, with kinds weighted so that every rule fires for
// some units.
func randomLog(r *rand.Rand, units, n int) []risk.TelemetryEvent {
	kinds := []risk.EventKind{risk.FireAlarm, risk.FalseAlarm, risk.Fault, risk.Fault, risk.Shielded, risk.Offline,
		risk.PowerFault, risk.PressureLow, risk.ResidualCurrentHigh, risk.TemperatureHigh,
		risk.Restored, risk.Restored, risk.Restored, risk.Restored, risk.Restored, risk.Restored, risk.Restored, risk.Restored}
	out := make([]risk.TelemetryEvent, n)
	for i := range out {
		u := fmt.Sprintf("U%04d", r.IntN(units))
		out[i] = risk.TelemetryEvent{UnitID: u, DeviceID: fmt.Sprintf("D%d", r.IntN(5)), DeviceType: risk.SmokeDetector,
			Time: asOf.Add(-60 * day).Add(time.Duration(i) * (60 * day / time.Duration(n))), Kind: kinds[r.IntN(len(kinds))]}
	}
	return out
}

// TestEarlyWarningErrors: bad events and configurations are errors that
// name the event and field.
func TestEarlyWarningErrors(t *testing.T) {
	good := ev("U", "D", h, risk.Fault)
	for _, tc := range []struct {
		name   string
		mutate func(*risk.TelemetryEvent)
		column string
		want   error
	}{
		{"kind", func(e *risk.TelemetryEvent) { e.Kind = 99 }, "kind", risk.ErrBadEnum},
		{"device type", func(e *risk.TelemetryEvent) { e.DeviceType = 99 }, "device_type", risk.ErrBadEnum},
		{"unit", func(e *risk.TelemetryEvent) { e.UnitID = "" }, "unit_id", risk.ErrMissingValue},
		{"device", func(e *risk.TelemetryEvent) { e.DeviceID = "" }, "device_id", risk.ErrMissingValue},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bad := good
			tc.mutate(&bad)
			_, err := alert.Evaluate([]risk.TelemetryEvent{good, good, bad, bad}, nil, asOf, alert.Config{})
			require.ErrorIs(t, err, tc.want)
			var re *risk.RecordError
			require.True(t, errors.As(err, &re))
			assert.Equal(t, 3, re.Line)
			assert.Equal(t, tc.column, re.Column)
		})
	}
	for _, cfg := range []alert.Config{{OfflineAfter: -h}, {FaultRepeat: -1}, {MinSeverity: 9},
		{Severity: [alert.NumRules]alert.Severity{alert.RuleShielded: 7}}} {
		_, err := alert.Evaluate(nil, nil, asOf, cfg)
		assert.ErrorIs(t, err, alert.ErrBadConfig, "%+v", cfg)
	}
}

func TestEarlyWarningParse(t *testing.T) {
	for _, r := range alert.Rules() {
		got, err := alert.ParseRule(r.String())
		require.NoError(t, err)
		assert.Equal(t, r, got)
	}
	for s := alert.Info; s <= alert.Critical; s++ {
		got, err := alert.ParseSeverity(s.String())
		require.NoError(t, err)
		assert.Equal(t, s, got)
	}
	_, err := alert.ParseRule("nope")
	assert.ErrorIs(t, err, alert.ErrBadConfig)
	_, err = alert.ParseSeverity("")
	assert.ErrorIs(t, err, alert.ErrBadConfig)
}

// TestEarlyWarningManyDevices: units of 15,000 devices each (tables
// that grow), with ID strings shared by a device's events or copied per
// event (found by value), give one alert per unit counting every device.
func TestEarlyWarningManyDevices(t *testing.T) {
	for _, shared := range []bool{true, false} {
		var tel []risk.TelemetryEvent
		for u := range 3 {
			unit := fmt.Sprintf("U%d", u)
			for d := range 15000 {
				dev := fmt.Sprintf("D%05d", d)
				for k, kind := range []risk.EventKind{risk.Offline, risk.Offline} {
					e := risk.TelemetryEvent{UnitID: unit, DeviceID: dev, Time: asOf.Add(-time.Duration(50-k) * h), Kind: kind}
					if !shared {
						e.UnitID, e.DeviceID = string([]byte(unit)), string([]byte(dev))
					}
					tel = append(tel, e)
				}
			}
		}
		rep, err := alert.Evaluate(tel, nil, asOf, alert.Config{})
		require.NoError(t, err)
		require.Len(t, rep.Alerts, 3)
		for u, a := range rep.Alerts {
			assert.Equal(t, fmt.Sprintf("U%d", u), a.UnitID)
			assert.Equal(t, 15000, a.Count)
			require.Len(t, a.Evidence, 15000)
			assert.Equal(t, "D00000", a.Evidence[0].DeviceID)
			assert.Equal(t, asOf.Add(-50*h), a.Evidence[0].First)
		}
	}
}
