package schedule_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/firedraw/firedraw/risk"
	"github.com/firedraw/firedraw/sampling"
	"github.com/firedraw/firedraw/schedule"
	"github.com/firedraw/firedraw/schedule/protocol"
)

// TestAttackShieldUnitByConflicts (class a, grinding by failure): before
// the manifest, the operator declares conflicts of interest with one unit
// for all but one of the inspectors who could visit it. Were staffing
// checked only for the units the seed picks, every draw that picked the
// unit would fail and be abandoned and drawn again: the unit would never
// be inspected, and each failure a free re-roll. The check runs on π,
// which the seed does not touch: CheckStaffing refuses the manifest before
// any randomness exists, and PlanRound fails identically under every
// seed, naming the unit.
func TestAttackShieldUnitByConflicts(t *testing.T) {
	s := honest(t, 1, nil)
	require.NoError(t, schedule.CheckStaffing(s.m, s.assess.Frame, s.pool), "the honest manifest")

	// The shielded unit: a task of the honest draw (so π > 0).
	u := s.d.Tasks[0].Unit
	var unit risk.Unit
	for _, x := range s.rec.Units {
		if x.ID == u {
			unit = x
		}
	}
	insp := slices.Clone(s.rec.Inspectors)
	kept := 0
	for i := range insp {
		in := &insp[i]
		if slices.Contains(in.Districts, unit.District) && slices.Contains(in.Categories, unit.Category) {
			if kept++; kept > 1 {
				in.Conflicts = append(slices.Clone(in.Conflicts), u)
			}
		}
	}
	require.Greater(t, kept, 2, "the unit had several inspectors to shield it from")
	pool, err := schedule.NewPool(insp)
	require.NoError(t, err)
	m0, err := schedule.NewManifest(s.cfg, 1, s.assess.Frame, pool, s.params(1))
	require.NoError(t, err)
	err = schedule.CheckStaffing(m0, s.assess.Frame, pool)
	require.ErrorIs(t, err, schedule.ErrInfeasible)
	want := fmt.Sprintf(`unit %q (district %s, category %s): 1 eligible inspectors`, u, unit.District, unit.Category)
	assert.Contains(t, err.Error(), want)

	// A manifest made by hand for the shielding pool, in a log that skipped
	// CheckStaffing, is refused by PlanRound the same way under every seed.
	mm := *s.m
	mm.Frame.Pool = protocol.Digest{Count: int64(pool.Len()), SHA256: pool.Hash()}
	m := &mm
	err = schedule.CheckStaffing(m, s.assess.Frame, pool)
	require.ErrorIs(t, err, schedule.ErrInfeasible)
	assert.Contains(t, err.Error(), want)

	var first string
	for i := range 16 {
		var seed sampling.Seed
		seed[0], seed[1] = byte(i), 0x5a
		_, err := schedule.PlanRound(m, s.assess.Frame, pool, seed, 1)
		require.ErrorIs(t, err, schedule.ErrInfeasible, "seed %d", i)
		if i == 0 {
			first = err.Error()
		}
		require.Equal(t, first, err.Error(), "the verdict must not depend on the seed")
	}
}

// TestCheckStaffingCapacity: the pool must be able to staff the most
// units the draw can pick (⌈Σπ⌉ per stratum), whatever the seed.
func TestCheckStaffingCapacity(t *testing.T) {
	s := honest(t, 1, nil)
	insp := slices.Clone(s.rec.Inspectors)
	for i := range insp {
		insp[i].MaxPerRound = 1 // 80 inspectors: 80 inspector-visits a round
	}
	pool, err := schedule.NewPool(insp)
	require.NoError(t, err)
	cfg := *s.cfg
	cfg.Staffing.TeamSize = 7 // 13 tasks × 7 = 91 inspector-visits
	m0, err := schedule.NewManifest(&cfg, 1, s.assess.Frame, pool, s.params(1))
	require.NoError(t, err)
	err = schedule.CheckStaffing(m0, s.assess.Frame, pool)
	require.ErrorIs(t, err, schedule.ErrCapacity)
	assert.Contains(t, err.Error(), "at most ")

	// A manifest made by hand is refused by PlanRound whatever the seed.
	mm := *s.m
	mm.Frame.Pool = protocol.Digest{Count: int64(pool.Len()), SHA256: pool.Hash()}
	mm.Settings.TeamSize = 7
	for i := range 4 {
		var seed sampling.Seed
		seed[0] = byte(i)
		_, err = schedule.PlanRound(&mm, s.assess.Frame, pool, seed, 1)
		require.ErrorIs(t, err, schedule.ErrCapacity)
		assert.Contains(t, err.Error(), "at most ")
	}
}
