package sampling

import (
	"math"
	"math/big"
	"math/bits"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
)

// ordRec is one unit in PRN order: its π, 32 bits of its PRN below the
// bucket bits, and its index in the frame. 16 bytes: carrying π along keeps
// the pass over PRN order sequential in memory (gathering π[i] in random
// order costs a cache miss per unit), and the partial key keeps the sort
// inside a bucket in cache; the rare ties in the key are resolved with the
// full PRN and the ID.
type ordRec struct {
	pi  float64
	key uint32
	i   int32
}

// prnBucketBits is log2 of the number of first-pass buckets of prnOrder:
// 256 write streams stay within the caches and the TLB while the frame is
// scattered.
const (
	prnBucketBits = 8
	prnBuckets    = 1 << prnBucketBits
)

// prnBits returns the 52-bit integer x of a PRN u = (x + 0.5)/2^52 (see PRN).
func prnBits(u float64) uint64 { return uint64(u * 0x1p52) }

// prnBucket is the first-pass bucket of u: the leading prnBucketBits bits
// of its 52 bits, so buckets are in PRN order.
func prnBucket(u float64) int { return int(prnBits(u) >> (52 - prnBucketBits)) }

// prnOrder passes every unit of the frame as an ordRec to visit, sorted by
// (u, ID) ascending — the PRN order — in consecutive slices (which visit must
// not keep: their memory is reused; visit runs on any of the goroutines,
// never two at a time), in O(N) expected time, and returns the indices
// (first, second) of the first pair of units with the same ID in that order
// (first = -1 when the IDs are distinct; visit has then seen only a part of
// the order). PRNs are uniform on (0, 1), so
// a bucket sort (256 buckets by the leading bits of u, then, inside each
// bucket, counting sorts on the next bits and an insertion sort of the few
// units that share them; see sortBucket) needs no comparison sort: a comparison
// sort of 10^7 floats takes seconds. Ties in u (two IDs with the same 52-bit
// PRN, likely somewhere in a frame of 10^7 units, and certain for duplicate
// IDs) are broken by ID, so the order never depends on the input order
// (beyond the order of copies of one ID). Equal IDs have equal PRNs and end
// up adjacent, which finds duplicates without a hash set of 10^7 strings.
//
// The first pass scatters 16-byte records into one buffer of N records.
// Only 256 buckets: the scatter writes to one page per bucket at a time,
// and with 2048 buckets (tried first) those pages overflow the TLB and the
// scatter costs 3 times as much. scratch, when not nil, is that buffer to
// reuse (at 10^7 units a fresh 160 MB buffer costs about 0.1 s of page
// faults on a virtual machine, as much as the sort); prnOrder replaces it
// with a larger one when needed.
//
// counts, when not nil, holds per block w of the frame [w·n/p, (w+1)·n/p),
// p = len(counts), the number of its units in each bucket (as selectInto
// computes them along with the PRNs); otherwise prnOrder counts. Both
// passes run on up to runtime.GOMAXPROCS goroutines.
func prnOrder(u, pi []float64, ids []string, counts [][prnBuckets]int32, scratch *[]ordRec, visit func([]ordRec)) (first, second int) {
	n := len(u)
	if n <= 4*prnBuckets {
		return prnOrderSmall(u, pi, ids, visit)
	}
	if counts == nil {
		counts = prnCounts(u, prnBlocks(n))
	}
	start := bucketStarts(counts)
	if start[prnBuckets] != n {
		panic("sampling: prnOrder: bucket counts do not cover the frame")
	}
	buf := orderBuffer(scratch, n)
	scatterBuckets(buf, u, pi, counts)
	return sortAndVisitBuckets(buf, &start, u, ids, visit)
}

// prnOrderSmall is prnOrder for small frames, where a comparison sort
// beats touching 256 buckets. The frame is one bucket, so the key is the
// leading 32 bits of u.
func prnOrderSmall(u, pi []float64, ids []string, visit func([]ordRec)) (first, second int) {
	recs := make([]ordRec, len(u))
	for i, x := range u {
		recs[i] = ordRec{pi: pi[i], key: uint32(prnBits(x) >> 20), i: int32(i)}
	}
	// (slices.SortFunc, as before prnOrder existed: with three or more
	// copies of an ID, which pair is reported depends on its order.)
	slices.SortFunc(recs, func(a, b ordRec) int {
		if lessOrd(&a, &b, u, ids) {
			return -1
		}
		if lessOrd(&b, &a, u, ids) {
			return 1
		}
		return 0
	})
	if first, second = firstDuplicate(recs, u, ids); first >= 0 {
		return first, second
	}
	visit(recs)
	return -1, -1
}

// bucketStarts returns the offset of each bucket in PRN order, from the
// per-block bucket counts; start[prnBuckets] is the number of units.
func bucketStarts(counts [][prnBuckets]int32) [prnBuckets + 1]int {
	var start [prnBuckets + 1]int
	off := 0
	for b := range prnBuckets {
		start[b] = off
		for w := range counts {
			off += int(counts[w][b])
		}
	}
	start[prnBuckets] = off
	return start
}

// orderBuffer returns n records of *scratch, or a new buffer that replaces
// *scratch when it is too small (scratch may be nil).
func orderBuffer(scratch *[]ordRec, n int) []ordRec {
	if scratch != nil && cap(*scratch) >= n {
		return (*scratch)[:n]
	}
	buf := make([]ordRec, n)
	if scratch != nil {
		*scratch = buf
	}
	return buf
}

// scatterBuckets is prnOrder's first pass, in parallel blocks of the frame
// (p = len(counts)): each block scatters its units into its own slice of
// each bucket of buf (block w's units of bucket b follow those of blocks
// < w, so equal keys stay in frame order).
func scatterBuckets(buf []ordRec, u, pi []float64, counts [][prnBuckets]int32) {
	n, p := len(u), len(counts)
	next := make([][prnBuckets]int32, p)
	o := 0
	for b := range prnBuckets {
		for w := range p {
			next[w][b] = int32(o)
			o += int(counts[w][b])
		}
	}
	runBlocks(p, func(w int) {
		lo, hi := w*n/p, (w+1)*n/p
		nx := &next[w]
		uu, pp := u[lo:hi], pi[lo:hi]
		pp = pp[:len(uu)]
		for j, x := range uu {
			bits := prnBits(x)
			b := bits >> (52 - prnBucketBits) & (prnBuckets - 1)
			k := nx[b]
			buf[k] = ordRec{pi: pp[j], key: uint32(bits >> (52 - prnBucketBits - 32)), i: int32(lo + j)}
			nx[b] = k + 1
		}
	})
}

// sortAndVisitBuckets is prnOrder's second pass: the workers sort the
// buckets of buf (bounded by start) in the order they claim them, and a
// worker that finds the next buckets of the order sorted passes them to
// visit (one worker at a time, in order), so the sequential visitor
// overlaps the sorting of later buckets. It returns the first duplicate
// pair, in the earliest bucket that has one, or (-1, -1).
func sortAndVisitBuckets(buf []ordRec, start *[prnBuckets + 1]int, u []float64, ids []string, visit func([]ordRec)) (first, second int) {
	var claim, cursor atomic.Int64
	var done [prnBuckets]atomic.Bool
	var feed, mu sync.Mutex
	drain := func() {
		for feed.TryLock() {
			for c := cursor.Load(); c < prnBuckets && done[c].Load(); c++ {
				visit(buf[start[c]:start[c+1]])
				cursor.Store(c + 1)
			}
			feed.Unlock()
			// A bucket finished while this worker held the lock is visited
			// by this worker: the other one's TryLock failed.
			if c := cursor.Load(); c >= prnBuckets || !done[c].Load() {
				return
			}
		}
	}
	first, second = -1, -1
	dupBucket := prnBuckets
	runBlocks(runtime.GOMAXPROCS(0), func(int) {
		sb, _ := sortBufs.Get().(*sortBuf)
		if sb == nil {
			sb = new(sortBuf)
		}
		defer sortBufs.Put(sb)
		for {
			b := int(claim.Add(1)) - 1
			if b >= prnBuckets {
				return
			}
			if a, c := sb.sortBucket(buf[start[b]:start[b+1]], u, ids); a >= 0 {
				mu.Lock()
				if b < dupBucket {
					dupBucket, first, second = b, a, c
				}
				mu.Unlock()
			}
			done[b].Store(true)
			drain()
		}
	})
	if first >= 0 {
		return first, second
	}
	if cursor.Load() != prnBuckets {
		panic("sampling: prnOrder: a sorted bucket was not visited")
	}
	return -1, -1
}

// prnBlocks is the number of blocks prnOrder's first pass splits a frame of
// n units into.
func prnBlocks(n int) int {
	return max(min(runtime.GOMAXPROCS(0), n/(1<<15)), 1)
}

// prnCounts counts the units of each block in each bucket.
func prnCounts(u []float64, p int) [][prnBuckets]int32 {
	n := len(u)
	counts := make([][prnBuckets]int32, p)
	runBlocks(p, func(w int) {
		c := &counts[w]
		for _, x := range u[w*n/p : (w+1)*n/p] {
			c[prnBucket(x)&(prnBuckets-1)]++
		}
	})
	return counts
}

// runBlocks runs f(0), …, f(p-1) on p goroutines (f(0) on the caller's).
func runBlocks(p int, f func(w int)) {
	if p == 1 {
		f(0)
		return
	}
	var wg sync.WaitGroup
	for w := 1; w < p; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f(w)
		}()
	}
	f(0)
	wg.Wait()
}

// firstDuplicate returns the frame indices (smaller first) of the first
// adjacent pair in s with the same ID, or (-1, -1).
func firstDuplicate(s []ordRec, u []float64, ids []string) (int, int) {
	for j := 1; j < len(s); j++ {
		if s[j-1].key != s[j].key {
			continue
		}
		a, b := s[j-1].i, s[j].i
		if u[a] == u[b] && ids[a] == ids[b] {
			return int(min(a, b)), int(max(a, b))
		}
	}
	return -1, -1
}

// sortBufs keeps the sortBuf of prnOrder's workers between calls (see
// floatPool).
var sortBufs sync.Pool // *sortBuf

type sortBuf struct {
	tmp   []ordRec
	count []int32
}

// sortBucket sorts s, whose PRNs share their leading prnBucketBits bits, by
// counting sorts on the leading bits of key and insertion sorts, which
// only move units that share those bits (about one in two), and returns
// firstDuplicate of the sorted s. A bucket of up to 2^12 units takes one
// counting pass; a larger one two: by the leading 8 bits into sb.tmp (256
// write streams stay within the caches, where one pass over 2^16
// sub-buckets of a 600 kB bucket misses them on every unit), then each of
// those parts, while it is in the first-level cache, by the next bits back
// into s, sorted by insertion and checked for duplicates.
func (sb *sortBuf) sortBucket(s []ordRec, u []float64, ids []string) (first, second int) {
	m := len(s)
	if m <= 16 {
		insertionSortOrd(s, u, ids)
		return firstDuplicate(s, u, ids)
	}
	l := bits.Len(uint(m))
	if cap(sb.tmp) < m {
		sb.tmp = make([]ordRec, m+m/4)
	}
	tmp := sb.tmp[:m]
	if l <= 12 {
		countingSort(s, tmp, 32-l, 1<<l-1, sb.counts(1<<l))
		insertionSortOrd(tmp, u, ids)
		copy(s, tmp)
		return firstDuplicate(s, u, ids)
	}
	const hiBits = 8
	var starts [1<<hiBits + 1]int32
	count := sb.counts(1 << hiBits)
	countingSort(s, tmp, 32-hiBits, 1<<hiBits-1, count)
	// count[k] is now the end of part k.
	for k := range 1 << hiBits {
		starts[k+1] = count[k]
	}
	lo := min(l-hiBits, 12)
	shift := 32 - hiBits - lo
	first, second = -1, -1
	for k := range 1 << hiBits {
		a, b := starts[k], starts[k+1]
		part := s[a:b]
		if b-a <= 16 {
			copy(part, tmp[a:b])
		} else {
			countingSort(tmp[a:b], part, shift, 1<<lo-1, sb.counts(1<<lo))
		}
		insertionSortOrd(part, u, ids)
		if first < 0 {
			first, second = firstDuplicate(part, u, ids)
		}
	}
	return first, second
}

// counts returns sb's counter slice of length n, zeroed.
func (sb *sortBuf) counts(n int) []int32 {
	if cap(sb.count) < n {
		sb.count = make([]int32, n)
	}
	c := sb.count[:n]
	clear(c)
	return c
}

// countingSort writes src into dst ordered by key>>shift&mask, stably;
// count (zeroed, mask+1 long) ends up holding the end of each key's run.
func countingSort(src, dst []ordRec, shift int, mask uint32, count []int32) {
	dst = dst[:len(src)]
	count = count[:mask+1]
	for j := range src {
		count[src[j].key>>shift&mask]++
	}
	sum := int32(0)
	for k, c := range count {
		count[k] = sum
		sum += c
	}
	for j := range src {
		r := src[j]
		k := r.key >> shift & mask
		dst[count[k]] = r
		count[k]++
	}
}

func lessOrd(a, b *ordRec, u []float64, ids []string) bool {
	if a.key != b.key {
		return a.key < b.key
	}
	if ua, ub := u[a.i], u[b.i]; ua != ub {
		return ua < ub
	}
	return ids[a.i] < ids[b.i]
}

// insertionSortOrd sorts s by (u, ID), stably; on nearly sorted input it
// costs one comparison per element.
func insertionSortOrd(s []ordRec, u []float64, ids []string) {
	for i := 1; i < len(s); i++ {
		if s[i].key > s[i-1].key || !lessOrd(&s[i], &s[i-1], u, ids) {
			continue
		}
		r := s[i]
		j := i
		for j > 0 && lessOrd(&r, &s[j-1], u, ids) {
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

// addBins adds the total of b into s.
func (s *exactSum) addBins(b *expBins) {
	for e := range b.lo {
		if b.lo[e] != 0 || b.hi[e] != 0 {
			s.add128(e, b.lo[e], b.hi[e])
		}
	}
}

// merge adds the total of t into s.
func (s *exactSum) merge(t *exactSum) {
	for j := range t.lo {
		if t.lo[j] != 0 || t.hi[j] != 0 {
			s.add128(t.base+j, t.lo[j], t.hi[j])
		}
	}
}

// add128 adds the 128-bit value hi:lo to the bin of exponent e, carrying
// from the low word into the high one.
func (s *exactSum) add128(e int, lo, hi uint64) {
	k := s.bin(e)
	sum := s.lo[k] + lo
	if sum < lo {
		s.hi[k]++
	}
	s.lo[k] = sum
	s.hi[k] += hi
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
