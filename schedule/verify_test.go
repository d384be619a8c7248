package schedule

import (
	"fmt"
	"strings"
	"testing"

	"github.com/firedraw/firedraw/risk"
	"github.com/firedraw/firedraw/sampling"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// verifyFixture plans round 3 of a small city with one exclusion and
// returns the canonical bytes of its disclosure.
func verifyFixture(t *testing.T, sealed bool) (*Frame, *Pool, []byte, sampling.Seed) {
	t.Helper()
	units, levels, annual, insp := city(500, 40, 42)
	annual[3] = 12
	hist := []risk.Inspection{
		{ID: "c1", UnitID: units[3].ID, Date: date(2026, 4, 9), Reason: risk.Complaint, Inspectors: []string{"I005"}},
		{ID: "r1", UnitID: units[8].ID, Date: date(2026, 1, 9), Inspectors: []string{"I002", "I006"}},
	}
	f, err := NewFrame(units, levels, annual, hist)
	require.NoError(t, err)
	p, err := NewPool(insp)
	require.NoError(t, err)
	cfg := testConfig(t)
	cfg.ExcludeVisited = true
	cfg.Sealed = sealed
	seed := testSeed(31)
	d, err := PlanRound(cfg, f, p, 3, seed, Commit(seed, date(2026, 3, 28)))
	require.NoError(t, err)
	require.NotEmpty(t, d.Excluded)
	require.Greater(t, len(d.Tasks), 10)
	b, err := d.MarshalCanonical()
	require.NoError(t, err)
	return f, p, b, seed
}

func TestVerify(t *testing.T) {
	f, p, b, seed := verifyFixture(t, false)
	d, err := ParseDisclosure(b)
	require.NoError(t, err)
	diffs, err := Verify(d, f, p)
	require.NoError(t, err)
	assert.Empty(t, diffs)
	// Round trip: parse → marshal gives the same bytes.
	b2, err := d.MarshalCanonical()
	require.NoError(t, err)
	assert.Equal(t, string(b), string(b2))

	notDrawn := ""
	for _, l := range d.Units {
		if !l.Selected {
			notDrawn = l.ID
			break
		}
	}
	other := testSeed(32)
	for _, tc := range []struct {
		name   string
		tamper func(d *Disclosure) (*Frame, *Pool)
		want   string
	}{
		{"swap a unit", func(d *Disclosure) (*Frame, *Pool) {
			d.Tasks[4].Unit = notDrawn
			return f, p
		}, fmt.Sprintf("task 4: unit %q was not drawn", notDrawn)},
		{"drop a unit", func(d *Disclosure) (*Frame, *Pool) {
			d.Tasks = append(d.Tasks[:2], d.Tasks[3:]...)
			return f, p
		}, "was drawn but has no task"},
		{"change the seed", func(d *Disclosure) (*Frame, *Pool) {
			d.Seed = other.String()
			return f, p
		}, "does not match the commitment"},
		{"change seed and commitment", func(d *Disclosure) (*Frame, *Pool) {
			d.Seed = other.String()
			d.Commitment.Hash = other.Commitment()
			return f, p
		}, "draw ID"},
		{"malformed seed", func(d *Disclosure) (*Frame, *Pool) {
			d.Seed = "xyz"
			return f, p
		}, `revealed seed "xyz"`},
		{"change a π", func(d *Disclosure) (*Frame, *Pool) {
			d.Tasks[1].Pi += 0.01
			return f, p
		}, fmt.Sprintf("task of unit %q: π", d.Tasks[1].Unit)},
		{"change a PRN", func(d *Disclosure) (*Frame, *Pool) {
			d.Tasks[1].PRN = 0.5
			return f, p
		}, "PRN 0.5, want"},
		{"change a team", func(d *Disclosure) (*Frame, *Pool) {
			tm := d.Tasks[0].Teams[0].Inspectors
			tm[0], tm[1] = tm[1], tm[0]
			return f, p
		}, fmt.Sprintf("task of unit %q: teams", d.Tasks[0].Unit)},
		{"change a date", func(d *Disclosure) (*Frame, *Pool) {
			d.Tasks[0].Date++
			return f, p
		}, "date"},
		{"change a due date", func(d *Disclosure) (*Frame, *Pool) {
			d.Tasks[0].ResultsDue += 7
			return f, p
		}, "results due"},
		{"change a task ID", func(d *Disclosure) (*Frame, *Pool) {
			d.Tasks[0].ID = "00000000-0000-0000-0000-000000000000"
			return f, p
		}, "ID 00000000-0000-0000-0000-000000000000, want"},
		{"reorder tasks", func(d *Disclosure) (*Frame, *Pool) {
			d.Tasks[0], d.Tasks[1] = d.Tasks[1], d.Tasks[0]
			return f, p
		}, "tasks not in canonical order"},
		{"reorder leaves", func(d *Disclosure) (*Frame, *Pool) {
			d.Units[10], d.Units[11] = d.Units[11], d.Units[10]
			return f, p
		}, "unit leaves not in canonical order"},
		{"flip a leaf", func(d *Disclosure) (*Frame, *Pool) {
			d.Units[7].Selected = !d.Units[7].Selected
			return f, p
		}, fmt.Sprintf("leaf of unit %q", d.Units[7].ID)},
		{"drop a leaf", func(d *Disclosure) (*Frame, *Pool) {
			d.Units = d.Units[1:]
			return f, p
		}, "has no leaf"},
		{"drop a leaf, reordered", func(d *Disclosure) (*Frame, *Pool) {
			d.Units = d.Units[1:]
			d.Units[3], d.Units[4] = d.Units[4], d.Units[3]
			return f, p
		}, "has no leaf"},
		{"foreign leaf", func(d *Disclosure) (*Frame, *Pool) {
			d.Units[len(d.Units)-1].ID = "ZZZ"
			return f, p
		}, `leaf of unit "ZZZ": not in the directory`},
		{"drop an exclusion", func(d *Disclosure) (*Frame, *Pool) {
			d.Excluded = nil
			return f, p
		}, "is not listed as excluded"},
		{"change a stratum count", func(d *Disclosure) (*Frame, *Pool) {
			d.Strata[0].Drawn++
			return f, p
		}, "stratum 0"},
		{"add a Merkle root", func(d *Disclosure) (*Frame, *Pool) {
			d.MerkleRoot = "00"
			return f, p
		}, "Merkle root 00, want"},
		{"change the directory", func(d *Disclosure) (*Frame, *Pool) {
			units, levels, annual, _ := city(500, 40, 42)
			annual[3] = 12
			levels[20] = (levels[20] + 1) % risk.Level(risk.NumLevels)
			g, err := NewFrame(units, levels, annual, nil)
			require.NoError(t, err)
			return g, p
		}, "directory: disclosure says 500 units with SHA-256"},
		{"change the history", func(d *Disclosure) (*Frame, *Pool) {
			units, levels, annual, _ := city(500, 40, 42)
			annual[3] = 12
			g, err := NewFrame(units, levels, annual, nil)
			require.NoError(t, err)
			return g, p
		}, "inspection history: disclosure says 500 units"},
		{"change the pool", func(d *Disclosure) (*Frame, *Pool) {
			_, _, _, insp := city(500, 40, 42)
			insp[0].Conflicts = []string{"U00001"}
			q, err := NewPool(insp)
			require.NoError(t, err)
			return f, q
		}, "inspector pool: disclosure says 40 inspectors"},
		{"change the team size", func(d *Disclosure) (*Frame, *Pool) {
			d.Staffing.TeamSize = 3
			return f, p
		}, "teams"},
		{"change the calendar", func(d *Disclosure) (*Frame, *Pool) {
			d.Calendar.Holidays = append(d.Calendar.Holidays, d.Tasks[0].Date)
			return f, p
		}, "date"},
		{"algorithm version", func(d *Disclosure) (*Frame, *Pool) {
			d.Algorithms.Draw = "systematic/v0"
			return f, p
		}, "algorithms"},
		{"withheld", func(d *Disclosure) (*Frame, *Pool) {
			*d = *d.Withhold()
			return f, p
		}, "withheld"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := ParseDisclosure(b)
			require.NoError(t, err)
			f2, p2 := tc.tamper(d)
			diffs, err := Verify(d, f2, p2)
			require.ErrorIs(t, err, ErrVerify)
			require.NotEmpty(t, diffs)
			found := false
			for _, m := range diffs {
				if strings.Contains(m, tc.want) {
					found = true
				}
			}
			assert.True(t, found, "no difference mentions %q: %v", tc.want, diffs)
			assert.Contains(t, err.Error(), "disclosure of round 3")
		})
	}
	_ = seed
}

func TestParseDisclosureErrors(t *testing.T) {
	_, _, b, _ := verifyFixture(t, true)
	_, err := ParseDisclosure(b)
	require.NoError(t, err)
	for _, tc := range []struct{ name, in string }{
		{"not JSON", "{"},
		{"unknown field", `{"format":"firedraw-disclosure/2","extra":1}`},
		{"wrong format", `{"format":"other/9"}`},
		{"trailing", `{"format":"firedraw-disclosure/2"} {}`},
		{"bad level", `{"format":"firedraw-disclosure/2","units":[{"id":"a","level":"extreme","pi":0,"prn":0.5,"selected":false}]}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseDisclosure([]byte(tc.in))
			assert.ErrorIs(t, err, ErrBadInput)
		})
	}
}
