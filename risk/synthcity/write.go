package synthcity

import (
	"bufio"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/firedraw/firedraw/risk/recordio"
)

// File names written by WriteDir.
const (
	UnitsFile       = "units.csv.gz"
	TelemetryFile   = "telemetry.csv.gz"
	IncidentsFile   = "incidents.csv.gz"
	InspectionsFile = "inspections.csv.gz"
	CreditFile      = "credit.csv.gz"
	InspectorsFile  = "inspectors.csv.gz"
	OutcomesFile    = "outcomes.csv.gz"
)

// FileNames returns the names of the files WriteDir writes, in order.
func FileNames() []string {
	return []string{UnitsFile, TelemetryFile, IncidentsFile, InspectionsFile, CreditFile, InspectorsFile, OutcomesFile}
}

// RecordFiles returns the record files WriteDir writes, for
// recordio.LoadRecords(os.DirFS(dir), RecordFiles(), opt).
func RecordFiles() recordio.Files {
	return recordio.Files{Units: UnitsFile, Telemetry: TelemetryFile, Incidents: IncidentsFile,
		Inspections: InspectionsFile, Credit: CreditFile, Inspectors: InspectorsFile}
}

// WriteDir writes the city to dir (created if missing) as gzip-compressed
// CSV files named as in FileNames, using the risk writers (recordio.WriteUnitsCSV
// and the others) and WriteOutcomesCSV. The gzip headers carry no name and
// no modification time, so the same city always gives the same bytes.
// A city generated with NoTelemetry gets a telemetry file with only the
// header.
func (c *City) WriteDir(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	writers := []func(io.Writer) error{
		func(w io.Writer) error { return recordio.WriteUnitsCSV(w, c.Units) },
		func(w io.Writer) error { return recordio.WriteTelemetryCSV(w, c.Telemetry) },
		func(w io.Writer) error { return recordio.WriteIncidentsCSV(w, c.Incidents) },
		func(w io.Writer) error { return recordio.WriteInspectionsCSV(w, c.Inspections) },
		func(w io.Writer) error { return recordio.WriteCreditCSV(w, c.Credit) },
		func(w io.Writer) error { return recordio.WriteInspectorsCSV(w, c.Inspectors) },
		func(w io.Writer) error { return WriteOutcomesCSV(w, c.Outcomes) },
	}
	for k, name := range FileNames() {
		if err := writeGzip(filepath.Join(dir, name), writers[k]); err != nil {
			return fmt.Errorf("synthcity: %s: %w", name, err)
		}
	}
	return nil
}

func writeGzip(path string, write func(io.Writer) error) (err error) {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}()
	bw := bufio.NewWriterSize(f, 1<<16)
	zw, err := gzip.NewWriterLevel(bw, gzip.DefaultCompression)
	if err != nil {
		return err
	}
	if err := write(zw); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	return bw.Flush()
}
