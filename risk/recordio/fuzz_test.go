package recordio

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/firedraw/firedraw/risk"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The fuzz targets feed arbitrary bytes to each loader. The first fuzz
// argument picks the options: bit 0 the format (CSV or JSON Lines), bit 1
// an AsOf date, bit 2 a unit directory. Properties checked:
//   - no panic;
//   - every error is a *RecordError from the source wrapping a sentinel;
//   - strict mode fails exactly when lenient mode rejects something, with
//     the same first error, and otherwise both return the same records;
//   - lenient mode accounts for every data row (good + rejected = rows)
//     whenever rows can be counted without a CSV parser (no quotes);
//   - every returned record is valid (no NaN, enums in range, dates on
//     UTC days, AsOf and directory respected…);
//   - the records written back with the writers load back equal.
//
// Seeds: ../../testdata/loaders/<kind>/*.csv and *.jsonl plus f.Add.

var (
	fuzzAsOf = time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC)
	fuzzDir  = func() *risk.Directory {
		d, err := risk.NewDirectory([]risk.Unit{{ID: "U1"}, {ID: "U2"}, {ID: "91330106MA2B0001X1"}})
		if err != nil {
			panic(err)
		}
		return d
	}()
	sentinels = []error{risk.ErrMissingColumn, risk.ErrUnknownField, risk.ErrMalformed, risk.ErrBadEnum, risk.ErrBadTime,
		risk.ErrBadNumber, risk.ErrMissingValue, risk.ErrDuplicateID, risk.ErrUnknownUnit, risk.ErrFuture}
)

func addSeeds(f *testing.F, kind string) {
	n := 0
	for ext, format := range map[string]byte{"csv": 0, "jsonl": 1} {
		paths, err := filepath.Glob(filepath.Join("..", "..", "testdata", "loaders", kind, "*."+ext))
		require.NoError(f, err)
		for _, p := range paths {
			b, err := os.ReadFile(p)
			require.NoError(f, err)
			for opts := byte(0); opts < 8; opts += 2 {
				f.Add(format|opts, b)
			}
			n++
		}
	}
	if n == 0 {
		f.Fatalf("no seed corpus in ../../testdata/loaders/%s", kind)
	}
}

func fuzzOptions(opts byte) LoadOptions {
	opt := LoadOptions{Source: "fuzz", Format: Format(opts & 1)}
	if opts&2 != 0 {
		opt.AsOf = fuzzAsOf
	}
	if opts&4 != 0 {
		opt.Units = fuzzDir
	}
	return opt
}

// fuzzCase describes one record type for fuzzLoad.
type fuzzCase[T any] struct {
	load  func(io.Reader, LoadOptions) ([]T, []*risk.RecordError, error)
	write func(io.Writer, []T, Format) error
	check func(t *testing.T, opt LoadOptions, rec *T)
	// parallel marks loaders that split CSV into blocks for workers; the
	// fuzz checks that the result does not depend on the block size.
	parallel bool
	// rows returns how many CSV rows the records came from (nil: one each).
	rows func([]T) int
	// csvRoundTrip reports whether CSV can represent the records exactly
	// (nil: always).
	csvRoundTrip func([]T) bool
}

// dataRows counts the records of an input without quotes: non-blank
// lines, less the CSV header.
func dataRows(data []byte, f Format) int {
	data = bytes.TrimPrefix(data, utf8BOM)
	n := 0
	for line := range bytes.SplitSeq(data, []byte{'\n'}) {
		if f == JSONL {
			line = bytes.TrimSpace(line)
		} else {
			line, _ = stripCR(line)
		}
		if len(line) > 0 {
			n++
		}
	}
	if f == CSV && n > 0 {
		n-- // the header
	}
	return n
}

func checkRecordError(t *testing.T, err error) {
	t.Helper()
	var re *risk.RecordError
	require.True(t, errors.As(err, &re), "%T %v is not a *RecordError", err, err)
	assert.Equal(t, "fuzz", re.Source)
	assert.Positive(t, re.Line, "%v", err)
	assert.True(t, slices.ContainsFunc(sentinels, func(s error) bool { return errors.Is(err, s) }), "%v wraps no sentinel", err)
}

func fuzzLoad[T any](t *testing.T, opts byte, data []byte, fc fuzzCase[T]) {
	opt := fuzzOptions(opts)
	good, rej, err := fc.load(bytes.NewReader(data), opt)
	lenient := opt
	lenient.Lenient = true
	lgood, lrej, lerr := fc.load(bytes.NewReader(data), lenient)

	if fc.parallel && opt.Format == CSV {
		// Small blocks, and the sequential reader, give the same results.
		strict, lax := loadResult(good, rej, err), loadResult(lgood, lrej, lerr)
		same := func(how string) {
			assert.Equal(t, strict, loadResult(fc.load(bytes.NewReader(data), opt)), how)
			assert.Equal(t, lax, loadResult(fc.load(bytes.NewReader(data), lenient)), how)
		}
		defer func(n int) { csvBlockSize = n }(csvBlockSize)
		csvBlockSize = 1 + int(opts>>3)
		same(fmt.Sprint("block size ", csvBlockSize))
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
		same("sequential")
	}
	if err != nil {
		checkRecordError(t, err)
		assert.Nil(t, good)
		assert.Nil(t, rej)
		if lerr != nil {
			assert.Equal(t, err.Error(), lerr.Error(), "strict and lenient fail alike on the whole input")
			return
		}
		require.NotEmpty(t, lrej, "strict failed with %v but lenient rejected nothing", err)
		assert.Equal(t, err.Error(), lrej[0].Error(), "strict stops at lenient's first rejection")
	} else {
		require.NoError(t, lerr)
		assert.Empty(t, lrej)
		assert.Equal(t, good, lgood)
	}
	if lerr != nil {
		return
	}
	for _, e := range lrej {
		checkRecordError(t, e)
	}
	for i := range lgood {
		fc.check(t, opt, &lgood[i])
	}
	if opt.Format == JSONL || bytes.IndexByte(data, '"') < 0 {
		rows := len(lgood)
		if fc.rows != nil && opt.Format == CSV {
			rows = fc.rows(lgood)
		}
		assert.Equal(t, dataRows(data, opt.Format), rows+len(lrej), "every row is kept or rejected")
	}

	// Write back and reload, in both formats.
	for _, f := range []Format{JSONL, CSV} {
		if f == CSV && fc.csvRoundTrip != nil && !fc.csvRoundTrip(lgood) {
			continue
		}
		var b bytes.Buffer
		require.NoError(t, fc.write(&b, lgood, f))
		again, rej, err := fc.load(&b, LoadOptions{Source: "fuzz", Format: f})
		require.NoError(t, err, "reload %v", f)
		require.Empty(t, rej)
		if len(lgood) == 0 {
			assert.Empty(t, again)
		} else {
			assert.Equal(t, lgood, again, "round trip through %v", f)
		}
	}
}

func checkString(t *testing.T, what, s string, required bool) {
	t.Helper()
	assert.True(t, utf8.ValidString(s), "%s %q is not UTF-8", what, s)
	if required {
		assert.NotEmpty(t, s, what)
	}
}

func checkTime(t *testing.T, opt LoadOptions, what string, tm time.Time, day bool) {
	t.Helper()
	assert.Equal(t, time.UTC, tm.Location(), what)
	assert.True(t, tm.Year() >= 0 && tm.Year() <= 9999, "%s %v", what, tm)
	if day {
		assert.Equal(t, dayOf(tm), tm, "%s is not a day", what)
	}
	if !opt.AsOf.IsZero() {
		assert.False(t, tm.After(opt.AsOf), "%s %v after AsOf", what, tm)
	}
}

func checkUnitID(t *testing.T, opt LoadOptions, id string) {
	t.Helper()
	checkString(t, "unit ID", id, true)
	if opt.Units != nil {
		assert.True(t, opt.Units.Has(id), "unknown unit %q", id)
	}
}

func checkListValid(t *testing.T, what string, list []string) {
	t.Helper()
	if list != nil {
		assert.NotEmpty(t, list, "%s: empty list is nil", what)
	}
	for _, s := range list {
		checkString(t, what, s, true)
		assert.Equal(t, strings.TrimSpace(s), s, what)
		assert.NotContains(t, s, ";", what)
	}
}

func finiteOrZero(t *testing.T, what string, has bool, f float64) {
	t.Helper()
	if has {
		assert.True(t, finite(f), "%s %v", what, f)
	} else {
		assert.Zero(t, f, what)
	}
}

func FuzzLoadUnits(f *testing.F) {
	addSeeds(f, "units")
	f.Add(byte(0), []byte("id,category,district,a,b\nU1,school,d,1,x\nU2,other,d,,\n"))
	f.Fuzz(func(t *testing.T, opts byte, data []byte) {
		fuzzLoad(t, opts, data, fuzzCase[risk.Unit]{
			load:     LoadUnits,
			parallel: true,
			write: func(w io.Writer, u []risk.Unit, f Format) error {
				if f == CSV {
					return WriteUnitsCSV(w, u)
				}
				return WriteUnitsJSONL(w, u)
			},
			check: func(t *testing.T, _ LoadOptions, u *risk.Unit) {
				checkString(t, "id", u.ID, true)
				checkString(t, "name", u.Name, false)
				checkString(t, "district", u.District, true)
				assert.NotContains(t, u.Category.String(), "(", "enumeration out of range")
				if u.HasLocation {
					assert.True(t, u.Lat >= -90 && u.Lat <= 90 && u.Lon >= -180 && u.Lon <= 180, "%v %v", u.Lat, u.Lon)
				} else {
					assert.Zero(t, u.Lat)
					assert.Zero(t, u.Lon)
				}
				for i, a := range u.Attrs {
					assert.NoError(t, checkAttrName(a.Name))
					if i > 0 {
						assert.Less(t, u.Attrs[i-1].Name, a.Name, "attrs sorted and distinct")
					}
					finiteOrZero(t, "attr", a.Numeric, a.Num)
					if a.Numeric {
						assert.Empty(t, a.Text)
					} else {
						checkString(t, "attr text", a.Text, true)
					}
				}
			},
			// CSV makes a text that reads as a number numeric.
			csvRoundTrip: func(units []risk.Unit) bool {
				for _, u := range units {
					for _, a := range u.Attrs {
						if _, err := strconv.ParseFloat(strings.TrimSpace(a.Text), 64); !a.Numeric && (err == nil || isRangeErr(err)) {
							return false
						}
					}
				}
				return true
			},
		})
	})
}

func FuzzLoadTelemetry(f *testing.F) {
	addSeeds(f, "telemetry")
	f.Add(byte(4), []byte("unit_id,device_id,device_type,time,kind\nU1,D,smoke,2025-01-01T00:00:00Z,fault\n"))
	f.Fuzz(func(t *testing.T, opts byte, data []byte) {
		fuzzLoad(t, opts, data, fuzzCase[risk.TelemetryEvent]{
			load:     LoadTelemetry,
			parallel: true,
			write: func(w io.Writer, e []risk.TelemetryEvent, f Format) error {
				if f == CSV {
					return WriteTelemetryCSV(w, e)
				}
				return WriteTelemetryJSONL(w, e)
			},
			check: func(t *testing.T, opt LoadOptions, e *risk.TelemetryEvent) {
				checkUnitID(t, opt, e.UnitID)
				checkString(t, "device", e.DeviceID, true)
				checkString(t, "measure", e.Measure, false)
				assert.NotContains(t, e.DeviceType.String(), "(", "enumeration out of range")
				assert.NotContains(t, e.Kind.String(), "(", "enumeration out of range")
				checkTime(t, opt, "time", e.Time, false)
				finiteOrZero(t, "value", e.HasValue, e.Value)
			},
		})
	})
}

func FuzzLoadIncidents(f *testing.F) {
	addSeeds(f, "incidents")
	f.Add(byte(2), []byte("unit_id,time,type,loss\nU1,2025-01-01,fire,1e3\n"))
	f.Fuzz(func(t *testing.T, opts byte, data []byte) {
		fuzzLoad(t, opts, data, fuzzCase[risk.Incident]{
			load: LoadIncidents,
			write: func(w io.Writer, in []risk.Incident, f Format) error {
				if f == CSV {
					return WriteIncidentsCSV(w, in)
				}
				return WriteIncidentsJSONL(w, in)
			},
			check: func(t *testing.T, opt LoadOptions, in *risk.Incident) {
				checkUnitID(t, opt, in.UnitID)
				checkTime(t, opt, "time", in.Time, false)
				assert.NotContains(t, in.Type.String(), "(", "enumeration out of range")
				finiteOrZero(t, "loss", in.HasLoss, in.Loss)
				assert.False(t, in.Loss < 0)
				assert.GreaterOrEqual(t, in.Casualties, 0)
			},
		})
	})
}

func FuzzLoadInspections(f *testing.F) {
	addSeeds(f, "inspections")
	f.Add(byte(0), []byte("inspection_id,unit_id,date,result,code,severity\nI1,U1,2025-01-01,fail,V,major\nI1,U1,2025-01-01,fail,W,minor\n"))
	f.Fuzz(func(t *testing.T, opts byte, data []byte) {
		fuzzLoad(t, opts, data, fuzzCase[risk.Inspection]{
			load: LoadInspections,
			write: func(w io.Writer, in []risk.Inspection, f Format) error {
				if f == CSV {
					return WriteInspectionsCSV(w, in)
				}
				return WriteInspectionsJSONL(w, in)
			},
			check: func(t *testing.T, opt LoadOptions, in *risk.Inspection) {
				checkString(t, "id", in.ID, true)
				checkUnitID(t, opt, in.UnitID)
				checkTime(t, opt, "date", in.Date, true)
				checkListValid(t, "inspectors", in.Inspectors)
				assert.NotContains(t, in.Result.String(), "(", "enumeration out of range")
				assert.NotContains(t, in.Reason.String(), "(", "enumeration out of range")
				for _, v := range in.Violations {
					checkString(t, "code", v.Code, true)
					assert.NotContains(t, v.Severity.String(), "(", "enumeration out of range")
					if !v.Deadline.IsZero() {
						assert.Equal(t, dayOf(v.Deadline), v.Deadline)
					}
					if !v.Rectified.IsZero() {
						checkTime(t, opt, "rectified", v.Rectified, true)
						assert.False(t, v.Rectified.Before(in.Date))
					}
				}
			},
			rows: func(in []risk.Inspection) int {
				n := 0
				for _, x := range in {
					n += max(1, len(x.Violations))
				}
				return n
			},
		})
	})
}

func FuzzLoadCredit(f *testing.F) {
	addSeeds(f, "credit")
	f.Add(byte(6), []byte("unit_id,grade,as_of\nU1,b,2025-01-01\n"))
	f.Fuzz(func(t *testing.T, opts byte, data []byte) {
		fuzzLoad(t, opts, data, fuzzCase[risk.CreditRecord]{
			load: LoadCredit,
			write: func(w io.Writer, c []risk.CreditRecord, f Format) error {
				if f == CSV {
					return WriteCreditCSV(w, c)
				}
				return WriteCreditJSONL(w, c)
			},
			check: func(t *testing.T, opt LoadOptions, c *risk.CreditRecord) {
				checkUnitID(t, opt, c.UnitID)
				assert.NotContains(t, c.Grade.String(), "(", "enumeration out of range")
				assert.GreaterOrEqual(t, c.Penalties, 0)
				checkTime(t, opt, "as_of", c.AsOf, true)
			},
		})
	})
}

func FuzzLoadInspectors(f *testing.F) {
	addSeeds(f, "inspectors")
	f.Add(byte(4), []byte("id,leave,conflicts\nP1,2024-02-28..2024-03-01,U1;U2\n"))
	f.Fuzz(func(t *testing.T, opts byte, data []byte) {
		fuzzLoad(t, opts, data, fuzzCase[risk.Inspector]{
			load: LoadInspectors,
			write: func(w io.Writer, in []risk.Inspector, f Format) error {
				if f == CSV {
					return WriteInspectorsCSV(w, in)
				}
				return WriteInspectorsJSONL(w, in)
			},
			check: func(t *testing.T, opt LoadOptions, in *risk.Inspector) {
				checkString(t, "id", in.ID, true)
				checkListValid(t, "districts", in.Districts)
				checkListValid(t, "conflicts", in.Conflicts)
				for _, c := range in.Categories {
					assert.NotContains(t, c.String(), "(", "enumeration out of range")
				}
				assert.GreaterOrEqual(t, in.MaxPerRound, 0)
				for i, d := range in.Leave {
					assert.Equal(t, dayOf(d), d)
					if i > 0 {
						assert.True(t, in.Leave[i-1].Before(d), "leave sorted and distinct")
					}
				}
				if opt.Units != nil {
					for _, u := range in.Conflicts {
						assert.True(t, opt.Units.Has(u))
					}
				}
			},
		})
	})
}
