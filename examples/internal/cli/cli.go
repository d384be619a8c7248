package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"time"

	"github.com/firedraw/firedraw/risk"
	"github.com/firedraw/firedraw/risk/recordio"
	"github.com/firedraw/firedraw/risk/synthcity"
)

// ErrUsage marks an error that has been reported with the usage text.
var ErrUsage = errors.New("usage")

// ExitCode reports err on stderr, prefixed by the program's name, and
// returns the process exit status: 0 on success or -h, 2 on a usage
// error, 1 otherwise.
func ExitCode(program string, err error, stderr io.Writer) int {
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, ErrUsage):
		return 2
	}
	fmt.Fprintf(stderr, "%s: %v\n", program, err)
	return 1
}

// NewFlagSet returns a flag set that reports its errors on stderr and
// whose usage is the text followed by the flags' defaults.
func NewFlagSet(program, usage string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(program, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), usage)
		fs.PrintDefaults()
	}
	return fs
}

// Parse parses args, which must be flags only. It returns flag.ErrHelp for
// -h and an error wrapping ErrUsage, after printing the usage, for a bad
// flag or an argument.
func Parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return fmt.Errorf("%w: %v", ErrUsage, err)
	}
	if fs.NArg() > 0 {
		return UsageError(fs, fmt.Sprintf("unexpected argument %q", fs.Arg(0)))
	}
	return nil
}

// UsageError prints msg and the usage, and returns an error wrapping
// ErrUsage.
func UsageError(fs *flag.FlagSet, msg string) error {
	fmt.Fprintln(fs.Output(), msg)
	fs.Usage()
	return fmt.Errorf("%w: %s", ErrUsage, msg)
}

// recordFlag is a record-file flag and the field of recordio.Files it sets.
type recordFlag struct {
	name, usage string
	field       func(*recordio.Files) *string
}

// recordFlags are the record-file flags, in the order of the usage text:
// the units first, the inspectors last.
var recordFlags = []recordFlag{
	{"units", "units `FILE` (the directory); without it the default city is used", func(f *recordio.Files) *string { return &f.Units }},
	{"telemetry", "telemetry events `FILE`", func(f *recordio.Files) *string { return &f.Telemetry }},
	{"incidents", "incidents `FILE`", func(f *recordio.Files) *string { return &f.Incidents }},
	{"inspections", "inspections and violations `FILE`", func(f *recordio.Files) *string { return &f.Inspections }},
	{"credit", "credit records `FILE`", func(f *recordio.Files) *string { return &f.Credit }},
	{"inspectors", "inspector pool `FILE`", func(f *recordio.Files) *string { return &f.Inspectors }},
}

// RecordFlags defines the record-file flags -units, -telemetry,
// -incidents, -inspections, -credit and, if inspectors is set,
// -inspectors, filling f.
func RecordFlags(fs *flag.FlagSet, f *recordio.Files, inspectors bool) {
	for _, r := range recordFlags {
		if r.name != "inspectors" || inspectors {
			fs.StringVar(r.field(f), r.name, "", r.usage)
		}
	}
}

// CheckFiles returns an error when record files are named without -units,
// the directory the others refer to.
func CheckFiles(f recordio.Files) error {
	if f != (recordio.Files{}) && f.Units == "" {
		return errors.New("record files need -units, the directory they refer to")
	}
	return nil
}

// FileArgs returns the record-file flags naming f, each preceded by a
// space, for a command line to suggest.
func FileArgs(f recordio.Files) string {
	var b strings.Builder
	for _, r := range recordFlags {
		if name := *r.field(&f); name != "" {
			fmt.Fprintf(&b, " -%s %s", r.name, name)
		}
	}
	return b.String()
}

// LoadRecords loads the named record files as recordio.LoadRecords does
// (strict; units first, every other file checked against them), one file
// at a time so that progress, if not nil, can report each: it is called
// with the number of units loaded (0 before the units) and a message after
// the units and before each other file.
func LoadRecords(f recordio.Files, progress func(units int, msg string)) (*risk.Records, error) {
	if progress == nil {
		progress = func(int, string) {}
	}
	recs, _, err := recordio.LoadRecords(OSFS{}, recordio.Files{Units: f.Units}, recordio.LoadOptions{})
	if err != nil {
		return nil, err
	}
	var opt recordio.LoadOptions
	if f.Units != "" {
		if opt.Units, err = risk.NewDirectory(recs.Units); err != nil {
			return nil, err
		}
		progress(len(recs.Units), fmt.Sprintf("loaded %d units from %s", len(recs.Units), f.Units))
	}
	// After the units, recordio.LoadRecords's order: the inspectors first.
	last := len(recordFlags) - 1
	for _, r := range append([]recordFlag{recordFlags[last]}, recordFlags[1:last]...) {
		name := *r.field(&f)
		if name == "" {
			continue
		}
		progress(len(recs.Units), fmt.Sprintf("loading %s …", name))
		var one recordio.Files
		*r.field(&one) = name
		got, _, err := recordio.LoadRecords(OSFS{}, one, opt)
		if err != nil {
			return nil, err
		}
		recs.Telemetry = append(recs.Telemetry, got.Telemetry...)
		recs.Incidents = append(recs.Incidents, got.Incidents...)
		recs.Inspections = append(recs.Inspections, got.Inspections...)
		recs.Credit = append(recs.Credit, got.Credit...)
		recs.Inspectors = append(recs.Inspectors, got.Inspectors...)
	}
	return recs, nil
}

// Records returns the records the flags name and the as-of date of their
// features: without record files the embedded default city (and its
// as-of date), else the files (and today); asOf, if not empty, is the
// -asof flag's date and overrides either.
func Records(f recordio.Files, asOf string, progress func(units int, msg string)) (*risk.Records, time.Time, error) {
	var (
		recs *risk.Records
		at   time.Time
	)
	if f == (recordio.Files{}) {
		c := synthcity.Default()
		recs, at = &c.Records, c.AsOf
	} else {
		var err error
		if recs, err = LoadRecords(f, progress); err != nil {
			return nil, time.Time{}, err
		}
		at = Today()
	}
	if asOf != "" {
		var err error
		if at, err = time.Parse(time.DateOnly, asOf); err != nil {
			return nil, time.Time{}, fmt.Errorf("-asof: %q is not a date YYYY-MM-DD", asOf)
		}
	}
	return recs, at, nil
}

// Today is the current UTC date at midnight.
func Today() time.Time {
	now := time.Now().UTC()
	return time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
}

// OSFS opens file names as given on the command line, so that the
// loaders' errors name each file as the user typed it. (os.DirFS would
// need one root and unrooted names.)
type OSFS struct{}

// Open opens the named file.
func (OSFS) Open(name string) (fs.File, error) { return os.Open(name) }

// LoadModel reads a model written as JSON (examples/tune -fit writes one),
// or returns the default expert model when name is empty.
func LoadModel(name string) (*risk.Model, error) {
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
