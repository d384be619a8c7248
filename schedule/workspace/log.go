package workspace

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/firedraw/firedraw/schedule/protocol"
)

// Bounds of the log file.
const (
	MaxLogEntries    = 1_000_000 // entries in a log
	MaxLogEntryBytes = 1 << 20   // bytes in one entry's line
)

// LogFile is the name of the workspace's append-only log.
const LogFile = "log.jsonl"

// logLine is one line of the log: JSON with the fields in this order,
// as encoding/json writes them (no HTML escaping), the body being the
// kind's canonical JSON (protocol.MarshalBody). Prev is the hex SHA-256
// of the previous line's bytes (without its newline), "" for entry 0.
//
// This is the workspace's own hash chain, shaped as the protocol design's
// log entry; a Merkle tree over it (schedule/tlog) is not built here.
type logLine struct {
	Seq    int64           `json:"seq"`
	Time   string          `json:"time"`
	Kind   protocol.Kind   `json:"kind"`
	Period string          `json:"period"`
	Round  int             `json:"round"`
	Prev   string          `json:"prev"`
	Body   json.RawMessage `json:"body"`
}

// ErrLog reports a log whose chain, order or bytes are broken; the error
// names the entry.
var ErrLog = errors.New("broken log")

// readLog reads and checks the log: every line canonical (re-encoding
// gives its bytes), sequence numbers 0, 1, …, the hash chain, and
// non-decreasing times. It returns the entries and the hash of the last
// line.
func readLog(path string) ([]protocol.Entry, string, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, "", nil
	}
	if err != nil {
		return nil, "", err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64<<10), MaxLogEntryBytes+1)
	var out []protocol.Entry
	prev := ""
	for sc.Scan() {
		e, h, err := parseLogLine(sc.Bytes(), int64(len(out)), prev)
		if err != nil {
			return nil, "", fmt.Errorf("%s: entry %d: %w", path, len(out), err)
		}
		if len(out) > 0 && e.Time.Before(out[len(out)-1].Time) {
			return nil, "", fmt.Errorf("%s: entry %d: time %s before the previous entry's: %w", path, len(out), protocol.FormatTime(e.Time), ErrLog)
		}
		if len(out) == MaxLogEntries {
			return nil, "", fmt.Errorf("%s: more than %d entries: %w", path, MaxLogEntries, ErrLog)
		}
		out = append(out, e)
		prev = h
	}
	if err := sc.Err(); err != nil {
		return nil, "", fmt.Errorf("%s: entry %d: %v: %w", path, len(out), err, ErrLog)
	}
	return out, prev, nil
}

func parseLogLine(b []byte, seq int64, prev string) (protocol.Entry, string, error) {
	var l logLine
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&l); err != nil {
		return protocol.Entry{}, "", fmt.Errorf("%v: %w", err, ErrLog)
	}
	again, err := encodeLine(&l)
	if err != nil || !bytes.Equal(again, b) {
		return protocol.Entry{}, "", fmt.Errorf("not in canonical form: %w", ErrLog)
	}
	if l.Seq != seq {
		return protocol.Entry{}, "", fmt.Errorf("sequence number %d, want %d: %w", l.Seq, seq, ErrLog)
	}
	if l.Prev != prev {
		return protocol.Entry{}, "", fmt.Errorf("prev %q, but the previous entry hashes to %q: the chain is broken: %w", l.Prev, prev, ErrLog)
	}
	t, err := protocol.ParseTime(l.Time)
	if err != nil {
		return protocol.Entry{}, "", fmt.Errorf("time: %v: %w", err, ErrLog)
	}
	h := sha256.Sum256(b)
	return protocol.Entry{Seq: l.Seq, Time: t, Kind: l.Kind, Period: l.Period, Round: l.Round, Body: l.Body}, hex.EncodeToString(h[:]), nil
}

func encodeLine(l *logLine) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(l); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// appendLog appends one entry to the log at path after the entries read
// (whose last line hashes to prev), at time now, which may not be before
// the last entry's.
func appendLog(path string, entries []protocol.Entry, prev string, now time.Time, kind protocol.Kind, period string, round int, body any) (protocol.Entry, error) {
	now = now.UTC().Truncate(time.Second)
	if n := len(entries); n > 0 && now.Before(entries[n-1].Time) {
		return protocol.Entry{}, fmt.Errorf("the time %s is before the log's last entry (%s): %w",
			protocol.FormatTime(now), protocol.FormatTime(entries[n-1].Time), ErrOrder)
	}
	b, err := protocol.MarshalBody(body)
	if err != nil {
		return protocol.Entry{}, err
	}
	l := logLine{Seq: int64(len(entries)), Time: protocol.FormatTime(now), Kind: kind, Period: period, Round: round, Prev: prev, Body: b}
	line, err := encodeLine(&l)
	if err != nil {
		return protocol.Entry{}, err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return protocol.Entry{}, err
	}
	if _, err := f.Write(append(line, '\n')); err != nil {
		f.Close()
		return protocol.Entry{}, err
	}
	if err := f.Close(); err != nil {
		return protocol.Entry{}, err
	}
	return protocol.Entry{Seq: l.Seq, Time: now, Kind: kind, Period: period, Round: round, Body: b}, nil
}
