package content_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/firedraw/firedraw/risk"
	"github.com/firedraw/firedraw/schedule/content"
)

func round(s *scored, asOf time.Time) content.Round {
	return content.Round{AsOf: asOf, Units: s.city.Units, Levels: s.levels, Scores: s.scores}
}

// TestLevelChangesDishonesty: a unit put on the serious-dishonesty list
// between two rounds is listed as moving to High, with the date.
func TestLevelChangesDishonesty(t *testing.T) {
	before := defaultCity(t)
	asOf := before.city.AsOf
	// A Higher unit that is not on the list.
	target := -1
	for i, l := range before.levels {
		if l.Level == risk.Higher && len(l.Overrides) == 0 {
			target = i
			break
		}
	}
	require.GreaterOrEqual(t, target, 0)
	id := before.city.Units[target].ID
	rec := before.city.Records
	listed := time.Date(2025, 12, 15, 0, 0, 0, 0, time.UTC)
	rec.Credit = append(slices.Clone(rec.Credit), risk.CreditRecord{UnitID: id, Grade: risk.GradeD, Dishonest: true, AsOf: listed})
	after, err := scoreCity(asOf, &rec)
	require.NoError(t, err)
	ch, err := content.LevelChanges(round(before, asOf), round(after, asOf), &rec)
	require.NoError(t, err)
	i := slices.IndexFunc(ch, func(c content.LevelChange) bool { return c.UnitID == id })
	require.GreaterOrEqual(t, i, 0)
	assert.Equal(t, content.LevelChange{UnitID: id, From: risk.Higher, To: risk.High, Rule: risk.RuleDishonest,
		EN: "higher → high: on the serious-dishonesty list since 2025-12-15",
		ZH: "较高 → 高：列入严重失信名单（自 2025-12-15 起）"}, ch[i])
}

// TestLevelChangesRounds: between two as-of dates of the default city,
// every unit whose level changed is listed once, by ID, with its levels
// and a reason; no other unit is listed.
func TestLevelChangesRounds(t *testing.T) {
	after := defaultCity(t)
	asOf0 := after.city.AsOf.AddDate(0, -6, 0)
	before, err := scoreCity(asOf0, nil)
	require.NoError(t, err)
	ch, err := content.LevelChanges(round(before, asOf0), round(after, after.city.AsOf), &after.city.Records)
	require.NoError(t, err)
	want := 0
	for i := range after.levels {
		if after.levels[i].Level != before.levels[i].Level {
			want++
		}
	}
	require.Equal(t, want, len(ch))
	require.Positive(t, want)
	assert.True(t, slices.IsSortedFunc(ch, func(a, b content.LevelChange) int { return strings.Compare(a.UnitID, b.UnitID) }))
	byRule := map[string]int{}
	for _, c := range ch {
		i := slices.IndexFunc(after.city.Units, func(u risk.Unit) bool { return u.ID == c.UnitID })
		assert.Equal(t, before.levels[i].Level, c.From)
		assert.Equal(t, after.levels[i].Level, c.To)
		assert.Equal(t, after.levels[i].Rule, c.Rule)
		assert.True(t, strings.HasPrefix(c.EN, c.From.String()+" → "+c.To.String()+": "), c.EN)
		assert.NotEmpty(t, c.ZH)
		if strings.HasPrefix(c.Rule, "score") {
			assert.True(t, strings.Contains(c.EN, "largest change") || strings.Contains(c.EN, "thresholds moved") ||
				strings.Contains(c.EN, "no longer override"), c.EN)
		}
		byRule[strings.SplitN(c.Rule, " ", 2)[0]]++
	}
	t.Logf("%d level changes in 6 months: %v; e.g. %s", len(ch), byRule, ch[0].EN)
	_, err = content.LevelChanges(content.Round{}, round(after, after.city.AsOf), nil)
	assert.ErrorIs(t, err, risk.ErrFeatureMismatch)
}
