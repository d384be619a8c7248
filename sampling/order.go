package sampling

import (
	"math"
	"math/big"
	"runtime"
	"slices"
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
	if n <= 4*prnBuckets {
		// Small frames: a comparison sort beats touching 2048 buckets.
		for i, x := range u {
			recs[i] = unitRec{u: x, pi: pi[i], i: int32(i)}
		}
		slices.SortFunc(recs, func(a, b unitRec) int {
			if lessRec(&a, &b, ids) {
				return -1
			}
			if lessRec(&b, &a, ids) {
				return 1
			}
			return 0
		})
		return recs
	}
	// First pass, in parallel blocks of the frame: each block counts its
	// units per bucket, then scatters them into its own slice of each
	// bucket (block w's units of bucket b follow those of blocks < w). The
	// order inside a bucket is fixed by the second pass, so the split does
	// not matter.
	p := runtime.GOMAXPROCS(0)
	if p > n/(1<<15) {
		p = max(n/(1<<15), 1)
	}
	counts := make([][prnBuckets]int, p)
	blocks := func(f func(w, lo, hi int)) {
		var wg sync.WaitGroup
		for w := range p {
			wg.Add(1)
			go func() {
				defer wg.Done()
				f(w, w*n/p, (w+1)*n/p)
			}()
		}
		wg.Wait()
	}
	blocks(func(w, lo, hi int) {
		c := &counts[w]
		for _, x := range u[lo:hi] {
			c[bucketOf(x, prnBuckets)]++
		}
	})
	var start [prnBuckets + 1]int
	next := make([][prnBuckets]int, p)
	off := 0
	for b := range prnBuckets {
		start[b] = off
		for w := range p {
			next[w][b] = off
			off += counts[w][b]
		}
	}
	start[prnBuckets] = n
	blocks(func(w, lo, hi int) {
		nx := &next[w]
		for i := lo; i < hi; i++ {
			x := u[i]
			b := bucketOf(x, prnBuckets)
			recs[nx[b]] = unitRec{u: x, pi: pi[i], i: int32(i)}
			nx[b]++
		}
	})
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

// exactSum adds non-negative finite float64 values without rounding: each
// value m·2^e is added as the integer m into a 128-bit bin of its exponent,
// and value returns the correctly rounded total. The result therefore
// does not depend on the order of the additions — the sums behind π are
// the same whatever the order of the frame. Cost: a few ns per value; the
// bins cover only the exponents seen. The zero value is an empty sum.
type exactSum struct {
	base   int      // exponent field of bin 0
	hi, lo []uint64 // bin k counts units of 2^(base+k−1075)
}

func (s *exactSum) add(x float64) {
	b := math.Float64bits(x)
	e := int(b >> 52 & 0x7ff)
	m := b & (1<<52 - 1)
	if e != 0 {
		m |= 1 << 52
	} else {
		e = 1 // subnormal: same scale as the smallest normal exponent
	}
	k := e - s.base
	if uint(k) >= uint(len(s.lo)) {
		k = s.bin(e)
	}
	lo := s.lo[k] + m
	if lo < m {
		s.hi[k]++
	}
	s.lo[k] = lo
}

// bin returns the index of exponent e's bin, growing the range if needed.
func (s *exactSum) bin(e int) int {
	if len(s.lo) == 0 {
		s.base = e
		s.lo = make([]uint64, 1, 16)
		s.hi = make([]uint64, 1, 16)
		return 0
	}
	if e < s.base {
		grow := s.base - e
		s.lo = append(make([]uint64, grow, grow+len(s.lo)), s.lo...)
		s.hi = append(make([]uint64, grow, grow+len(s.hi)), s.hi...)
		s.base = e
	}
	for e-s.base >= len(s.lo) {
		s.lo = append(s.lo, 0)
		s.hi = append(s.hi, 0)
	}
	return e - s.base
}

// merge adds the total of t into s.
func (s *exactSum) merge(t *exactSum) {
	for j := range t.lo {
		if t.lo[j] == 0 && t.hi[j] == 0 {
			continue
		}
		k := s.bin(t.base + j)
		lo := s.lo[k] + t.lo[j]
		if lo < t.lo[j] {
			s.hi[k]++
		}
		s.lo[k] = lo
		s.hi[k] += t.hi[j]
	}
}

// sub subtracts the total of t from s; t must be a sub-multiset of the
// values added to s, so no bin goes negative.
func (s *exactSum) sub(t *exactSum) {
	for j := range t.lo {
		if t.lo[j] == 0 && t.hi[j] == 0 {
			continue
		}
		k := s.bin(t.base + j)
		lo := s.lo[k] - t.lo[j]
		if lo > s.lo[k] {
			s.hi[k]--
		}
		s.lo[k] = lo
		s.hi[k] -= t.hi[j]
	}
}

func (s *exactSum) value() float64 {
	if len(s.lo) == 0 {
		return 0
	}
	// 2^-1074 … 2^1024 times a 128-bit count fits in 2300 bits.
	acc := new(big.Float).SetPrec(2400)
	term := new(big.Float).SetPrec(2400)
	word := new(big.Float).SetPrec(2400)
	for k := range s.lo {
		if s.lo[k] == 0 && s.hi[k] == 0 {
			continue
		}
		term.SetUint64(s.hi[k])
		term.SetMantExp(term, 64)
		word.SetUint64(s.lo[k])
		term.Add(term, word)
		term.SetMantExp(term, s.base+k-1075)
		acc.Add(acc, term)
	}
	f, _ := acc.Float64()
	return f
}
