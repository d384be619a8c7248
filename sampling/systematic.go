package sampling

import "math"

// systematic is systematic πps sampling (Madow 1949; Tillé 2006, Algorithm
// 7.1) over the uncertain units listed in PRN order: with V_j the cumulated
// π in that order and start a ∈ (0, 1), unit j is selected when some a + m,
// m = 0, 1, …, lies in [V_{j-1}, V_j). Because a is uniform and independent
// of the order, P(unit j selected) = V_j − V_{j−1} = π_j exactly; randomising
// the order by PRN gives every pair of units that are not certain a chance
// to be drawn together (though some joint π are still zero, as in any
// systematic design). When Σπ is an integer R (to 1e-9 relative) the last
// boundary is set to R exactly, so rounding in the running sum can never
// lose or add a unit and the size is exactly R. Cost O(N).
func systematic(pi []float64, order []int32, a float64, selected []bool) {
	if len(order) == 0 {
		return
	}
	var total neumaier
	for _, i := range order {
		total.add(pi[i])
	}
	t := total.value()
	r := math.Round(t)
	integer := math.Abs(t-r) <= 1e-9*math.Max(1, t)
	var v neumaier
	m := 0.0 // the next point is a + m
	last := len(order) - 1
	for j, i := range order {
		v.add(pi[i])
		c := v.value()
		if j == last && integer {
			c = r
		}
		for a+m < c {
			selected[i] = true
			m++
		}
	}
}
