package alert_test

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/firedraw/firedraw/risk"
	"github.com/firedraw/firedraw/risk/alert"
)

// refConfig is a Config with every default filled in.
type refConfig struct {
	fireWin, alarmWin, offline, faultOpen, faultWin, shielded, pressFor, pressWin, elecWin time.Duration
	faultRepeat, elecRepeat                                                                int
	sev                                                                                    [alert.NumRules]alert.Severity
	off                                                                                    [alert.NumRules]bool
	min                                                                                    alert.Severity
}

func refFill(c alert.Config) refConfig {
	or := func(d, def time.Duration) time.Duration {
		if d == 0 {
			return def
		}
		return d
	}
	r := refConfig{fireWin: or(c.FireWindow, 30*day), alarmWin: or(c.AlarmWindow, 7*day), offline: or(c.OfflineAfter, day),
		faultOpen: or(c.FaultUnresolvedAfter, 7*day), faultWin: or(c.FaultWindow, 30*day), shielded: or(c.ShieldedAfter, day),
		pressFor: or(c.PressureLowFor, 3*day), pressWin: or(c.PressureWindow, 30*day), elecWin: or(c.ElectricalWindow, 7*day),
		faultRepeat: cmp.Or(c.FaultRepeat, 5), elecRepeat: cmp.Or(c.ElectricalRepeat, 3), off: c.Off, min: c.MinSeverity}
	for i := range r.sev {
		r.sev[i] = cmp.Or(c.Severity[i], alert.DefaultSeverity(alert.Rule(i)))
	}
	return r
}

// refFinding is one rule met by one device (or one fire).
type refFinding struct {
	unit  string
	rule  alert.Rule
	ev    alert.Evidence
	rised time.Time
}

// refEvaluate is a plain implementation of every rule, as documented:
// each device's events before asOf sorted by time then kind, each rule
// computed on its own.
func refEvaluate(tel []risk.TelemetryEvent, inc []risk.Incident, asOf time.Time, c alert.Config) []alert.Alert {
	cfg := refFill(c)
	on := func(r alert.Rule) bool { return !cfg.off[r] && cfg.sev[r] >= cfg.min }
	byDev := map[[2]string][]risk.TelemetryEvent{}
	for _, e := range tel {
		if e.Time.Before(asOf) {
			k := [2]string{e.UnitID, e.DeviceID}
			byDev[k] = append(byDev[k], e)
		}
	}
	var fs []refFinding
	for k, evs := range byDev {
		slices.SortStableFunc(evs, func(a, b risk.TelemetryEvent) int {
			return cmp.Or(a.Time.Compare(b.Time), cmp.Compare(a.Kind, b.Kind))
		})
		add := func(r alert.Rule, n int, first, last, raised time.Time, open bool) {
			if on(r) {
				fs = append(fs, refFinding{k[0], r, alert.Evidence{DeviceID: k[1], Count: n, First: first, Last: last, Open: open}, raised})
			}
		}
		counts := []struct {
			r     alert.Rule
			kinds []risk.EventKind
			win   time.Duration
			min   int
		}{{alert.RuleFireAlarm, []risk.EventKind{risk.FireAlarm}, cfg.alarmWin, 1},
			{alert.RuleFaultRepeated, []risk.EventKind{risk.Fault, risk.PowerFault}, cfg.faultWin, cfg.faultRepeat},
			{alert.RuleElectrical, []risk.EventKind{risk.ResidualCurrentHigh, risk.TemperatureHigh}, cfg.elecWin, cfg.elecRepeat}}
		for _, cr := range counts {
			var in []time.Time
			for _, e := range evs {
				if slices.Contains(cr.kinds, e.Kind) && !e.Time.Before(asOf.Add(-cr.win)) {
					in = append(in, e.Time)
				}
			}
			if len(in) > 0 && len(in) >= cr.min {
				add(cr.r, len(in), in[0], in[len(in)-1], in[len(in)-1], false)
			}
		}
		episodes := []struct {
			r     alert.Rule
			kinds []risk.EventKind
			dur   time.Duration
		}{{alert.RuleOffline, []risk.EventKind{risk.Offline}, cfg.offline},
			{alert.RuleFaultUnresolved, []risk.EventKind{risk.Fault, risk.PowerFault}, cfg.faultOpen},
			{alert.RuleShielded, []risk.EventKind{risk.Shielded}, cfg.shielded},
			{alert.RulePressureLow, []risk.EventKind{risk.PressureLow}, cfg.pressFor}}
		for _, er := range episodes {
			// Every episode: its start, and its end (zero if open).
			type episode struct{ start, end time.Time }
			var eps []episode
			var open *time.Time
			for _, e := range evs {
				switch {
				case e.Kind == risk.Restored && open != nil:
					eps = append(eps, episode{*open, e.Time})
					open = nil
				case slices.Contains(er.kinds, e.Kind) && open == nil:
					t := e.Time
					open = &t
				}
			}
			if open != nil && asOf.Sub(*open) >= er.dur {
				add(er.r, 1, *open, asOf, open.Add(er.dur), true)
				continue
			}
			if er.r != alert.RulePressureLow {
				continue
			}
			var best *episode
			for i, ep := range eps {
				if d := ep.end.Sub(ep.start); !ep.end.Before(asOf.Add(-cfg.pressWin)) && d >= er.dur && d > 0 &&
					(best == nil || d > best.end.Sub(best.start)) {
					best = &eps[i]
				}
			}
			if best != nil {
				add(er.r, 1, best.start, best.end, best.start.Add(er.dur), false)
			}
		}
	}
	for _, in := range inc {
		if in.Type == risk.Fire && in.Time.Before(asOf) && !in.Time.Before(asOf.Add(-cfg.fireWin)) && on(alert.RuleFire) {
			fs = append(fs, refFinding{in.UnitID, alert.RuleFire, alert.Evidence{Count: 1, First: in.Time, Last: in.Time,
				Casualties: in.Casualties, Loss: in.Loss}, in.Time})
		}
	}
	return refAlerts(fs, asOf, cfg)
}

// refAlerts groups findings into alerts by unit and rule.
func refAlerts(fs []refFinding, asOf time.Time, cfg refConfig) []alert.Alert {
	slices.SortFunc(fs, func(a, b refFinding) int {
		return cmp.Or(cmp.Compare(a.unit, b.unit), cmp.Compare(a.rule, b.rule), cmp.Compare(a.ev.DeviceID, b.ev.DeviceID),
			a.ev.First.Compare(b.ev.First), cmp.Compare(a.ev.Casualties, b.ev.Casualties), cmp.Compare(a.ev.Loss, b.ev.Loss))
	})
	windows := map[alert.Rule]time.Duration{alert.RuleFire: cfg.fireWin, alert.RuleFireAlarm: cfg.alarmWin,
		alert.RuleFaultRepeated: cfg.faultWin, alert.RuleElectrical: cfg.elecWin}
	thresholds := map[alert.Rule]time.Duration{alert.RuleOffline: cfg.offline, alert.RuleFaultUnresolved: cfg.faultOpen,
		alert.RuleShielded: cfg.shielded, alert.RulePressureLow: cfg.pressFor}
	var out []alert.Alert
	for i := 0; i < len(fs); {
		j := i
		a := alert.Alert{UnitID: fs[i].unit, Rule: fs[i].rule, Severity: cfg.sev[fs[i].rule], To: asOf, MinCount: 1,
			First: fs[i].ev.First, Last: fs[i].ev.Last, Raised: fs[i].rised}
		latest := fs[i].ev.First
		for ; j < len(fs) && fs[j].unit == a.UnitID && fs[j].rule == a.Rule; j++ {
			f := fs[j]
			a.Evidence = append(a.Evidence, f.ev)
			a.Count += f.ev.Count
			if f.ev.First.Before(a.First) {
				a.First = f.ev.First
			}
			if f.ev.Last.After(a.Last) {
				a.Last = f.ev.Last
			}
			if f.ev.First.After(latest) {
				latest = f.ev.First
			}
			if f.rised.After(a.Raised) {
				a.Raised = f.rised
			}
		}
		if w, ok := windows[a.Rule]; ok {
			a.From, a.Threshold = asOf.Add(-w), w
		} else {
			a.From, a.Last, a.Threshold = a.First, latest, thresholds[a.Rule]
		}
		if a.Rule == alert.RuleFire {
			a.Last = latest
		}
		switch a.Rule {
		case alert.RuleFaultRepeated:
			a.MinCount = cfg.faultRepeat
		case alert.RuleElectrical:
			a.MinCount = cfg.elecRepeat
		}
		out = append(out, a)
		i = j
	}
	return out
}

// refLog returns a random log: n events of units with up to 6 devices
// whose IDs repeat across units, on a grid of times (so that ties
// between kinds occur) over the 40 days before asOf and a few after, in
// time order or shuffled, with ID strings shared or copied per event.
func refLog(r *rand.Rand, units, n int, sorted, shared bool) []risk.TelemetryEvent {
	step := time.Duration(1+r.IntN(12)) * time.Hour
	out := make([]risk.TelemetryEvent, n)
	kinds := risk.EventKinds()
	for i := range out {
		u, d := fmt.Sprintf("U%03d", r.IntN(units)), fmt.Sprintf("D%d", r.IntN(6))
		if !shared || r.IntN(2) == 0 {
			u, d = string([]byte(u)), string([]byte(d))
		}
		k := kinds[r.IntN(len(kinds))]
		if r.IntN(3) == 0 {
			k = risk.Restored
		}
		out[i] = risk.TelemetryEvent{UnitID: u, DeviceID: d, DeviceType: risk.SmokeDetector, Kind: k,
			Time: asOf.Add(-40 * day).Add(time.Duration(r.IntN(int(41*day/step))) * step)}
	}
	if sorted {
		slices.SortStableFunc(out, func(a, b risk.TelemetryEvent) int { return a.Time.Compare(b.Time) })
	}
	return out
}

// refConfigRandom returns a random Config: short or default windows and
// thresholds, repeats of 1 to 4, rules off and severities changed.
func refConfigRandom(r *rand.Rand) alert.Config {
	d := func() time.Duration {
		if r.IntN(3) == 0 {
			return 0
		}
		return time.Duration(1+r.IntN(20*24)) * time.Hour
	}
	c := alert.Config{FireWindow: d(), AlarmWindow: d(), OfflineAfter: d(), FaultUnresolvedAfter: d(), FaultRepeat: r.IntN(5),
		FaultWindow: d(), ShieldedAfter: d(), PressureLowFor: d(), PressureWindow: d(), ElectricalRepeat: r.IntN(5),
		ElectricalWindow: d(), MinSeverity: alert.Severity(r.IntN(3))}
	for i := range c.Severity {
		c.Severity[i] = alert.Severity(r.IntN(5))
		c.Off[i] = r.IntN(8) == 0
	}
	return c
}

// TestEarlyWarningReference: on random logs (time-ordered or shuffled,
// small or of many buckets, IDs shared or not) and random Configs,
// Evaluate gives exactly the alerts of a plain per-rule reference
// implementation, with one Evaluator reused.
func TestEarlyWarningReference(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	var e alert.Evaluator
	total := 0
	for i := range 60 {
		units, n := 1+r.IntN(40), 1+r.IntN(400)
		if i%10 == 0 { // many buckets
			units, n = 2000, 30000+r.IntN(20000)
		}
		sorted, shared := i%2 == 0, i%3 != 0
		tel := refLog(r, units, n, sorted, shared)
		var inc []risk.Incident
		for range r.IntN(5) {
			inc = append(inc, risk.Incident{UnitID: fmt.Sprintf("U%03d", r.IntN(units)), Type: risk.IncidentType(r.IntN(2)),
				Time: asOf.Add(-time.Duration(r.IntN(50*24)-24) * time.Hour), Casualties: r.IntN(3)})
		}
		e.Config = refConfigRandom(r)
		want := refEvaluate(tel, inc, asOf, e.Config)
		rep, err := e.Evaluate(tel, inc, asOf)
		require.NoError(t, err)
		total += len(want)
		require.Equal(t, want, rep.Alerts, "log %d: %d units, %d events, sorted %v, config %+v", i, units, n, sorted, e.Config)
	}
	require.Greater(t, total, 10000, "the logs raise many alerts") // 25,170 at this seed
}
