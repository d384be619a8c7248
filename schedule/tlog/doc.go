// Package tlog is firedraw's append-only public log: a hash-chained list
// of entries, kept as JSON Lines of canonical JSON (schedule/canon), over
// which an RFC 9162 Merkle tree (schedule/merkle) lets a mirror check that
// the log only grew.
//
//	var l tlog.Log
//	e, err := l.Append(tlog.Entry{Time: t, Kind: tlog.KindManifest, Period: "2025", Round: 1, Body: body})
//	head := l.Head()                                    // {size, root}: what a mirror keeps
//	_, err = l.WriteTo(file)                            // one canonical entry per line
//	m, err := tlog.Read(file, tlog.Limits{})            // parses every line, then VerifyChain
//	proof, _ := m.ConsistencyProof(old.Size, head.Size)
//	err = tlog.VerifyConsistency(old, head, proof)      // the log only grew
//
// An entry is {seq, time, kind, period, round, prev, body}: seq counts from
// 0; time is RFC 3339 in UTC, whole seconds, never earlier than the previous
// entry's; prev is the hex SHA-256 of the previous entry's canonical bytes
// (its line, newline included), "" for entry 0; body is a canonical JSON
// object whose schema depends on the kind (this package keeps it raw).
// The Merkle tree's leaves are the entries' lines, so a Head commits to
// every byte of the log.
//
// Reading is bounded: an entry is at most MaxEntryBytes, a log at most
// MaxEntries entries (Limits may lower both). Errors name the entry by its
// seq (or line) and wrap ErrLog, and canon's sentinels where the bytes are
// not canonical.
//
// A Log is not safe for concurrent Append.
package tlog
