package risk

import (
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
		n, ok := halves[0].m[p]
		if !ok {
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

// devNumbers numbers the pairs of a range of events.
type devNumbers struct {
	m     map[devPair]uint32
	pairs []devPair // pair n is pairs[n-1]
}

// number sets the Device of each event to the local number of its pair.
func (dn *devNumbers) number(events []TelemetryEvent) {
	dn.m = map[devPair]uint32{}
	var last devPair
	var lastN uint32
	for i := range events {
		e := &events[i]
		// Events of one device often come together.
		if lastN != 0 && e.UnitID == last.unit && e.DeviceID == last.dev {
			e.Device = lastN
			continue
		}
		k := devPair{e.UnitID, e.DeviceID}
		n, ok := dn.m[k]
		if !ok {
			dn.pairs = append(dn.pairs, k)
			n = uint32(len(dn.pairs))
			dn.m[k] = n
		}
		e.Device, last, lastN = n, k, n
	}
}
