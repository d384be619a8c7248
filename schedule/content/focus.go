package content

import (
	"strings"

	"github.com/firedraw/firedraw/risk"
	"github.com/firedraw/firedraw/risk/alert"
)

// FocusRule maps a risk reason to the inspection items it calls for.
type FocusRule struct {
	// Feature is a feature name of risk.Extract ("tel_share_devices_down"),
	// a prefix ending in "*" ("cat_*"), or "alert:" and a rule ID of
	// package alert ("alert:pressure-low").
	Feature string
	// Items are catalogue codes.
	Items []string
	// ZH and EN name the concern, e.g. "many device faults or outages".
	ZH, EN string
	// Always applies the rule whenever the unit's feature is > 0, even
	// if the model does not count it among the unit's top reasons (open
	// violations are always followed up).
	Always bool
}

func (r *FocusRule) matches(feature string) bool {
	if p, ok := strings.CutSuffix(r.Feature, "*"); ok {
		return strings.HasPrefix(feature, p)
	}
	return r.Feature == feature
}

// AlertFeature returns the focus-rule feature name of an alert rule,
// "alert:<rule ID>".
func AlertFeature(r alert.Rule) string { return "alert:" + r.String() }

// DefaultFocusRules returns the default mapping from risk reasons and
// alerts to items (each call returns a new slice):
//
//	reason                                            items
//	faults, outages, shielding, slow restores         FAC-1 alarm system, FAC-2 maintenance, MON-1 monitoring
//	false alarms                                      FAC-1, FAC-2, CTL-1 control room
//	fire alarms                                       FAC-1, CTL-1
//	low water pressure                                FAC-3 sprinklers and water supply
//	residual-current or cable-temperature alarms      ELE-1 electrical wiring
//	no IoT devices                                    FAC-2 maintenance records
//	open, overdue, late or repeated violations        REC-1 rectification (open ones always)
//	never or long not inspected                       ACC-1, ACC-2 acceptance and use
//	complaints                                        EVA-1 exits, MGT-2 patrols
//	fires, false-alarm call-outs                      MGT-1 plans, TRN-1 training, ELE-1 / CTL-1
//	dishonesty list (always), penalties, bad credit   RSP-1 responsibility system, MGT-1
//	key unit, crowded place, high fire risk           article-11 management, evacuation, separation items
//	category                                          the category's typical hazards
//
// and one rule per alert rule (offline → MON-1, FAC-2; …).
func DefaultFocusRules() []FocusRule {
	rate := func(k risk.EventKind) string { n, _ := risk.TelemetryRateName(k); return n }
	return []FocusRule{
		{Feature: risk.FeatTelTrouble, Items: []string{"FAC-1", "FAC-2", "MON-1"}, ZH: "物联网设备故障、离线或屏蔽多", EN: "many device faults, outages or shielding"},
		{Feature: risk.FeatTelShareDown, Items: []string{"FAC-1", "FAC-2", "MON-1"}, ZH: "设备带故障或离线", EN: "devices down"},
		{Feature: risk.FeatTelRestoreHours, Items: []string{"FAC-2"}, ZH: "故障修复慢", EN: "faults repaired slowly"},
		{Feature: rate(risk.Fault), Items: []string{"FAC-1", "FAC-2"}, ZH: "设备故障多", EN: "many device faults"},
		{Feature: rate(risk.PowerFault), Items: []string{"FAC-1", "FAC-2"}, ZH: "设备电源故障多", EN: "many power faults"},
		{Feature: rate(risk.Offline), Items: []string{"MON-1", "FAC-2"}, ZH: "设备离线多", EN: "devices often offline"},
		{Feature: rate(risk.Shielded), Items: []string{"FAC-1", "CTL-1"}, ZH: "设备屏蔽多", EN: "devices often shielded"},
		{Feature: rate(risk.FalseAlarm), Items: []string{"FAC-1", "FAC-2", "CTL-1"}, ZH: "误报多", EN: "many false alarms"},
		{Feature: rate(risk.FireAlarm), Items: []string{"FAC-1", "CTL-1"}, ZH: "火灾报警多", EN: "fire alarms"},
		{Feature: rate(risk.PressureLow), Items: []string{"FAC-3"}, ZH: "消防水压低报警", EN: "low water pressure alarms"},
		{Feature: risk.FeatTelPressureLowH, Items: []string{"FAC-3"}, ZH: "消防水压长时间偏低", EN: "water pressure low for long"},
		{Feature: rate(risk.ResidualCurrentHigh), Items: []string{"ELE-1"}, ZH: "剩余电流报警", EN: "residual-current alarms"},
		{Feature: rate(risk.TemperatureHigh), Items: []string{"ELE-1"}, ZH: "线缆温度报警", EN: "cable over-temperature alarms"},
		{Feature: risk.FeatTelMissing, Items: []string{"FAC-2"}, ZH: "无物联网监测，设施状况不可远程掌握", EN: "no IoT monitoring: facilities unseen remotely"},
		{Feature: risk.FeatHistOpen, Items: []string{"REC-1"}, ZH: "存在未整改违法行为", EN: "open violations", Always: true},
		{Feature: risk.FeatHistOpenMajor, Items: []string{"REC-1"}, ZH: "存在未整改重大隐患", EN: "open major violations", Always: true},
		{Feature: risk.FeatHistOverdue, Items: []string{"REC-1"}, ZH: "整改逾期", EN: "rectification overdue", Always: true},
		{Feature: risk.FeatHistLateShare, Items: []string{"REC-1"}, ZH: "以往整改常逾期", EN: "violations often rectified late"},
		{Feature: risk.FeatHistLastFailed, Items: []string{"REC-1"}, ZH: "上次检查不合格", EN: "failed the last inspection"},
		{Feature: risk.FeatHistMajor, Items: []string{"REC-1"}, ZH: "近期发现重大隐患", EN: "recent major violations"},
		{Feature: risk.FeatHistGeneral, Items: []string{"REC-1"}, ZH: "近期发现一般隐患", EN: "recent general violations"},
		{Feature: risk.FeatHistViolPerInsp, Items: []string{"REC-1"}, ZH: "每次检查发现问题多", EN: "many violations per inspection"},
		{Feature: risk.FeatHistMissing, Items: []string{"ACC-1", "ACC-2"}, ZH: "从未检查", EN: "never inspected"},
		{Feature: risk.FeatHistDaysSince, Items: []string{"ACC-2"}, ZH: "长期未检查", EN: "long since the last inspection"},
		{Feature: risk.FeatHistComplaints, Items: []string{"EVA-1", "MGT-2"}, ZH: "投诉举报多", EN: "complaints"},
		{Feature: risk.FeatIncFire, Items: []string{"MGT-1", "TRN-1", "ELE-1"}, ZH: "近期发生火灾", EN: "recent fires"},
		{Feature: risk.FeatIncFalseAlarm, Items: []string{"FAC-1", "CTL-1"}, ZH: "误报警出警多", EN: "false-alarm call-outs"},
		{Feature: risk.FeatCredDishonest, Items: []string{"RSP-1", "MGT-1"}, ZH: "列入严重失信名单", EN: "on the serious-dishonesty list", Always: true},
		{Feature: risk.FeatCredPenalties, Items: []string{"RSP-1"}, ZH: "受过行政处罚", EN: "administrative penalties"},
		{Feature: risk.FeatCredGrade, Items: []string{"RSP-1"}, ZH: "信用等级不是A", EN: "credit grade below A"},
		{Feature: risk.FeatCredMissing, Items: []string{"RSP-1"}, ZH: "无信用记录", EN: "no credit record"},
		{Feature: risk.FeatKeyUnit, Items: []string{"RSP-1", "MGT-2", "MGT-3"}, ZH: "消防安全重点单位", EN: "a fire-safety key unit"},
		{Feature: risk.FeatCrowdedPlace, Items: []string{"EVA-1", "EVA-3", "TRN-2"}, ZH: "人员密集场所", EN: "a crowded place"},
		{Feature: risk.FeatHighFireRisk, Items: []string{"SEP-1", "SEP-3"}, ZH: "火灾高危单位", EN: "a high-fire-risk unit"},
		{Feature: risk.CategoryName(risk.Industrial), Items: []string{"SEP-1", "ELE-1", "EVA-2"}, ZH: "工业企业", EN: "industrial premises"},
		{Feature: risk.CategoryName(risk.Warehouse), Items: []string{"SEP-1", "EVA-2"}, ZH: "仓储场所", EN: "a warehouse"},
		{Feature: risk.CategoryName(risk.NineSmallPlaces), Items: []string{"SEP-3", "ELE-1", "EVA-1"}, ZH: "九小场所", EN: "a small place"},
		{Feature: risk.CategoryName(risk.StreetShop), Items: []string{"SEP-3", "ELE-1"}, ZH: "沿街门店", EN: "a street shop"},
		{Feature: risk.CategoryName(risk.Underground), Items: []string{"FAC-4", "EVA-1"}, ZH: "地下空间", EN: "an underground space"},
		{Feature: risk.CategoryName(risk.HighRise), Items: []string{"FAC-3", "FAC-4", "EVA-2"}, ZH: "高层建筑", EN: "a high-rise building"},
		{Feature: risk.CategoryName(risk.CrowdedPlaceCategory), Items: []string{"EVA-1", "SEP-2"}, ZH: "公众聚集场所", EN: "a public gathering place"},
		{Feature: AlertFeature(alert.RuleFire), Items: []string{"MGT-1", "TRN-1", "ELE-1"}, ZH: "发生火灾", EN: "a fire"},
		{Feature: AlertFeature(alert.RuleFireAlarm), Items: []string{"CTL-1", "FAC-1"}, ZH: "火灾报警", EN: "a fire alarm"},
		{Feature: AlertFeature(alert.RuleOffline), Items: []string{"MON-1", "FAC-2"}, ZH: "设备离线", EN: "devices offline"},
		{Feature: AlertFeature(alert.RuleFaultUnresolved), Items: []string{"FAC-1", "FAC-2"}, ZH: "故障未排除", EN: "faults unresolved"},
		{Feature: AlertFeature(alert.RuleFaultRepeated), Items: []string{"FAC-2"}, ZH: "设备反复故障", EN: "faults repeating"},
		{Feature: AlertFeature(alert.RuleShielded), Items: []string{"FAC-1", "CTL-1"}, ZH: "设备被屏蔽", EN: "devices shielded"},
		{Feature: AlertFeature(alert.RulePressureLow), Items: []string{"FAC-3"}, ZH: "消防水压低", EN: "low water pressure"},
		{Feature: AlertFeature(alert.RuleElectrical), Items: []string{"ELE-1"}, ZH: "电气报警反复", EN: "electrical alarms repeating"},
	}
}
