package workspace

import (
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/firedraw/firedraw/schedule/canon"
	"github.com/firedraw/firedraw/schedule/protocol"
	"github.com/firedraw/firedraw/schedule/tlog"
)

// LogFile is the name of the workspace's append-only log: a schedule/tlog
// log (JSON Lines of canonical entries, hash-chained, with an RFC 9162
// Merkle tree over the lines).
const LogFile = "log.jsonl"

// readLog reads and checks the log at path with tlog.Read (every line
// canonical, sequence numbers 0, 1, …, the hash chain, non-decreasing
// times, the bounds tlog.MaxEntryBytes and tlog.MaxEntries). A missing
// file is an empty log. Errors name the file and wrap tlog.ErrLog.
func readLog(path string) (*tlog.Log, []protocol.Entry, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return &tlog.Log{}, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	l, err := tlog.Read(f, tlog.Limits{})
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	out := make([]protocol.Entry, l.Len())
	for seq := range out {
		out[seq] = protocol.EntryOf(l.Entry(seq))
	}
	return l, out, nil
}

// appendLog appends one entry to l and to the file at path, at time now
// (whole seconds, UTC), which may not be before the last entry's.
func appendLog(path string, l *tlog.Log, now time.Time, kind protocol.Kind, period string, round int, body any) (protocol.Entry, error) {
	now = now.UTC().Truncate(time.Second)
	if n := l.Len(); n > 0 && now.Before(l.Entry(n-1).Time) {
		return protocol.Entry{}, fmt.Errorf("the time %s is before the log's last entry (%s): %w",
			protocol.FormatTime(now), protocol.FormatTime(l.Entry(n-1).Time), ErrOrder)
	}
	b, err := protocol.MarshalBody(body)
	if err != nil {
		return protocol.Entry{}, err
	}
	e, err := l.Append(tlog.Entry{Time: now, Kind: kind, Period: period, Round: round, Body: canon.Raw(b)})
	if err != nil {
		return protocol.Entry{}, err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return protocol.Entry{}, err
	}
	if _, err := f.Write(l.Line(int(e.Seq))); err != nil {
		f.Close()
		return protocol.Entry{}, err
	}
	if err := f.Close(); err != nil {
		return protocol.Entry{}, err
	}
	return protocol.EntryOf(e), nil
}
