package workspace

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/firedraw/firedraw/schedule"
	"github.com/firedraw/firedraw/schedule/protocol"
)

// resultsEntry is a results entry of the log: where and when it was
// logged, the publication's SHA-256 and its count.
type resultsEntry struct {
	Seq   int64
	Time  time.Time
	Hash  string
	Count int64
}

// resultsEntries returns the results entries of an attempt, in log order.
func (w *Workspace) resultsEntries(a *protocol.Attempt) []resultsEntry {
	var out []resultsEntry
	for _, seq := range a.ResultsSeq {
		e := w.entries[seq]
		b, err := protocol.ParseBody(e.Kind, e.Body)
		if err != nil { // protocol.State has parsed it already
			panic("workspace: a replayed results entry does not parse: " + err.Error())
		}
		rb := b.(*protocol.ResultsBody)
		out = append(out, resultsEntry{Seq: e.Seq, Time: e.Time, Hash: rb.Results, Count: rb.Count})
	}
	return out
}

// publishedResults returns what a publication says of each task, for
// schedule.VerifyResults.
func publishedResults(p *Publication) ([]schedule.PublishedResult, error) {
	out := make([]schedule.PublishedResult, 0, len(p.Results))
	for i, r := range p.Results {
		d, err := protocol.ParseDate(r.Date)
		if err != nil {
			return nil, fmt.Errorf("result %d (task %s): date: %w", i+1, r.Task, err)
		}
		out = append(out, schedule.PublishedResult{Task: r.Task, Unit: r.Unit, Date: schedule.DayOf(d)})
	}
	return out, nil
}

// verifyPublications checks round n's publications against the log and
// the disclosure: every publication file is logged by a results entry of
// the round's manifest, with its period, round, date and count; every
// results entry has its file; and every published result names a task
// of the round and its unit, dated neither before the task's visit nor
// after the entry that published it (schedule.VerifyResults).
func (w *Workspace) verifyPublications(d *schedule.Disclosure, a *protocol.Attempt, n int, bad func(string, ...any)) {
	byHash := map[string]resultsEntry{}
	for _, e := range w.resultsEntries(a) {
		byHash[e.Hash] = e
	}
	names, err := w.publications(n)
	if err != nil {
		bad("%v", err)
	}
	found := map[string]bool{}
	for _, name := range names {
		b, err := os.ReadFile(name)
		if err != nil {
			bad("%v", err)
			continue
		}
		h := protocol.HashBytes(b)
		e, ok := byHash[h]
		if !ok {
			bad("%s: no results entry of the log has its SHA-256 %s", name, h)
			continue
		}
		found[h] = true
		if err := checkPublication(name, d, e); err != nil {
			bad("%v", err)
		}
	}
	for _, e := range w.resultsEntries(a) {
		if !found[e.Hash] {
			bad("log entry %d publishes %d result(s) with SHA-256 %s: no file of %s/ has it", e.Seq, e.Count, e.Hash, PublishDir)
		}
	}
}

// checkPublication checks one logged publication file against its entry
// and the round's disclosure.
func checkPublication(name string, d *schedule.Disclosure, e resultsEntry) error {
	p, err := readPublication(name)
	if err != nil {
		return err
	}
	switch {
	case p.Period != d.Period || p.Round != d.Round.Number:
		return fmt.Errorf("%s: period %q round %d, but it is logged for period %q round %d", name, p.Period, p.Round, d.Period, d.Round.Number)
	case p.Date != protocol.FormatDate(e.Time):
		return fmt.Errorf("%s: dated %s, but log entry %d published it at %s", name, p.Date, e.Seq, protocol.FormatTime(e.Time))
	case int64(len(p.Results)) != e.Count:
		return fmt.Errorf("%s: %d result(s), but log entry %d counts %d", name, len(p.Results), e.Seq, e.Count)
	}
	res, err := publishedResults(p)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	if err := schedule.VerifyResults(d, res, e.Time); err != nil {
		return fmt.Errorf("%s (log entry %d): %w", name, e.Seq, err)
	}
	return nil
}

// publicationName is the file of a publication made at now.
func publicationName(n int, now time.Time) string {
	return filepath.Join(PublishDir, fmt.Sprintf("%02d-%s.json", n, now.UTC().Format("20060102T150405")))
}

// checkToPublish refuses to publish results that would not verify (a
// hand-edited results file): the same check as Verify's.
func checkToPublish(d *schedule.Disclosure, p *Publication, now time.Time) error {
	res, err := publishedResults(p)
	if err == nil {
		err = schedule.VerifyResults(d, res, now)
	}
	if err != nil {
		return fmt.Errorf("round %d: %s is not published: %w: %w", p.Round, ResultsName, err, ErrResult)
	}
	return nil
}
