package workspace

import (
	"bytes"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/firedraw/firedraw/schedule"
)

func TestDefaultConfigMatchesTestdata(t *testing.T) {
	b, err := os.ReadFile("../../testdata/year/config-2026.json")
	require.NoError(t, err)
	assert.Equal(t, string(b), string(DefaultConfig()), "testdata/year/config-2026.json and the embedded default differ")
}

func TestDefaultConfig2026Calendar(t *testing.T) {
	c, err := ParseConfig(DefaultConfig(), DefaultConfigName)
	require.NoError(t, err)
	cal := c.WorkCalendar()
	day := func(s string) time.Time { d, _ := time.Parse(time.DateOnly, s); return d }
	// The notice's days: Spring Festival 15–23 February off, 14 and 28
	// February worked; National Day 1–7 October off, 10 October worked.
	for _, tc := range []struct {
		day     string
		working bool
	}{
		{"2026-01-02", false}, {"2026-01-04", true}, {"2026-02-14", true}, {"2026-02-16", false},
		{"2026-02-23", false}, {"2026-02-24", true}, {"2026-02-28", true}, {"2026-04-06", false},
		{"2026-05-05", false}, {"2026-05-09", true}, {"2026-06-19", false}, {"2026-09-20", true},
		{"2026-09-25", false}, {"2026-10-07", false}, {"2026-10-08", true}, {"2026-10-10", true},
		{"2026-10-11", false},
	} {
		assert.Equal(t, tc.working, cal.IsWorkingDay(day(tc.day)), tc.day)
	}
	rounds := c.Rounds()
	require.Len(t, rounds, 12)
	// February 2026: 20 weekdays, minus 16, 17, 18, 19, 20, 23 February
	// (6 holiday weekdays), plus the make-up Saturdays 14 and 28 = 16.
	assert.Len(t, cal.WorkingDays(rounds[1]), 16)
	// October 2026: 22 weekdays, minus 1, 2, 5, 6, 7 October, plus 10 October = 18.
	assert.Len(t, cal.WorkingDays(rounds[9]), 18)
	assert.Equal(t, "zh", c.Language())
	assert.Equal(t, day("2025-12-25"), c.AsOfTime(rounds[0]))
	assert.True(t, c.CommitDeadline(rounds[0]).Before(c.RevealDeadline(rounds[0])))
	assert.Equal(t, schedule.Month, c.Length())
}

// withKey replaces the first occurrence of old in the default config.
func withKey(t *testing.T, old, new string) []byte {
	t.Helper()
	b := DefaultConfig()
	require.Contains(t, string(b), old)
	return bytes.Replace(b, []byte(old), []byte(new), 1)
}

func TestParseConfigErrorsNameFileAndKey(t *testing.T) {
	for _, tc := range []struct {
		name     string
		old, new string
		want     string
	}{
		{"duplicate key", `"mode": "independent",`, `"mode": "independent", "mode": "rotation",`, "mode: key given twice"},
		{"case variant", `"mode": "independent"`, `"Mode": "independent"`, `Mode: unknown key (keys are case-sensitive: did you mean "mode"?)`},
		{"unknown nested", `"strength": 0,`, `"strenght": 0,`, "policy.strenght: unknown key"},
		{"wrong type", `"rounds": 12`, `"rounds": "12"`, "period.rounds: a JSON string where an integer is wanted"},
		{"null", `"strength": 0`, `"strength": null`, "policy.strength: null"},
		{"rounds too many", `"rounds": 12`, `"rounds": 2000000000`, "period.rounds: 2000000000: want 1…366"},
		{"results due", `"results_due_days": 20`, `"results_due_days": 1000000000`, "results_due_days: 1000000000"},
		{"start not first", `"start": "2026-01-01"`, `"start": "2026-01-02"`, "period.start"},
		{"bad holiday", `"2026-04-04..2026-04-06"`, `"2026-04-06..2026-04-04"`, "calendar.holidays[2]"},
		{"makeup on weekday", `"2026-01-04",`, `"2026-01-05",`, "calendar.makeup_days[0]: 2026-01-05 is a Monday"},
		{"makeup is holiday", `"2026-01-04",`, `"2026-01-02",`, "calendar.makeup_days[0]: 2026-01-02 is also a holiday"},
		{"one party", `"parties": ["消防救援支队", "市场监管局", "公证处"]`, `"parties": ["消防救援支队"]`, "protocol.parties: 1 parties"},
		{"duplicate party", `"parties": ["消防救援支队", "市场监管局", "公证处"]`, `"parties": ["a", "a"]`, "protocol.parties[1]"},
		{"no late source", `"late_source": "dice",
    "dice_digits": 20`, `"late_source": "",
    "dice_digits": 0`, "protocol.late_source: empty"},
		{"few dice", `"dice_digits": 20`, `"dice_digits": 6`, "protocol.dice_digits: 6"},
		{"drand with digits", `"late_source": "dice"`, `"late_source": "drand"`, "protocol.dice_digits: 20 with late_source drand"},
		{"team of one", `"team_size": 2`, `"team_size": 1`, "staffing.team_size: 1"},
		{"frequency NaN-like", `"high": 1`, `"high": -1`, "policy.frequencies.high: -1"},
		{"language", `"language": "zh"`, `"language": "fr"`, "output.language"},
		{"snapshot mode", `"csv_bom": true}`, `"csv_bom": true}, "snapshots": {"mode": "digests"}`, "snapshots.mode"},
		{"reveal before commit", `"reveal_days_before_round": 3`, `"reveal_days_before_round": 5`, "protocol.reveal_days_before_round"},
		{"as-of after commit", `"days_before_round": 7`, `"days_before_round": 2`, "as_of.days_before_round"},
		{"trailing", "\"csv_bom\": true}\n}", "\"csv_bom\": true}\n}{}", "trailing data"},
		{"format", `"format": "firedraw/year-config/v1"`, `"format": "v0"`, "format"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseConfig(withKey(t, tc.old, tc.new), "my.json")
			require.Error(t, err)
			assert.True(t, errors.Is(err, ErrConfig))
			assert.True(t, strings.HasPrefix(err.Error(), "my.json: "), err.Error())
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

func TestParseConfigSingleOperator(t *testing.T) {
	b := withKey(t, `"parties": ["消防救援支队", "市场监管局", "公证处"],
    "single_operator": false`, `"parties": [],
    "single_operator": true`)
	b = bytes.Replace(b, []byte(`"late_source": "dice",
    "dice_digits": 20`), []byte(`"late_source": "",
    "dice_digits": 0`), 1)
	c, err := ParseConfig(b, "x.json")
	require.NoError(t, err)
	assert.True(t, c.Protocol.SingleOperator)
}

func TestParseConfigTooLarge(t *testing.T) {
	_, err := ParseConfig(make([]byte, MaxConfigBytes+1), "big.json")
	require.ErrorIs(t, err, ErrConfig)
	assert.Contains(t, err.Error(), "big.json")
}

func FuzzParseConfig(f *testing.F) {
	f.Add(DefaultConfig())
	f.Add([]byte(`{"format":"firedraw/year-config/v1","period":{"id":"x","start":"2026-01-01","rounds":1}}`))
	f.Add([]byte(`{"calendar":{"holidays":["2026-01-01..9999-12-31"]}}`))
	f.Add([]byte(`{"a":{"b":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := ParseConfig(b, "fuzz.json")
		if err != nil {
			require.ErrorIs(t, err, ErrConfig)
			return
		}
		// A valid configuration gives a valid planner configuration.
		_ = c.Rounds()
		cal := c.WorkCalendar()
		require.NoError(t, cal.CheckCalendar())
		_, err = c.SamplingPolicy().Resolved()
		require.NoError(t, err)
	})
}
