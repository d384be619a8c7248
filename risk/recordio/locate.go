package recordio

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/csv"
	"errors"
	"io"
	"io/fs"
	"path"
	"strings"
	"sync"

	"github.com/firedraw/firedraw/risk"
)

// Locations returns a risk.Locator that names the file and line of each
// record that LoadRecords read in strict mode from the same files: the
// index-th record of a kind is the index-th data row of its file (the
// index-th distinct inspection_id for inspections in CSV, whose rows are
// one per violation). It reads a file again, once, the first time it is
// asked about it, so that loading itself keeps no line numbers; the
// files must not change in between. It returns the file name with line 0
// when the file cannot be read again or has fewer records, and "" for a
// kind without a file. The Locator is safe for concurrent use.
func Locations(fsys fs.FS, files Files) risk.Locator {
	names := map[string]string{
		risk.KindUnits: files.Units, risk.KindTelemetry: files.Telemetry, risk.KindIncidents: files.Incidents,
		risk.KindInspections: files.Inspections, risk.KindCredit: files.Credit, risk.KindInspectors: files.Inspectors,
	}
	var (
		mu    sync.Mutex
		lines = map[string][]int{}
	)
	return func(kind string, index int) (string, int) {
		name := names[kind]
		if name == "" {
			return "", 0
		}
		mu.Lock()
		defer mu.Unlock()
		ls, ok := lines[kind]
		if !ok {
			ls, _ = recordLines(fsys, name, kind == risk.KindInspections)
			lines[kind] = ls
		}
		if index < 0 || index >= len(ls) {
			return name, 0
		}
		return name, ls[index]
	}
}

// recordLines opens name (gunzipping a ".gz") and returns the line each
// record starts on.
func recordLines(fsys fs.FS, name string, inspections bool) ([]int, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var r io.Reader = f
	if strings.EqualFold(path.Ext(name), ".gz") {
		zr, err := gzip.NewReader(f)
		if err != nil {
			return nil, err
		}
		defer zr.Close()
		r = zr
	}
	if FormatOf(name) == JSONL {
		return jsonlLines(r)
	}
	return csvLines(r, inspections)
}

// jsonlLines returns the numbers of the non-blank lines of r: a JSON Lines
// loader reads one record from each.
func jsonlLines(r io.Reader) ([]int, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	var out []int
	line, blank := 1, true
	for {
		b, err := br.ReadSlice('\n')
		if len(bytes.TrimSpace(b)) > 0 {
			blank = false
		}
		switch {
		case err == bufio.ErrBufferFull:
			continue
		case err != nil && err != io.EOF:
			return out, err
		}
		if !blank {
			out = append(out, line)
		}
		if err == io.EOF {
			return out, nil
		}
		line, blank = line+1, true
	}
}

// csvLines returns the line each data row of CSV r starts on, or, for
// inspections, the line of the first row of each distinct inspection_id.
func csvLines(r io.Reader, inspections bool) ([]int, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			err = nil
		}
		return nil, err
	}
	idCol := -1
	if inspections {
		for j, h := range header {
			if foldColumn(h) == "inspectionid" {
				idCol = j
			}
		}
	}
	var out []int
	seen := map[string]bool{}
	for {
		rec, err := cr.Read()
		if err != nil {
			if errors.Is(err, io.EOF) {
				err = nil
			}
			return out, err
		}
		line, _ := cr.FieldPos(0)
		if idCol >= 0 && idCol < len(rec) {
			if seen[rec[idCol]] {
				continue
			}
			seen[rec[idCol]] = true
		}
		out = append(out, line)
	}
}

// foldColumn folds a column name for matching: a byte order mark, case,
// spaces, '-' and '_' do not count.
func foldColumn(s string) string {
	s = strings.TrimPrefix(s, "\ufeff")
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '-', '_':
			return -1
		}
		return r
	}, strings.ToLower(s))
}
