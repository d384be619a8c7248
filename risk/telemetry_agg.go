package risk

import (
	"errors"
	"hash/maphash"
	"math"
	"slices"
	"sync/atomic"
	"time"
	"unsafe"

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
// it, in 24 bytes free of pointers (pass 1 writes one per event).
type telRec struct {
	dk uint64 // token of the DeviceID string (bits 0–55, see token), kind (56–62), recLate
	uk uint64 // token of the UnitID string (bits 0–55), device type (56–63)
	t  int64  // time, Unix nanoseconds
}

const (
	tokMask   = 1<<56 - 1
	tokPtr    = 1<<48 - 1
	tokEscape = 255 << 48 // the token indexes recSink.esc
	recLate   = 1 << 63   // at or after asOf
	// recChunk is the number of records per chunk of a bucket.
	recChunk = 256
	// telBucketBits bounds the number of buckets: each has a chunk
	// being written in pass 1.
	telBucketBits = 10
	// devPairs bounds the token pairs remembered per device: with an ID
	// string copied per event, every event has a pair of its own.
	devPairs = 4
)

// telRoundEvents is the number of events per round of
// [aggregateTelemetry]; a variable so that tests can make rounds tiny.
var telRoundEvents = 1 << 22

// token returns an identity token of the bytes of s, non-zero and under
// 2^56: the address of its data (bits 0–47) and its length (48–55), so
// that two strings with the same token are equal (strings are immutable,
// and their data, referenced by the events, cannot be reused while the
// tokens are in use); 1 for all empty strings. A string whose address
// or length does not fit is kept in k.esc and gets a token of its own,
// tokEscape|index, and is then looked up by value. Loaders share the
// strings of repeated IDs, so that the tokens of the events of one
// device are almost always equal and pass 2 seldom reads a string.
func (k *recSink) token(s string) uint64 {
	if len(s) == 0 {
		return 1
	}
	p := uint64(uintptr(unsafe.Pointer(unsafe.StringData(s))))
	if p > tokPtr || len(s) >= 255 || len(k.esc) > tokPtr {
		k.esc = append(k.esc, s)
		return tokEscape | uint64(len(k.esc)-1)
	}
	return p | uint64(len(s))<<48
}

// str returns the string of a token of k.
func (k *recSink) str(tok uint64) string {
	if tok&tokEscape == tokEscape {
		return k.esc[tok&tokPtr]
	}
	p, n := uintptr(tok&tokPtr), int(tok>>48)
	if n == 0 {
		return ""
	}
	// The data is referenced by an event: reading the address back
	// through memory (not a uintptr conversion) is safe as the garbage
	// collector does not move heap objects.
	return unsafe.String(*(**byte)(unsafe.Pointer(&p)), n)
}

// tokTable maps a pair of a non-zero token and another to an int32 by
// open addressing (linear probing).
type tokTable struct {
	slots []tokSlot
	n     int
}

type tokSlot struct {
	k1, k2 uint64
	v, w   int32
}

func tokHash(k1, k2 uint64) uint64 {
	h := (k1 ^ k2*0xbf58476d1ce4e5b9) * 0x9e3779b97f4a7c15
	return h ^ h>>29
}

func (t *tokTable) get(k1, k2 uint64) (v, w int32, ok bool) {
	if len(t.slots) == 0 {
		return 0, 0, false
	}
	mask := uint64(len(t.slots) - 1)
	for h := tokHash(k1, k2) & mask; ; h = (h + 1) & mask {
		s := &t.slots[h]
		if s.k1 == k1 && s.k2 == k2 {
			return s.v, s.w, true
		}
		if s.k1 == 0 {
			return 0, 0, false
		}
	}
}

// put adds a pair not yet in t, with its values v and w.
func (t *tokTable) put(k1, k2 uint64, v, w int32) {
	if 2*(t.n+1) > len(t.slots) {
		old := t.slots
		t.slots = make([]tokSlot, max(2*len(old), 64))
		t.n = 0
		for _, s := range old {
			if s.k1 != 0 {
				t.put(s.k1, s.k2, s.v, s.w)
			}
		}
	}
	mask := uint64(len(t.slots) - 1)
	h := tokHash(k1, k2) & mask
	for t.slots[h].k1 != 0 {
		h = (h + 1) & mask
	}
	t.slots[h] = tokSlot{k1, k2, v, w}
	t.n++
}

// recSink collects the records of a range of events, all in one half of
// the events, into buckets of chunks carved out of one arena, reused
// from round to round.
type recSink struct {
	arena  []telRec
	esc    []string // strings of escaped tokens
	half   int      // of the events
	next   int
	pos    []int   // per bucket: next free record
	lim    []int   // per bucket: end of the current chunk
	chunks [][]int // per bucket: chunk starts
}

func newRecSink(events, buckets int) *recSink {
	return &recSink{arena: make([]telRec, events+buckets*recChunk),
		pos: make([]int, buckets), lim: make([]int, buckets), chunks: make([][]int, buckets)}
}

// rewind empties s for the records of a new round, in the given half.
func (s *recSink) rewind(half int) {
	s.half, s.next = half, 0
	clear(s.esc)
	s.esc = s.esc[:0]
	clear(s.pos)
	clear(s.lim)
	for b := range s.chunks {
		s.chunks[b] = s.chunks[b][:0]
	}
}

func (s *recSink) add(b int, r telRec) {
	if s.pos[b] == s.lim[b] {
		s.chunks[b] = append(s.chunks[b], s.next)
		s.pos[b], s.lim[b] = s.next, s.next+recChunk
		s.next += recChunk
	}
	s.arena[s.pos[b]] = r
	s.pos[b]++
}

// len returns the number of records of bucket b.
func (s *recSink) len(b int) int {
	if k := len(s.chunks[b]); k > 0 {
		return (k-1)*recChunk + s.pos[b] - s.chunks[b][k-1]
	}
	return 0
}

// chunk returns the records of chunk k of bucket b.
func (s *recSink) chunk(b, k int) []telRec {
	c := s.chunks[b][k]
	if k == len(s.chunks[b])-1 {
		return s.arena[c:s.pos[b]]
	}
	return s.arena[c : c+recChunk]
}

// each calls f on the records of bucket b in order.
func (s *recSink) each(b int, f func(r *telRec)) {
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
	pairs     uint8         // token pairs of the device in devTab
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
// round: its units and devices and the tables that find them.
type telBucket struct {
	units  []bucketUnit
	unitTb tokTable // (unit token, 0) → local unit
	devTab tokTable // (device token, unit token) → (device, local unit)
	devs   []bucketDev
	// The devices by value, for tokens not in devTab: their device ID
	// tokens (escaped ones index esc), and (local unit, device ID) →
	// device+1 by open addressing, 0 being empty.
	keys     []uint64
	esc      []string
	byVal    []int32
	unsorted bool // a device's events were not in time order
	old      int  // events of the last round of devices of former rounds
	sink     uint64
}

// alloc sizes the empty tb for about n devices. The slices have room
// for more, as later rounds may add devices: the kernel maps the pages
// of the room only if they are used.
func (tb *telBucket) alloc(n int) {
	tb.devs = make([]bucketDev, 0, n+n/4)
	tb.keys = make([]uint64, 0, n+n/4)
	size := 64
	for size < 2*n {
		size *= 2
	}
	tb.devTab.slots = make([]tokSlot, size)
	tb.byVal = make([]int32, size)
}

// empty empties tb, keeping its memory.
func (tb *telBucket) empty() {
	clear(tb.unitTb.slots)
	clear(tb.devTab.slots)
	clear(tb.byVal)
	clear(tb.esc)
	*tb = telBucket{units: tb.units[:0], unitTb: tokTable{slots: tb.unitTb.slots}, devTab: tokTable{slots: tb.devTab.slots},
		devs: tb.devs[:0], keys: tb.keys[:0], esc: tb.esc[:0], byVal: tb.byVal}
}

// warm reads the state of tb in address order, which the hardware
// prefetches, so that the random accesses of a round hit the cache.
func (tb *telBucket) warm() {
	var x uint64
	for i := 0; i < len(tb.devTab.slots); i += 64 / int(unsafe.Sizeof(tokSlot{})) {
		x += tb.devTab.slots[i].k1
	}
	for i := range tb.devs {
		x += uint64(tb.devs[i].lastT)
	}
	for i := range tb.units {
		x += uint64(tb.units[i].first)
	}
	tb.sink = x
}

// id returns the device ID of device d, from sink k.
func (tb *telBucket) id(k *recSink, d int32) string {
	if t := tb.keys[d]; t&tokEscape == tokEscape {
		return tb.esc[t&tokPtr]
	}
	return k.str(tb.keys[d])
}

// valHash hashes a device by value.
func valHash(seed maphash.Seed, lu int32, id string) uint64 {
	h := maphash.String(seed, id) ^ uint64(lu)*0x9e3779b97f4a7c15
	return h ^ h>>31
}

// lookup returns the device of tb with the ID of token dk of sink k in
// local unit lu, creating it if new.
func (tb *telBucket) lookup(k *recSink, seed maphash.Seed, lu int32, dk uint64) int32 {
	if 2*(len(tb.devs)+1) > len(tb.byVal) {
		tb.byVal = make([]int32, max(2*len(tb.byVal), 64))
		for d := range tb.devs {
			tb.insertVal(valHash(seed, tb.devs[d].lu, tb.id(k, int32(d))), int32(d))
		}
	}
	id := k.str(dk)
	mask := uint64(len(tb.byVal) - 1)
	h := valHash(seed, lu, id)
	for i := h & mask; tb.byVal[i] != 0; i = (i + 1) & mask {
		if d := tb.byVal[i] - 1; tb.devs[d].lu == lu && tb.id(k, d) == id {
			return d
		}
	}
	d := int32(len(tb.devs))
	tb.devs = append(tb.devs, bucketDev{lastT: noTime, lu: lu, seq: [2]int32{-1, -1}})
	tb.devs[d].reset()
	if dk&tokEscape == tokEscape {
		tb.esc = append(tb.esc, id)
		dk = tokEscape | uint64(len(tb.esc)-1)
	}
	tb.keys = append(tb.keys, dk)
	tb.insertVal(h, d)
	return d
}

func (tb *telBucket) insertVal(h uint64, d int32) {
	mask := uint64(len(tb.byVal) - 1)
	i := h & mask
	for tb.byVal[i] != 0 {
		i = (i + 1) & mask
	}
	tb.byVal[i] = d + 1
}

// telWorker aggregates buckets in pass 2 of [aggregateTelemetry].
type telWorker struct {
	a        *telAgg
	index    map[string]int32
	seed     maphash.Seed
	tb       *telBucket // the bucket
	scratch  telBucket  // the state of each bucket in one round
	b        int32
	hint     *atomic.Int64 // devices of the largest bucket so far
	ids      []int32
	items    map[int32][]telItem
	unknown  bool    // an event had an unknown unit
	owner    []int32 // bucket of each unit seen, or −1; nil if bucketed by value
	local    []int32 // index of each unit in its bucket's units, or −1
	split    *atomic.Bool
	unsorted *atomic.Bool // a bucket found a device out of time order
}

type telItem struct {
	t int64
	k EventKind
}

// device returns the device of the event of r, from sink k, creating it
// on its first event, and its local unit (which devTab holds too, so
// that the unit's state need not wait for the device's), or −1s if its
// unit is unknown.
func (w *telWorker) device(k *recSink, r *telRec) (int32, int32) {
	tb := w.tb
	dk, uk := r.dk&tokMask, r.uk&tokMask
	if d, lu, ok := tb.devTab.get(dk, uk); ok {
		return d, lu
	}
	lu, _, ok := tb.unitTb.get(uk, 0)
	if !ok {
		u, ok := w.index[k.str(uk)]
		if !ok {
			w.unknown = true
			return -1, -1
		}
		if w.owner != nil && !atomic.CompareAndSwapInt32(&w.owner[u], -1, w.b) && atomic.LoadInt32(&w.owner[u]) != w.b {
			// Another bucket has u: leave it alone.
			w.split.Store(true)
			return -1, -1
		}
		// Only this bucket has u.
		if lu = w.local[u]; lu < 0 {
			lu = int32(len(tb.units))
			w.local[u] = lu
			tb.units = append(tb.units, bucketUnit{first: math.MaxInt64, unit: u})
		}
		// Bounded: with a unit ID copied per event, every event has a
		// token of its own.
		if uk&tokEscape != tokEscape && tb.unitTb.n < 2*len(tb.units)+64 {
			tb.unitTb.put(uk, 0, lu, 0)
		}
	}
	d := tb.lookup(k, w.seed, lu, dk)
	if dv := &tb.devs[d]; dk&tokEscape != tokEscape && uk&tokEscape != tokEscape && dv.pairs < devPairs {
		dv.pairs++
		tb.devTab.put(dk, uk, d, lu)
	}
	return d, lu
}

// bucket aggregates the records of bucket b of one round, in input
// order.
func (w *telWorker) bucket(tb *telBucket, sinks [2]*recSink, b int) {
	winStart := w.a.winStart
	w.tb, w.b = tb, int32(b)
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
				d, lu := w.device(s, r)
				if d < 0 {
					continue
				}
				if d < known {
					old++
				}
				dv := &tb.devs[d]
				un := &tb.units[lu]
				if dv.seq[h] < 0 {
					dv.seq[h], dv.typ[h] = un.devs[h], DeviceType(r.uk>>56)
					un.devs[h]++
				}
				if r.dk&recLate != 0 {
					continue
				}
				dv.used[h] = true
				tn, k := r.t, EventKind(r.dk>>56&0x7f)
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
func (w *telWorker) replay(sinks [2]*recSink, b int) {
	if w.items == nil {
		w.items = map[int32][]telItem{}
	}
	clear(w.items)
	tb := w.tb
	for _, s := range sinks {
		s.each(b, func(r *telRec) {
			if r.dk&recLate != 0 {
				return
			}
			if d, _ := w.device(s, r); d >= 0 && tb.devs[d].unsorted {
				w.items[d] = append(w.items[d], telItem{r.t, EventKind(r.dk >> 56 & 0x7f)})
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
//  1. over halves of the events (2 goroutines): validate kinds and device
//     types and append a compact record of each event to the bucket of
//     its unit (a hash of the unit ID); the buckets' write positions stay
//     in cache;
//  2. over the buckets (2 goroutines, each bucket holding about a hundred
//     units and their devices, which fit in cache): find each event's
//     device, by the identity of its ID strings (one probe of a small
//     table) and else by value, and count events and pair
//     fault/pressure-low episodes with restored events in input order;
//     devices whose events were not in time order are replayed sorted.
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
func aggregateTelemetry(ev []TelemetryEvent, units []Unit, index map[string]int32, asOf time.Time, window time.Duration) (*telAgg, error) {
	// Rounds spare at most a record per event but keep about 200 bytes
	// per device between rounds: a log shorter than 4 rounds does not
	// repay them (at 5 events per device, it is 20% slower in rounds).
	byValue, whole := false, len(ev)/4 < telRoundEvents
	for {
		a, err := aggregateTelemetryBy(ev, units, index, asOf, window, byValue, whole)
		switch {
		case errors.Is(err, errSplitUnit) && !byValue:
			byValue = true
		case errors.Is(err, errUnsorted) && !whole:
			whole = true
		default:
			return a, err
		}
	}
}

var (
	// errSplitUnit reports that the events of a unit went to two buckets.
	errSplitUnit = errors.New("risk: unit ID strings not shared")
	// errUnsorted reports that a round found a device out of time order.
	errUnsorted = errors.New("risk: device events out of time order")
)

// aggregateTelemetryBy runs the passes of [aggregateTelemetry], in one
// round if whole. The bucket of an event is a hash of the identity of
// its UnitID string, which costs no memory access; it returns
// errSplitUnit if the events of a unit have unit IDs in different
// strings that went to different buckets. With byValue, the bucket is a
// hash of the unit ID itself. Unless whole, it returns errUnsorted if a
// device's events are not in time order.
func aggregateTelemetryBy(ev []TelemetryEvent, units []Unit, index map[string]int32, asOf time.Time, window time.Duration, byValue, whole bool) (*telAgg, error) {
	n := len(units)
	nk := len(telemetryKinds)
	a := &telAgg{
		n: n, counts: make([]float64, n*nk), first: make([]int64, n), devices: make([]int32, n),
		down: make([]int32, n), restoreS: make([]float64, n), restoreN: make([]int32, n),
		pressureH: make([]float64, n), byType: make([]int32, n*int(numDeviceTypes)), asOf: asOf.UnixNano(), winStart: asOf.Add(-window).UnixNano(),
	}
	for i := range a.first {
		a.first[i] = math.MaxInt64
	}
	if len(ev) == 0 {
		return a, nil
	}
	// About 128 units per bucket, at most 1<<telBucketBits buckets, and
	// at least 4 chunks of records per bucket.
	bits := 0
	for bits < telBucketBits && 128<<bits < n && 4*recChunk<<bits < len(ev) {
		bits++
	}
	nb := 1 << bits
	// The rounds: [lo, hi) and the half of the events they lie in, or
	// one round of both halves (the half of a sink is then its number).
	type round struct{ lo, hi, half int }
	mid := len(ev) / 2
	rounds := []round{{0, len(ev), -1}}
	if !whole {
		rounds = rounds[:0]
		for h, r := range [2][2]int{{0, mid}, {mid, len(ev)}} {
			k := 0
			if r[1] > r[0] {
				k = (r[1]-r[0]-1)/telRoundEvents + 1
			}
			for i := range k {
				rounds = append(rounds, round{r[0] + (r[1]-r[0])*i/k, r[0] + (r[1]-r[0])*(i+1)/k, h})
			}
		}
	}
	a.rounds = len(rounds)
	longest := 0
	for _, r := range rounds {
		longest = max(longest, r.hi-r.lo)
	}
	sinks := [2]*recSink{newRecSink((longest+1)/2, nb), newRecSink((longest+1)/2, nb)}
	buckets := make([]telBucket, nb)
	seed := maphash.MakeSeed()
	var owner []int32
	if !byValue {
		owner = make([]int32, n)
		for i := range owner {
			owner[i] = -1
		}
	}
	var split, unsorted atomic.Bool
	var hint atomic.Int64
	local := make([]int32, n)
	for i := range local {
		local[i] = -1
	}
	var workers [2]*telWorker
	for g := range workers {
		workers[g] = &telWorker{a: a, index: index, seed: seed, owner: owner, local: local, hint: &hint, split: &split, unsorted: &unsorted}
	}
	var capable [2][numDeviceTypes]uint16
	bad := [2]bool{}
	for _, rd := range rounds {
		// Pass 1.
		par.Halves(rd.hi-rd.lo, func(g, lo, hi int) {
			s := sinks[g]
			if rd.half < 0 {
				s.rewind(g)
			} else {
				s.rewind(rd.half)
			}
			capa := capable[g] // local: capable[0] and [1] share a cache line
			defer func() { capable[g] = capa }()
			for e := rd.lo + lo; e < rd.lo+hi; e++ {
				t := &ev[e]
				if t.Kind >= numEventKinds || t.DeviceType >= numDeviceTypes {
					bad[g] = true
					return
				}
				tn := t.Time.UnixNano()
				dk := s.token(t.DeviceID) | uint64(t.Kind)<<56
				if tn >= a.asOf {
					dk |= recLate
				} else {
					capa[t.DeviceType] |= 1 << t.Kind
				}
				uk := s.token(t.UnitID)
				var h uint64
				if uk&tokEscape != tokEscape && !byValue {
					h = uk * 0x9e3779b97f4a7c15 // the top bits mix all bits of uk
				} else {
					h = maphash.String(seed, t.UnitID)
				}
				s.add(int(h>>(64-bits)&uint64(nb-1)), telRec{dk: dk, uk: uk | uint64(t.DeviceType)<<56, t: tn})
			}
		})
		if bad[0] || bad[1] {
			return nil, firstTelemetryError(ev, index)
		}
		// Pass 2.
		var nextB atomic.Int64
		par.Halves(2, func(g, _, _ int) {
			w := workers[g]
			for b := int(nextB.Add(1) - 1); b < nb && !split.Load(); b = int(nextB.Add(1) - 1) {
				tb := &buckets[b]
				if whole {
					// A bucket is done at once: its state can serve
					// the next one, which spares fresh memory.
					tb = &w.scratch
					tb.empty()
				}
				w.bucket(tb, sinks, b)
				if tb.unsorted {
					if !whole {
						unsorted.Store(true)
						return
					}
					w.replay(sinks, b)
				}
				if whole {
					w.finish(tb)
				}
			}
		})
		if workers[0].unknown || workers[1].unknown {
			return nil, firstTelemetryError(ev, index)
		}
		if split.Load() {
			return nil, errSplitUnit
		}
		if unsorted.Load() {
			return nil, errUnsorted
		}
	}
	if !whole {
		var nextB atomic.Int64
		par.Halves(2, func(g, _, _ int) {
			for b := int(nextB.Add(1) - 1); b < nb; b = int(nextB.Add(1) - 1) {
				workers[g].finish(&buckets[b])
			}
		})
	}
	for t := range a.capable {
		a.capable[t] = capable[0][t] | capable[1][t]
	}
	return a, nil
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
