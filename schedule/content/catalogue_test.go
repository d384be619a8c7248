package content_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/firedraw/firedraw/risk"
	"github.com/firedraw/firedraw/schedule/content"
)

// TestInspectionContentCatalogue: the shipped catalogue covers the
// groups of articles 10 and 11 of order No. 120, every item named in
// both languages with a legal basis, and every default focus rule names
// items of it.
func TestInspectionContentCatalogue(t *testing.T) {
	cat := content.DefaultCatalogue()
	require.Len(t, cat.Items, 25)
	groups := map[string]int{}
	for _, it := range cat.Items {
		groups[it.Group]++
		assert.NotEmpty(t, it.NameZH)
		assert.NotEmpty(t, it.NameEN)
		assert.Contains(t, it.Basis, "第")
	}
	assert.Equal(t, map[string]int{"acceptance": 2, "responsibility": 1, "management": 3, "facilities": 7, "electrical": 2,
		"evacuation": 3, "separation": 3, "control-room": 1, "training": 2, "rectification": 1}, groups)
	for _, r := range content.DefaultFocusRules() {
		for _, code := range r.Items {
			_, ok := cat.Item(code)
			assert.True(t, ok, "rule %s: %s", r.Feature, code)
		}
	}
	again, err := content.LoadCatalogue(bytes.NewReader(content.DefaultCatalogueCSV()))
	require.NoError(t, err)
	assert.Equal(t, cat.Items, again.Items)
}

func TestInspectionContentCatalogueErrors(t *testing.T) {
	const head = "code,name_zh,name_en,group,applies,basis\n"
	const row = "A-1,甲,A,g,all,第一条\n"
	for _, tc := range []struct {
		name, in string
		line     int
		column   string
		want     error
	}{
		{"duplicate code", head + row + row, 3, "code", risk.ErrDuplicateID},
		{"missing zh name", head + row + "A-2,,B,g,all,第一条\n", 3, "name_zh", risk.ErrMissingValue},
		{"missing en name", head + "A-2,乙, ,g,all,第一条\n", 2, "name_en", risk.ErrMissingValue},
		{"bad applies", head + "A-2,乙,B,g,some,第一条\n", 2, "applies", risk.ErrBadEnum},
		{"code with space", head + "A 2,乙,B,g,all,第一条\n", 2, "code", risk.ErrMalformed},
		{"unknown column", "code,name_zh,name_en,group,applies,basis,extra\n", 1, "extra", risk.ErrUnknownField},
		{"missing column", "code,name_zh,name_en,group,applies\n", 1, "basis", risk.ErrMissingColumn},
		{"repeated column", "code,code,name_zh,name_en,group,applies,basis\n", 1, "code", risk.ErrMalformed},
		{"short row", head + "A-2,乙\n", 2, "", risk.ErrMalformed},
		{"long field", head + "A-2,乙," + strings.Repeat("x", 1001) + ",g,all,b\n", 2, "name_en", risk.ErrMalformed},
		{"empty", head, 2, "", risk.ErrMissingValue},
		{"no header", "", 1, "", risk.ErrMalformed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := content.LoadCatalogue(strings.NewReader(tc.in))
			require.ErrorIs(t, err, tc.want)
			var re *risk.RecordError
			require.True(t, errors.As(err, &re))
			assert.Equal(t, tc.line, re.Line)
			assert.Equal(t, tc.column, re.Column)
			assert.Equal(t, "catalogue", re.Source)
		})
	}
	// A byte-order mark and columns in another order are fine.
	cat, err := content.LoadCatalogue(strings.NewReader("\ufeffbasis,applies,group,name_en,name_zh,code\n第一条,key,g,A,甲,A-1\n"))
	require.NoError(t, err)
	assert.Equal(t, []content.Item{{Code: "A-1", NameZH: "甲", NameEN: "A", Group: "g", Applies: content.AppliesKey, Basis: "第一条"}}, cat.Items)
}

// FuzzLoadCatalogue: any input is read or rejected with a RecordError,
// and a catalogue read has unique, non-empty codes and names.
func FuzzLoadCatalogue(f *testing.F) {
	f.Add(content.DefaultCatalogueCSV())
	f.Add([]byte("code,name_zh,name_en,group,applies,basis\nA,甲,A,g,all,b\nA,甲,A,g,all,b\n"))
	f.Add([]byte("code,name_zh\n\"x"))
	f.Fuzz(func(t *testing.T, in []byte) {
		cat, err := content.LoadCatalogue(bytes.NewReader(in))
		if err != nil {
			var re *risk.RecordError
			require.True(t, errors.As(err, &re), "%v", err)
			return
		}
		seen := map[string]bool{}
		for _, it := range cat.Items {
			require.False(t, seen[it.Code])
			seen[it.Code] = true
			require.NotEmpty(t, it.NameZH)
			require.NotEmpty(t, it.NameEN)
			got, ok := cat.Item(it.Code)
			require.True(t, ok)
			require.Equal(t, it, got)
		}
	})
}
