package synthcity

import (
	"math"
	"math/rand/v2"
)

// Stream numbers: every phase of the generator draws from its own PCG
// stream rand.NewPCG(Seed, stream), so that switching one phase off (for
// example NoTelemetry) leaves every other record unchanged.
const (
	streamIDs uint64 = iota + 1
	streamUnits
	streamInspectors
	streamInspections
	streamCredit
	streamIncidents
	streamTelemetry
	streamOutcomes
)

func newRand(seed, stream uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, stream))
}

// poisson draws a Poisson(lambda) count: Knuth's product method for small
// lambda, and the sum of two half-rate draws above 30 (Poisson variables
// add), which keeps every step exact.
func poisson(r *rand.Rand, lambda float64) int {
	if !(lambda > 0) {
		return 0
	}
	if lambda > 30 {
		return poisson(r, lambda/2) + poisson(r, lambda/2)
	}
	l := math.Exp(-lambda)
	k := 0
	p := r.Float64()
	for p > l {
		k++
		p *= r.Float64()
	}
	return k
}

func logistic(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

// pick returns an index drawn with probability proportional to w.
func pick(r *rand.Rand, w []float64) int {
	var s float64
	for _, x := range w {
		s += x
	}
	u := r.Float64() * s
	for i, x := range w {
		if u < x {
			return i
		}
		u -= x
	}
	return len(w) - 1
}

// round rounds x to the given number of decimals, so that every written
// value has a short, exact decimal form.
func round(x float64, decimals int) float64 {
	p := math.Pow10(decimals)
	return math.Round(x*p) / p
}

func clamp(x, lo, hi float64) float64 { return math.Max(lo, math.Min(hi, x)) }
