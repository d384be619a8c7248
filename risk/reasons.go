package risk

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// Explanation is one term's contribution to a unit's score, in plain words.
type Explanation struct {
	Feature      string
	Value        float64 // the unit's feature value
	Median       float64 // the median of the feature over the scored table
	Contribution float64 // on the logit scale
	// Text explains the value, e.g. "12 faults per device-month, 3× the
	// city median".
	Text string
}

// String returns the plain-word text.
func (r Explanation) String() string { return r.Text }

// TopReasons returns the (at most) k terms that raise unit i's logit the
// most, largest first (ties by model order), each explained in plain
// words; terms with a contribution ≤ 0 are never reasons. The "city
// median" is the feature's median over the scored table, computed once
// per feature on first use (safe for concurrent use). It panics if i is
// out of range.
func (s *Scores) TopReasons(i, k int) []Explanation {
	c := s.Contributions(i, nil)
	order := make([]int, 0, len(c))
	for j, v := range c {
		if v > 0 {
			order = append(order, j)
		}
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(c[b], c[a]) })
	if len(order) > k {
		order = order[:max(k, 0)]
	}
	row := s.table.Row(i)
	out := make([]Explanation, len(order))
	for r, j := range order {
		col := s.cols[j]
		name := s.model.Terms[j].Feature
		med := s.median(col)
		out[r] = Explanation{Feature: name, Value: row[col], Median: med, Contribution: c[j], Text: Describe(name, row[col], med)}
	}
	return out
}

// median returns the median of column col of the scored table.
func (s *Scores) median(col int) float64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	if m, ok := s.medians[col]; ok {
		return m
	}
	if s.medians == nil {
		s.medians = map[int]float64{}
	}
	p := s.table.Cols()
	v := make([]float64, s.table.Rows())
	for i := range v {
		v[i] = s.table.X[i*p+col]
	}
	m := medianOf(v)
	s.medians[col] = m
	return m
}

// phrases maps fixed feature names to a description: a flag phrase (for
// 0/1 features) or a quantity phrase with %s for the number.
var phrases = map[string]struct {
	text string
	flag bool
	pct  bool // show as a percentage
}{
	FeatTelMissing:      {text: "no IoT fire devices reporting", flag: true},
	FeatTelDevices:      {text: "%s IoT devices"},
	FeatTelTrouble:      {text: "%s fault, power-fault, shielded, offline or low-pressure events per device-month"},
	FeatTelShareDown:    {text: "%s of devices offline or faulty", pct: true},
	FeatTelRestoreHours: {text: "faults restored after %s hours on average"},
	FeatTelPressureLowH: {text: "%s hours of low water pressure"},
	FeatHistMissing:     {text: "never inspected", flag: true},
	FeatHistMinor:       {text: "%s recent minor violations (time-decayed)"},
	FeatHistGeneral:     {text: "%s recent general violations (time-decayed)"},
	FeatHistMajor:       {text: "%s recent major violations (time-decayed)"},
	FeatHistOpen:        {text: "%s unrectified violations"},
	FeatHistOpenMajor:   {text: "%s unrectified major violations"},
	FeatHistOverdue:     {text: "%s violations past their rectification deadline"},
	FeatHistDaysSince:   {text: "%s days since the last inspection"},
	FeatHistLastFailed:  {text: "failed its last inspection", flag: true},
	FeatHistInspections: {text: "%s recent inspections (time-decayed)"},
	FeatHistComplaints:  {text: "%s recent complaint visits (time-decayed)"},
	FeatHistViolPerInsp: {text: "%s violations per inspection"},
	FeatHistMajorShare:  {text: "%s of violations major", pct: true},
	FeatHistLateShare:   {text: "%s of violations rectified late or overdue", pct: true},
	FeatIncFire:         {text: "%s recent fires (time-decayed)"},
	FeatIncFalseAlarm:   {text: "%s recent false-alarm call-outs (time-decayed)"},
	FeatCredMissing:     {text: "no credit record", flag: true},
	FeatCredDishonest:   {text: "on the serious-dishonesty list", flag: true},
	FeatCredPenalties:   {text: "%s administrative penalties"},
	FeatKeyUnit:         {text: "a fire-safety key unit", flag: true},
	FeatCrowdedPlace:    {text: "a crowded place", flag: true},
	FeatHighFireRisk:    {text: "a high-fire-risk unit", flag: true},
}

var kindWords = map[string]string{
	"fire_alarm": "fire alarms", "false_alarm": "false alarms", "fault": "faults", "shielded": "shielded devices",
	"supervisory": "supervisory signals", "offline": "offline events", "power_fault": "power faults",
	"pressure_low": "low-pressure alarms", "residual_current_high": "high residual-current alarms",
	"temperature_high": "cable over-temperature alarms",
}

// Describe explains a feature value in plain words, comparing a quantity
// with the median m of the table: "12 faults per device-month, 3× the city
// median". Flags read as a phrase ("on the serious-dishonesty list", or
// "not …" when 0); unknown names read as "name = value".
func Describe(name string, v, m float64) string {
	var text string
	var flag, pct bool
	if ph, ok := phrases[name]; ok {
		text, flag, pct = ph.text, ph.flag, ph.pct
	} else {
		switch {
		case name == FeatCredGrade:
			g := Grade(min(max(math.Round(v), 0), 3))
			return "credit grade " + g.String()
		case strings.HasPrefix(name, PrefixTelemetry) && strings.HasSuffix(name, "_per_device_month"):
			stem := strings.TrimSuffix(strings.TrimPrefix(name, PrefixTelemetry), "_per_device_month")
			text = "%s " + kindWords[stem] + " per device-month"
		case strings.HasPrefix(name, PrefixCategory):
			text, flag = "category "+strings.TrimPrefix(name, PrefixCategory), true
		case strings.HasPrefix(name, PrefixDistrict):
			text, flag = "in district "+strings.TrimPrefix(name, PrefixDistrict), true
		case strings.HasPrefix(name, PrefixHistory+"code_"):
			g := strings.TrimSuffix(strings.TrimPrefix(name, PrefixHistory+"code_"), "_decayed")
			text = "%s recent violations of code group " + g + " (time-decayed)"
		case strings.HasPrefix(name, PrefixAttr) && strings.HasSuffix(name, "_missing"):
			text, flag = strings.TrimSuffix(strings.TrimPrefix(name, PrefixAttr), "_missing")+" not recorded", true
		case strings.HasPrefix(name, PrefixAttr) && strings.Contains(name, "="):
			a, l, _ := strings.Cut(strings.TrimPrefix(name, PrefixAttr), "=")
			text, flag = a+" "+l, true
		case strings.HasPrefix(name, PrefixAttr+"log1p_"):
			text = strings.TrimPrefix(name, PrefixAttr+"log1p_") + " %s"
			v, m = math.Expm1(v), math.Expm1(m)
		case strings.HasPrefix(name, PrefixAttr):
			text = strings.TrimPrefix(name, PrefixAttr) + " %s"
		default:
			return name + " = " + fmtNum(v)
		}
	}
	if flag {
		if v == 1 {
			return text
		}
		return "not " + text + " (" + fmtNum(v) + ")"
	}
	num, mnum := fmtNum(v), fmtNum(m)
	if pct {
		num, mnum = fmtNum(100*v)+" %", fmtNum(100*m)+" %"
	}
	s := fmt.Sprintf(text, num)
	switch {
	case m > 0 && v >= 0:
		return s + ", " + fmtNum(v/m) + "× the city median"
	default:
		return s + ", city median " + mnum
	}
}

// fmtNum formats a number with up to 3 significant digits and no
// exponent for everyday magnitudes.
func fmtNum(v float64) string {
	if a := math.Abs(v); a < 1e9 && (v == math.Trunc(v) || a >= 100) {
		return strconv.FormatFloat(v, 'f', 0, 64)
	}
	return strconv.FormatFloat(v, 'g', 3, 64)
}
