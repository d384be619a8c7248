package schedule

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/firedraw/firedraw/risk"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func frameInput(n int) ([]risk.Unit, []risk.Level, []float64, []risk.Inspection) {
	units := make([]risk.Unit, n)
	levels := make([]risk.Level, n)
	annual := make([]float64, n)
	for k := range units {
		units[k] = risk.Unit{ID: fmt.Sprintf("U%03d", k), District: []string{"east", "west"}[k%2], Category: risk.Category(k % 3)}
		levels[k] = risk.Level(k % risk.NumLevels)
		annual[k] = []float64{0.05, 0.2, 0.6, 1}[levels[k]]
	}
	hist := []risk.Inspection{
		{ID: "I1", UnitID: "U001", Date: date(2025, 11, 3), Inspectors: []string{"a", "b"}},
		{ID: "I2", UnitID: "U001", Date: date(2025, 12, 9), Inspectors: []string{"c", "d"}, Reason: risk.Complaint},
		{ID: "I3", UnitID: "U002", Date: date(2025, 6, 1), Inspectors: []string{"e", "f"}},
		{ID: "I4", UnitID: "U002", Date: date(2025, 6, 1), Inspectors: []string{"g", "h"}},
	}
	return units, levels, annual, hist
}

func TestNewFrame(t *testing.T) {
	units, levels, annual, hist := frameInput(10)
	f, err := NewFrame(units, levels, annual, hist)
	require.NoError(t, err)
	assert.Equal(t, 10, f.Len())
	u1, ok := f.Unit("U001")
	require.True(t, ok)
	assert.Equal(t, "2025-11-03", u1.LastRandom.String())
	assert.Equal(t, "2025-12-09", u1.LastVisit.String())
	assert.Equal(t, "c", u1.LastLead)
	assert.Equal(t, []OtherVisit{{"I2", DayOf(date(2025, 12, 9)), risk.Complaint}}, u1.Other)
	u2, _ := f.Unit("U002")
	assert.Equal(t, "g", u2.LastLead, "same-day tie broken by the larger inspection ID")
	u0, _ := f.Unit("U000")
	assert.Equal(t, NoDay, u0.LastRandom)
	_, ok = f.Unit("nope")
	assert.False(t, ok)

	// Same hash whatever the order of units and history.
	h, hh := f.Hash(), f.HistoryHash()
	r := rand.New(rand.NewPCG(1, 1))
	for range 5 {
		perm := r.Perm(len(units))
		u2s := make([]risk.Unit, len(units))
		l2 := make([]risk.Level, len(units))
		a2 := make([]float64, len(units))
		for i, p := range perm {
			u2s[i], l2[i], a2[i] = units[p], levels[p], annual[p]
		}
		h2 := append([]risk.Inspection(nil), hist...)
		r.Shuffle(len(h2), func(i, j int) { h2[i], h2[j] = h2[j], h2[i] })
		f2, err := NewFrame(u2s, l2, a2, h2)
		require.NoError(t, err)
		assert.Equal(t, h, f2.Hash())
		assert.Equal(t, hh, f2.HistoryHash())
	}
	// Any change of content changes the hash.
	orig := annual[3]
	annual[3] = 0.21
	f3, err := NewFrame(units, levels, annual, hist)
	require.NoError(t, err)
	assert.NotEqual(t, h, f3.Hash())
	assert.Equal(t, hh, f3.HistoryHash())
	// A change of history changes only the history hash.
	annual[3] = orig
	f4, err := NewFrame(units, levels, annual, hist[:3])
	require.NoError(t, err)
	assert.Equal(t, h, f4.Hash())
	assert.NotEqual(t, hh, f4.HistoryHash())
}

func TestNewFrameErrors(t *testing.T) {
	for _, tc := range []struct {
		name  string
		edit  func(u []risk.Unit, l []risk.Level, a []float64, h []risk.Inspection) []risk.Inspection
		want  string
		extra error
	}{
		{"empty ID", func(u []risk.Unit, _ []risk.Level, _ []float64, h []risk.Inspection) []risk.Inspection {
			u[2].ID = ""
			return h
		}, "unit 2", nil},
		{"duplicate", func(u []risk.Unit, _ []risk.Level, _ []float64, h []risk.Inspection) []risk.Inspection {
			u[2].ID = "U001"
			return h
		}, `unit "U001"`, risk.ErrDuplicateID},
		{"level", func(_ []risk.Unit, l []risk.Level, _ []float64, h []risk.Inspection) []risk.Inspection {
			l[4] = 9
			return h
		}, `unit "U004": level Level(9)`, nil},
		{"NaN frequency", func(_ []risk.Unit, _ []risk.Level, a []float64, h []risk.Inspection) []risk.Inspection {
			a[5] = math.NaN()
			return h
		}, `unit "U005": annual frequency NaN`, nil},
		{"negative frequency", func(_ []risk.Unit, _ []risk.Level, a []float64, h []risk.Inspection) []risk.Inspection {
			a[5] = -1
			return h
		}, `annual frequency -1`, nil},
		{"unknown unit", func(_ []risk.Unit, _ []risk.Level, _ []float64, h []risk.Inspection) []risk.Inspection {
			return append(h, risk.Inspection{ID: "X", UnitID: "ghost", Date: time.Now()})
		}, `inspection "X": unit "ghost"`, risk.ErrUnknownUnit},
		{"no date", func(_ []risk.Unit, _ []risk.Level, _ []float64, h []risk.Inspection) []risk.Inspection {
			return append(h, risk.Inspection{ID: "Y", UnitID: "U003"})
		}, `inspection "Y" of unit "U003": no date`, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			u, l, a, h := frameInput(8)
			h = tc.edit(u, l, a, h)
			_, err := NewFrame(u, l, a, h)
			require.ErrorIs(t, err, ErrBadInput)
			assert.Contains(t, err.Error(), tc.want)
			if tc.extra != nil {
				assert.ErrorIs(t, err, tc.extra)
			}
		})
	}
	assert.Panics(t, func() { _, _ = NewFrame(make([]risk.Unit, 2), nil, nil, nil) })
}

func TestPoolHash(t *testing.T) {
	a := []risk.Inspector{
		{ID: "b", Districts: []string{"y", "x"}, Leave: []time.Time{date(2026, 1, 5), date(2026, 1, 2)}},
		{ID: "a", Categories: []risk.Category{risk.School, risk.Industrial}, Conflicts: []string{"u2", "u1"}},
	}
	b := []risk.Inspector{
		{ID: "a", Categories: []risk.Category{risk.Industrial, risk.School}, Conflicts: []string{"u1", "u2"}},
		{ID: "b", Districts: []string{"x", "y"}, Leave: []time.Time{date(2026, 1, 2), date(2026, 1, 5)}},
	}
	pa, err := NewPool(a)
	require.NoError(t, err)
	pb, err := NewPool(b)
	require.NoError(t, err)
	assert.Equal(t, pa.Hash(), pb.Hash())
	b[0].MaxPerRound = 3
	pc, err := NewPool(b)
	require.NoError(t, err)
	assert.NotEqual(t, pa.Hash(), pc.Hash())
	// Inspector "b": ID, department, districts, categories, cap, leave, conflicts.
	want := appendString(nil, "b")
	want = appendString(want, "")
	want = appendStrings(want, []string{"x", "y"})
	want = appendStrings(want, nil)
	want = appendInt(want, 0)
	want = appendInt(want, 2)
	want = appendDay(want, DayOf(date(2026, 1, 2)))
	want = appendDay(want, DayOf(date(2026, 1, 5)))
	want = appendStrings(want, nil)
	assert.Equal(t, want, appendInspector(nil, &pa.Inspectors()[1]))
}

// TestFrameHashChunks checks the chunked, parallel directory hash against
// a sequential reading of its definition on more than one chunk.
func TestFrameHashChunks(t *testing.T) {
	n := hashChunk + 1234
	units := make([]risk.Unit, n)
	levels := make([]risk.Level, n)
	annual := make([]float64, n)
	for k := range units {
		units[k] = risk.Unit{ID: fmt.Sprintf("U%07d", k), District: "d"}
		annual[k] = 0.2
	}
	f, err := NewFrame(units, levels, annual, []risk.Inspection{{ID: "x", UnitID: "U0000007", Date: date(2025, 3, 3), Inspectors: []string{"a"}}})
	require.NoError(t, err)
	ref := func(enc func(u *FrameUnit, b []byte) []byte) string {
		var digests []byte
		for c := 0; c*hashChunk < n; c++ {
			var buf []byte
			for k := c * hashChunk; k < min(n, (c+1)*hashChunk); k++ {
				u := f.full(k)
				buf = enc(&u, buf)
			}
			d := sha256.Sum256(buf)
			digests = append(digests, d[:]...)
		}
		want := sha256.Sum256(digests)
		return hex.EncodeToString(want[:])
	}
	assert.Equal(t, ref((*FrameUnit).appendStatic), f.Hash())
	assert.Equal(t, ref((*FrameUnit).appendHistory), f.HistoryHash())
}
