package alert

import (
	"cmp"
	"hash/maphash"
	"slices"
	"sync/atomic"

	"github.com/firedraw/firedraw/risk"
)

// The numbered path of [Evaluator.Evaluate]: when the events carry
// device numbers ([risk.TelemetryEvent.Device], as set by
// risk.NumberDevices), each record finds its device's state by indexing
// instead of hashing its IDs. The numbers are never trusted: the first
// event of a number fixes its (unit, device) pair, every later event of
// the number must carry the same pair (string ==, which compares no bytes
// when the strings share memory, as NumberDevices makes them), and the
// pairs of different numbers must hash differently. Any failure, or a
// bad event, sends the whole log down the path by IDs, which gives the
// same report, or the error.

// evaluateNumbered runs the rules over tel by device numbers, leaving
// the alerts in e.work for [Evaluator.merge], and reports whether it
// could (rep.Late is set only then).
func (e *Evaluator) evaluateNumbered(tel []risk.TelemetryEvent, p *params, rep *Report) bool {
	bits := bucketBits(len(tel))
	parallel2(len(tel), func(g, lo, hi int) { e.work[g].pass1Numbered(tel, lo, hi, p.asOf, bits) })
	if e.work[0].bad >= 0 || e.work[1].bad >= 0 {
		return false
	}
	var next atomic.Int64
	var failed atomic.Bool
	seed := maphash.MakeSeed()
	parallel2(2, func(g, _, _ int) {
		w := &e.work[g]
		w.findings, w.hashes = w.findings[:0], w.hashes[:0]
		for b := int(next.Add(1) - 1); b < 1<<bits && !failed.Load(); b = int(next.Add(1) - 1) {
			if !w.bucketNumbered(&e.work, b, bits, p, seed) {
				failed.Store(true)
			}
		}
		slices.Sort(w.hashes)
		slices.SortFunc(w.findings, cmpFinding)
	})
	if failed.Load() || !distinct(e.work[0].hashes, e.work[1].hashes) {
		for g := range e.work {
			clear(e.work[g].findings)
		}
		return false
	}
	e.splitFindings()
	parallel2(2, func(g, _, _ int) { e.work[g].build(p, rep.AsOf) })
	rep.Late = e.work[0].late + e.work[1].late
	return true
}

func cmpFinding(a, b finding) int {
	return cmp.Or(cmp.Compare(a.unit, b.unit), cmp.Compare(a.rule, b.rule), cmp.Compare(a.dev, b.dev))
}

// pass1Numbered appends the records of events [lo, hi) to w's buckets by
// device number.
func (w *worker) pass1Numbered(tel []risk.TelemetryEvent, lo, hi int, asOf int64, bits int) {
	w.sizeBuckets(bits, hi-lo)
	w.late, w.bad, w.maxD = 0, -1, 0
	n, mask := uint64(len(tel)), uint64(1)<<bits-1
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
		d := uint64(ev.Device) - 1 // 0 wraps to the largest number
		if d >= n {
			w.bad = i
			return
		}
		w.maxD = max(w.maxD, d)
		b := d & mask
		w.buckets[b] = append(w.buckets[b], rec{unit: ev.UnitID, dev: ev.DeviceID, t: t, meta: d>>bits<<8 | uint64(ev.Kind)})
	}
}

// sizeBuckets makes w.buckets 1<<bits empty buckets with room for n
// records in all.
func (w *worker) sizeBuckets(bits, n int) {
	nb := 1 << bits
	if len(w.buckets) != nb {
		w.buckets = make([][]rec, nb)
	}
	// Room for 1/8 more than the mean, so that few buckets grow.
	room := n/nb + n/nb/8 + 16
	for b := range w.buckets {
		if cap(w.buckets[b]) < room {
			w.buckets[b] = make([]rec, 0, room)
		}
		w.buckets[b] = w.buckets[b][:0]
	}
}

// bucketNumbered runs the rules over the devices of bucket b, numbered
// by number >> bits in w.devs, and adds their findings to w.findings. It
// reports false if a record's IDs are not those of its number's first
// record.
func (w *worker) bucketNumbered(all *[2]worker, b, bits int, p *params, seed maphash.Seed) bool {
	maxD := max(all[0].maxD, all[1].maxD)
	if len(all[0].buckets[b])+len(all[1].buckets[b]) == 0 || maxD < uint64(b) {
		return true
	}
	nd := int((maxD-uint64(b))>>bits) + 1
	w.devs = slices.Grow(w.devs[:0], nd)[:nd]
	clear(w.devs) // a device with no unit ID has no record yet
	sorted := true
	for h := range all {
		recs := all[h].buckets[b]
		for i := range recs {
			r := &recs[i]
			d := &w.devs[r.meta>>8]
			if d.unit == "" {
				*d = device{unit: r.unit, dev: r.dev}
				d.reset()
				w.hashes = append(w.hashes, maphash.String(seed, r.unit)*0x9e3779b97f4a7c15^maphash.String(seed, r.dev))
			} else if r.unit != d.unit || r.dev != d.dev {
				return false
			}
			t, k := r.t, r.kind()
			if t < d.lastT || t == d.lastT && k < d.lastK {
				sorted = false
			}
			d.lastT, d.lastK = t, k
			d.step(t, k, p)
		}
	}
	if !sorted {
		w.replay(all, b, p, func(r *rec) int32 { return int32(r.meta >> 8) })
	}
	for i := range w.devs {
		if w.devs[i].unit != "" {
			w.devs[i].emit(&w.findings, p)
		}
	}
	return true
}

// distinct reports whether sorted x and y hold distinct values: two
// devices with one hash may be one (unit, device) pair under two numbers.
func distinct(x, y []uint64) bool {
	for i := 1; i < len(x); i++ {
		if x[i] == x[i-1] {
			return false
		}
	}
	for i := 1; i < len(y); i++ {
		if y[i] == y[i-1] {
			return false
		}
	}
	for len(x) > 0 && len(y) > 0 {
		switch {
		case x[0] == y[0]:
			return false
		case x[0] < y[0]:
			x = x[1:]
		default:
			y = y[1:]
		}
	}
	return true
}

// splitFindings merges the sorted findings of both workers and gives
// each worker a half of them cut between units, so that
// [worker.build] makes each alert in one worker.
func (e *Evaluator) splitFindings() {
	x, y := e.work[0].findings, e.work[1].findings
	all := make([]finding, 0, len(x)+len(y))
	for len(x) > 0 && len(y) > 0 {
		if cmpFinding(x[0], y[0]) <= 0 {
			all, x = append(all, x[0]), x[1:]
		} else {
			all, y = append(all, y[0]), y[1:]
		}
	}
	all = append(append(all, x...), y...)
	clear(e.work[0].findings)
	clear(e.work[1].findings)
	s := len(all) / 2
	for s > 0 && s < len(all) && all[s].unit == all[s-1].unit {
		s++
	}
	// Capacities end at the cut: a worker's appends never reach the
	// other's findings.
	e.work[0].findings, e.work[1].findings = all[:s:s], all[s:len(all):len(all)]
}
