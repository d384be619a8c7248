package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/firedraw/firedraw/risk"
	"github.com/firedraw/firedraw/risk/recordio"
)

func TestCheck(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(text), 0o644))
		return p
	}
	files := recordio.Files{
		Units:       write("units.csv", "id,category,district\nU1,street-shop,North\nU2,industrial,South\n"),
		Inspectors:  write("inspectors.csv", "id,districts,categories\nP1,North,street-shop;industrial\nP2,North,street-shop;industrial\n"),
		Inspections: write("inspections.csv", "inspection_id,unit_id,date,inspectors,result\nI1,U1,2025-05-01,P1;P2,pass\nI2,U1,2026-02-01,P1;P2,pass\n"),
	}
	recs, err := LoadRecords(files, nil)
	require.NoError(t, err)
	asOf := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var w bytes.Buffer

	_, err = Check("prog", files, recs, asOf, false, &w)
	require.ErrorIs(t, err, risk.ErrFuture)
	assert.EqualError(t, err, files.Inspections+`:3: column "date" of record "I2": value "2026-02-01": date after asOf 2026-01-01`)

	out, err := Check("prog", files, recs, asOf, true, &w)
	require.NoError(t, err)
	assert.Len(t, out.Inspections, 1)
	assert.Len(t, recs.Inspections, 2, "the loaded records are not modified")
	assert.Equal(t, "prog: left out 1 record(s) dated after the as-of date\n  "+files.Inspections+
		`:3: column "date" of record "I2": value "2026-02-01": date after asOf 2026-01-01`+"\n"+
		"prog: warning: no inspector covers district(s) South: their units can never be staffed\n", w.String())
}
