package content_test

import (
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/firedraw/firedraw/risk"
	"github.com/firedraw/firedraw/risk/synthcity"
	"github.com/firedraw/firedraw/schedule/content"
)

// scored is the default city scored by the default model at asOf.
type scored struct {
	city     *synthcity.City
	scores   *risk.Scores
	levels   []risk.LevelAssignment
	profiles []content.Profile
}

var cityOnce = sync.OnceValues(func() (*scored, error) { return scoreCity(synthcity.Default().AsOf, nil) })

// scoreCity scores the default city (with rec instead of its records if
// not nil) at asOf.
func scoreCity(asOf time.Time, rec *risk.Records) (*scored, error) {
	c := synthcity.Default()
	if rec == nil {
		rec = &c.Records
	}
	tab, err := risk.Extract(rec, asOf, risk.FeatureConfig{})
	if err != nil {
		return nil, err
	}
	sc, err := risk.DefaultModel().Score(tab)
	if err != nil {
		return nil, err
	}
	lv, err := risk.AssignLevels(rec.Units, tab, sc.Prob, risk.LevelConfig{})
	if err != nil {
		return nil, err
	}
	return &scored{city: c, scores: sc, levels: lv, profiles: content.Profiles(rec.Units, sc, lv, 5)}, nil
}

func defaultCity(t *testing.T) *scored {
	t.Helper()
	s, err := cityOnce()
	require.NoError(t, err)
	return s
}
