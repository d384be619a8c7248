package alert

import (
	"cmp"
	"errors"
	"hash/maphash"
	"math"
	"slices"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/firedraw/firedraw/risk"
)

// Evaluator evaluates the rules of its Config and keeps its working
// memory from call to call, so that a service that evaluates the same
// growing log again and again allocates little. The zero Evaluator uses
// the default Config. An Evaluator is not safe for concurrent use.
type Evaluator struct {
	Config  Config
	work    [2]worker
	found   []finding // both workers' findings
	created []created // both workers' created devices
}

// rec is one event as pass 2 needs it, in 32 bytes free of pointers.
type rec struct {
	u, d uint64 // identity tokens of the unit and device ID strings (see token)
	t    int64  // Unix nanoseconds
	ik   uint64 // event index << 8 | kind
}

// token returns an identity token of the bytes of s: the address of its
// data (bits 0–47) and its length (48–63), or 0 if they do not fit. Two
// strings with the same non-zero token are equal: strings are
// immutable, and the events keep theirs alive while the tokens are in
// use. The token is only compared, never turned back into a pointer.
// Loaders share the strings of repeated IDs, so that the events of one
// device almost always have the same tokens and pass 2 seldom reads a
// string.
func token(s string) uint64 {
	p := uint64(uintptr(unsafe.Pointer(unsafe.StringData(s))))
	if p >= 1<<48 || len(s) >= 1<<16 {
		return 0
	}
	return p | uint64(len(s))<<48
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
	bad      int    // first bad event, or −1
	slots    []slot // by tokens
	vslots   []slot // by value
	uslots   []slot // unit tokens seen
	nunit    int
	ntok     int
	ndev     int
	devOf    []int32
	rep      []int
	start    []int32
	items    []item
	findings []finding
	created  []created
}

// slot is a slot of a device table: by tokens (u, d) or by value (u
// the hash of the IDs, d 0), v the device + 1, 0 for an empty slot.
type slot struct {
	u, d uint64
	v    int32
}

const noTime = math.MinInt64

// Evaluate is [Evaluate] with the Evaluator's Config and memory.
//
// Method: two passes, as risk.Extract aggregates telemetry. Pass 1 (2
// goroutines over halves of the log) validates each event, drops those
// at or after asOf and appends a 32-byte record — identity tokens of the
// unit and device ID strings (their address and length, which costs no
// memory access), the time, the index and the kind — to one of up to
// 1,024 buckets by a hash of the unit ID's token. Pass 2 (2 goroutines over the
// buckets, each a few thousand devices that fit in cache) numbers the
// devices of a bucket by their tokens through a small open-addressing
// table, and a token pair seen for the first time by the ID strings
// themselves (compared exactly: two devices are never confused), groups
// the events by a counting sort that keeps input order, sorts a
// device's events by time only if they are out of order, and runs the
// rules over each device's events. Maps stay out of both hot loops;
// only the findings go back to the ID strings, to be grouped into
// alerts by unit. IDs copied per event (not shared) are correct but
// slower: every event is then found by value, and if a device's events
// went to two buckets (its unit ID in different strings), both passes
// run again with buckets by the unit ID's value.
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
	late, err := e.run(tel, &p, asOf.UnixNano(), false)
	if errors.Is(err, errSplit) {
		late, err = e.run(tel, &p, asOf.UnixNano(), true)
	}
	if err != nil {
		return nil, err
	}
	rep.Late = late
	e.found = append(append(e.found[:0], e.work[0].findings...), e.work[1].findings...)
	rep.Alerts = p.alerts(tel, e.found, asOf, len(fires))
	rep.Alerts = append(rep.Alerts, fires...)
	slices.SortStableFunc(rep.Alerts, func(a, b Alert) int {
		return cmp.Or(cmp.Compare(a.UnitID, b.UnitID), cmp.Compare(a.Rule, b.Rule))
	})
	return rep, nil
}

// errSplit reports a device whose events went to two buckets.
var errSplit = errors.New("alert: unit ID strings not shared")

// run runs both passes and leaves the findings in e.work, returning the
// number of late events. Unless byValue, the bucket of an event is a
// hash of the identity token of its unit ID string, which reads no
// string; a device whose events have unit IDs in different strings
// that went to different buckets is then found after pass 2 and run
// returns errSplit. With byValue, the bucket is a hash of the unit ID
// itself.
func (e *Evaluator) run(tel []risk.TelemetryEvent, p *params, asOf int64, byValue bool) (int, error) {
	bits := bucketBits(len(tel))
	seed := maphash.MakeSeed()
	parallel2(len(tel), func(g, lo, hi int) { e.work[g].pass1(tel, lo, hi, asOf, bits, seed, byValue) })
	late := 0
	for g := range e.work {
		if b := e.work[g].bad; b >= 0 {
			return 0, eventError(tel, b)
		}
		late += e.work[g].late
	}
	var next atomic.Int64
	parallel2(2, func(g, _, _ int) {
		w := &e.work[g]
		w.findings, w.created = w.findings[:0], w.created[:0]
		for b := int(next.Add(1) - 1); b < 1<<bits; b = int(next.Add(1) - 1) {
			w.bucket(tel, seed, &e.work, b, p, asOf)
		}
	})
	if !byValue && e.split(tel) {
		return 0, errSplit
	}
	return late, nil
}

// split reports whether a unit was seen in two buckets (so that a
// device may have been).
func (e *Evaluator) split(tel []risk.TelemetryEvent) bool {
	e.created = append(append(e.created[:0], e.work[0].created...), e.work[1].created...)
	all := e.created
	slices.SortFunc(all, func(a, b created) int { return cmp.Compare(a.h, b.h) })
	for i := 1; i < len(all); i++ {
		a, b := &all[i-1], &all[i]
		if a.h == b.h && a.b != b.b && tel[a.rep].UnitID == tel[b.rep].UnitID {
			return true
		}
	}
	return false
}

// created is a unit first seen in bucket b, by its value hash h.
type created struct {
	h   uint64
	b   int32
	rep int
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
func (w *worker) pass1(tel []risk.TelemetryEvent, lo, hi int, asOf int64, bits int, seed maphash.Seed, byValue bool) {
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
		u, b := token(ev.UnitID), 0
		switch {
		case bits == 0:
		case u != 0 && !byValue:
			b = int(mix(u, 0) >> shift)
		default:
			b = int(maphash.String(seed, ev.UnitID) >> shift)
		}
		w.buckets[b] = append(w.buckets[b], rec{u: u, d: token(ev.DeviceID), t: t, ik: uint64(i)<<8 | uint64(ev.Kind)})
	}
}

// bucket runs the rules over the devices of bucket b, whose records are
// in both workers' buckets (the first half of the log first).
func (w *worker) bucket(tel []risk.TelemetryEvent, seed maphash.Seed, all *[2]worker, b int, p *params, asOf int64) {
	n := len(all[0].buckets[b]) + len(all[1].buckets[b])
	if n == 0 {
		return
	}
	w.resetTable(n)
	w.devOf = slices.Grow(w.devOf[:0], n)[:n]
	j := 0
	for h := range all {
		for _, r := range all[h].buckets[b] {
			w.devOf[j] = w.device(tel, seed, r.u, r.d, int(r.ik>>8), int32(b))
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

// resetTable empties the device tables for a bucket of n records.
func (w *worker) resetTable(n int) {
	size := 256
	for size < n && size < 1<<14 {
		size *= 2
	}
	for _, t := range []*[]slot{&w.slots, &w.vslots, &w.uslots} {
		if cap(*t) >= size {
			*t = (*t)[:size]
			clear(*t)
		} else {
			*t = make([]slot, size)
		}
	}
	w.ntok, w.ndev, w.nunit = 0, 0, 0
	w.rep = w.rep[:0]
}

func mix(a, b uint64) uint64 {
	h := (a ^ b*0xbf58476d1ce4e5b9) * 0x9e3779b97f4a7c15
	return h ^ h>>29
}

// device returns the number of the device of event i, whose ID strings
// have tokens u and d, adding the device if new: first by the tokens
// (one probe of a small table, no string read), else by value.
func (w *worker) device(tel []risk.TelemetryEvent, seed maphash.Seed, u, d uint64, i int, b int32) int32 {
	if u == 0 || d == 0 {
		return w.byValue(tel, seed, i, b)
	}
	if 2*(w.ntok+1) > len(w.slots) {
		w.slots = grow(w.slots)
	}
	mask := uint64(len(w.slots) - 1)
	for s := mix(u, d) & mask; ; s = (s + 1) & mask {
		sl := &w.slots[s]
		if sl.v == 0 {
			dev := w.byValue(tel, seed, i, b)
			sl.u, sl.d, sl.v = u, d, dev+1
			w.ntok++
			return dev
		}
		if sl.u == u && sl.d == d {
			return sl.v - 1
		}
	}
}

// byValue returns the number of the device of event i by its unit and
// device IDs, adding it (with i as its first event) if new.
func (w *worker) byValue(tel []risk.TelemetryEvent, seed maphash.Seed, i int, b int32) int32 {
	if 2*(w.ndev+1) > len(w.vslots) {
		w.vslots = grow(w.vslots)
	}
	ev := &tel[i]
	hu := maphash.String(seed, ev.UnitID)
	w.unitSeen(token(ev.UnitID), hu, i, b)
	h := mix(hu, maphash.String(seed, ev.DeviceID))
	mask := uint64(len(w.vslots) - 1)
	for s := mix(h, 0) & mask; ; s = (s + 1) & mask {
		sl := &w.vslots[s]
		if sl.v == 0 {
			sl.u, sl.v = h, int32(w.ndev+1)
			w.rep = append(w.rep, i)
			w.ndev++
			return sl.v - 1
		}
		if r := &tel[w.rep[sl.v-1]]; sl.u == h && r.UnitID == ev.UnitID && r.DeviceID == ev.DeviceID {
			return sl.v - 1
		}
	}
}

// unitSeen notes the unit ID token u (value hash hu, event i) in bucket
// b: the first time a bucket sees a token, it is listed in w.created,
// so that split can find a unit (hence maybe a device) in two buckets.
func (w *worker) unitSeen(u, hu uint64, i int, b int32) {
	if u == 0 {
		u = hu | 1 // no token: by value (a bucket by value is never split)
	}
	if 2*(w.nunit+1) > len(w.uslots) {
		w.uslots = grow(w.uslots)
	}
	mask := uint64(len(w.uslots) - 1)
	for s := mix(u, 0) & mask; ; s = (s + 1) & mask {
		sl := &w.uslots[s]
		if sl.v == 0 {
			sl.u, sl.v = u, 1
			w.nunit++
			w.created = append(w.created, created{hu, b, i})
			return
		}
		if sl.u == u {
			return
		}
	}
}

// grow doubles an open-addressing table, rehashing by (u, d).
func grow(old []slot) []slot {
	t := make([]slot, 2*len(old))
	mask := uint64(len(t) - 1)
	for _, sl := range old {
		if sl.v == 0 {
			continue
		}
		s := mix(sl.u, sl.d) & mask
		for t[s].v != 0 {
			s = (s + 1) & mask
		}
		t[s] = sl
	}
	return t
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
