package risk

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func randomTable(r *rand.Rand, n, p int) *Table {
	names := make([]string, p)
	for j := range names {
		names[j] = "f" + string(rune('a'+j%26)) + string(rune('a'+j/26))
	}
	ids := make([]string, n)
	for i := range ids {
		ids[i] = "u" + string(rune('0'+i%10)) + string(rune('a'+i/10%26)) + string(rune('a'+i/260%26))
	}
	x := make([]float64, n*p)
	for k := range x {
		x[k] = r.NormFloat64() * 3
	}
	return &Table{Names: names, UnitIDs: ids, X: x}
}

func TestContributionsSumToLogit(t *testing.T) {
	for _, tc := range []struct {
		name   string
		binned bool // a binned term every third feature (the general path)
		p      int
	}{{"linear", false, 50}, {"linear odd p", false, 7}, {"binned", true, 12}} {
		t.Run(tc.name, func(t *testing.T) { checkContributions(t, tc.p, tc.binned) })
	}
}

func checkContributions(t *testing.T, p int, binned bool) {
	r := rand.New(rand.NewPCG(1, uint64(p)))
	tab := randomTable(r, 500, p)
	m := &Model{Intercept: -1.3}
	for j, n := range tab.Names {
		term := Term{Feature: n, Coef: r.NormFloat64(), Center: r.NormFloat64()}
		if binned && j%3 == 0 {
			term = Term{Feature: n, Edges: []float64{-2, 0, 1.5}, Effects: []float64{-0.4, 0.1, 0.7, 2.2}}
		}
		m.Terms = append(m.Terms, term)
	}
	s, err := m.Score(tab)
	require.NoError(t, err)
	var c []float64
	for i := 0; i < tab.Rows(); i++ {
		c = s.Contributions(i, c)
		require.Len(t, c, len(m.Terms))
		var sum float64
		for _, v := range c {
			sum += v
		}
		// One rounding of the final addition at most.
		assert.InDelta(t, s.Logit[i]-m.Intercept, sum, 1e-12*math.Max(1, math.Abs(s.Logit[i])), "unit %d", i)
		assert.Equal(t, 1/(1+math.Exp(-s.Logit[i])), s.Prob[i])
		assert.True(t, s.Prob[i] >= 0 && s.Prob[i] <= 1)
	}
}

func TestTermEffect(t *testing.T) {
	b := Term{Feature: "x", Edges: []float64{1, 2}, Effects: []float64{10, 20, 30}}
	for _, tc := range []struct{ x, want float64 }{{0.5, 10}, {1, 20}, {1.9, 20}, {2, 30}, {99, 30}} {
		assert.Equal(t, tc.want, b.Effect(tc.x), "x=%v", tc.x)
	}
	l := Term{Feature: "x", Coef: 2, Center: 1}
	assert.Equal(t, 4.0, l.Effect(3))
}

func TestScoreErrors(t *testing.T) {
	tab := &Table{Names: []string{"a", "b"}, UnitIDs: []string{"u1", "u2"}, X: []float64{1, 2, 3, math.NaN()}}
	for _, tc := range []struct {
		name  string
		m     *Model
		tab   *Table
		is    error
		names []string
	}{
		{"missing feature", &Model{Terms: []Term{{Feature: "a"}, {Feature: "zz"}}}, tab, ErrFeatureMismatch, []string{`"zz"`}},
		{"NaN feature", &Model{Terms: []Term{{Feature: "b", Coef: 1}}}, tab, ErrBadFeature, []string{`"b"`, `"u2"`}},
		{"NaN feature unused coef", &Model{Terms: []Term{{Feature: "b", Coef: 0}}}, tab, ErrBadFeature, []string{`"b"`, `"u2"`}},
		{"NaN binned", &Model{Terms: []Term{{Feature: "b", Edges: []float64{0}, Effects: []float64{0, 1}}}}, tab, ErrBadFeature, []string{`"b"`, `"u2"`}},
		{"bad effects", &Model{Terms: []Term{{Feature: "a", Edges: []float64{0}, Effects: []float64{0}}}}, tab, ErrBadFeature, []string{`"a"`}},
		{"unsorted edges", &Model{Terms: []Term{{Feature: "a", Edges: []float64{1, 0}, Effects: []float64{0, 1, 2}}}}, tab, ErrBadFeature, []string{`"a"`}},
		{"duplicate term", &Model{Terms: []Term{{Feature: "a"}, {Feature: "a"}}}, tab, ErrFeatureMismatch, []string{`"a"`}},
		{"NaN coef", &Model{Terms: []Term{{Feature: "a", Coef: math.NaN()}}}, tab, ErrBadFeature, []string{`"a"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.m.Score(tc.tab)
			require.Error(t, err)
			assert.True(t, errors.Is(err, tc.is), "%v", err)
			for _, n := range tc.names {
				assert.Contains(t, err.Error(), n)
			}
		})
	}
	// Extra table columns are ignored.
	ok := &Table{Names: []string{"a", "b"}, UnitIDs: []string{"u1"}, X: []float64{1, 2}}
	s, err := (&Model{Terms: []Term{{Feature: "b", Coef: 1}}}).Score(ok)
	require.NoError(t, err)
	assert.Equal(t, 2.0, s.Logit[0])
}

func TestTableHelpers(t *testing.T) {
	tab, err := NewTable([]string{"a", "b"}, []string{"u1", "u2"}, []float64{1, 2, 3, 4})
	require.NoError(t, err)
	assert.Equal(t, 3.0, tab.At(1, 0))
	assert.Equal(t, []float64{3, 4}, tab.Row(1))
	c, ok := tab.Col("b")
	assert.True(t, ok)
	assert.Equal(t, []float64{2, 4}, c)
	s, err := tab.Select("b")
	require.NoError(t, err)
	assert.Equal(t, []float64{2, 4}, s.X)
	_, err = tab.Select("zz")
	assert.ErrorIs(t, err, ErrFeatureMismatch)
	assert.Equal(t, []float64{3, 4}, tab.SubsetRows([]int{1}).X)
	_, err = NewTable([]string{"a"}, []string{"u1"}, []float64{math.Inf(1)})
	assert.ErrorIs(t, err, ErrBadFeature)
	_, err = NewTable([]string{"a", "a"}, []string{"u1"}, []float64{1, 2})
	assert.ErrorIs(t, err, ErrFeatureMismatch)
	_, err = NewTable([]string{"a"}, []string{"u1"}, []float64{1, 2})
	assert.ErrorIs(t, err, ErrFeatureMismatch)
}
