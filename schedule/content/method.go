package content

import (
	"fmt"
	"slices"

	"github.com/firedraw/firedraw/risk"
)

// Method is how an inspection is done.
type Method uint8

// Methods.
const (
	// OnSite: inspectors visit the unit (现场检查).
	OnSite Method = iota
	// Remote: non-site supervision through the monitoring platform's
	// data and video (非现场监管).
	Remote
	// DocumentReview: the unit submits records (maintenance, patrols,
	// training, rectification) for review (书面核查).
	DocumentReview
	// Joint: an on-site visit with the other departments concerned
	// (联合检查).
	Joint
	numMethods
)

var methodNames = [...]string{"on-site", "remote", "document-review", "joint"}
var methodZH = [...]string{"现场检查", "非现场监管", "书面核查", "联合检查"}

func (m Method) String() string {
	if m < numMethods {
		return methodNames[m]
	}
	return fmt.Sprintf("Method(%d)", m)
}

// ZH returns the Chinese name of m.
func (m Method) ZH() string {
	if m < numMethods {
		return methodZH[m]
	}
	return m.String()
}

// ParseMethod parses "on-site", "remote", "document-review" or "joint".
func ParseMethod(s string) (Method, error) {
	for i, n := range methodNames {
		if n == s {
			return Method(i), nil
		}
	}
	return 0, fmt.Errorf("content: unknown method %q: %w", s, risk.ErrBadEnum)
}

// Healthy defines healthy telemetry coverage, read from a unit's
// features (risk.Extract): devices reporting (tel_missing = 0), at least
// MinDevices of them, at most MaxShareDown of them down at asOf and at
// most MaxOfflineRate offline events per device-month. Zero fields mean
// the defaults 3 devices (a transmission device and two detectors),
// 10 % down and 0.25 offline events per device-month — on the default
// city the 10th percentile of devices is 4, the 75th percentile of the
// share down 9 % and of the offline rate 0.23: a quarter of equipped
// units fail each bound.
type Healthy struct {
	MinDevices     float64
	MaxShareDown   float64
	MaxOfflineRate float64
}

// MethodPolicy chooses a task's method. The zero MethodPolicy is the
// default, rules checked in order:
//
//  1. joint at level High for a high-fire-risk unit or an industrial or
//     warehouse unit (the emergency-management bureau shares competence);
//  2. remote at level Low for a unit that is not a key unit, with a
//     credit record of grade A or B, not on the dishonesty list, with no
//     open violation (a rectification is checked by looking), no
//     targeted alert and healthy telemetry;
//  3. document review at level Low for the other units with credit A or
//     B, not key units, not dishonest and with no open major violation;
//  4. on-site for every other unit.
//
// A key unit is always visited (article 11 of order No. 120 asks for
// its daily patrol records and key areas to be seen).
type MethodPolicy struct {
	// OnSiteOnly sends every task on site.
	OnSiteOnly bool
	// JointLevels, RemoteLevels and DocumentLevels are the levels each
	// method may serve; nil means High, Low and Low.
	JointLevels, RemoteLevels, DocumentLevels []risk.Level
	// JointCategories are the categories visited jointly (besides
	// high-fire-risk units); nil means industrial and warehouse.
	JointCategories []risk.Category
	// GoodGrades are the credit grades of remote and document checks;
	// nil means A and B.
	GoodGrades []risk.Grade
	Healthy    Healthy
	// RemoteNotCounted and DocumentNotCounted make those checks not
	// count toward the unit's inspection frequency (by default they
	// count: the policy chose them as enough for the unit).
	RemoteNotCounted, DocumentNotCounted bool
}

func orLevels(l []risk.Level, def ...risk.Level) []risk.Level {
	if l == nil {
		return def
	}
	return l
}

// choose returns the method of a unit and why.
func (mp *MethodPolicy) choose(pr *Profile) (Method, string, string) {
	lv := pr.Level
	if mp.OnSiteOnly {
		return OnSite, "按政策一律现场检查", "policy: every check on site"
	}
	cats := mp.JointCategories
	if cats == nil {
		cats = []risk.Category{risk.Industrial, risk.Warehouse}
	}
	u := pr.Unit
	if slices.Contains(orLevels(mp.JointLevels, risk.High), lv) && (u.HighFireRisk || slices.Contains(cats, u.Category)) {
		return Joint, fmt.Sprintf("%s风险的%s，会同相关部门联合检查", levelZH(lv), catZH(u)),
			fmt.Sprintf("%s-risk %s: inspected jointly with the departments concerned", lv, catEN(u))
	}
	good, whyZH, whyEN := mp.goodStanding(pr)
	if good && slices.Contains(orLevels(mp.RemoteLevels, risk.Low), lv) && pr.feat(risk.FeatHistOpen) == 0 && len(pr.Alerts) == 0 {
		if ok, zh, en := mp.Healthy.check(pr); ok {
			return Remote, fmt.Sprintf("低风险、%s、无未整改问题、%s：通过监测平台数据和视频非现场检查", whyZH, zh),
				fmt.Sprintf("low risk, %s, no open violation, %s: checked remotely through the monitoring platform's data and video", whyEN, en)
		}
	}
	if good && slices.Contains(orLevels(mp.DocumentLevels, risk.Low), lv) && pr.feat(risk.FeatHistOpenMajor) == 0 {
		return DocumentReview, fmt.Sprintf("低风险、%s，物联网监测不足以非现场检查：书面核查", whyZH),
			fmt.Sprintf("low risk, %s, telemetry not enough for a remote check: document review", whyEN)
	}
	return OnSite, fmt.Sprintf("%s风险：现场检查", levelZH(lv)), fmt.Sprintf("%s risk: on site", lv)
}

// goodStanding reports whether a unit may be checked other than on
// site: not a key unit, credit known and good, not dishonest.
func (mp *MethodPolicy) goodStanding(pr *Profile) (bool, string, string) {
	grades := mp.GoodGrades
	if grades == nil {
		grades = []risk.Grade{risk.GradeA, risk.GradeB}
	}
	if pr.Unit.KeyUnit || pr.feat(risk.FeatCredMissing) != 0 || pr.feat(risk.FeatCredDishonest) != 0 {
		return false, "", ""
	}
	g := risk.Grade(pr.feat(risk.FeatCredGrade))
	if !slices.Contains(grades, g) {
		return false, "", ""
	}
	return true, "信用等级" + g.String(), "credit grade " + g.String()
}

// check reports whether the unit's telemetry coverage is healthy.
func (h Healthy) check(pr *Profile) (bool, string, string) {
	minDev, maxDown, maxOff := h.MinDevices, h.MaxShareDown, h.MaxOfflineRate
	if minDev == 0 {
		minDev = 3
	}
	if maxDown == 0 {
		maxDown = 0.10
	}
	if maxOff == 0 {
		maxOff = 0.25
	}
	off, _ := risk.TelemetryRateName(risk.Offline)
	devs, down, rate := pr.feat(risk.FeatTelDevices), pr.feat(risk.FeatTelShareDown), pr.feat(off)
	if pr.feat(risk.FeatTelMissing) != 0 || !pr.has(risk.FeatTelDevices) || !(devs >= minDev) || !(down <= maxDown) || !(rate <= maxOff) {
		return false, "", ""
	}
	return true, fmt.Sprintf("%.0f个设备在线上报、%.0f%%离线或故障、每设备月离线%.2f次", devs, 100*down, rate),
		fmt.Sprintf("%.0f devices reporting, %.0f %% down, %.2f offline events per device-month", devs, 100*down, rate)
}

var levelZHNames = [...]string{"低", "一般", "较高", "高"}

func levelZH(l risk.Level) string {
	if int(l) < len(levelZHNames) {
		return levelZHNames[l]
	}
	return l.String()
}

func catZH(u *risk.Unit) string {
	if u.HighFireRisk {
		return "火灾高危单位"
	}
	return "单位（" + u.Category.String() + "）"
}

func catEN(u *risk.Unit) string {
	if u.HighFireRisk {
		return "high-fire-risk unit"
	}
	return u.Category.String() + " unit"
}
