// Package sampling draws exact, verifiable, risk-weighted random samples of
// units from a frame of up to tens of millions of units.
//
// A draw, start to finish:
//
//	seed, err := sampling.NewSeed(rand.Reader)            // crypto/rand; keep it secret
//	publish(seed.Commitment())                            // before the draw
//	pi, err := sampling.InclusionProbabilities(w, n)      // π ∝ w, Σπ = n, none above 1
//	s, err := sampling.Select(sampling.Systematic, ids, pi, seed, "2026-03")
//	// s.Selected[k], s.Pi[k], s.PRN[k] for every unit; reveal seed.String()
//	// and anyone re-runs Select to check the draw. After the visits:
//	rate, err := sampling.HajekMean(y, pi, sampling.VarianceFor(s.Design))
//
// Repeated draws reuse memory with InclusionProbabilitiesInto and
// SelectInto; Stratified.Select draws strata (level × district, say)
// with an allocation; PRN and PRNs are the permanent random numbers alone.
//
// A draw has three ingredients: target inclusion probabilities π (see
// InclusionProbabilities, R's sampling::inclusionprobabilities), a secret
// Seed whose Commitment is published before the draw and which is revealed
// after it, and a Design. Every unit gets a permanent random number (PRN),
// a keyed pseudo-random function of the seed, a stream name and the unit's
// ID only (see PRN for its frozen definition), so a draw does not depend on
// the order of the frame, can be split into shards, cannot be predicted
// before the seed is revealed, and can be re-run by anyone who has the frame
// and the seed. Select returns, for every unit of the frame, its target π,
// the π the design realises, its PRN and whether it was selected.
//
// # Designs
//
//	design                    fixed size     π exact         all joint π > 0    cost
//	Systematic (zero value)   yes¹           yes             not guaranteed²    O(N): PRNs, bucket sort, one pass
//	Pareto (Rosén 1997)       yes            no: true π      yes (n ≥ 2)        O(N) draw; true π O(N²·2000) for
//	                                         reported³                          N ≤ 200 uncertain units, else O(256·N)
//	Poisson                   no (random)    yes             yes (π_k·π_l)      O(N)
//	Stratified (wrapper)      per stratum    per stratum     within a stratum   O(N) plus a map of strata
//	                                                         as its design;
//	                                                         across strata yes
//	                                                         (independent)
//
// ¹ Size exactly Σπ when Σπ is an integer; otherwise ⌊Σπ⌋ or ⌈Σπ⌉ at random,
// with every π still exact. ² In a fixed order systematic πps (Madow 1949; Tillé
// 2006, §7.2) never draws two neighbours whose π sum to at most 1.
// Ordering by PRN randomises the order in every draw, which makes most joint
// probabilities positive (Hartley & Rao 1962), but not provably all, and
// they have no closed form; variance estimation therefore uses
// approximations (Deville's, as in R's sampling::varest) rather than
// Sen–Yates–Grundy. ³ Pareto's realised π differ from the targets λ,
// the more so the smaller the frame (by up to 9·10⁻⁵ for 150 lognormal
// weights and n = 30, but 0.133 → 0.128 for six units); Sample.Pi
// holds the true π computed by numerical integration (Aires 1999), and
// ParetoProbabilities computes them alone. Certain units (π = 1) are taken
// and units with π = 0 are never taken by every design.
//
// # Where π come from
//
// sampling imports no other firedraw package: it knows weights,
// probabilities and IDs, not risk levels. Turning levels and scores into
// annual frequencies and per-round π is the job of schedule.Policy, in the
// package where levels meet probabilities.
//
// # Estimation
//
// Horvitz–Thompson (1952) totals and means and Hájek (1971) ratio means
// and rates, overall or by domain (EstimateByDomain), with the variance
// that suits the design (VarianceFor): the exact unbiased variance for
// Poisson sampling, Sen–Yates–Grundy when joint probabilities are known,
// and Deville's approximation — R's sampling::varest — for fixed-size
// designs such as systematic πps and Pareto, whose many zero joint
// probabilities rule out an unbiased estimator. Intervals are normal
// (95 % unless Estimator.Level says otherwise); they under-cover for rare
// outcomes in small samples.
//
// # Successive sampling is not πps
//
// gonum's sampleuv.Weighted, numpy's choice(replace=False, p=…) and
// Efraimidis–Spirakis keys draw one unit at a time with probability ∝ w,
// without replacement. Their inclusion probabilities are not ∝ w: for
// w = [1, 2, 3] and n = 2 they are 0.417, 0.733 and 0.850 instead of 1/3,
// 2/3 and 1. Do not use them where π must be known.
//
// # Conventions
//
// Slices passed in are never modified; Sample.IDs and Sample.Target alias
// the caller's ids and pi. PRNs reuses its dst argument when large enough,
// and so do InclusionProbabilitiesInto and SelectInto, the forms for a
// service that draws again and again: they touch no fresh memory and make
// no garbage, which at 10^7 units saves more time than the draw takes (a
// one-shot Select allocates its PRNs, flags and a 16-byte-per-unit sort
// buffer). On amd64 with AVX2 the PRNs of IDs of one length are computed 8
// at a time with vector instructions (the purego build tag turns this off);
// the numbers are the same.
// Input slices of one call must have equal lengths; a mismatch is a
// programmer error and panics. Bad data — NaN, infinite or negative
// weights, probabilities outside [0, 1], duplicate IDs, an empty frame, an
// impossible sample size — returns an error that names the unit (a
// *UnitError with its index and ID) and wraps one of the sentinels
// ErrBadWeight, ErrBadProbability, ErrDuplicateUnit, ErrEmptyFrame,
// ErrBadSize. Functions run on up to runtime.GOMAXPROCS goroutines where it
// pays; their results do not depend on the number of goroutines. All
// functions are safe for concurrent use, except that one Sample must not be
// filled by two SelectInto calls at once.
package sampling
