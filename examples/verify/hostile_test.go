package main

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestHostileVerifyGrownRecords: after the draw, an inspection dated
// after its as-of date is added to the records. Verify leaves it out and
// reports it (the frame is the draw's), and still refuses a record dated
// after today.
func TestHostileVerifyGrownRecords(t *testing.T) {
	fx := fixtureOf(t)
	i := slices.Index(fx.flags, "-inspections")
	require.GreaterOrEqual(t, i, 0)
	f, err := os.Open(fx.flags[i+1])
	require.NoError(t, err)
	defer f.Close()
	zr, err := gzip.NewReader(f)
	require.NoError(t, err)
	b, err := io.ReadAll(zr)
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(string(b), "inspection_id,unit_id,date,inspectors,result,reason,"))
	unit := strings.Split(string(b[bytes.IndexByte(b, '\n')+1:]), ",")[1]
	line := bytes.Count(b, []byte("\n")) + 1

	for _, tc := range []struct {
		name, date string
		code       int
		want       string
	}{
		// A visit in the month of the draw, as a growing file would hold:
		// left out, as the draw did not see it.
		{"after asOf", "2026-01-20", 0, `verify: left out 1 record(s) dated after the as-of date
  ` + "FILE" + `: column "date" of record "H1": value "2026-01-20": date after asOf 2026-01-01`},
		{"after today", "2030-01-20", 1, `verify: FILE: column "date" of record "H1": value "2030-01-20": date after asOf: after today`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			grown := append(slices.Clip(b), "H1,"+unit+","+tc.date+",,pass,random,,,,\n"...)
			name := filepath.Join(t.TempDir(), "inspections.csv")
			require.NoError(t, os.WriteFile(name, grown, 0o644))
			flags := slices.Clone(fx.flags)
			flags[i+1] = name
			flags = slices.DeleteFunc(flags, func(f string) bool { return f == "-asof" || f == "2026-01-01" }) // verify takes the manifest's
			out, errOut, code := runVerify(append(flags, "-dir", fx.open)...)
			assert.Equal(t, tc.code, code, "%s\n%s", out, errOut)
			assert.Contains(t, errOut, strings.Replace(tc.want, "FILE", name+":"+strconv.Itoa(line), 1))
			if tc.code == 0 {
				assert.Contains(t, out, "verified (auditor tier)")
			}
		})
	}
}
