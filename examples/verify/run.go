package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"time"

	"github.com/firedraw/firedraw/risk"
	"github.com/firedraw/firedraw/risk/synthcity"
	"github.com/firedraw/firedraw/schedule"
)

var (
	errUsage = errors.New("usage")
	// errMismatch reports a draw or proof that does not verify; the
	// differences have been printed already.
	errMismatch = errors.New("does not verify")
)

// exitCode reports err on stderr and returns the process exit status: 0 on
// success or -h, 2 on a usage error, 1 otherwise.
func exitCode(err error, stderr io.Writer) int {
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		return 2
	}
	fmt.Fprintf(stderr, "verify: %v\n", err)
	return 1
}

type options struct {
	files      risk.Files
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
	fs := flag.NewFlagSet("verify", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), usageText)
		fs.PrintDefaults()
	}
	fs.StringVar(&o.disclosure, "disclosure", "", "the published disclosure `FILE` (disclosure.json)")
	fs.StringVar(&o.files.Units, "units", "", "units `FILE`; without it the default city is used")
	fs.StringVar(&o.files.Telemetry, "telemetry", "", "telemetry events `FILE`")
	fs.StringVar(&o.files.Incidents, "incidents", "", "incidents `FILE`")
	fs.StringVar(&o.files.Inspections, "inspections", "", "inspections and violations `FILE`")
	fs.StringVar(&o.files.Credit, "credit", "", "credit records `FILE`")
	fs.StringVar(&o.files.Inspectors, "inspectors", "", "inspector pool `FILE`")
	fs.StringVar(&o.asOf, "asof", "", "the draw's feature `DATE` (YYYY-MM-DD); default as in draw")
	fs.StringVar(&o.model, "model", "", "the model `FILE` the draw scored with (draw -model); default: the default expert model")
	fs.StringVar(&o.unit, "unit", "", "check the sealed-mode proof of this unit `ID`")
	fs.StringVar(&o.proof, "proof", "", "proof `FILE`: the draw's proofs.jsonl or one line of it")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, err
		}
		return nil, fmt.Errorf("%w: %v", errUsage, err)
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "unexpected argument %q\n", fs.Arg(0))
		fs.Usage()
		return nil, fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(0))
	}
	switch {
	case (o.unit == "") != (o.proof == ""):
		return nil, errors.New("-unit and -proof go together")
	case o.unit == "" && o.disclosure == "":
		fmt.Fprintln(stderr, "-disclosure is required")
		fs.Usage()
		return nil, fmt.Errorf("%w: -disclosure is required", errUsage)
	case o.files != (risk.Files{}) && o.files.Units == "":
		return nil, errors.New("record files need -units, the directory they refer to")
	}
	return o, nil
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
	model, err := loadModel(o.model)
	if err != nil {
		return err
	}
	recs, asOf, err := loadRecords(o)
	if err != nil {
		return err
	}
	frame, err := buildFrame(recs, asOf, model, disc)
	if err != nil {
		return err
	}
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

// loadRecords returns the records named by the flags, or the default city,
// and the as-of date: -asof, else the city's, else today (as draw does).
func loadRecords(o *options) (*risk.Records, time.Time, error) {
	var (
		recs *risk.Records
		asOf time.Time
	)
	if o.files.Units == "" {
		c := synthcity.Default()
		recs, asOf = &c.Records, c.AsOf
	} else {
		var err error
		if recs, _, err = risk.LoadRecords(osFS{}, o.files, risk.LoadOptions{}); err != nil {
			return nil, time.Time{}, err
		}
		now := time.Now().UTC()
		asOf = time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	}
	if o.asOf != "" {
		var err error
		if asOf, err = time.Parse(time.DateOnly, o.asOf); err != nil {
			return nil, time.Time{}, fmt.Errorf("-asof: %q is not a date YYYY-MM-DD", o.asOf)
		}
	}
	return recs, asOf, nil
}

// buildFrame rebuilds the directory of the draw: the same steps as
// examples/draw (features as of asOf, the model, default level
// shares with overrides, the disclosure's policy).
func buildFrame(recs *risk.Records, asOf time.Time, model *risk.Model, disc *schedule.Disclosure) (*schedule.Frame, error) {
	table, err := risk.Extract(recs, asOf, risk.FeatureConfig{})
	if err != nil {
		return nil, err
	}
	scores, err := model.Score(table)
	if err != nil {
		return nil, err
	}
	as, err := risk.AssignLevels(recs.Units, table, scores.Prob, risk.LevelConfig{})
	if err != nil {
		return nil, err
	}
	levels := make([]risk.Level, len(as))
	for k := range as {
		levels[k] = as[k].Level
	}
	annual, err := disc.Policy.Annual(recs.Units, levels, scores.Prob)
	if err != nil {
		return nil, err
	}
	return schedule.NewFrame(recs.Units, levels, annual, recs.Inspections)
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

// osFS opens file names as given on the command line, so that the
// loaders' errors name each file as the user typed it.
type osFS struct{}

func (osFS) Open(name string) (fs.File, error) { return os.Open(name) }

// loadModel reads a model written as JSON (examples/tune -fit writes one),
// or returns the default expert model when name is empty.
func loadModel(name string) (*risk.Model, error) {
	if name == "" {
		return risk.DefaultModel(), nil
	}
	b, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	var m risk.Model
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if err := m.Validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return &m, nil
}
