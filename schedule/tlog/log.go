package tlog

import (
	"bufio"
	"errors"
	"fmt"
	"io"

	"github.com/firedraw/firedraw/schedule/merkle"
)

// Log is an append-only log held in memory. The zero Log is empty.
type Log struct {
	entries []Entry
	lines   [][]byte
	tree    merkle.Tree
}

// Head identifies a state of the log: its size and its Merkle root (hex).
type Head struct {
	Size uint64 `json:"size"`
	Root string `json:"root"`
}

// Len returns the number of entries.
func (l *Log) Len() int { return len(l.entries) }

// Entry returns entry seq. It panics if seq ≥ Len().
func (l *Log) Entry(seq int) Entry { return l.entries[seq] }

// Line returns the canonical bytes of entry seq. It panics if seq ≥ Len().
func (l *Log) Line(seq int) []byte { return l.lines[seq] }

// Append adds an entry: it sets e.Seq and e.Prev, and refuses a time
// earlier than the last entry's, an invalid entry and a full log. It
// returns the entry as stored.
func (l *Log) Append(e Entry) (Entry, error) {
	e.Seq = uint64(len(l.entries))
	e.Prev = ""
	if n := len(l.entries); n > 0 {
		if n >= MaxEntries {
			return Entry{}, fmt.Errorf("tlog: the log holds %d entries, the most it may: %w", n, ErrLog)
		}
		last := l.entries[n-1]
		if e.Time.Before(last.Time) {
			return Entry{}, fmt.Errorf("tlog: entry %d: time %s is before entry %d's %s: %w",
				e.Seq, e.Time.Format("2006-01-02T15:04:05Z07:00"), last.Seq, last.Time.Format("2006-01-02T15:04:05Z07:00"), ErrLog)
		}
		e.Prev = Hash(l.lines[n-1])
	}
	line, err := e.Marshal()
	if err != nil {
		return Entry{}, err
	}
	l.add(e, line)
	return e, nil
}

func (l *Log) add(e Entry, line []byte) {
	l.entries = append(l.entries, e)
	l.lines = append(l.lines, line)
	l.tree.Append(merkle.LeafHash(line))
}

// Head returns the log's current head.
func (l *Log) Head() Head { return l.HeadAt(uint64(len(l.entries))) }

// HeadAt returns the head the log had when it held size entries. It panics
// if size > Len().
func (l *Log) HeadAt(size uint64) Head {
	return Head{Size: size, Root: l.tree.RootAt(size).String()}
}

// ConsistencyProof returns the RFC 9162 proof that the log at size old is
// a prefix of the log at size new (new ≤ Len()).
func (l *Log) ConsistencyProof(old, new uint64) ([]merkle.Hash, error) {
	if new > l.tree.Size() {
		return nil, fmt.Errorf("tlog: no head of size %d in a log of %d entries: %w", new, l.tree.Size(), ErrLog)
	}
	p, err := l.tree.ConsistencyProof(old, new)
	if err != nil {
		return nil, fmt.Errorf("tlog: %w: %w", err, ErrLog)
	}
	return p, nil
}

// InclusionProof returns the RFC 9162 audit path of entry seq in the log
// at size (seq < size ≤ Len()).
func (l *Log) InclusionProof(seq, size uint64) ([]merkle.Hash, error) {
	if size > l.tree.Size() {
		return nil, fmt.Errorf("tlog: no head of size %d in a log of %d entries: %w", size, l.tree.Size(), ErrLog)
	}
	p, err := l.tree.InclusionProof(seq, size)
	if err != nil {
		return nil, fmt.Errorf("tlog: %w: %w", err, ErrLog)
	}
	return p, nil
}

// VerifyConsistency checks that the log whose head was old grew, by
// appending only, into the log whose head is new (RFC 9162 §2.1.4.2).
func VerifyConsistency(old, new Head, proof []merkle.Hash) error {
	r1, err := merkle.ParseHash(old.Root)
	if err != nil {
		return fmt.Errorf("tlog: old head: %w: %w", err, ErrLog)
	}
	r2, err := merkle.ParseHash(new.Root)
	if err != nil {
		return fmt.Errorf("tlog: new head: %w: %w", err, ErrLog)
	}
	if err := merkle.VerifyConsistency(old.Size, new.Size, r1, r2, proof); err != nil {
		return fmt.Errorf("tlog: the log of %d entries is not an extension of the log of %d: %w: %w", new.Size, old.Size, err, ErrLog)
	}
	return nil
}

// WriteTo writes the log as JSON Lines: each entry's canonical bytes.
func (l *Log) WriteTo(w io.Writer) (int64, error) {
	var n int64
	for _, line := range l.lines {
		k, err := w.Write(line)
		n += int64(k)
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// Limits bound what Read accepts; zero fields mean MaxEntryBytes and
// MaxEntries, and larger values are lowered to them.
type Limits struct {
	EntryBytes int
	Entries    int
}

// Read reads a log written by WriteTo, parses every entry strictly and
// checks the chain (VerifyChain). Errors name the line (1-based).
func Read(r io.Reader, lim Limits) (*Log, error) {
	if lim.EntryBytes <= 0 || lim.EntryBytes > MaxEntryBytes {
		lim.EntryBytes = MaxEntryBytes
	}
	if lim.Entries <= 0 || lim.Entries > MaxEntries {
		lim.Entries = MaxEntries
	}
	br := bufio.NewReaderSize(r, 64<<10)
	l := &Log{}
	for lineNo := 1; ; lineNo++ {
		line, err := readLine(br, lim.EntryBytes)
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("tlog: line %d: %w", lineNo, err)
		}
		if lineNo > lim.Entries {
			return nil, fmt.Errorf("tlog: line %d: more than %d entries: %w", lineNo, lim.Entries, ErrLog)
		}
		e, err := ParseEntry(line)
		if err != nil {
			return nil, fmt.Errorf("tlog: line %d: %w", lineNo, err)
		}
		if err := l.link(e); err != nil {
			return nil, err
		}
		l.add(e, line)
	}
	return l, nil
}

// readLine returns the next line with its "\n", reading at most max
// bytes; io.EOF at the end; a last line without "\n" is returned as it is
// (ParseEntry refuses it).
func readLine(br *bufio.Reader, max int) ([]byte, error) {
	var buf []byte
	for {
		chunk, err := br.ReadSlice('\n')
		if len(buf)+len(chunk) > max {
			return nil, fmt.Errorf("an entry longer than %d bytes: %w", max, ErrLog)
		}
		buf = append(buf, chunk...)
		switch {
		case err == nil:
			return buf, nil
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case err == io.EOF && len(buf) > 0:
			return buf, nil
		default:
			return nil, err
		}
	}
}

// link checks that e follows the log's last
// entry: its seq, its prev and its time.
func (l *Log) link(e Entry) error {
	n := len(l.entries)
	if e.Seq != uint64(n) {
		return fmt.Errorf("tlog: entry %d: seq %d, want %d: %w", n, e.Seq, n, ErrLog)
	}
	if n == 0 {
		return nil
	}
	if e.Prev != Hash(l.lines[n-1]) {
		return fmt.Errorf("tlog: entry %d: prev does not match the hash of entry %d: %w", n, n-1, ErrLog)
	}
	if last := l.entries[n-1]; e.Time.Before(last.Time) {
		return fmt.Errorf("tlog: entry %d: time %s is before entry %d's %s: %w", n,
			e.Time.Format("2006-01-02T15:04:05Z"), n-1, last.Time.Format("2006-01-02T15:04:05Z"), ErrLog)
	}
	return nil
}

// VerifyChain checks a log given as its lines: each line is a canonical
// entry; seq counts from 0; prev is the hash of the previous line; time
// never goes back. It names the first bad entry.
func VerifyChain(lines [][]byte) error {
	if len(lines) > MaxEntries {
		return fmt.Errorf("tlog: %d entries, more than %d: %w", len(lines), MaxEntries, ErrLog)
	}
	var l Log
	for i, line := range lines {
		e, err := ParseEntry(line)
		if err != nil {
			return fmt.Errorf("tlog: entry %d: %w", i, err)
		}
		if err := l.link(e); err != nil {
			return err
		}
		l.entries = append(l.entries, e)
		l.lines = append(l.lines, line)
	}
	return nil
}
