package risk

import (
	"slices"
)

// QuantileEdges returns the edges of at most bins quantile bins of v: the
// distinct values of rank ⌊k·n/bins⌋ in sorted order, k = 1 … bins−1,
// that are strictly greater than the minimum, so that every bin holds at least one
// value. A column with at most two distinct values (a flag) or fewer
// than two bins gets no edges (nil): it stays linear. v is not modified.
func QuantileEdges(v []float64, bins int) []float64 {
	if bins < 2 || len(v) == 0 {
		return nil
	}
	s := slices.Clone(v)
	slices.Sort(s)
	distinct := 1
	for i := 1; i < len(s) && distinct <= 2; i++ {
		if s[i] != s[i-1] {
			distinct++
		}
	}
	if distinct <= 2 {
		return nil
	}
	var edges []float64
	for k := 1; k < bins; k++ {
		// The value of rank ⌊k·n/bins⌋ (0-based): about k/bins of the
		// sample lies below it.
		e := s[k*len(s)/bins]
		if e > s[0] && (len(edges) == 0 || e > edges[len(edges)-1]) {
			edges = append(edges, e)
		}
	}
	return edges
}
