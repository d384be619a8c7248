// Command year carries a regulator through a period of "double random"
// draws kept in one workspace directory (package schedule/workspace):
//
//	year init      -ws DIR [-config FILE]      set up a period (default: the 2026 example)
//	year manifest  -ws DIR -round N [records]  snapshot the records as of the round's as-of; log the manifest
//	year contribute -ws DIR -round N -step commit|reveal|dice [-party NAME] [-secret HEX] [-digits D]
//	year draw      -ws DIR -round N            derive the seed, draw, write disclosure, tasks and reasons
//	year tasks     -ws DIR -round N [-lang zh|en] [-bom] [-out FILE]
//	year record    -ws DIR -round N -results FILE
//	year publish   -ws DIR                     publish recorded results; list overdue ones
//	year correct   -ws DIR -round N -task ID -field result|date|violations -value V -reason TEXT
//	year abandon   -ws DIR -round N -reason TEXT   give up a round's manifest before its draw
//	year status    -ws DIR
//	year verify    -ws DIR                     every round from its files
//
// Every command takes -now TIME (RFC 3339 or YYYY-MM-DD; default: the
// clock) so that a year can be rehearsed.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"
)

func main() {
	os.Exit(exitCode(run(os.Args[1:], os.Stdout, os.Stderr), os.Stderr))
}

func exitCode(err error, stderr io.Writer) int {
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		if err != errUsage { // say what is missing; bare errUsage follows a printed usage
			fmt.Fprintln(stderr, "year:", err)
		}
		return 2
	}
	fmt.Fprintln(stderr, "year:", err)
	return 1
}

var errUsage = errors.New("usage")

const usage = `usage: year COMMAND [flags]

commands, in the order of a round:
  init        set up a period from a configuration file
  manifest    snapshot the records as of the round's as-of time and log the manifest
  contribute  the parties' commitments (-step commit), reveals (-step reveal), the dice (-step dice)
              or the drand round (-step beacon -signature HEX, verified offline)
  draw        derive the seed from the log, draw, write the disclosure, tasks and reasons
  tasks       export a round's task list (CSV; -bom for Excel)
  record      record results of a round's tasks from an inspections file
  publish     publish recorded results; list overdue ones and the corrections
  correct     log a correction of a published result (-task, -field, -value, -reason)
  abandon     give up a round's manifest before its draw (-reason), so that it can be re-manifested
  status      where every round stands
  verify      verify every round of the workspace from its files
  estimate    the share of failed inspections (or major violations) per round and pooled

"year COMMAND -h" lists a command's flags.
`

func run(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "help" {
		fmt.Fprint(stderr, usage)
		if len(args) == 0 {
			return errUsage
		}
		return nil
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "year: unknown command %q\n%s", args[0], usage)
		return errUsage
	}
	fs := flag.NewFlagSet("year "+args[0], flag.ContinueOnError)
	fs.SetOutput(stderr)
	o := &opts{}
	fs.StringVar(&o.ws, "ws", "year", "the workspace `DIR`")
	fs.StringVar(&o.now, "now", "", "the `TIME` the step runs at (RFC 3339 or YYYY-MM-DD); default: the clock")
	cmd.flags(fs, o)
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(0))
	}
	now, err := parseNow(o.now)
	if err != nil {
		return err
	}
	o.at = now
	return cmd.run(o, stdout)
}

func parseNow(s string) (time.Time, error) {
	if s == "" {
		return time.Now().UTC().Truncate(time.Second), nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC().Truncate(time.Second), nil
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("-now %q: want RFC 3339 (2026-01-20T09:00:00Z) or YYYY-MM-DD", s)
}
