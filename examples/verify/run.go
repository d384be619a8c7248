package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/firedraw/firedraw/examples/internal/cli"
	"github.com/firedraw/firedraw/risk/alert"
	"github.com/firedraw/firedraw/risk/recordio"
	"github.com/firedraw/firedraw/schedule"
	"github.com/firedraw/firedraw/schedule/protocol"
	"github.com/firedraw/firedraw/schedule/tlog"
)

// errMismatch reports a draw or proof that does not verify; the
// differences have been printed already.
var errMismatch = errors.New("does not verify")

// exitCode reports err on stderr and returns the process exit status.
func exitCode(err error, stderr io.Writer) int { return cli.ExitCode("verify", err, stderr) }

type options struct {
	files      recordio.Files
	dir        string
	log        string
	manifest   string
	disclosure string
	targeted   string
	public     bool
	unit       string
	proof      string
	model      string
}

const usageText = `usage: verify [-dir DIR] [-public] [record flags]
       verify [-dir DIR] -unit ID -proof FILE

Checks a published draw against its manifest and the public log, never
against itself. The published files are DIR/log.jsonl, DIR/manifest.json,
DIR/disclosure.json and DIR/targeted.json (or -log, -manifest,
-disclosure, -targeted).

Public tier (the published files only): the log's hash chain and
canonical entries; the manifest's canonical form and rules (frequency
floor, deadlines, parties, late source); the protocol's order and dates
(manifest, commitments before the deadline and the round, reveals
matching them, the beacon's signature checked offline or the dice after
the reveal deadline, one draw per round); the seed derived from the log;
the disclosure being the one the log's draw entry hashed; every drawn
unit's PRN, date, team shape and task ID and, in open mode, the whole
selection re-drawn from the published π; the targeted tasks (outside the
random draw): the log's targeted entry after the draw, their targets
against the list the manifest committed before the seed, each trigger
against the manifest's rules, severity and dates, a unit drawn at random
visited once, dates in the round's first days, team shapes.

Auditor tier (unless -public): rebuilds the records' snapshot, the
levels, frequencies and π under the manifest's policy and model, and
re-runs the whole draw, teams and dates included; re-derives the alerts
and targets from the records and re-staffs the targeted tasks. Without
record files it
uses the embedded default city; give the same record files and -model as
the draw (the as-of time is the manifest's).

The second form checks one unit's sealed-mode proof (a line of the draw's
proofs.jsonl) against the Merkle root and unit count of the published
disclosure, after the public tier has tied that disclosure to the log.

The exit status is 0 only when everything matches.

flags:
`

func parseFlags(args []string, stderr io.Writer) (*options, error) {
	o := &options{}
	fs := cli.NewFlagSet("verify", usageText, stderr)
	fs.StringVar(&o.dir, "dir", "out", "the `DIR` holding the published files (log.jsonl, manifest.json, disclosure.json)")
	fs.StringVar(&o.log, "log", "", "the public log `FILE` (default DIR/log.jsonl)")
	fs.StringVar(&o.manifest, "manifest", "", "the manifest `FILE` (default DIR/manifest.json)")
	fs.StringVar(&o.disclosure, "disclosure", "", "the disclosure `FILE` (default DIR/disclosure.json)")
	fs.StringVar(&o.targeted, "targeted", "", "the targeted disclosure `FILE` (default DIR/targeted.json)")
	fs.BoolVar(&o.public, "public", false, "the public tier only: no record files")
	cli.RecordFlags(fs, &o.files, true)
	fs.StringVar(&o.model, "model", "", "the model `FILE` the draw scored with (draw -model); default: the default expert model")
	fs.StringVar(&o.unit, "unit", "", "check the sealed-mode proof of this unit `ID`")
	fs.StringVar(&o.proof, "proof", "", "proof `FILE`: the draw's proofs.jsonl or one line of it")
	if err := cli.Parse(fs, args); err != nil {
		return nil, err
	}
	if (o.unit == "") != (o.proof == "") {
		return nil, errors.New("-unit and -proof go together")
	}
	for _, f := range []struct {
		path *string
		name string
	}{{&o.log, "log.jsonl"}, {&o.manifest, "manifest.json"}, {&o.disclosure, "disclosure.json"}, {&o.targeted, "targeted.json"}} {
		if *f.path == "" {
			*f.path = filepath.Join(o.dir, f.name)
		}
	}
	return o, cli.CheckFiles(o.files)
}

func run(args []string, stdout, stderr io.Writer) error {
	o, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	pub, err := o.readPublished(stdout)
	if err != nil {
		return err
	}
	r, err := schedule.VerifyPublic(*pub)
	if err != nil {
		return mismatch(stdout, o.disclosure, "public tier", err)
	}
	d := r.Disclosure
	fmt.Fprintf(stdout, "disclosure %s: round %d of %s (%s..%s), %d tasks, %d units, %s mode: every PRN%s: verified (public tier)\n",
		o.disclosure, d.Round.Number, d.Period, d.Round.First, d.Round.Last, len(d.Tasks), d.UnitCount,
		map[bool]string{false: "open", true: "sealed"}[d.Sealed], map[bool]string{false: " and the whole selection", true: ""}[d.Sealed])
	for _, n := range r.Notes {
		fmt.Fprintf(stdout, "WARNING: %s\n", n)
	}
	if o.unit != "" {
		return checkProof(o, d, stdout)
	}
	tb, err := o.checkTargeted(pub, d, stdout)
	if err != nil {
		return err
	}
	if o.public {
		return nil
	}
	return o.audit(pub, d, tb, stdout, stderr)
}

// checkTargeted runs the public tier on the targeted tasks and returns
// their bytes (nil if the log holds no targeted entry and the manifest
// committed no target).
func (o *options) checkTargeted(pub *schedule.Published, d *schedule.Disclosure, stdout io.Writer) ([]byte, error) {
	m := pub.Manifest
	if pub.Attempt.Targeted == nil {
		if m.Targeted.Targets.Count > 0 {
			fmt.Fprintf(stdout, "NOT verified: the manifest committed %d targets, but the log holds no targeted entry\n", m.Targeted.Targets.Count)
			return nil, fmt.Errorf("%s %w", o.log, errMismatch)
		}
		fmt.Fprintf(stdout, "targeted   no targeted entry in the log, and the manifest committed no target\n")
		return nil, nil
	}
	tb, err := readBounded(o.targeted, schedule.MaxTargetedBytes)
	if err != nil {
		return nil, err
	}
	td, err := schedule.VerifyTargetedPublic(*pub, d, tb)
	if err != nil {
		return nil, mismatch(stdout, o.targeted, "public tier", err)
	}
	merged := 0
	for _, t := range td.Tasks {
		if t.RandomTask != "" {
			merged++
		}
	}
	fmt.Fprintf(stdout, "targeted   %s: %d inspections outside the random draw (%d visited by their random task), log entry %d; targets as committed before the seed (rules %s, %s or worse, raised since %s), dates in the first %d working days: verified (public tier)\n",
		o.targeted, len(td.Tasks), merged, pub.Attempt.TargetedSeq, strings.Join(m.Targeted.Rules, ","), m.Targeted.MinSeverity, m.Targeted.Since, m.Targeted.WithinDays)
	return tb, nil
}

// readPublished reads and checks the log and the manifest, replays the
// protocol, and returns what the public holds about the draw.
func (o *options) readPublished(stdout io.Writer) (*schedule.Published, error) {
	f, err := os.Open(o.log)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	l, err := tlog.Read(bufio.NewReader(f), tlog.Limits{})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", o.log, err)
	}
	head := l.Head()
	fmt.Fprintf(stdout, "log        %s: %d entries, hash chain and canonical bytes verified; head %d %s\n", o.log, l.Len(), head.Size, head.Root)
	mb, err := readBounded(o.manifest, protocol.MaxManifestBytes)
	if err != nil {
		return nil, err
	}
	m, err := protocol.ParseManifest(mb)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", o.manifest, err)
	}
	h, _ := m.Hash()
	fmt.Fprintf(stdout, "manifest   %s: sha256 %s, canonical; rules and frequency floor verified\n", o.manifest, h)
	src, _ := protocol.Manifests(m)
	st, err := protocol.ReplayLog(l, src, protocol.Drand)
	if err != nil {
		fmt.Fprintf(stdout, "NOT verified: %v\n", err)
		return nil, fmt.Errorf("%s %w", o.log, errMismatch)
	}
	a, _ := st.Attempt(h)
	printAttempts(stdout, st, m, a)
	db, err := readBounded(o.disclosure, schedule.MaxDisclosureBytes)
	if err != nil {
		return nil, err
	}
	return &schedule.Published{Manifest: m, Attempt: a, Disclosure: db}, nil
}

// printAttempts says what the log holds about the round: every attempt
// (an abandoned one stays visible), the parties, the late source.
func printAttempts(w io.Writer, st *protocol.State, m *protocol.Manifest, a *protocol.Attempt) {
	for _, x := range st.Attempts(m.Period.ID, m.Round.Number) {
		if x.Abandoned {
			fmt.Fprintf(w, "protocol   an earlier attempt at this round (manifest %s, entry %d) was abandoned at entry %d: %s\n",
				x.Hash, x.Seq, x.AbandonSeq, x.Reason)
		}
	}
	if a == nil {
		return
	}
	late := "no late source (single operator)"
	switch {
	case a.Beacon != "":
		late = fmt.Sprintf("drand quicknet round %d, BLS signature verified offline", m.Randomness.Beacon.Round)
	case a.Dice != "":
		late = "dice " + a.Dice + " (trusted as rolled in public)"
	}
	fmt.Fprintf(w, "protocol   order and dates verified: manifest (entry %d), %d commitment(s), %d reveal(s), %s; draw at entry %d\n",
		a.Seq, len(a.Commitments), len(a.Reveals), late, a.DrawSeq)
	// Each party checks that the log holds its own commitment and secret.
	for _, p := range m.Randomness.Parties {
		state := "revealed, matches"
		if _, ok := a.Reveals[p]; !ok {
			state = "did not reveal: defaulted"
		}
		c := a.Commitments[p]
		if c == "" {
			c = "none"
		}
		fmt.Fprintf(w, "party      %-17s commitment %s, %s\n", p, c, state)
	}
}

// readBounded reads a file of at most max bytes, refusing a larger one
// before reading it.
func readBounded(path string, max int64) ([]byte, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if fi.Size() > max {
		return nil, fmt.Errorf("%s: %d bytes, above the limit of %d", path, fi.Size(), max)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > max {
		return nil, fmt.Errorf("%s: above the limit of %d bytes", path, max)
	}
	return b, nil
}

// audit is the auditor tier: the records rebuilt under the manifest, the
// draw re-run.
func (o *options) audit(pub *schedule.Published, d *schedule.Disclosure, targeted []byte, stdout, stderr io.Writer) error {
	model, err := cli.LoadModel(o.model)
	if err != nil {
		return err
	}
	recs, _, err := cli.Records(o.files, "", nil)
	if err != nil {
		return err
	}
	// The record files may have grown since the draw: records dated after
	// the manifest's as-of time are left out (and reported), as the draw
	// never saw them; a record dated after today is still an error.
	if recs, err = cli.Check("verify", o.files, recs, pub.Manifest.AsOfTime(), true, stderr); err != nil {
		return err
	}
	a, pool, err := schedule.AuditFrame(pub.Manifest, recs, schedule.AssessConfig{Model: model})
	if err != nil {
		fmt.Fprintf(stdout, "NOT verified (auditor tier): %v\n", err)
		fmt.Fprintf(stdout, "note: were the same record files and -model given as to the draw?\n")
		return fmt.Errorf("%s %w", o.disclosure, errMismatch)
	}
	if _, err := schedule.Verify(*pub, a.Frame, pool); err != nil {
		return mismatch(stdout, o.disclosure, "auditor tier", err)
	}
	fmt.Fprintf(stdout, "records    snapshot, levels, frequencies and π re-derived under the manifest's policy; draw re-run, teams and dates included: verified (auditor tier)\n")
	if targeted == nil {
		return nil
	}
	targets, err := schedule.AuditTargets(pub.Manifest, recs, a, alert.Config{}, nil)
	if err != nil {
		fmt.Fprintf(stdout, "NOT verified (auditor tier): %v\n", err)
		return fmt.Errorf("%s %w", o.targeted, errMismatch)
	}
	if _, err := schedule.VerifyTargeted(*pub, d, targeted, a.Frame, pool, targets); err != nil {
		return mismatch(stdout, o.targeted, "auditor tier", err)
	}
	fmt.Fprintf(stdout, "targeted   alerts and %d targets re-derived from the records; targeted teams and dates re-run: verified (auditor tier)\n", len(targets))
	return nil
}

// mismatch prints a verification's differences and returns errMismatch.
func mismatch(stdout io.Writer, file, tier string, err error) error {
	var diffs []string
	var more int
	var ve *schedule.VerifyError
	var te *schedule.TargetedVerifyError
	switch {
	case errors.As(err, &ve):
		diffs, more = ve.Diffs, ve.More
	case errors.As(err, &te):
		diffs, more = te.Diffs, te.More
	default:
		return err
	}
	fmt.Fprintf(stdout, "NOT verified (%s): %d difference(s)\n", tier, len(diffs)+more)
	for _, d := range diffs {
		fmt.Fprintf(stdout, "  %s\n", d)
	}
	if more > 0 {
		fmt.Fprintf(stdout, "  … and %d more\n", more)
	}
	return fmt.Errorf("%s %w", file, errMismatch)
}

// checkProof finds the unit's line in the proof file and checks it against
// the disclosure's Merkle root and unit count.
func checkProof(o *options, d *schedule.Disclosure, stdout io.Writer) error {
	f, err := os.Open(o.proof)
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64<<10), schedule.MaxUnitProofBytes)
	var p *schedule.UnitProof
	for line := 1; sc.Scan(); line++ {
		q, err := schedule.ParseUnitProof(append(sc.Bytes(), '\n'))
		if err != nil {
			return fmt.Errorf("%s:%d: %w", o.proof, line, err)
		}
		if q.Unit == o.unit {
			p = q
			break
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("%s: %w", o.proof, err)
	}
	if p == nil {
		return fmt.Errorf("%s: no proof for unit %q", o.proof, o.unit)
	}
	if err := d.VerifyUnitProof(p); err != nil {
		fmt.Fprintf(stdout, "NOT verified: unit %s: %v\n", o.unit, err)
		return fmt.Errorf("proof of unit %q %w", o.unit, errMismatch)
	}
	sel := "not drawn"
	if p.Leaf.Selected {
		sel = "drawn"
	}
	fmt.Fprintf(stdout, "verified: unit %s — level %s, π %g, PRN %g, %s — is leaf %d of the %d under the Merkle root %s of %s\n",
		o.unit, p.Leaf.LevelStr, p.Leaf.Pi, p.Leaf.PRN, sel, p.Proof.Index, d.UnitCount, d.MerkleRoot, o.disclosure)
	return nil
}
