package sampling

// poisson selects each uncertain unit k independently iff u_k < π_k
// (Hájek 1964; Tillé 2006, §5.8), so P(selected) = π_k exactly up to the
// 2^-52 grid of the PRNs, and the sample size is random with mean Σπ and
// variance Σπ(1−π). Cost O(N).
func poisson(pi, u []float64, uncertain []int32, selected []bool) {
	for _, i := range uncertain {
		selected[i] = u[i] < pi[i]
	}
}
