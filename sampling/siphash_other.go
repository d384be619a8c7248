//go:build !amd64 || purego

package sampling

// haveSIMD is false: there is no vector SipHash for this platform.
var haveSIMD = false

func prn8(*[4]uint64, *[8]*byte, int, []float64) {
	panic("sampling: no SIMD SipHash on this platform")
}
