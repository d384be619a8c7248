package schedule

import (
	"time"

	"github.com/firedraw/firedraw/risk"
)

// AssessConfig configures Assess. The zero value scores with
// risk.DefaultModel, the default features and level shares, and the
// default policy frequencies.
type AssessConfig struct {
	// Model scores the units; nil means risk.DefaultModel().
	Model    *risk.Model
	Features risk.FeatureConfig
	Levels   risk.LevelConfig
	// Policy turns levels and scores into annual frequencies. Give the
	// same Policy to Config.Policy (a disclosure records it, and Verify's
	// caller rebuilds the directory with the disclosure's Policy).
	Policy Policy
}

// Assessment is the risk assessment of a directory of units as of one
// date — features, scores, levels with the rule behind each, annual
// frequencies — and the Frame a draw runs on, as Assess builds them. The
// steps are kept for reporting (scores and reasons, the rule behind each
// level). Table, Scores, Levels and Annual are parallel to the records'
// units, in their order; Frame holds the units sorted by ID. (It is not
// called a directory: risk.Directory is the set of units itself.)
type Assessment struct {
	Frame  *Frame
	Table  *risk.Table
	Scores *risk.Scores
	Levels []risk.LevelAssignment
	Annual []float64
	// HistoryStart is the date of the earliest inspection on record, of
	// any reason (zero without any): the history is taken as complete from
	// it. Pass it as Config.HistoryStart.
	HistoryStart time.Time
}

// Assess assesses every unit of the records as of asOf and builds the
// frame of a draw: features (risk.Extract), scores (cfg.Model), levels
// with their overrides (risk.AssignLevels), annual frequencies
// (cfg.Policy.Annual) and the frame with the inspection history
// (NewFrame). Same records, asOf and cfg
// give the same frame, whatever the records' order, which is how a
// verifier rebuilds the directory a disclosure names (Frame.Hash).
//
// The records are read, not modified; the frame copies what it keeps.
// Errors are those of the steps, unwrapped: each names the record, field
// or value at fault. Assess panics if rec is nil.
func Assess(rec *risk.Records, asOf time.Time, cfg AssessConfig) (*Assessment, error) {
	if rec == nil {
		panic("schedule: Assess of nil records")
	}
	model := cfg.Model
	if model == nil {
		model = risk.DefaultModel()
	}
	table, err := risk.Extract(rec, asOf, cfg.Features)
	if err != nil {
		return nil, err
	}
	scores, err := model.Score(table)
	if err != nil {
		return nil, err
	}
	as, err := risk.AssignLevels(rec.Units, table, scores.Prob, cfg.Levels)
	if err != nil {
		return nil, err
	}
	levels := make([]risk.Level, len(as))
	for k := range as {
		levels[k] = as[k].Level
	}
	annual, err := cfg.Policy.Annual(rec.Units, levels, scores.Prob)
	if err != nil {
		return nil, err
	}
	frame, err := NewFrame(rec.Units, levels, annual, rec.Inspections)
	if err != nil {
		return nil, err
	}
	d := &Assessment{Frame: frame, Table: table, Scores: scores, Levels: as, Annual: annual}
	for i := range rec.Inspections {
		if t := rec.Inspections[i].Date; d.HistoryStart.IsZero() || t.Before(d.HistoryStart) {
			d.HistoryStart = t
		}
	}
	return d, nil
}
