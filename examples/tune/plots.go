package main

import (
	"fmt"
	"image/color"
	"path/filepath"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/firedraw/firedraw/risk"
	"github.com/firedraw/firedraw/risk/train"
	"github.com/firedraw/firedraw/schedule"
)

const plotSize = 12 * vg.Centimeter

// writePlots writes the five PNG plots into o.out and returns their names.
func writePlots(o *options, d *dataset, levels []risk.Level, scores []float64, modelName string, rows []row) ([]string, error) {
	plots := []struct {
		name string
		make func() (*plot.Plot, error)
	}{
		{"scores.png", func() (*plot.Plot, error) { return scoresByLevel(levels, scores) }},
		{"gains.png", func() (*plot.Plot, error) { return gains(d, scores, modelName) }},
		{"calibration.png", func() (*plot.Plot, error) { return calibration(d, scores, modelName) }},
		{"pi.png", func() (*plot.Plot, error) { return piVersusScore(o, d, levels, scores) }},
		{"frontier.png", func() (*plot.Plot, error) { return frontier(rows) }},
	}
	var names []string
	for _, pl := range plots {
		p, err := pl.make()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", pl.name, err)
		}
		path := filepath.Join(o.out, pl.name)
		if err := p.Save(1.5*plotSize, plotSize, path); err != nil {
			return nil, err
		}
		names = append(names, path)
	}
	return names, nil
}

// scoresByLevel is a box plot of the scores of each risk level.
func scoresByLevel(levels []risk.Level, scores []float64) (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text = "Risk score by level"
	p.Y.Label.Text = "score (probability of a fire or major violation)"
	var by [risk.NumLevels]plotter.Values
	for k, l := range levels {
		by[l] = append(by[l], scores[k])
	}
	var names []string
	for l := range risk.NumLevels {
		names = append(names, fmt.Sprintf("%s (%d)", risk.Level(l), len(by[l])))
		if len(by[l]) == 0 {
			continue
		}
		b, err := plotter.NewBoxPlot(vg.Points(30), float64(l), by[l])
		if err != nil {
			return nil, err
		}
		b.FillColor = plotutil.Color(l)
		p.Add(b)
	}
	p.NominalX(names...)
	p.Add(plotter.NewGrid())
	return p, nil
}

// gains is the cumulative gains curve: the share of outcomes found when
// the highest-scored share of units is inspected.
func gains(d *dataset, scores []float64, modelName string) (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text = "Gains: outcomes found by inspecting the top-scored units"
	p.X.Label.Text = "share of units inspected, highest score first"
	p.Y.Label.Text = "share of fires and major violations found"
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = 0, 1, 0, 1
	shares := make([]float64, 100)
	for i := range shares {
		shares[i] = float64(i+1) / 100
	}
	curve := func(s []float64) (plotter.XYs, error) {
		ev, err := train.Evaluate(s, d.any, train.EvalConfig{TopShares: shares})
		if err != nil {
			return nil, err
		}
		xy := plotter.XYs{{X: 0, Y: 0}}
		for _, t := range ev.Top {
			xy = append(xy, plotter.XY{X: float64(t.Units) / float64(ev.N), Y: t.Captured})
		}
		return xy, nil
	}
	lines := []any{}
	m, err := curve(scores)
	if err != nil {
		return nil, err
	}
	lines = append(lines, modelName, m)
	if d.hazard != nil {
		h, err := curve(d.hazard)
		if err != nil {
			return nil, err
		}
		lines = append(lines, "true hazard (the generator's)", h)
	}
	lines = append(lines, "uniform random draw", plotter.XYs{{X: 0, Y: 0}, {X: 1, Y: 1}})
	if err := plotutil.AddLines(p, lines...); err != nil {
		return nil, err
	}
	p.Legend.Top = false
	p.Legend.Left = false
	p.Legend.XOffs = -vg.Points(10)
	p.Legend.YOffs = vg.Points(10)
	p.Add(plotter.NewGrid())
	return p, nil
}

// calibration is the reliability diagram: observed rate against mean
// score in equal-count bins.
func calibration(d *dataset, scores []float64, modelName string) (*plot.Plot, error) {
	ev, err := train.Evaluate(scores, d.any, train.EvalConfig{Bins: 10})
	if err != nil {
		return nil, err
	}
	p := plot.New()
	p.Title.Text = fmt.Sprintf("Calibration of %s (Brier %.4f)", modelName, ev.Brier)
	p.X.Label.Text = "mean score in bin"
	p.Y.Label.Text = "observed share with a fire or major violation"
	xy := make(plotter.XYs, 0, len(ev.Reliability))
	hi := 0.0
	for _, b := range ev.Reliability {
		xy = append(xy, plotter.XY{X: b.MeanScore, Y: b.Observed})
		hi = max(hi, b.MeanScore, b.Observed)
	}
	if err := plotutil.AddLinePoints(p, "10 equal-count bins", xy); err != nil {
		return nil, err
	}
	diag, err := plotter.NewLine(plotter.XYs{{X: 0, Y: 0}, {X: hi, Y: hi}})
	if err != nil {
		return nil, err
	}
	diag.Color = color.Gray{Y: 120}
	diag.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
	p.Add(diag)
	p.Legend.Add("perfect calibration", diag)
	p.Legend.Top = true
	p.Legend.Left = true
	p.Add(plotter.NewGrid())
	return p, nil
}

// piVersusScore plots each unit's per-round π against its score under
// the default frequencies at strength o.strength, coloured by level.
func piVersusScore(o *options, d *dataset, levels []risk.Level, scores []float64) (*plot.Plot, error) {
	pi, err := schedule.Policy{Strength: o.strength}.Probabilities(d.units, levels, scores, o.rounds)
	if err != nil {
		return nil, err
	}
	p := plot.New()
	p.Title.Text = fmt.Sprintf("Per-round π versus score (default frequencies, strength %.2f)", o.strength)
	p.X.Label.Text = "score"
	p.Y.Label.Text = "π (log scale)"
	p.Y.Scale = plot.LogScale{}
	p.Y.Tick.Marker = plot.LogTicks{Prec: -1}
	var by [risk.NumLevels]plotter.XYs
	for k, l := range levels {
		by[l] = append(by[l], plotter.XY{X: scores[k], Y: pi[k]})
	}
	for l := range risk.NumLevels {
		if len(by[l]) == 0 {
			continue
		}
		s, err := plotter.NewScatter(by[l])
		if err != nil {
			return nil, err
		}
		s.GlyphStyle.Color = plotutil.Color(l)
		s.GlyphStyle.Shape = draw.CircleGlyph{}
		s.GlyphStyle.Radius = vg.Points(1.5)
		p.Add(s)
		p.Legend.Add(risk.Level(l).String(), s)
	}
	p.Legend.Top = true
	p.Add(plotter.NewGrid())
	return p, nil
}

// frontier plots detections per 1,000 inspections against the CI width
// of the citywide violation rate, one line per frequency table, each
// point a weighting strength.
func frontier(rows []row) (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text = "Detection versus precision across weighting strengths"
	p.X.Label.Text = "width of the 95 % CI of the citywide major-violation rate (percentage points)"
	p.Y.Label.Text = "expected detections per 1,000 inspections"
	for i, ft := range frequencyTables {
		var xy plotter.XYs
		var labels []string
		for _, r := range rows {
			if r.table == ft.name {
				xy = append(xy, plotter.XY{X: 100 * r.ciWidth, Y: r.detections})
				labels = append(labels, fmt.Sprintf("s=%.2g", r.strength))
			}
		}
		l, s, err := plotter.NewLinePoints(xy)
		if err != nil {
			return nil, err
		}
		l.Color, s.Color = plotutil.Color(i), plotutil.Color(i)
		s.Shape = plotutil.Shape(i)
		lab, err := plotter.NewLabels(plotter.XYLabels{XYs: xy, Labels: labels})
		if err != nil {
			return nil, err
		}
		for j := range lab.TextStyle {
			lab.TextStyle[j].Color = color.Gray{Y: 60}
			lab.Offset = vg.Point{X: vg.Points(4), Y: vg.Points(2)}
		}
		p.Add(l, s, lab)
		p.Legend.Add(ft.name+" frequencies", l, s)
	}
	p.Legend.Top = true
	p.Legend.Left = true
	p.Add(plotter.NewGrid())
	return p, nil
}
