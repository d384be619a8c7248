package workspace

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/firedraw/firedraw/risk"
	"github.com/firedraw/firedraw/risk/recordio"
	"github.com/firedraw/firedraw/schedule"
	"github.com/firedraw/firedraw/schedule/canon"
	"github.com/firedraw/firedraw/schedule/protocol"
	"github.com/firedraw/firedraw/schedule/tlog"
)

// drawnSmall returns a small workspace with round 1 drawn (dice).
func drawnSmall(t *testing.T) (*Workspace, recordio.Files, *schedule.Disclosure) {
	t.Helper()
	w, files := smallWorkspace(t, nil)
	_, err := w.Manifest(1, files, time.Date(2025, 12, 25, 9, 0, 0, 0, time.UTC))
	require.NoError(t, err)
	contribute(t, w)
	_, err = w.Dice(1, "12345678901234567890", nil, time.Date(2025, 12, 29, 2, 0, 0, 0, time.UTC))
	require.NoError(t, err)
	rep, err := w.Draw(1, time.Date(2025, 12, 29, 3, 0, 0, 0, time.UTC))
	require.NoError(t, err)
	require.NotEmpty(t, rep.Disclosure.Tasks)
	return w, files, rep.Disclosure
}

// writeResultsFile writes the results of the given tasks, each dated on
// its visit shifted by shift days, as an inspections CSV file.
func writeResultsFile(t *testing.T, path string, tasks []schedule.Task, shift int) {
	t.Helper()
	var res []risk.Inspection
	for _, tk := range tasks {
		res = append(res, risk.Inspection{ID: tk.ID, UnitID: tk.Unit, Date: tk.Date.Time().AddDate(0, 0, shift), Result: risk.Pass})
	}
	var b bytes.Buffer
	require.NoError(t, recordio.WriteInspectionsCSV(&b, res))
	require.NoError(t, os.WriteFile(path, b.Bytes(), 0o644))
}

// TestAttackResultsBeforeVisit: an operator publishes a result dated
// before its task's visit (the unit was inspected before the draw chose
// it, so the visit was not the draw's). Record and Publish refuse it;
// built by hand — a publication file and its results entry appended to
// the log, both well formed — the log still replays (the protocol's rule
// only knows the round's first day), and Verify names the task, the unit
// and both dates.
func TestAttackResultsBeforeVisit(t *testing.T) {
	w, _, d := drawnSmall(t)
	tk := d.Tasks[len(d.Tasks)-1]
	require.Greater(t, tk.Date, d.Round.First, "the last task is not on the round's first day")
	now := tk.Date.Time().AddDate(0, 0, 10).Add(9 * time.Hour)

	// Through the program's steps: refused.
	early := filepath.Join(t.TempDir(), "early.csv")
	writeResultsFile(t, early, []schedule.Task{tk}, -1)
	_, err := w.Record(1, early, now)
	require.ErrorIs(t, err, ErrResult)
	assert.Contains(t, err.Error(), "before the visit on "+tk.Date.String())

	// A hand-edited results file is not published either.
	require.NoError(t, os.WriteFile(w.roundPath(1, ResultsName), resultsJSONL(t, tk, -1), 0o644))
	_, err = w.Publish(now)
	require.ErrorIs(t, err, ErrResult)
	assert.Contains(t, err.Error(), "before the task's visit date "+tk.Date.String())
	require.NoError(t, os.Remove(w.roundPath(1, ResultsName)))

	// By hand: the publication and its results entry.
	pub := Publication{Period: "2026", Round: 1, Date: protocol.FormatDate(now), Results: []Published{{
		Task: tk.ID, Unit: tk.Unit, Date: (tk.Date - 1).String(), Result: "pass", Violations: []string{}}}}
	b, err := json.MarshalIndent(pub, "", " ")
	require.NoError(t, err)
	b = append(b, '\n')
	require.NoError(t, os.WriteFile(w.path(publicationName(1, now)), b, 0o644))
	appendEntry(t, w.path(LogFile), now, protocol.KindResults, 1,
		&protocol.ResultsBody{Manifest: d.Manifest, Results: protocol.HashBytes(b), Count: 1})

	v, err := Open(w.Dir)
	require.NoError(t, err)
	checks, err := v.Verify()
	require.NoError(t, err, "the log's order and dates are kept")
	require.Len(t, checks, 1)
	require.NotEmpty(t, checks[0].Problems)
	joined := checks[0].Problems[0]
	t.Log(joined)
	assert.Contains(t, joined, "task "+tk.ID+" (unit "+tk.Unit+")")
	assert.Contains(t, joined, "result dated "+(tk.Date-1).String()+", before the task's visit date "+tk.Date.String())
}

// resultsJSONL is a results file holding task's result shifted by shift
// days from its visit.
func resultsJSONL(t *testing.T, tk schedule.Task, shift int) []byte {
	t.Helper()
	var b bytes.Buffer
	in := risk.Inspection{ID: tk.ID, UnitID: tk.Unit, Date: tk.Date.Time().AddDate(0, 0, shift), Result: risk.Pass, Reason: risk.RandomDraw}
	require.NoError(t, recordio.WriteInspectionsJSONL(&b, []risk.Inspection{in}))
	return b.Bytes()
}

// appendEntry appends an entry to the log file at path as an operator
// could, with schedule/tlog: the chain stays intact.
func appendEntry(t *testing.T, path string, at time.Time, kind protocol.Kind, round int, body any) {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	l, err := tlog.Read(f, tlog.Limits{})
	require.NoError(t, f.Close())
	require.NoError(t, err)
	bb, err := protocol.MarshalBody(body)
	require.NoError(t, err)
	e, err := l.Append(tlog.Entry{Time: at, Kind: kind, Period: "2026", Round: round, Body: canon.Raw(bb)})
	require.NoError(t, err)
	out, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	require.NoError(t, err)
	_, err = out.Write(l.Line(int(e.Seq)))
	require.NoError(t, err)
	require.NoError(t, out.Close())
}
