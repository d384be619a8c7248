package schedule

import (
	"encoding/json"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNamespace(t *testing.T) {
	assert.Equal(t, uuid.NewSHA1(uuid.NameSpaceURL, []byte("https://github.com/firedraw/firedraw/schedule")), Namespace())
}

func TestCommitment(t *testing.T) {
	seed := testSeed(1)
	c := Commit(seed, date(2026, 2, 20))
	assert.Equal(t, seed.Commitment(), c.Hash)
	assert.Equal(t, "2026-02-20", c.Date.String())
	require.NoError(t, c.Check(seed))
	err := c.Check(testSeed(2))
	require.ErrorIs(t, err, ErrCommitment)
	assert.Contains(t, err.Error(), c.Hash)
	assert.Contains(t, err.Error(), "2026-02-20")

	id := c.DrawID(3)
	assert.Equal(t, uuid.Version(5), id.Version())
	assert.Equal(t, id, c.DrawID(3))
	assert.NotEqual(t, id, c.DrawID(4))
	tid := TaskID(id, "U1")
	assert.Equal(t, uuid.NewSHA1(id, []byte("U1")), tid)
	assert.NotEqual(t, tid, TaskID(id, "U2"))
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
