package cli

import (
	"fmt"
	"io"
	"time"

	"github.com/firedraw/firedraw/risk"
	"github.com/firedraw/firedraw/risk/recordio"
)

// Check returns the records of f (as Records loaded them) that a draw as
// of asOf may read, through risk.Check with now as the latest
// possible date (the clock, to the second): errors name the file, line, field and value. A record
// dated after asOf is an error unless lenient, which leaves it out. Each
// finding of the report (records left out, credit histories, districts
// and categories no inspector covers) is printed on w as "program: …".
func Check(program string, f recordio.Files, recs *risk.Records, asOf time.Time, lenient bool, w io.Writer) (*risk.Records, error) {
	opt := risk.CheckOptions{Lenient: lenient, Now: time.Now().UTC().Truncate(time.Second)}
	if f != (recordio.Files{}) {
		opt.Locate = recordio.Locations(OSFS{}, f)
	}
	out, rep, err := risk.Check(recs, asOf, opt)
	if err != nil {
		return nil, err
	}
	for _, line := range rep.Lines() {
		fmt.Fprintf(w, "%s: %s\n", program, line)
	}
	return out, nil
}
