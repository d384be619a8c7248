package risk

import (
	"math"
	"slices"
	"sync/atomic"
	"time"

	"github.com/firedraw/firedraw/risk/internal/par"
)

// The numbered path of [aggregateTelemetry]: when every event carries a
// device number ([TelemetryEvent.Device], as set by [NumberDevices]),
// the device state is found by indexing instead of hashing. The numbers
// are never trusted: the first event of each number fixes its (unit,
// device) pair, every other event of the number must carry the same
// pair (string ==, which compares no bytes when the strings share
// memory, as NumberDevices makes them), and two numbers of one pair are
// looked for at the end. Any failure, or a bad event, sends the whole log
// down the path by ID strings, which gives the same table, or the error.

// numRec is one event as pass 2 of the numbered path needs it, in 48
// bytes: its ID strings (checked in pass 2 against those of its device,
// which are then in cache), its time and meta.
type numRec struct {
	unit, dev string
	t         int64 // Unix nanoseconds
	// meta holds the device's index in its bucket (bits 32–63), the
	// event's index in its round (9–31), numLate (8), the device type
	// (4–7) and the kind (0–3).
	meta uint64
}

const (
	numLate = 1 << 8
	// numRoundMax bounds the events of a round: their index in the
	// round takes 23 bits of numRec.meta.
	numRoundMax = 1 << 22
)

// numDev is the state of one numbered device: the state of the path by
// IDs (its lu is the unit's row, −1 before the first event, and its seq
// the index of its first event in each half of the log, or −1), the time
// of its first event before asOf and its events in the window by kind.
type numDev struct {
	bucketDev
	first  int64
	counts [numEventKinds]int32
}

// numBucket holds the devices whose number is b modulo the number of
// buckets, by number / buckets, in pages of numPage devices (growing
// by pages leaves no garbage to collect, and fresh memory is dear).
type numBucket struct {
	pages    [][]numDev
	ids      [][]devPair
	unsorted bool
}

const numPageBits = 8 // 256 devices, 30 KiB a page

// dev returns device dl of bk.
func (bk *numBucket) dev(dl int) *numDev { return &bk.pages[dl>>numPageBits][dl&(1<<numPageBits-1)] }

// id returns the IDs of device dl of bk.
func (bk *numBucket) id(dl int) *devPair { return &bk.ids[dl>>numPageBits][dl&(1<<numPageBits-1)] }

// each calls f on the number within bk and the state of every device of
// bk.
func (bk *numBucket) each(f func(dl int, dv *numDev)) {
	for p := range bk.pages {
		for i := range bk.pages[p] {
			f(p<<numPageBits|i, &bk.pages[p][i])
		}
	}
}

// numRun is the state of one aggregation by device numbers.
type numRun struct {
	ev       []TelemetryEvent
	a        *telAgg
	index    map[string]int32
	bits     int
	mid      int // the halves of the log: [0, mid) and [mid, len(ev))
	sinks    [2]*recSink[numRec]
	buckets  []numBucket
	capable  [2][numDeviceTypes]uint16
	maxD     [2]uint64 // the largest number − 1 of each half of a round
	failed   atomic.Bool
	unsorted bool
}

// numberedGrouped makes [aggregateTelemetry] take the numbered path for
// logs grouped by device too (for tests).
var numberedGrouped = false

// grouped reports whether most events of ev (sampled at 1,024 places)
// have the device of the next one, as in a log grouped by device: the
// path by IDs, which reuses the last event's device, is then faster.
// The choice changes no result.
func grouped(ev []TelemetryEvent) bool {
	const samples = 1024
	if len(ev) < 2 {
		return false
	}
	same := 0
	for k := range samples {
		i := k * (len(ev) - 1) / samples
		if ev[i].Device == ev[i+1].Device {
			same++
		}
	}
	return 2*same > samples
}

// aggregateNumbered is [aggregateTelemetry] by device numbers. It
// returns nil if an event is unnumbered, bad, or numbered unlike the
// others of its pair.
func aggregateNumbered(ev []TelemetryEvent, units []Unit, index map[string]int32, asOf time.Time, window time.Duration) *telAgg {
	if len(ev) == 0 || ev[0].Device == 0 || uint64(len(ev)) >= math.MaxInt32 {
		return nil
	}
	a := newTelAgg(len(units), asOf, window)
	bits := 0
	for bits < telBucketBits && 128<<bits < a.n && 4*recChunk<<bits < len(ev) {
		bits++
	}
	round := min(telRoundEvents, numRoundMax, len(ev))
	run := &numRun{ev: ev, a: a, index: index, bits: bits, mid: len(ev) / 2,
		buckets: make([]numBucket, 1<<bits)}
	run.sinks = [2]*recSink[numRec]{newRecSink[numRec]((round+1)/2, 1<<bits), newRecSink[numRec]((round+1)/2, 1<<bits)}
	for lo := 0; lo < len(ev); lo += round {
		rd := telRound{lo, min(lo+round, len(ev)), -1}
		a.rounds++
		run.pass1(rd)
		if run.failed.Load() {
			return nil
		}
		run.pass2(rd)
		if run.failed.Load() {
			return nil
		}
	}
	if run.unsorted {
		run.replay()
	}
	if !run.finish() {
		return nil
	}
	for t := range a.capable {
		a.capable[t] = run.capable[0][t] | run.capable[1][t]
	}
	return a
}

// pass1 checks the kinds, device types and numbers of the events of
// round rd and appends their records to the buckets of their numbers,
// on 2 goroutines.
func (run *numRun) pass1(rd telRound) {
	ev, asOf := run.ev, run.a.asOf
	bits, mask, n := uint(run.bits), uint64(1)<<run.bits-1, uint64(len(ev))
	par.Halves(rd.hi-rd.lo, func(g, lo, hi int) {
		s := run.sinks[g]
		s.rewind(g)
		capa := run.capable[g] // local: capable[0] and [1] share a cache line
		var maxD uint64
		defer func() { run.capable[g], run.maxD[g] = capa, maxD }()
		for e := rd.lo + lo; e < rd.lo+hi; e++ {
			t := &ev[e]
			d := uint64(t.Device) - 1 // 0 wraps to the largest number
			if d >= n || t.Kind >= numEventKinds || t.DeviceType >= numDeviceTypes {
				run.failed.Store(true)
				return
			}
			maxD = max(maxD, d)
			tn := t.Time.UnixNano()
			meta := d>>bits<<32 | uint64(e-rd.lo)<<9 | uint64(t.DeviceType)<<4 | uint64(t.Kind)
			if tn >= asOf {
				meta |= numLate
			} else {
				capa[t.DeviceType] |= 1 << t.Kind
			}
			s.add(int(d&mask), numRec{unit: t.UnitID, dev: t.DeviceID, t: tn, meta: meta})
		}
	})
}

// pass2 runs the records of round rd through the devices of each bucket,
// on 2 goroutines taking buckets in turn.
func (run *numRun) pass2(rd telRound) {
	var next atomic.Int64
	par.Halves(2, func(_, _, _ int) {
		for b := int(next.Add(1) - 1); b < len(run.buckets); b = int(next.Add(1) - 1) {
			if !run.bucket(&run.buckets[b], b, rd) {
				run.failed.Store(true)
				return
			}
		}
	})
	for b := range run.buckets {
		run.unsorted = run.unsorted || run.buckets[b].unsorted
	}
}

// bucket runs the records of bucket b of round rd, in input order,
// through its devices; it reports false if a record's IDs are not those
// of its device's first event, or the unit is unknown.
func (run *numRun) bucket(bk *numBucket, b int, rd telRound) bool {
	winStart := run.a.winStart
	// Room for the devices of the round, at once: growing by doubling
	// would leave garbage, and fresh memory is dear.
	if maxD := max(run.maxD[0], run.maxD[1]); maxD >= uint64(b) {
		bk.grow(int((maxD-uint64(b))>>run.bits) + 1)
	}
	for _, s := range run.sinks {
		for c := range s.chunks[b] {
			recs := s.chunk(b, c)
			for i := range recs {
				r := &recs[i]
				dl := int(r.meta >> 32)
				dv := bk.dev(dl)
				if id := bk.id(dl); dv.lu >= 0 {
					if r.unit != id.unit || r.dev != id.dev {
						return false
					}
				} else if row, ok := run.index[r.unit]; ok {
					dv.lu, *id = row, devPair{r.unit, r.dev}
				} else {
					return false
				}
				e := rd.lo + int(r.meta>>9&(1<<23-1))
				h := 0
				if e >= run.mid {
					h = 1
				}
				if dv.seq[h] < 0 {
					dv.seq[h], dv.typ[h] = int32(e), DeviceType(r.meta>>4&0xf)
				}
				if r.meta&numLate != 0 {
					continue
				}
				dv.used[h] = true
				tn, k := r.t, EventKind(r.meta&0xf)
				dv.first = min(dv.first, tn)
				if tn >= winStart {
					dv.counts[k]++
				}
				if tn < dv.lastT || (tn == dv.lastT && k < dv.lastKind) {
					dv.unsorted, bk.unsorted = true, true
				}
				if tn >= dv.lastT {
					dv.lastT, dv.lastKind = tn, k
				}
				dv.step(tn, k, winStart)
			}
		}
	}
	return true
}

// grow makes room for n devices in bk, new ones empty.
func (bk *numBucket) grow(n int) {
	for len(bk.pages)<<numPageBits < n {
		p := make([]numDev, 1<<numPageBits)
		for i := range p {
			p[i] = numDev{bucketDev: bucketDev{lastT: noTime, lu: -1, seq: [2]int32{-1, -1}}, first: math.MaxInt64}
			p[i].reset()
		}
		bk.pages = append(bk.pages, p)
		bk.ids = append(bk.ids, make([]devPair, 1<<numPageBits))
	}
}

// replay recomputes, in time order (ties by kind), the pairing state of
// the devices whose events were not in time order, from the events
// (their numbers are now checked).
func (run *numRun) replay() {
	items := map[int64][]telItem{}
	mask := int64(1)<<run.bits - 1
	for e := range run.ev {
		t := &run.ev[e]
		d := int64(t.Device) - 1
		if dv := run.buckets[d&mask].dev(int(d >> run.bits)); dv.unsorted {
			if tn := t.Time.UnixNano(); tn < run.a.asOf {
				items[d] = append(items[d], telItem{tn, t.Kind})
			}
		}
	}
	for d, l := range items {
		slices.SortFunc(l, func(x, y telItem) int {
			if x.t != y.t {
				return cmpInt64(x.t, y.t)
			}
			return int(x.k) - int(y.k)
		})
		dv := run.buckets[d&mask].dev(int(d >> run.bits))
		dv.reset()
		for _, it := range l {
			dv.step(it.t, it.k, run.a.winStart)
		}
	}
}

// finish adds the devices to the aggregates of their units, each unit's
// devices in the order of the path by IDs (see [telWorker.finish]); it
// reports false if two numbers have one (unit, device) pair.
func (run *numRun) finish() bool {
	a := run.a
	// Group the devices (by global number − 1) by unit row.
	start := make([]int32, a.n+1)
	for b := range run.buckets {
		run.buckets[b].each(func(_ int, dv *numDev) {
			if dv.lu >= 0 {
				start[dv.lu+1]++
			}
		})
	}
	for u := 1; u <= a.n; u++ {
		start[u] += start[u-1]
	}
	byUnit := make([]int64, start[a.n])
	pos := slices.Clone(start[:a.n])
	for b := range run.buckets {
		run.buckets[b].each(func(dl int, dv *numDev) {
			if lu := dv.lu; lu >= 0 {
				byUnit[pos[lu]] = int64(dl)<<run.bits | int64(b)
				pos[lu]++
			}
		})
	}
	var dup atomic.Bool
	par.Halves(a.n, func(_, lo, hi int) {
		var keys []numKey
		for u := lo; u < hi && !dup.Load(); u++ {
			if !run.unit(u, byUnit[start[u]:start[u+1]], &keys) {
				dup.Store(true)
			}
		}
	})
	return !dup.Load()
}

// numKey orders the devices of a unit: the index of its first event
// in the first half of the log where it is used, and its number − 1.
type numKey struct{ key, d int64 }

// unit adds devices ds (global numbers − 1) of unit row u to the
// aggregates, using keys as scratch; it reports false if two of them
// have one device ID.
func (run *numRun) unit(u int, ds []int64, keys *[]numKey) bool {
	if len(ds) == 0 {
		return true
	}
	a, mask := run.a, int64(1)<<run.bits-1
	dev := func(d int64) *numDev { return run.buckets[d&mask].dev(int(d >> run.bits)) }
	id := func(d int64) string { return run.buckets[d&mask].id(int(d >> run.bits)).dev }
	if !distinctIDs(ds, id) {
		return false
	}
	ks := (*keys)[:0]
	for _, d := range ds {
		if dv := dev(d); dv.used[0] {
			ks = append(ks, numKey{int64(dv.seq[0]), d})
		} else if dv.used[1] {
			ks = append(ks, numKey{int64(dv.seq[1]), d})
		}
	}
	*keys = ks
	slices.SortFunc(ks, func(x, y numKey) int { return cmpInt64(x.key, y.key) })
	nk := len(telemetryKinds)
	var counts [numEventKinds]int64
	for _, k := range ks {
		dv := dev(k.d)
		if !dv.used[0] {
			dv.typ[0] = dv.typ[1]
		}
		for k, c := range dv.counts {
			counts[k] += int64(c)
		}
		a.first[u] = min(a.first[u], dv.first)
		dv.closeAt(a.asOf, a.winStart)
		a.devices[u]++
		a.byType[u*int(numDeviceTypes)+int(dv.typ[0])]++
		if dv.fault != noTime {
			a.down[u]++
		}
		a.restoreS[u] += dv.restoreS
		a.restoreN[u] += dv.restoreN
		a.pressureH[u] += dv.pressureH
	}
	for j, tk := range telemetryKinds {
		a.counts[u*nk+j] = float64(counts[tk.kind])
	}
	return true
}

// distinctIDs reports whether the devices ds have distinct IDs.
func distinctIDs(ds []int64, id func(int64) string) bool {
	if len(ds) <= 16 {
		for i := range ds {
			for j := i + 1; j < len(ds); j++ {
				if id(ds[i]) == id(ds[j]) {
					return false
				}
			}
		}
		return true
	}
	seen := make(map[string]bool, len(ds))
	for _, d := range ds {
		if seen[id(d)] {
			return false
		}
		seen[id(d)] = true
	}
	return true
}
