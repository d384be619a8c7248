package sampling

import "math"

// prnOrder returns the units idx sorted by (u[i], ids[i]) ascending — the
// PRN order — in O(len(idx)) expected time: PRNs are uniform on (0, 1), so a
// counting sort into len(idx) equal-width buckets leaves about one unit per
// bucket, and each bucket is finished by insertion sort. A comparison sort of
// 10^7 floats takes seconds; this takes tens of milliseconds. Ties in u (two
// IDs with the same 52-bit PRN, likely somewhere in a frame of 10^7) are
// broken by ID so the order never depends on the input order. idx is not
// modified; the result is a new slice.
func prnOrder(u []float64, ids []string, idx []int32) []int32 {
	n := len(idx)
	out := make([]int32, n)
	if n == 0 {
		return out
	}
	nb := n
	scale := float64(nb)
	bucket := func(x float64) int {
		b := int(x * scale)
		if b >= nb { // unreachable for u < 1; kept for safety against rounding
			b = nb - 1
		}
		return b
	}
	start := make([]int32, nb+1)
	for _, i := range idx {
		start[bucket(u[i])+1]++
	}
	for b := 1; b <= nb; b++ {
		start[b] += start[b-1]
	}
	// Scatter; start[b] walks from the bucket's first slot to its end.
	for _, i := range idx {
		b := bucket(u[i])
		out[start[b]] = i
		start[b]++
	}
	// Now start[b] is the end of bucket b (and the start of bucket b+1).
	lo := int32(0)
	for b := 0; b < nb; b++ {
		hi := start[b]
		if hi-lo > 1 {
			insertionSortPRN(out[lo:hi], u, ids)
		}
		lo = hi
	}
	return out
}

func lessPRN(a, b int32, u []float64, ids []string) bool {
	if u[a] != u[b] {
		return u[a] < u[b]
	}
	return ids[a] < ids[b]
}

func insertionSortPRN(s []int32, u []float64, ids []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && lessPRN(s[j], s[j-1], u, ids); j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

// neumaier is a compensated running sum (Neumaier 1974), so a cumulative sum
// of 10^7 inclusion probabilities stays exact to about one ulp of the total.
type neumaier struct{ s, c float64 }

func (k *neumaier) add(x float64) {
	t := k.s + x
	if math.Abs(k.s) >= math.Abs(x) {
		k.c += (k.s - t) + x
	} else {
		k.c += (x - t) + k.s
	}
	k.s = t
}

func (k *neumaier) value() float64 { return k.s + k.c }
