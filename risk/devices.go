package risk

import (
	"hash/maphash"
	"math"

	"github.com/firedraw/firedraw/risk/internal/par"
)

// devPair is a device: its unit ID and its device ID.
type devPair struct{ unit, dev string }

// NumberDevices sets [TelemetryEvent.Device] of every event: the
// (UnitID, DeviceID) pairs are numbered 1, 2, … in order of first
// appearance. It also gives the events of each pair the ID strings of
// its first event, so that the strings share memory (comparing them then
// costs a pointer comparison). It returns the number of pairs. Numbered
// events make [Extract] and package risk/alert faster; they give the same
// results either way. The work is split over 2 goroutines; the numbers
// do not depend on their scheduling.
//
// A log of more than math.MaxUint32 − 1 events is left unnumbered (every
// Device 0), and NumberDevices returns 0.
func NumberDevices(events []TelemetryEvent) int {
	if uint64(len(events)) >= math.MaxUint32 {
		for i := range events {
			events[i].Device = 0
		}
		return 0
	}
	// Step 1: each half numbers its own pairs in order of first
	// appearance.
	var halves [2]devNumbers
	par.Halves(len(events), func(g, lo, hi int) { halves[g].number(events[lo:hi]) })
	// Step 2: the pairs of the second half first seen there follow
	// those of the first half.
	all := halves[0].pairs
	tr := make([]uint32, len(halves[1].pairs)+1)
	for j, p := range halves[1].pairs {
		n := halves[0].lookup(p)
		if n == 0 {
			all = append(all, p)
			n = uint32(len(all))
		}
		tr[j+1] = n
	}
	// Step 3: global numbers and shared strings.
	par.Halves(len(events), func(g, lo, hi int) {
		for i := lo; i < hi; i++ {
			e := &events[i]
			n := e.Device
			if g == 1 {
				n = tr[n]
			}
			p := &all[n-1]
			e.UnitID, e.DeviceID, e.Device = p.unit, p.dev, n
		}
	})
	return len(all)
}

// devNumbers numbers the pairs of a range of events, finding them by
// the hash of both IDs in an open-addressing table (linear probing).
type devNumbers struct {
	seed  maphash.Seed
	slots []devSlot
	pairs []devPair // pair n is pairs[n-1]
}

type devSlot struct {
	h uint64
	n uint32 // 0 marks an empty slot
}

// number sets the Device of each event to the local number of its pair.
func (dn *devNumbers) number(events []TelemetryEvent) {
	dn.seed = maphash.MakeSeed()
	dn.slots = make([]devSlot, 1024)
	var last devPair
	var lastN uint32
	for i := range events {
		e := &events[i]
		// Events of one device often come together.
		if lastN == 0 || e.UnitID != last.unit || e.DeviceID != last.dev {
			last, lastN = devPair{e.UnitID, e.DeviceID}, dn.find(e.UnitID, e.DeviceID)
		}
		e.Device = lastN
	}
}

// find returns the number of the pair (unit, dev), adding it if new.
func (dn *devNumbers) find(unit, dev string) uint32 {
	h := maphash.String(dn.seed, unit)*0x9e3779b97f4a7c15 ^ maphash.String(dn.seed, dev)
	mask := uint64(len(dn.slots) - 1)
	i := h & mask
	for ; dn.slots[i].n != 0; i = (i + 1) & mask {
		if s := &dn.slots[i]; s.h == h {
			if p := &dn.pairs[s.n-1]; p.unit == unit && p.dev == dev {
				return s.n
			}
		}
	}
	dn.pairs = append(dn.pairs, devPair{unit, dev})
	n := uint32(len(dn.pairs))
	dn.slots[i] = devSlot{h, n}
	if 2*len(dn.pairs) > len(dn.slots) {
		dn.grow()
	}
	return n
}

// grow doubles the table.
func (dn *devNumbers) grow() {
	old := dn.slots
	dn.slots = make([]devSlot, 2*len(old))
	mask := uint64(len(dn.slots) - 1)
	for _, s := range old {
		if s.n != 0 {
			i := s.h & mask
			for dn.slots[i].n != 0 {
				i = (i + 1) & mask
			}
			dn.slots[i] = s
		}
	}
}

// lookup returns the number of the pair p, or 0.
func (dn *devNumbers) lookup(p devPair) uint32 {
	h := maphash.String(dn.seed, p.unit)*0x9e3779b97f4a7c15 ^ maphash.String(dn.seed, p.dev)
	mask := uint64(len(dn.slots) - 1)
	for i := h & mask; dn.slots[i].n != 0; i = (i + 1) & mask {
		if s := &dn.slots[i]; s.h == h && dn.pairs[s.n-1] == p {
			return s.n
		}
	}
	return 0
}
