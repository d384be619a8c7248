package schedule

import (
	"fmt"
	"math"
	"strconv"

	"github.com/firedraw/firedraw/risk"
)

// ReasonKind classifies why a unit has its π in a round.
type ReasonKind uint8

// Reason kinds.
const (
	// ReasonSince: π from the rounds since the inspection that set the
	// unit's clock (independent mode).
	ReasonSince ReasonKind = iota
	// ReasonNoHistory: no inspection on record since the history start.
	ReasonNoHistory
	// ReasonQuiet: π = 0 for a while after an inspection.
	ReasonQuiet
	// ReasonOpen: π = 0 while an earlier task's results are not in.
	ReasonOpen
	// ReasonEveryRound: the frequency demands a visit every round.
	ReasonEveryRound
	// ReasonNever: an annual frequency of zero.
	ReasonNever
	// ReasonRotation: rotation mode's fixed per-round probability.
	ReasonRotation
)

// Reason says in plain words why a unit has its π in a round; Text
// renders it in Chinese or English.
type Reason struct {
	Unit   string
	Kind   ReasonKind
	Level  risk.Level
	Annual float64
	Pi     float64
	// Last is the inspection that set the unit's clock and LastReason
	// why it took place (ReasonSince, ReasonQuiet); RoundsSince counts
	// the rounds since it.
	Last        Day
	LastReason  risk.Reason
	RoundsSince int
	// HistoryStart is the start of the history (ReasonNoHistory).
	HistoryStart Day
	// Open is the open task (ReasonOpen).
	Open OpenTask
	// EligibleFrom is the round, from 1, from which π is positive again
	// (ReasonQuiet); 0 means not in this period.
	EligibleFrom int
}

// Reasons explains every unit's π in round `round` (an index into
// cfg.Rounds, from 0) of the frame, in the frame's unit-ID order. The π
// are exactly those PlanRound draws with.
func Reasons(cfg *Config, frame *Frame, round int) ([]Reason, error) {
	if err := cfg.check(); err != nil {
		return nil, err
	}
	if round < 0 || round >= len(cfg.Rounds) {
		return nil, fmt.Errorf("schedule: round %d outside the period's %d rounds: %w", round, len(cfg.Rounds), ErrBadRound)
	}
	pi := roundProbabilities(cfg, frame, round)
	applyContinuity(cfg, frame, pi)
	out := make([]Reason, frame.Len())
	for k := range out {
		out[k] = explain(cfg, frame, round, k, pi[k])
	}
	return out, nil
}

// explain mirrors roundProbabilities for unit k.
func explain(cfg *Config, frame *Frame, round, k int, pi float64) Reason {
	u := &frame.units[k]
	r := Reason{Unit: u.ID, Level: u.Level, Annual: u.Annual, Pi: pi, Last: NoDay}
	p := math.Min(1, u.Annual/float64(12/cfg.monthsPerRound()))
	switch {
	case p <= 0:
		r.Kind = ReasonNever
		return r
	case p >= 1:
		r.Kind = ReasonEveryRound
		return r
	case cfg.Mode == Rotation:
		r.Kind = ReasonRotation
		return r
	}
	if t, ok := frame.open[int32(k)]; ok {
		r.Kind, r.Open = ReasonOpen, t
		return r
	}
	h := &frame.hist[k]
	last, why := h.lastRandom, risk.RandomDraw
	if cfg.ExcludeVisited && h.lastVisit > last {
		last, why = h.lastVisit, risk.OtherReason
		for _, o := range u.Other {
			if o.Date == last {
				why = o.Reason
			}
		}
	}
	if last == NoDay {
		r.Kind, r.HistoryStart = ReasonNoHistory, DayOf(cfg.historyStart())
		return r
	}
	start := cfg.Rounds[round].Start
	r.Last, r.LastReason = last, why
	r.RoundsSince = roundsBetween(start, last, cfg.monthsPerRound())
	r.Kind = ReasonSince
	if pi == 0 {
		r.Kind = ReasonQuiet
		lo, _ := NewSpacing(p, cfg.maxQuiet()).Range()
		if next := round + max(lo-r.RoundsSince, 1); next < len(cfg.Rounds) {
			r.EligibleFrom = next + 1
		}
	}
	return r
}

var levelZh = [...]string{risk.Low: "低", risk.LevelGeneral: "一般", risk.Higher: "较高", risk.High: "高"}

var reasonZh = [...]string{risk.RandomDraw: "随机抽查", risk.Complaint: "投诉", risk.Reinspection: "复查",
	risk.IncidentFollowUp: "事故调查", risk.OtherReason: "其他原因"}

func num(x float64) string { return strconv.FormatFloat(x, 'g', 3, 64) }

// Text renders the reason in lang, "zh" (Chinese) or "en" (English; any
// other value).
func (r Reason) Text(lang string) string {
	if lang == "zh" {
		return r.zh()
	}
	return r.en()
}

func (r Reason) en() string {
	base := fmt.Sprintf("level %s, %s a year", r.Level, num(r.Annual))
	switch r.Kind {
	case ReasonNever:
		return "frequency 0 a year: not drawn"
	case ReasonEveryRound:
		return base + ": visited every round"
	case ReasonRotation:
		return fmt.Sprintf("%s, rotation: π = %s", base, num(r.Pi))
	case ReasonOpen:
		return fmt.Sprintf("task of round %d (%s) open, results not yet in: not drawn again until they are", r.Open.Round, r.Open.Date)
	case ReasonNoHistory:
		return fmt.Sprintf("%s; no inspection on record since %s: π = %s", base, r.HistoryStart, num(r.Pi))
	case ReasonQuiet:
		if r.EligibleFrom == 0 {
			return fmt.Sprintf("inspected %s (%s); not eligible again this period", r.Last, r.LastReason)
		}
		return fmt.Sprintf("inspected %s (%s); eligible again from round %d", r.Last, r.LastReason, r.EligibleFrom)
	}
	return fmt.Sprintf("%s; inspected %s (%s), %d round(s) ago: π = %s", base, r.Last, r.LastReason, r.RoundsSince, num(r.Pi))
}

func (r Reason) zh() string {
	lv := r.Level.String()
	if int(r.Level) < len(levelZh) {
		lv = levelZh[r.Level]
	}
	why := r.LastReason.String()
	if int(r.LastReason) < len(reasonZh) {
		why = reasonZh[r.LastReason]
	}
	base := fmt.Sprintf("风险等级%s，每年%s次", lv, num(r.Annual))
	switch r.Kind {
	case ReasonNever:
		return "年频次为0：不抽取"
	case ReasonEveryRound:
		return base + "：每轮均检查"
	case ReasonRotation:
		return fmt.Sprintf("%s，轮换模式：π = %s", base, num(r.Pi))
	case ReasonOpen:
		return fmt.Sprintf("第%d轮任务（%s）结果尚未录入：录入前不再抽取", r.Open.Round, r.Open.Date)
	case ReasonNoHistory:
		return fmt.Sprintf("%s；%s以来无检查记录：π = %s", base, r.HistoryStart, num(r.Pi))
	case ReasonQuiet:
		if r.EligibleFrom == 0 {
			return fmt.Sprintf("%s 因%s检查；本周期内不再纳入抽取", r.Last, why)
		}
		return fmt.Sprintf("%s 因%s检查；第%d轮起重新纳入抽取", r.Last, why, r.EligibleFrom)
	}
	return fmt.Sprintf("%s；%s 因%s检查，距今%d轮：π = %s", base, r.Last, why, r.RoundsSince, num(r.Pi))
}
