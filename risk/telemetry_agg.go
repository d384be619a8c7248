package risk

import (
	"errors"
	"hash/maphash"
	"math"
	"slices"
	"sync/atomic"
	"time"

	"github.com/firedraw/firedraw/risk/internal/par"
)

// telAgg holds the per-unit telemetry aggregates.
type telAgg struct {
	n         int
	counts    []float64 // n × len(telemetryKinds), events in the window
	first     []int64   // first event time per unit; math.MaxInt64 if none
	devices   []int32
	down      []int32
	byType    []int32 // n × numDeviceTypes devices
	capable   [numDeviceTypes]uint16
	restoreS  []float64 // hours
	restoreN  []int32
	pressureH []float64
	winStart  int64
	asOf      int64
	rounds    int // rounds the events were aggregated in (for tests)
}

const noTime = math.MinInt64

var kindColumn = func() [numEventKinds]int8 {
	var c [numEventKinds]int8
	for k := range c {
		c[k] = -1
	}
	for j, tk := range telemetryKinds {
		c[tk.kind] = int8(j)
	}
	return c
}()

// telRec is one telemetry event as pass 2 of [aggregateTelemetry] needs
// it (pass 1 writes one per event), in 32 bytes. The device ID string
// shares the event's bytes; comparing two of them costs a pointer
// comparison when loaders shared the strings of repeated IDs, as they do.
// The unit is its row in the unit table, found in pass 1.
type telRec struct {
	dev string // DeviceID
	t   int64  // time, Unix nanoseconds
	// meta holds the unit's row (bits 32–63), the device type (8–15),
	// recLate (7) and the kind (0–6).
	meta uint64
}

const (
	recLate = 1 << 7 // at or after asOf
	// recChunk is the number of records per chunk of a bucket.
	recChunk = 256
	// telBucketBits bounds the number of buckets: each has a chunk
	// being written in pass 1.
	telBucketBits = 10
)

func (r *telRec) kind() EventKind        { return EventKind(r.meta & 0x7f) }
func (r *telRec) deviceType() DeviceType { return DeviceType(r.meta >> 8 & 0xff) }
func (r *telRec) unit() int32            { return int32(r.meta >> 32) }

// telRoundEvents is the number of events per round of
// [aggregateTelemetry]; a variable so that tests can make rounds tiny.
var telRoundEvents = 1 << 22

// hashTable maps 64-bit hashes to int32 values by open addressing
// (linear probing); the caller compares the values' keys, so that equal
// hashes of different keys are told apart.
type hashTable struct {
	slots []hashSlot
	n     int
}

type hashSlot struct {
	h uint64
	v int32 // value + 1; 0 marks an empty slot
}

// find calls eq on the value of every slot with hash h until it returns
// true, and returns that value, or −1.
func (t *hashTable) find(h uint64, eq func(v int32) bool) int32 {
	if len(t.slots) == 0 {
		return -1
	}
	mask := uint64(len(t.slots) - 1)
	for i := h & mask; t.slots[i].v != 0; i = (i + 1) & mask {
		if s := &t.slots[i]; s.h == h && eq(s.v-1) {
			return s.v - 1
		}
	}
	return -1
}

// put adds value v with hash h.
func (t *hashTable) put(h uint64, v int32) {
	if 2*(t.n+1) > len(t.slots) {
		old := t.slots
		t.slots = make([]hashSlot, max(2*len(old), 64))
		t.n = 0
		for _, s := range old {
			if s.v != 0 {
				t.put(s.h, s.v-1)
			}
		}
	}
	mask := uint64(len(t.slots) - 1)
	i := h & mask
	for t.slots[i].v != 0 {
		i = (i + 1) & mask
	}
	t.slots[i] = hashSlot{h, v + 1}
	t.n++
}

// reset empties t, keeping its memory.
func (t *hashTable) reset() {
	clear(t.slots)
	t.n = 0
}

// recSink collects the records of a range of events, all in one half of
// the events, into buckets of chunks carved out of one arena, reused
// from round to round.
type recSink[R any] struct {
	arena  []R
	half   int // of the events
	next   int
	pos    []int   // per bucket: next free record
	lim    []int   // per bucket: end of the current chunk
	chunks [][]int // per bucket: chunk starts
}

func newRecSink[R any](events, buckets int) *recSink[R] {
	return &recSink[R]{arena: make([]R, events+buckets*recChunk),
		pos: make([]int, buckets), lim: make([]int, buckets), chunks: make([][]int, buckets)}
}

// rewind empties s for the records of a new round, in the given half.
func (s *recSink[R]) rewind(half int) {
	s.half, s.next = half, 0
	clear(s.pos)
	clear(s.lim)
	for b := range s.chunks {
		s.chunks[b] = s.chunks[b][:0]
	}
}

func (s *recSink[R]) add(b int, r R) {
	if s.pos[b] == s.lim[b] {
		s.chunks[b] = append(s.chunks[b], s.next)
		s.pos[b], s.lim[b] = s.next, s.next+recChunk
		s.next += recChunk
	}
	s.arena[s.pos[b]] = r
	s.pos[b]++
}

// len returns the number of records of bucket b.
func (s *recSink[R]) len(b int) int {
	if k := len(s.chunks[b]); k > 0 {
		return (k-1)*recChunk + s.pos[b] - s.chunks[b][k-1]
	}
	return 0
}

// chunk returns the records of chunk k of bucket b.
func (s *recSink[R]) chunk(b, k int) []R {
	c := s.chunks[b][k]
	if k == len(s.chunks[b])-1 {
		return s.arena[c:s.pos[b]]
	}
	return s.arena[c : c+recChunk]
}

// each calls f on the records of bucket b in order.
func (s *recSink[R]) each(b int, f func(r *R)) {
	for k := range s.chunks[b] {
		recs := s.chunk(b, k)
		for i := range recs {
			f(&recs[i])
		}
	}
}

// bucketDev is the state of one device in pass 2, in 64 bytes (a cache
// line): the pairing state and what decides its place among the devices
// of its unit. A device is down at asOf if and only if its fault episode is
// open (an Offline event opens one too).
type bucketDev struct {
	fault     int64 // start of the open fault episode, or noTime
	pressure  int64 // start of the open low-pressure episode, or noTime
	restoreS  float64
	pressureH float64
	lastT     int64
	restoreN  int32
	lu        int32    // local unit: index in telBucket.units
	seq       [2]int32 // rank of the device among its unit's devices by first event (any time) in each half, or −1
	lastKind  EventKind
	unsorted  bool
	typ       [2]DeviceType // of that first event
	used      [2]bool       // reported an event before asOf in that half
}

func (d *bucketDev) reset() {
	d.fault, d.pressure = noTime, noTime
	d.restoreS, d.restoreN, d.pressureH = 0, 0, 0
}

// kindOpens tells which episodes an event kind opens: 1 a fault
// episode, 2 a low-pressure one.
var kindOpens = func() (o [numEventKinds]int64) {
	o[Fault], o[PowerFault], o[Shielded], o[Offline] = 1, 1, 1, 1
	o[PressureLow] = 2
	return o
}()

// step advances the pairing state of d by one event, in time order. It
// branches on the kind only for Restored: a log of mixed kinds would
// defeat the branch predictor.
func (d *bucketDev) step(tn int64, k EventKind, winStart int64) {
	if k == Restored {
		d.close(tn, winStart)
		d.fault, d.pressure = noTime, noTime
		return
	}
	o := kindOpens[k]
	f, p := d.fault, d.pressure
	if f == noTime {
		f = tn
	}
	if p == noTime {
		p = tn
	}
	mf, mp := -(o & 1), -(o >> 1) // all ones if k opens the episode
	d.fault = f&mf | d.fault&^mf
	d.pressure = p&mp | d.pressure&^mp
}

// close accounts for the episodes closed by a restored event at tn.
func (d *bucketDev) close(tn, winStart int64) {
	if d.fault != noTime && d.fault >= winStart {
		d.restoreS += float64(tn-d.fault) / float64(time.Hour)
		d.restoreN++
	}
	d.closeAt(tn, winStart)
}

// closeAt accounts for the low-pressure hours of an episode still open
// at tn (asOf) or closed then.
func (d *bucketDev) closeAt(tn, winStart int64) {
	if d.pressure != noTime {
		if s := max(d.pressure, winStart); tn > s {
			d.pressureH += float64(tn-s) / float64(time.Hour)
		}
	}
}

// bucketUnit is the state of one unit of a bucket.
type bucketUnit struct {
	counts [numEventKinds]float64 // events in the window, by kind
	first  int64                  // time of the first event before asOf
	unit   int32
	devs   [2]int32 // devices with a first event in each half
}

// telBucket is the state of one bucket of units, kept from round to
// round: its units and devices and the tables that find them by value.
type telBucket struct {
	units []bucketUnit
	devs  []bucketDev
	ids   []string  // device ID of each device
	devTb hashTable // hash of (device ID, local unit) → device
	// unsorted reports that a device's events were not in time order.
	unsorted bool
	old      int // events of the last round of devices of former rounds
	sink     uint64
}

// alloc sizes the empty tb for about n devices. The slices have room
// for more, as later rounds may add devices: the kernel maps the pages
// of the room only if they are used.
func (tb *telBucket) alloc(n int) {
	tb.devs = make([]bucketDev, 0, n+n/4)
	tb.ids = make([]string, 0, n+n/4)
	size := 64
	for size < 2*n {
		size *= 2
	}
	tb.devTb.slots = make([]hashSlot, size)
}

// empty empties tb, keeping its memory.
func (tb *telBucket) empty() {
	tb.devTb.reset()
	clear(tb.ids)
	clear(tb.units)
	*tb = telBucket{units: tb.units[:0], devTb: tb.devTb, devs: tb.devs[:0], ids: tb.ids[:0]}
}

// warm reads the state of tb in address order, which the hardware
// prefetches, so that the random accesses of a round hit the cache.
func (tb *telBucket) warm() {
	var x uint64
	for i := 0; i < len(tb.devTb.slots); i += 4 { // 4 slots of 16 bytes a cache line
		x += tb.devTb.slots[i].h
	}
	for i := range tb.devs {
		x += uint64(tb.devs[i].lastT)
	}
	for i := range tb.units {
		x += uint64(tb.units[i].first)
	}
	tb.sink = x
}

// devHash hashes a device by value: its ID and its local unit.
func devHash(seed maphash.Seed, lu int32, id string) uint64 {
	h := maphash.String(seed, id) ^ uint64(lu)*0x9e3779b97f4a7c15
	return h ^ h>>31
}

// telWorker aggregates buckets in pass 2 of [aggregateTelemetry].
type telWorker struct {
	a       *telAgg
	seed    maphash.Seed
	tb      *telBucket    // the bucket
	scratch telBucket     // the state of each bucket in one round
	hint    *atomic.Int64 // devices of the largest bucket so far
	ids     []int32
	items   map[int32][]telItem
	local   []int32 // index of each unit in its bucket's units, or −1
	// The device of the last record, which the next one often shares.
	lastDev       string
	lastU         int32
	lastD, lastLU int32
}

type telItem struct {
	t int64
	k EventKind
}

// device returns the device of the event of r, creating it on its first
// event, and its local unit.
func (w *telWorker) device(r *telRec) (int32, int32) {
	u := r.unit()
	if w.lastD >= 0 && r.dev == w.lastDev && u == w.lastU {
		return w.lastD, w.lastLU
	}
	tb := w.tb
	lu := w.localUnit(u)
	h := devHash(w.seed, lu, r.dev)
	d := tb.devTb.find(h, func(d int32) bool { return tb.devs[d].lu == lu && tb.ids[d] == r.dev })
	if d < 0 {
		d = int32(len(tb.devs))
		tb.devs = append(tb.devs, bucketDev{lastT: noTime, lu: lu, seq: [2]int32{-1, -1}})
		tb.devs[d].reset()
		tb.ids = append(tb.ids, r.dev)
		tb.devTb.put(h, d)
	}
	w.lastDev, w.lastU, w.lastD, w.lastLU = r.dev, u, d, lu
	return d, lu
}

// localUnit returns the index in the bucket of unit u, adding the unit
// on its first event. Only this bucket has u: units are bucketed by row.
func (w *telWorker) localUnit(u int32) int32 {
	lu := w.local[u]
	if lu < 0 {
		tb := w.tb
		lu = int32(len(tb.units))
		w.local[u] = lu
		tb.units = append(tb.units, bucketUnit{first: math.MaxInt64, unit: u})
	}
	return lu
}

// bucket aggregates the records of bucket b of one round, in input
// order.
func (w *telWorker) bucket(tb *telBucket, sinks [2]*recSink[telRec], b int) {
	winStart := w.a.winStart
	w.tb, w.lastD = tb, -1
	if recs := sinks[0].len(b) + sinks[1].len(b); recs == 0 {
		return
	} else if tb.devs == nil {
		tb.alloc(int(w.hint.Load()))
	} else if len(tb.devs) > 0 && recs >= len(tb.devs) && 2*tb.old >= len(tb.devs) {
		// The last round visited the devices of the former rounds
		// (a log in time order, not grouped by device): warm them.
		tb.warm()
	}
	known, old := int32(len(tb.devs)), 0
	for _, s := range sinks {
		h := s.half
		for c := range s.chunks[b] {
			recs := s.chunk(b, c)
			for i := range recs {
				r := &recs[i]
				d, lu := w.device(r)
				if d < known {
					old++
				}
				dv := &tb.devs[d]
				un := &tb.units[lu]
				if dv.seq[h] < 0 {
					dv.seq[h], dv.typ[h] = un.devs[h], r.deviceType()
					un.devs[h]++
				}
				if r.meta&recLate != 0 {
					continue
				}
				dv.used[h] = true
				tn, k := r.t, r.kind()
				un.first = min(un.first, tn)
				if tn >= winStart {
					un.counts[k]++
				}
				if tn < dv.lastT || (tn == dv.lastT && k < dv.lastKind) {
					dv.unsorted, tb.unsorted = true, true
				}
				if tn >= dv.lastT {
					dv.lastT, dv.lastKind = tn, k
				}
				dv.step(tn, k, winStart)
			}
		}
	}
	tb.old = old
	if n := int64(len(tb.devs)); n > w.hint.Load() {
		w.hint.Store(n) // a race between workers only loses a hint
	}
}

// finish adds the units and devices of bucket tb to the aggregates. The
// devices of a unit go in the order of the former global numbering: the
// devices used in the first half of the events by their first event
// there, then the others by their first event in the second half.
func (w *telWorker) finish(tb *telBucket) {
	a := w.a
	nk := len(telemetryKinds)
	for i := range tb.units {
		un := &tb.units[i]
		a.first[un.unit] = un.first
		for j, tk := range telemetryKinds {
			a.counts[int(un.unit)*nk+j] = un.counts[tk.kind]
		}
	}
	w.ids = w.ids[:0]
	for d := range tb.devs {
		dv := &tb.devs[d]
		if !dv.used[0] && !dv.used[1] {
			continue
		}
		if !dv.used[0] {
			dv.typ[0] = dv.typ[1]
		}
		w.ids = append(w.ids, int32(d))
	}
	key := func(dv *bucketDev) int64 {
		if dv.used[0] {
			return int64(dv.seq[0])
		}
		return 1<<32 | int64(dv.seq[1])
	}
	slices.SortFunc(w.ids, func(x, y int32) int {
		dx, dy := &tb.devs[x], &tb.devs[y]
		if dx.lu != dy.lu {
			return int(dx.lu) - int(dy.lu)
		}
		return cmpInt64(key(dx), key(dy))
	})
	for _, d := range w.ids {
		dv := &tb.devs[d]
		dv.closeAt(a.asOf, a.winStart)
		u := tb.units[dv.lu].unit
		a.devices[u]++
		a.byType[int(u)*int(numDeviceTypes)+int(dv.typ[0])]++
		if dv.fault != noTime {
			a.down[u]++
		}
		a.restoreS[u] += dv.restoreS
		a.restoreN[u] += dv.restoreN
		a.pressureH[u] += dv.pressureH
	}
}

func cmpInt64(x, y int64) int {
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}

// replay recomputes, in time order (ties by kind), the pairing state of
// the devices of bucket b whose events were not in time order; sinks
// hold every event.
func (w *telWorker) replay(sinks [2]*recSink[telRec], b int) {
	if w.items == nil {
		w.items = map[int32][]telItem{}
	}
	clear(w.items)
	tb := w.tb
	w.lastD = -1
	for _, s := range sinks {
		s.each(b, func(r *telRec) {
			if r.meta&recLate != 0 {
				return
			}
			if d, _ := w.device(r); tb.devs[d].unsorted {
				w.items[d] = append(w.items[d], telItem{r.t, r.kind()})
			}
		})
	}
	for d, l := range w.items {
		slices.SortFunc(l, func(x, y telItem) int {
			if x.t != y.t {
				return cmpInt64(x.t, y.t)
			}
			return int(x.k) - int(y.k)
		})
		dv := &tb.devs[d]
		dv.reset()
		for _, it := range l {
			dv.step(it.t, it.k, w.a.winStart)
		}
	}
}

// aggregateTelemetry computes the telemetry aggregates of every unit.
// A city-wide log in time order visits a million devices at random, and
// random memory accesses (a device-ID map lookup, a device's state) cost
// more than the rest of the work, so it works in two passes:
//
//  1. over halves of the events (2 goroutines): validate kinds, device
//     types and unit IDs, and append a compact record of each event (32
//     bytes: the device ID, the time, the unit's row, kind and type) to
//     the bucket of its unit (a range of rows); the buckets' write
//     positions stay in cache;
//  2. over the buckets (2 goroutines, each bucket holding about a hundred
//     units and their devices, which fit in cache): find each event's
//     device by value in the bucket's small tables, and count events and
//     pair fault/pressure-low episodes with restored events in input
//     order; devices whose events were not in time order are replayed
//     sorted.
//
// Fresh memory is dear (the kernel clears each page on first touch: a
// record per event cost about a third of the time), so a long log goes
// through both passes in rounds of telRoundEvents events, through one
// arena of records, while the buckets keep their devices' state between
// rounds. Replaying a device needs all its events: if a round finds one
// out of time order, the aggregation starts again in one round. A log
// shorter than 4 rounds goes in one round.
//
// The results do not depend on the bucketing nor on the rounds: per-unit
// sums over devices are taken in a fixed order (see finish).
//
// Events whose devices are numbered ([TelemetryEvent.Device]) go by
// [aggregateNumbered] instead, which gives the same aggregates; this path
// by IDs is the fallback.
func aggregateTelemetry(ev []TelemetryEvent, units []Unit, index map[string]int32, asOf time.Time, window time.Duration) (*telAgg, error) {
	if numberedGrouped || !grouped(ev) {
		if a := aggregateNumbered(ev, units, index, asOf, window); a != nil {
			return a, nil
		}
	}
	// Rounds spare at most a record per event but keep about 200 bytes
	// per device between rounds: a log shorter than 4 rounds does not
	// repay them (at 5 events per device, it is 20% slower in rounds).
	a, err := aggregateTelemetryBy(ev, units, index, asOf, window, len(ev)/4 < telRoundEvents)
	if errors.Is(err, errUnsorted) {
		return aggregateTelemetryBy(ev, units, index, asOf, window, true)
	}
	return a, err
}

// errUnsorted reports that a round found a device out of time order.
var errUnsorted = errors.New("risk: device events out of time order")

// telRound is a range [lo, hi) of events and the half of the events it
// lies in, or −1 for one round of both halves (the half of a sink is then
// its number).
type telRound struct{ lo, hi, half int }

// telRun is the state of one aggregation shared by its rounds.
type telRun struct {
	ev       []TelemetryEvent
	a        *telAgg
	index    map[string]int32
	bits, nb int // buckets: nb = 1<<bits
	whole    bool
	seed     maphash.Seed
	sinks    [2]*recSink[telRec]
	buckets  []telBucket
	workers  [2]*telWorker
	capable  [2][numDeviceTypes]uint16
	bad      [2]bool
	unsorted atomic.Bool
	hint     atomic.Int64
}

// aggregateTelemetryBy runs the passes of [aggregateTelemetry], in one
// round if whole. Unless whole, it returns errUnsorted if a device's
// events are not in time order.
func aggregateTelemetryBy(ev []TelemetryEvent, units []Unit, index map[string]int32, asOf time.Time, window time.Duration, whole bool) (*telAgg, error) {
	a := newTelAgg(len(units), asOf, window)
	if len(ev) == 0 {
		return a, nil
	}
	run := newTelRun(ev, a, index, whole)
	rounds := run.rounds()
	a.rounds = len(rounds)
	run.allocate(rounds)
	for _, rd := range rounds {
		run.pass1(rd)
		if run.bad[0] || run.bad[1] {
			return nil, firstTelemetryError(ev, index)
		}
		run.pass2()
		if run.unsorted.Load() {
			return nil, errUnsorted
		}
	}
	if !whole {
		run.finishBuckets()
	}
	for t := range a.capable {
		a.capable[t] = run.capable[0][t] | run.capable[1][t]
	}
	return a, nil
}

// newTelAgg returns empty aggregates of n units.
func newTelAgg(n int, asOf time.Time, window time.Duration) *telAgg {
	nk := len(telemetryKinds)
	a := &telAgg{
		n: n, counts: make([]float64, n*nk), first: make([]int64, n), devices: make([]int32, n),
		down: make([]int32, n), restoreS: make([]float64, n), restoreN: make([]int32, n),
		pressureH: make([]float64, n), byType: make([]int32, n*int(numDeviceTypes)), asOf: asOf.UnixNano(), winStart: asOf.Add(-window).UnixNano(),
	}
	for i := range a.first {
		a.first[i] = math.MaxInt64
	}
	return a
}

func newTelRun(ev []TelemetryEvent, a *telAgg, index map[string]int32, whole bool) *telRun {
	// About 128 units per bucket, at most 1<<telBucketBits buckets, and
	// at least 4 chunks of records per bucket.
	bits := 0
	for bits < telBucketBits && 128<<bits < a.n && 4*recChunk<<bits < len(ev) {
		bits++
	}
	return &telRun{ev: ev, a: a, index: index, bits: bits, nb: 1 << bits, whole: whole, seed: maphash.MakeSeed()}
}

// rounds cuts the events into rounds of at most telRoundEvents events
// within each half, or one round if whole.
func (run *telRun) rounds() []telRound {
	n := len(run.ev)
	if run.whole {
		return []telRound{{0, n, -1}}
	}
	var rounds []telRound
	mid := n / 2
	for h, r := range [2][2]int{{0, mid}, {mid, n}} {
		k := 0
		if r[1] > r[0] {
			k = (r[1]-r[0]-1)/telRoundEvents + 1
		}
		for i := range k {
			rounds = append(rounds, telRound{r[0] + (r[1]-r[0])*i/k, r[0] + (r[1]-r[0])*(i+1)/k, h})
		}
	}
	return rounds
}

// allocate makes the sinks for the longest round, the buckets and the
// workers.
func (run *telRun) allocate(rounds []telRound) {
	longest := 0
	for _, r := range rounds {
		longest = max(longest, r.hi-r.lo)
	}
	run.sinks = [2]*recSink[telRec]{newRecSink[telRec]((longest+1)/2, run.nb), newRecSink[telRec]((longest+1)/2, run.nb)}
	run.buckets = make([]telBucket, run.nb)
	local := make([]int32, run.a.n)
	for i := range local {
		local[i] = -1
	}
	for g := range run.workers {
		run.workers[g] = &telWorker{a: run.a, seed: run.seed, local: local, hint: &run.hint, lastD: -1}
	}
}

// pass1 validates the events of round rd and appends their records to
// the buckets of their units, on 2 goroutines.
func (run *telRun) pass1(rd telRound) {
	ev, asOf, index := run.ev, run.a.asOf, run.index
	nb, n := uint64(run.nb), uint64(run.a.n)
	par.Halves(rd.hi-rd.lo, func(g, lo, hi int) {
		s := run.sinks[g]
		if rd.half < 0 {
			s.rewind(g)
		} else {
			s.rewind(rd.half)
		}
		capa := run.capable[g] // local: capable[0] and [1] share a cache line
		defer func() { run.capable[g] = capa }()
		// Events of one unit often come together: reuse the row of the
		// last unit ID (a shared string compares by pointer).
		var lastUnit string
		var lastU uint64
		var lastB int
		for e := rd.lo + lo; e < rd.lo+hi; e++ {
			t := &ev[e]
			if t.Kind >= numEventKinds || t.DeviceType >= numDeviceTypes {
				run.bad[g] = true
				return
			}
			tn := t.Time.UnixNano()
			if t.UnitID != lastUnit || e == rd.lo+lo {
				u, ok := index[t.UnitID]
				if !ok {
					run.bad[g] = true
					return
				}
				// Buckets hold ranges of rows.
				lastUnit, lastU, lastB = t.UnitID, uint64(u), int(uint64(u)*nb/n)
			}
			meta := lastU<<32 | uint64(t.DeviceType)<<8 | uint64(t.Kind)
			if tn >= asOf {
				meta |= recLate
			} else {
				capa[t.DeviceType] |= 1 << t.Kind
			}
			s.add(lastB, telRec{dev: t.DeviceID, t: tn, meta: meta})
		}
	})
}

// pass2 aggregates the records of the round in each bucket, on 2
// goroutines taking buckets in turn.
func (run *telRun) pass2() {
	var nextB atomic.Int64
	par.Halves(2, func(g, _, _ int) {
		w := run.workers[g]
		for b := int(nextB.Add(1) - 1); b < run.nb; b = int(nextB.Add(1) - 1) {
			tb := &run.buckets[b]
			if run.whole {
				// A bucket is done at once: its state can serve the
				// next one, which spares fresh memory.
				tb = &w.scratch
				tb.empty()
			}
			w.bucket(tb, run.sinks, b)
			if tb.unsorted {
				if !run.whole {
					run.unsorted.Store(true)
					return
				}
				w.replay(run.sinks, b)
			}
			if run.whole {
				w.finish(tb)
			}
		}
	})
}

// finishBuckets adds the state of every bucket to the aggregates after
// the last round.
func (run *telRun) finishBuckets() {
	var nextB atomic.Int64
	par.Halves(2, func(g, _, _ int) {
		for b := int(nextB.Add(1) - 1); b < run.nb; b = int(nextB.Add(1) - 1) {
			run.workers[g].finish(&run.buckets[b])
		}
	})
}

// firstTelemetryError returns the error of the first event with a bad
// kind or device type or an unknown unit.
func firstTelemetryError(ev []TelemetryEvent, index map[string]int32) error {
	for e := range ev {
		t := &ev[e]
		if t.Kind >= numEventKinds {
			return &RecordError{Source: "telemetry", Column: "kind", RecordID: t.UnitID, Value: t.Kind.String(), Err: ErrBadEnum}
		}
		if t.DeviceType >= numDeviceTypes {
			return &RecordError{Source: "telemetry", Column: "device_type", RecordID: t.UnitID, Value: t.DeviceType.String(), Err: ErrBadEnum}
		}
		if _, ok := index[t.UnitID]; !ok {
			return &RecordError{Source: "telemetry", Column: "unit_id", RecordID: t.UnitID, Value: t.UnitID, Err: ErrUnknownUnit}
		}
	}
	panic("risk: no telemetry error found")
}

// fill writes the telemetry columns of x.
func (a *telAgg) fill(x []float64, p int) {
	nk := len(telemetryKinds)
	const month = 365.25 / 12 * 24 * float64(time.Hour)
	for u := 0; u < a.n; u++ {
		row := x[u*p : (u+1)*p]
		if a.devices[u] == 0 {
			row[colTelMissing] = 1
			continue
		}
		devs := float64(a.devices[u])
		row[colTelDevices] = devs
		months := max(float64(a.asOf-max(a.winStart, a.first[u]))/month, 1)
		for j, tk := range telemetryKinds {
			// Devices of the types seen reporting this kind anywhere.
			var capable int32
			for t, c := range a.capable {
				if c&(1<<tk.kind) != 0 {
					capable += a.byType[u*int(numDeviceTypes)+t]
				}
			}
			if capable > 0 {
				row[colTelRate0+j] = a.counts[u*nk+j] / (float64(capable) * months)
			}
		}
		var trouble float64
		for _, k := range []EventKind{Fault, PowerFault, Shielded, Offline, PressureLow} {
			trouble += a.counts[u*nk+int(kindColumn[k])]
		}
		row[colTelTrouble] = trouble / (devs * months)
		row[colTelShareDown] = float64(a.down[u]) / devs
		if a.restoreN[u] > 0 {
			row[colTelRestore] = a.restoreS[u] / float64(a.restoreN[u])
		}
		row[colTelPressure] = a.pressureH[u]
	}
}
