package synthcity

import (
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"time"

	"github.com/firedraw/firedraw/risk"
)

const day = 24 * time.Hour

// fireShare is the share of the true hazard that is a fire: a unit's fire
// rate per year is fireShare·p.
const fireShare = 0.1

// hist returns the logit of a unit's hazard without the unrevealed noise:
// the history is drawn from it, so that no record carries eps.
func (l *latent) hist() float64 { return l.eta - l.eps }

// genIncidents draws the past fires, false alarms and other call-outs.
func genIncidents(cfg Config, units []risk.Unit, lat []latent, start time.Time) []risk.Incident {
	r := newRand(cfg.Seed, streamIncidents)
	years := float64(cfg.HistoryYears)
	secs := int64(cfg.AsOf.Sub(start) / time.Second)
	out := make([]risk.Incident, 0, len(units)/10)
	for i := range units {
		l := &lat[i]
		nFire := poisson(r, years*fireShare*logistic(l.hist()))
		nFalse := poisson(r, years*0.04*math.Exp(-0.6*l.m+0.4*b2f(l.iot)))
		nOther := poisson(r, years*0.01)
		first := len(out)
		for k := range nFire + nFalse + nOther {
			in := risk.Incident{UnitID: units[i].ID, Time: start.Add(time.Duration(r.Int64N(secs)) * time.Second)}
			switch {
			case k < nFire:
				in.Type = risk.Fire
				in.HasLoss = true
				in.Loss = math.Round(8000*math.Exp(0.5*l.h+1.2*r.NormFloat64())/100) * 100
				c := 0.03
				if units[i].CrowdedPlace {
					c += 0.05
				}
				in.Casualties = poisson(r, c)
			case k < nFire+nFalse:
				in.Type = risk.FalseAlarmIncident
			default:
				in.Type = risk.OtherIncident
			}
			out = append(out, in)
		}
		sortByTime(out[first:], func(in risk.Incident) time.Time { return in.Time })
	}
	return out
}

func sortByTime[T any](s []T, t func(T) time.Time) {
	slices.SortStableFunc(s, func(a, b T) int { return t(a).Compare(t(b)) })
}

// violation code groups: evacuation, fire facilities, electrical,
// management, building separation.
var codeGroups = [5]int{1, 2, 3, 4, 5}

// codesPerGroup is the number of codes in each group (XF-101 … XF-108).
const codesPerGroup = 8

// violationCodes[g-1][k] is "XF-g0(k+1)".
var violationCodes = func() (c [len(codeGroups)][codesPerGroup]string) {
	for i, g := range codeGroups {
		for k := range codesPerGroup {
			c[i][k] = "XF-" + strconv.Itoa(g*100+k+1)
		}
	}
	return c
}()

// genInspections draws the inspection history of every unit, with teams
// of two eligible inspectors.
func genInspections(cfg Config, units []risk.Unit, lat []latent, districtIdx map[string]int, p *pool,
	fires [][]time.Time, start time.Time) []risk.Inspection {
	r := newRand(cfg.Seed, streamInspections)
	years := float64(cfg.HistoryYears)
	ndays := int(cfg.AsOf.Sub(start) / day)
	out := make([]risk.Inspection, 0, 3*len(units))
	var ar arena
	ids := make([]string, len(p.inspectors))
	for k := range ids {
		ids[k] = p.inspectors[k].ID
	}
	var dates []time.Time
	var reasons []risk.Reason
	for i := range units {
		u := &units[i]
		l := &lat[i]
		rate := 0.7
		if u.KeyUnit {
			rate = 1.5
		}
		if u.HighFireRisk {
			rate += 1
		}
		if u.CrowdedPlace {
			rate += 0.3
		}
		rate *= math.Exp(0.2 * l.h)
		dates, reasons = dates[:0], reasons[:0]
		for range poisson(r, years*rate) {
			dates = append(dates, start.Add(time.Duration(r.IntN(ndays))*day))
			reason := risk.RandomDraw
			if r.Float64() < 0.15 {
				reason = risk.OtherReason
			}
			reasons = append(reasons, reason)
		}
		for range poisson(r, years*0.05*math.Exp(-0.6*l.m)) {
			dates = append(dates, start.Add(time.Duration(r.IntN(ndays))*day))
			reasons = append(reasons, risk.Complaint)
		}
		for _, f := range fires[i] {
			d := f.Truncate(day).Add(time.Duration(1+r.IntN(14)) * day)
			if d.Before(cfg.AsOf) {
				dates = append(dates, d)
				reasons = append(reasons, risk.IncidentFollowUp)
			}
		}
		first := len(out)
		lead := -1
		vp := newViolParams(l)
		elig := p.eligible[districtIdx[u.District]][u.Category]
		for k, d := range dates {
			in := risk.Inspection{UnitID: u.ID, Date: d, Reason: reasons[k]}
			in.Violations = drawViolations(r, &vp, d, cfg.AsOf, &ar)
			lead = team(r, &in, elig, p.conflicts[i], lead, ids, &ar)
			in.Result = result(in.Violations)
			out = append(out, in)
			if in.Result == risk.Fail && r.Float64() < 0.7 {
				// Re-inspection after the latest deadline: it finds the
				// violations still open that day.
				var dl time.Time
				for _, v := range in.Violations {
					if v.Deadline.After(dl) {
						dl = v.Deadline
					}
				}
				rd := dl.Add(time.Duration(1+r.IntN(7)) * day)
				if rd.Before(cfg.AsOf) {
					re := risk.Inspection{UnitID: u.ID, Date: rd, Reason: risk.Reinspection}
					for _, v := range in.Violations {
						if v.Rectified.IsZero() || v.Rectified.After(rd) {
							v.Deadline = rd.Add(10 * day)
							re.Violations = append(re.Violations, v)
						}
					}
					lead = team(r, &re, elig, p.conflicts[i], lead, ids, &ar)
					re.Result = result(re.Violations)
					out = append(out, re)
				}
			}
		}
		sortByTime(out[first:], func(in risk.Inspection) time.Time { return in.Date })
	}
	// IDs JC00000001, JC00000002, … cut from one string.
	w := 2 + max(8, len(strconv.Itoa(len(out))))
	buf := make([]byte, 0, w*len(out))
	for k := range out {
		buf = append(buf, "JC"...)
		buf = append(buf, pad(k+1, w-2)...)
	}
	all := string(buf)
	for k := range out {
		out[k].ID = all[w*k : w*(k+1)]
	}
	return out
}

// pad formats n ≥ 0 with at least w ≤ 20 digits.
func pad(n, w int) string {
	var b [20]byte
	i := len(b)
	for n > 0 || len(b)-i < w {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[i:])
}

func result(vs []risk.Violation) risk.Result {
	for _, v := range vs {
		if v.Severity >= risk.General {
			return risk.Fail
		}
	}
	return risk.Pass
}

// team draws two distinct eligible inspectors without a declared conflict
// with the unit, the lead differing from the previous lead when possible,
// and returns the new lead.
func team(r *rand.Rand, in *risk.Inspection, elig, conflicted []int, prevLead int, ids []string, ar *arena) int {
	a, b := -1, -1
	for try := 0; try < 50 && (a < 0 || b < 0); try++ {
		i := elig[r.IntN(len(elig))]
		switch {
		case len(conflicted) > 0 && slices.Contains(conflicted, i):
		case a < 0 && (i != prevLead || try > 20):
			a = i
		case a >= 0 && i != a:
			b = i
		}
	}
	if a < 0 || b < 0 { // too few unconflicted inspectors: scan in order
		a, b = -1, -1
		for _, i := range elig {
			if slices.Contains(conflicted, i) {
				continue
			}
			if a < 0 {
				a = i
			} else if b < 0 {
				b = i
			}
		}
		for _, i := range elig { // tiny pools: allow the conflicted ones
			if a < 0 {
				a = i
			} else if b < 0 && i != a {
				b = i
			}
		}
	}
	in.Inspectors = ar.strings(2)
	in.Inspectors[0], in.Inspectors[1] = ids[a], ids[b]
	return a
}

// violParams are a unit's parameters of drawViolations.
type violParams struct {
	lambda                float64
	groupW                [5]float64
	pMajor, pFix, pOnTime float64
}

func newViolParams(l *latent) violParams {
	return violParams{
		lambda:  math.Exp(-0.9 - 1.0*l.m + 0.25*l.h),
		groupW:  [5]float64{1, 1.5, math.Exp(1.5 * l.ele), math.Exp(-0.5 * l.m), 0.7},
		pMajor:  logistic(-2.0 - 0.5*l.m + 0.4*l.h),
		pFix:    logistic(2.2 + 0.8*l.m),
		pOnTime: logistic(1.5 + l.m),
	}
}

// drawViolations draws the findings of one inspection on date d.
func drawViolations(r *rand.Rand, vp *violParams, d, asOf time.Time, ar *arena) []risk.Violation {
	n := min(poisson(r, vp.lambda*math.Exp(0.2*r.NormFloat64())), 8)
	if n == 0 {
		return nil
	}
	vs := ar.violations(n)
	groupW, pMajor, pFix, pOnTime := &vp.groupW, vp.pMajor, vp.pFix, vp.pOnTime
	for k := range vs {
		v := &vs[k]
		g := codeGroups[pick(r, groupW[:])]
		v.Code = violationCodes[g-1][r.IntN(codesPerGroup)]
		switch x := r.Float64(); {
		case x < pMajor:
			v.Severity = risk.Major
		case x < pMajor+0.45*(1-pMajor):
			v.Severity = risk.General
		default:
			v.Severity = risk.Minor
		}
		if v.Severity == risk.Minor && r.Float64() < 0.4 {
			v.Rectified = d // corrected on the spot, no deadline
			continue
		}
		days := [...]int{risk.Minor: 30, risk.General: 20, risk.Major: 10}[v.Severity]
		v.Deadline = d.Add(time.Duration(days) * day)
		if !(r.Float64() < pFix) {
			continue
		}
		var fix int
		if r.Float64() < pOnTime {
			fix = 1 + r.IntN(days)
		} else {
			fix = days + 1 + int(20*r.ExpFloat64())
		}
		if rd := d.Add(time.Duration(fix) * day); rd.Before(asOf) {
			v.Rectified = rd
		}
	}
	return vs
}

// genCredit draws a credit record for 95 % of units.
func genCredit(cfg Config, units []risk.Unit, lat []latent) []risk.CreditRecord {
	r := newRand(cfg.Seed, streamCredit)
	out := make([]risk.CreditRecord, 0, len(units))
	for i := range units {
		l := &lat[i]
		if r.Float64() < 0.05 {
			continue
		}
		s := 0.7*l.m + 0.2*r.NormFloat64()
		c := risk.CreditRecord{UnitID: units[i].ID, AsOf: cfg.AsOf.AddDate(0, 0, -1-r.IntN(365))}
		switch {
		case s > 0.5:
			c.Grade = risk.GradeA
		case s > -0.6:
			c.Grade = risk.GradeB
		case s > -1.45:
			c.Grade = risk.GradeC
		default:
			c.Grade = risk.GradeD
			c.Dishonest = r.Float64() < 0.3
		}
		c.Penalties = poisson(r, 0.4*math.Exp(-0.9*l.m)+b2f(c.Grade == risk.GradeD))
		out = append(out, c)
	}
	return out
}

// arena hands out small slices cut from large chunks, which saves
// millions of allocations for big cities. Every slice is capped (full
// slice expression), so appending to one never overwrites another.
type arena struct {
	strs []string
	viol []risk.Violation
}

const arenaChunk = 4096

func (a *arena) strings(n int) []string {
	if len(a.strs) < n {
		a.strs = make([]string, arenaChunk)
	}
	s := a.strs[:n:n]
	a.strs = a.strs[n:]
	return s
}

func (a *arena) violations(n int) []risk.Violation {
	if len(a.viol) < n {
		a.viol = make([]risk.Violation, arenaChunk)
	}
	s := a.viol[:n:n]
	a.viol = a.viol[n:]
	return s
}
