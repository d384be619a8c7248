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
// growing log again and again allocates little beyond the Report. The
// zero Evaluator uses the default Config. Between calls it still refers
// to the ID strings of the last log it read; a zero Evaluator holds
// nothing. An Evaluator is not safe for concurrent use.
type Evaluator struct {
	Config Config
	work   [2]worker
}

// rec is one event as pass 2 needs it: its ID strings (which share the
// event's bytes, so that comparing two IDs of one device costs a pointer
// comparison when the loaders shared the strings of repeated IDs, as they
// do), its time and the hash of its unit ID with its kind.
type rec struct {
	unit, dev string
	t         int64  // Unix nanoseconds
	meta      uint64 // hash of the unit ID (bits 8–63) | kind (0–7)
}

func (r *rec) kind() risk.EventKind { return risk.EventKind(r.meta & 0xff) }

// item is one event of a device, for devices whose events are not in
// time order.
type item struct {
	t int64
	k risk.EventKind
}

// finding is one rule met by one device.
type finding struct {
	unit, dev   string
	rule        Rule
	open        bool
	count       int32
	raised      int64
	first, last int64
}

// worker holds the memory of one of the 2 goroutines.
type worker struct {
	buckets  [][]rec // pass 1: the records of its half of the events
	late     int
	bad      int      // first bad event, or −1
	slots    []slot   // pass 2: the devices of a bucket by hash
	devs     []device // of the bucket
	start    []int32  // counting sort of an unsorted bucket
	items    []item
	devOf    []int32
	findings []finding // of every bucket of the worker, sorted within each
	keys     []akey    // the worker's alerts, sorted
	alerts   []Alert
	// The numbered path (engine_numbered.go): the largest device number
	// − 1 of the worker's half, and the hashes of its devices' IDs.
	maxD   uint64
	hashes []uint64
	// The device of the last record, which the next one often shares.
	lastUnit, lastDev string
	lastD             int32
}

// slot is a slot of the device table: the hash of the device's IDs and
// its number + 1, 0 for an empty slot.
type slot struct {
	h uint64
	v int32
}

// akey orders alerts.
type akey struct {
	unit string
	rule Rule
	i    int32
}

func cmpKey(a, b akey) int { return cmp.Or(cmp.Compare(a.unit, b.unit), cmp.Compare(a.rule, b.rule)) }

const noTime = math.MinInt64

// Evaluate is [Evaluate] with the Evaluator's Config and memory.
//
// Method: two passes, as risk.Extract aggregates telemetry. Pass 1 (2
// goroutines over halves of the log) validates each event, drops those
// at or after asOf and appends a 48-byte record — the ID strings, the
// time, a hash of the unit ID and the kind — to one of up to 1,024
// buckets by that hash. Pass 2 (2 goroutines taking buckets in turn,
// each a thousand devices or so that fit in cache) finds each record's
// device through a small open-addressing table (by a hash of both IDs,
// then comparing the strings exactly: two devices are never confused)
// and advances the device's rules by the event, in input order. A
// bucket with a device whose events are out of time order is run again
// with each device's events sorted by time. Each bucket then turns its
// devices' findings into alerts, sorted by unit, rule and device; each
// worker sorts its alerts, and the two lists are merged. Events numbered
// by risk.NumberDevices go to buckets by number instead, and each record
// finds its device by indexing (see evaluateNumbered), with the same
// report.
func (e *Evaluator) Evaluate(tel []risk.TelemetryEvent, inc []risk.Incident, asOf time.Time) (*Report, error) {
	p, err := e.Config.params()
	if err != nil {
		return nil, err
	}
	p.setFrom(asOf.UnixNano())
	rep := &Report{AsOf: asOf, Events: len(tel), Incidents: len(inc)}
	fires, err := p.fires(inc, asOf, rep)
	if err != nil {
		return nil, err
	}
	if len(tel) > 0 && tel[0].Device != 0 && e.evaluateNumbered(tel, &p, rep) {
		rep.Alerts = e.merge(fires)
		return rep, nil
	}
	bits := bucketBits(len(tel))
	seed := maphash.MakeSeed()
	parallel2(len(tel), func(g, lo, hi int) { e.work[g].pass1(tel, lo, hi, p.asOf, bits, seed) })
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
			w.bucket(&e.work, b, &p, seed)
		}
		w.build(&p, asOf)
	})
	rep.Alerts = e.merge(fires)
	return rep, nil
}

// merge returns the alerts of both workers and the fires in order.
func (e *Evaluator) merge(fires []Alert) []Alert {
	fk := make([]akey, len(fires))
	for i := range fires {
		fk[i] = akey{fires[i].UnitID, RuleFire, int32(i)}
	}
	slices.SortFunc(fk, cmpKey)
	lists := [3][]akey{e.work[0].keys, e.work[1].keys, fk}
	src := [3][]Alert{e.work[0].alerts, e.work[1].alerts, fires}
	out := make([]Alert, 0, len(lists[0])+len(lists[1])+len(lists[2]))
	for {
		m := -1
		for l := range lists {
			if len(lists[l]) > 0 && (m < 0 || cmpKey(lists[l][0], lists[m][0]) < 0) {
				m = l
			}
		}
		if m < 0 {
			break
		}
		out = append(out, src[m][lists[m][0].i])
		lists[m] = lists[m][1:]
	}
	for g := range e.work {
		clear(e.work[g].alerts) // the Report owns their evidence
		e.work[g].alerts = e.work[g].alerts[:0]
	}
	return out
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
	w.sizeBuckets(bits, hi-lo)
	w.late, w.bad = 0, -1
	shift := uint(64 - bits)
	// Events of one unit often come together: reuse the hash of the
	// last unit ID (a shared string compares by pointer).
	var lastUnit string
	var lastH uint64
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
		if ev.UnitID != lastUnit {
			lastUnit, lastH = ev.UnitID, maphash.String(seed, ev.UnitID)
		}
		b := 0
		if bits > 0 {
			b = int(lastH >> shift)
		}
		w.buckets[b] = append(w.buckets[b], rec{unit: ev.UnitID, dev: ev.DeviceID, t: t, meta: lastH&^0xff | uint64(ev.Kind)})
	}
}

// bucket runs the rules over the devices of bucket b, whose records are
// in both workers' buckets (the first half of the log first), and adds
// their findings, sorted, to w.findings.
func (w *worker) bucket(all *[2]worker, b int, p *params, seed maphash.Seed) {
	n := len(all[0].buckets[b]) + len(all[1].buckets[b])
	if n == 0 {
		return
	}
	w.resetTable(n)
	sorted := true
	for h := range all {
		recs := all[h].buckets[b]
		for i := range recs {
			r := &recs[i]
			d := &w.devs[w.device(r, seed)]
			t, k := r.t, r.kind()
			if t < d.lastT || t == d.lastT && k < d.lastK {
				sorted = false
			}
			d.lastT, d.lastK = t, k
			d.step(t, k, p)
		}
	}
	if !sorted {
		w.lastD = -1
		w.replay(all, b, p, func(r *rec) int32 { return w.device(r, seed) })
	}
	from := len(w.findings)
	for i := range w.devs {
		w.devs[i].emit(&w.findings, p)
	}
	slices.SortFunc(w.findings[from:], func(a, b finding) int {
		return cmp.Or(cmp.Compare(a.unit, b.unit), cmp.Compare(a.rule, b.rule), cmp.Compare(a.dev, b.dev))
	})
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
	w.devs = w.devs[:0] // appends overwrite every field
	w.lastD = -1
}

// device returns the number of the device of r, adding it if new.
func (w *worker) device(r *rec, seed maphash.Seed) int32 {
	if w.lastD >= 0 && r.dev == w.lastDev && r.unit == w.lastUnit {
		return w.lastD
	}
	if 2*(len(w.devs)+1) > len(w.slots) {
		w.grow()
	}
	h := r.meta&^0xff ^ maphash.String(seed, r.dev)*0x9e3779b97f4a7c15
	h ^= h >> 29
	mask := uint64(len(w.slots) - 1)
	s := h & mask
	for ; w.slots[s].v != 0; s = (s + 1) & mask {
		sl := &w.slots[s]
		if d := sl.v - 1; sl.h == h && w.devs[d].dev == r.dev && w.devs[d].unit == r.unit {
			w.lastUnit, w.lastDev, w.lastD = r.unit, r.dev, d
			return d
		}
	}
	d := int32(len(w.devs))
	w.devs = append(w.devs, device{unit: r.unit, dev: r.dev})
	w.devs[d].reset()
	w.slots[s] = slot{h, d + 1}
	w.lastUnit, w.lastDev, w.lastD = r.unit, r.dev, d
	return d
}

// grow doubles the device table.
func (w *worker) grow() {
	old := w.slots
	w.slots = make([]slot, 2*len(old))
	mask := uint64(len(w.slots) - 1)
	for _, sl := range old {
		if sl.v == 0 {
			continue
		}
		s := sl.h & mask
		for w.slots[s].v != 0 {
			s = (s + 1) & mask
		}
		w.slots[s] = sl
	}
}

// replay runs the rules again over the devices of bucket b (w.devs,
// numbered by devOf), each device's events sorted by time (then kind),
// grouped by a counting sort that keeps input order.
func (w *worker) replay(all *[2]worker, b int, p *params, devOf func(r *rec) int32) {
	n := len(all[0].buckets[b]) + len(all[1].buckets[b])
	w.devOf = slices.Grow(w.devOf[:0], n)[:0]
	for h := range all {
		for i := range all[h].buckets[b] {
			w.devOf = append(w.devOf, devOf(&all[h].buckets[b][i]))
		}
	}
	nd := len(w.devs)
	w.start = slices.Grow(w.start[:0], nd+1)[:nd+1]
	clear(w.start)
	for _, d := range w.devOf {
		w.start[d+1]++
	}
	for d := 1; d <= nd; d++ {
		w.start[d] += w.start[d-1]
	}
	w.items = slices.Grow(w.items[:0], n)[:n]
	pos := w.start[:nd] // advanced in place: pos[d] ends at the end of d
	j := 0
	for h := range all {
		for i := range all[h].buckets[b] {
			r := &all[h].buckets[b][i]
			d := w.devOf[j]
			w.items[pos[d]] = item{r.t, r.kind()}
			pos[d]++
			j++
		}
	}
	lo := int32(0)
	for d := range nd {
		items := w.items[lo:pos[d]]
		lo = pos[d]
		slices.SortFunc(items, func(a, b item) int { return cmp.Or(cmp.Compare(a.t, b.t), cmp.Compare(a.k, b.k)) })
		dv := &w.devs[d]
		dv.reset()
		for _, it := range items {
			dv.step(it.t, it.k, p)
		}
	}
}

// build turns the worker's findings into alerts, one per unit and rule,
// with their evidence in one fresh array, and sorts their keys.
func (w *worker) build(p *params, asOf time.Time) {
	ev := make([]Evidence, len(w.findings))
	fs := w.findings
	w.keys = w.keys[:0]
	for i := 0; i < len(fs); {
		j := i + 1
		for j < len(fs) && fs[j].rule == fs[i].rule && fs[j].unit == fs[i].unit {
			j++
		}
		w.keys = append(w.keys, akey{fs[i].unit, fs[i].rule, int32(len(w.alerts))})
		w.alerts = append(w.alerts, p.alert(fs[i:j], ev[i:j:j], asOf))
		i = j
	}
	clear(w.findings) // drop the strings
	slices.SortFunc(w.keys, cmpKey)
}

// parallel2 runs f on 2 goroutines over [0, n/2) and [n/2, n).
func parallel2(n int, f func(g, lo, hi int)) {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); f(1, n/2, n) }()
	f(0, 0, n/2)
	wg.Wait()
}
