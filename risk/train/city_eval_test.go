package train_test

import (
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/firedraw/firedraw/risk"
	"github.com/firedraw/firedraw/risk/synthcity"
	"github.com/firedraw/firedraw/risk/train"
)

// cityEvalFeatures and cityEvalFit are the configuration the README
// table reports.
var (
	cityEvalFeatures = risk.FeatureConfig{LogAttrs: true, CodePrefix: 4}
	cityEvalFit      = train.FitConfig{Lambda: 1e-3, Log1p: true}
)

// cityEvalFolds-fold cross-validation repeated with seeds 1 …
// cityEvalRepeats: a single 5-fold split of 5,000 units moves the AUC by
// about ±0.004 (seeds 1–6 give 0.741–0.751), so the table reports the
// mean over repeats.
const cityEvalFolds, cityEvalRepeats = 5, 3

// TestCityEvaluation is the demonstration of issue #3 on the default
// synthetic city: features as of City.AsOf, labels = Outcomes.Any (the
// year after AsOf). Fitted models are evaluated out of fold: 5-fold
// cross-validation repeated with seeds 1, 2, 3 (the same folds for every
// model), measures averaged over the repeats. It asserts
// that the model fitted on every source reaches 95 % of the AUC of the
// generator's true hazard, beats the default expert model, and beats each
// single-source model. A single-source model is fitted the same way on
// that source's columns only (plus the intercept): telemetry = "tel_*",
// history = "hist_*" and "inc_*" (inspections, violations and incidents),
// credit = "cred_*". Run with -v to print the table as markdown.
func TestCityEvaluation(t *testing.T) {
	c := synthcity.Default()
	tab, err := risk.Extract(&c.Records, c.AsOf, cityEvalFeatures)
	require.NoError(t, err)
	n := len(c.Outcomes)
	y := make([]bool, n)
	hazard := make([]float64, n)
	for i, o := range c.Outcomes {
		require.Equal(t, tab.UnitIDs[i], o.UnitID)
		y[i], hazard[i] = o.Any, o.Hazard
	}

	// summary holds the measures of the table, averaged over repeats.
	type summary struct{ auc, top10, brier float64 }
	type row struct {
		name, columns string
		s             summary
	}
	var rows []row
	measure := func(name string, scores []float64) summary {
		ev, err := train.Evaluate(scores, y, train.EvalConfig{TopShares: []float64{0.10}})
		require.NoError(t, err, name)
		return summary{ev.AUC, ev.Top[0].Captured, ev.Brier}
	}
	evaluate := func(name, columns string, scores []float64) summary {
		s := measure(name, scores)
		rows = append(rows, row{name, columns, s})
		return s
	}
	cv := func(name, columns string, sub *risk.Table) summary {
		var mean summary
		for seed := uint64(1); seed <= cityEvalRepeats; seed++ {
			res, err := train.CrossValidate(sub, y, cityEvalFolds, seed, cityEvalFit)
			require.NoError(t, err, name)
			s := measure(name, res.Scores)
			mean.auc += s.auc / cityEvalRepeats
			mean.top10 += s.top10 / cityEvalRepeats
			mean.brier += s.brier / cityEvalRepeats
		}
		rows = append(rows, row{name, columns, mean})
		return mean
	}

	truth := evaluate("true hazard (generator)", "—", hazard)
	all := cv("fitted, all sources", fmt.Sprintf("all %d", tab.Cols()), tab)
	def, err := risk.DefaultModel().Score(tab)
	require.NoError(t, err)
	expert := evaluate("default expert model (not fitted)", fmt.Sprintf("%d terms", len(risk.DefaultModel().Terms)), def.Prob)
	single := map[string]summary{}
	for _, src := range []struct {
		name     string
		prefixes []string
	}{
		{"telemetry only", []string{risk.PrefixTelemetry}},
		{"history only", []string{risk.PrefixHistory, risk.PrefixIncidents}},
		{"credit only", []string{risk.PrefixCredit}},
		{"unit attributes only", []string{risk.PrefixFlags, risk.PrefixCategory, risk.PrefixDistrict, risk.PrefixAttr}},
	} {
		names := risk.SourceColumns(tab, src.prefixes...)
		sub, err := tab.Select(names...)
		require.NoError(t, err)
		single[src.name] = cv(src.name, fmt.Sprintf("%s* (%d)", strings.Join(src.prefixes, "*, "), len(names)), sub)
	}

	var b strings.Builder
	fmt.Fprintf(&b, "| model | columns | AUC | AUC / true AUC | positives in top 10 %% | Brier |\n|---|---|---|---|---|---|\n")
	for _, r := range rows {
		fmt.Fprintf(&b, "| %s | %s | %.3f | %.3f | %.1f %% | %.4f |\n", r.name, r.columns, r.s.auc, r.s.auc/truth.auc,
			100*r.s.top10, r.s.brier)
	}
	pos := 0
	for _, v := range y {
		if v {
			pos++
		}
	}
	t.Logf("default synthetic city: %d units, %d positives (Any, next year); fitted rows: %d-fold out-of-fold, mean of seeds 1–%d\n\n%s",
		n, pos, cityEvalFolds, cityEvalRepeats, b.String())

	assert.GreaterOrEqual(t, all.auc, 0.95*truth.auc, "fitted AUC vs 95 %% of the true hazard's")
	assert.Greater(t, all.auc, expert.auc, "fitted vs default expert model")
	for _, name := range []string{"telemetry only", "history only", "credit only"} {
		assert.Greater(t, all.auc, single[name].auc, "fitted vs %s", name)
	}
	// The expert model, fitted on nothing, still ranks far better than chance.
	assert.Greater(t, expert.auc, 0.6)
}

// The -update flag rewrites the golden files (registered here unless
// another test file of the package already did).
func init() {
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite golden files")
	}
}

func updating() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

// TestCityModelGolden pins the model fitted on every unit of the default
// city (testdata/risk/city_model.golden.json; rewrite with -update). Go may
// fuse floating-point operations on some architectures, so coefficients
// are compared to a relative 1e-6 rather than bit for bit.
func TestCityModelGolden(t *testing.T) {
	c := synthcity.Default()
	tab, err := risk.Extract(&c.Records, c.AsOf, cityEvalFeatures)
	require.NoError(t, err)
	y := make([]bool, len(c.Outcomes))
	for i, o := range c.Outcomes {
		y[i] = o.Any
	}
	m, _, err := train.Fit(tab, y, cityEvalFit)
	require.NoError(t, err)
	m.Name = "fitted on the default synthetic city (risk/city_eval_test.go)"
	path := filepath.Join("..", "..", "testdata", "risk", "city_model.golden.json")
	if updating() {
		b, err := json.MarshalIndent(m, "", "  ")
		require.NoError(t, err)
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, append(b, '\n'), 0o644))
	}
	b, err := os.ReadFile(path)
	require.NoError(t, err, "run go test ./risk/train -run TestCityModelGolden -update")
	var want risk.Model
	require.NoError(t, json.Unmarshal(b, &want))
	close := func(a, b float64) bool { return math.Abs(a-b) <= 1e-6*math.Max(1, math.Abs(b)) }
	assert.True(t, close(m.Intercept, want.Intercept), "intercept %v, golden %v", m.Intercept, want.Intercept)
	require.Equal(t, want.Features(), m.Features())
	for j, w := range want.Terms {
		g := m.Terms[j]
		assert.Equal(t, w.Transform, g.Transform, w.Feature)
		assert.True(t, close(g.Coef, w.Coef) && close(g.Center, w.Center), "%s: coef %v center %v, golden %v %v",
			w.Feature, g.Coef, g.Center, w.Coef, w.Center)
	}
	// The fitted model explains itself: the riskiest unit's reasons.
	s, err := m.Score(tab)
	require.NoError(t, err)
	top := 0
	for i, p := range s.Prob {
		if p > s.Prob[top] {
			top = i
		}
	}
	reasons := s.TopReasons(top, 3)
	require.Len(t, reasons, 3)
	for _, r := range reasons {
		t.Logf("unit %s (p = %.3f): %+.2f %s", tab.UnitIDs[top], s.Prob[top], r.Contribution, r.Text)
	}
}
