package schedule

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestVerifyResults(t *testing.T) {
	day := func(s string) Day {
		d, err := time.Parse(time.DateOnly, s)
		require.NoError(t, err)
		return DayOf(d)
	}
	d := &Disclosure{Round: RoundInfo{Number: 3}, Tasks: []Task{
		{ID: "T1", Unit: "U1", Date: day("2026-03-10")},
		{ID: "T2", Unit: "U2", Date: day("2026-03-20")},
	}}
	logged := time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name    string
		results []PublishedResult
		want    []string // each in the error; none: verifies
	}{
		{"on the visit and later", []PublishedResult{{"T1", "U1", day("2026-03-10")}, {"T2", "U2", day("2026-03-25")}}, nil},
		{"on the day published", []PublishedResult{{"T2", "U2", day("2026-04-01")}}, nil},
		{"before the visit", []PublishedResult{{"T2", "U2", day("2026-03-19")}},
			[]string{"task T2 (unit U2): result dated 2026-03-19, before the task's visit date 2026-03-20"}},
		{"after publication", []PublishedResult{{"T1", "U1", day("2026-04-02")}},
			[]string{"task T1 (unit U1): result dated 2026-04-02, after it was published (log entry at 2026-04-01T09:00:00Z)"}},
		{"unknown task", []PublishedResult{{"T9", "U1", day("2026-03-10")}}, []string{"task T9: no such task in round 3"}},
		{"other unit", []PublishedResult{{"T1", "U2", day("2026-03-10")}}, []string{"names unit U2, the task visits U1"}},
		{"twice, the second early", []PublishedResult{{"T1", "U1", day("2026-03-10")}, {"T1", "U1", day("2026-03-01")}},
			[]string{"task T1: result published twice", "dated 2026-03-01, before the task's visit date 2026-03-10"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := VerifyResults(d, tc.results, logged)
			if tc.want == nil {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.True(t, errors.Is(err, ErrVerify))
			var re *ResultsError
			require.ErrorAs(t, err, &re)
			assert.Len(t, re.Problems, len(tc.want))
			assert.Contains(t, err.Error(), "results of round 3")
			for _, w := range tc.want {
				assert.Contains(t, err.Error(), w)
			}
		})
	}
}
