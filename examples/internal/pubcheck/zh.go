package pubcheck

import (
	"regexp"
	"strings"
)

// Chinese words a problem or note, as Check reports it in English, in
// Chinese for the disclosure page, whose readers are Chinese first.
//
// A problem is a chain of parts joined by ": " (an error wrapping
// another). Chinese first tries the whole message against the known
// sentences, then translates part by part: a part it knows becomes its
// Chinese sentence, with IDs, hashes, dates and numbers copied as they
// are; package prefixes ("tlog", "protocol", "schedule") are dropped;
// a part it does not know stays in English, so nothing a reader needs is
// lost. The English message stays on the page beside it.
func Chinese(problem string) string {
	if zh, ok := translate(problem, wholeRules); ok {
		return zh
	}
	var out []string
	for _, part := range splitParts(problem) {
		if prefixes[part] {
			continue
		}
		zh, ok := translate(part, partRules)
		if !ok {
			zh = part
		}
		if len(out) > 0 && out[len(out)-1] == zh {
			continue // "tlog: line 7: tlog: entry 3" names the log twice
		}
		out = append(out, zh)
	}
	return strings.Join(out, "：")
}

// prefixes are the package names errors open with; they mean nothing to
// a reader of the page.
var prefixes = map[string]bool{"tlog": true, "protocol": true, "schedule": true, "pubcheck": true}

// splitParts splits a message at each ": " outside double quotes.
func splitParts(s string) []string {
	var parts []string
	start, quoted := 0, false
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '\\' && quoted:
			i++
		case s[i] == '"':
			quoted = !quoted
		case !quoted && s[i] == ':' && i+1 < len(s) && s[i+1] == ' ':
			parts = append(parts, s[start:i])
			start = i + 2
			i++
		}
	}
	return append(parts, s[start:])
}

// rule is one known sentence: its English pattern, anchored at both
// ends, and its Chinese template ($1, $2… are the pattern's groups).
type rule struct {
	en *regexp.Regexp
	zh string
}

func rules(pairs ...string) []rule {
	out := make([]rule, 0, len(pairs)/2)
	for i := 0; i < len(pairs); i += 2 {
		out = append(out, rule{regexp.MustCompile("^" + pairs[i] + "$"), pairs[i+1]})
	}
	return out
}

// translate renders s by the first rule whose pattern matches it whole.
func translate(s string, rs []rule) (string, bool) {
	for _, r := range rs {
		if m := r.en.FindStringSubmatchIndex(s); m != nil {
			zh := string(r.en.ExpandString(nil, r.zh, s, m))
			zh = kindNames.Replace(ruleNames.Replace(zh))
			return unnamed.ReplaceAllString(zh, "$1"), true
		}
	}
	return "", false
}

// wholeRules are sentences that hold ": " themselves.
var wholeRules = rules(
	`the rest of the disclosure is consistent with the seed: the change is in bytes the draw does not determine`,
	"公示文件的其余部分与种子一致：改动在抽取结果不决定的字节中",
	`single-operator draw: its seed came from one party, so it offers no protection against the operator`,
	"单方抽取：种子只来自一方，不能防止操作者操纵",
	`defaulted \(did not reveal\): (.*)`, "未按期揭示（违约）的参与方：$1",
	`algorithms (.*): this library implements (.*)`, "算法为 $1，而本程序实现的是 $2",
	`not checked: the public log does not verify \(see above\)`, "未核验：公开日志未通过核验（见上）",
)

// partRules are the parts of the verifier's messages (schedule.Verify,
// schedule/tlog, schedule/protocol and this package).
var partRules = rules(
	// Where: files, entries, tasks.
	`public log`, "公开日志",
	`manifests?`, "清单",
	`(\S+)/manifest\.json`, "$1/manifest.json（清单）",
	`(\S+)/disclosure\.json`, "$1/disclosure.json（公示文件）",
	`line (\d+)`, "第 $1 行",
	`entry (\d+)`, "第 $1 条日志",
	`log entry (\d+) \((\w+)\)`, "第 $1 条日志（{kind:$2}）",
	`rule "([a-z-]+)"`, "违反规则“{rule:$1}”",
	`task of unit (".*")`, "单位 $1 的任务",
	`exclusion of unit (".*")`, "单位 $1 的排除记录",
	`leaf of unit (".*")`, "单位 $1 的名录叶子",
	`task (\d+)`, "第 $1 项任务",
	`stratum (\d+)`, "第 $1 层",
	`in the changed disclosure`, "在被改动的公示文件中",
	`sealed disclosure`, "密封公示",
	`the log's contributions`, "日志中的随机数贡献",
	`re-running the draw fails`, "重新抽取失败",
	`re-drawing from the published π`, "按公布的 π 重新抽取",
	// The log.
	`bad log`, "日志格式不合规",
	`prev does not match the hash of entry (\d+)`, "prev 与第 $1 条日志的哈希不符：哈希链断裂",
	`seq (\d+), want (\d+)`, "序号为 $1，应为 $2",
	`time (\S+) is before entry (\d+)'s (\S+)`, "时间 $1 早于第 $2 条日志的时间 $3",
	`unknown kind (".*")`, "未知的日志类型 $1",
	`body is not a JSON object`, "正文不是 JSON 对象",
	`more than (\d+) entries`, "超过 $1 条日志",
	`an entry longer than (\d+) bytes`, "有一条日志超过 $1 字节",
	`the log holds no attempt for manifest (\w+)`, "日志中没有清单 $1 的抽取",
	`the log holds no draw entry for manifest (\w+)`, "日志中没有清单 $1 的抽取记录",
	`the public log holds no manifest entry for (\S+) \(sha256 (\w+)\)`, "公开日志中没有 $1 的清单记录（sha256 $2）",
	`the disclosure hashes to (\w+), but the log's draw entry (\d+) names (\w+)`,
	"公示文件的哈希为 $1，但日志第 $2 条（抽取记录）登记的是 $3：公示文件在登记后被改动",
	// The protocol.
	`protocol rule broken`, "违反抽取协议",
	`bad manifest`, "清单不合规",
	`bad contribution`, "随机数贡献不合规",
	`manifest field (\S+)`, "清单字段 $1",
	`the body is not canonical`, "正文不是规范编码",
	`manifest (\w+) is not in the log before this entry`, "清单 $1 未在此前登记于日志",
	`manifest (\w+) was abandoned at entry (\d+)`, "清单 $1 已在第 $2 条日志放弃",
	`entry for period (".*") round (\d+), its manifest is for period (".*") round (\d+)`,
	"日志写的是周期 $1 第 $2 轮，但其清单属于周期 $3 第 $4 轮",
	`no manifest file with SHA-256 (\w+)`, "没有 SHA-256 为 $1 的清单文件",
	`the secret revealed by (".*") hashes to (\w+), not to its commitment (\w+)`,
	"参与方 $1 揭示的秘密哈希为 $2，与其承诺 $3 不符",
	`disclosure does not verify`, "公示文件未通过核验",
	// The draw.
	`Merkle root (\w+), want (\w+)`, "Merkle 根为 $1，应为 $2",
	`(seed|period|round|draw ID|manifest|as-of|sealed) (.+), but the manifest and the log give (.+)`, "$1 为 $2，但清单和日志给出的是 $3",
	`ID (\S+), want (\S+)`, "编号为 $1，应为 $2",
	`PRN (\S+), but the seed gives (\S+) in stream (\S+)`, "伪随机数为 $1，但种子在流 $3 中给出 $2",
	`PRN (\S+), but the seed gives (\S+)`, "伪随机数为 $1，但种子给出 $2",
	`date (\S+) is not a working day of the round (\S+)\.\.(\S+)`, "日期 $1 不是本轮（$2 至 $3）的工作日",
	`results due (\S+), want (\S+) \((\d+) working days after the visit date (\S+)\)`,
	"结果截止日期为 $1，应为 $2（检查日期 $4 之后第 $3 个工作日）",
	`visit of (\S+) outside the round`, "$1 的检查不在本轮内",
	`(\d+) teams, want one per department \((\d+)\)`, "有 $1 个检查组，应每个部门一个（共 $2 个）",
	`team (\d+) is (\d+) inspector\(s\) of department (".*"), want (\d+) of (".*")`,
	"第 $1 组是部门 $3 的 $2 名检查员，应为部门 $5 的 $4 名",
	`inspector (".*") twice`, "检查员 $1 出现两次",
	`(\d+) unit leaves, but the manifest fixes (\d+) units`, "名录有 $1 个单位，但清单规定 $2 个",
	`publishes (\d+) unit leaves and (\d+) strata; it must publish neither`, "公布了 $1 个单位和 $2 个层：两者都不应公布",
	`Merkle root (".*") is not 64 hex digits`, "Merkle 根 $1 不是 64 位十六进制数",
	`open disclosure with a Merkle root (".*")`, "公开模式的公示文件带有 Merkle 根 $1",
	`\(PRN (\S+), selected (\w+)\), but the seed and the published π give \((\S+), (\w+)\)`,
	"（伪随机数 $1，抽中 $2），但种子和公布的 π 给出（$3，$4）",
	`the unit is not drawn in the published leaves`, "公布的名录中该单位未被抽中",
	`\(π (\S+), PRN (\S+)\), its leaf says \((\S+), (\S+)\)`, "（π $1，伪随机数 $2），而名录记为（$3，$4）",
	`(\d+) tasks and exclusions for (\d+) drawn units`, "抽中 $2 个单位，却有 $1 项任务和排除记录",
	`(\d+) strata, want (\d+)`, "有 $1 个层，应为 $2 个",
	`(\w+) not in canonical order \(by unit ID, each once\)`, "$1 未按规范顺序排列（按单位编号，各一次）",
	`unit (".*") was not drawn \(or not to be visited\) in this round`, "单位 $1 本轮未被抽中（或本轮不需检查）",
	`unit (".*") listed twice`, "单位 $1 列出两次",
	`unit (".*") was drawn but has no task`, "单位 $1 被抽中但没有任务",
	`method (\S+) focus (.*), want (\S+) (.*)`, "检查方式 $1、重点 $2，应为 $3、$4",
	`π (\S+), want (\S+)`, "π 为 $1，应为 $2",
	`PRN (\S+), want (\S+)`, "伪随机数为 $1，应为 $2",
	`date (\S+), want (\S+)`, "检查日期为 $1，应为 $2",
	`results due (\S+), want (\S+)`, "结果截止日期为 $1，应为 $2",
	`teams (.*), want (.*)`, "检查组为 $1，应为 $2",
	`not drawn, or not visited for another reason in the round`, "未被抽中，或本轮并非因其他原因不检查",
	`(\{.*\}), want (\{.*\})`, "为 $1，应为 $2",
	`… and (\d+) more difference\(s\)`, "……另有 $1 处不一致",
)

// unnamed finds a kind or rule the tables below do not name (one added
// after them): it is shown as it is.
var unnamed = regexp.MustCompile(`\{(?:kind|rule):([^}]*)\}`)

// kindNames names the log's entry kinds in Chinese.
var kindNames = strings.NewReplacer(
	"{kind:manifest}", "清单", "{kind:commitment}", "承诺", "{kind:reveal}", "揭示",
	"{kind:beacon}", "信标", "{kind:dice}", "骰子", "{kind:draw}", "抽取",
	"{kind:abandon}", "放弃", "{kind:results}", "结果", "{kind:correction}", "更正",
	"{kind:alert}", "预警", "{kind:targeted}", "定向检查",
)

// ruleNames names the protocol's rules (schedule/protocol's Rule…
// constants) in Chinese.
var ruleNames = strings.NewReplacer(
	"{rule:entries-in-order}", "日志按序号和时间顺序排列",
	"{rule:canonical-body}", "正文为规范编码",
	"{rule:manifest-published}", "清单文件已公布且哈希一致",
	"{rule:manifest-once}", "同一清单只登记一次",
	"{rule:period-and-round}", "周期和轮次与清单一致",
	"{rule:one-draw-per-round}", "每轮只抽取一次",
	"{rule:manifest-before-deadline}", "清单在承诺截止前登记",
	"{rule:manifest-logged-first}", "先登记清单",
	"{rule:attempt-live}", "放弃后不得继续",
	"{rule:named-party}", "只有清单列明的参与方可以贡献随机数",
	"{rule:once-per-party}", "每方只承诺和揭示一次",
	"{rule:commitment-before-deadline}", "承诺在截止前提交",
	"{rule:commitments-before-reveals}", "所有承诺先于揭示",
	"{rule:reveal-before-deadline}", "揭示在截止前提交",
	"{rule:reveal-matches-commitment}", "揭示与承诺一致",
	"{rule:late-source-after-reveals}", "公开随机源在揭示截止后",
	"{rule:beacon-signature}", "信标签名有效",
	"{rule:draw-after-randomness}", "抽取在随机数确定之后",
	"{rule:draw-before-round-end}", "抽取在本轮结束前",
	"{rule:seed-derivation}", "种子按规定推导",
	"{rule:results-after-draw}", "结果在抽取之后公布",
	"{rule:correction-of-earlier-entry}", "更正针对此前的日志",
)
