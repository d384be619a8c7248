package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/firedraw/firedraw/examples/internal/cli"
	"github.com/firedraw/firedraw/risk"
	"github.com/firedraw/firedraw/risk/recordio"
	"github.com/firedraw/firedraw/schedule"
)

// errMismatch reports a draw or proof that does not verify; the
// differences have been printed already.
var errMismatch = errors.New("does not verify")

// exitCode reports err on stderr and returns the process exit status.
func exitCode(err error, stderr io.Writer) int { return cli.ExitCode("verify", err, stderr) }

type options struct {
	files      recordio.Files
	asOf       string
	disclosure string
	unit       string
	proof      string
	model      string
}

const usageText = `usage: verify -disclosure FILE [record flags]
       verify [-disclosure FILE] -unit ID -proof FILE

The first form re-runs the draw the disclosure describes on the directory
rebuilt from the records (scores, levels and annual frequencies under the
disclosure's policy, as examples/draw computes them) and prints "verified" or
every difference. Without record files it uses the embedded default city.
Give the same records and -asof as the draw.

The second form checks one unit's sealed-mode proof (a line of the draw's
proofs.jsonl) against the Merkle root of the disclosure, or against the root
in the proof file when no disclosure is given.

The exit status is 0 only when everything matches.

flags:
`

func parseFlags(args []string, stderr io.Writer) (*options, error) {
	o := &options{}
	fs := cli.NewFlagSet("verify", usageText, stderr)
	fs.StringVar(&o.disclosure, "disclosure", "", "the published disclosure `FILE` (disclosure.json)")
	cli.RecordFlags(fs, &o.files, true)
	fs.StringVar(&o.asOf, "asof", "", "the draw's feature `DATE` (YYYY-MM-DD); default as in draw")
	fs.StringVar(&o.model, "model", "", "the model `FILE` the draw scored with (draw -model); default: the default expert model")
	fs.StringVar(&o.unit, "unit", "", "check the sealed-mode proof of this unit `ID`")
	fs.StringVar(&o.proof, "proof", "", "proof `FILE`: the draw's proofs.jsonl or one line of it")
	if err := cli.Parse(fs, args); err != nil {
		return nil, err
	}
	switch {
	case (o.unit == "") != (o.proof == ""):
		return nil, errors.New("-unit and -proof go together")
	case o.unit == "" && o.disclosure == "":
		return nil, cli.UsageError(fs, "-disclosure is required")
	}
	return o, cli.CheckFiles(o.files)
}

func run(args []string, stdout, stderr io.Writer) error {
	o, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	var disc *schedule.Disclosure
	if o.disclosure != "" {
		b, err := os.ReadFile(o.disclosure)
		if err != nil {
			return err
		}
		if disc, err = schedule.ParseDisclosure(b); err != nil {
			return fmt.Errorf("%s: %w", o.disclosure, err)
		}
	}
	if o.unit != "" {
		return checkProof(o, disc, stdout)
	}
	model, err := cli.LoadModel(o.model)
	if err != nil {
		return err
	}
	recs, asOf, err := cli.Records(o.files, o.asOf, nil)
	if err != nil {
		return err
	}
	// The directory of the draw, as examples/draw builds it, under the
	// policy the disclosure records.
	assessed, err := schedule.Assess(recs, asOf, schedule.AssessConfig{Model: model, Policy: disc.Policy})
	if err != nil {
		return err
	}
	frame := assessed.Frame
	pool, err := schedule.NewPool(recs.Inspectors)
	if err != nil {
		return fmt.Errorf("inspectors: %w", err)
	}
	diffs, err := schedule.Verify(disc, frame, pool)
	if err != nil && !errors.Is(err, schedule.ErrVerify) {
		return err
	}
	if len(diffs) == 0 && err == nil {
		fmt.Fprintf(stdout, "verified: round %d (%s..%s), %d tasks, %d units, commitment %s\n",
			disc.Round.Index, disc.Round.First, disc.Round.Last, len(disc.Tasks), frame.Len(), disc.Commitment.Hash)
		return nil
	}
	fmt.Fprintf(stdout, "NOT verified: %d difference(s)\n", len(diffs))
	for _, d := range diffs {
		fmt.Fprintf(stdout, "  %s\n", d)
	}
	if frame.Hash() != disc.Directory.SHA256 {
		fmt.Fprintf(stdout, "note: the rebuilt directory differs from the draw's: were the same record files, -asof and -model given as to the draw? (this run used -asof %s)\n", asOf.Format(time.DateOnly))
	}
	var ve *schedule.VerifyError
	if errors.As(err, &ve) && ve.More > 0 {
		fmt.Fprintf(stdout, "  … and %d more\n", ve.More)
	}
	return fmt.Errorf("%s %w", o.disclosure, errMismatch)
}

// proofLine is one line of the draw's proofs.jsonl.
type proofLine struct {
	Unit  string         `json:"unit"`
	Root  string         `json:"merkle_root"`
	Leaf  schedule.Leaf  `json:"leaf"`
	Proof schedule.Proof `json:"proof"`
}

// checkProof finds the unit's line in the proof file and checks it against
// the disclosure's Merkle root (or the file's, without a disclosure).
func checkProof(o *options, disc *schedule.Disclosure, stdout io.Writer) error {
	f, err := os.Open(o.proof)
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64<<10), 16<<20)
	var p *proofLine
	for line := 1; sc.Scan(); line++ {
		var l proofLine
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			return fmt.Errorf("%s:%d: %w", o.proof, line, err)
		}
		if l.Unit == o.unit {
			p = &l
			break
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("%s: %w", o.proof, err)
	}
	if p == nil {
		return fmt.Errorf("%s: no proof for unit %q", o.proof, o.unit)
	}
	if p.Leaf.ID != o.unit {
		return fmt.Errorf("%s: the proof of unit %q holds the leaf of unit %q %w", o.proof, o.unit, p.Leaf.ID, errMismatch)
	}
	// The leaf's level travels as text in JSON; the hash uses the level.
	if p.Leaf.Level, err = risk.ParseLevel(p.Leaf.LevelStr); err != nil {
		return fmt.Errorf("%s: unit %q: %w", o.proof, o.unit, err)
	}
	root, against := p.Root, "the root in "+o.proof+" (compare it with the published disclosure)"
	if disc != nil {
		root, against = disc.MerkleRoot, "the Merkle root of "+o.disclosure
	}
	if err := schedule.VerifyProof(root, p.Leaf, p.Proof); err != nil {
		fmt.Fprintf(stdout, "NOT verified: unit %s: %v\n", o.unit, err)
		return fmt.Errorf("proof of unit %q %w", o.unit, errMismatch)
	}
	sel := "not drawn"
	if p.Leaf.Selected {
		sel = "drawn"
	}
	fmt.Fprintf(stdout, "verified: unit %s — level %s, π %g, PRN %g, %s — is under %s %s\n",
		o.unit, p.Leaf.LevelStr, p.Leaf.Pi, p.Leaf.PRN, sel, against, root)
	return nil
}
