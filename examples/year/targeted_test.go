package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/firedraw/firedraw/risk"
	"github.com/firedraw/firedraw/risk/recordio"
	"github.com/firedraw/firedraw/schedule"
	"github.com/firedraw/firedraw/schedule/workspace"
)

// targetedOf reads round n's targeted disclosure.
func targetedOf(t testing.TB, ws string, n int) *schedule.TargetedDisclosure {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(ws, "rounds", fmt.Sprintf("%02d", n), workspace.TargetedName))
	require.NoError(t, err)
	td, err := schedule.ParseTargeted(b)
	require.NoError(t, err)
	return td
}

// targetedResults are the results of round n's targeted tasks visited on
// their own (a unit drawn at random too is recorded as its random task):
// passes, dated on the visit.
func targetedResults(t testing.TB, ws string, n int) []risk.Inspection {
	var res []risk.Inspection
	for _, tk := range targetedOf(t, ws, n).Tasks {
		if tk.RandomTask == "" {
			res = append(res, risk.Inspection{ID: tk.ID, UnitID: tk.Unit, Date: tk.Date.Time(), Result: risk.Pass})
		}
	}
	return res
}

// checkTargetedYear checks that the year's rounds have alerts and
// targeted tasks, disclosed with their triggers and linked to the log,
// that their results entered the history with a non-random reason, and
// that the targeted task list is available; it returns the number of
// targeted tasks per round.
func checkTargetedYear(t *testing.T, y *yearRun, end time.Time) []int {
	t.Helper()
	var counts []int
	total := 0
	for n := 1; n <= 12; n++ {
		td := targetedOf(t, y.ws, n)
		counts = append(counts, len(td.Tasks))
		total += len(td.Tasks)
		for _, tk := range td.Tasks {
			require.NotEmpty(t, tk.Triggers, "round %d, unit %s: a targeted task shows its trigger", n, tk.Unit)
			assert.Contains(t, []string{"incident", "other"}, tk.Reason)
			assert.NotEmpty(t, tk.Triggers[0].ExplanationZH)
		}
	}
	assert.Positive(t, total, "the year has targeted tasks")
	// Round 1's targeted results are in the history with their reason.
	b, err := os.ReadFile(filepath.Join(y.ws, "rounds", "01", workspace.ResultsName))
	require.NoError(t, err)
	res, _, err := recordio.LoadInspections(bytes.NewReader(b), recordio.LoadOptions{Format: recordio.JSONL})
	require.NoError(t, err)
	reasons := map[risk.Reason]int{}
	for _, in := range res {
		reasons[in.Reason]++
	}
	assert.Positive(t, reasons[risk.RandomDraw])
	assert.Positive(t, reasons[risk.OtherReason]+reasons[risk.IncidentFollowUp], "targeted results feed the history, not as random")
	list := y.must(end, "tasks", "-round", "2", "-targeted", "-lang", "en")
	assert.Contains(t, list, "triggers")
	assert.Equal(t, counts[1]+1, strings.Count(list, "\n"), "a header and one row per targeted task")
	return counts
}

// tamperTargeted changes one targeted task's date in a copy of the
// workspace: verify names the round.
func tamperTargeted(ws string) {
	p := filepath.Join(ws, "rounds", "04", workspace.TargetedName)
	b, _ := os.ReadFile(p)
	i := bytes.Index(b, []byte(`"date":"2026-04-0`))
	if i < 0 {
		return
	}
	j := i + len(`"date":"2026-04-0`)
	b[j] = '1' + (b[j]-'0')%8
	_ = os.WriteFile(p, b, 0o644)
}
