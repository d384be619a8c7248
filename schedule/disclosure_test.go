package schedule

import (
	"bytes"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestParseDisclosureFast checks the dedicated leaf parser against
// encoding/json: on a disclosure large enough to be split, with IDs that
// need escapes, and on a valid but non-canonical layout.
func TestParseDisclosureFast(t *testing.T) {
	units, levels, annual, insp := city(3000, 40, 42)
	units[5].ID = `weird "quoted" \ id`
	units[6].ID = "消防/unit\t7"
	f, err := NewFrame(units, levels, annual, nil)
	require.NoError(t, err)
	p, err := NewPool(insp)
	require.NoError(t, err)
	cfg := testConfig(t)
	td := mustDraw(t, cfg, f, p, 0, testSeed(12))
	b := td.bytes
	require.Greater(t, len(b), 1<<17, "large enough to be parsed in two halves")

	fast, err := ParseDisclosure(b)
	require.NoError(t, err)
	var slow Disclosure
	require.NoError(t, json.Unmarshal(b, &slow))
	require.NoError(t, slow.checkLevels())
	assert.Equal(t, slow.Units, fast.Units)
	assert.Equal(t, slow.Tasks, fast.Tasks)
	_, err = Verify(td.published(), f, p)
	require.NoError(t, err)

	// Indented JSON is valid but not canonical: refused.
	var ind bytes.Buffer
	require.NoError(t, json.Indent(&ind, b, "", " "))
	_, err = ParseDisclosure(ind.Bytes())
	require.ErrorIs(t, err, ErrBadInput)
	assert.Contains(t, err.Error(), "not in canonical form")

	for _, tc := range []struct{ name, units string }{
		{"bad number", `[{"id":"a","district":"d","level":"low","pi":NaN,"prn":0.5,"selected":false}]`},
		{"plus sign", `[{"id":"a","district":"d","level":"low","pi":+1,"prn":0.5,"selected":false}]`},
		{"bad bool", `[{"id":"a","district":"d","level":"low","pi":1,"prn":0.5,"selected":maybe}]`},
		{"unterminated", `[{"id":"a`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, ok := parseLeaves([]byte(tc.units))
			assert.False(t, ok)
			doc := fmt.Sprintf(`{"format":"firedraw-disclosure/2","units":%s}`, tc.units)
			_, err := ParseDisclosure([]byte(doc))
			assert.ErrorIs(t, err, ErrBadInput)
		})
	}
	l, ok := parseLeaves([]byte(`[{"id":"a","district":"d","level":"high","pi":1e-7,"prn":0.5,"selected":true}]`))
	require.True(t, ok)
	assert.Equal(t, []Leaf{{ID: "a", District: "d", LevelStr: "high", Pi: 1e-7, PRN: 0.5, Selected: true}}, l)
}
