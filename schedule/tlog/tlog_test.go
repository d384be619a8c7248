package tlog

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/firedraw/firedraw/schedule/canon"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var t0 = time.Date(2025, 1, 2, 9, 0, 0, 0, time.UTC)

func build(t testing.TB, n int) *Log {
	t.Helper()
	var l Log
	kinds := []Kind{KindManifest, KindCommitment, KindCommitment, KindReveal, KindReveal, KindBeacon, KindDraw, KindResults}
	for i := range n {
		_, err := l.Append(Entry{Time: t0.Add(time.Duration(i) * time.Hour), Kind: kinds[i%len(kinds)],
			Period: "2025", Round: 1, Body: canon.Raw(fmt.Sprintf(`{"i":%d}`, i))})
		require.NoError(t, err)
	}
	return &l
}

func TestAppend(t *testing.T) {
	l := build(t, 3)
	require.Equal(t, 3, l.Len())
	assert.Equal(t, "", l.Entry(0).Prev)
	assert.Equal(t, Hash(l.Line(1)), l.Entry(2).Prev)
	assert.Equal(t, uint64(2), l.Entry(2).Seq)
	assert.Equal(t,
		`{"seq":0,"time":"2025-01-02T09:00:00Z","kind":"manifest","period":"2025","round":1,"prev":"","body":{"i":0}}`+"\n",
		string(l.Line(0)))

	for _, tc := range []struct {
		name string
		e    Entry
	}{
		{"time goes back", Entry{Time: t0, Kind: KindDraw, Body: canon.Raw(`{}`)}},
		{"unknown kind", Entry{Time: t0.Add(5 * time.Hour), Kind: "regrind", Body: canon.Raw(`{}`)}},
		{"not UTC", Entry{Time: t0.Add(5 * time.Hour).In(time.FixedZone("CST", 8*3600)), Kind: KindDraw, Body: canon.Raw(`{}`)}},
		{"fraction of a second", Entry{Time: t0.Add(5*time.Hour + time.Millisecond), Kind: KindDraw, Body: canon.Raw(`{}`)}},
		{"body not an object", Entry{Time: t0.Add(5 * time.Hour), Kind: KindDraw, Body: canon.Raw(`[]`)}},
		{"body not canonical", Entry{Time: t0.Add(5 * time.Hour), Kind: KindDraw, Body: canon.Raw(`{"a":1,"a":2}`)}},
		{"negative round", Entry{Time: t0.Add(5 * time.Hour), Kind: KindDraw, Round: -1, Body: canon.Raw(`{}`)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := l.Append(tc.e)
			assert.ErrorIs(t, err, ErrLog)
			assert.Equal(t, 3, l.Len(), "nothing appended")
		})
	}
}

func TestReadWrite(t *testing.T) {
	l := build(t, 20)
	var buf bytes.Buffer
	_, err := l.WriteTo(&buf)
	require.NoError(t, err)
	m, err := Read(bytes.NewReader(buf.Bytes()), Limits{})
	require.NoError(t, err)
	assert.Equal(t, l.Head(), m.Head())
	require.NoError(t, VerifyChain(m.lines))

	_, err = Read(bytes.NewReader(buf.Bytes()), Limits{Entries: 19})
	assert.ErrorContains(t, err, "line 20: more than 19 entries")
	_, err = Read(bytes.NewReader(buf.Bytes()), Limits{EntryBytes: 50})
	assert.ErrorContains(t, err, "line 1: an entry longer than 50 bytes")
	empty, err := Read(strings.NewReader(""), Limits{})
	require.NoError(t, err)
	assert.Equal(t, Head{Size: 0, Root: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"}, empty.Head())
}

// TestVerifyChain: each way of tampering with a log names the first bad
// entry.
func TestVerifyChain(t *testing.T) {
	l := build(t, 10)
	edit := func(seq int, from, to string) [][]byte {
		lines := make([][]byte, l.Len())
		copy(lines, l.lines)
		require.Contains(t, string(lines[seq]), from)
		lines[seq] = []byte(strings.Replace(string(lines[seq]), from, to, 1))
		return lines
	}
	for _, tc := range []struct {
		name  string
		lines [][]byte
		want  string
	}{
		{"body changed", edit(6, `{"i":6}`, `{"i":66}`), "entry 7: prev does not match the hash of entry 6"},
		{"seq skipped", edit(4, `"seq":4`, `"seq":5`), "entry 4: seq 5, want 4"},
		{"time back", edit(5, `"time":"2025-01-02T14:00:00Z"`, `"time":"2025-01-02T02:00:00Z"`), "entry 5: time 2025-01-02T02:00:00Z is before entry 4's"},
		{"duplicate key", edit(3, `"kind":"reveal",`, `"kind":"reveal","kind":"draw",`), "entry 3: tlog: entry: canon: byte"},
		{"case-variant key", edit(3, `"kind":`, `"Kind":`), "case-variant key"},
		{"non-canonical number", edit(2, `"round":1`, `"round":1.0`), "non-canonical number"},
		{"space", edit(2, `"round":1`, `"round": 1`), "insignificant space"},
		{"unknown kind", edit(2, `"commitment"`, `"regrind"`), `entry 2: unknown kind "regrind"`},
		{"time with offset", edit(2, `"time":"2025-01-02T11:00:00Z"`, `"time":"2025-01-02T19:00:00+08:00"`), "entry 2: time 2025-01-02T19:00:00+08:00 is not UTC"},
		{"prev of entry 0", edit(0, `"prev":""`, `"prev":"00"`), `entry 0: prev "00"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := VerifyChain(tc.lines)
			require.ErrorIs(t, err, ErrLog)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
	lines := append(append([][]byte{}, l.lines[:3]...), l.lines[4:]...)
	assert.ErrorContains(t, VerifyChain(lines), "entry 3: seq 4, want 3", "an entry removed")
}

func TestConsistency(t *testing.T) {
	l := build(t, 13)
	for old := uint64(0); old <= 13; old++ {
		for size := old; size <= 13; size++ {
			p, err := l.ConsistencyProof(old, size)
			require.NoError(t, err)
			require.NoError(t, VerifyConsistency(l.HeadAt(old), l.HeadAt(size), p), "%d to %d", old, size)
		}
	}
	// A log rewritten after a mirror saw 5 entries cannot prove it grew.
	mirror := l.HeadAt(5)
	forked := build(t, 4)
	_, err := forked.Append(Entry{Time: t0.Add(4 * time.Hour), Kind: KindDraw, Period: "2025", Round: 1, Body: canon.Raw(`{"favourite":true}`)})
	require.NoError(t, err)
	for range 8 {
		_, err = forked.Append(Entry{Time: t0.Add(20 * time.Hour), Kind: KindResults, Body: canon.Raw(`{}`)})
		require.NoError(t, err)
	}
	p, err := forked.ConsistencyProof(5, 13)
	require.NoError(t, err)
	assert.ErrorIs(t, VerifyConsistency(mirror, forked.Head(), p), ErrLog)

	_, err = l.ConsistencyProof(3, 14)
	assert.ErrorIs(t, err, ErrLog)
	assert.ErrorIs(t, VerifyConsistency(Head{Size: 1, Root: "x"}, l.Head(), nil), ErrLog)

	ip, err := l.InclusionProof(7, 13)
	require.NoError(t, err)
	assert.Len(t, ip, 4)
}

func TestKind(t *testing.T) {
	for _, k := range []Kind{KindManifest, KindCommitment, KindReveal, KindBeacon, KindDice, KindDraw,
		KindAbandon, KindResults, KindCorrection, KindAlert, KindTargeted} {
		assert.True(t, k.Valid(), k)
	}
	assert.False(t, Kind("Manifest").Valid())
}

// FuzzEntry: ParseEntry never panics, and what it accepts re-encodes to
// the same bytes.
func FuzzEntry(f *testing.F) {
	l := build(f, 3)
	for i := range 3 {
		f.Add(l.Line(i))
	}
	f.Add([]byte(`{"seq":0,"time":"2025-01-02T09:00:00Z","kind":"manifest","period":"","round":0,"prev":"","body":{"a":[1,"x",null]}}` + "\n"))
	f.Fuzz(func(t *testing.T, line []byte) {
		e, err := ParseEntry(line)
		if err != nil {
			return
		}
		again, err := e.Marshal()
		if err != nil || !bytes.Equal(again, line) {
			t.Fatalf("accepted %q, re-encodes as %q (%v)", line, again, err)
		}
	})
}

// FuzzLog: Read never panics on any file, and a log it accepts writes
// back to the same bytes and passes VerifyChain.
func FuzzLog(f *testing.F) {
	var buf bytes.Buffer
	_, _ = build(f, 6).WriteTo(&buf)
	f.Add(buf.Bytes())
	f.Add([]byte{})
	f.Add([]byte("\n\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		l, err := Read(bytes.NewReader(data), Limits{EntryBytes: 4096, Entries: 64})
		if err != nil {
			return
		}
		var out bytes.Buffer
		if _, err := l.WriteTo(&out); err != nil || !bytes.Equal(out.Bytes(), data) {
			t.Fatalf("read %q, writes %q", data, out.Bytes())
		}
		if err := VerifyChain(l.lines); err != nil {
			t.Fatal(err)
		}
	})
}

// BenchmarkAppend appends one entry to a log of N entries.
func BenchmarkAppend(b *testing.B) {
	l := build(b, 1000)
	e := Entry{Time: t0.Add(2000 * time.Hour), Kind: KindResults, Period: "2025", Round: 1, Body: canon.Raw(`{"unit":"U0000001","passed":true}`)}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := l.Append(e); err != nil {
			b.Fatal(err)
		}
	}
}
