package schedule

import (
	"fmt"
	"strings"
	"testing"

	"github.com/firedraw/firedraw/risk"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// verifyFixture draws round 3 (index; April) of a small city with one
// exclusion under the protocol.
func verifyFixture(t *testing.T, sealed bool) (*Frame, *Pool, *testDraw) {
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
	td := mustDraw(t, cfg, f, p, 3, testSeed(31))
	require.NotEmpty(t, td.d.Excluded)
	require.Greater(t, len(td.d.Tasks), 10)
	return f, p, td
}

func TestVerify(t *testing.T) {
	f, p, td := verifyFixture(t, false)
	r, err := Verify(td.published(), f, p)
	require.NoError(t, err)
	assert.Contains(t, r.Notes[0], "offers no protection against the operator")
	d := r.Disclosure
	// Round trip: parse → marshal gives the same bytes.
	b2, err := d.MarshalCanonical()
	require.NoError(t, err)
	assert.Equal(t, string(td.bytes), string(b2))
	_, err = VerifyPublic(td.published())
	require.NoError(t, err)

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
		}, fmt.Sprintf("task of unit %q: the unit is not drawn", notDrawn)},
		{"drop a unit", func(d *Disclosure) (*Frame, *Pool) {
			d.Tasks = append(d.Tasks[:2], d.Tasks[3:]...)
			return f, p
		}, "tasks and exclusions for"},
		{"change the seed", func(d *Disclosure) (*Frame, *Pool) {
			d.Seed = other.String()
			return f, p
		}, "seed " + other.String() + ", but the manifest and the log give"},
		{"malformed seed", func(d *Disclosure) (*Frame, *Pool) {
			d.Seed = "xyz"
			return f, p
		}, "seed xyz, but"},
		{"change the manifest entry", func(d *Disclosure) (*Frame, *Pool) {
			d.ManifestSeq = 7
			return f, p
		}, "manifest log entry 7"},
		{"hide the single operator", func(d *Disclosure) (*Frame, *Pool) {
			d.SingleOperator = false
			return f, p
		}, "single-operator mark false"},
		{"relabel the round", func(d *Disclosure) (*Frame, *Pool) {
			d.Round.Number = 5
			return f, p
		}, "round {5"},
		{"change a π", func(d *Disclosure) (*Frame, *Pool) {
			d.Tasks[1].Pi += 0.01
			return f, p
		}, fmt.Sprintf("task of unit %q: (π", d.Tasks[1].Unit)},
		{"change a PRN", func(d *Disclosure) (*Frame, *Pool) {
			d.Tasks[1].PRN = 0.5
			return f, p
		}, "PRN 0.5, but the seed gives"},
		{"change a team", func(d *Disclosure) (*Frame, *Pool) {
			tm := d.Tasks[0].Teams[0].Inspectors
			tm[0], tm[1] = tm[1], tm[0]
			return f, p
		}, fmt.Sprintf("task of unit %q: teams", d.Tasks[0].Unit)},
		{"grow a team", func(d *Disclosure) (*Frame, *Pool) {
			d.Tasks[0].Teams[0].Inspectors = append(d.Tasks[0].Teams[0].Inspectors, "I039")
			return f, p
		}, "team 0 is 3 inspector(s)"},
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
		}, "499 unit leaves, but the manifest fixes 500 units"},
		{"foreign leaf", func(d *Disclosure) (*Frame, *Pool) {
			d.Units[len(d.Units)-1].ID = "ZZZ"
			return f, p
		}, `leaf of unit "ZZZ"`},
		{"drop an exclusion", func(d *Disclosure) (*Frame, *Pool) {
			d.Excluded = []Exclusion{}
			return f, p
		}, "tasks and exclusions for"},
		{"change a stratum count", func(d *Disclosure) (*Frame, *Pool) {
			d.Strata[0].Drawn++
			return f, p
		}, "stratum 0"},
		{"add a Merkle root", func(d *Disclosure) (*Frame, *Pool) {
			d.MerkleRoot = "00"
			return f, p
		}, "open disclosure with a Merkle root"},
		{"change the directory", func(d *Disclosure) (*Frame, *Pool) {
			units, levels, annual, _ := city(500, 40, 42)
			annual[3] = 12
			levels[20] = (levels[20] + 1) % risk.Level(risk.NumLevels)
			g, err := NewFrame(units, levels, annual, nil)
			require.NoError(t, err)
			return g, p
		}, "the directory given hashes to"},
		{"change the history", func(d *Disclosure) (*Frame, *Pool) {
			units, levels, annual, _ := city(500, 40, 42)
			annual[3] = 12
			g, err := NewFrame(units, levels, annual, nil)
			require.NoError(t, err)
			return g, p
		}, "the inspection history given hashes to"},
		{"change the pool", func(d *Disclosure) (*Frame, *Pool) {
			_, _, _, insp := city(500, 40, 42)
			insp[0].Conflicts = []string{"U00001"}
			q, err := NewPool(insp)
			require.NoError(t, err)
			return f, q
		}, "the inspector pool given hashes to"},
		{"algorithm version", func(d *Disclosure) (*Frame, *Pool) {
			d.Algorithms.Draw = "systematic/v0"
			return f, p
		}, "algorithms"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			td := *td
			d, err := ParseDisclosure(td.bytes)
			require.NoError(t, err)
			f2, p2 := tc.tamper(d)
			td.republish(t, d)
			diffs, err := verifyDiffs(&td, f2, p2)
			require.ErrorIs(t, err, ErrVerify)
			require.NotEmpty(t, diffs)
			found := false
			for _, m := range diffs {
				if strings.Contains(m, tc.want) {
					found = true
				}
			}
			assert.True(t, found, "no difference mentions %q: %v", tc.want, diffs)
			assert.Contains(t, err.Error(), "disclosure of round")
		})
	}
	// A disclosure other than the one the log's draw entry hashed.
	alt := *td
	alt.bytes = append(append([]byte(nil), td.bytes...), '\n')
	diffs, err := verifyDiffs(&alt, f, p)
	require.ErrorIs(t, err, ErrVerify)
	assert.Contains(t, diffs[0], "but the log's draw entry 3 names")
}

func TestParseDisclosureErrors(t *testing.T) {
	_, _, td := verifyFixture(t, true)
	_, err := ParseDisclosure(td.bytes)
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
