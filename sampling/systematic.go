package sampling

import "math"

// systematic is systematic πps sampling (Madow 1949; Tillé 2006, Algorithm
// 7.1) over the units in PRN order (recs, as prnOrder returns them; units
// with π = 0 or 1 are skipped): with V_j the cumulated π of the uncertain
// units in that order and start a ∈ (0, 1), unit j is selected when some
// a + m, m = 0, 1, …, lies in [V_{j-1}, V_j). Because a is uniform and
// independent of the order, P(unit j selected) = V_j − V_{j−1} = π_j
// exactly; randomising the order by PRN gives pairs of units a chance to be
// drawn together that a fixed order would never give (though some joint π
// are still zero, as in any systematic design). When the total Σπ is an
// integer R (to 1e-9 relative) the last boundary is set to R exactly, so
// rounding in the running sum can never lose or add a unit and the size is
// exactly R. One sequential pass, O(N). It returns the number of units it
// selects (the uncertain ones).
func systematicOrd(recs []ordRec, a float64, selected []bool) int {
	last := -1
	for j := len(recs) - 1; j >= 0; j-- {
		if p := recs[j].pi; p > 0 && p < 1 {
			last = j
			break
		}
	}
	// The running sum is a Neumaier sum (see neumaier), inlined.
	var s, c float64
	m := 0.0 // the next point is a + m
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
	if last >= 0 {
		var v neumaier
		v.s, v.c = s, c
		v.add(recs[last].pi)
		c := v.value()
		if rt := math.Round(c); math.Abs(c-rt) <= 1e-9*math.Max(1, c) {
			c = rt
		}
		for a+m < c {
			selected[recs[last].i] = true
			m++
		}
	}
	return int(m)
}
