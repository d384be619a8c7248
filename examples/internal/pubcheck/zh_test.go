package pubcheck_test

import (
	"bytes"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/firedraw/firedraw/examples/internal/pubcheck"
	"github.com/firedraw/firedraw/schedule"
)

func TestChinese(t *testing.T) {
	tests := []struct{ en, zh string }{
		{"public log: tlog: line 4: tlog: entry 3: prev does not match the hash of entry 2: tlog: bad log",
			"公开日志：第 4 行：第 3 条日志：prev 与第 2 条日志的哈希不符：哈希链断裂：日志格式不合规"},
		{"the disclosure hashes to ab12, but the log's draw entry 9 names cd34",
			"公示文件的哈希为 ab12，但日志第 9 条（抽取记录）登记的是 cd34：公示文件在登记后被改动"},
		{`in the changed disclosure: task of unit "913301: X": teams [{fire [A B]}], want [{fire [A C]}]`,
			`在被改动的公示文件中：单位 "913301: X" 的任务：检查组为 [{fire [A B]}]，应为 [{fire [A C]}]`},
		{`task of unit "U1": PRN 0.25, but the seed gives 0.5 in stream 2026/r02/units`,
			`单位 "U1" 的任务：伪随机数为 0.25，但种子在流 2026/r02/units 中给出 0.5`},
		{`task of unit "U1": results due 2026-02-20, want 2026-02-16 (20 working days after the visit date 2026-01-19)`,
			`单位 "U1" 的任务：结果截止日期为 2026-02-20，应为 2026-02-16（检查日期 2026-01-19 之后第 20 个工作日）`},
		{`public log: protocol: log entry 5 (reveal): rule "reveal-matches-commitment": the secret revealed by "A" hashes to ff, not to its commitment ee: protocol: bad contribution`,
			`公开日志：第 5 条日志（揭示）：违反规则“揭示与承诺一致”：参与方 "A" 揭示的秘密哈希为 ff，与其承诺 ee 不符：随机数贡献不合规`},
		{`public log: protocol: log entry 5 (draw): rule "some-new-rule": why`,
			`公开日志：第 5 条日志（抽取）：违反规则“some-new-rule”：why`},
		{"not checked: the public log does not verify (see above)", "未核验：公开日志未通过核验（见上）"},
		{"… and 7 more difference(s)", "……另有 7 处不一致"},
		{"something nobody wrote a rule for", "something nobody wrote a rule for"},
		{"", ""},
	}
	for _, tc := range tests {
		t.Run(tc.en, func(t *testing.T) {
			assert.Equal(t, tc.zh, pubcheck.Chinese(tc.en))
		})
	}
}

// TestChineseCheck runs Check on tampered files and requires every
// problem to come in Chinese: the page's readers see no English-only line
// for the changes a reader is most likely to meet.
func TestChineseCheck(t *testing.T) {
	f, _ := published(t, false)
	latin := regexp.MustCompile(`\b(the|of|want|does|not|log|entry|task|unit)\b`)
	tamper := map[string]func(f *pubcheck.Files){
		"changed task": func(f *pubcheck.Files) {
			d, err := schedule.ParseDisclosure(f.Rounds[0].Disclosure)
			require.NoError(t, err)
			d.Tasks[0].PRN /= 2
			d.Tasks[1].Date, d.Tasks[1].Teams = d.Tasks[0].Date+1, d.Tasks[0].Teams
			f.Rounds[0].Disclosure, err = d.MarshalCanonical()
			require.NoError(t, err)
		},
		"broken chain": func(f *pubcheck.Files) {
			lines := bytes.SplitAfter(f.Log, []byte("\n"))
			lines[1] = bytes.Replace(lines[1], []byte(`:00Z"`), []byte(`:01Z"`), 1)
			f.Log = bytes.Join(lines, nil)
		},
	}
	for name, change := range tamper {
		t.Run(name, func(t *testing.T) {
			g := pubcheck.Files{Log: bytes.Clone(f.Log), Rounds: append([]pubcheck.RoundFiles(nil), f.Rounds...)}
			change(&g)
			rep := pubcheck.Check(g)
			require.False(t, rep.Verified)
			pairs := map[string]string{}
			require.Len(t, rep.Log.ProblemsZH, len(rep.Log.Problems))
			for i, p := range rep.Log.Problems {
				pairs[p] = rep.Log.ProblemsZH[i]
			}
			for _, r := range rep.Rounds {
				require.Len(t, r.ProblemsZH, len(r.Problems))
				for i, p := range r.Problems {
					pairs[p] = r.ProblemsZH[i]
				}
			}
			require.NotEmpty(t, pairs)
			for en, zh := range pairs {
				t.Logf("%s\n  → %s", en, zh)
			}
			for en, zh := range pairs {
				// Quoted IDs and values are copied; the words around them are not.
				words := regexp.MustCompile(`"[^"]*"|\[[^\]]*\]`).ReplaceAllString(zh, "")
				assert.False(t, latin.MatchString(words), "untranslated: %q\n→ %q", en, zh)
			}
		})
	}
}
