package schedule

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/firedraw/firedraw/risk"
	"github.com/firedraw/firedraw/risk/recordio"
	"github.com/firedraw/firedraw/schedule/protocol"
)

// ErrFutureRecord reports a record dated at or after the as-of time of a
// snapshot: a draw reads only what existed before its manifest.
var ErrFutureRecord = errors.New("record dated after the as-of time")

// Snapshot returns the digest of every record set as of asOf, as a
// manifest records it, after checking that no record is dated at or after
// asOf (an inspection, telemetry event, incident, credit standing or
// rectification in the future could otherwise steer the draw; the error
// wraps ErrFutureRecord and names the record). Inspectors' leave days
// and violations' deadlines may lie in the future.
//
// A record set's digest does not depend on the records' order: each record
// is written as one line of JSON Lines (risk/recordio's writers), each line hashed
// with SHA-256, and the digest is
// SHA-256("firedraw/records/v1" 0x00 ‖ the line hashes, sorted), with the
// number of records as its count.
func Snapshot(rec *risk.Records, asOf time.Time) (protocol.Records, error) {
	if err := CheckAsOf(rec, asOf); err != nil {
		return protocol.Records{}, err
	}
	var out protocol.Records
	for _, s := range []struct {
		d     *protocol.Digest
		write func(io.Writer) error
	}{
		{&out.Units, func(w io.Writer) error { return recordio.WriteUnitsJSONL(w, rec.Units) }},
		{&out.Telemetry, func(w io.Writer) error { return recordio.WriteTelemetryJSONL(w, rec.Telemetry) }},
		{&out.Incidents, func(w io.Writer) error { return recordio.WriteIncidentsJSONL(w, rec.Incidents) }},
		{&out.Inspections, func(w io.Writer) error { return recordio.WriteInspectionsJSONL(w, rec.Inspections) }},
		{&out.Credit, func(w io.Writer) error { return recordio.WriteCreditJSONL(w, rec.Credit) }},
		{&out.Inspectors, func(w io.Writer) error { return recordio.WriteInspectorsJSONL(w, rec.Inspectors) }},
	} {
		var lh lineHasher
		if err := s.write(&lh); err != nil {
			return protocol.Records{}, err
		}
		*s.d = lh.digest()
	}
	return out, nil
}

// lineHasher is an io.Writer that hashes each line written to it.
type lineHasher struct {
	partial []byte
	hashes  [][sha256.Size]byte
}

func (l *lineHasher) Write(p []byte) (int, error) {
	n := len(p)
	for {
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			l.partial = append(l.partial, p...)
			return n, nil
		}
		if len(l.partial) > 0 {
			l.partial = append(l.partial, p[:i]...)
			l.hashes = append(l.hashes, sha256.Sum256(l.partial))
			l.partial = l.partial[:0]
		} else {
			l.hashes = append(l.hashes, sha256.Sum256(p[:i]))
		}
		p = p[i+1:]
	}
}

func (l *lineHasher) digest() protocol.Digest {
	if len(l.partial) > 0 { // a writer always ends its lines; be safe
		l.hashes = append(l.hashes, sha256.Sum256(l.partial))
	}
	slices.SortFunc(l.hashes, func(a, b [sha256.Size]byte) int { return bytes.Compare(a[:], b[:]) })
	h := sha256.New()
	io.WriteString(h, "firedraw/records/v1\x00")
	for i := range l.hashes {
		h.Write(l.hashes[i][:])
	}
	return protocol.Digest{Count: int64(len(l.hashes)), SHA256: hex.EncodeToString(h.Sum(nil))}
}

// CheckAsOf returns an error wrapping ErrFutureRecord naming the first
// record dated at or after asOf: a telemetry event, incident, inspection,
// violation rectification or credit standing.
func CheckAsOf(rec *risk.Records, asOf time.Time) error {
	future := func(set, id, field string, t time.Time) error {
		return fmt.Errorf("schedule: %s record %s: %s %s is not before the as-of time %s: %w",
			set, id, field, t.UTC().Format(time.RFC3339), asOf.UTC().Format(time.RFC3339), ErrFutureRecord)
	}
	for i := range rec.Telemetry {
		if e := &rec.Telemetry[i]; !e.Time.Before(asOf) {
			return future("telemetry", fmt.Sprintf("%d (unit %s, device %s)", i+1, e.UnitID, e.DeviceID), "time", e.Time)
		}
	}
	for i := range rec.Incidents {
		if e := &rec.Incidents[i]; !e.Time.Before(asOf) {
			return future("incident", fmt.Sprintf("%d (unit %s)", i+1, e.UnitID), "time", e.Time)
		}
	}
	for i := range rec.Inspections {
		in := &rec.Inspections[i]
		if !in.Date.Before(asOf) {
			return future("inspection", in.ID, "date", in.Date)
		}
		for _, v := range in.Violations {
			if !v.Rectified.IsZero() && !v.Rectified.Before(asOf) {
				return future("inspection", in.ID, "violation "+v.Code+" rectified", v.Rectified)
			}
		}
	}
	for i := range rec.Credit {
		if c := &rec.Credit[i]; !c.AsOf.Before(asOf) {
			return future("credit", fmt.Sprintf("%d (unit %s)", i+1, c.UnitID), "as_of", c.AsOf)
		}
	}
	return nil
}
