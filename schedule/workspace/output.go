package workspace

import (
	"bytes"
	"encoding/csv"
	"strconv"
	"strings"

	"github.com/firedraw/firedraw/risk"
	"github.com/firedraw/firedraw/schedule"
	"github.com/firedraw/firedraw/schedule/content"
)

// bom is the UTF-8 byte-order mark Excel needs to read a CSV file as
// UTF-8 (without it, Chinese text shows as mojibake).
const bom = "\uFEFF"

var taskHeader = map[string][]string{
	"en": {"round", "task_id", "unit_id", "unit_name", "district", "address", "date", "results_due", "method", "focus", "inspectors", "inspector_ids"},
	"zh": {"轮次", "任务编号", "单位编号", "单位名称", "辖区", "地址", "检查日期", "结果公示截止", "检查方式", "检查重点", "检查人员", "检查人员编号"},
}

// TasksCSV writes round n's task list: one row per task, by unit ID, with
// the unit's name, district and address (its "address" attribute, if
// any), the visit date, the results-publication due date, the method
// (in lang: "on-site" or 现场检查, …) and the focus items' codes ("; "
// between them) — from the task, or in sealed mode, which does not
// publish them, from the frame — and the inspectors by name and ID, team
// by team ("department: lead, member"; "; " between teams). Headers are
// in lang ("zh" or "en"); bom starts the file with a UTF-8 byte-order
// mark for Excel.
func TasksCSV(n int, d *schedule.Disclosure, units map[string]*risk.Unit, insp map[string]risk.Inspector, frame *schedule.Frame, lang string, withBOM bool) ([]byte, error) {
	var buf bytes.Buffer
	if withBOM {
		buf.WriteString(bom)
	}
	cw := csv.NewWriter(&buf)
	if err := cw.Write(header(taskHeader, lang)); err != nil {
		return nil, err
	}
	for _, t := range d.Tasks {
		var name, district, address string
		if u := units[t.Unit]; u != nil {
			name, district = u.Name, u.District
			if a, ok := u.Attr("address"); ok && !a.Numeric {
				address = a.Text
			}
		}
		names, ids := teamText(t.Teams, insp)
		method, focus := taskContent(t, frame, lang)
		row := []string{strconv.Itoa(n), t.ID, t.Unit, name, district, address, t.Date.String(), t.ResultsDue.String(), method, focus, names, ids}
		if err := cw.Write(row); err != nil {
			return nil, err
		}
	}
	cw.Flush()
	return buf.Bytes(), cw.Error()
}

// taskContent returns a task's method in lang and its focus codes, from
// the task or (sealed mode) the frame.
func taskContent(t schedule.Task, frame *schedule.Frame, lang string) (string, string) {
	method, focus := t.Method, t.Focus
	if method == "" && frame != nil {
		if u, ok := frame.Unit(t.Unit); ok {
			method, focus = u.Method.String(), u.Focus
		}
	}
	if m, err := content.ParseMethod(method); err == nil && lang == "zh" {
		method = m.ZH()
	}
	return method, strings.Join(focus, "; ")
}

func header(h map[string][]string, lang string) []string {
	if lang == "zh" {
		return h["zh"]
	}
	return h["en"]
}

// teamText renders the teams as names and as IDs.
func teamText(teams []schedule.Team, insp map[string]risk.Inspector) (string, string) {
	var names, ids []string
	for _, tm := range teams {
		var n []string
		for _, id := range tm.Inspectors {
			nm := insp[id].Name
			if nm == "" {
				nm = id
			}
			n = append(n, nm)
		}
		prefix := ""
		if tm.Department != "" {
			prefix = tm.Department + ": "
		}
		names = append(names, prefix+strings.Join(n, ", "))
		ids = append(ids, prefix+strings.Join(tm.Inspectors, ", "))
	}
	return strings.Join(names, "; "), strings.Join(ids, "; ")
}

var reasonHeader = map[string][]string{
	"en": {"round", "unit_id", "unit_name", "district", "level", "annual_frequency", "pi", "drawn", "reason"},
	"zh": {"轮次", "单位编号", "单位名称", "辖区", "风险等级", "年检查频次", "入选概率", "是否抽中", "说明"},
}

// ReasonsCSV writes every unit's π in round n with its plain reason
// (schedule.Reason.Text in lang) and whether it was drawn, by unit ID.
// It is internal where levels are not public.
func ReasonsCSV(n int, d *schedule.Disclosure, reasons []schedule.Reason, units map[string]*risk.Unit, lang string, withBOM bool) ([]byte, error) {
	drawn := make(map[string]bool, len(d.Tasks)+len(d.Excluded))
	for _, t := range d.Tasks {
		drawn[t.Unit] = true
	}
	for _, e := range d.Excluded {
		drawn[e.Unit] = true
	}
	yes, no := "yes", "no"
	if lang == "zh" {
		yes, no = "是", "否"
	}
	var buf bytes.Buffer
	if withBOM {
		buf.WriteString(bom)
	}
	cw := csv.NewWriter(&buf)
	if err := cw.Write(header(reasonHeader, lang)); err != nil {
		return nil, err
	}
	for _, r := range reasons {
		var name, district string
		if u := units[r.Unit]; u != nil {
			name, district = u.Name, u.District
		}
		sel := no
		if drawn[r.Unit] {
			sel = yes
		}
		row := []string{strconv.Itoa(n), r.Unit, name, district, r.Level.String(), strconv.FormatFloat(r.Annual, 'g', -1, 64),
			strconv.FormatFloat(r.Pi, 'g', -1, 64), sel, r.Text(lang)}
		if err := cw.Write(row); err != nil {
			return nil, err
		}
	}
	cw.Flush()
	return buf.Bytes(), cw.Error()
}
