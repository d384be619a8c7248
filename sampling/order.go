package sampling

import (
	"math"
	"sync"
)

// unitRec is one unit in PRN order: its PRN, its π and its index in the
// frame. Carrying π along keeps the passes over PRN order sequential in
// memory; gathering π[i] in random order costs a cache miss per unit.
type unitRec struct {
	u  float64
	pi float64
	i  int32
}

// prnBuckets is the number of first-pass buckets of prnSort: 2048 write
// streams stay within the caches while the frame is scattered.
const prnBuckets = 2048

// prnSort returns every unit of the frame as a unitRec, sorted by
// (u, ID) ascending — the PRN order — in O(N) expected time. PRNs are
// uniform on (0, 1), so a two-pass bucket sort (2048 buckets by the leading
// bits of u, then, inside each bucket, as many sub-buckets as units and an
// insertion sort of the few units per sub-bucket) needs no comparison sort:
// a comparison sort of 10^7 floats takes seconds. Ties in u (two IDs with
// the same 52-bit PRN, likely somewhere in a frame of 10^7 units, and
// certain for duplicate IDs) are broken by ID, so the order never depends on
// the input order. The second pass runs on runtime.GOMAXPROCS goroutines.
func prnSort(u, pi []float64, ids []string) []unitRec {
	n := len(u)
	recs := make([]unitRec, n)
	if n == 0 {
		return recs
	}
	var start [prnBuckets + 1]int
	for _, x := range u {
		start[bucketOf(x, prnBuckets)+1]++
	}
	for b := 1; b <= prnBuckets; b++ {
		start[b] += start[b-1]
	}
	next := start
	for i, x := range u {
		b := bucketOf(x, prnBuckets)
		recs[next[b]] = unitRec{u: x, pi: pi[i], i: int32(i)}
		next[b]++
	}
	// Second pass, bucket by bucket, in parallel; buckets are independent.
	var scratch sync.Pool
	parallelFor(prnBuckets, 64, func(lo, hi int) {
		buf, _ := scratch.Get().(*sortBuf)
		if buf == nil {
			buf = new(sortBuf)
		}
		for b := lo; b < hi; b++ {
			buf.sortBucket(recs[start[b]:start[b+1]], float64(b)/prnBuckets, ids)
		}
		scratch.Put(buf)
	})
	return recs
}

func bucketOf(x float64, nb int) int {
	b := int(x * float64(nb))
	if b >= nb { // unreachable for x < 1; a guard against rounding
		b = nb - 1
	}
	return b
}

type sortBuf struct {
	tmp   []unitRec
	count []int32
}

// sortBucket sorts s, whose PRNs lie in [base, base + 1/prnBuckets), by a
// counting sort into len(s) sub-buckets and insertion sort inside them.
func (sb *sortBuf) sortBucket(s []unitRec, base float64, ids []string) {
	m := len(s)
	if m < 2 {
		return
	}
	if m <= 16 {
		insertionSortRecs(s, ids)
		return
	}
	if cap(sb.tmp) < m {
		sb.tmp = make([]unitRec, m)
		sb.count = make([]int32, m+1)
	}
	tmp, count := sb.tmp[:m], sb.count[:m+1]
	clear(count)
	scale := float64(m) * prnBuckets
	sub := func(x float64) int {
		k := int((x - base) * scale)
		return min(max(k, 0), m-1)
	}
	for _, r := range s {
		count[sub(r.u)+1]++
	}
	for k := 1; k <= m; k++ {
		count[k] += count[k-1]
	}
	for _, r := range s {
		k := sub(r.u)
		tmp[count[k]] = r
		count[k]++
	}
	copy(s, tmp)
	// count[k] is now the end of sub-bucket k.
	lo := int32(0)
	for k := 0; k < m; k++ {
		hi := count[k]
		if hi-lo > 1 {
			insertionSortRecs(s[lo:hi], ids)
		}
		lo = hi
	}
	// The sub-bucket of x is monotone in x, so sub-buckets are in order;
	// rounding at a sub-bucket edge could only misplace equal keys, and
	// one insertion pass over the bucket repairs any such inversion cheaply.
	insertionSortRecs(s, ids)
}

func lessRec(a, b *unitRec, ids []string) bool {
	if a.u != b.u {
		return a.u < b.u
	}
	return ids[a.i] < ids[b.i]
}

// insertionSortRecs sorts s by (u, ID); on nearly sorted input it costs one
// comparison per element.
func insertionSortRecs(s []unitRec, ids []string) {
	for i := 1; i < len(s); i++ {
		if !lessRec(&s[i], &s[i-1], ids) {
			continue
		}
		r := s[i]
		j := i
		for j > 0 && lessRec(&r, &s[j-1], ids) {
			s[j] = s[j-1]
			j--
		}
		s[j] = r
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
