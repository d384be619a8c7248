// Package par runs loops of the risk packages on two goroutines.
//
//	par.Halves(len(rows), func(g, lo, hi int) {
//		for i := lo; i < hi; i++ { /* rows[i] */ }
//	})
//
// The library is tuned for two cores: each call splits its work in two
// halves, runs the second on a new goroutine and the first on the caller's,
// and returns when both are done.
package par

import "sync"

// Halves runs f on 2 goroutines over the halves [0, n/2) and [n/2, n),
// passing the goroutine number (0 for the first half, run on the calling
// goroutine), and waits for both.
func Halves(n int, f func(g, lo, hi int)) {
	var wg sync.WaitGroup
	mid := n / 2
	wg.Add(1)
	go func() { defer wg.Done(); f(1, mid, n) }()
	f(0, 0, mid)
	wg.Wait()
}
