package alert

import (
	"cmp"
	"hash/maphash"
	"math"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/firedraw/firedraw/risk"
)

// Evaluator evaluates the rules of its Config and keeps its working
// memory from call to call, so that a service that evaluates the same
// growing log again and again allocates little. The zero Evaluator uses
// the default Config. An Evaluator is not safe for concurrent use.
type Evaluator struct {
	Config Config
	work   [2]worker
}

// rec is one event as pass 2 needs it, in 24 bytes free of pointers.
type rec struct {
	k  uint64 // device key: a hash of the unit and device IDs
	t  int64  // Unix nanoseconds
	ik uint64 // event index << 8 | kind
}

// item is one event of a device.
type item struct {
	t  int64
	ik uint64
}

// finding is one rule met by one device.
type finding struct {
	rule        Rule
	raised      int64
	rep         int // index of the device's first event
	count       int32
	open        bool
	first, last int64
}

// worker holds the memory of one of the 2 goroutines.
type worker struct {
	buckets  [][]rec
	late     int
	bad      int // first bad event, or −1
	slots    []slot
	ndev     int
	devOf    []int32
	rep      []int
	start    []int32
	items    []item
	findings []finding
}

type slot struct {
	k uint64
	d int32 // device + 1; 0 is empty
}

const noTime = math.MinInt64

// Evaluate is [Evaluate] with the Evaluator's Config and memory.
//
// Method: two passes, as risk.Extract aggregates telemetry. Pass 1 (2
// goroutines over halves of the log) validates each event, drops those
// at or after asOf and appends a 24-byte record — a keyed hash of the
// unit and device IDs, the time, the index and the kind — to one of up
// to 1,024 buckets by the unit's hash. Pass 2 (2 goroutines over the
// buckets, each a few thousand devices that fit in cache) numbers the
// devices of a bucket through a small open-addressing table, groups
// their events by a counting sort that keeps input order, sorts a
// device's events by time only if they are out of order, and runs the
// rules over each device's events. Maps and strings stay out of both hot
// loops; only the findings go back to the ID strings, to be grouped
// into alerts by unit.
//
// A device is known by 64 bits of a randomly keyed hash (maphash) of
// its unit and device IDs within a bucket chosen by 10 more bits of the
// unit's hash: two devices are mistaken for one with probability below
// D²/2⁷⁵ for D devices (below 10⁻¹⁰ for a million), whatever the input.
func (e *Evaluator) Evaluate(tel []risk.TelemetryEvent, inc []risk.Incident, asOf time.Time) (*Report, error) {
	p, err := e.Config.params()
	if err != nil {
		return nil, err
	}
	rep := &Report{AsOf: asOf, Events: len(tel), Incidents: len(inc)}
	fires, err := p.fires(inc, asOf, rep)
	if err != nil {
		return nil, err
	}
	bits := bucketBits(len(tel))
	seed := maphash.MakeSeed()
	an := asOf.UnixNano()
	parallel2(len(tel), func(g, lo, hi int) { e.work[g].pass1(tel, lo, hi, an, bits, seed) })
	for g := range e.work {
		if b := e.work[g].bad; b >= 0 {
			return nil, eventError(tel, b)
		}
		rep.Late += e.work[g].late
	}
	var next atomic.Int64
	parallel2(2, func(g, _, _ int) {
		w := &e.work[g]
		w.findings = w.findings[:0]
		for b := int(next.Add(1) - 1); b < 1<<bits; b = int(next.Add(1) - 1) {
			w.bucket(&e.work, b, &p, an)
		}
	})
	rep.Alerts = p.alerts(tel, append(e.work[0].findings, e.work[1].findings...), asOf)
	rep.Alerts = append(rep.Alerts, fires...)
	slices.SortStableFunc(rep.Alerts, func(a, b Alert) int {
		return cmp.Or(cmp.Compare(a.UnitID, b.UnitID), cmp.Compare(a.Rule, b.Rule))
	})
	return rep, nil
}

// bucketBits returns the number of bits of the bucket index: about 8,192
// events per bucket, at most 1,024 buckets.
func bucketBits(n int) int {
	bits := 0
	for bits < 10 && 8192<<bits < n {
		bits++
	}
	return bits
}

var numKinds = risk.EventKind(len(risk.EventKinds()))
var numTypes = risk.DeviceType(len(risk.DeviceTypes()))

// pass1 appends the records of events [lo, hi) to w's buckets.
func (w *worker) pass1(tel []risk.TelemetryEvent, lo, hi int, asOf int64, bits int, seed maphash.Seed) {
	nb := 1 << bits
	if len(w.buckets) != nb {
		w.buckets = make([][]rec, nb)
	}
	// Room for 1/8 more than the mean, so that few buckets grow.
	room := (hi-lo)/nb + (hi-lo)/nb/8 + 16
	for b := range w.buckets {
		if cap(w.buckets[b]) < room {
			w.buckets[b] = make([]rec, 0, room)
		}
		w.buckets[b] = w.buckets[b][:0]
	}
	w.late, w.bad = 0, -1
	shift := uint(64 - bits)
	for i := lo; i < hi; i++ {
		ev := &tel[i]
		if ev.Kind >= numKinds || ev.DeviceType >= numTypes || ev.UnitID == "" || ev.DeviceID == "" {
			w.bad = i
			return
		}
		t := ev.Time.UnixNano()
		if t >= asOf {
			w.late++
			continue
		}
		ku := maphash.String(seed, ev.UnitID)
		k := ku*0x9e3779b97f4a7c15 ^ maphash.String(seed, ev.DeviceID)
		b := 0
		if bits > 0 {
			b = int(ku >> shift)
		}
		w.buckets[b] = append(w.buckets[b], rec{k: k, t: t, ik: uint64(i)<<8 | uint64(ev.Kind)})
	}
}

// bucket runs the rules over the devices of bucket b, whose records are
// in both workers' buckets (the first half of the log first).
func (w *worker) bucket(all *[2]worker, b int, p *params, asOf int64) {
	n := len(all[0].buckets[b]) + len(all[1].buckets[b])
	if n == 0 {
		return
	}
	w.resetTable(n)
	w.devOf = slices.Grow(w.devOf[:0], n)[:n]
	j := 0
	for h := range all {
		for _, r := range all[h].buckets[b] {
			w.devOf[j] = w.device(r.k, int(r.ik>>8))
			j++
		}
	}
	// Counting sort by device, keeping input order.
	w.start = slices.Grow(w.start[:0], w.ndev+1)[:w.ndev+1]
	clear(w.start)
	for _, d := range w.devOf {
		w.start[d+1]++
	}
	for d := 1; d <= w.ndev; d++ {
		w.start[d] += w.start[d-1]
	}
	w.items = slices.Grow(w.items[:0], n)[:n]
	pos := w.start[:w.ndev] // advanced in place, then restored below
	j = 0
	for h := range all {
		for _, r := range all[h].buckets[b] {
			d := w.devOf[j]
			w.items[pos[d]] = item{r.t, r.ik}
			pos[d]++
			j++
		}
	}
	lo := int32(0)
	for d := 0; d < w.ndev; d++ {
		hi := pos[d]
		w.scan(w.items[lo:hi], w.rep[d], p, asOf)
		lo = hi
	}
}

// resetTable empties the device table for a bucket of n records.
func (w *worker) resetTable(n int) {
	size := 256
	for size < n && size < 1<<14 {
		size *= 2
	}
	if cap(w.slots) >= size {
		w.slots = w.slots[:size]
		clear(w.slots)
	} else {
		w.slots = make([]slot, size)
	}
	w.ndev = 0
	w.rep = w.rep[:0]
}

// device returns the number of the device with key k, adding it (with
// its first event i) if new.
func (w *worker) device(k uint64, i int) int32 {
	if 2*(w.ndev+1) > len(w.slots) {
		w.grow()
	}
	mask := uint64(len(w.slots) - 1)
	h := (k ^ k>>29) * 0xbf58476d1ce4e5b9
	for s := h >> 32 & mask; ; s = (s + 1) & mask {
		sl := &w.slots[s]
		if sl.d == 0 {
			sl.k, sl.d = k, int32(w.ndev+1)
			w.rep = append(w.rep, i)
			w.ndev++
			return sl.d - 1
		}
		if sl.k == k {
			return sl.d - 1
		}
	}
}

func (w *worker) grow() {
	old := w.slots
	w.slots = make([]slot, 2*len(old))
	mask := uint64(len(w.slots) - 1)
	for _, sl := range old {
		if sl.d == 0 {
			continue
		}
		h := (sl.k ^ sl.k>>29) * 0xbf58476d1ce4e5b9
		s := h >> 32 & mask
		for w.slots[s].d != 0 {
			s = (s + 1) & mask
		}
		w.slots[s] = sl
	}
}

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

// scan runs the device rules over the events of one device (first event
// rep) and appends its findings.
func (w *worker) scan(items []item, rep int, p *params, asOf int64) {
	if !slices.IsSortedFunc(items, cmpItem) {
		slices.SortFunc(items, cmpItem)
	}
	var alarm, fault, elec counter
	off, flt, sh, pr := int64(noTime), int64(noTime), int64(noTime), int64(noTime)
	var best finding // the longest closed low-pressure episode in the window
	alarmFrom, faultFrom, elecFrom, pressFrom := asOf-p.alarmWin, asOf-p.faultWin, asOf-p.elecWin, asOf-p.pressWin
	for _, it := range items {
		t := it.t
		switch risk.EventKind(it.ik & 0xff) {
		case risk.FireAlarm:
			if t >= alarmFrom {
				alarm.add(t)
			}
		case risk.Fault, risk.PowerFault:
			if t >= faultFrom {
				fault.add(t)
			}
			if flt == noTime {
				flt = t
			}
		case risk.Offline:
			if off == noTime {
				off = t
			}
		case risk.Shielded:
			if sh == noTime {
				sh = t
			}
		case risk.PressureLow:
			if pr == noTime {
				pr = t
			}
		case risk.ResidualCurrentHigh, risk.TemperatureHigh:
			if t >= elecFrom {
				elec.add(t)
			}
		case risk.Restored:
			if pr != noTime && t >= pressFrom && t-pr >= p.pressFor && t-pr > best.last-best.first {
				best = finding{rule: RulePressureLow, rep: rep, count: 1, first: pr, last: t, raised: pr + p.pressFor}
			}
			off, flt, sh, pr = noTime, noTime, noTime, noTime
		}
	}
	w.count(RuleFireAlarm, alarm, 1, rep, p)
	w.count(RuleFaultRepeated, fault, p.faultRepeat, rep, p)
	w.count(RuleElectrical, elec, p.elecRepeat, rep, p)
	w.episode(RuleOffline, off, p.offline, rep, p, asOf)
	w.episode(RuleFaultUnresolved, flt, p.faultOpen, rep, p, asOf)
	w.episode(RuleShielded, sh, p.shielded, rep, p, asOf)
	if !w.episode(RulePressureLow, pr, p.pressFor, rep, p, asOf) && best.count > 0 && p.on(RulePressureLow) {
		w.findings = append(w.findings, best)
	}
}

func cmpItem(a, b item) int {
	return cmp.Or(cmp.Compare(a.t, b.t), cmp.Compare(a.ik&0xff, b.ik&0xff))
}

// count adds a finding if c reached min (at least 1) events.
func (w *worker) count(r Rule, c counter, min, rep int, p *params) {
	if c.n > 0 && int(c.n) >= min && p.on(r) {
		w.findings = append(w.findings, finding{rule: r, rep: rep, count: c.n, first: c.first, last: c.last, raised: c.last})
	}
}

// episode adds a finding if an episode opened at start is still open at
// asOf after at least d, and reports whether it did.
func (w *worker) episode(r Rule, start, d int64, rep int, p *params, asOf int64) bool {
	if start == noTime || asOf-start < d || !p.on(r) {
		return false
	}
	w.findings = append(w.findings, finding{rule: r, rep: rep, count: 1, open: true, first: start, last: asOf, raised: start + d})
	return true
}

// parallel2 runs f on 2 goroutines over [0, n/2) and [n/2, n).
func parallel2(n int, f func(g, lo, hi int)) {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); f(1, n/2, n) }()
	f(0, 0, n/2)
	wg.Wait()
}
