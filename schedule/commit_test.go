package schedule

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNamespace(t *testing.T) {
	assert.Equal(t, uuid.NewSHA1(uuid.NameSpaceURL, []byte("https://github.com/firedraw/firedraw/schedule")), Namespace())
}

func TestDrawAndTaskIDs(t *testing.T) {
	h := strings.Repeat("ab", 32)
	id := DrawID(h)
	assert.Equal(t, uuid.Version(5), id.Version())
	assert.Equal(t, uuid.NewSHA1(Namespace(), []byte("manifest/"+h)), id)
	assert.NotEqual(t, id, DrawID(strings.Repeat("ac", 32)))
	tid := TaskID(id, "U1")
	assert.Equal(t, uuid.NewSHA1(id, []byte("U1")), tid)
	assert.NotEqual(t, tid, TaskID(id, "U2"))
}

func TestStreamsBindPeriodAndRound(t *testing.T) {
	assert.Equal(t, "units/2026/3", UnitStream("2026", 3))
	assert.Equal(t, "order/2026/3", OrderStream("2026", 3))
	assert.Equal(t, "team/2026/3/fire", TeamStream("2026", 3, "fire"))
	seen := map[string]bool{}
	for _, p := range []string{"2026", "2027"} {
		for r := 1; r <= 12; r++ {
			for _, s := range []string{UnitStream(p, r), OrderStream(p, r), TeamStream(p, r, "")} {
				require.False(t, seen[s], s)
				seen[s] = true
			}
		}
	}
}

func TestDayText(t *testing.T) {
	b, err := json.Marshal(struct{ A, B Day }{DayOf(date(2026, 3, 9)), NoDay})
	require.NoError(t, err)
	assert.Equal(t, `{"A":"2026-03-09","B":""}`, string(b))
	var back struct{ A, B Day }
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, DayOf(date(2026, 3, 9)), back.A)
	assert.Equal(t, NoDay, back.B)
	var d Day
	assert.ErrorIs(t, d.UnmarshalText([]byte("2026-13-01")), ErrBadInput)
}
