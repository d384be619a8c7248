// Package sampling draws exact, verifiable, risk-weighted random samples of
// units from a frame of up to tens of millions of units.
//
// A draw has three ingredients: inclusion probabilities π (see
// InclusionProbabilities), a secret Seed revealed after the draw, and a design.
// Every unit gets a permanent random number (PRN) that depends only on the
// seed, a stream name and the unit's ID, so a draw does not depend on the
// order of the input, can be split into shards, and can be re-run by anyone
// who has the frame and the revealed seed.
//
// Conventions: slices passed in are never modified; functions that fill a
// dst slice say so. Input slices of one call must have equal lengths (a
// mismatch is a programmer error and panics). Bad data — NaN, infinite or
// negative weights, probabilities outside [0, 1], duplicate IDs, an empty
// frame, an impossible sample size — returns an error that names the unit and
// wraps one of the sentinels ErrBadWeight, ErrBadProbability, ErrDuplicateID,
// ErrEmptyFrame, ErrBadSize. All functions are safe for concurrent use.
package sampling
