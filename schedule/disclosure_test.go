package schedule

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestParseDisclosure reads a disclosure large enough for canon's
// parallel array decoding, with IDs that need escapes, and refuses every
// other byte form of it.
func TestParseDisclosure(t *testing.T) {
	units, levels, annual, insp := city(8000, 100, 42)
	units[5].ID = `weird "quoted" \ id`
	units[6].ID = "消防/unit\u2028 7"
	f, err := NewFrame(units, levels, annual, nil)
	require.NoError(t, err)
	p, err := NewPool(insp)
	require.NoError(t, err)
	cfg := testConfig(t)
	td := mustDraw(t, cfg, f, p, 0, testSeed(12))
	b := td.bytes
	require.Greater(t, len(b), 1<<20, "large enough for the parallel decoder")

	d, err := ParseDisclosure(b)
	require.NoError(t, err)
	var slow Disclosure
	require.NoError(t, json.Unmarshal(b, &slow))
	require.NoError(t, slow.checkLevels())
	assert.Equal(t, slow.Units, d.Units)
	assert.Equal(t, slow.Tasks, d.Tasks)
	_, err = Verify(td.published(), f, p)
	require.NoError(t, err)

	var ind bytes.Buffer
	require.NoError(t, json.Indent(&ind, b, "", " "))
	s := string(b)
	leaf := `{"id":"U00000","district":`
	require.Contains(t, s, leaf)
	for _, tc := range []struct{ name, in string }{
		{"indented", ind.String()},
		{"duplicate key", strings.Replace(s, `"sealed":false`, `"sealed":true,"sealed":false`, 1)},
		{"case-variant key", strings.Replace(s, `"tasks":[`, `"Tasks":[`, 1)},
		{"NUL in an ID", strings.Replace(s, leaf, `{"id":"U00000\u0000","district":`, 1)},
		{"raw NUL in an ID", strings.Replace(s, leaf, "{\"id\":\"U00000\x00\",\"district\":", 1)},
		{"leading zero", strings.Replace(s, `"pi":0.`, `"pi":00.`, 1)},
		{"plus sign", strings.Replace(s, `"prn":0.`, `"prn":+0.`, 1)},
		{"null list", strings.Replace(s, `"excluded":[]`, `"excluded":null`, 1)},
		{"trailing data", s + "{}\n"},
		{"missing newline", strings.TrimSuffix(s, "\n")},
		{"old format", strings.Replace(s, FormatVersion, "firedraw-disclosure/1", 1)},
		{"bad level", strings.Replace(s, `"level":"low"`, `"level":"extreme"`, 1)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.NotEqual(t, s, tc.in, "the edit applies")
			_, err := ParseDisclosure([]byte(tc.in))
			assert.ErrorIs(t, err, ErrBadInput)
		})
	}
}
