// Package protocol holds the data and rules of the draw protocol: the
// manifest that fixes every input of a draw before any randomness
// exists, the parties' commit–reveal contributions, the seed derived from
// them and from late public sources, and the state machine that checks
// the order and dates of a round's entries in the public log. It reads
// and writes no record file.
//
//	m := &protocol.Manifest{…}                     // every input, deadlines, parties, late source
//	h, _ := m.Hash()                               // log entry "manifest"
//	c, _ := protocol.Commit(h, "notary", secret)   // each party, before CommitBy: "commitment"
//	                                               // each party, before RevealBy: "reveal" (its secret)
//	                                               // after RevealBy: "beacon" (drand round) and/or "dice"
//	manifests, _ := protocol.Manifests(m)          // the published manifest files
//	st, err := protocol.ReplayLog(l, manifests, protocol.Drand) // a tlog.Log: order, dates, reveals, beacon signature
//	a, _ := st.Attempt(h)
//	seed, _ := a.Seed()                            // the draw's seed; the "draw" entry names it
//
// # The seed, byte by byte
//
// Every value below is ASCII text: hashes, secrets and the beacon
// randomness as lowercase hexadecimal, dice as decimal digits; ‖ is
// concatenation and 0x00 one zero byte. With H = SHA-256 (FIPS 180-4):
//
//	manifest_hash = hex(H(canonical manifest bytes))
//	commitment_i  = hex(H("firedraw/commit/v1" 0x00 ‖ manifest_hash ‖ 0x00 ‖ party_i ‖ 0x00 ‖ secret_i))
//	seed          = H("firedraw/seed/v1" 0x00 ‖ manifest_hash ‖
//	                  party_1 ‖ 0x00 ‖ value_1 ‖ 0x00 ‖ … ‖ party_n ‖ 0x00 ‖ value_n ‖ 0x00 ‖
//	                  beacon ‖ 0x00 ‖ dice)
//
// where parties are taken in the manifest's order, value_i is party i's
// secret or the nine letters "defaulted" if it did not reveal by the
// deadline, beacon is the drand round's randomness (SHA-256 of its BLS
// signature) or empty, and dice the rolled digits or empty. The 32 bytes
// of seed are the sampling.Seed of the draw. In Python:
//
//	seed = hashlib.sha256(b"firedraw/seed/v1\0" + mh.encode() +
//	    b"".join(p.encode() + b"\0" + (s or "defaulted").encode() + b"\0" for p, s in parties) +
//	    beacon.encode() + b"\0" + dice.encode()).digest()
//
// A secret is 32 to 64 random bytes (NewSecret reads 32 from
// crypto/rand), so "defaulted", which is not hexadecimal, is never a
// secret.
//
// # Why nobody can choose the seed
//
// The manifest is published first, and its hash enters every commitment
// and the seed: changing any input afterwards (a record, the policy, a
// setting, the as-of time, the model, the period or round label) changes
// the seed and invalidates every commitment. Each party commits before
// CommitBy, which is before the round starts; reveals follow all
// commitments; a reveal must match its commitment, so no party can change
// its secret once it has seen another's. The non-reveal rule is fixed: a
// party that has not revealed by RevealBy contributes "defaulted". The
// last party to reveal could still choose between revealing and
// withholding — but the seed also takes a late public source (a drand
// round emitted after RevealBy, or dice rolled in public after it), which
// does not exist when that choice is made, so both outcomes are unknown
// to everyone. A manifest with several parties and no late source is
// therefore refused. The single-operator mode (one party, for tests and
// demonstrations) offers no protection against the operator.
//
// # The log rules
//
// State replays a log's entries and names the entry and rule (the Rule…
// constants) of the first violation: entries in sequence, times never
// decreasing; a manifest logged once, after its snapshot and before its
// commitment deadline, with the period and round it states; one live
// attempt per (period, round) — a second manifest needs an abandon entry
// of the first, and an attempt has at most one draw; commitments from
// the manifest's parties, once each, by CommitBy and before any reveal;
// reveals after every party committed (or CommitBy passed), by RevealBy,
// matching the commitment; the beacon and dice planned by the manifest,
// once each, after RevealBy, the beacon's BLS signature checked offline;
// the draw after RevealBy and every late source, before the round ends,
// naming the seed the log derives; results after the draw and not before
// the round's first day; corrections of earlier entries of the attempt
// (a correction of a result names one of the attempt's results entries,
// the task, the field and the corrected value); one targeted entry per
// draw, after it, with the manifest's target count (the manifest's
// Targeted section fixes the targets before any randomness).
//
// Dates are strings in DateLayout and times in TimeLayout (UTC, whole
// seconds), so that every artifact has one byte form. Manifests and
// entry bodies are read only in their canonical bytes (schedule/canon;
// ParseManifest, ParseBody); every count and size is bounded (the Max…
// constants), and the frequency floor (MinFrequency, MinShareFloor)
// keeps every level and every unit drawable. A drand quicknet round is
// verified offline (Drand, schedule/beacon); dice are taken as logged.
// Entries of kind tlog.KindAlert, outside the draw protocol, only have
// their place in the log checked. Rotation
// mode is refused: its period seed must stay secret with one party, and
// a seed derived from public reveals is public. Nothing reads the clock.
package protocol
