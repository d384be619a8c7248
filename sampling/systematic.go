package sampling

import "math"

// systematic is systematic πps sampling (Madow 1949; Tillé 2006, Algorithm
// 7.1) over the units in PRN order (as prnOrder visits them; units
// with π = 0 or 1 are skipped): with V_j the cumulated π of the uncertain
// units in that order and start a ∈ (0, 1), unit j is selected when some
// a + m, m = 0, 1, …, lies in [V_{j-1}, V_j). Because a is uniform and
// independent of the order, P(unit j selected) = V_j − V_{j−1} = π_j
// exactly; randomising the order by PRN gives pairs of units a chance to be
// drawn together that a fixed order would never give (though some joint π
// are still zero, as in any systematic design). When the total Σπ is an
// integer R (to 1e-9 relative) the last boundary is set to R exactly, so
// rounding in the running sum can never lose or add a unit and the size is
// exactly R. One sequential pass, O(N).
//
// The units come in consecutive slices of the order: feed each, then call
// finish, which returns the number of units selected (the uncertain ones).
// The last uncertain unit of each slice is held back until the next one
// arrives, as the last unit of the order gets the rounding fix.
type systematicPass struct {
	a, s, c, m float64 // start, Neumaier sum (s, c) and next point a + m
	pend       ordRec  // the held-back uncertain unit
	hasPend    bool
}

func (st *systematicPass) feed(recs []ordRec, selected []bool) {
	last := -1
	for j := len(recs) - 1; j >= 0; j-- {
		if p := recs[j].pi; p > 0 && p < 1 {
			last = j
			break
		}
	}
	if last < 0 {
		return
	}
	if st.hasPend {
		st.step(st.pend, selected)
	}
	// The running sum is a Neumaier sum (see neumaier), inlined.
	a, s, c, m := st.a, st.s, st.c, st.m
	for j := 0; j < last; j++ {
		p := recs[j].pi
		if !(p > 0 && p < 1) {
			continue
		}
		t := s + p
		if math.Abs(s) >= p {
			c += (s - t) + p
		} else {
			c += (p - t) + s
		}
		s = t
		for a+m < s+c {
			selected[recs[j].i] = true
			m++
		}
	}
	st.s, st.c, st.m = s, c, m
	st.pend, st.hasPend = recs[last], true
}

// step adds one uncertain unit that is not the last.
func (st *systematicPass) step(r ordRec, selected []bool) {
	v := neumaier{st.s, st.c}
	v.add(r.pi)
	st.s, st.c = v.s, v.c
	for st.a+st.m < v.value() {
		selected[r.i] = true
		st.m++
	}
}

func (st *systematicPass) finish(selected []bool) int {
	if st.hasPend {
		v := neumaier{st.s, st.c}
		v.add(st.pend.pi)
		c := v.value()
		if rt := math.Round(c); math.Abs(c-rt) <= 1e-9*math.Max(1, c) {
			c = rt
		}
		for st.a+st.m < c {
			selected[st.pend.i] = true
			st.m++
		}
		st.hasPend = false
	}
	return int(st.m)
}
