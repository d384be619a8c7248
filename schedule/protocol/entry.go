package protocol

import (
	"bytes"
	"fmt"
	"time"

	"github.com/firedraw/firedraw/schedule/tlog"
)

// Kind is the kind of a log entry (schedule/tlog's).
type Kind = tlog.Kind

// The kinds of log entries the protocol reads; tlog.KindAlert is not a
// step of the draw protocol, and State only checks its place in the log.
// A targeted entry (KindTargeted) follows the draw of its manifest.
const (
	KindManifest   = tlog.KindManifest
	KindCommitment = tlog.KindCommitment
	KindReveal     = tlog.KindReveal
	KindBeacon     = tlog.KindBeacon
	KindDice       = tlog.KindDice
	KindDraw       = tlog.KindDraw
	KindAbandon    = tlog.KindAbandon
	KindResults    = tlog.KindResults
	KindCorrection = tlog.KindCorrection
	KindTargeted   = tlog.KindTargeted
)

// Entry is what the protocol reads of one log entry: its sequence number,
// time, kind, the period and round it concerns, and its body (the
// kind's canonical JSON object, without trailing newline). The log
// (schedule/tlog) checks the hash chain and the canonical bytes; this
// package checks what the entries say.
type Entry struct {
	Seq    int64
	Time   time.Time
	Kind   Kind
	Period string
	Round  int
	Body   []byte
}

// ManifestBody is the body of a manifest entry: the hash of the manifest
// file published with the log.
type ManifestBody struct {
	Manifest string `json:"manifest"`
}

// CommitmentBody is the body of a commitment entry.
type CommitmentBody struct {
	Manifest   string `json:"manifest"`
	Party      string `json:"party"`
	Commitment string `json:"commitment"`
}

// RevealBody is the body of a reveal entry: the party's secret.
type RevealBody struct {
	Manifest string `json:"manifest"`
	Party    string `json:"party"`
	Secret   string `json:"secret"`
}

// BeaconBody is the body of a beacon entry: the drand round named by the
// manifest, its BLS signature and its randomness (SHA-256 of the
// signature), hex.
type BeaconBody struct {
	Manifest   string `json:"manifest"`
	Chain      string `json:"chain"`
	Round      uint64 `json:"round"`
	Signature  string `json:"signature"`
	Randomness string `json:"randomness"`
}

// DiceBody is the body of a dice entry: the digits rolled at the public
// meeting.
type DiceBody struct {
	Manifest string `json:"manifest"`
	Digits   string `json:"digits"`
}

// DrawBody is the body of a draw entry: the seed derived from the log
// and the SHA-256 of the disclosure's canonical bytes.
type DrawBody struct {
	Manifest   string `json:"manifest"`
	Seed       string `json:"seed"`
	Disclosure string `json:"disclosure_sha256"`
}

// AbandonBody is the body of an abandon entry: why the attempt was
// given up. A round may then be drawn under a new manifest; the abandoned
// attempt stays in the log for everyone to see.
type AbandonBody struct {
	Manifest string `json:"manifest"`
	Reason   string `json:"reason"`
}

// ResultsBody is the body of a results entry: the SHA-256 and count of
// the results published for the draw's tasks.
type ResultsBody struct {
	Manifest string `json:"manifest"`
	Results  string `json:"results_sha256"`
	Count    int64  `json:"count"`
}

// CorrectionBody is the body of a correction entry: the earlier entry it
// corrects and why. A correction of a published result names the results
// entry that published it (Of), the task, the field of the result
// ("result", "date" or "violations") and its corrected value, in the
// form the publication writes it; a correction of another entry leaves
// Task, Field and Value empty. Nothing is rewritten: the corrected value
// holds from this entry on, and both stay in the log.
type CorrectionBody struct {
	Manifest string `json:"manifest"`
	Of       int64  `json:"of"`
	Task     string `json:"task"`
	Field    string `json:"field"`
	Value    string `json:"value"`
	Reason   string `json:"reason"`
}

// MarshalBody returns the canonical JSON of an entry body (one of the
// …Body types), without trailing newline.
func MarshalBody(v any) ([]byte, error) {
	b, err := marshalCanonical(v)
	if err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b, []byte("\n")), nil
}

// ParseBody decodes a body of the given kind into a new …Body value,
// accepting only its canonical bytes.
func ParseBody(kind Kind, b []byte) (any, error) {
	var v any
	switch kind {
	case KindManifest:
		v = new(ManifestBody)
	case KindCommitment:
		v = new(CommitmentBody)
	case KindReveal:
		v = new(RevealBody)
	case KindBeacon:
		v = new(BeaconBody)
	case KindDice:
		v = new(DiceBody)
	case KindDraw:
		v = new(DrawBody)
	case KindAbandon:
		v = new(AbandonBody)
	case KindResults:
		v = new(ResultsBody)
	case KindCorrection:
		v = new(CorrectionBody)
	case KindTargeted:
		v = new(TargetedBody)
	default:
		return nil, fmt.Errorf("protocol: unknown entry kind %q", kind)
	}
	if len(b) > MaxManifestBytes {
		return nil, fmt.Errorf("protocol: %s body of %d bytes exceeds %d", kind, len(b), MaxManifestBytes)
	}
	doc := make([]byte, len(b)+1)
	copy(doc, b)
	doc[len(b)] = '\n'
	if err := unmarshalCanonical(doc, v, MaxManifestBytes+1); err != nil {
		return nil, fmt.Errorf("protocol: %s body: %w", kind, err)
	}
	return v, nil
}

// manifestOf returns the manifest hash a body names.
func manifestOf(body any) string {
	switch b := body.(type) {
	case *ManifestBody:
		return b.Manifest
	case *CommitmentBody:
		return b.Manifest
	case *RevealBody:
		return b.Manifest
	case *BeaconBody:
		return b.Manifest
	case *DiceBody:
		return b.Manifest
	case *DrawBody:
		return b.Manifest
	case *AbandonBody:
		return b.Manifest
	case *ResultsBody:
		return b.Manifest
	case *CorrectionBody:
		return b.Manifest
	case *TargetedBody:
		return b.Manifest
	}
	panic(fmt.Sprintf("protocol: body of type %T", body))
}

// EntryOf returns what the protocol reads of a log entry.
func EntryOf(e tlog.Entry) Entry {
	return Entry{Seq: int64(e.Seq), Time: e.Time, Kind: e.Kind, Period: e.Period, Round: e.Round, Body: []byte(e.Body)}
}

// ReplayLog replays every entry of a log (read with tlog.Read, which has
// checked its chain and canonical bytes) through a new State.
func ReplayLog(l *tlog.Log, manifests ManifestSource, beacon BeaconVerifier) (*State, error) {
	st := NewState(manifests, beacon)
	for seq := range l.Len() {
		if err := st.Apply(EntryOf(l.Entry(seq))); err != nil {
			return st, err
		}
	}
	return st, nil
}
