//go:build !amd64 || purego

package sampling

// haveSIMD is false: there is no vector SipHash for this platform.
var haveSIMD = false

func sipHash24x8SIMD(*[4]uint64, *[8]*byte, int, *[8]uint64) {
	panic("sampling: no SIMD SipHash on this platform")
}
