package sampling

// poisson selects each unit k with 0 < π_k < 1 independently iff u_k < π_k
// (Hájek 1964; Tillé 2006, §5.8), so P(selected) = π_k exactly up to the
// 2^-52 grid of the PRNs, and the sample size is random with mean Σπ and
// variance Σπ(1−π). Cost O(N).
func poisson(pi, u []float64, selected []bool) {
	parallelFor(len(pi), 1<<16, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			if p := pi[i]; p > 0 && p < 1 {
				selected[i] = u[i] < p
			}
		}
	})
}
