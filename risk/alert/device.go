package alert

import "github.com/firedraw/firedraw/risk"

// counter counts events of a rule in its window.
type counter struct {
	n           int32
	first, last int64
}

func (c *counter) add(t int64) {
	if c.n == 0 {
		c.first = t
	}
	c.n++
	c.last = t
}

// device is the state of the rules on one device of a bucket, advanced
// event by event in time order (ties by kind).
type device struct {
	unit, dev          string
	lastT              int64 // the last event's time and kind (to see the order)
	alarm, fault, elec counter
	// Start of the open offline, fault, shielded and low-pressure
	// episodes, or noTime.
	off, flt, sh, pr int64
	// The longest closed low-pressure episode in the window: its start
	// and end, if hasBest.
	bestFirst, bestLast int64
	hasBest             bool
	lastK               risk.EventKind
}

// reset empties the rules' state of d.
func (d *device) reset() {
	*d = device{unit: d.unit, dev: d.dev, lastT: noTime,
		off: noTime, flt: noTime, sh: noTime, pr: noTime}
}

// step advances the rules of d by an event of kind k at t < asOf.
func (d *device) step(t int64, k risk.EventKind, p *params) {
	switch k {
	case risk.FireAlarm:
		if t >= p.alarmFrom {
			d.alarm.add(t)
		}
	case risk.Fault, risk.PowerFault:
		if t >= p.faultFrom {
			d.fault.add(t)
		}
		if d.flt == noTime {
			d.flt = t
		}
	case risk.Offline:
		if d.off == noTime {
			d.off = t
		}
	case risk.Shielded:
		if d.sh == noTime {
			d.sh = t
		}
	case risk.PressureLow:
		if d.pr == noTime {
			d.pr = t
		}
	case risk.ResidualCurrentHigh, risk.TemperatureHigh:
		if t >= p.elecFrom {
			d.elec.add(t)
		}
	case risk.Restored:
		if d.pr != noTime && t >= p.pressFrom && t-d.pr >= p.pressFor && t-d.pr > d.bestLast-d.bestFirst {
			d.bestFirst, d.bestLast, d.hasBest = d.pr, t, true
		}
		d.off, d.flt, d.sh, d.pr = noTime, noTime, noTime, noTime
	}
}

// emit appends the findings of d to fs.
func (d *device) emit(fs *[]finding, p *params) {
	d.count(fs, RuleFireAlarm, d.alarm, 1, p)
	d.count(fs, RuleFaultRepeated, d.fault, p.faultRepeat, p)
	d.count(fs, RuleElectrical, d.elec, p.elecRepeat, p)
	d.episode(fs, RuleOffline, d.off, p.offline, p)
	d.episode(fs, RuleFaultUnresolved, d.flt, p.faultOpen, p)
	d.episode(fs, RuleShielded, d.sh, p.shielded, p)
	if !d.episode(fs, RulePressureLow, d.pr, p.pressFor, p) && d.hasBest && p.on(RulePressureLow) {
		*fs = append(*fs, finding{unit: d.unit, dev: d.dev, rule: RulePressureLow, count: 1,
			first: d.bestFirst, last: d.bestLast, raised: d.bestFirst + p.pressFor})
	}
}

// count adds a finding if c reached min (at least 1) events.
func (d *device) count(fs *[]finding, r Rule, c counter, min int, p *params) {
	if c.n > 0 && int(c.n) >= min && p.on(r) {
		*fs = append(*fs, finding{unit: d.unit, dev: d.dev, rule: r, count: c.n, first: c.first, last: c.last, raised: c.last})
	}
}

// episode adds a finding if an episode opened at start is still open at
// asOf after at least dur, and reports whether it did.
func (d *device) episode(fs *[]finding, r Rule, start, dur int64, p *params) bool {
	if start == noTime || p.asOf-start < dur || !p.on(r) {
		return false
	}
	*fs = append(*fs, finding{unit: d.unit, dev: d.dev, rule: r, count: 1, open: true, first: start, last: p.asOf, raised: start + dur})
	return true
}
