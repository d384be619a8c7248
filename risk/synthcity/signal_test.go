package synthcity

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/firedraw/firedraw/risk"
)

// corr is Pearson's correlation of x and y.
func corr(x, y []float64) float64 {
	var mx, my float64
	for i := range x {
		mx += x[i]
		my += y[i]
	}
	mx /= float64(len(x))
	my /= float64(len(y))
	var sxy, sxx, syy float64
	for i := range x {
		sxy += (x[i] - mx) * (y[i] - my)
		sxx += (x[i] - mx) * (x[i] - mx)
		syy += (y[i] - my) * (y[i] - my)
	}
	return sxy / math.Sqrt(sxx*syy)
}

// TestSignals checks that each source carries a real but partial signal
// about the latent management quality m (and telemetry about the hidden
// electrical hazard), so that no source is redundant: every correlation
// is clearly non-zero (|r| > 0.3; with thousands of units the standard
// error is about 0.02) and clearly below 1 (|r| < 0.9, or 0.93–0.95 for the precise but
// partial credit grade and telemetry).
func TestSignals(t *testing.T) {
	c := Default()
	cfg, err := Config{Seed: DefaultSeed}.normalized()
	require.NoError(t, err)
	_, lat, err := genUnits(cfg, districtNames(cfg.Districts))
	require.NoError(t, err)
	idx := map[string]int{}
	for i, u := range c.Units {
		idx[u.ID] = i
	}

	// Credit grade (0 = A … 3 = D) against −m.
	var grade, negM []float64
	for _, cr := range c.Credit {
		grade = append(grade, float64(cr.Grade))
		negM = append(negM, -lat[idx[cr.UnitID]].m)
	}
	r := corr(grade, negM)
	t.Logf("credit grade ~ −m: r = %.3f", r)
	assert.True(t, r > 0.3 && r < 0.95, "credit r = %.3f", r)

	// Violations per inspection against −m, for inspected units.
	visits := make([]float64, len(c.Units))
	found := make([]float64, len(c.Units))
	for _, in := range c.Inspections {
		i := idx[in.UnitID]
		visits[i]++
		found[i] += float64(len(in.Violations))
	}
	var rate []float64
	negM = negM[:0]
	for i := range c.Units {
		if visits[i] > 0 {
			rate = append(rate, math.Log1p(found[i]/visits[i]))
			negM = append(negM, -lat[i].m)
		}
	}
	r = corr(rate, negM)
	t.Logf("violations per inspection ~ −m: r = %.3f (%d units inspected)", r, len(rate))
	assert.True(t, r > 0.3 && r < 0.9, "violations r = %.3f", r)

	// Telemetry trouble events against −m, and electrical alarms against
	// the hidden electrical hazard, for equipped units.
	trouble := make([]float64, len(c.Units))
	elec := make([]float64, len(c.Units))
	equipped := make([]bool, len(c.Units))
	for _, e := range c.Telemetry {
		i := idx[e.UnitID]
		equipped[i] = true
		switch e.Kind {
		case risk.Fault, risk.Offline, risk.PowerFault, risk.PressureLow, risk.Shielded:
			trouble[i]++
		case risk.ResidualCurrentHigh, risk.TemperatureHigh:
			elec[i]++
		}
	}
	var tr, el, ele []float64
	negM = negM[:0]
	for i := range c.Units {
		if equipped[i] {
			tr = append(tr, math.Log1p(trouble[i]))
			el = append(el, math.Log1p(elec[i]))
			negM = append(negM, -lat[i].m)
			ele = append(ele, lat[i].ele)
		}
	}
	r = corr(tr, negM)
	t.Logf("telemetry trouble ~ −m: r = %.3f (%d units equipped)", r, len(tr))
	assert.True(t, r > 0.3 && r < 0.93, "telemetry r = %.3f", r)
	r = corr(el, ele)
	t.Logf("electrical alarms ~ e: r = %.3f", r)
	assert.True(t, r > 0.3 && r < 0.9, "electrical r = %.3f", r)

	// The unrevealed noise is small: the hazard without it ranks the
	// outcomes almost as well as the hazard itself.
	y := make([]bool, len(c.Units))
	p := make([]float64, len(c.Units))
	pHist := make([]float64, len(c.Units))
	for i, o := range c.Outcomes {
		y[i], p[i], pHist[i] = o.Any, o.Hazard, lat[i].hist()
		require.InDelta(t, lat[i].p, o.Hazard, 1e-12)
	}
	a, aHist := aucOf(p, y), aucOf(pHist, y)
	t.Logf("AUC of the true hazard %.4f, without the unrevealed noise %.4f", a, aHist)
	assert.Greater(t, aHist, 0.95*a)
	assert.Less(t, aHist, a+0.01)
}

// aucOf is the Mann–Whitney AUC by counting pairs (O(n²); fine for the
// test's 5,000 units).
func aucOf(s []float64, y []bool) float64 {
	var pos, neg []float64
	for i, v := range s {
		if y[i] {
			pos = append(pos, v)
		} else {
			neg = append(neg, v)
		}
	}
	var sum float64
	for _, a := range pos {
		for _, b := range neg {
			switch {
			case a > b:
				sum++
			case a == b:
				sum += 0.5
			}
		}
	}
	return sum / float64(len(pos)*len(neg))
}
