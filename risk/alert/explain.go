package alert

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/firedraw/firedraw/risk"
)

// eventError describes bad event i.
func eventError(tel []risk.TelemetryEvent, i int) error {
	ev := &tel[i]
	e := &risk.RecordError{Source: "telemetry", Line: i + 1, RecordID: ev.UnitID}
	switch {
	case ev.UnitID == "":
		e.Column, e.Err = "unit_id", risk.ErrMissingValue
	case ev.DeviceID == "":
		e.Column, e.Err = "device_id", risk.ErrMissingValue
	case ev.Kind >= numKinds:
		e.Column, e.Value, e.Err = "kind", ev.Kind.String(), risk.ErrBadEnum
	default:
		e.Column, e.Value, e.Err = "device_type", ev.DeviceType.String(), risk.ErrBadEnum
	}
	return e
}

// fires returns the RuleFire alerts: fire incidents in the fire window.
func (p *params) fires(inc []risk.Incident, asOf time.Time, rep *Report) ([]Alert, error) {
	byUnit := map[string][]Evidence{}
	from := asOf.Add(-time.Duration(p.fireWin))
	for i := range inc {
		in := &inc[i]
		if in.UnitID == "" {
			return nil, &risk.RecordError{Source: "incidents", Line: i + 1, Column: "unit_id", Err: risk.ErrMissingValue}
		}
		if !in.Time.Before(asOf) {
			rep.LateIncidents++
			continue
		}
		if in.Type != risk.Fire || in.Time.Before(from) || !p.on(RuleFire) {
			continue
		}
		byUnit[in.UnitID] = append(byUnit[in.UnitID], Evidence{Count: 1, First: in.Time, Last: in.Time,
			Casualties: in.Casualties, Loss: in.Loss})
	}
	out := make([]Alert, 0, len(byUnit))
	for u, ev := range byUnit {
		slices.SortFunc(ev, func(a, b Evidence) int {
			return cmp.Or(a.First.Compare(b.First), cmp.Compare(a.Casualties, b.Casualties), cmp.Compare(a.Loss, b.Loss))
		})
		a := Alert{UnitID: u, Rule: RuleFire, Severity: p.sev[RuleFire], From: from, To: asOf, Count: len(ev),
			First: ev[0].First, Last: ev[len(ev)-1].First, Raised: ev[len(ev)-1].First, Evidence: ev}
		a.Threshold, a.MinCount = time.Duration(p.fireWin), 1
		out = append(out, a)
	}
	return out, nil
}

// alert builds the alert of the findings of one unit and rule, sorted
// by device, with its evidence in ev (of the same length).
func (p *params) alert(fs []finding, ev []Evidence, asOf time.Time) Alert {
	r := fs[0].rule
	a := Alert{UnitID: fs[0].unit, Rule: r, Severity: p.sev[r], To: asOf, Evidence: ev}
	first, last, raised := fs[0].first, fs[0].last, fs[0].raised
	for i := range fs {
		f := &fs[i]
		raised = max(raised, f.raised)
		ev[i] = Evidence{DeviceID: f.dev, Count: int(f.count),
			First: time.Unix(0, f.first).UTC(), Last: time.Unix(0, f.last).UTC(), Open: f.open}
		first, last = min(first, f.first), max(last, f.last)
	}
	switch r {
	case RuleFireAlarm, RuleFaultRepeated, RuleElectrical:
		for i := range fs {
			a.Count += int(fs[i].count)
		}
		a.From, a.First, a.Last = asOf.Add(-time.Duration(p.window(r))), time.Unix(0, first).UTC(), time.Unix(0, last).UTC()
	default:
		a.Count = len(fs)
		latest := fs[0].first
		for i := range fs {
			latest = max(latest, fs[i].first)
		}
		a.From, a.First, a.Last = time.Unix(0, first).UTC(), time.Unix(0, first).UTC(), time.Unix(0, latest).UTC()
	}
	a.Raised = time.Unix(0, raised).UTC()
	a.Threshold, a.MinCount = time.Duration(p.threshold(r)), 1
	switch r {
	case RuleFaultRepeated:
		a.MinCount = p.faultRepeat
	case RuleElectrical:
		a.MinCount = p.elecRepeat
	}
	return a
}

// window returns the counting window of a count rule.
func (p *params) window(r Rule) int64 {
	switch r {
	case RuleFireAlarm:
		return p.alarmWin
	case RuleFaultRepeated:
		return p.faultWin
	case RuleElectrical:
		return p.elecWin
	case RulePressureLow:
		return p.pressWin
	}
	return p.fireWin
}

// threshold returns the duration of rule r that Alert.Threshold reports.
func (p *params) threshold(r Rule) int64 {
	switch r {
	case RuleOffline:
		return p.offline
	case RuleFaultUnresolved:
		return p.faultOpen
	case RuleShielded:
		return p.shielded
	case RulePressureLow:
		return p.pressFor
	}
	return p.window(r)
}

// Explain returns the plain Chinese and English explanation of a, e.g.
// "1 device(s) shielded for over 24 h (U-SD03, the first since
// 2025-12-29 08:32): their zones detect no fire." It is computed on
// demand: a city's alerts are many, and few are read.
func (a *Alert) Explain() (zh, en string) {
	th := int64(a.Threshold)
	d := func(t time.Time) string { return t.Format("2006-01-02 15:04") }
	devs := deviceList(a.Evidence)
	since := a.To.Sub(a.First).Round(time.Hour)
	switch a.Rule {
	case RuleFire:
		var cas int
		for _, e := range a.Evidence {
			cas += e.Casualties
		}
		zh = fmt.Sprintf("近%s发生火灾%d起（最近一起 %s，伤亡%d人），须核查火灾原因调查与整改。", zhDur(th), a.Count, d(a.Last), cas)
		en = fmt.Sprintf("%d fire(s) in the last %s (latest %s, %d casualties): check the fire's cause and its rectification.",
			a.Count, enDur(th), d(a.Last), cas)
	case RuleFireAlarm:
		zh = fmt.Sprintf("近%s火灾报警%d次（%s，最近 %s），须核查报警是否及时确认处置。", zhDur(th), a.Count, devs, d(a.Last))
		en = fmt.Sprintf("%d fire alarm(s) in the last %s (%s, latest %s): check that each was confirmed and handled.",
			a.Count, enDur(th), devs, d(a.Last))
	case RuleOffline:
		zh = fmt.Sprintf("%d个设备离线超过%s（%s，最早自 %s 起，已%s），单位处于无监测状态。", a.Count, zhDur(th), devs, d(a.First), zhDur(int64(since)))
		en = fmt.Sprintf("%d device(s) offline for over %s (%s, the first since %s, %s): the unit is not monitored.",
			a.Count, enDur(th), devs, d(a.First), enDur(int64(since)))
	case RuleFaultUnresolved:
		zh = fmt.Sprintf("%d个设备故障超过%s未排除（%s，最早自 %s 起），消防设施带故障运行。", a.Count, zhDur(th), devs, d(a.First))
		en = fmt.Sprintf("%d device fault(s) unresolved for over %s (%s, the first since %s): fire protection runs with faults.",
			a.Count, enDur(th), devs, d(a.First))
	case RuleFaultRepeated:
		zh = fmt.Sprintf("近%s设备反复故障%d次（%s，每台至少%d次），须检查维护保养。", zhDur(th), a.Count, devs, a.MinCount)
		en = fmt.Sprintf("%d faults in the last %s from devices failing at least %d times each (%s): check maintenance.",
			a.Count, enDur(th), a.MinCount, devs)
	case RuleShielded:
		zh = fmt.Sprintf("%d个设备被屏蔽超过%s（%s，最早自 %s 起），相应区域失去火灾探测。", a.Count, zhDur(th), devs, d(a.First))
		en = fmt.Sprintf("%d device(s) shielded for over %s (%s, the first since %s): their zones detect no fire.",
			a.Count, enDur(th), devs, d(a.First))
	case RulePressureLow:
		zh = fmt.Sprintf("消防水压低持续%s以上（%s，自 %s 起），自动喷水灭火和消火栓系统可能无法出水。", zhDur(th), devs, d(a.First))
		en = fmt.Sprintf("Water pressure low for %s or more (%s, from %s): sprinklers and hydrants may not deliver water.",
			enDur(th), devs, d(a.First))
	case RuleElectrical:
		zh = fmt.Sprintf("近%s剩余电流或线缆温度报警%d次（%s，每台至少%d次），存在电气火灾隐患。", zhDur(th), a.Count, devs, a.MinCount)
		en = fmt.Sprintf("%d residual-current or cable-temperature alarms in the last %s from devices alarming at least %d times each (%s): an electrical fire hazard.",
			a.Count, enDur(th), a.MinCount, devs)
	}
	return zh, en
}

// deviceList names up to 3 devices of the evidence, then how many more.
func deviceList(ev []Evidence) string {
	var ids []string
	for _, e := range ev {
		if e.DeviceID != "" {
			ids = append(ids, e.DeviceID)
		}
	}
	if len(ids) > 3 {
		return strings.Join(ids[:3], ", ") + " +" + strconv.Itoa(len(ids)-3)
	}
	return strings.Join(ids, ", ")
}

func zhDur(ns int64) string { return fmtDur(ns, "天", "小时") }
func enDur(ns int64) string { return fmtDur(ns, " days", " h") }

// fmtDur writes a duration in whole days from 2 days, else in hours
// rounded to one decimal.
func fmtDur(ns int64, dayWord, hourWord string) string {
	d := time.Duration(ns).Round(6 * time.Minute)
	if d >= 2*day && d%day == 0 {
		return strconv.FormatInt(int64(d/day), 10) + dayWord
	}
	return strconv.FormatFloat(d.Hours(), 'f', -1, 64) + hourWord
}
