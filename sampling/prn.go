package sampling

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"math/bits"
	"runtime"
	"sync"
	"unsafe"
)

// PRN returns the permanent random number of unit id in the given stream of a
// draw with this seed: a number in the open interval (0, 1) that is a keyed
// cryptographic pseudo-random function of (seed, stream, id) and of nothing
// else, so a draw does not depend on the order of the frame, shards can draw
// independently, and nobody can predict a unit's number before the seed is
// revealed.
//
// The definition is frozen (version "v1"); testdata/sampling/prn_vectors.json
// pins it. Byte by byte:
//
//  1. Key derivation. m = "firedraw/prn/v1" (15 ASCII bytes) || 0x00 ||
//     the UTF-8 bytes of stream. D = HMAC-SHA-256 (RFC 2104, FIPS 180-4)
//     with the 32 seed bytes as key and m as message. K = D[0:16].
//  2. PRF. h = SipHash-2-4 (Aumasson & Bernstein 2012, the reference
//     specification) with the 128-bit key K (k0 = little-endian uint64 of
//     K[0:8], k1 = of K[8:16]) over the UTF-8 bytes of id; h is the 64-bit
//     result read as the reference implementation returns it.
//  3. Mapping. x = h >> 12 (the top 52 bits); u = (x + 0.5) / 2^52.
//     Every such u is an exact float64, the smallest is 2^-53 and the largest
//     1 - 2^-53, so u is never 0 or 1. (With 53 bits, (x+0.5) would need 54
//     bits of mantissa and the largest x would round to u = 1.)
//
// Why this construction: the seed is secret until after the draw, so the
// numbers must be unpredictable to anyone without it — a keyed PRF, not a
// hash of public data. HMAC-SHA-256 is the standard way to derive a subkey
// per (seed, stream) and runs once per draw; SipHash-2-4 is a PRF designed
// for short inputs such as IDs with a 128-bit key, has a one-page reference
// specification with published test vectors (so the definition can be
// re-implemented in any language in ten years) and needs no hardware
// support. Per 18-byte ID it costs about 3.6 times less than AES-128-CMAC
// through crypto/aes's cipher.Block (whose per-block interface call and
// checks cost more than the AES-NI rounds) and 10 times less than
// HMAC-SHA-256 per unit (see BenchmarkPRF); PRNs hashes 8 IDs of one
// length at a time with AVX2 where the CPU has it (about 6 ns per 18-byte
// ID per core), else two at a time to overlap their round chains. Its
// 64-bit output is more than the 52 bits used.
func PRN(seed Seed, stream, id string) float64 {
	k0, k1 := prnKey(seed, prnLabel, stream)
	return toUnit(sipHash24(k0, k1, id))
}

// PRNs computes PRN(seed, stream, ids[i]) into dst[i] for every i and returns
// dst, which is reallocated when its capacity is below len(ids). The work is
// split into contiguous blocks over runtime.GOMAXPROCS(0) goroutines; the
// result does not depend on the split.
func PRNs(seed Seed, stream string, ids []string, dst []float64) []float64 {
	if cap(dst) < len(ids) {
		dst = make([]float64, len(ids))
	}
	dst = dst[:len(ids)]
	k0, k1 := prnKey(seed, prnLabel, stream)
	parallelFor(len(ids), 1<<14, func(lo, hi int) {
		prnRange(k0, k1, ids[lo:hi], dst[lo:hi])
	})
	return dst
}

// prnRange sets dst[i] to the PRN of ids[i] under the SipHash key (k0, k1).
// Runs of 8 IDs of one length (8 bytes or more) go to the vector SipHash
// where the CPU has one (AVX2: 8 IDs in two groups of 4 lanes, about 3
// times the throughput of the scalar code); the rest two at a time.
func prnRange(k0, k1 uint64, ids []string, dst []float64) {
	dst = dst[:len(ids)]
	i := 0
	if haveSIMD {
		init := [4]uint64{k0 ^ 0x736f6d6570736575, k1 ^ 0x646f72616e646f6d, k0 ^ 0x6c7967656e657261, k1 ^ 0x7465646279746573}
		var p [8]*byte
		for ; i+8 <= len(ids); i += 8 {
			g := ids[i : i+8]
			n := len(g[0])
			if n < 8 || len(g[1]) != n || len(g[2]) != n || len(g[3]) != n ||
				len(g[4]) != n || len(g[5]) != n || len(g[6]) != n || len(g[7]) != n {
				prnPairs(k0, k1, g, dst[i:i+8])
				continue
			}
			for j, id := range g {
				p[j] = unsafe.StringData(id)
			}
			prn8(&init, &p, n, dst[i:i+8])
		}
	}
	prnPairs(k0, k1, ids[i:], dst[i:])
}

// prnPairs is prnRange with the scalar SipHash, two IDs at a time.
func prnPairs(k0, k1 uint64, ids []string, dst []float64) {
	dst = dst[:len(ids)]
	i := 0
	for ; i+1 < len(ids); i += 2 {
		if a, b := ids[i], ids[i+1]; len(a) == len(b) {
			x, y := sipHash24x2(k0, k1, a, b)
			dst[i], dst[i+1] = toUnit(x), toUnit(y)
		} else {
			dst[i], dst[i+1] = toUnit(sipHash24(k0, k1, a)), toUnit(sipHash24(k0, k1, b))
		}
	}
	if i < len(ids) {
		dst[i] = toUnit(sipHash24(k0, k1, ids[i]))
	}
}

// Domain-separation labels of the key derivation (step 1 of PRN).
const (
	prnLabel   = "firedraw/prn/v1"
	startLabel = "firedraw/start/v1" // the random start of a systematic draw
)

// startPRN is the random start of a systematic draw in stream, for the
// sub-frame named part (the stratum key, "" for an unstratified draw):
// step 1 of PRN with label "firedraw/start/v1", then steps 2 and 3 with
// id = part. Its key differs from every unit key, so it is independent of
// the units' PRNs.
func startPRN(seed Seed, stream, part string) float64 {
	k0, k1 := prnKey(seed, startLabel, stream)
	return toUnit(sipHash24(k0, k1, part))
}

func prnKey(seed Seed, label, stream string) (k0, k1 uint64) {
	mac := hmac.New(sha256.New, seed[:])
	msg := make([]byte, 0, len(label)+1+len(stream))
	msg = append(msg, label...)
	msg = append(msg, 0)
	msg = append(msg, stream...)
	mac.Write(msg)
	d := mac.Sum(nil)
	return binary.LittleEndian.Uint64(d[0:8]), binary.LittleEndian.Uint64(d[8:16])
}

func toUnit(h uint64) float64 {
	return (float64(h>>12) + 0.5) * 0x1p-52
}

// sipHash24 is SipHash-2-4 of the bytes of p under key (k0, k1), exactly as
// the reference implementation (github.com/veorq/SipHash) computes it.
func sipHash24(k0, k1 uint64, p string) uint64 {
	v0 := k0 ^ 0x736f6d6570736575
	v1 := k1 ^ 0x646f72616e646f6d
	v2 := k0 ^ 0x6c7967656e657261
	v3 := k1 ^ 0x7465646279746573
	b := uint64(len(p)) << 56
	for ; len(p) >= 8; p = p[8:] {
		m := le64(p)
		v3 ^= m
		// Two SipRounds (c = 2).
		v0, v1, v2, v3 = sipRound(v0, v1, v2, v3)
		v0, v1, v2, v3 = sipRound(v0, v1, v2, v3)
		v0 ^= m
	}
	for i := len(p) - 1; i >= 0; i-- {
		b |= uint64(p[i]) << (8 * uint(i))
	}
	v3 ^= b
	v0, v1, v2, v3 = sipRound(v0, v1, v2, v3)
	v0, v1, v2, v3 = sipRound(v0, v1, v2, v3)
	v0 ^= b
	v2 ^= 0xff
	// Four finalization SipRounds (d = 4).
	for range 4 {
		v0, v1, v2, v3 = sipRound(v0, v1, v2, v3)
	}
	return v0 ^ v1 ^ v2 ^ v3
}

// parallelFor calls f on contiguous blocks [lo, hi) that cover [0, n), using
// up to runtime.GOMAXPROCS(0) goroutines; below minBlock items it runs f
// once on the calling goroutine.
func parallelFor(n, minBlock int, f func(lo, hi int)) {
	p := runtime.GOMAXPROCS(0)
	if p > n/minBlock {
		p = n / minBlock
	}
	if p <= 1 {
		f(0, n)
		return
	}
	var wg sync.WaitGroup
	for w := 0; w < p; w++ {
		lo, hi := w*n/p, (w+1)*n/p
		wg.Add(1)
		go func() {
			defer wg.Done()
			f(lo, hi)
		}()
	}
	wg.Wait()
}

// sipHash24x2 is sipHash24 of two strings of equal length at once; the
// two independent round chains interleave in the CPU's pipelines. The
// rounds are unrolled, each 8-byte word is one load, and for strings of 8
// bytes or more the final partial word is one load of the last 8 bytes.
func sipHash24x2(k0, k1 uint64, p, q string) (uint64, uint64) {
	n := len(p)
	q = q[:n]
	v0 := k0 ^ 0x736f6d6570736575
	v1 := k1 ^ 0x646f72616e646f6d
	v2 := k0 ^ 0x6c7967656e657261
	v3 := k1 ^ 0x7465646279746573
	w0, w1, w2, w3 := v0, v1, v2, v3
	i := 0
	for ; i+8 <= n; i += 8 {
		m := le64(p[i : i+8])
		o := le64(q[i : i+8])
		v3 ^= m
		w3 ^= o
		v0, v1, v2, v3 = sipRound(v0, v1, v2, v3)
		w0, w1, w2, w3 = sipRound(w0, w1, w2, w3)
		v0, v1, v2, v3 = sipRound(v0, v1, v2, v3)
		w0, w1, w2, w3 = sipRound(w0, w1, w2, w3)
		v0 ^= m
		w0 ^= o
	}
	b := uint64(n) << 56
	c := b
	if r := uint(n - i); r > 0 {
		if n >= 8 {
			// The last r bytes are the top r bytes of the last 8.
			b |= le64(p[n-8:]) >> (64 - 8*r)
			c |= le64(q[n-8:]) >> (64 - 8*r)
		} else {
			for j := n - 1; j >= 0; j-- {
				b |= uint64(p[j]) << (8 * uint(j))
				c |= uint64(q[j]) << (8 * uint(j))
			}
		}
	}
	v3 ^= b
	w3 ^= c
	v0, v1, v2, v3 = sipRound(v0, v1, v2, v3)
	w0, w1, w2, w3 = sipRound(w0, w1, w2, w3)
	v0, v1, v2, v3 = sipRound(v0, v1, v2, v3)
	w0, w1, w2, w3 = sipRound(w0, w1, w2, w3)
	v0 ^= b
	w0 ^= c
	v2 ^= 0xff
	w2 ^= 0xff
	v0, v1, v2, v3 = sipRound(v0, v1, v2, v3)
	w0, w1, w2, w3 = sipRound(w0, w1, w2, w3)
	v0, v1, v2, v3 = sipRound(v0, v1, v2, v3)
	w0, w1, w2, w3 = sipRound(w0, w1, w2, w3)
	v0, v1, v2, v3 = sipRound(v0, v1, v2, v3)
	w0, w1, w2, w3 = sipRound(w0, w1, w2, w3)
	v0, v1, v2, v3 = sipRound(v0, v1, v2, v3)
	w0, w1, w2, w3 = sipRound(w0, w1, w2, w3)
	return v0 ^ v1 ^ v2 ^ v3, w0 ^ w1 ^ w2 ^ w3
}

// sipRound is one SipRound of SipHash.
func sipRound(v0, v1, v2, v3 uint64) (uint64, uint64, uint64, uint64) {
	v0 += v1
	v1 = bits.RotateLeft64(v1, 13)
	v1 ^= v0
	v0 = bits.RotateLeft64(v0, 32)
	v2 += v3
	v3 = bits.RotateLeft64(v3, 16)
	v3 ^= v2
	v0 += v3
	v3 = bits.RotateLeft64(v3, 21)
	v3 ^= v0
	v2 += v1
	v1 = bits.RotateLeft64(v1, 17)
	v1 ^= v2
	v2 = bits.RotateLeft64(v2, 32)
	return v0, v1, v2, v3
}

// le64 is the little-endian uint64 of the first 8 bytes of s (one load).
func le64(s string) uint64 {
	_ = s[7]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}
