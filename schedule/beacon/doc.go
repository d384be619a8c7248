// Package beacon verifies drand randomness beacon rounds offline, for the
// League of Entropy "quicknet" chain.
//
//	ch := beacon.Quicknet()                               // chain hash, key, genesis, period
//	round := ch.RoundAt(deadline.Add(time.Minute))        // the first round after a time
//	at := ch.TimeOf(round)                                // when it will be published
//	randomness, err := ch.Verify(round, signature)        // signature: 48 bytes, from any mirror
//
// A quicknet round (scheme bls-unchained-g1-rfc9380) is a BLS signature on
// G1 of BLS12-381 over SHA-256 of the round number as 8 big-endian bytes,
// hashed to the curve with RFC 9380's hash_to_curve and the domain
// separation tag BLS_SIG_BLS12381G1_XMD:SHA-256_SSWU_RO_NUL_, under the
// chain's public key on G2. Its randomness is SHA-256 of the compressed
// signature. Verification needs no network: the public key and genesis
// are constants (from https://api.drand.sh/52db9ba70e0cc0f6eaf7803dd07447a1f5477735fd3f661792ba94600c84e971/info).
// Pairings are computed by github.com/cloudflare/circl (sign/bls,
// KeyG2SigG1), pure Go, so this package builds for js/wasm and 386.
//
// Round r is published at genesis + (r−1)·period; round 1 at genesis.
// Every error wraps ErrBeacon.
package beacon
