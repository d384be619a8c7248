package pubcheck

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/firedraw/firedraw/schedule"
	"github.com/firedraw/firedraw/schedule/protocol"
	"github.com/firedraw/firedraw/schedule/tlog"
)

// Files are the published files of a workspace, in memory.
type Files struct {
	Log    []byte // log.jsonl
	Rounds []RoundFiles
	// Manifests are the other manifest files the log names: attempts
	// abandoned (rounds/NN/abandoned/SEQ/manifest.json) or not drawn
	// yet. The log is replayed against them; they have no disclosure.
	Manifests [][]byte
}

// RoundFiles are one round's published files.
type RoundFiles struct {
	Name       string // where the files are published, e.g. "rounds/01"
	Manifest   []byte // manifest.json
	Disclosure []byte // disclosure.json
	Targeted   []byte // targeted.json (nil: none published)
}

// Report is what Check found.
type Report struct {
	Verified bool          `json:"verified"`
	Log      LogReport     `json:"log"`
	Rounds   []RoundReport `json:"rounds"`

	state      *protocol.State
	manifests  map[string]*protocol.Manifest // by round name
	disclosure map[string]*schedule.Disclosure
}

// LogReport describes the public log.
type LogReport struct {
	Size     uint64   `json:"size"`
	Root     string   `json:"root"`
	Problems []string `json:"problems"`
	// ProblemsZH are Problems in Chinese (Chinese), one for one.
	ProblemsZH []string `json:"problems_zh"`
}

// RoundReport describes one round.
type RoundReport struct {
	Name     string   `json:"name"`
	Period   string   `json:"period"`
	Round    int      `json:"round"`
	Manifest string   `json:"manifest"` // its SHA-256
	Sealed   bool     `json:"sealed"`
	Tasks    int      `json:"tasks"`
	Targeted int      `json:"targeted"` // targeted tasks, outside the random draw
	Units    int      `json:"units"`
	Seed     string   `json:"seed"` // derived from the log
	Verified bool     `json:"verified"`
	Problems []string `json:"problems"`
	Notes    []string `json:"notes"`
	// ProblemsZH and NotesZH are Problems and Notes in Chinese
	// (Chinese), one for one.
	ProblemsZH []string `json:"problems_zh"`
	NotesZH    []string `json:"notes_zh"`
}

// maxShown caps the differences listed per round; the rest are counted.
const maxShown = 50

// Check runs the public tier over f. It never fails: everything wrong is
// a problem in the report, in plain words.
func Check(f Files) *Report {
	r := &Report{manifests: map[string]*protocol.Manifest{}, disclosure: map[string]*schedule.Disclosure{}}
	l := r.readLog(f.Log)
	ms := r.readManifests(f.Rounds)
	for i, b := range f.Manifests {
		m, err := protocol.ParseManifest(b)
		if err != nil {
			r.Log.Problems = append(r.Log.Problems, fmt.Sprintf("manifest %d of the attempts not drawn: %v", i+1, err))
			continue
		}
		ms = append(ms, m)
	}
	if l != nil {
		r.replay(l, ms)
	}
	for i, rf := range f.Rounds {
		r.checkRound(&r.Rounds[i], rf)
	}
	r.Verified = len(r.Log.Problems) == 0 && len(r.Rounds) > 0
	for _, rr := range r.Rounds {
		r.Verified = r.Verified && rr.Verified
	}
	r.translate()
	return r
}

// translate fills the Chinese lists beside the English ones.
func (r *Report) translate() {
	zh := func(en []string) []string {
		out := make([]string, len(en))
		for i, s := range en {
			out[i] = Chinese(s)
		}
		return out
	}
	r.Log.ProblemsZH = zh(r.Log.Problems)
	for i := range r.Rounds {
		rr := &r.Rounds[i]
		rr.ProblemsZH, rr.NotesZH = zh(rr.Problems), zh(rr.Notes)
	}
}

// readLog reads the log strictly: canonical entries, sequence numbers,
// hash chain and times (tlog.Read names the line).
func (r *Report) readLog(b []byte) *tlog.Log {
	l, err := tlog.Read(bytes.NewReader(b), tlog.Limits{})
	if err != nil {
		r.Log.Problems = append(r.Log.Problems, fmt.Sprintf("public log: %v", err))
		return nil
	}
	h := l.Head()
	r.Log.Size, r.Log.Root = h.Size, h.Root
	return l
}

// readManifests parses each round's manifest (canonical bytes and rules).
func (r *Report) readManifests(rounds []RoundFiles) []*protocol.Manifest {
	r.Rounds = make([]RoundReport, len(rounds))
	var ms []*protocol.Manifest
	for i, rf := range rounds {
		rr := &r.Rounds[i]
		rr.Name = rf.Name
		m, err := protocol.ParseManifest(rf.Manifest)
		if err != nil {
			rr.Problems = append(rr.Problems, fmt.Sprintf("%s/manifest.json: %v", rf.Name, err))
			continue
		}
		rr.Manifest, _ = m.Hash()
		rr.Period, rr.Round = m.Period.ID, m.Round.Number
		r.manifests[rf.Name] = m
		ms = append(ms, m)
	}
	return ms
}

// replay replays the log's entries through the protocol's state machine:
// order, dates, commitments against reveals, the beacon's signature.
func (r *Report) replay(l *tlog.Log, ms []*protocol.Manifest) {
	src, err := protocol.Manifests(ms...)
	if err != nil {
		r.Log.Problems = append(r.Log.Problems, fmt.Sprintf("manifests: %v", err))
		return
	}
	st, err := protocol.ReplayLog(l, src, protocol.Drand)
	if err != nil {
		r.Log.Problems = append(r.Log.Problems, fmt.Sprintf("public log: %v", err))
		return
	}
	r.state = st
}

// checkRound runs schedule.VerifyPublic on one round.
func (r *Report) checkRound(rr *RoundReport, rf RoundFiles) {
	m := r.manifests[rf.Name]
	switch {
	case m == nil:
		return
	case r.state == nil:
		rr.Problems = append(rr.Problems, "not checked: the public log does not verify (see above)")
		return
	}
	a, ok := r.state.Attempt(rr.Manifest)
	if !ok {
		rr.Problems = append(rr.Problems, fmt.Sprintf("the public log holds no manifest entry for %s/manifest.json (sha256 %s)", rf.Name, rr.Manifest))
		return
	}
	if seed, err := a.Seed(); err == nil {
		rr.Seed = seed.String()
	}
	rep, err := schedule.VerifyPublic(schedule.Published{Manifest: m, Attempt: a, Disclosure: rf.Disclosure})
	if err != nil {
		rr.Problems = append(rr.Problems, differences(err)...)
		if a.Draw != nil && protocol.HashBytes(rf.Disclosure) != a.Draw.Disclosure {
			rr.Problems = append(rr.Problems, whatChanged(m, a, rf.Disclosure)...)
		}
		return
	}
	d := rep.Disclosure
	rr.Sealed, rr.Tasks, rr.Units = d.Sealed, len(d.Tasks), d.UnitCount
	r.disclosure[rf.Name] = d
	if !checkTargeted(rr, m, a, d, rf) {
		return
	}
	rr.Verified, rr.Notes = true, rep.Notes
}

// checkTargeted runs schedule.VerifyTargetedPublic on the round's
// targeted tasks; a manifest that committed targets needs a targeted
// entry in the log. It reports whether they verify.
func checkTargeted(rr *RoundReport, m *protocol.Manifest, a *protocol.Attempt, d *schedule.Disclosure, rf RoundFiles) bool {
	if a.Targeted == nil {
		if n := m.Targeted.Targets.Count; n > 0 {
			rr.Problems = append(rr.Problems, fmt.Sprintf("the manifest committed %d targeted inspections, but the log holds no targeted entry for them", n))
			return false
		}
		return true
	}
	pub := schedule.Published{Manifest: m, Attempt: a, Disclosure: rf.Disclosure}
	td, err := schedule.VerifyTargetedPublic(pub, d, rf.Targeted)
	if err != nil {
		rr.Problems = append(rr.Problems, differences(err)...)
		if protocol.HashBytes(rf.Targeted) != a.Targeted.Targeted {
			rr.Problems = append(rr.Problems, whatChangedTargeted(pub, a, d, rf.Targeted)...)
		}
		return false
	}
	rr.Targeted = len(td.Tasks)
	return true
}

// whatChangedTargeted re-runs the targeted checks as if the log had
// named these bytes, to name the tasks that differ.
func whatChangedTargeted(pub schedule.Published, a *protocol.Attempt, d *schedule.Disclosure, targeted []byte) []string {
	b := *a
	body := *a.Targeted
	body.Targeted = protocol.HashBytes(targeted)
	b.Targeted = &body
	pub.Attempt = &b
	_, err := schedule.VerifyTargetedPublic(pub, d, targeted)
	if err == nil {
		return []string{"the rest of the targeted disclosure is consistent with the manifest and the seed: the change is in bytes they do not determine"}
	}
	var out []string
	for _, x := range differences(err) {
		out = append(out, "in the changed targeted disclosure: "+x)
	}
	return out
}

// whatChanged re-runs the checks as if the log had named this disclosure,
// to name the tasks or units that differ from what the seed and the
// manifest give.
func whatChanged(m *protocol.Manifest, a *protocol.Attempt, disclosure []byte) []string {
	b := *a
	draw := *a.Draw
	draw.Disclosure = protocol.HashBytes(disclosure)
	b.Draw = &draw
	_, err := schedule.VerifyPublic(schedule.Published{Manifest: m, Attempt: &b, Disclosure: disclosure})
	if err == nil {
		return []string{"the rest of the disclosure is consistent with the seed: the change is in bytes the draw does not determine"}
	}
	var out []string
	for _, d := range differences(err) {
		out = append(out, "in the changed disclosure: "+d)
	}
	return out
}

// differences lists a verification error's differences, capped.
func differences(err error) []string {
	var out []string
	var more int
	var ve *schedule.VerifyError
	var te *schedule.TargetedVerifyError
	switch {
	case errors.As(err, &ve):
		out, more = ve.Diffs, ve.More
	case errors.As(err, &te):
		out, more = te.Diffs, te.More
	default:
		return []string{err.Error()}
	}
	if len(out) > maxShown {
		more += len(out) - maxShown
		out = out[:maxShown]
	}
	out = append([]string(nil), out...)
	if more > 0 {
		out = append(out, fmt.Sprintf("… and %d more difference(s)", more))
	}
	return out
}

// ErrProof reports a sealed unit's proof that does not verify.
var ErrProof = errors.New("pubcheck: proof does not verify")

// ProofResult is what a verified sealed-mode proof says about its unit.
type ProofResult struct {
	Unit     string  `json:"unit"`
	Selected bool    `json:"selected"`
	PRN      float64 `json:"prn"`
}

// CheckProof checks one line of a sealed draw's proofs.jsonl against the
// Merkle root and unit count of the round's disclosure, which Check must
// have tied to the log first.
func (r *Report) CheckProof(round string, line []byte) (*ProofResult, error) {
	d := r.disclosure[round]
	if d == nil {
		return nil, fmt.Errorf("round %s: its disclosure did not verify, so no proof can be checked against it: %w", round, ErrProof)
	}
	if len(line) == 0 || line[len(line)-1] != '\n' {
		line = append(line, '\n')
	}
	p, err := schedule.ParseUnitProof(line)
	if err != nil {
		return nil, fmt.Errorf("%v: %w", err, ErrProof)
	}
	if err := d.VerifyUnitProof(p); err != nil {
		return nil, fmt.Errorf("unit %s: %v: %w", p.Unit, err, ErrProof)
	}
	return &ProofResult{Unit: p.Unit, Selected: p.Leaf.Selected, PRN: p.Leaf.PRN}, nil
}
