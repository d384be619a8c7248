//go:build !purego

package sampling

// prn8AVX2 computes toUnit(SipHash-2-4) of the 8 strings of n ≥ 8 bytes
// whose data p points to, from the initial state init (v0…v3, the key
// mixed with the constants), into out[0:8], with 4 lanes per AVX2
// register.
//
//go:noescape
func prn8AVX2(init *[4]uint64, p *[8]*byte, n int, out *float64)

// cpuidAVX2 reports whether the CPU has AVX2 and the OS saves its registers.
func cpuidAVX2() bool

// haveSIMD reports whether prn8 runs the AVX2 code; tests switch it off to
// check the portable code against it.
var haveSIMD = cpuidAVX2()

func prn8(init *[4]uint64, p *[8]*byte, n int, out []float64) {
	_ = out[7]
	prn8AVX2(init, p, n, &out[0])
}
