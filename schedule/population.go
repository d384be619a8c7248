package schedule

import (
	"fmt"
	"strings"

	"github.com/firedraw/firedraw/risk"
)

// LevelPopulation is what one round of a disclosure covers at one risk
// level: the units whose π is positive are the population that the
// round's estimates (Horvitz–Thompson, Hájek) describe; the others are
// outside it for the round.
type LevelPopulation struct {
	Level risk.Level
	// Units is the number of units at the level.
	Units int
	// Eligible is the number of units with π > 0 in the round.
	Eligible int
	// Waiting is the number with π = 0 because they were inspected too
	// recently (within the shortest gap of their Spacing).
	Waiting int
	// Exempt is the number with π = 0 because their annual frequency is
	// zero.
	Exempt int
	// Expected is the expected number drawn, Σπ; Drawn the number drawn.
	Expected float64
	Drawn    int
}

// Population returns, for every level from Low to High, the round's units,
// those with π > 0 (the population its estimates describe) and those with
// π = 0 by reason, from the published per-stratum counts. A sealed
// disclosure publishes no strata (their keys name levels), so its
// Population is empty: the planner's copy has the leaves. It returns an
// error wrapping ErrBadInput if a stratum key does not start with a level
// name.
func (d *Disclosure) Population() ([risk.NumLevels]LevelPopulation, error) {
	var out [risk.NumLevels]LevelPopulation
	for l := range out {
		out[l].Level = risk.Level(l)
	}
	for _, s := range d.Strata {
		name, _, _ := strings.Cut(s.Key, "/")
		l, err := risk.ParseLevel(name)
		if err != nil {
			return out, fmt.Errorf("schedule: stratum %q: %w: %w", s.Key, err, ErrBadInput)
		}
		p := &out[l]
		p.Units += s.Units
		p.Eligible += s.Units - s.Waiting - s.Exempt
		p.Waiting += s.Waiting
		p.Exempt += s.Exempt
		p.Expected += s.Expected
		p.Drawn += s.Drawn
	}
	return out, nil
}
